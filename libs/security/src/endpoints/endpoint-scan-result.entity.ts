import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { EndpointScanResult } from './endpoint-scan-result';

/**
 * The latest scan of one URL of one environment (a scan replaces it): what compliance controls
 * read as `endpoints`, and what the API shows. Its problems are findings of kind `endpoint`.
 */
@Entity({ name: 'endpoint_scan_results' })
export class EndpointScanResultEntity {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'endpoint_scan_results_pkey' })
  environmentId: string;

  @ManyToOne('EnvironmentEntity')
  @JoinColumn({
    name: 'environment_id',
    foreignKeyConstraintName: 'endpoint_scan_results_environment_id_fkey',
  })
  environment?: object;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'endpoint_scan_results_pkey' })
  url: string;

  @Column('timestamptz')
  scannedAt: Date;

  @Column('boolean')
  reachable: boolean;

  @Column('jsonb')
  result: EndpointScanResult;
}
