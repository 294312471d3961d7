import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';
import { ReleaseArtifact } from './dto/release.model';

/*
 * Relations to the catalog name its entities as strings: the catalog exports its services, not
 * its tables, and a string target keeps the foreign keys without importing catalog internals.
 * The relation properties exist only to declare those keys; code uses the `xId` columns.
 */

@Entity({ name: 'releases' })
@Index('releases_service_version_key', ['serviceId', 'version'], { unique: true })
@Index('releases_service_idx', ['serviceId', 'id'])
export class ReleaseEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  serviceId: string;

  @ManyToOne('ServiceEntity')
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'releases_service_id_fkey' })
  service?: object;

  /** Semver when it parses, free text otherwise (e.g. a date or a build number). */
  @Column('text')
  version: string;

  @Column('text', { nullable: true })
  changelog: string | null;

  @Column('jsonb')
  artifacts: ReleaseArtifact[];

  /** Actor id of whoever registered it (an API key id, or `system:<name>`). */
  @Column('text')
  createdBy: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;

  /** Set by the first deployment request; from then on the release cannot change. */
  @Column('timestamptz', { nullable: true })
  firstDeployedAt: Date | null;

  /**
   * Row version for If-Match. Not `version`, which is the release's own version string; the
   * API calls it `revision`.
   */
  @VersionColumn()
  revision: number;
}

@Entity({ name: 'release_commits' })
export class ReleaseCommitEntity {
  @PrimaryColumn('uuid')
  releaseId: string;

  @ManyToOne(() => ReleaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'release_commits_release_id_fkey' })
  release?: object;

  /** Order as given (newest first, as `git log` prints). */
  @PrimaryColumn('int')
  position: number;

  /** Lower-case hex. */
  @Column('text')
  sha: string;

  @Column('text')
  message: string;

  @Column('timestamptz', { nullable: true })
  authoredAt: Date | null;

  @Column('timestamptz', { nullable: true })
  mergedAt: Date | null;
}
