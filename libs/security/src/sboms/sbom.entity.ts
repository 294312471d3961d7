import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryColumn,
  Unique,
} from 'typeorm';
import type { SbomProblem, SbomSubject } from '../sbom';

/** How a component can be matched against advisories (see `matchingOf`). */
export const COMPONENT_MATCHING = ['evaluated', 'no_ecosystem', 'no_version_order', 'no_version'] as const;
export type ComponentMatching = (typeof COMPONENT_MATCHING)[number];

/** What the latest vulnerability scan of a release found, kept on its SBOM. */
export interface SbomScanSummary {
  scannedAt: string;
  trigger: string;
  /** Components matched against advisories, and those that could not be. */
  evaluated: number;
  unsupported: number;
  /** Vulnerabilities (alias groups) found, and the findings' changes. */
  vulnerabilities: number;
  opened: number;
  reopened: number;
  resolved: number;
  /** New findings given an earlier release's VEX analysis (services that carry them). */
  carried: number;
  /** Advisories naming a component whose version could not be compared, with why (first 50). */
  unevaluated: { componentId: string; advisoryId: string; reason: string }[];
}

/**
 * A release's SBOM: one per release (a new upload replaces it, the same one again changes
 * nothing), the document kept as uploaded, and what reading it found. Its components are rows of
 * `sbom_components`.
 */
@Entity({ name: 'sboms' })
@Unique('sboms_release_id_key', ['releaseId'])
@Check('sboms_format_check', `format IN ('cyclonedx', 'spdx')`)
export class SbomEntity {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'sboms_pkey' })
  id: string;

  @Column('uuid')
  releaseId: string;

  @OneToOne('ReleaseEntity')
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'sboms_release_id_fkey' })
  release?: object;

  @Column('text')
  format: 'cyclonedx' | 'spdx';

  @Column('text')
  specVersion: string;

  /** Over the canonical JSON: the same SBOM however re-serialised (see `Sbom.sha256`). */
  @Column('text')
  sha256: string;

  @Column('jsonb', { nullable: true })
  subject: SbomSubject | null;

  @Column('boolean')
  hasDependencyGraph: boolean;

  @Column('int')
  componentCount: number;

  @Column('jsonb')
  problems: SbomProblem[];

  /** The content type it was uploaded as, given back with the document. */
  @Column('text')
  mediaType: string;

  /** The bytes as uploaded: evidence, and what a later reader can read again. */
  @Column('bytea', { select: false })
  document?: Buffer;

  @Column('text')
  uploadedBy: string;

  @Column('timestamptz')
  uploadedAt: Date;

  @Column('timestamptz', { nullable: true })
  lastScannedAt: Date | null;

  @Column('jsonb', { nullable: true })
  lastScan: SbomScanSummary | null;
}

/** One component of a release's SBOM, as matching and exposure queries read it. */
@Entity({ name: 'sbom_components' })
@Index('sbom_components_release_idx', ['releaseId', 'id'])
@Index('sbom_components_package_idx', ['packageName', 'ecosystem'])
@Index('sbom_components_purl_idx', ['purl'], { where: 'purl IS NOT NULL' })
@Check('sbom_components_dependency_check', `dependency IN ('direct', 'transitive')`)
@Check(
  'sbom_components_matching_check',
  `matching IN (${COMPONENT_MATCHING.map((value) => `'${value}'`).join(', ')})`,
)
export class SbomComponentEntity {
  /** UUIDv7s given in document order, so the id orders a list as the SBOM does. */
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'sbom_components_pkey' })
  id: string;

  @Column('uuid')
  releaseId: string;

  @ManyToOne(() => SbomEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'release_id',
    referencedColumnName: 'releaseId',
    foreignKeyConstraintName: 'sbom_components_release_id_fkey',
  })
  sbom?: SbomEntity;

  /** JSON pointer into the document. */
  @Column('text')
  path: string;

  /** CycloneDX bom-ref or SPDX SPDXID. */
  @Column('text', { nullable: true })
  ref: string | null;

  @Column('text')
  name: string;

  @Column('text', { nullable: true })
  group: string | null;

  @Column('text', { nullable: true })
  version: string | null;

  /** Canonical, without `#subpath`. */
  @Column('text', { nullable: true })
  purl: string | null;

  /** The OSV ecosystem; null when the SBOM does not say. */
  @Column('text', { nullable: true })
  ecosystem: string | null;

  /** The name as OSV spells it (npm `@scope/name`, Maven `group:artifact`, PyPI PEP 503). */
  @Column('text')
  packageName: string;

  @Column('jsonb')
  licenses: string[];

  @Column('text', { nullable: true })
  scope: string | null;

  @Column('text', { nullable: true })
  dependency: 'direct' | 'transitive' | null;

  @Column('text')
  matching: ComponentMatching;
}
