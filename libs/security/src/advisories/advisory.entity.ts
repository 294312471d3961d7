import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import type { FindingSeverity } from '@opsplane/findings';
import type { OsvRecord } from './osv-record';

/**
 * One OSV record as last imported: the record itself (the source of truth for matching and for
 * what a finding shows), and the columns lists and imports filter on. A withdrawn record is
 * deleted, not kept: OSV says to ignore it.
 */
@Entity({ name: 'advisories' })
@Unique('advisories_osv_id_key', ['osvId'])
@Index('advisories_aliases_idx', { synchronize: false })
@Index('advisories_modified_idx', ['modified', 'id'])
@Check('advisories_severity_check', `severity IN ('critical', 'high', 'medium', 'low', 'info')`)
export class AdvisoryEntity {
  /** Ours (UUIDv7), given at the first import: what lists page by. */
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'advisories_pkey' })
  id: string;

  /** The OSV id, e.g. `GHSA-c2qf-rxjj-qqgw`. */
  @Column('text')
  osvId: string;

  @Column('text', { array: true })
  aliases: string[];

  @Column('text', { nullable: true })
  summary: string | null;

  /** The record's `modified`: an import replaces a record only with a newer one. */
  @Column('timestamptz')
  modified: Date;

  @Column('timestamptz', { nullable: true })
  published: Date | null;

  /** Rated as a finding would be (assessSeverity over the record's own severities). */
  @Column('text')
  severity: FindingSeverity;

  @Column('jsonb')
  record: OsvRecord;

  @Column('timestamptz')
  importedAt: Date;
}

/** The packages a record names, one row each: what matching looks a component up by. */
@Entity({ name: 'advisory_packages' })
@Index('advisory_packages_package_idx', ['ecosystem', 'name'])
export class AdvisoryPackageEntity {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'advisory_packages_pkey' })
  advisoryId: string;

  @ManyToOne(() => AdvisoryEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'advisory_id', foreignKeyConstraintName: 'advisory_packages_advisory_id_fkey' })
  advisory?: AdvisoryEntity;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'advisory_packages_pkey' })
  ecosystem: string;

  /** As matching compares it: PyPI names PEP 503-normalised, others as written. */
  @PrimaryColumn('text', { primaryKeyConstraintName: 'advisory_packages_pkey' })
  name: string;
}
