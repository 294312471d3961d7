/**
 * A package version as advisories name it: what an SBOM component becomes for matching. The SBOM
 * reader makes these; the OSV matcher reads them.
 */
export interface PackageVersion {
  /**
   * The OSV ecosystem (`npm`, `PyPI`, `Maven`, `Go`, `crates.io`, `RubyGems`, `NuGet`, `Packagist`,
   * `Alpine`, `Debian`, …, as https://ossf.github.io/osv-schema/#defined-ecosystems spells them),
   * or null when the SBOM does not say (no purl, or a purl type OSV has no ecosystem for).
   */
  ecosystem: string | null;
  /**
   * The name as OSV spells it in that ecosystem: `@scope/name` for npm, `group:artifact` for Maven,
   * the module path for Go, the PEP 503-normalised name for PyPI.
   */
  name: string;
  /** The version as the SBOM states it; null when it states none. */
  version: string | null;
}
