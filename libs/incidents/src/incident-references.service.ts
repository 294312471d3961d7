import { Injectable } from '@nestjs/common';
import { EnvironmentsService, ServicesService } from '@opsplane/catalog';
import { AppError, FieldError } from '@opsplane/core';
import { DeploymentsService } from '@opsplane/releases';
import { IncidentErrors } from './incident.errors';

type Findable = { id: string; archivedAt: Date | null };

/**
 * What incidents point at in other contexts (services, environments, deployments), checked
 * through their public services. An unknown one is 400 `incident.unknown_reference` naming its
 * field path (`services.1`), every one at once.
 */
@Injectable()
export class IncidentReferences {
  constructor(
    private readonly services: ServicesService,
    private readonly environments: EnvironmentsService,
    private readonly deployments: DeploymentsService,
  ) {}

  /** Ids for the given ids or slugs, each once; undefined/null stays undefined (nothing sent). */
  async resolveCatalog(
    services: readonly string[] | null | undefined,
    environments: readonly string[] | null | undefined,
  ): Promise<[string[] | undefined, string[] | undefined]> {
    const problems: FieldError[] = [];
    const serviceIds = await resolve(services, 'services', 'service', problems, (keys) =>
      this.services.findMany(keys),
    );
    const environmentIds = await resolve(environments, 'environments', 'environment', problems, (keys) =>
      this.environments.findMany(keys),
    );
    if (problems.length > 0)
      throw new AppError(
        IncidentErrors.unknownReference,
        `Unknown or archived: ${problems.map((problem) => problem.path).join(', ')}.`,
        { errors: problems },
      );
    return [serviceIds, environmentIds];
  }

  async assertDeploymentExists(deploymentId: string, path = 'deploymentId'): Promise<void> {
    const [found] = await this.deployments.findMany([deploymentId]);
    if (!found)
      throw new AppError(IncidentErrors.unknownReference, `No deployment with id "${deploymentId}".`, {
        errors: [{ path, message: 'no such deployment' }],
      });
  }
}

async function resolve(
  keys: readonly string[] | null | undefined,
  path: string,
  kind: string,
  problems: FieldError[],
  findMany: (keys: readonly string[]) => Promise<(Findable | null)[]>,
): Promise<string[] | undefined> {
  if (keys == null) return undefined;
  const found = await findMany(keys);
  found.forEach((model, index) => {
    if (!model)
      problems.push({ path: `${path}.${index}`, message: `no ${kind} with id or slug "${keys[index]}"` });
    else if (model.archivedAt) problems.push({ path: `${path}.${index}`, message: `${kind} is archived` });
  });
  return [...new Set(found.flatMap((model) => (model ? [model.id] : [])))];
}
