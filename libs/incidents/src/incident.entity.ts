import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';
import { INCIDENT_SEVERITIES, INCIDENT_STATUSES, IncidentSeverity, IncidentStatus } from './incident-status';

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');

/**
 * An incident: what humans run (severity, status, roles); alerts attach to it later. Lists are
 * newest first by id (UUIDv7, so declaration order).
 *
 * Affected services and environments are uuid arrays rather than join tables: the incident is
 * read and written as one row, and filters use GIN indexes (`= ANY(...)` via `@>`). Catalog rows
 * are archived, never deleted, so the ids keep pointing somewhere; they are checked on write.
 */
@Entity({ name: 'incidents' })
@Index('incidents_triggered_at_idx', ['triggeredAt', 'id'])
@Index('incidents_status_idx', ['status', 'id'])
// GIN indexes are declared in the migration; TypeORM cannot describe them and must not drop them.
@Index('incidents_service_ids_idx', { synchronize: false })
@Index('incidents_environment_ids_idx', { synchronize: false })
@Check('incidents_status_check', `status IN (${quoted(INCIDENT_STATUSES)})`)
@Check('incidents_severity_check', `severity IN (${quoted(INCIDENT_SEVERITIES)})`)
@Check('incidents_reopen_count_check', 'reopen_count >= 0')
export class IncidentEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  title: string;

  @Column('text', { nullable: true })
  summary: string | null;

  @Column('text')
  severity: IncidentSeverity;

  @Column('text')
  status: IncidentStatus;

  @Column('uuid', { array: true, default: () => "'{}'" })
  serviceIds: string[];

  @Column('uuid', { array: true, default: () => "'{}'" })
  environmentIds: string[];

  /** A person's name, free text: commanders need no Opsplane key (see IncidentModel.commander). */
  @Column('text', { nullable: true })
  commander: string | null;

  @Column('text', { array: true, default: () => "'{}'" })
  responders: string[];

  /** When the incident was declared (or opened from an alert); never changes. */
  @Column('timestamptz')
  triggeredAt: Date;

  /** The first acknowledgement; kept across reopens. */
  @Column('timestamptz', { nullable: true })
  acknowledgedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  mitigatedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  resolvedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  closedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  reopenedAt: Date | null;

  @Column('int', { default: 0 })
  reopenCount: number;

  /** When users started to be affected, as far as anyone knows; set by responders. */
  @Column('timestamptz', { nullable: true })
  impactStartedAt: Date | null;

  /** When someone or something noticed. */
  @Column('timestamptz', { nullable: true })
  detectedAt: Date | null;

  @Column('uuid', { nullable: true })
  causedByDeploymentId: string | null;

  @ManyToOne('DeploymentEntity')
  @JoinColumn({
    name: 'caused_by_deployment_id',
    foreignKeyConstraintName: 'incidents_caused_by_deployment_id_fkey',
  })
  causedByDeployment?: object;

  /** Actor id of whoever declared it (an API key id, `system:<name>`, `integration:<id>`). */
  @Column('text')
  declaredBy: string;

  @VersionColumn()
  version: number;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;
}
