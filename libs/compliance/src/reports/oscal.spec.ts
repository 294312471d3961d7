import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  OutcomeSecondsModel,
  PeriodControlModel,
  PeriodReportModel,
  ReportControlModel,
} from '../dto/report.dto';
import { OPSPLANE_OSCAL_NS, toOscalAssessmentResults } from './oscal';

const FIXTURES = join(__dirname, '../../../../test/fixtures/oscal');
const readJson = (file: string) => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
/** The document as a consumer reads it: serialised and parsed back (untyped, for the broken copies). */
const parsed = (document: Record<string, unknown>) => JSON.parse(JSON.stringify(document));

/** The parts of a result the assertions read; the schema checks the whole. */
interface Prop {
  name: string;
  ns?: string;
  value: string;
}
interface Result {
  start: string;
  end: string;
  props: Prop[];
  'reviewed-controls': { 'control-selections': { 'include-controls': { 'control-id': string }[] }[] };
  observations: { uuid: string; description: string; 'relevant-evidence'?: { href: string }[] }[];
  findings: {
    title: string;
    target: { 'target-id': string; status: { state: string } };
    'related-observations'?: { 'observation-uuid': string }[];
    'related-risks'?: { 'risk-uuid': string }[];
    remarks?: string;
  }[];
  risks: { uuid: string; status: string; deadline: string }[];
}

const ABOUT = { title: 'Opsplane compliance, March 2026', publisher: 'Acme Corp', version: '2026-03' };

const at = (instant: string) => new Date(instant);
const seconds = (counts: Partial<OutcomeSecondsModel>): OutcomeSecondsModel => ({
  passed: 0,
  failed: 0,
  waived: 0,
  error: 0,
  notApplicable: 0,
  ...counts,
});

// Opsplane ids are UUIDv7 (version nibble 7), which OSCAL's UUID pattern refuses.
const PRODUCTION = {
  type: 'environment' as const,
  id: '0195a1b2-0000-7000-8000-000000000001',
  slug: 'production',
};
const STAGING = { type: 'environment' as const, id: '0195a1b2-0000-7000-8000-000000000002', slug: 'staging' };

const TLS: ReportControlModel = {
  id: '0195a1b2-0000-7000-8000-0000000000a1',
  slug: 'tls-minimum-1-2',
  title: 'Endpoints accept TLS 1.2 or later only',
  severity: 'high',
  mode: 'enforce',
  frameworks: [
    { framework: 'iso27001', requirement: 'A.8.24', title: 'Use of cryptography' },
    { framework: 'soc2', requirement: 'CC6.7', title: 'Restricts the transmission of information' },
  ],
};
const HSTS: ReportControlModel = {
  id: '0195a1b2-0000-7000-8000-0000000000a2',
  slug: 'hsts-enabled',
  title: 'Endpoints send Strict-Transport-Security',
  severity: 'medium',
  mode: 'report',
  frameworks: [{ framework: 'cis_v8', requirement: '3.10', title: 'Encrypt Sensitive Data in Transit' }],
};
// A slug that begins with a digit is a valid Opsplane slug but not an OSCAL token.
const MFA: ReportControlModel = {
  id: '0195a1b2-0000-7000-8000-0000000000a3',
  slug: '2fa-enforced',
  title: 'Service admins use two-factor authentication',
  severity: 'critical',
  mode: 'enforce',
  frameworks: [],
};

const FROM = at('2026-03-01T00:00:00.000Z');
const TO = at('2026-04-01T00:00:00.000Z');
const MONTH = (TO.getTime() - FROM.getTime()) / 1000;

const noRemediation = { count: 0, meanSeconds: null, medianSeconds: null, maxSeconds: null };

const passedThroughout: PeriodControlModel = {
  control: TLS,
  ran: true,
  passRate: 1,
  seconds: seconds({ passed: 2 * MONTH }),
  subjectCount: 2,
  failingIntervalCount: 0,
  failingIntervals: [],
  timeToRemediate: noRemediation,
  waivers: [],
  series: [{ from: FROM, to: TO, passRate: 1 }],
};

const remediatedAndStillFailing: PeriodControlModel = {
  control: HSTS,
  ran: true,
  passRate: 0.7,
  seconds: seconds({ passed: 40 * 86_400, failed: 17 * 86_400, waived: 5 * 86_400 }),
  subjectCount: 2,
  failingIntervalCount: 2,
  failingIntervals: [
    {
      controlId: HSTS.id,
      subject: PRODUCTION,
      from: at('2026-03-04T10:00:00.000Z'),
      to: at('2026-03-06T10:00:00.000Z'),
      endedBy: 'passed',
      firstResultId: '0195a1b2-0000-7000-8000-0000000000f1',
    },
    {
      // Began when the waiver below expired, and was still failing at the end of the period.
      controlId: HSTS.id,
      subject: STAGING,
      from: at('2026-03-16T00:00:00.000Z'),
      to: null,
      endedBy: null,
      firstResultId: '0195a1b2-0000-7000-8000-0000000000f2',
    },
  ],
  timeToRemediate: { count: 1, meanSeconds: 172_800, medianSeconds: 172_800, maxSeconds: 172_800 },
  waivers: [
    {
      id: '0195a1b2-0000-7000-8000-0000000000e1',
      controlId: HSTS.id,
      subjectType: 'environment',
      subjectId: STAGING.id,
      reason: 'Staging sits behind the VPN; HSTS rolls out with the new ingress.',
      requestedBy: 'user:0195a1b2-0000-7000-8000-0000000000c1',
      approvedBy: 'Dana Scully',
      expiresAt: at('2026-03-16T00:00:00.000Z'),
      revokedAt: null,
      revokedReason: null,
      active: false,
      version: 1,
      createdAt: at('2026-02-20T09:30:00.000Z'),
    },
  ],
  series: [{ from: FROM, to: TO, passRate: 0.7 }],
};

const neverRan: PeriodControlModel = {
  control: MFA,
  ran: false,
  passRate: null,
  seconds: seconds({}),
  subjectCount: 0,
  failingIntervalCount: 0,
  failingIntervals: [],
  timeToRemediate: noRemediation,
  waivers: [],
  series: [{ from: FROM, to: TO, passRate: null }],
};

const REPORT: PeriodReportModel = {
  from: FROM,
  to: TO,
  generatedAt: at('2026-04-01T06:00:00.000Z'),
  framework: null,
  auditChain: {
    isIntact: true,
    checkedCount: 48_213,
    brokenAtSeq: null,
    brokenEventId: null,
    reason: null,
    rehashedFromSeq: 1,
    checkpointVerifiedAt: null,
  },
  passRate: 0.85,
  series: [{ from: FROM, to: TO, passRate: 0.85 }],
  frameworks: [],
  controls: [passedThroughout, remediatedAndStillFailing, neverRan],
  gaps: [{ control: MFA, description: 'No result of 2fa-enforced was stored in the period.' }],
};

const describeErrors = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`).join('\n');

describe('toOscalAssessmentResults', () => {
  let validate: ValidateFunction;

  beforeAll(() => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    validate = ajv.compile(readJson('oscal_assessment-results_schema-1.0.6.json'));
  });

  /** The errors as text, so that a failing expectation says what the schema refused. */
  const errorsOf = (document: unknown): string => (validate(document) ? '' : describeErrors(validate.errors));

  const resultOf = (document: Record<string, unknown>): Result =>
    parsed(document)['assessment-results'].results[0];

  it('validates against the official OSCAL 1.0.6 assessment-results schema', () => {
    expect(errorsOf(toOscalAssessmentResults(REPORT, ABOUT))).toBe('');
  });

  it('accepts NIST’s own example with the same schema, so the validator is set up right', () => {
    expect(errorsOf(readJson('oscal-assessment-results-example.json'))).toBe('');
  });

  it('refuses a broken document, so the tests above can fail', () => {
    const document = parsed(toOscalAssessmentResults(REPORT, ABOUT));
    document['assessment-results'].uuid = HSTS.id;
    expect(errorsOf(document)).toMatch(/^\/assessment-results\/uuid must match pattern/m);

    // The raw slug of a control beginning with a digit is no OSCAL token: the export must not use it.
    const rawSlug = parsed(toOscalAssessmentResults(REPORT, ABOUT));
    rawSlug['assessment-results'].results[0]['reviewed-controls']['control-selections'][0][
      'include-controls'
    ][2]['control-id'] = MFA.slug;
    expect(errorsOf(rawSlug)).toMatch(/control-id must match pattern/);
  });

  it('has a finding for each failing interval and each gap, and none for what passed', () => {
    const result = resultOf(toOscalAssessmentResults(REPORT, ABOUT));
    const findings = result.findings;

    expect(findings).toHaveLength(
      REPORT.controls.reduce((sum, entry) => sum + entry.failingIntervals.length, 0) + REPORT.gaps.length,
    );
    expect(findings.map((finding) => finding.target['target-id'])).toEqual([
      'hsts-enabled',
      'hsts-enabled',
      '_2fa-enforced',
    ]);
    expect(findings.map((finding) => finding.title)).toEqual([
      'hsts-enabled failing on production',
      'hsts-enabled failing on staging',
      '2fa-enforced never ran',
    ]);
    for (const finding of findings) expect(finding.target.status.state).toBe('not-satisfied');
    expect(findings[2].remarks).toMatch(/never ran/);
  });

  it('carries the period, the controls, the evidence and the audit chain over', () => {
    const result = resultOf(toOscalAssessmentResults(REPORT, ABOUT));

    expect(result.start).toBe(REPORT.from.toISOString());
    expect(result.end).toBe(REPORT.to.toISOString());
    expect(
      result['reviewed-controls']['control-selections'][0]['include-controls'].map(
        (selection) => selection['control-id'],
      ),
    ).toEqual(['tls-minimum-1-2', 'hsts-enabled', '_2fa-enforced']);

    const chainProp = (name: string) =>
      result.props.find((prop) => prop.name === name && prop.ns === OPSPLANE_OSCAL_NS)?.value;
    expect(chainProp('audit-chain-intact')).toBe('true');
    expect(chainProp('audit-chain-checked-count')).toBe('48213');
    expect(chainProp('audit-chain-broken-at-seq')).toBeUndefined();

    const observations = result.observations;
    expect(observations).toHaveLength(3);
    expect(observations[1]['relevant-evidence']?.map((evidence) => evidence.href)).toEqual([
      '/v1/compliance/results/0195a1b2-0000-7000-8000-0000000000f1/evidence',
      '/v1/compliance/results/0195a1b2-0000-7000-8000-0000000000f2/evidence',
    ]);
    expect(observations[0]['relevant-evidence']).toBeUndefined();
    expect(observations[1].description).toContain('a pass rate of 70.0%');
    expect(observations[1].description).toContain('failed 1468800');

    // The failing intervals point at their control's observation; the one after the waiver at its risk.
    const [remediated, stillFailing] = result.findings;
    expect(remediated['related-observations']).toEqual([{ 'observation-uuid': observations[1].uuid }]);
    expect(remediated['related-risks']).toBeUndefined();
    const [risk] = result.risks;
    expect(stillFailing['related-risks']).toEqual([{ 'risk-uuid': risk.uuid }]);
    expect(risk.status).toBe('closed'); // it expired within the period
    expect(risk.deadline).toBe('2026-03-16T00:00:00.000Z');
  });

  it('says when the audit chain is broken, and still validates', () => {
    const broken: PeriodReportModel = {
      ...REPORT,
      auditChain: {
        isIntact: false,
        checkedCount: 1_204,
        brokenAtSeq: 1_205,
        brokenEventId: '0195a1b2-0000-7000-8000-0000000000d1',
        reason: 'hash mismatch\n(stored payload changed)',
        rehashedFromSeq: 1,
        checkpointVerifiedAt: null,
      },
    };
    const document = toOscalAssessmentResults(broken, ABOUT);
    expect(errorsOf(document)).toBe('');
    const props = resultOf(document).props;
    expect(Object.fromEntries(props.map((prop) => [prop.name, prop.value]))).toMatchObject({
      'audit-chain-intact': 'false',
      'audit-chain-broken-at-seq': '1205',
      'audit-chain-reason': 'hash mismatch (stored payload changed)',
    });
  });

  it('gives the same document for the same report, and UUIDs unique within it', () => {
    const first = toOscalAssessmentResults(REPORT, ABOUT);
    expect(toOscalAssessmentResults(structuredClone(REPORT), { ...ABOUT })).toEqual(first);

    const uuids: string[] = [];
    JSON.stringify(first, (key, value: unknown) => {
      if (key === 'uuid') uuids.push(value as string);
      return value;
    });
    expect(uuids.length).toBeGreaterThan(5);
    expect(new Set(uuids).size).toBe(uuids.length);

    const later = toOscalAssessmentResults({ ...REPORT, generatedAt: at('2026-04-02T06:00:00.000Z') }, ABOUT);
    expect(parsed(later)['assessment-results'].uuid).not.toBe(parsed(first)['assessment-results'].uuid);
  });
});
