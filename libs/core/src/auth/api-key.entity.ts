import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Role } from './roles';

@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text')
  role: Role;

  /** SHA-256 of the whole token; the token itself is never stored. */
  @Index('api_keys_token_hash_key', { unique: true })
  @Column('char', { length: 64 })
  tokenHash: string;

  /** First characters of the token, so people can tell their keys apart. */
  @Column('text')
  tokenPrefix: string;

  @Column('timestamptz', { nullable: true })
  expiresAt: Date | null;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  lastUsedAt: Date | null;

  /**
   * An auditor key's observation window: its compliance and audit reads see only this period, as
   * audit platforms scope an external auditor to the period under audit. Both or neither.
   */
  @Column('timestamptz', { nullable: true })
  observationFrom: Date | null;

  @Column('timestamptz', { nullable: true })
  observationTo: Date | null;

  @Column('text')
  createdBy: string;

  @Column('timestamptz')
  createdAt: Date;
}
