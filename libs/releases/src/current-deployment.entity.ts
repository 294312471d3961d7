import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { DeploymentEntity } from './deployment.entity';
import { ReleaseEntity } from './release.entity';

/**
 * What runs where: the last succeeded deployment of each service in each environment, written in
 * the transaction that records the success. Keeping it instead of computing it from a history of
 * millions of deployments makes "what runs in production" one index lookup.
 */
@Entity({ name: 'current_deployments' })
export class CurrentDeploymentEntity {
  @PrimaryColumn('uuid')
  environmentId: string;

  @ManyToOne('EnvironmentEntity')
  @JoinColumn({
    name: 'environment_id',
    foreignKeyConstraintName: 'current_deployments_environment_id_fkey',
  })
  environment?: object;

  @PrimaryColumn('uuid')
  serviceId: string;

  @ManyToOne('ServiceEntity')
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'current_deployments_service_id_fkey' })
  service?: object;

  @Column('uuid')
  deploymentId: string;

  @ManyToOne(() => DeploymentEntity)
  @JoinColumn({ name: 'deployment_id', foreignKeyConstraintName: 'current_deployments_deployment_id_fkey' })
  deployment?: object;

  @Column('uuid')
  releaseId: string;

  @ManyToOne(() => ReleaseEntity)
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'current_deployments_release_id_fkey' })
  release?: object;

  @Column('timestamptz')
  succeededAt: Date;
}
