import { FINDING_JUSTIFICATIONS } from '@opsplane/findings';
/**
 * A VEX analysis: what a person concluded about one vulnerability finding, in CycloneDX's terms
 * (`vulnerability.analysis`). The lists are the CycloneDX 1.4–1.7 schema enums (the same in every
 * version; vex-analysis.spec.ts checks them against the schemas the library ships), so what is
 * stored exports as is, and whatever a valid CycloneDX VEX states can be imported.
 */

/**
 * `impactAnalysisState`. `resolved_with_pedigree` (remediated, with the evidence in the component's
 * pedigree) is in the schema too: without it, a valid VEX stating it could not be imported.
 */
export const VEX_STATES = [
  'in_triage',
  'exploitable',
  'not_affected',
  'false_positive',
  'resolved',
  'resolved_with_pedigree',
] as const;
export type VexState = (typeof VEX_STATES)[number];

/**
 * `impactAnalysisJustification`: why a component is `not_affected`. The findings lib keeps the same
 * list for false positives and accepted risks, so a finding's justification is a VEX one.
 */
export const VEX_JUSTIFICATIONS = FINDING_JUSTIFICATIONS;
export type VexJustification = (typeof VEX_JUSTIFICATIONS)[number];

/** `analysis.response` items: what the responsible party does about it. */
export const VEX_RESPONSES = [
  'can_not_fix',
  'will_not_fix',
  'update',
  'rollback',
  'workaround_available',
] as const;
export type VexResponse = (typeof VEX_RESPONSES)[number];

export interface VexAnalysis {
  state: VexState;
  /** Set exactly when `state` is `not_affected` (see checkVexAnalysis). */
  justification: VexJustification | null;
  /** Each at most once, in the order given; empty when none. */
  responses: VexResponse[];
  /** Free text: how it was assessed, why the component is (not) affected. Null when none. */
  detail: string | null;
}

/** One refused part of an analysis; `path` is a JSON pointer into the input (`/justification`). */
export interface VexAnalysisError {
  path: string;
  message: string;
}

export type VexAnalysisCheck =
  { ok: true; analysis: VexAnalysis } | { ok: false; errors: VexAnalysisError[] };

const PROPERTIES = ['state', 'justification', 'responses', 'detail'];

/**
 * Checks an analysis as a person (or an imported document) states it: `state` required;
 * `justification` required with `not_affected` and refused with any other state; `responses` and
 * `detail` optional (absent is `[]` and null). Every failing rule is reported, not just the first.
 *
 * CycloneDX itself allows `not_affected` without a justification (the schema only says one
 * "should be specified"). We require one, as VEX minimum elements do: CISA's Minimum Requirements
 * for VEX want a justification or an impact statement for every `not_affected`, and we take the
 * stricter half, since a justification is the part tools can act on; `detail` is the impact
 * statement, welcome beside it. A justification with another state would be a claim of
 * non-exploitability the state contradicts, so it is refused rather than kept or dropped silently.
 */
export function checkVexAnalysis(input: unknown): VexAnalysisCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, errors: [{ path: '', message: 'must be an object' }] };
  const { state, justification = null, responses = [], detail = null } = input as Record<string, unknown>;
  const errors: VexAnalysisError[] = [];

  for (const key of Object.keys(input))
    if (!PROPERTIES.includes(key))
      errors.push({
        path: `/${key}`,
        message: `is not a property of a VEX analysis (${PROPERTIES.join(', ')})`,
      });

  if (state === undefined) errors.push({ path: '/state', message: 'is required' });
  else if (!isOneOf(VEX_STATES, state)) errors.push({ path: '/state', message: mustBeOneOf(VEX_STATES) });

  if (justification !== null) {
    if (!isOneOf(VEX_JUSTIFICATIONS, justification))
      errors.push({ path: '/justification', message: mustBeOneOf(VEX_JUSTIFICATIONS) });
    else if (isOneOf(VEX_STATES, state) && state !== 'not_affected')
      errors.push({ path: '/justification', message: `is only for the state not_affected, not ${state}` });
  } else if (state === 'not_affected') {
    errors.push({
      path: '/justification',
      message: `is required with the state not_affected: one of ${VEX_JUSTIFICATIONS.join(', ')}`,
    });
  }

  const kept: VexResponse[] = [];
  if (!Array.isArray(responses)) errors.push({ path: '/responses', message: 'must be an array' });
  else
    responses.forEach((response: unknown, index) => {
      if (!isOneOf(VEX_RESPONSES, response))
        errors.push({ path: `/responses/${index}`, message: mustBeOneOf(VEX_RESPONSES) });
      // A response said twice says nothing more; keeping one avoids refusing it for that.
      else if (!kept.includes(response)) kept.push(response);
    });

  if (detail !== null && typeof detail !== 'string')
    errors.push({ path: '/detail', message: 'must be a string or null' });

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    analysis: {
      state: state as VexState,
      justification: justification as VexJustification | null,
      responses: kept,
      detail: detail as string | null,
    },
  };
}

function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

function mustBeOneOf(values: readonly string[]): string {
  return `must be one of ${values.join(', ')}`;
}
