import { Args, Input, PageArgs, Prop } from '@opsplane/core';
import { DEPLOYMENT_STATUSES, DeploymentStatus } from '../deployment-status';

/** What CI/CD reports; the other statuses are reached through approvals, schedules and expiry. */
export const REPORTED_STATUSES = ['running', 'succeeded', 'failed', 'canceled'] as const;
export type ReportedStatus = (typeof REPORTED_STATUSES)[number];

const FREEZE_OVERRIDE =
  'Admins only (403 `deployment.override_forbidden` for other roles): pass the freeze gate anyway, for this ' +
  'reason, which is stored on the deployment and in the audit event. Deploy windows cannot be overridden.';

const GATE_OVERRIDES =
  'Admins only (403 `deployment.override_forbidden` for other roles): pass these gates anyway, each for its ' +
  'reason, stored on the deployment and in the audit event. Only gates that may be overridden (e.g. ' +
  '`compliance`) are accepted; a freeze is overridden with `freezeOverrideReason`.';

@Input('GateOverrideInput', 'A gate to pass anyway, and why.')
export class GateOverrideInput {
  @Prop.slug({ description: 'The gate, as named in a refusal (`gate.<name>`).', example: 'compliance' })
  gate: string;

  @Prop.string({ maxLength: 2000, example: 'Backup restore test runs tonight; CHG-118' })
  reason: string;
}

@Input(
  'DeploymentScheduleInput',
  'When to queue the deployment (Octopus QueueTime): exactly one of `at`, `localTime` with `timeZone`, or ' +
    '`nextAllowedWindow`. Gates still run when it is requested and again when it starts.',
)
export class DeploymentScheduleInput {
  @Prop.date({ optional: true, description: 'An instant, e.g. 2026-11-28T01:00:00Z.' })
  at?: Date | null;

  @Prop.string({
    optional: true,
    maxLength: 23,
    pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/,
    patternHint: 'must be a local date-time without offset, e.g. 2026-11-28T02:00',
    description:
      'Wall-clock time in `timeZone` ("at 02:00 Europe/Berlin"). A time the clocks skip (spring forward) ' +
      'moves forward by the length of the gap, as deploy windows do; a time that occurs twice (fall back) is ' +
      'its first occurrence. The answer shows the resolved instant in `scheduledFor`.',
    example: '2026-11-28T02:00',
  })
  localTime?: string | null;

  @Prop.string({
    optional: true,
    maxLength: 64,
    description: 'IANA zone of `localTime`.',
    example: 'Europe/Berlin',
  })
  timeZone?: string | null;

  @Prop.bool({
    optional: true,
    description:
      'Queue at the next allowed start of the environment’s deploy windows and freezes (as ' +
      '`GET /v1/environments/{id}/deploy-windows/next` reports it for the release’s service). ' +
      '`expiresAt` defaults to the end of that window.',
  })
  nextAllowedWindow?: boolean | null;
}

@Input('RequestDeploymentInput')
export class RequestDeploymentInput {
  @Prop.uuid({ description: 'The release id.' })
  release: string;

  @Prop.string({ maxLength: 100, description: 'The environment id (UUID) or slug.', example: 'production' })
  environment: string;

  @Prop.string({ optional: true, maxLength: 2000, example: 'Fixes the checkout timeout (INC-42)' })
  reason?: string | null;

  @Prop.string({ optional: true, maxLength: 2000, description: FREEZE_OVERRIDE, example: 'Hotfix for INC-7' })
  freezeOverrideReason?: string | null;

  @Prop.nested(() => GateOverrideInput, {
    isArray: true,
    optional: true,
    maxItems: 10,
    description: GATE_OVERRIDES,
  })
  gateOverrides?: GateOverrideInput[] | null;

  @Prop.nested(() => DeploymentScheduleInput, { optional: true })
  schedule?: DeploymentScheduleInput | null;

  @Prop.date({
    optional: true,
    description:
      'If the deployment is still waiting for approval or for its scheduled time then, it becomes `expired`.',
  })
  expiresAt?: Date | null;
}

@Input('RollbackDeploymentInput')
export class RollbackDeploymentInput {
  @Prop.string({
    maxLength: 2000,
    description: 'Why; stored on both deployments’ events.',
    example: 'INC-42: 5xx',
  })
  reason: string;

  @Prop.bool({
    optional: true,
    description:
      'Also pin the service in the environment to the release rolled back to, with the same reason, so ' +
      'automation does not promote the bad release again until someone unpins.',
  })
  pin?: boolean | null;

  @Prop.string({ optional: true, maxLength: 2000, description: FREEZE_OVERRIDE, example: 'Hotfix for INC-7' })
  freezeOverrideReason?: string | null;

  @Prop.nested(() => GateOverrideInput, {
    isArray: true,
    optional: true,
    maxItems: 10,
    description: GATE_OVERRIDES,
  })
  gateOverrides?: GateOverrideInput[] | null;
}

@Input('ReportDeploymentStatusInput', 'Progress reported by the tool that executes the deployment.')
export class ReportDeploymentStatusInput {
  @Prop.enum(REPORTED_STATUSES, 'ReportedDeploymentStatus')
  status: ReportedStatus;

  @Prop.string({ optional: true, maxLength: 2000, description: 'Required for `failed`.' })
  reason?: string | null;

  @Prop.string({
    optional: true,
    maxLength: 2000,
    description: `Only with \`running\`. ${FREEZE_OVERRIDE}`,
    example: 'Hotfix for INC-7',
  })
  freezeOverrideReason?: string | null;

  @Prop.nested(() => GateOverrideInput, {
    isArray: true,
    optional: true,
    maxItems: 10,
    description: GATE_OVERRIDES,
  })
  gateOverrides?: GateOverrideInput[] | null;
}

/** The filters every list of deployments takes: its own lists and the `deployments` of environments, services and releases. */
@Args()
export class DeploymentFilterArgs extends PageArgs {
  @Prop.enum(DEPLOYMENT_STATUSES, 'DeploymentStatus', { optional: true })
  status?: DeploymentStatus;

  @Prop.date({ optional: true, description: 'Requested at or after this time.' })
  from?: Date;

  @Prop.date({ optional: true, description: 'Requested before this time.' })
  to?: Date;
}

@Args()
export class ListDeploymentsArgs extends DeploymentFilterArgs {
  @Prop.uuid({ optional: true })
  environmentId?: string;

  @Prop.uuid({ optional: true })
  serviceId?: string;

  @Prop.uuid({ optional: true })
  releaseId?: string;
}

/** `Environment.deployments`: its deployments, optionally of one service. */
@Args()
export class EnvironmentDeploymentsArgs extends DeploymentFilterArgs {
  @Prop.uuid({ optional: true })
  serviceId?: string;
}

/** `Service.deployments` and `Release.deployments`: optionally into one environment. */
@Args()
export class ServiceDeploymentsArgs extends DeploymentFilterArgs {
  @Prop.uuid({ optional: true })
  environmentId?: string;
}
