import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ReleaseEntity } from './release.entity';

/**
 * A service held at one release in one environment (DigitalOcean's pins, Argo CD's "auto-sync
 * off"): the pin gate refuses every deployment of another release until someone unpins.
 */
@Entity({ name: 'deployment_pins' })
export class DeploymentPinEntity {
  @PrimaryColumn('uuid')
  environmentId: string;

  @ManyToOne('EnvironmentEntity')
  @JoinColumn({ name: 'environment_id', foreignKeyConstraintName: 'deployment_pins_environment_id_fkey' })
  environment?: object;

  @PrimaryColumn('uuid')
  serviceId: string;

  @ManyToOne('ServiceEntity')
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'deployment_pins_service_id_fkey' })
  service?: object;

  /** The release the pair is held at; null when nothing had been deployed there yet (holds everything). */
  @Column('uuid', { nullable: true })
  releaseId: string | null;

  @ManyToOne(() => ReleaseEntity)
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'deployment_pins_release_id_fkey' })
  release?: object;

  @Column('text')
  reason: string;

  /** Actor id. */
  @Column('text')
  pinnedBy: string;

  @Column('timestamptz')
  pinnedAt: Date;
}
