import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';
import { IncidentEntity } from './incident.entity';
import { POSTMORTEM_STATUSES, PostmortemStatus } from './postmortem-status';

export interface ActionItem {
  title: string;
  owner: string | null;
  /** A calendar date, YYYY-MM-DD. */
  dueDate: string | null;
  done: boolean;
}

/** The written review of one incident (one at most, by the unique key on incident_id). */
@Entity({ name: 'incident_postmortems' })
@Index('incident_postmortems_incident_key', ['incidentId'], { unique: true })
@Check(
  'incident_postmortems_status_check',
  `status IN (${POSTMORTEM_STATUSES.map((status) => `'${status}'`).join(', ')})`,
)
export class PostmortemEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  incidentId: string;

  // Many-to-one on purpose: a one-to-one adds a constraint of its own; the unique index above is the rule.
  @ManyToOne(() => IncidentEntity)
  @JoinColumn({ name: 'incident_id', foreignKeyConstraintName: 'incident_postmortems_incident_id_fkey' })
  incident?: object;

  @Column('text')
  status: PostmortemStatus;

  @Column('text', { nullable: true })
  summary: string | null;

  @Column('text', { nullable: true })
  rootCause: string | null;

  @Column('text', { nullable: true })
  impact: string | null;

  @Column('jsonb', { default: () => "'[]'" })
  actionItems: ActionItem[];

  @Column('timestamptz', { nullable: true })
  publishedAt: Date | null;

  /** Actor id of whoever started it. */
  @Column('text')
  createdBy: string;

  @VersionColumn()
  version: number;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;
}
