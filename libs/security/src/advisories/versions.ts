import { compare as comparePep440, valid as validPep440 } from '@renovatebot/pep440';
import { compare as compareSemver, parse as parseSemver } from 'semver';
import { compareMavenVersions, parseMavenVersion } from './maven-version';

/**
 * Version orders, one per ecosystem, each from the library that ecosystem's own tools use or
 * follow (Maven's is hand-written, see maven-version.ts). A comparator never guesses: a string that
 * is not a version of its scheme is reported as such (`isValid` false, `compare` null), because a
 * wrong order would silently turn an affected package into an unaffected one.
 */
export interface VersionComparator {
  readonly scheme: VersionScheme;
  /** For evidence and messages, e.g. "SemVer 2.0". */
  readonly description: string;
  isValid(version: string): boolean;
  /** Negative, zero or positive as `a` sorts before, equal to or after `b`; null when either is invalid. */
  compare(a: string, b: string): number | null;
}

export type VersionScheme = 'semver' | 'go' | 'pep440' | 'maven';

/**
 * SemVer 2.0 precedence (https://semver.org/#spec-item-11) through node-semver, strictly: the
 * string must be exactly a SemVer 2.0 version. node-semver's parser also takes `v1.2.3`, `=1.2.3`
 * and surrounding blanks even in strict mode; those are refused by comparing the input with the
 * version node-semver read. Pre-releases sort below their release and build metadata is ignored.
 */
export const SEMVER: VersionComparator = {
  scheme: 'semver',
  description: 'SemVer 2.0',
  isValid: isStrictSemver,
  compare: (a, b) => (isStrictSemver(a) && isStrictSemver(b) ? compareSemver(a, b) : null),
};

/**
 * Go module versions: SemVer 2.0 spelled with a leading `v` (`v1.2.3`), which OSV records write
 * without it, so one leading `v` is optional. Pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`,
 * `v1.2.4-0.20191109021931-daa7c04131f5`) are SemVer pre-releases and sort below the release they
 * precede, as Go orders them; `+incompatible` is build metadata and ignored. Go's `v1` and `v1.2`
 * shorthands are not module versions and are refused.
 */
export const GO: VersionComparator = {
  scheme: 'go',
  description: 'Go module version (SemVer 2.0 with optional v)',
  isValid: (version) => isStrictSemver(withoutV(version)),
  compare: (a, b) => SEMVER.compare(withoutV(a), withoutV(b)),
};

/** PEP 440 (https://peps.python.org/pep-0440/) through @renovatebot/pep440: 1.0rc1 < 1.0 < 1.0.post1. */
export const PEP440: VersionComparator = {
  scheme: 'pep440',
  description: 'PEP 440',
  isValid: (version) => validPep440(version) !== null,
  // The library throws on an invalid version; checking first keeps the null contract.
  compare: (a, b) => (validPep440(a) !== null && validPep440(b) !== null ? comparePep440(a, b) : null),
};

/** Maven's ComparableVersion order (maven-version.ts). */
export const MAVEN: VersionComparator = {
  scheme: 'maven',
  description: 'Maven ComparableVersion',
  isValid: (version) => parseMavenVersion(version) !== null,
  compare: (a, b) => {
    const left = parseMavenVersion(a);
    const right = parseMavenVersion(b);
    return left && right ? compareMavenVersions(left, right) : null;
  },
};

/**
 * The ECOSYSTEM order per OSV ecosystem name. Ecosystems not listed (crates.io, RubyGems, NuGet,
 * Packagist, Debian, …) have no comparator yet: their ECOSYSTEM ranges are reported as unsupported,
 * never read as "not affected". Their SEMVER ranges (crates.io uses those) are still evaluated.
 */
const ECOSYSTEM_COMPARATORS: Readonly<Record<string, VersionComparator>> = {
  npm: SEMVER,
  PyPI: PEP440,
  Go: GO,
  Maven: MAVEN,
};

/** The comparator for an ecosystem's ECOSYSTEM ranges, or null when this module has none. */
export function ecosystemComparator(ecosystem: string): VersionComparator | null {
  return Object.hasOwn(ECOSYSTEM_COMPARATORS, ecosystem) ? ECOSYSTEM_COMPARATORS[ecosystem] : null;
}

/**
 * The comparator for a range of the given type, or null when ranges of that type cannot be
 * evaluated from version strings (GIT needs the commit graph; unknown types have no defined order).
 *
 * SEMVER ranges are SemVer 2.0 whatever the ecosystem. The one allowance is Go: its versions are
 * SemVer written with a `v`, and the package version comes with it while the range's events do not.
 */
export function rangeComparator(rangeType: string, ecosystem: string): VersionComparator | null {
  switch (rangeType) {
    case 'SEMVER':
      return ecosystem === 'Go' ? GO : SEMVER;
    case 'ECOSYSTEM':
      return ecosystemComparator(ecosystem);
    default:
      return null;
  }
}

function isStrictSemver(version: string): boolean {
  const parsed = parseSemver(version);
  if (parsed === null) return false;
  const build = parsed.build.length > 0 ? `+${parsed.build.join('.')}` : '';
  return version === parsed.version + build;
}

function withoutV(version: string): string {
  return version.startsWith('v') ? version.slice(1) : version;
}
