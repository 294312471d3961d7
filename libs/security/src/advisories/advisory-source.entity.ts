import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import type { AdvisoryImportModel } from '../dto/advisory.dto';

export const SYNC_STATUSES = ['imported', 'not_modified', 'failed'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

/**
 * A URL the advisory database is synced from (SECURITY_ADVISORY_SYNC_URLS), with the validators
 * its server gave (ETag, Last-Modified) so the next sync asks only for a change.
 */
@Entity({ name: 'advisory_sources' })
@Check('advisory_sources_last_status_check', `last_status IN ('imported', 'not_modified', 'failed')`)
export class AdvisorySourceEntity {
  @PrimaryColumn('text', { primaryKeyConstraintName: 'advisory_sources_pkey' })
  url: string;

  @Column('text', { nullable: true })
  etag: string | null;

  /** As the server sent it (an HTTP date), sent back in If-Modified-Since. */
  @Column('text', { nullable: true })
  lastModified: string | null;

  /** The last sync attempt. */
  @Column('timestamptz', { nullable: true })
  checkedAt: Date | null;

  /** The last sync that imported a changed document. */
  @Column('timestamptz', { nullable: true })
  syncedAt: Date | null;

  @Column('text', { nullable: true })
  lastStatus: SyncStatus | null;

  @Column('text', { nullable: true })
  lastError: string | null;

  @Column('jsonb', { nullable: true })
  lastImport: AdvisoryImportModel | null;
}
