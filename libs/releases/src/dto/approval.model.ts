import { Input, Model, Prop, Role, ROLES } from '@opsplane/core';
import { APPROVAL_DECISIONS, ApprovalDecision } from '../approval.entity';

@Model(
  'ApprovalRule',
  'Deployments into the environment need N approvals from role R before they may be queued.',
)
export class ApprovalRuleModel {
  @Prop.uuid()
  environmentId: string;

  @Prop.int({ min: 1, max: 10 })
  requiredApprovals: number;

  @Prop.enum(ROLES, 'Role', { description: 'Role an approver needs; an admin always qualifies.' })
  approverRole: Role;

  @Prop.bool({ description: 'Whether the requester may approve their own deployment.' })
  allowSelfApproval: boolean;

  @Prop.int({ min: 1, description: 'Increments on every change.' })
  version: number;

  @Prop.date()
  updatedAt: Date;

  @Prop.string({ description: 'Actor id of whoever set the rule last.' })
  updatedBy: string;
}

@Input('SetApprovalRuleInput')
export class SetApprovalRuleInput {
  @Prop.int({ min: 1, max: 10, example: 2 })
  requiredApprovals: number;

  @Prop.enum(ROLES, 'Role', { description: 'Role an approver needs; an admin always qualifies.' })
  approverRole: Role;

  @Prop.bool({
    optional: true,
    description: 'Default false: the requester cannot approve their own deployment.',
  })
  allowSelfApproval?: boolean | null;
}

@Input('ApproveDeploymentInput')
export class ApproveDeploymentInput {
  @Prop.string({ optional: true, maxLength: 2000, example: 'Checked the migration plan' })
  comment?: string | null;

  @Prop.bool({
    optional: true,
    description:
      'approveAndQueue: when this approval completes the required ones, move the deployment to `queued` ' +
      'at once. Default false: approved deployments wait for `POST /v1/deployments/{id}/queue`.',
  })
  queue?: boolean | null;
}

@Input('RejectDeploymentInput')
export class RejectDeploymentInput {
  @Prop.string({ maxLength: 2000, description: 'Why; required.', example: 'Not during the sale' })
  comment: string;
}

@Model('DeploymentApproval', 'One approver’s decision on a deployment.')
export class DeploymentApprovalModel {
  @Prop.uuid()
  id: string;

  @Prop.uuid()
  deploymentId: string;

  @Prop.enum(APPROVAL_DECISIONS, 'ApprovalDecision')
  decision: ApprovalDecision;

  @Prop.string({ description: 'Actor id of the approver.' })
  actorId: string;

  @Prop.string({ maxLength: 500 })
  actorName: string;

  @Prop.enum(ROLES, 'Role')
  actorRole: Role;

  @Prop.string({ nullable: true, maxLength: 2000 })
  comment: string | null;

  @Prop.date()
  decidedAt: Date;
}

@Model('DeploymentApprovalList', 'The decisions on one deployment, oldest first.')
export class DeploymentApprovalList {
  @Prop.nested(() => DeploymentApprovalModel, { isArray: true, maxItems: 1000 })
  items: DeploymentApprovalModel[];
}
