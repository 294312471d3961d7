import { readPurl } from '../sbom/purl';
import { isDeeperThan, MAX_SBOM_DEPTH } from '../sbom/recognise-sbom';
import { type SchemaError, validateAgainstSchema } from '../sbom/sbom-schemas';
import { checkVexAnalysis, type VexAnalysis, VEX_STATES } from './vex-analysis';

/** CycloneDX versions a VEX can be in: `vulnerabilities` came in 1.4. */
export const VEX_SPEC_VERSIONS = ['1.4', '1.5', '1.6'] as const;
export type VexSpecVersion = (typeof VEX_SPEC_VERSIONS)[number];

export type VexReadResult =
  | { ok: true; specVersion: VexSpecVersion; statements: VexStatement[]; problems: VexProblem[] }
  | VexRejection;

/** One vulnerability entry with an analysis we can take: what the document states about it. */
export interface VexStatement {
  /** JSON pointer to the entry, `/vulnerabilities/3`. */
  path: string;
  /** The entry's `id` (`CVE-2020-25649`). */
  vulnerabilityId: string;
  /** The ids of its `references` (other names of the same vulnerability), each once, without the id. */
  aliases: string[];
  /** What the analysis is about, each ref once. */
  affects: VexAffect[];
  analysis: VexAnalysis;
}

export interface VexAffect {
  /** As the document states it: a bom-ref of its own, a BOM-Link into another BOM, or a purl. */
  ref: string;
  /**
   * The purl in canonical form (as readSbom normalises them, so it compares with our components'):
   * the purl of the component the ref names in this document; else the ref itself, or the bom-ref
   * of a BOM-Link, when that is a purl (as the CycloneDX Maven plugin and cyclonedx-node-module
   * write bom-refs). Null when neither gives one.
   */
  purl: string | null;
}

export interface VexProblem {
  /** JSON pointer to what it is about (`/vulnerabilities/2/analysis/state`). */
  path: string;
  code: VexProblemCode;
  message: string;
}

export type VexProblemCode =
  /** The entry has no analysis, or one without a state: it states nothing about exploitability. */
  | 'no_analysis'
  /** A state CycloneDX does not define (`fixed`, `affected`, from another VEX dialect). */
  | 'unknown_state'
  /** checkVexAnalysis refuses the analysis, e.g. `not_affected` without a justification. */
  | 'invalid_analysis'
  /** No `id`: nothing to match it to. */
  | 'no_id'
  /** No `affects`: it is about no component. */
  | 'no_affects'
  /** A purl that does not parse (the ref's own, or that of the component it names); the ref is kept. */
  | 'invalid_purl';

export type VexRejectionReason =
  /** Not a JSON object with `bomFormat: "CycloneDX"`. */
  | 'not_cyclonedx'
  /** A CycloneDX version outside VEX_SPEC_VERSIONS. */
  | 'unsupported_version'
  /** Nested deeper than MAX_SBOM_DEPTH. */
  | 'too_deep'
  /** Fails the official schema of its specVersion; `errors` names the rules. */
  | 'schema'
  /** A valid BOM without `vulnerabilities`: an SBOM, not a VEX. */
  | 'not_vex';

export interface VexRejection {
  ok: false;
  reason: VexRejectionReason;
  /** One sentence for the API's problem detail. */
  message: string;
  /** The failing schema rules (reason `schema`; empty otherwise), at most MAX_SCHEMA_ERRORS. */
  errors: SchemaError[];
}

/** The parts of a CycloneDX 1.4–1.6 BOM read here, once the schema has vouched for their shapes. */
interface CycloneDxVex {
  serialNumber?: string;
  version?: number;
  metadata?: { component?: CycloneDxComponent };
  components?: CycloneDxComponent[];
  vulnerabilities?: {
    id?: string;
    references?: { id: string }[];
    affects?: { ref: string }[];
    analysis?: { state?: string; justification?: string; response?: string[]; detail?: string };
  }[];
}

interface CycloneDxComponent {
  'bom-ref'?: string;
  purl?: string;
  components?: CycloneDxComponent[];
}

/**
 * Reads a CycloneDX VEX (1.4–1.6): a BOM whose `vulnerabilities` carry an `analysis`, standalone
 * (its `affects` BOM-Links into the SBOM it speaks about) or embedded in that SBOM (its `affects`
 * bom-refs of the same document). Checked against the official schema of its specVersion first;
 * then each entry becomes a statement, or a problem when there is nothing we can take from it. A
 * refusal is an answer, not an exception, as readSbom's are. Takes the parsed JSON.
 *
 * One leniency before the schema: an analysis whose state is a string CycloneDX does not define
 * is a problem of that one statement rather than a refusal of the document (its state is set
 * aside, and the rest of the document must still be valid), so one odd entry from a tool does not
 * hide every other statement. The schema's state enum is VEX_STATES, so nothing else differs.
 */
export async function readVex(document: unknown): Promise<VexReadResult> {
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    return refuse('not_cyclonedx', 'The VEX is not a JSON object.');
  const bom = document as Record<string, unknown>;
  if (bom.bomFormat !== 'CycloneDX')
    return refuse(
      'not_cyclonedx',
      `The VEX has bomFormat ${JSON.stringify(bom.bomFormat ?? null)}; CycloneDX says "CycloneDX".`,
    );
  const { specVersion } = bom;
  if (!isVexSpecVersion(specVersion)) {
    const found =
      typeof specVersion === 'string'
        ? `CycloneDX ${specVersion}`
        : `CycloneDX with specVersion ${JSON.stringify(specVersion ?? null)}, not a version string such as "1.6"`;
    return refuse(
      'unsupported_version',
      `The VEX is ${found}; accepted: CycloneDX ${VEX_SPEC_VERSIONS.join(', ')} (vulnerabilities came in 1.4).`,
    );
  }
  if (isDeeperThan(bom, MAX_SBOM_DEPTH))
    return refuse('too_deep', `The VEX nests objects and arrays more than ${MAX_SBOM_DEPTH} levels deep.`);

  const problems: VexProblem[] = [];
  const { document: checked, setAside } = setAsideUnknownStates(bom);
  const errors = await validateAgainstSchema({ format: 'cyclonedx', version: specVersion }, checked);
  if (errors.length > 0) {
    const first = errors[0];
    return {
      ok: false,
      reason: 'schema',
      message: `The VEX is not valid CycloneDX ${specVersion}: ${first.path || '(document)'} ${first.message}.`,
      errors,
    };
  }

  const vex = checked as CycloneDxVex;
  if (vex.vulnerabilities === undefined)
    return refuse('not_vex', 'The document has no vulnerabilities: it is an SBOM, not a VEX.');

  const resolve = refResolver(vex);
  const statements: VexStatement[] = [];
  vex.vulnerabilities.forEach((vulnerability, index) => {
    const unknownState = setAside.get(index);
    if (unknownState) {
      problems.push(unknownState);
      return;
    }
    const statement = readStatement(vulnerability, `/vulnerabilities/${index}`, resolve, problems);
    if (statement) statements.push(statement);
  });
  return { ok: true, specVersion, statements, problems };
}

type CycloneDxVulnerability = NonNullable<CycloneDxVex['vulnerabilities']>[number];

/** One vulnerability entry as a statement, or null with the reason among the problems. */
function readStatement(
  vulnerability: CycloneDxVulnerability,
  path: string,
  resolve: Resolve,
  problems: VexProblem[],
): VexStatement | null {
  const { id, analysis } = vulnerability;
  if (analysis?.state === undefined) {
    problems.push({
      path: analysis === undefined ? path : `${path}/analysis`,
      code: 'no_analysis',
      message: `${id ?? 'The vulnerability'} has ${analysis === undefined ? 'no analysis' : 'an analysis without a state'}, so it states nothing about exploitability.`,
    });
    return null;
  }
  if (id === undefined) {
    problems.push({ path, code: 'no_id', message: 'The vulnerability has no id, so it matches no finding.' });
    return null;
  }
  if ((vulnerability.affects ?? []).length === 0) {
    problems.push({
      path,
      code: 'no_affects',
      message: `${id} affects nothing, so it applies to no component.`,
    });
    return null;
  }

  const check = checkVexAnalysis({
    state: analysis.state,
    justification: analysis.justification ?? null,
    responses: analysis.response ?? [],
    detail: analysis.detail ?? null,
  });
  if (!check.ok) {
    for (const error of check.errors)
      problems.push({
        // Our field is `responses`, CycloneDX's `response`.
        path: `${path}/analysis${error.path.replace(/^\/responses/, '/response')}`,
        code: 'invalid_analysis',
        message: `The analysis of ${id} is not taken: ${error.path.slice(1)} ${error.message}.`,
      });
    return null;
  }

  // The same ref twice (with other `versions`, which are not read) is one component.
  const affects: VexAffect[] = [];
  (vulnerability.affects ?? []).forEach(({ ref }, index) => {
    if (!affects.some((affect) => affect.ref === ref))
      affects.push({ ref, purl: resolve(ref, `${path}/affects/${index}/ref`, problems) });
  });
  const aliases = [...new Set((vulnerability.references ?? []).map((reference) => reference.id))];
  return {
    path,
    vulnerabilityId: id,
    aliases: aliases.filter((alias) => alias !== id),
    affects,
    analysis: check.analysis,
  };
}

/** A BOM-Link to an element of a BOM: `urn:cdx:<uuid>/<version>#<bom-ref>`. */
export interface BomLink {
  /** As the BOM's own `serialNumber` says it: `urn:uuid:<uuid>`. */
  serialNumber: string;
  version: number;
  bomRef: string;
}

const BOM_LINK =
  /^urn:cdx:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/([1-9][0-9]*)#(.+)$/;

/**
 * Reads a BOM-Link element (the schema's bomLinkElementType pattern); null for anything else. The
 * bom-ref is the URN's fragment, percent-decoded when it is encoded (a purl's `@` may be `%40`
 * either way: readPurl reads both), as is when it is not validly encoded.
 */
export function parseBomLink(ref: string): BomLink | null {
  const match = BOM_LINK.exec(ref);
  if (!match) return null;
  let bomRef = match[3];
  try {
    bomRef = decodeURIComponent(bomRef);
  } catch {
    // Not percent-encoded after all (a lone `%`): the fragment as written.
  }
  return { serialNumber: `urn:uuid:${match[1]}`, version: Number(match[2]), bomRef };
}

type Resolve = (ref: string, path: string, problems: VexProblem[]) => string | null;

/**
 * An affects ref -> purl, from the document's own components (metadata.component, components and
 * their nested components; a BOM-Link to this very document counts as a bom-ref of it), else from
 * the ref, or the BOM-Link's bom-ref, when it is a purl.
 */
function refResolver(vex: CycloneDxVex): Resolve {
  const purlByRef = new Map<string, string | null>();
  const collect = (component: CycloneDxComponent) => {
    const ref = component['bom-ref'];
    if (ref !== undefined && !purlByRef.has(ref)) purlByRef.set(ref, component.purl ?? null);
    component.components?.forEach(collect);
  };
  if (vex.metadata?.component) collect(vex.metadata.component);
  vex.components?.forEach(collect);

  return (ref, path, problems) => {
    const link = parseBomLink(ref);
    const ownLink =
      link !== null && link.serialNumber === vex.serialNumber && link.version === (vex.version ?? 1);
    const bomRef = link === null ? ref : link.bomRef;
    const statedPurl = link === null || ownLink ? purlByRef.get(bomRef) : undefined;
    if (typeof statedPurl === 'string') {
      const reading = readPurl(statedPurl);
      if (reading.ok) return reading.read.purl;
      problems.push({
        path,
        code: 'invalid_purl',
        message: `${JSON.stringify(ref)} names a component whose purl ${JSON.stringify(statedPurl)} is not valid: ${reading.message}`,
      });
    }
    if (bomRef.startsWith('pkg:')) {
      const reading = readPurl(bomRef);
      if (reading.ok) return reading.read.purl;
      // A bom-ref merely starting like a purl is still a fine bom-ref: say so only for a bare ref.
      if (link === null && statedPurl === undefined)
        problems.push({
          path,
          code: 'invalid_purl',
          message: `${JSON.stringify(ref)} is not a valid purl: ${reading.message}`,
        });
    }
    return null;
  };
}

/**
 * A copy of the document in which every analysis state that is a string but not a CycloneDX state
 * is left out (see readVex), and for each such entry (by index) the problem it is. Anything else is
 * left for the schema.
 */
function setAsideUnknownStates(bom: Record<string, unknown>): {
  document: Record<string, unknown>;
  setAside: Map<number, VexProblem>;
} {
  const setAside = new Map<number, VexProblem>();
  const { vulnerabilities } = bom;
  if (!Array.isArray(vulnerabilities)) return { document: bom, setAside };
  const kept = vulnerabilities.map((vulnerability: unknown, index) => {
    if (!isObject(vulnerability) || !isObject(vulnerability.analysis)) return vulnerability;
    const { state, ...rest } = vulnerability.analysis;
    if (typeof state !== 'string' || (VEX_STATES as readonly string[]).includes(state)) return vulnerability;
    const id = typeof vulnerability.id === 'string' ? vulnerability.id : 'the vulnerability';
    setAside.set(index, {
      path: `/vulnerabilities/${index}/analysis/state`,
      code: 'unknown_state',
      message: `The state ${JSON.stringify(state)} of ${id} is not a CycloneDX analysis state (${VEX_STATES.join(', ')}).`,
    });
    return { ...vulnerability, analysis: rest };
  });
  return { document: setAside.size > 0 ? { ...bom, vulnerabilities: kept } : bom, setAside };
}

function refuse(reason: VexRejectionReason, message: string): VexRejection {
  return { ok: false, reason, message, errors: [] };
}

function isVexSpecVersion(value: unknown): value is VexSpecVersion {
  return typeof value === 'string' && (VEX_SPEC_VERSIONS as readonly string[]).includes(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
