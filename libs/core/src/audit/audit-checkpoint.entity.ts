import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The end of the audit chain as the last full verification found it intact (one row). Later
 * verifications rehash only what was appended since, after checking this event still has this
 * hash; the scheduled full verification (AUDIT_VERIFY_CRON) moves it, or removes it when the chain
 * is broken so that every verification is full again.
 */
@Entity({ name: 'audit_chain_checkpoints' })
@Check('audit_chain_checkpoints_one_row', 'id = 1')
export class AuditChainCheckpointEntity {
  @PrimaryColumn('smallint', { primaryKeyConstraintName: 'audit_chain_checkpoints_pkey' })
  id: number;

  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  throughSeq: number;

  @Column('char', { length: 64 })
  throughHash: string;

  @Column('timestamptz')
  verifiedAt: Date;
}
