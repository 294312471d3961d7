import { Args, Model, PageArgs, PageOf, Prop } from '@opsplane/core';
import { COMPONENT_MATCHING, ComponentMatching } from '../sboms/sbom.entity';

@Model('SbomSubjectComponent', 'What the SBOM says it describes.')
export class SbomSubjectModel {
  @Prop.string({ maxLength: 100_000 })
  name: string;

  @Prop.string({ maxLength: 100_000, nullable: true })
  version: string | null;

  @Prop.string({ maxLength: 100_000, nullable: true })
  purl: string | null;
}

@Model('SbomProblem', 'Something in the SBOM that could not be read; the rest was.')
export class SbomProblemModel {
  @Prop.string({ maxLength: 100_000, description: 'JSON pointer into the document.' })
  path: string;

  @Prop.string({ maxLength: 100_000, description: '`invalid_purl` or `subject_not_in_graph`.' })
  code: string;

  @Prop.string({ maxLength: 100_000 })
  message: string;
}

@Model('SbomUnevaluated', 'An advisory naming a component whose version could not be compared.')
export class SbomUnevaluatedModel {
  @Prop.uuid()
  componentId: string;

  @Prop.string({ maxLength: 100_000 })
  advisoryId: string;

  @Prop.string({ maxLength: 100_000 })
  reason: string;
}

@Model('SbomScanSummary', 'What the latest vulnerability scan of the release found.')
export class SbomScanSummaryModel {
  @Prop.date()
  scannedAt: Date;

  @Prop.string({
    maxLength: 100_000,
    description: '`sbom_upload`, `advisories_changed`, `schedule` or `manual`.',
  })
  trigger: string;

  @Prop.int({ min: 0, description: 'Components matched against advisories.' })
  evaluated: number;

  @Prop.int({
    min: 0,
    description: 'Components that could not be: no ecosystem, or one without a version order.',
  })
  unsupported: number;

  @Prop.int({ min: 0, description: 'Vulnerabilities found (one per component and alias group).' })
  vulnerabilities: number;

  @Prop.int({ min: 0 })
  opened: number;

  @Prop.int({ min: 0 })
  reopened: number;

  @Prop.int({ min: 0 })
  resolved: number;

  @Prop.int({
    min: 0,
    description: 'New findings given an earlier release’s VEX analysis (services that carry them).',
  })
  carried: number;

  @Prop.nested(() => SbomUnevaluatedModel, { isArray: true, description: 'The first 50.' })
  unevaluated: SbomUnevaluatedModel[];
}

@Model('Sbom', 'The SBOM attached to a release.')
export class SbomModel {
  @Prop.uuid()
  id: string;

  @Prop.uuid()
  releaseId: string;

  @Prop.string({ maxLength: 100_000, description: '`cyclonedx` or `spdx`.' })
  format: string;

  @Prop.string({ maxLength: 100_000, description: 'e.g. `1.6` (CycloneDX) or `2.3` (SPDX).' })
  specVersion: string;

  @Prop.string({
    maxLength: 100_000,
    description:
      'SHA-256 (hex) of the document’s canonical JSON: the same SBOM re-serialised has the same hash, and ' +
      'uploading it again changes nothing.',
  })
  sha256: string;

  @Prop.nested(() => SbomSubjectModel, { nullable: true })
  subject: SbomSubjectModel | null;

  @Prop.bool({
    description: 'Whether it states a dependency graph (then components say direct or transitive).',
  })
  hasDependencyGraph: boolean;

  @Prop.int({ min: 0 })
  componentCount: number;

  @Prop.nested(() => SbomProblemModel, { isArray: true })
  problems: SbomProblemModel[];

  @Prop.string({ maxLength: 100_000, description: 'The content type it was uploaded as.' })
  mediaType: string;

  @Prop.string({ maxLength: 100_000 })
  uploadedBy: string;

  @Prop.date()
  uploadedAt: Date;

  @Prop.nested(() => SbomScanSummaryModel, {
    nullable: true,
    description: 'Null until the first scan (queued by the upload) has run.',
  })
  lastScan: SbomScanSummaryModel | null;
}

@Model('SbomComponent', 'A component of a release’s SBOM.')
export class SbomComponentModel {
  @Prop.uuid()
  id: string;

  @Prop.uuid()
  releaseId: string;

  @Prop.string({ maxLength: 100_000, nullable: true, description: 'CycloneDX `bom-ref` or SPDX `SPDXID`.' })
  ref: string | null;

  @Prop.string({ maxLength: 100_000 })
  name: string;

  @Prop.string({
    maxLength: 100_000,
    nullable: true,
    description: 'CycloneDX `group` (npm scope, Maven groupId).',
  })
  group: string | null;

  @Prop.string({ maxLength: 100_000, nullable: true })
  version: string | null;

  @Prop.string({ maxLength: 100_000, nullable: true, description: 'Canonical purl, without `#subpath`.' })
  purl: string | null;

  @Prop.string({
    maxLength: 100_000,
    nullable: true,
    description: 'OSV ecosystem (`npm`, `PyPI`, `Maven`, `Go`, …).',
  })
  ecosystem: string | null;

  @Prop.string({
    maxLength: 100_000,
    description: 'The name as OSV spells it: `@scope/name`, `group:artifact`, PEP 503 for PyPI.',
  })
  packageName: string;

  @Prop.string({ maxLength: 100_000, isArray: true })
  licenses: string[];

  @Prop.string({ maxLength: 100_000, nullable: true, description: 'CycloneDX `scope`.' })
  scope: string | null;

  @Prop.string({
    maxLength: 100_000,
    nullable: true,
    description: '`direct` or `transitive`, where the SBOM’s dependency graph says; null when it does not.',
  })
  dependency: string | null;

  @Prop.enum(COMPONENT_MATCHING, 'ComponentMatching', {
    description:
      '`evaluated`: matched against advisories; `no_ecosystem` (no purl, or one OSV has no ecosystem for), ' +
      '`no_version_order` (an ecosystem whose versions this server cannot compare: only SEMVER ranges apply) ' +
      'and `no_version` are reported, never silently skipped.',
  })
  matching: ComponentMatching;
}

export const SbomComponentPage = PageOf(SbomComponentModel, 'SbomComponentPage');

@Args()
export class ListSbomComponentsArgs extends PageArgs {
  @Prop.string({
    optional: true,
    maxLength: 300,
    description: 'Only components of this package (as OSV names it; PyPI names compared PEP 503-normalised).',
  })
  package?: string;

  @Prop.string({ optional: true, maxLength: 100, description: 'Only components of this OSV ecosystem.' })
  ecosystem?: string;

  @Prop.enum(COMPONENT_MATCHING, 'ComponentMatching', { optional: true })
  matching?: ComponentMatching;
}
