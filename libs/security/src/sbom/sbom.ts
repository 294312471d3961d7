import type { PackageVersion } from '../packages';
import type { SchemaError } from './sbom-schemas';

/** What `readSbom` answers: the SBOM read into components, or why it was refused. */
export type SbomReadResult = { ok: true; sbom: Sbom } | SbomRejection;

export interface Sbom {
  format: 'cyclonedx' | 'spdx';
  /** `1.2` … `1.7` for CycloneDX, `2.3` for SPDX. */
  specVersion: string;
  /** What the SBOM describes (CycloneDX `metadata.component`, SPDX the package it DESCRIBES). */
  subject: SbomSubject | null;
  /**
   * SHA-256 (hex) of the document's canonical JSON (keys sorted at every level, no whitespace), so
   * the same SBOM uploaded twice has the same hash however it was re-serialised on the way
   * (pretty-printed or not, CRLF, a BOM, keys reordered, parsed and re-sent as a JSON body). A
   * regenerated SBOM differs: a new serialNumber or timestamp makes it another document.
   */
  sha256: string;
  /**
   * Whether the SBOM states how components depend on each other (a CycloneDX `dependencies` graph,
   * SPDX dependency relationships). Without one every component's `dependency` is null.
   */
  hasDependencyGraph: boolean;
  /** Every component, nested CycloneDX components included, in document order (parent first). */
  components: SbomComponent[];
  /** What could not be read, per component or about the graph; none of it refuses the SBOM. */
  problems: SbomProblem[];
}

export interface SbomSubject {
  name: string;
  version: string | null;
  /** Normalised like a component's (see SbomComponent.purl); null when it has none or it does not parse. */
  purl: string | null;
}

export interface SbomComponent {
  /** Where it is in the document, a JSON pointer: `/components/3`, `/components/3/components/0`, `/packages/5`. */
  path: string;
  /** The document's own id for it: CycloneDX `bom-ref`, SPDX `SPDXID`; null when it has none. */
  ref: string | null;
  /** The name as stated (CycloneDX keeps the npm scope or Maven groupId apart, in `group`). */
  name: string;
  /** CycloneDX `group` (npm scope such as `@babel`, Maven groupId); null when absent, and for SPDX. */
  group: string | null;
  version: string | null;
  /**
   * The purl in canonical form without its `#subpath` (`pkg:npm/%40babel/core@7.1.0`); null when the
   * component has none or it does not parse (then a problem says so). For CycloneDX, a component
   * without `purl` whose `bom-ref` is a purl (as some generators write them) uses that.
   */
  purl: string | null;
  /**
   * The package as OSV names it, for matching: from the purl; without one, the name as stated
   * (`group/name` for CycloneDX) and ecosystem null, which matches nothing.
   */
  osvPackage: PackageVersion;
  /**
   * Licences as the SBOM states them: SPDX ids, SPDX expressions or free-text names, one entry
   * per CycloneDX licence choice; for SPDX `licenseConcluded`, else `licenseDeclared` (neither
   * NOASSERTION nor NONE).
   */
  licenses: string[];
  /** CycloneDX `scope` as stated; null when absent, and for SPDX. */
  scope: 'required' | 'optional' | 'excluded' | null;
  /**
   * `direct` when the subject depends on it (or contains it, for SPDX) itself, `transitive` when
   * only through other components; null when unknown: no dependency graph, the subject is not in
   * it, or nothing in it leads from the subject to this component.
   */
  dependency: 'direct' | 'transitive' | null;
}

export interface SbomProblem {
  /**
   * JSON pointer to what the problem is about: a component's purl (`/components/7/purl`,
   * `/packages/2/externalRefs/0/referenceLocator`) or the graph (`/dependencies`, `/relationships`).
   */
  path: string;
  code: 'invalid_purl' | 'subject_not_in_graph';
  message: string;
}

export type SbomRejectionReason =
  /** Not UTF-8, or not JSON. */
  | 'not_json'
  /** JSON (or XML, tag-value), but not a CycloneDX or SPDX JSON document. */
  | 'unknown_format'
  /** CycloneDX or SPDX, in a version that is not accepted (CycloneDX 1.1, SPDX 2.2, SPDX 3). */
  | 'unsupported_version'
  /** Nested deeper than MAX_SBOM_DEPTH: further reading would exhaust the stack. */
  | 'too_deep'
  /** Fails its version's official JSON schema; `errors` names the rules. */
  | 'schema';

export interface SbomRejection {
  ok: false;
  reason: SbomRejectionReason;
  /**
   * One sentence for the API's problem detail: what was found and what is accepted (for `schema`,
   * the first failing rule instead).
   */
  message: string;
  /**
   * What the document was taken for, as far as reading got: `CycloneDX 1.1`, `SPDX-2.2`,
   * `CycloneDX XML`, `a JSON array`; null when not even that (not UTF-8, not JSON).
   */
  found: string | null;
  /** The failing schema rules (reason `schema`; empty otherwise), at most MAX_SCHEMA_ERRORS. */
  errors: SchemaError[];
}

/** Said in every refusal but a schema one, so the caller learns what would have been taken. */
export const ACCEPTED_SBOM_FORMATS = 'CycloneDX JSON 1.2–1.7 or SPDX 2.3 JSON';
