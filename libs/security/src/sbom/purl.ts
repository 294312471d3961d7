import { PackageURL } from 'packageurl-js';
import type { PackageVersion } from '../packages';

/** A purl read into what Opsplane keys and matches components by. */
export interface ReadPurl {
  /**
   * The purl in canonical form (packageurl-js: lower-case type, `@` of an npm scope as `%40`,
   * qualifiers sorted) without its `#subpath`: a subpath names a directory inside the package (the
   * monorepo folder an npm package was built from, a Go package inside its module), not another
   * package, so two purls differing only there are the same component.
   */
  purl: string;
  /** The package as OSV names it, for matching. */
  osvPackage: PackageVersion;
}

export type PurlReading = { ok: true; read: ReadPurl } | { ok: false; message: string };

/**
 * Parses a purl and names its package the OSV way. `fallbackVersion` (the component's own version)
 * is used when the purl carries none. Never throws: a purl that does not parse is reported, since
 * one bad component must not sink the whole SBOM.
 */
export function readPurl(text: string, fallbackVersion: string | null = null): PurlReading {
  let parsed: PackageURL;
  try {
    parsed = PackageURL.fromString(text);
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  const { type, namespace, name, version, qualifiers } = parsed;
  const purl = new PackageURL(type, namespace, name, version, qualifiers, undefined).toString();
  return { ok: true, read: { purl, osvPackage: osvPackageOf(parsed, fallbackVersion) } };
}

/**
 * Purl type -> OSV ecosystem and how OSV spells the name there
 * (https://ossf.github.io/osv-schema/#defined-ecosystems). Types not listed get ecosystem null.
 */
function osvPackageOf(purl: PackageURL, fallbackVersion: string | null): PackageVersion {
  const version = purl.version ?? fallbackVersion;
  const joined = (separator: string) =>
    purl.namespace ? `${purl.namespace}${separator}${purl.name}` : purl.name;
  switch (purl.type) {
    case 'npm':
      return { ecosystem: 'npm', name: npmName(purl.namespace, purl.name), version };
    case 'pypi':
      return { ecosystem: 'PyPI', name: pep503(purl.name), version };
    case 'maven':
      return { ecosystem: 'Maven', name: joined(':'), version };
    case 'golang':
      return { ecosystem: 'Go', name: joined('/'), version };
    case 'composer':
      return { ecosystem: 'Packagist', name: joined('/'), version };
    case 'cargo':
      return { ecosystem: 'crates.io', name: purl.name, version };
    case 'gem':
      return { ecosystem: 'RubyGems', name: purl.name, version };
    case 'nuget':
      return { ecosystem: 'NuGet', name: purl.name, version };
    case 'hex':
      return { ecosystem: 'Hex', name: purl.name, version };
    case 'pub':
      return { ecosystem: 'Pub', name: purl.name, version };
    case 'apk':
      return osPackage(purl, version, alpineEcosystem(purl), ['origin', 'upstream']);
    case 'deb':
      return osPackage(purl, version, debEcosystem(purl), ['source', 'upstream']);
    default:
      return { ecosystem: null, name: joined('/'), version };
  }
}

/** `@scope/name`. The purl spec puts the scope, `@` included, in the namespace; add a missing `@`. */
function npmName(namespace: string | undefined, name: string): string {
  if (!namespace) return name;
  return `${namespace.startsWith('@') ? namespace : `@${namespace}`}/${name}`;
}

/** PEP 503: lower case, every run of `-`, `_` and `.` one `-` (packageurl-js leaves the dots). */
export function pep503(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * Alpine, Debian and Ubuntu advisories name the *source* package (OSV: "the name is the name of
 * the source package"); SBOM tools put it in a qualifier: `origin` (apk, osv-scalibr), `source`
 * (deb, osv-scalibr) or `upstream` (Syft, as `name` or `name@version` when the source version
 * differs from the binary's). Without one the binary package's name is the best there is.
 */
function osPackage(
  purl: PackageURL,
  version: string | null,
  ecosystem: string | null,
  sourceQualifiers: string[],
): PackageVersion {
  const source = sourceQualifiers.map((key) => purl.qualifiers?.[key]).find(Boolean);
  if (!source) return { ecosystem, name: purl.name, version };
  const at = source.indexOf('@');
  if (at <= 0) return { ecosystem, name: source, version };
  return { ecosystem, name: source.slice(0, at), version: source.slice(at + 1) || version };
}

/**
 * `Alpine:v3.22` from the `distro` qualifier (`3.22.0` from osv-scalibr, `alpine-3.22.0` from
 * Syft): OSV scopes every Alpine advisory to a release branch. Without a usable distro the bare
 * `Alpine`, which the matcher must treat as "release unknown". Other apk namespaces (Wolfi,
 * Chainguard) are other ecosystems, not Alpine.
 */
function alpineEcosystem(purl: PackageURL): string | null {
  if (purl.namespace && purl.namespace.toLowerCase() !== 'alpine') return null;
  const release = /^(?:alpine-)?v?(\d+)\.(\d+)/i.exec(purl.qualifiers?.distro ?? '');
  return release ? `Alpine:v${release[1]}.${release[2]}` : 'Alpine';
}

/** `Debian:12` / `Ubuntu:22.04:LTS` from the namespace and the `distro` qualifier. */
function debEcosystem(purl: PackageURL): string | null {
  const distro = (purl.qualifiers?.distro ?? '').toLowerCase();
  switch (purl.namespace?.toLowerCase() ?? '') {
    case 'debian': {
      const release = debianRelease(distro.replace(/^debian-/, ''));
      return release ? `Debian:${release}` : 'Debian';
    }
    case 'ubuntu': {
      const release = ubuntuRelease(distro.replace(/^ubuntu-/, ''));
      return release ? `Ubuntu:${release}` : 'Ubuntu';
    }
    default:
      return null;
  }
}

/** Debian's major version (`11`, from `11`, `11.6` or `bullseye`), as OSV's `Debian:<RELEASE>`. */
function debianRelease(distro: string): string | null {
  const numeric = /^(\d+)(?:\.\d+)*$/.exec(distro);
  if (numeric) return numeric[1];
  return DEBIAN_CODENAMES.get(distro) ?? null;
}

/** Codename -> major version, from https://debian.pages.debian.net/distro-info-data/debian.csv. */
const DEBIAN_CODENAMES = new Map(
  Object.entries({
    squeeze: '6',
    wheezy: '7',
    jessie: '8',
    stretch: '9',
    buster: '10',
    bullseye: '11',
    bookworm: '12',
    trixie: '13',
    forky: '14',
    duke: '15',
  }),
);

/**
 * `20.04:LTS` (from `20.04` or `focal`): OSV wants the YY.MM version, with `:LTS` for the long-term
 * releases, which are exactly the April releases of even years.
 */
function ubuntuRelease(distro: string): string | null {
  const version = /^\d{2}\.\d{2}$/.test(distro) ? distro : UBUNTU_CODENAMES.get(distro);
  if (!version) return null;
  const [year, month] = version.split('.').map(Number);
  return year % 2 === 0 && month === 4 ? `${version}:LTS` : version;
}

/** Codename -> version, from https://wiki.ubuntu.com/Releases. */
const UBUNTU_CODENAMES = new Map(
  Object.entries({
    trusty: '14.04',
    xenial: '16.04',
    bionic: '18.04',
    cosmic: '18.10',
    disco: '19.04',
    eoan: '19.10',
    focal: '20.04',
    groovy: '20.10',
    hirsute: '21.04',
    impish: '21.10',
    jammy: '22.04',
    kinetic: '22.10',
    lunar: '23.04',
    mantic: '23.10',
    noble: '24.04',
    oracular: '24.10',
    plucky: '25.04',
    questing: '25.10',
  }),
);
