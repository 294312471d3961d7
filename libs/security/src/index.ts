/**
 * libs/security (layer 4): software bills of materials, advisories and what they affect, endpoint
 * scans and the security gate. So far its pure parts, without Nest or a database: reading SBOMs
 * into components (`sbom/`), matching package versions against OSV records (`advisories/`), and
 * matching an SBOM's components against many records (`vulnerabilities/`).
 */
export type { PackageVersion } from './packages';
export * from './sbom';
export { matchAdvisory, type MatchEvidence, type MatchResult } from './advisories/osv-match';
export type { OsvRecord } from './advisories/osv-record';
export { assessSeverity, type SeverityAssessment } from './advisories/severity';
export { ecosystemComparator, type VersionComparator } from './advisories/versions';
export {
  matchComponents,
  type ComponentMatches,
  type ComponentVulnerability,
  type UnevaluatedComponent,
  type UnsupportedComponent,
} from './vulnerabilities/match-components';
