import type { PackageVersion } from '../packages';
import { pep503 } from '../sbom/purl';
import type { OsvAffected, OsvEvent, OsvEventKind, OsvRange, OsvRecord } from './osv-record';
import { OSV_EVENT_KINDS } from './osv-record';
import { ecosystemComparator, rangeComparator, type VersionComparator, type VersionScheme } from './versions';

/**
 * Does an OSV record affect a package version? The OSV schema's "Evaluation" algorithm
 * (https://ossf.github.io/osv-schema/#evaluation), evaluated event by event:
 *
 *   affected  ⇔  some `affected` entry names the package, and the version is in its `versions`
 *                or inside one of its ranges;
 *   in range  ⇔  before a limit (any `limit` > v, or no limits at all), and after walking the
 *                events sorted by version, the last one that applied was an `introduced`:
 *                introduced ≤ v → in; fixed ≤ v → out; last_affected < v → out.
 *
 * Events are never turned into node-semver range strings: those leave pre-releases out
 * (`>=7.0.0 <7.5.2` does not contain 7.5.2-beta.1), which would hide affected versions.
 *
 * Where this has to read between the lines of the spec:
 * - Events with equal versions keep the record's order (the sort is stable). So
 *   `introduced 2.0, fixed 2.0` leaves 2.0 unaffected, while back-to-back ranges
 *   `fixed 2.0, introduced 2.0` leave it affected, each as the record's author wrote it.
 * - `v == version` for the `versions` list is equality in the ecosystem's order where there is a
 *   comparator (the spec allows event and version strings to be normalised: 1.0 = 1.0.0 in PyPI),
 *   exact string equality where there is none.
 * - A `limit` containing `*` is infinity, as the spec defines. Limits are not walked events, so
 *   they are left out of the walk (they never change its state) but are sorted and reported.
 * - Ranges whose order is unknown (GIT needs the repository's commit graph; any type a newer
 *   schema adds) are skipped and listed in `skippedRanges`; they never hide the other ranges or
 *   entries. An ECOSYSTEM range of an ecosystem without a comparator, a version that is not valid
 *   in the range's scheme, and an event that is malformed or not a valid version make the range
 *   unanswerable: the outcome is `unsupported` unless another range or entry already shows the
 *   version affected, and never `not_affected`.
 * - A withdrawn record never matches (OSV: withdrawn entries should be ignored).
 * - Ecosystems must be equal strings (`Debian:11` is not `Debian`); names are compared exactly,
 *   except PyPI's, which are PEP 503-normalised on both sides (`Foo_Bar` = `foo-bar`). A package
 *   whose SBOM names no ecosystem can be named by no entry.
 */
export function matchAdvisory(record: OsvRecord, pkg: PackageVersion): MatchResult {
  if (record.withdrawn) return { outcome: 'not_affected', reason: 'withdrawn', withdrawn: record.withdrawn };

  const entries = (record.affected ?? []).flatMap((affected, affectedIndex) =>
    affected.package && namesPackage(affected.package, pkg)
      ? [{ affected, affectedIndex, ecosystem: affected.package.ecosystem }]
      : [],
  );
  if (entries.length === 0) return { outcome: 'not_affected', reason: 'package_not_named' };
  const affectedIndexes = entries.map((entry) => entry.affectedIndex);
  if (pkg.version === null) return { outcome: 'unknown_version', affectedIndexes };

  const version = pkg.version;
  const evidence: MatchEvidence[] = [];
  const unanswered: UnsupportedReason[] = [];
  const skippedRanges: SkippedRange[] = [];
  for (const { affected, affectedIndex, ecosystem } of entries) {
    const listed = listedVersion(affected, ecosystem, version);
    if (listed !== null) evidence.push(versionsEvidence(pkg.name, version, affectedIndex, listed));

    (affected.ranges ?? []).forEach((range, rangeIndex) => {
      const where: RangeLocation = { affectedIndex, rangeIndex, type: range.type };
      const result = evaluateRange(range, where, ecosystem, pkg.name, version);
      switch (result.kind) {
        case 'affected':
          evidence.push(result.evidence);
          break;
        case 'unsupported':
          unanswered.push(result.reason);
          break;
        case 'skipped':
          skippedRanges.push(result.skipped);
          break;
        case 'not_affected':
          break;
      }
    });
  }

  if (evidence.length > 0) {
    return { outcome: 'affected', evidence: [evidence[0], ...evidence.slice(1)], skippedRanges };
  }
  if (unanswered.length > 0) {
    return { outcome: 'unsupported', reason: unanswered[0], reasons: unanswered, skippedRanges };
  }
  return { outcome: 'not_affected', reason: 'version_not_affected', affectedIndexes, skippedRanges };
}

export type MatchResult = AffectedResult | NotAffectedResult | UnsupportedResult | UnknownVersionResult;

export interface AffectedResult {
  outcome: 'affected';
  /** Every `versions` list and range that contains the version, in record order; never empty. */
  evidence: [MatchEvidence, ...MatchEvidence[]];
  skippedRanges: SkippedRange[];
}

export type NotAffectedResult =
  | { outcome: 'not_affected'; reason: 'withdrawn'; withdrawn: string }
  /** No `affected` entry names this ecosystem and package. */
  | { outcome: 'not_affected'; reason: 'package_not_named' }
  /** Entries name the package (`affectedIndexes`), and every version list and range was answered: no. */
  | {
      outcome: 'not_affected';
      reason: 'version_not_affected';
      affectedIndexes: number[];
      /** Ranges not evaluated (GIT, unknown types); the answer rests on the rest. */
      skippedRanges: SkippedRange[];
    };

export interface UnsupportedResult {
  outcome: 'unsupported';
  /** The first reason; `reasons` lists them all. */
  reason: UnsupportedReason;
  reasons: UnsupportedReason[];
  skippedRanges: SkippedRange[];
}

/** Entries name the package but the SBOM gives no version, so whether it is affected is unknown. */
export interface UnknownVersionResult {
  outcome: 'unknown_version';
  affectedIndexes: number[];
}

export type MatchEvidence = VersionsEvidence | RangeEvidence;

export interface VersionsEvidence {
  source: 'versions';
  affectedIndex: number;
  /** The `versions` entry equal to the package version (it may be spelled differently: 1.0 for 1.0.0). */
  listed: string;
  /** One sentence, e.g. `lodash 4.17.19 is listed in affected[0].versions`. */
  explanation: string;
}

export interface RangeEvidence {
  source: 'range';
  affectedIndex: number;
  rangeIndex: number;
  rangeType: 'SEMVER' | 'ECOSYSTEM';
  scheme: VersionScheme;
  /** The range's events as evaluated: sorted, `introduced: "0"` first; limits included. */
  events: RangeEvent[];
  /** The event that put the version in: the last one that applied, an `introduced` ≤ the version. */
  introduced: RangeEvent;
  /** The next `fixed` (version below it) or `last_affected` (version at or below it), if the range has one. */
  until: RangeEvent | null;
  /** When the range has limits: the lowest one above the version. */
  limit: RangeEvent | null;
  /** One sentence, e.g. `semver 7.3.2 is affected: introduced 7.0.0 ≤ 7.3.2 < fixed 7.5.2 (…)`. */
  explanation: string;
}

export interface RangeEvent {
  kind: OsvEventKind;
  version: string;
}

export interface SkippedRange extends RangeLocation {
  /** `git`: needs the repository's commit graph; `unknown_type`: not a range type of the schema. */
  reason: 'git' | 'unknown_type';
}

export interface RangeLocation {
  affectedIndex: number;
  rangeIndex: number;
  type: string;
}

export type UnsupportedReason =
  /** An ECOSYSTEM range of an ecosystem this module has no version order for. */
  | (RangeLocation & { kind: 'no_comparator'; ecosystem: string; message: string })
  /** The package's version is not a version in the range's scheme. */
  | (RangeLocation & { kind: 'invalid_version'; version: string; scheme: VersionScheme; message: string })
  /** An event is not exactly one of the four kinds, or its version is not valid in the scheme. */
  | (RangeLocation & { kind: 'invalid_event'; event: OsvEvent; scheme: VersionScheme; message: string });

type RangeOutcome =
  | { kind: 'affected'; evidence: RangeEvidence }
  | { kind: 'not_affected' }
  | { kind: 'unsupported'; reason: UnsupportedReason }
  | { kind: 'skipped'; skipped: SkippedRange };

function namesPackage(affectedPackage: { ecosystem: string; name: string }, pkg: PackageVersion): boolean {
  if (pkg.ecosystem === null || affectedPackage.ecosystem !== pkg.ecosystem) return false;
  return (
    comparablePackageName(pkg.ecosystem, affectedPackage.name) ===
    comparablePackageName(pkg.ecosystem, pkg.name)
  );
}

/** A package name as matching compares it: PyPI's PEP 503-normalised, every other as written. */
export function comparablePackageName(ecosystem: string, name: string): string {
  return ecosystem === 'PyPI' ? pep503(name) : name;
}

function listedVersion(affected: OsvAffected, ecosystem: string, version: string): string | null {
  const comparator = ecosystemComparator(ecosystem);
  const equal = (listed: string): boolean =>
    listed === version || (comparator !== null && comparator.compare(listed, version) === 0);
  return (affected.versions ?? []).find(equal) ?? null;
}

function versionsEvidence(
  name: string,
  version: string,
  affectedIndex: number,
  listed: string,
): VersionsEvidence {
  const spelling = listed === version ? '' : ` (as ${listed})`;
  return {
    source: 'versions',
    affectedIndex,
    listed,
    explanation: `${name} ${version} is listed in affected[${affectedIndex}].versions${spelling}.`,
  };
}

function evaluateRange(
  range: OsvRange,
  where: RangeLocation,
  ecosystem: string,
  name: string,
  version: string,
): RangeOutcome {
  const comparator = rangeComparator(range.type, ecosystem);
  if (comparator === null) {
    if (range.type === 'ECOSYSTEM') {
      const message = `affected[${where.affectedIndex}].ranges[${where.rangeIndex}] is an ECOSYSTEM range of ${ecosystem}, which has no version order here.`;
      return { kind: 'unsupported', reason: { ...where, kind: 'no_comparator', ecosystem, message } };
    }
    return { kind: 'skipped', skipped: { ...where, reason: range.type === 'GIT' ? 'git' : 'unknown_type' } };
  }
  const rangeType = range.type === 'SEMVER' ? 'SEMVER' : 'ECOSYSTEM';
  const scheme = comparator.scheme;

  if (!comparator.isValid(version)) {
    const message = `${version} is not a ${comparator.description} version, so affected[${where.affectedIndex}].ranges[${where.rangeIndex}] (${rangeType}) cannot be evaluated.`;
    return { kind: 'unsupported', reason: { ...where, kind: 'invalid_version', version, scheme, message } };
  }

  const events: RangeEvent[] = [];
  for (const raw of range.events) {
    const event = readEvent(raw);
    if (event === null) {
      return invalidEvent(where, raw, scheme, `is not exactly one of ${OSV_EVENT_KINDS.join(', ')}`);
    }
    if (!isUnbounded(event) && !comparator.isValid(event.version)) {
      return invalidEvent(
        where,
        raw,
        scheme,
        `holds ${event.version}, not a ${comparator.description} version`,
      );
    }
    events.push(event);
  }
  // Array.prototype.sort is stable: events of equal version keep the record's order.
  const sorted = [...events].sort((a, b) => compareEvents(comparator, a, b));

  const limit = admittingLimit(sorted, version, comparator);
  if (limit === 'beyond_limits') return { kind: 'not_affected' };

  let vulnerable = false;
  let deciding = -1;
  sorted.forEach((event, index) => {
    if (event.kind === 'introduced' && atOrAbove(comparator, version, event)) {
      vulnerable = true;
      deciding = index;
    } else if (event.kind === 'fixed' && atOrAbove(comparator, version, event)) {
      vulnerable = false;
    } else if (event.kind === 'last_affected' && order(comparator, version, event.version) > 0) {
      vulnerable = false;
    }
  });
  if (!vulnerable) return { kind: 'not_affected' };

  const introduced = sorted[deciding];
  const until =
    sorted.slice(deciding + 1).find((event) => event.kind === 'fixed' || event.kind === 'last_affected') ??
    null;
  const evidence: RangeEvidence = {
    source: 'range',
    affectedIndex: where.affectedIndex,
    rangeIndex: where.rangeIndex,
    rangeType,
    scheme,
    events: sorted,
    introduced,
    until,
    limit,
    explanation: rangeExplanation(name, version, { introduced, until, limit }, where, rangeType, comparator),
  };
  return { kind: 'affected', evidence };
}

function invalidEvent(
  where: RangeLocation,
  event: OsvEvent,
  scheme: VersionScheme,
  problem: string,
): RangeOutcome {
  const message = `affected[${where.affectedIndex}].ranges[${where.rangeIndex}] event ${JSON.stringify(event)} ${problem}.`;
  return { kind: 'unsupported', reason: { ...where, kind: 'invalid_event', event, scheme, message } };
}

/** Null when the object is not exactly one event kind with a string version. */
function readEvent(raw: OsvEvent): RangeEvent | null {
  const present = OSV_EVENT_KINDS.filter((kind) => raw[kind] !== undefined);
  if (present.length !== 1) return null;
  const version = raw[present[0]];
  return typeof version === 'string' ? { kind: present[0], version } : null;
}

/** `introduced: "0"` (before every version) and a `limit` containing `*` (infinity) are not versions. */
function isUnbounded(event: RangeEvent): boolean {
  return (
    (event.kind === 'introduced' && event.version === '0') || (event.kind === 'limit' && isInfinite(event))
  );
}

function isInfinite(limit: RangeEvent): boolean {
  return limit.version.includes('*');
}

/** -1 for `introduced: "0"`, 1 for an infinite limit, 0 for an event at an ordinary version. */
function extreme(event: RangeEvent): number {
  if (!isUnbounded(event)) return 0;
  return event.kind === 'introduced' ? -1 : 1;
}

function compareEvents(comparator: VersionComparator, a: RangeEvent, b: RangeEvent): number {
  const ends = extreme(a) - extreme(b);
  if (ends !== 0 || extreme(a) !== 0) return ends;
  return order(comparator, a.version, b.version);
}

function atOrAbove(comparator: VersionComparator, version: string, event: RangeEvent): boolean {
  return extreme(event) === -1 || order(comparator, version, event.version) >= 0;
}

/**
 * The lowest limit above the version (null when the range has no limits: an implicit `*`), or
 * `beyond_limits` when the version is at or above every one.
 */
function admittingLimit(
  sorted: RangeEvent[],
  version: string,
  comparator: VersionComparator,
): RangeEvent | null | 'beyond_limits' {
  const limits = sorted.filter((event) => event.kind === 'limit');
  if (limits.length === 0) return null;
  return (
    limits.find((limit) => isInfinite(limit) || order(comparator, version, limit.version) < 0) ??
    'beyond_limits'
  );
}

/** Compares two versions already checked with `comparator.isValid`. */
function order(comparator: VersionComparator, a: string, b: string): number {
  const result = comparator.compare(a, b);
  if (result === null)
    throw new Error(`${a} or ${b} is not a ${comparator.description} version, though checked`);
  return result;
}

function rangeExplanation(
  name: string,
  version: string,
  bounds: Pick<RangeEvidence, 'introduced' | 'until' | 'limit'>,
  where: RangeLocation,
  rangeType: string,
  comparator: VersionComparator,
): string {
  const { introduced, until, limit } = bounds;
  const upper =
    until === null
      ? ''
      : until.kind === 'fixed'
        ? ` < fixed ${until.version}`
        : ` ≤ last_affected ${until.version}`;
  const limited = limit === null ? '' : `${upper === '' ? '' : ','} < limit ${limit.version}`;
  const open = upper === '' && limited === '' ? ', with no fix after it' : '';
  const place = `affected[${where.affectedIndex}].ranges[${where.rangeIndex}], ${rangeType}, ${comparator.description}`;
  return `${name} ${version} is affected: introduced ${introduced.version} ≤ ${version}${upper}${limited}${open} (${place}).`;
}
