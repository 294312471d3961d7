import { Injectable, OnModuleInit } from '@nestjs/common';
import { ArchiveGuard, ArchiveGuardContext, ArchiveGuards } from '@opsplane/catalog';
import { FieldError } from '@opsplane/core';
import { DeploymentsService } from './deployments.service';

/**
 * A service or environment with deployments that have not finished is not archived behind their
 * back: the archive is refused with the list, or, when the caller asks (`cancelDeployments`), the
 * ones not started are canceled through the same status change a pipeline reports (audited,
 * `deployment.canceled` in the outbox) in the archive's transaction.
 */
@Injectable()
export class ActiveDeploymentsArchiveGuard implements ArchiveGuard, OnModuleInit {
  readonly name = 'active_deployments';

  constructor(
    private readonly guards: ArchiveGuards,
    private readonly deployments: DeploymentsService,
  ) {}

  onModuleInit(): void {
    this.guards.register('service', this);
    this.guards.register('environment', this);
  }

  async settle({ kind, id, slug, actor, cancelDeployments }: ArchiveGuardContext): Promise<FieldError[]> {
    // Locked: a pipeline starting one of these now waits for the archive, and is then refused.
    const active = await this.deployments.lockActive(
      kind === 'service' ? { serviceId: id } : { environmentId: id },
    );
    // Opsplane records deployments; the pipeline executes them. A running one is changing the
    // environment right now, and marking it canceled would not stop it, only make the history say
    // something that did not happen. So it blocks the archive even with cancelDeployments, until
    // its pipeline reports how it ended; the ones not started can be canceled for real.
    const blockers = cancelDeployments ? active.filter(({ status }) => status === 'running') : active;
    if (blockers.length > 0)
      return blockers.map((deployment) => ({
        path: `deployments.${deployment.id}`,
        message:
          deployment.status === 'running'
            ? 'running; its pipeline must report it finished first'
            : `${deployment.status}; cancelDeployments=true cancels it`,
      }));
    const reason = `${kind === 'service' ? 'Service' : 'Environment'} ${slug} was archived.`;
    for (const deployment of active)
      await this.deployments.reportStatus(actor, deployment.id, { status: 'canceled', reason });
    return [];
  }
}
