import { Injectable } from '@nestjs/common';
import { EnvironmentsService } from '@opsplane/catalog';
import { KeysetOrder, Page, PageArgs, paginate, selectColumns, toPage, Transactions } from '@opsplane/core';
import { CurrentDeploymentEntity } from './current-deployment.entity';
import { DeploymentEntity } from './deployment.entity';
import { DeploymentsService } from './deployments.service';
import { CurrentDeploymentModel } from './dto/current-deployment.model';
import {
  DEPLOYMENT_COLUMNS,
  DeploymentColumn,
  DeploymentModel,
  toDeploymentModel,
} from './dto/deployment.model';

interface CurrentRow {
  serviceId: string;
  serviceSlug: string;
  releaseId: string;
  releaseVersion: string;
  deploymentId: string;
  succeededAt: Date;
  pinReleaseId: string | null;
  pinReleaseVersion: string | null;
  pinReason: string | null;
  pinnedBy: string | null;
  pinnedAt: Date | null;
}

/**
 * What runs where, read from `current_deployments` (kept by the success transition) rather than
 * derived from the whole history, so it costs the same with a million deployments as with ten.
 */
@Injectable()
export class CurrentDeploymentsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly environments: EnvironmentsService,
    private readonly deployments: DeploymentsService,
  ) {}

  /** Per service (alphabetical by slug): the last succeeded deployment, its release and any pin. */
  async list(environmentIdOrSlug: string, args: PageArgs): Promise<Page<CurrentDeploymentModel>> {
    const environment = await this.environments.get(environmentIdOrSlug);
    const manager = this.transactions.manager();
    const query = manager
      .getRepository(CurrentDeploymentEntity)
      .createQueryBuilder('current')
      .innerJoin('services', 'service', 'service.id = current.service_id')
      .innerJoin('releases', 'release', 'release.id = current.release_id')
      .leftJoin(
        'deployment_pins',
        'pin',
        'pin.environment_id = current.environment_id AND pin.service_id = current.service_id',
      )
      .leftJoin('releases', 'pinRelease', 'pinRelease.id = pin.release_id')
      .select('current.serviceId', 'serviceId')
      .addSelect('service.slug', 'serviceSlug')
      .addSelect('current.releaseId', 'releaseId')
      .addSelect('release.version', 'releaseVersion')
      .addSelect('current.deploymentId', 'deploymentId')
      .addSelect('current.succeededAt', 'succeededAt')
      .addSelect('pin.release_id', 'pinReleaseId')
      .addSelect('pinRelease.version', 'pinReleaseVersion')
      .addSelect('pin.reason', 'pinReason')
      .addSelect('pin.pinned_by', 'pinnedBy')
      .addSelect('pin.pinned_at', 'pinnedAt')
      .where('current.environmentId = :environmentId', { environmentId: environment.id });
    const order: KeysetOrder = {
      sortColumn: 'service.slug',
      idColumn: 'current.serviceId',
      scope: { environmentId: environment.id },
    };
    const rows = await paginate(query, args, order).getRawMany<CurrentRow>();
    const page = toPage(
      rows,
      args,
      order,
      (row) => ({ sort: row.serviceSlug, id: row.serviceId }),
      (row) => row,
    );
    const deployments = await this.deployments.findMany(page.items.map((row) => row.deploymentId));
    return {
      items: page.items.map((row, index) => ({
        serviceId: row.serviceId,
        serviceSlug: row.serviceSlug,
        releaseId: row.releaseId,
        releaseVersion: row.releaseVersion,
        succeededAt: row.succeededAt,
        // current_deployments references the deployment, so it exists.
        deployment: deployments[index]!,
        pin:
          row.pinReason === null
            ? null
            : {
                environmentId: environment.id,
                serviceId: row.serviceId,
                releaseId: row.pinReleaseId,
                releaseVersion: row.pinReleaseVersion,
                reason: row.pinReason,
                pinnedBy: row.pinnedBy!,
                pinnedAt: row.pinnedAt!,
              },
      })),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * For DataLoaders: the current deployments of each environment (by service id), one query.
   * `columns` may be a subset (see `deploymentColumnsFor`); the models then hold only those fields.
   */
  async ofEnvironments(
    environmentIds: readonly string[],
    columns: readonly DeploymentColumn[] = DEPLOYMENT_COLUMNS,
  ): Promise<DeploymentModel[][]> {
    const rows = await selectColumns(this.transactions.manager(), DeploymentEntity, 'deployment', columns)
      .innerJoin(CurrentDeploymentEntity, 'current', 'current.deployment_id = deployment.id')
      .where('current.environmentId IN (:...environmentIds)', { environmentIds })
      .orderBy('current.serviceId')
      .getRawMany<DeploymentModel>();
    const byEnvironment = new Map(environmentIds.map((id) => [id, [] as DeploymentModel[]]));
    for (const row of rows) byEnvironment.get(row.environmentId)?.push(toDeploymentModel(row));
    return environmentIds.map((id) => byEnvironment.get(id)!);
  }
}
