import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  checkVexAnalysis,
  VEX_JUSTIFICATIONS,
  VEX_RESPONSES,
  VEX_STATES,
  type VexAnalysis,
} from './vex-analysis';

/** The CycloneDX schema of one version, as @cyclonedx/cyclonedx-library ships it. */
function cycloneDxSchema(version: string) {
  const directory = join(
    dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')),
    'res',
    'schema',
  );
  return JSON.parse(readFileSync(join(directory, `bom-${version}.SNAPSHOT.schema.json`), 'utf8')) as {
    definitions: {
      impactAnalysisState: { enum: string[] };
      impactAnalysisJustification: { enum: string[] };
      vulnerability: {
        properties: { analysis: { properties: { response: { items: { enum: string[] } } } } };
      };
    };
  };
}

const sorted = (values: readonly string[]) => [...values].sort();

describe('the VEX lists are the CycloneDX schema enums', () => {
  it.each(['1.4', '1.5', '1.6', '1.7'])('CycloneDX %s', (version) => {
    const { definitions } = cycloneDxSchema(version);
    const analysis = definitions.vulnerability.properties.analysis;
    expect(sorted(VEX_STATES)).toEqual(sorted(definitions.impactAnalysisState.enum));
    expect(sorted(VEX_JUSTIFICATIONS)).toEqual(sorted(definitions.impactAnalysisJustification.enum));
    expect(sorted(VEX_RESPONSES)).toEqual(sorted(analysis.properties.response.items.enum));
  });
});

describe('checkVexAnalysis', () => {
  const accepted = (input: unknown): VexAnalysis => {
    const check = checkVexAnalysis(input);
    if (!check.ok) throw new Error(`expected it to be accepted: ${JSON.stringify(check.errors)}`);
    return check.analysis;
  };
  const refused = (input: unknown) => {
    const check = checkVexAnalysis(input);
    if (check.ok) throw new Error('expected it to be refused');
    return check.errors;
  };

  it('accepts not_affected with a justification, responses and detail', () => {
    expect(
      accepted({
        state: 'not_affected',
        justification: 'code_not_reachable',
        responses: ['will_not_fix', 'update'],
        detail: 'Only reached from the admin CLI, which is not shipped.',
      }),
    ).toEqual({
      state: 'not_affected',
      justification: 'code_not_reachable',
      responses: ['will_not_fix', 'update'],
      detail: 'Only reached from the admin CLI, which is not shipped.',
    });
  });

  it.each(VEX_STATES.filter((state) => state !== 'not_affected'))(
    'accepts %s alone: no justification, no responses, no detail',
    (state) => {
      expect(accepted({ state })).toEqual({ state, justification: null, responses: [], detail: null });
      expect(accepted({ state, justification: null, responses: [], detail: null })).toEqual({
        state,
        justification: null,
        responses: [],
        detail: null,
      });
    },
  );

  it('keeps a response given twice once, in the order given', () => {
    expect(
      accepted({ state: 'exploitable', responses: ['update', 'workaround_available', 'update'] }),
    ).toMatchObject({
      responses: ['update', 'workaround_available'],
    });
  });

  it('refuses not_affected without a justification (required, as in VEX minimum elements)', () => {
    expect(refused({ state: 'not_affected', detail: 'We do not use it.' })).toEqual([
      { path: '/justification', message: expect.stringContaining('is required with the state not_affected') },
    ]);
  });

  it('refuses a justification with any other state', () => {
    expect(refused({ state: 'exploitable', justification: 'code_not_present' })).toEqual([
      { path: '/justification', message: 'is only for the state not_affected, not exploitable' },
    ]);
  });

  it('refuses a missing or unknown state', () => {
    expect(refused({})).toEqual([{ path: '/state', message: 'is required' }]);
    expect(refused({ state: 'fixed' })).toEqual([
      { path: '/state', message: expect.stringMatching(/^must be one of in_triage, /) },
    ]);
    expect(refused({ state: 'NOT_AFFECTED', justification: 'code_not_present' })[0].path).toBe('/state');
  });

  it('names every failing part: an unknown justification, response, a detail that is not text, an unknown property', () => {
    expect(
      refused({
        state: 'not_affected',
        justification: 'vulnerable_code_not_present',
        responses: ['update', 'patch'],
        detail: 42,
        response: ['update'],
      }).map((error) => error.path),
    ).toEqual(['/response', '/justification', '/responses/1', '/detail']);
    expect(refused({ state: 'in_triage', responses: 'update' })).toEqual([
      { path: '/responses', message: 'must be an array' },
    ]);
  });

  it('refuses what is not an object', () => {
    for (const input of [null, 'not_affected', ['in_triage'], 3])
      expect(refused(input)).toEqual([{ path: '', message: 'must be an object' }]);
  });
});
