import { v5 as uuidv5 } from 'uuid';
import { WaiverModel } from '../dto/waiver.dto';
import {
  FailingIntervalModel,
  PeriodControlModel,
  PeriodReportModel,
  ReportControlModel,
  ReportGapModel,
} from '../dto/report.dto';

/**
 * OSCAL assessment results (https://pages.nist.gov/OSCAL/, model 1.0.6, JSON) from a period report, for auditors'
 * tools. Pure: the same report and `about` always give the same document, byte for byte once serialised.
 *
 * Mapping:
 * - one result covering the period (start/end = from/to), reviewing every control of the report;
 * - one observation per control: what its results showed over the period;
 * - one finding per failing interval (control × subject) and one per gap (a control that never ran), both
 *   "not-satisfied". Controls that passed throughout get no finding: as in NIST's own example, findings record
 *   what needs attention, and the observation already says they passed;
 * - one risk per waiver in force in the period: an approved deviation, linked from the findings it covers;
 * - the audit chain verification as props of the result.
 */

/** Fixed namespace of every UUID this export derives. Never change it: it would renumber every document. */
export const OPSPLANE_OSCAL_NAMESPACE = '2e9a2a57-60fb-4456-bfad-048519dd7b6d';

/** Namespace of Opsplane's own prop names (OSCAL's are used bare). */
export const OPSPLANE_OSCAL_NS = 'https://opsplane.dev/ns/oscal';

export const OSCAL_VERSION = '1.0.6';

type Json = Record<string, unknown>;

export function toOscalAssessmentResults(
  report: PeriodReportModel,
  about: { title: string; publisher: string; version: string },
): Record<string, unknown> {
  const from = iso(report.from);
  const to = iso(report.to);
  // Every other UUID of the document is derived from this one, so two documents never share an observation,
  // finding or risk UUID, while re-exporting the same report gives the same ones.
  const documentUuid = uuidv5(
    `document:${from}:${to}:${report.framework ?? 'all'}:${iso(report.generatedAt)}`,
    OPSPLANE_OSCAL_NAMESPACE,
  );
  const uuidOf = (name: string) => uuidv5(name, documentUuid);
  // The publisher is the same party in every document, so its UUID is not scoped to one.
  const partyUuid = uuidv5(`party:${about.publisher}`, OPSPLANE_OSCAL_NAMESPACE);

  // A gap's control is normally among report.controls (with ran false); cover it even if it is not.
  const controls = new Map<string, ReportControlModel>();
  for (const { control } of [...report.controls, ...report.gaps]) controls.set(control.id, control);
  const periodOf = new Map(report.controls.map((entry) => [entry.control.id, entry]));
  const observationUuid = (control: ReportControlModel) => uuidOf(`observation:${control.id}`);

  const risks = report.controls.flatMap((entry) =>
    entry.waivers.map((waiver) => toRisk(entry, waiver, report.to, uuidOf, observationUuid(entry.control))),
  );
  const riskUuidsFor = (control: ReportControlModel, interval: FailingIntervalModel) =>
    (periodOf.get(control.id)?.waivers ?? [])
      .filter((waiver) => waiver.subjectId === interval.subject.id)
      .map((waiver) => uuidOf(`risk:${waiver.id}`));

  const observations = [...controls.values()].map((control) =>
    toObservation(control, periodOf.get(control.id), observationUuid(control), to),
  );
  const findings = [
    ...report.controls.flatMap((entry) =>
      entry.failingIntervals.map((interval) =>
        toIntervalFinding(entry.control, interval, {
          uuid: uuidOf(`finding:${entry.control.id}:${interval.subject.id}:${iso(interval.from)}`),
          observationUuid: observationUuid(entry.control),
          riskUuids: riskUuidsFor(entry.control, interval),
        }),
      ),
    ),
    ...report.gaps.map((gap) =>
      toGapFinding(gap, uuidOf(`gap:${gap.control.id}`), observationUuid(gap.control), from, to),
    ),
  ];

  const result: Json = {
    uuid: uuidOf('result'),
    title: `Compliance from ${from} to ${to}`,
    description: resultDescription(report),
    start: from,
    end: to,
    props: [
      prop('framework', report.framework),
      prop('pass-rate', report.passRate === null ? null : String(report.passRate)),
      prop('audit-chain-intact', String(report.auditChain.isIntact)),
      prop('audit-chain-checked-count', String(report.auditChain.checkedCount)),
      prop('audit-chain-broken-at-seq', report.auditChain.brokenAtSeq?.toString()),
      prop('audit-chain-broken-event-id', report.auditChain.brokenEventId),
      prop('audit-chain-reason', report.auditChain.reason),
      prop('audit-chain-rehashed-from-seq', String(report.auditChain.rehashedFromSeq)),
      prop('audit-chain-checkpoint-verified-at', report.auditChain.checkpointVerifiedAt?.toISOString()),
    ].filter(isDefined),
    'reviewed-controls': {
      'control-selections': [
        controls.size > 0
          ? {
              'include-controls': [...controls.values()].map((control) => ({ 'control-id': token(control) })),
            }
          : { description: 'No control was in scope of the report.' },
      ],
    },
    ...nonEmpty('observations', observations),
    ...nonEmpty('risks', risks),
    ...nonEmpty('findings', findings),
    remarks:
      'There is no separate assessment plan: the plan is Opsplane’s controls-as-code library (each control’s ' +
      'CEL check, scope and framework mappings, at /v1/compliance/controls), evaluated continuously.',
  };

  return {
    'assessment-results': {
      uuid: documentUuid,
      metadata: {
        title: about.title,
        'last-modified': iso(report.generatedAt),
        version: oneLine(about.version),
        'oscal-version': OSCAL_VERSION,
        roles: [{ id: 'prepared-by', title: 'Prepared By' }],
        parties: [{ uuid: partyUuid, type: 'organization', name: oneLine(about.publisher) }],
        'responsible-parties': [{ 'role-id': 'prepared-by', 'party-uuids': [partyUuid] }],
      },
      // Required by the schema; the library of controls stands in for the plan (see the result's remarks).
      'import-ap': {
        href: '/v1/compliance/controls',
        remarks:
          'Not an OSCAL assessment plan: the controls-as-code library the results were evaluated against.',
      },
      results: [result],
    },
  };
}

function toObservation(
  control: ReportControlModel,
  period: PeriodControlModel | undefined,
  uuid: string,
  collected: string,
): Json {
  return {
    uuid,
    title: `${control.slug}: ${control.title}`,
    description: period ? observationDescription(period) : 'No result of it was stored in the period.',
    props: [
      prop('control-id', control.id),
      prop('control-slug', control.slug),
      prop('severity', control.severity),
      prop('mode', control.mode),
      ...(period
        ? [
            prop('pass-rate', period.passRate === null ? null : String(period.passRate)),
            prop('subject-count', String(period.subjectCount)),
          ]
        : []),
      // class carries the framework, value the requirement's id in it (CC6.1, A.8.24, 3.10).
      ...control.frameworks.map((mapping) =>
        prop('framework-requirement', mapping.requirement, {
          class: mapping.framework,
          remarks: mapping.title,
        }),
      ),
    ].filter(isDefined),
    links: [{ href: `/v1/compliance/controls/${control.slug}`, rel: 'reference', text: control.title }],
    // An automated check of each subject's state: a test, of whether the control objective is met.
    methods: ['TEST'],
    types: ['control-objective'],
    ...nonEmpty(
      'relevant-evidence',
      (period?.failingIntervals ?? []).map((interval) => ({
        href: `/v1/compliance/results/${interval.firstResultId}/evidence`,
        description: `Evidence of the result that began the failure on ${subjectName(interval)}.`,
      })),
    ),
    collected,
  };
}

function observationDescription(period: PeriodControlModel): string {
  if (!period.ran) return 'No result of it was stored in the period.';
  const { seconds, timeToRemediate: remediated } = period;
  const rate = period.passRate === null ? 'no pass rate' : `a pass rate of ${percent(period.passRate)}`;
  const lines = [
    `Evaluated on ${period.subjectCount} subject(s) with ${rate} over the period.`,
    `Seconds in each outcome, summed over subjects: passed ${seconds.passed}, failed ${seconds.failed}, ` +
      `waived ${seconds.waived}, error ${seconds.error}, not applicable ${seconds.notApplicable}.`,
    `Failing intervals: ${period.failingIntervalCount}.`,
  ];
  if (remediated.count > 0)
    lines.push(
      `Remediated within the period: ${remediated.count} (mean ${remediated.meanSeconds} s, median ` +
        `${remediated.medianSeconds} s, max ${remediated.maxSeconds} s).`,
    );
  return lines.join(' ');
}

function toIntervalFinding(
  control: ReportControlModel,
  interval: FailingIntervalModel,
  refs: { uuid: string; observationUuid: string; riskUuids: string[] },
): Json {
  const { subject } = interval;
  const ended =
    interval.to === null
      ? 'and still failed at the end of the period'
      : `until ${iso(interval.to)}, when a ${interval.endedBy ?? 'non-failing'} result ended it`;
  return {
    uuid: refs.uuid,
    title: `${control.slug} failing on ${subject.slug ?? subject.id}`,
    description: `${control.title}: failed on ${subjectName(interval)} from ${iso(interval.from)} ${ended}.`,
    props: [
      prop('subject-type', subject.type),
      prop('subject-id', subject.id),
      prop('subject-slug', subject.slug),
      prop('failing-from', iso(interval.from)),
      prop('failing-to', interval.to && iso(interval.to)),
      prop('ended-by', interval.endedBy),
      prop('first-result-id', interval.firstResultId),
    ].filter(isDefined),
    target: {
      type: 'objective-id',
      'target-id': token(control),
      // Not satisfied for this stretch even if a pass ended it: the finding is about the interval.
      status: { state: 'not-satisfied', reason: 'fail' },
    },
    'related-observations': [{ 'observation-uuid': refs.observationUuid }],
    ...nonEmpty(
      'related-risks',
      refs.riskUuids.map((uuid) => ({ 'risk-uuid': uuid })),
    ),
  };
}

function toGapFinding(
  gap: ReportGapModel,
  uuid: string,
  observationUuid: string,
  from: string,
  to: string,
): Json {
  return {
    uuid,
    title: `${gap.control.slug} never ran`,
    description: gap.description,
    target: {
      type: 'objective-id',
      'target-id': token(gap.control),
      // Unknown is not satisfied: a control that should have run and did not is a gap in the evidence.
      status: { state: 'not-satisfied', reason: 'other' },
    },
    'related-observations': [{ 'observation-uuid': observationUuid }],
    remarks:
      `The control never ran between ${from} and ${to}: no result of it was stored, so there is no evidence ` +
      'that it was satisfied.',
  };
}

/** A waiver is an approved deviation: the failure is known and accepted, until it expires or is revoked. */
function toRisk(
  entry: PeriodControlModel,
  waiver: WaiverModel,
  periodEnd: Date,
  uuidOf: (name: string) => string,
  observationUuid: string,
): Json {
  const subject =
    entry.failingIntervals.find((interval) => interval.subject.id === waiver.subjectId)?.subject.slug ??
    waiver.subjectId;
  // As of the end of the period, not now, so that the document does not depend on when it is made.
  const ended = (waiver.revokedAt !== null && waiver.revokedAt <= periodEnd) || waiver.expiresAt <= periodEnd;
  return {
    uuid: uuidOf(`risk:${waiver.id}`),
    title: `Waiver of ${entry.control.slug} on ${waiver.subjectType} ${subject}`,
    description: waiver.reason,
    statement:
      `Failures of ${entry.control.slug} (${entry.control.title}) on ${waiver.subjectType} ${subject} report ` +
      `as waived until ${iso(waiver.expiresAt)}, approved by ${waiver.approvedBy}.`,
    props: [
      prop('waiver-id', waiver.id),
      prop('subject-type', waiver.subjectType),
      prop('subject-id', waiver.subjectId),
      prop('approved-by', waiver.approvedBy),
      prop('requested-by', waiver.requestedBy),
      prop('created-at', iso(waiver.createdAt)),
      prop('revoked-at', waiver.revokedAt && iso(waiver.revokedAt)),
    ].filter(isDefined),
    status: ended ? 'closed' : 'deviation-approved',
    deadline: iso(waiver.expiresAt),
    'related-observations': [{ 'observation-uuid': observationUuid }],
    ...(waiver.revokedReason ? { remarks: `Revoked: ${waiver.revokedReason}` } : {}),
  };
}

function resultDescription(report: PeriodReportModel): string {
  const chain = report.auditChain;
  const audit = chain.isIntact
    ? `The audit chain verified intact over ${chain.checkedCount} event(s).`
    : `The audit chain is broken at event ${chain.brokenAtSeq ?? '?'} after ${chain.checkedCount} verified ` +
      `event(s)${chain.reason ? `: ${chain.reason}` : ''}.`;
  const rate = report.passRate === null ? 'no pass rate' : `a pass rate of ${percent(report.passRate)}`;
  return (
    `Results of ${report.controls.length} control(s) over the period, ${report.framework ?? 'all frameworks'}, ` +
    `from stored results, with ${rate}; ${report.gaps.length} gap(s). ${audit}`
  );
}

/**
 * An OSCAL token (an XML NCName) for the control: its slug, which is one unless it begins with a digit (slugs
 * may, NCNames may not); then it is prefixed with '_', which no slug holds, so the mapping stays one-to-one.
 */
function token(control: ReportControlModel): string {
  return /^[a-z]/.test(control.slug) ? control.slug : `_${control.slug}`;
}

/**
 * An Opsplane prop; undefined when there is no value. Prop values must be non-blank, with no leading, trailing
 * or line-breaking whitespace.
 */
function prop(name: string, value: string | null | undefined, extra: Json = {}): Json | undefined {
  const text = value == null ? '' : oneLine(value);
  return text === '' ? undefined : { name, ns: OPSPLANE_OSCAL_NS, value: text, ...extra };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** OSCAL arrays have at least one item: an empty one is left out. */
function nonEmpty(key: string, items: unknown[]): Json {
  return items.length > 0 ? { [key]: items } : {};
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

function subjectName({ subject }: FailingIntervalModel): string {
  return `${subject.type} ${subject.slug ?? subject.id}`;
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

/** OSCAL date-times need a timezone; toISOString always gives UTC ('Z'). */
function iso(date: Date): string {
  return date.toISOString();
}
