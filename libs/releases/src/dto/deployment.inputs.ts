import { Args, Input, PageArgs, Prop } from '@opsplane/core';
import { DEPLOYMENT_STATUSES, DeploymentStatus } from '../deployment-status';

/** What CI/CD reports; the other statuses are reached through approvals, schedules and expiry. */
export const REPORTED_STATUSES = ['running', 'succeeded', 'failed', 'canceled'] as const;
export type ReportedStatus = (typeof REPORTED_STATUSES)[number];

const FREEZE_OVERRIDE =
  'Admins only (403 `deployment.override_forbidden` for other roles): pass the freeze gate anyway, for this ' +
  'reason, which is stored on the deployment and in the audit event. Deploy windows cannot be overridden.';

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
}

@Args()
export class ListDeploymentsArgs extends PageArgs {
  @Prop.uuid({ optional: true })
  environmentId?: string;

  @Prop.uuid({ optional: true })
  serviceId?: string;

  @Prop.uuid({ optional: true })
  releaseId?: string;

  @Prop.enum(DEPLOYMENT_STATUSES, 'DeploymentStatus', { optional: true })
  status?: DeploymentStatus;

  @Prop.date({ optional: true, description: 'Requested at or after this time.' })
  from?: Date;

  @Prop.date({ optional: true, description: 'Requested before this time.' })
  to?: Date;
}
