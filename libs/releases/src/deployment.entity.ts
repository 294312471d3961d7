import { Role } from '@opsplane/core';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';
import { DEPLOYMENT_STATUSES, DeploymentStatus } from './deployment-status';
import { ReleaseEntity } from './release.entity';

/** A gate an admin let a deployment through: which, why, and who (actor id). */
export interface GateOverride {
  gate: string;
  reason: string;
  by: string;
}

/**
 * One release going into one environment. Lists are newest first by id (UUIDv7, time-ordered),
 * so every filter has an index ending in id.
 */
@Entity({ name: 'deployments' })
@Index('deployments_environment_idx', ['environmentId', 'id'])
@Index('deployments_service_idx', ['serviceId', 'id'])
@Index('deployments_release_idx', ['releaseId', 'id'])
@Index('deployments_environment_service_idx', ['environmentId', 'serviceId', 'id'])
@Index('deployments_due_idx', ['scheduledFor'], { where: `status = 'scheduled'` })
// Change correlation: what started or finished in a time range; rollback links, for their
// foreign-key checks (see IndexDeploymentLookups).
@Index('deployments_started_at_idx', ['startedAt'], { where: 'started_at IS NOT NULL' })
@Index('deployments_finished_at_idx', ['finishedAt'], { where: 'finished_at IS NOT NULL' })
@Index('deployments_rollback_of_idx', ['rollbackOf'], { where: 'rollback_of IS NOT NULL' })
@Index('deployments_rollback_deployment_idx', ['rollbackDeploymentId'], {
  where: 'rollback_deployment_id IS NOT NULL',
})
@Index('deployments_expiring_idx', ['expiresAt'], {
  where: `status IN ('pending_approval', 'scheduled') AND expires_at IS NOT NULL`,
})
// At most one running deployment per (environment, service), enforced by the database so that
// concurrent starts cannot both win whatever the code checks first.
@Index('deployments_one_running_key', ['environmentId', 'serviceId'], {
  unique: true,
  where: `status = 'running'`,
})
@Check('deployments_status_check', `status IN (${DEPLOYMENT_STATUSES.map((s) => `'${s}'`).join(', ')})`)
@Check(
  'deployments_freeze_override_check',
  '(freeze_override_reason IS NULL) = (freeze_overridden_by IS NULL)',
)
@Check(
  'deployments_approval_rule_check',
  `(approvals_required IS NULL) = (approver_role IS NULL)
            AND (approvals_required IS NULL) = (allow_self_approval IS NULL)`,
)
@Check('deployments_rolled_back_check', '(rolled_back_at IS NULL) = (rollback_deployment_id IS NULL)')
export class DeploymentEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  releaseId: string;

  @ManyToOne(() => ReleaseEntity)
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'deployments_release_id_fkey' })
  release?: object;

  /** The release's service, copied so that filters and the one-running rule need no join. */
  @Column('uuid')
  serviceId: string;

  @ManyToOne('ServiceEntity')
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'deployments_service_id_fkey' })
  service?: object;

  @Column('uuid')
  environmentId: string;

  @ManyToOne('EnvironmentEntity')
  @JoinColumn({ name: 'environment_id', foreignKeyConstraintName: 'deployments_environment_id_fkey' })
  environment?: object;

  @Column('text')
  status: DeploymentStatus;

  /** Why it was requested. */
  @Column('text', { nullable: true })
  reason: string | null;

  /** Why it reached its current status (always set for `failed`). */
  @Column('text', { nullable: true })
  statusReason: string | null;

  /** Actor id of the requester (an API key id, or `system:<name>`). */
  @Column('text')
  requestedBy: string;

  @Column('timestamptz')
  requestedAt: Date;

  @Column('timestamptz', { nullable: true })
  queuedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  startedAt: Date | null;

  /** When it succeeded, failed or was canceled. */
  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;

  /**
   * Why an admin let the deployment through a freeze, and who (actor id). Set by the request or
   * the start that overrode; the audit event of that transition carries both.
   */
  @Column('text', { nullable: true })
  freezeOverrideReason: string | null;

  @Column('text', { nullable: true })
  freezeOverriddenBy: string | null;

  /** Other gates an admin let the deployment through, each with the reason and who; [] when none. */
  @Column('jsonb', { default: () => "'[]'" })
  gateOverrides: GateOverride[];

  /**
   * The environment's approval rule as it was at request time (null: none, the deployment was
   * queued at once). Later rule changes do not move the goalposts of a deployment in flight.
   */
  @Column('int', { nullable: true })
  approvalsRequired: number | null;

  @Column('text', { nullable: true })
  approverRole: Role | null;

  @Column('boolean', { nullable: true })
  allowSelfApproval: boolean | null;

  /** Approvals counted so far (one per actor). */
  @Column('int', { default: 0 })
  approvalsReceived: number;

  /** When the scheduler moves it from `scheduled` to `queued`; null: queued as soon as it may be. */
  @Column('timestamptz', { nullable: true })
  scheduledFor: Date | null;

  /** Not queued by then (still waiting for approval or for its time) → `expired`. */
  @Column('timestamptz', { nullable: true })
  expiresAt: Date | null;

  /** The deployment this one rolls back. */
  @Column('uuid', { nullable: true })
  rollbackOf: string | null;

  @ManyToOne(() => DeploymentEntity)
  @JoinColumn({ name: 'rollback_of', foreignKeyConstraintName: 'deployments_rollback_of_fkey' })
  rollbackOfDeployment?: object;

  /** Set on a deployment when a rollback of it is requested: the fact DORA counts as a failure. */
  @Column('timestamptz', { nullable: true })
  rolledBackAt: Date | null;

  @Column('uuid', { nullable: true })
  rollbackDeploymentId: string | null;

  @ManyToOne(() => DeploymentEntity)
  @JoinColumn({
    name: 'rollback_deployment_id',
    foreignKeyConstraintName: 'deployments_rollback_deployment_id_fkey',
  })
  rollbackDeployment?: object;

  @VersionColumn()
  version: number;
}
