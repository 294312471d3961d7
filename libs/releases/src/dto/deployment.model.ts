import { Model, PageOf, Prop } from '@opsplane/core';
import { DEPLOYMENT_STATUSES, DeploymentStatus } from '../deployment-status';

@Model(
  'Deployment',
  'A release going into an environment. Opsplane records and gates it; CI/CD executes it and reports progress.',
)
export class DeploymentModel {
  @Prop.uuid()
  id: string;

  @Prop.uuid()
  releaseId: string;

  @Prop.uuid({ description: 'The release’s service.' })
  serviceId: string;

  @Prop.uuid()
  environmentId: string;

  @Prop.enum(DEPLOYMENT_STATUSES, 'DeploymentStatus')
  status: DeploymentStatus;

  @Prop.string({ nullable: true, maxLength: 2000, description: 'Why it was requested.' })
  reason: string | null;

  @Prop.string({
    nullable: true,
    maxLength: 2000,
    description: 'Why it reached its current status; always set when failed.',
  })
  statusReason: string | null;

  @Prop.string({ description: 'Actor id of the requester.' })
  requestedBy: string;

  @Prop.date()
  requestedAt: Date;

  @Prop.date({ nullable: true })
  queuedAt: Date | null;

  @Prop.date({ nullable: true })
  startedAt: Date | null;

  @Prop.date({ nullable: true, description: 'When it succeeded, failed or was canceled.' })
  finishedAt: Date | null;

  @Prop.string({
    nullable: true,
    maxLength: 2000,
    description:
      'Why an admin let it through a freeze (at request or start); null when no freeze was overridden.',
  })
  freezeOverrideReason: string | null;

  @Prop.string({ nullable: true, description: 'Actor id of the admin who overrode the freeze.' })
  freezeOverriddenBy: string | null;

  @Prop.int({ min: 1, description: 'Increments on every change; send it back as If-Match.' })
  version: number;
}

export const DeploymentPage = PageOf(DeploymentModel, 'DeploymentPage');

export const DEPLOYMENT_COLUMNS = [
  'id',
  'releaseId',
  'serviceId',
  'environmentId',
  'status',
  'reason',
  'statusReason',
  'requestedBy',
  'requestedAt',
  'queuedAt',
  'startedAt',
  'finishedAt',
  'freezeOverrideReason',
  'freezeOverriddenBy',
  'version',
] as const satisfies readonly (keyof DeploymentModel)[];

export function toDeploymentModel(
  row: Pick<DeploymentModel, (typeof DEPLOYMENT_COLUMNS)[number]>,
): DeploymentModel {
  return {
    id: row.id,
    releaseId: row.releaseId,
    serviceId: row.serviceId,
    environmentId: row.environmentId,
    status: row.status,
    reason: row.reason,
    statusReason: row.statusReason,
    requestedBy: row.requestedBy,
    requestedAt: row.requestedAt,
    queuedAt: row.queuedAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    freezeOverrideReason: row.freezeOverrideReason,
    freezeOverriddenBy: row.freezeOverriddenBy,
    version: row.version,
  };
}
