/**
 * libs/security (layer 4): software bills of materials, advisories and what they affect, endpoint
 * scans and the security gate. So far: the advisory database (`advisories/`, imported by API), and
 * pure parts without Nest or a database: reading SBOMs into components (`sbom/`), matching package
 * versions against OSV records (`advisories/osv-match.ts`), and matching an SBOM's components
 * against many records (`vulnerabilities/`).
 */
export { SecurityModule } from './security.module';
export { SecurityApiModule } from './security-api.module';
export { AdvisoriesService } from './advisories/advisories.service';
export { AdvisorySyncService } from './advisories/advisory-sync.service';
export { SecurityErrors } from './security.errors';
export { SecurityConfig } from './security.config';
export { SbomsService } from './sboms/sboms.service';
export { EndpointScansService } from './endpoints/endpoint-scans.service';
export { VulnerabilityAnalysesService } from './vex/vulnerability-analyses.service';
export type { EndpointScanResult } from './endpoints/endpoint-scan-result';
export { VulnerabilityScansService } from './vulnerabilities/vulnerability-scans.service';
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
