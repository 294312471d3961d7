import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';

/**
 * A time when deployments must not start (GitLab deploy freezes, but enforced): one-off from
 * `startsAt` to `endsAt`, or recurring like a deploy window. The check keeps exactly one of the
 * two shapes, so code reading a row never meets half of each.
 */
@Entity({ name: 'freeze_periods' })
@Index('freeze_periods_environment_idx', ['environmentId', 'id'])
@Check(
  'freeze_periods_shape_check',
  `(starts_at IS NOT NULL AND ends_at IS NOT NULL AND ends_at > starts_at
     AND schedule IS NULL AND duration_minutes IS NULL AND time_zone IS NULL)
   OR (starts_at IS NULL AND ends_at IS NULL
     AND schedule IS NOT NULL AND duration_minutes IS NOT NULL AND time_zone IS NOT NULL)`,
)
export class FreezePeriodEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** Null: every environment. */
  @Column('uuid', { nullable: true })
  environmentId: string | null;

  @ManyToOne('EnvironmentEntity')
  @JoinColumn({ name: 'environment_id', foreignKeyConstraintName: 'freeze_periods_environment_id_fkey' })
  environment?: object;

  /** Null: every service. */
  @Column('uuid', { nullable: true })
  serviceId: string | null;

  @ManyToOne('ServiceEntity')
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'freeze_periods_service_id_fkey' })
  service?: object;

  /** Shown to whoever is refused, e.g. "Year-end freeze, ask #release-managers". */
  @Column('text')
  reason: string;

  @Column('timestamptz', { nullable: true })
  startsAt: Date | null;

  /** Excluded: deployments may start again at this instant. */
  @Column('timestamptz', { nullable: true })
  endsAt: Date | null;

  @Column('text', { nullable: true })
  schedule: string | null;

  @Column('int', { nullable: true })
  durationMinutes: number | null;

  @Column('text', { nullable: true })
  timeZone: string | null;

  /** Actor id of whoever created it. */
  @Column('text')
  createdBy: string;

  @VersionColumn()
  version: number;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;
}
