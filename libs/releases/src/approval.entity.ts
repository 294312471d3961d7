import { Role } from '@opsplane/core';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';
import { DeploymentEntity } from './deployment.entity';

export const APPROVAL_DECISIONS = ['approved', 'rejected'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/**
 * "N approvals from role R" for deployments into one environment. Copied onto each deployment at
 * request time, so changing or removing the rule never changes a decision already in flight.
 */
@Entity({ name: 'environment_approval_rules' })
@Check('environment_approval_rules_required_check', 'required_approvals BETWEEN 1 AND 10')
@Check('environment_approval_rules_role_check', `approver_role IN ('viewer', 'operator', 'admin', 'auditor')`)
export class EnvironmentApprovalRuleEntity {
  @PrimaryColumn('uuid')
  environmentId: string;

  @ManyToOne('EnvironmentEntity')
  @JoinColumn({
    name: 'environment_id',
    foreignKeyConstraintName: 'environment_approval_rules_environment_id_fkey',
  })
  environment?: object;

  @Column('int')
  requiredApprovals: number;

  /** An approver needs this role; an admin always qualifies. */
  @Column('text')
  approverRole: Role;

  /** Off by default: the requester's own approval does not count (four eyes). */
  @Column('boolean', { default: false })
  allowSelfApproval: boolean;

  @VersionColumn()
  version: number;

  @Column('timestamptz')
  updatedAt: Date;

  /** Actor id of whoever set the rule last. */
  @Column('text')
  updatedBy: string;
}

/**
 * One approver's decision on one deployment. The unique key makes "one actor counts once" hold
 * even for concurrent decisions by the same key.
 */
@Entity({ name: 'deployment_approvals' })
@Index('deployment_approvals_actor_key', ['deploymentId', 'actorId'], { unique: true })
@Check('deployment_approvals_decision_check', `decision IN ('approved', 'rejected')`)
export class DeploymentApprovalEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  deploymentId: string;

  @ManyToOne(() => DeploymentEntity)
  @JoinColumn({ name: 'deployment_id', foreignKeyConstraintName: 'deployment_approvals_deployment_id_fkey' })
  deployment?: object;

  @Column('text')
  decision: ApprovalDecision;

  @Column('text')
  actorId: string;

  /** Name and role at decision time: keys are renamed and revoked, the record must not change. */
  @Column('text')
  actorName: string;

  @Column('text')
  actorRole: Role;

  @Column('text', { nullable: true })
  comment: string | null;

  @Column('timestamptz')
  decidedAt: Date;
}
