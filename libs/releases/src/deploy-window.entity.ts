import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';
import type { WindowKind } from './schedule';

/**
 * When deployments into an environment may start (Argo CD sync windows): each firing of
 * `schedule` in `timeZone` opens an allow or deny period of `durationMinutes`. Narrowed to one
 * service when `serviceId` is set. The rules are in `schedule/deploy-windows.ts`.
 */
@Entity({ name: 'deploy_windows' })
@Index('deploy_windows_environment_idx', ['environmentId', 'id'])
@Check('deploy_windows_kind_check', `kind IN ('allow', 'deny')`)
export class DeployWindowEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  environmentId: string;

  @ManyToOne('EnvironmentEntity')
  @JoinColumn({ name: 'environment_id', foreignKeyConstraintName: 'deploy_windows_environment_id_fkey' })
  environment?: object;

  /** Null: every service in the environment. */
  @Column('uuid', { nullable: true })
  serviceId: string | null;

  @ManyToOne('ServiceEntity')
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'deploy_windows_service_id_fkey' })
  service?: object;

  @Column('text')
  kind: WindowKind;

  /** Five cron fields, read in `timeZone`. */
  @Column('text')
  schedule: string;

  @Column('int')
  durationMinutes: number;

  /** IANA name; validated on the way in (`validateRecurringPeriod`). */
  @Column('text')
  timeZone: string;

  @Column('text', { nullable: true })
  description: string | null;

  @VersionColumn()
  version: number;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;
}
