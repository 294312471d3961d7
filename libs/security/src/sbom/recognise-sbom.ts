import { ACCEPTED_SBOM_FORMATS, type SbomRejection, type SbomRejectionReason } from './sbom';
import { CYCLONEDX_VERSIONS, type CycloneDxVersion, type SbomSchema } from './sbom-schemas';

/** A document recognised as an accepted SBOM format, not yet checked against its schema. */
export interface RecognisedSbom {
  ok: true;
  schema: SbomSchema;
  document: Record<string, unknown>;
}

/**
 * Deepest nesting of objects and arrays accepted. Validating and hashing walk the document
 * recursively, and at around 1,000 levels that exhausts the stack; real SBOMs stay below 30
 * (the HTTP layer's default JSON limit is 32). JSON.parse itself is not recursive.
 */
export const MAX_SBOM_DEPTH = 256;

/** Decodes and parses the upload and says which format and version it is, from its content alone. */
export function recogniseSbom(input: string | Uint8Array): RecognisedSbom | SbomRejection {
  const text = typeof input === 'string' ? input.replace(/^\uFEFF/, '') : decodeUtf8(input);
  if (text === null) return refuse('not_json', null, 'The SBOM is not UTF-8 text.');
  const notJson = nonJsonFormat(text);
  if (notJson) return refuse('unknown_format', notJson, `The SBOM is ${notJson}; only JSON is accepted.`);

  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? ` (${error.message})` : '';
    return refuse('not_json', null, `The SBOM is not valid JSON${detail}.`);
  }
  if (!isObject(document)) {
    const found = jsonKind(document);
    return refuse('unknown_format', found, `The SBOM is ${found}, not a JSON object.`);
  }
  if (isDeeperThan(document, MAX_SBOM_DEPTH))
    return refuse(
      'too_deep',
      null,
      `The SBOM nests objects and arrays more than ${MAX_SBOM_DEPTH} levels deep.`,
    );

  if ('bomFormat' in document) return recogniseCycloneDx(document);
  if ('spdxVersion' in document) return recogniseSpdx(document);
  if (isSpdx3(document)) return refuse('unsupported_version', 'SPDX 3', 'SPDX 3 (JSON-LD) is not accepted.');
  const found = 'a JSON object without bomFormat or spdxVersion';
  return refuse('unknown_format', found, `The SBOM is ${found}: neither CycloneDX nor SPDX.`);
}

function recogniseCycloneDx(document: Record<string, unknown>): RecognisedSbom | SbomRejection {
  const { bomFormat, specVersion } = document;
  if (bomFormat !== 'CycloneDX') {
    const found = `bomFormat ${JSON.stringify(bomFormat)}`;
    return refuse('unknown_format', found, `The SBOM has ${found}; CycloneDX says "CycloneDX".`);
  }
  if (!isCycloneDxVersion(specVersion)) {
    if (typeof specVersion !== 'string') {
      const found = `CycloneDX with specVersion ${JSON.stringify(specVersion ?? null)}`;
      return refuse(
        'unsupported_version',
        found,
        `The SBOM is ${found}, not a version string such as "1.6".`,
      );
    }
    const found = `CycloneDX ${specVersion}`;
    return refuse('unsupported_version', found, `${found} is not accepted.`);
  }
  return { ok: true, schema: { format: 'cyclonedx', version: specVersion }, document };
}

function recogniseSpdx(document: Record<string, unknown>): RecognisedSbom | SbomRejection {
  const { spdxVersion } = document;
  if (spdxVersion !== 'SPDX-2.3') {
    const found =
      typeof spdxVersion === 'string' ? spdxVersion : `spdxVersion ${JSON.stringify(spdxVersion)}`;
    return refuse('unsupported_version', found, `${found} is not accepted.`);
  }
  return { ok: true, schema: { format: 'spdx', version: '2.3' }, document };
}

function refuse(reason: SbomRejectionReason, found: string | null, message: string): SbomRejection {
  return { ok: false, reason, message: `${message} Accepted: ${ACCEPTED_SBOM_FORMATS}.`, found, errors: [] };
}

/** JSON is UTF-8 (RFC 8259); a BOM is tolerated and dropped, as TextDecoder does by default. */
function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The other SBOM encodings people upload by mistake, named so the refusal says what they sent. */
function nonJsonFormat(text: string): string | null {
  const start = text.trimStart();
  if (start.startsWith('<')) {
    if (/xmlns(?::\w+)?\s*=\s*["']http:\/\/cyclonedx\.org\/schema\/bom/.test(start)) return 'CycloneDX XML';
    if (/spdx\.org\/rdf/.test(start)) return 'SPDX RDF/XML';
    return 'XML';
  }
  const tagValue = /^SPDXVersion:\s*(\S+)/m.exec(start);
  if (tagValue && !start.startsWith('{')) return `SPDX tag-value (${tagValue[1]})`;
  return null;
}

function isCycloneDxVersion(value: unknown): value is CycloneDxVersion {
  return typeof value === 'string' && (CYCLONEDX_VERSIONS as readonly string[]).includes(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonKind(value: unknown): string {
  if (value === null) return 'JSON null';
  if (Array.isArray(value)) return 'a JSON array';
  return `a JSON ${typeof value}`;
}

/** SPDX 3 is JSON-LD: an `@context` naming the SPDX 3 vocabulary, and no spdxVersion. */
function isSpdx3(document: Record<string, unknown>): boolean {
  const context = document['@context'];
  const contexts = Array.isArray(context) ? context : [context];
  return contexts.some((entry) => typeof entry === 'string' && entry.includes('spdx.org/rdf/3'));
}

/**
 * Whether a parsed document nests deeper than `maxDepth` (schema validation walks recursively, and
 * some 1,000 levels exhaust the stack). Without recursion, which is the point: one stack entry per
 * open object or array.
 */
export function isDeeperThan(root: object, maxDepth: number): boolean {
  const stack: [value: object, depth: number][] = [[root, 1]];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [value, depth] = entry;
    if (depth > maxDepth) return true;
    for (const child of Object.values(value)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
