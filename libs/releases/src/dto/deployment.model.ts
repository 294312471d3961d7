import { Model, PageOf, Prop, Role, ROLES } from '@opsplane/core';
import { DEPLOYMENT_STATUSES, DeploymentStatus } from '../deployment-status';
import type { GateOverride } from '../deployment.entity';

@Model('GateOverride', 'A gate an admin let a deployment through anyway.')
export class GateOverrideModel implements GateOverride {
  @Prop.string({ maxLength: 50, example: 'compliance' })
  gate: string;

  @Prop.string({ maxLength: 2000 })
  reason: string;

  @Prop.string({ description: 'Actor id of the admin.' })
  by: string;
}

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

  @Prop.nested(() => GateOverrideModel, {
    isArray: true,
    description: 'Other gates an admin let it through (at request or start), with the reason; [] when none.',
  })
  gateOverrides: GateOverrideModel[];

  @Prop.int({
    nullable: true,
    min: 1,
    max: 10,
    description:
      'Approvals needed, copied from the environment’s approval rule at request time; null when the ' +
      'environment had no rule (the deployment was queued at once).',
  })
  approvalsRequired: number | null;

  @Prop.enum(ROLES, 'Role', {
    nullable: true,
    description: 'Role an approver needs (admins always qualify), from the rule at request time.',
  })
  approverRole: Role | null;

  @Prop.bool({
    nullable: true,
    description: 'Whether the requester may approve it, from the rule at request time.',
  })
  allowSelfApproval: boolean | null;

  @Prop.int({ min: 0, description: 'Approvals received so far, one per approver.' })
  approvalsReceived: number;

  @Prop.bool({
    description:
      'True once approvalsReceived reaches approvalsRequired. Approved is not queued: it waits for ' +
      '`POST /v1/deployments/{id}/queue` unless the last approval asked to queue it.',
  })
  isApproved: boolean;

  @Prop.date({
    nullable: true,
    description:
      'When the scheduler moves it from `scheduled` to `queued` (checked every minute by default); null when ' +
      'it is queued as soon as it may be.',
  })
  scheduledFor: Date | null;

  @Prop.date({
    nullable: true,
    description: 'If it is still waiting for approval or for its time then, it becomes `expired`.',
  })
  expiresAt: Date | null;

  @Prop.uuid({ nullable: true, description: 'The deployment this one rolls back.' })
  rollbackOf: string | null;

  @Prop.date({ nullable: true, description: 'When a rollback of this deployment was requested.' })
  rolledBackAt: Date | null;

  @Prop.uuid({ nullable: true, description: 'The deployment that rolls this one back.' })
  rollbackDeploymentId: string | null;

  @Prop.bool({ description: 'True once a rollback of this deployment has been requested.' })
  isRolledBack: boolean;

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
  'gateOverrides',
  'approvalsRequired',
  'approverRole',
  'allowSelfApproval',
  'approvalsReceived',
  'scheduledFor',
  'expiresAt',
  'rollbackOf',
  'rolledBackAt',
  'rollbackDeploymentId',
  'version',
] as const satisfies readonly (keyof DeploymentModel)[];

export type DeploymentColumn = (typeof DEPLOYMENT_COLUMNS)[number];

/** Columns behind the fields that are not columns themselves (derived flags, relations). */
const COLUMNS_OF_FIELD: Partial<Record<string, readonly DeploymentColumn[]>> = {
  isApproved: ['approvalsRequired', 'approvalsReceived'],
  isRolledBack: ['rolledBackAt'],
  // The release's service too: loadReleasesAhead reads the release's service by it, at once.
  release: ['releaseId', 'serviceId'],
  service: ['serviceId'],
  environment: ['environmentId'],
};

/**
 * The columns a GraphQL selection of deployment fields needs (with `always`), for reads large
 * enough that parsing unused columns shows: 10,000 deployments' eight timestamps are a quarter of
 * a nested read whose query asks for none of them. Unknown names (other relations) need only `id`.
 */
export function deploymentColumnsFor(
  fields: Iterable<string>,
  always: readonly DeploymentColumn[],
): DeploymentColumn[] {
  const columns = new Set<DeploymentColumn>(['id', ...always]);
  for (const field of fields) {
    if ((DEPLOYMENT_COLUMNS as readonly string[]).includes(field)) columns.add(field as DeploymentColumn);
    for (const column of COLUMNS_OF_FIELD[field] ?? []) columns.add(column);
  }
  return DEPLOYMENT_COLUMNS.filter((column) => columns.has(column));
}

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
    gateOverrides: row.gateOverrides,
    approvalsRequired: row.approvalsRequired,
    approverRole: row.approverRole,
    allowSelfApproval: row.allowSelfApproval,
    approvalsReceived: row.approvalsReceived,
    isApproved: row.approvalsRequired !== null && row.approvalsReceived >= row.approvalsRequired,
    scheduledFor: row.scheduledFor,
    expiresAt: row.expiresAt,
    rollbackOf: row.rollbackOf,
    rolledBackAt: row.rolledBackAt,
    rollbackDeploymentId: row.rollbackDeploymentId,
    isRolledBack: row.rolledBackAt !== null,
    version: row.version,
  };
}
