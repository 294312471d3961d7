import {
  checkVexAnalysis,
  type VexAnalysis,
  type VexJustification,
  type VexResponse,
  type VexState,
} from './vex-analysis';

/** What one release's VEX is made of: its components and its vulnerability findings with their analyses. */
export interface VexExportInput {
  /** The release the VEX speaks for: the BOM's `metadata.component`. */
  release: { service: string; version: string; id: string };
  /** `urn:uuid:` and a lower-case UUID, as the CycloneDX schema wants it. A new one per export. */
  serialNumber: string;
  /** When the VEX was made, an RFC 3339 date-time (`2025-05-01T12:00:00Z`). */
  timestamp: string;
  components: VexExportComponent[];
  vulnerabilities: VexExportVulnerability[];
}

export interface VexExportComponent {
  /** Unique in the document; what `affects` names. */
  bomRef: string;
  name: string;
  group: string | null;
  version: string | null;
  purl: string | null;
}

/**
 * One vulnerability with one analysis. Findings are one per component, so one vulnerability whose
 * components were triaged differently is several entries (same id, other `affects`): a CycloneDX
 * vulnerability carries a single analysis for everything it affects.
 */
export interface VexExportVulnerability {
  /** The id findings show (the first CVE of the alias group, else its first id). */
  id: string;
  /** The other ids of the alias group; `id` itself may be among them (it is left out of `references`). */
  aliases: string[];
  /** Who `id` is from; null: derived from the id (NVD for a CVE, GitHub for a GHSA, else OSV). */
  source: { name: string; url?: string } | null;
  ratings: VexExportRating[];
  description: string | null;
  /** Component bomRefs; each must be one of the input's components. */
  affects: string[];
  /** Null: not triaged yet, and the entry says nothing about exploitability. */
  analysis: VexAnalysis | null;
  /** RFC 3339 date-times, as the advisory states them. */
  published?: string | null;
  updated?: string | null;
}

export interface VexExportRating {
  /** Ours (`critical` … `info`), a database's (`MODERATE`) or CycloneDX's; one it does not know is `unknown`. */
  severity: string;
  score: number | null;
  /**
   * A CycloneDX score method (`CVSSv31`), an OSV severity type (`CVSS_V3`, `CVSS_V4`), or null to
   * infer it from the vector; anything else is `other`.
   */
  method: string | null;
  /** As the advisory gives it, `CVSS:3.1/AV:N/…`. */
  vector: string | null;
}

/** The CycloneDX 1.6 BOM exportVex makes: the parts it writes, nothing optional it leaves out. */
export interface CycloneDxVexDocument {
  $schema: string;
  bomFormat: 'CycloneDX';
  specVersion: '1.6';
  serialNumber: string;
  version: 1;
  metadata: {
    timestamp: string;
    tools: { components: { type: 'application'; name: string }[] };
    component: { type: 'application'; name: string; version: string; 'bom-ref': string };
  };
  components: CycloneDxVexComponent[];
  vulnerabilities: CycloneDxVexVulnerability[];
}

export interface CycloneDxVexComponent {
  type: 'library';
  'bom-ref': string;
  group?: string;
  name: string;
  version?: string;
  purl?: string;
}

export interface CycloneDxVexVulnerability {
  id: string;
  source: VulnerabilitySource;
  references?: { id: string; source: VulnerabilitySource }[];
  ratings?: { severity: CycloneDxSeverity; score?: number; method?: CycloneDxScoreMethod; vector?: string }[];
  description?: string;
  published?: string;
  updated?: string;
  analysis?: { state: VexState; justification?: VexJustification; response?: VexResponse[]; detail?: string };
  affects: { ref: string }[];
}

export interface VulnerabilitySource {
  name: string;
  url?: string;
}

/** The schema's `severity` and `scoreMethod` enums (CycloneDX 1.6). */
export const CYCLONEDX_SEVERITIES = ['critical', 'high', 'medium', 'low', 'info', 'none', 'unknown'] as const;
export type CycloneDxSeverity = (typeof CYCLONEDX_SEVERITIES)[number];
export const CYCLONEDX_SCORE_METHODS = [
  'CVSSv2',
  'CVSSv3',
  'CVSSv31',
  'CVSSv4',
  'OWASP',
  'SSVC',
  'other',
] as const;
export type CycloneDxScoreMethod = (typeof CYCLONEDX_SCORE_METHODS)[number];

/** Named as the tool that made the document (`metadata.tools`). */
export const VEX_TOOL_NAME = 'Opsplane';

const SERIAL_NUMBER = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A release's findings and their analyses as a CycloneDX 1.6 VEX: a BOM naming the release
 * (`metadata.component`), its components, and one vulnerability entry per input vulnerability,
 * affecting components of this same document by bom-ref. It validates against the official 1.6
 * schema (vex-export.spec.ts checks it), and readVex reads back the same analyses.
 *
 * Throws on input no valid document can be made of, which is a caller's bug rather than a user's
 * mistake: a serialNumber that is not a lower-case URN UUID, a bom-ref used twice (the release's id
 * counts as one), an `affects` naming no component, an analysis checkVexAnalysis refuses.
 */
export function exportVex(input: VexExportInput): CycloneDxVexDocument {
  const { release, serialNumber, timestamp } = input;
  if (!SERIAL_NUMBER.test(serialNumber))
    throw new Error(
      `exportVex: serialNumber ${JSON.stringify(serialNumber)} is not urn:uuid: and a lower-case UUID`,
    );

  const bomRefs = new Set<string>([release.id]);
  for (const { bomRef } of input.components) {
    if (bomRefs.has(bomRef))
      throw new Error(`exportVex: the bom-ref ${JSON.stringify(bomRef)} is used twice`);
    bomRefs.add(bomRef);
  }

  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber,
    version: 1,
    metadata: {
      timestamp,
      tools: { components: [{ type: 'application', name: VEX_TOOL_NAME }] },
      component: {
        type: 'application',
        name: release.service,
        version: release.version,
        'bom-ref': release.id,
      },
    },
    components: input.components.map(toComponent),
    vulnerabilities: input.vulnerabilities.map((vulnerability) => toVulnerability(vulnerability, bomRefs)),
  };
}

function toComponent(component: VexExportComponent): CycloneDxVexComponent {
  const { bomRef, name, group, version, purl } = component;
  // `library`: the components are packages from an SBOM, and the input does not say otherwise.
  return {
    type: 'library',
    'bom-ref': bomRef,
    ...(group === null ? {} : { group }),
    name,
    ...(version === null ? {} : { version }),
    ...(purl === null ? {} : { purl }),
  };
}

function toVulnerability(
  vulnerability: VexExportVulnerability,
  bomRefs: Set<string>,
): CycloneDxVexVulnerability {
  const { id, aliases, ratings, description, analysis, published, updated } = vulnerability;
  for (const ref of vulnerability.affects)
    if (!bomRefs.has(ref))
      throw new Error(
        `exportVex: ${id} affects ${JSON.stringify(ref)}, which is not a component of the export`,
      );
  // The schema wants affects items unique.
  const affects = [...new Set(vulnerability.affects)].map((ref) => ({ ref }));
  const references = [...new Set(aliases)]
    .filter((alias) => alias !== id)
    .map((alias) => ({ id: alias, source: sourceOf(alias) }));

  return {
    id,
    source: vulnerability.source ?? sourceOf(id),
    ...(references.length > 0 ? { references } : {}),
    ...(ratings.length > 0 ? { ratings: ratings.map(toRating) } : {}),
    ...(description === null ? {} : { description }),
    ...(published ? { published } : {}),
    ...(updated ? { updated } : {}),
    ...(analysis === null ? {} : { analysis: toAnalysis(id, analysis) }),
    affects,
  };
}

/**
 * Where an id is published: NVD for CVEs and GitHub for GHSAs, which is where people look them
 * up; osv.dev for the rest, since our ids come from OSV records and osv.dev serves every one of them.
 */
export function sourceOf(id: string): VulnerabilitySource {
  if (/^CVE-\d{4}-\d+$/i.test(id)) return { name: 'NVD', url: `https://nvd.nist.gov/vuln/detail/${id}` };
  if (/^GHSA-/i.test(id)) return { name: 'GitHub', url: `https://github.com/advisories/${id}` };
  return { name: 'OSV', url: `https://osv.dev/vulnerability/${encodeURIComponent(id)}` };
}

function toRating(rating: VexExportRating): NonNullable<CycloneDxVexVulnerability['ratings']>[number] {
  const method = scoreMethod(rating.method, rating.vector);
  return {
    severity: cycloneDxSeverity(rating.severity),
    ...(rating.score === null ? {} : { score: rating.score }),
    ...(method === null ? {} : { method }),
    ...(rating.vector === null ? {} : { vector: rating.vector }),
  };
}

/** GitHub says `moderate` where CVSS and CycloneDX say `medium`; case never matters. */
export function cycloneDxSeverity(severity: string): CycloneDxSeverity {
  const lower = severity.toLowerCase();
  if (lower === 'moderate') return 'medium';
  return (CYCLONEDX_SEVERITIES as readonly string[]).includes(lower)
    ? (lower as CycloneDxSeverity)
    : 'unknown';
}

/**
 * The schema's method for a rating. OSV's `CVSS_V3` covers 3.0 and 3.1, which CycloneDX tells
 * apart, so the vector's `CVSS:3.x/` prefix decides; without a method, the vector alone. Null when
 * there is neither (the rating is then a bare severity); `other` for a method we cannot name.
 */
export function scoreMethod(method: string | null, vector: string | null): CycloneDxScoreMethod | null {
  const known = CYCLONEDX_SCORE_METHODS.find((name) => name.toLowerCase() === method?.toLowerCase());
  if (known) return known;
  const fromVector = cvssMethodOf(vector);
  switch (method?.toUpperCase()) {
    case 'CVSS_V2':
      return 'CVSSv2';
    case 'CVSS_V3':
      return fromVector === 'CVSSv3' ? 'CVSSv3' : 'CVSSv31';
    case 'CVSS_V4':
      return 'CVSSv4';
    case undefined:
      return fromVector ?? (vector === null ? null : 'other');
    default:
      return 'other';
  }
}

function cvssMethodOf(vector: string | null): CycloneDxScoreMethod | null {
  if (vector?.startsWith('CVSS:3.0/')) return 'CVSSv3';
  if (vector?.startsWith('CVSS:3.1/')) return 'CVSSv31';
  if (vector?.startsWith('CVSS:4.0/')) return 'CVSSv4';
  // CVSS 2 vectors have no prefix; `AV:N/AC:L/Au:N/…` is told by its `Au` metric.
  if (vector !== null && /(^|\/)Au:[MSN](\/|$)/.test(vector)) return 'CVSSv2';
  return null;
}

function toAnalysis(id: string, analysis: VexAnalysis): NonNullable<CycloneDxVexVulnerability['analysis']> {
  // Stored analyses were checked when saved; checking again keeps a bad row out of a shared document.
  const check = checkVexAnalysis(analysis);
  if (!check.ok)
    throw new Error(
      `exportVex: the analysis of ${id} is not valid: ${check.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
    );
  const { state, justification, responses, detail } = check.analysis;
  return {
    state,
    ...(justification === null ? {} : { justification }),
    ...(responses.length > 0 ? { response: responses } : {}),
    ...(detail === null ? {} : { detail }),
  };
}
