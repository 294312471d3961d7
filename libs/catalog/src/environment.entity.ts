import { JsonObject } from '@opsplane/core';
import { Column, Entity, Index, PrimaryColumn, VersionColumn } from 'typeorm';
import { EnvironmentTier } from './dto/environment.model';

@Entity({ name: 'environments' })
@Index('environments_rank_idx', ['rank', 'id'], { where: 'archived_at IS NULL' })
export class EnvironmentEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Index('environments_slug_key', { unique: true })
  @Column('text')
  slug: string;

  @Column('text')
  name: string;

  @Column('text')
  tier: EnvironmentTier;

  /** Promotion order: a release reaches rank N after rank N-1. */
  @Column('int')
  rank: number;

  @Column('boolean')
  isProtected: boolean;

  @Column('text', { array: true })
  endpointUrls: string[];

  /** Configuration facts (TLS policy, backups, …) that compliance controls evaluate. */
  @Column('jsonb')
  facts: JsonObject;

  @VersionColumn()
  version: number;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;

  @Column('timestamptz', { nullable: true })
  archivedAt: Date | null;
}
