import { createHash } from 'node:crypto';
import { canonicalJson } from '@opsplane/core';
import type { SbomContent } from './component';
import { readCycloneDx } from './cyclonedx';
import { recogniseSbom } from './recognise-sbom';
import type { SbomReadResult } from './sbom';
import { validateAgainstSchema } from './sbom-schemas';
import { readSpdx, type SpdxDocument } from './spdx';

/**
 * Reads an uploaded SBOM: recognises its format and version from the content (CycloneDX JSON
 * 1.2–1.7, SPDX 2.3 JSON), checks it against that version's official schema, and reads its
 * components, with each package named as OSV names it. A refusal is an answer, not an exception:
 * `{ ok: false, reason, message, found, errors }`, everything a 400 needs. Pure: no I/O but
 * reading the bundled schemas once.
 *
 * The upload should have passed the HTTP layer's JSON shape limits (as every JSON body does);
 * readSbom refuses nesting beyond MAX_SBOM_DEPTH on its own, but not, say, a million keys.
 */
export async function readSbom(input: string | Uint8Array): Promise<SbomReadResult> {
  const recognised = recogniseSbom(input);
  if (!recognised.ok) return recognised;
  const { schema, document } = recognised;

  const errors = await validateAgainstSchema(schema, document);
  if (errors.length > 0) {
    const found = schema.format === 'cyclonedx' ? `CycloneDX ${schema.version}` : `SPDX ${schema.version}`;
    const first = errors[0];
    return {
      ok: false,
      reason: 'schema',
      message: `The SBOM is not valid ${found}: ${first.path || '(document)'} ${first.message}.`,
      found,
      errors,
    };
  }

  // The schema has just vouched for the shapes these readers rely on.
  const content: SbomContent =
    schema.format === 'cyclonedx' ? readCycloneDx(document) : readSpdx(document as unknown as SpdxDocument);
  const sha256 = createHash('sha256').update(canonicalJson(document)).digest('hex');
  return { ok: true, sbom: { format: schema.format, specVersion: schema.version, sha256, ...content } };
}
