/**
 * The parts of an OSV record (https://ossf.github.io/osv-schema/, JSON schema in
 * `../schemas/osv-schema.validation.schema.json`) that matching and display read. Fields this
 * module does not use (`credits`, `upstream`, `schema_version`, …) are left out; they stay on the
 * parsed JSON and are simply not typed here.
 *
 * Optional and nullable follow the JSON schema, because records come from many databases: only
 * `id` and `modified` are required, and `aliases`, `affected`, `references` and `severity` may be
 * `null` as well as absent.
 */
export interface OsvRecord {
  /** `<DB>-<ENTRYID>`, e.g. `GHSA-c2qf-rxjj-qqgw`, `PYSEC-2021-1`, `GO-2022-0001`. */
  id: string;
  /** RFC 3339 UTC timestamp of the last change. */
  modified: string;
  published?: string;
  /** Set when the database retracted the record: it must never match (see `matchAdvisory`). */
  withdrawn?: string;
  /** Other ids for the same vulnerability (CVE, GHSA, …); used to collapse duplicates. */
  aliases?: string[] | null;
  /** Ids of closely related but different vulnerabilities. */
  related?: string[];
  summary?: string;
  /** CommonMark. */
  details?: string;
  /** Record-wide severity. The schema forbids it when any `affected[].severity` is set. */
  severity?: OsvSeverity[] | null;
  affected?: OsvAffected[] | null;
  references?: OsvReference[] | null;
  /** Free-form; GitHub puts its own rating in `severity` (`LOW`, `MODERATE`, `HIGH`, `CRITICAL`). */
  database_specific?: OsvDatabaseSpecific;
}

/** Free-form object whose meaning the publishing database defines. */
export type OsvDatabaseSpecific = Record<string, unknown> & { severity?: unknown };

export interface OsvSeverity {
  /** `CVSS_V2`, `CVSS_V3`, `CVSS_V4` or `Ubuntu` per the schema; other strings may appear. */
  type: string;
  /** For the CVSS types a vector string, e.g. `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`. */
  score: string;
}

export interface OsvAffected {
  package?: OsvPackage;
  /** Per-package severity, for records whose packages differ in severity. */
  severity?: OsvSeverity[] | null;
  ranges?: OsvRange[];
  /** Affected versions listed one by one, in the ecosystem's own syntax. */
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvPackage {
  /** An OSV ecosystem (`npm`, `PyPI`, `Maven`, `Go`, …), possibly with a `:suffix` such as `Debian:11`. */
  ecosystem: string;
  /** As the ecosystem spells it: `@scope/name` (npm), `group:artifact` (Maven), module path (Go). */
  name: string;
  purl?: string;
}

/** The range types the schema defines. */
export type OsvRangeType = 'SEMVER' | 'ECOSYSTEM' | 'GIT';

export interface OsvRange {
  /**
   * An `OsvRangeType`: `SEMVER` (SemVer 2.0 whatever the ecosystem), `ECOSYSTEM` (the ecosystem's
   * own order) or `GIT` (commit hashes). Typed as any string because a type from a newer schema
   * must reach the matcher, which skips it visibly instead of failing.
   */
  type: string;
  /** Clone URL; required for `GIT` ranges. */
  repo?: string;
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

/**
 * One point on the range's timeline. The schema allows exactly one of the four keys per object;
 * the `never` members make TypeScript refuse a literal with two.
 */
export type OsvEvent = OsvIntroducedEvent | OsvFixedEvent | OsvLastAffectedEvent | OsvLimitEvent;

/** Vulnerable from this version on. `"0"` means "before every version". */
export interface OsvIntroducedEvent {
  introduced: string;
  fixed?: never;
  last_affected?: never;
  limit?: never;
}

/** Not vulnerable from this version on. */
export interface OsvFixedEvent {
  fixed: string;
  introduced?: never;
  last_affected?: never;
  limit?: never;
}

/** The last vulnerable version known when the record was written; later versions are not affected. */
export interface OsvLastAffectedEvent {
  last_affected: string;
  introduced?: never;
  fixed?: never;
  limit?: never;
}

/** Versions at or above every limit are outside the range. A value containing `*` is infinity. */
export interface OsvLimitEvent {
  limit: string;
  introduced?: never;
  fixed?: never;
  last_affected?: never;
}

export type OsvEventKind = 'introduced' | 'fixed' | 'last_affected' | 'limit';

export const OSV_EVENT_KINDS: readonly OsvEventKind[] = ['introduced', 'fixed', 'last_affected', 'limit'];

export interface OsvReference {
  /** `ADVISORY`, `ARTICLE`, `DETECTION`, `DISCUSSION`, `REPORT`, `FIX`, `INTRODUCED`, `GIT`, `PACKAGE`, `EVIDENCE`, `WEB`. */
  type: string;
  url: string;
}
