import { stringify } from 'csv-stringify/sync';
import { PeriodReportModel, PostureReportModel } from '../dto/report.dto';

/**
 * CSV exports, one row per thing an auditor ticks off: RFC 4180 quoting, a header row, and cells
 * that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) prefixed with a quote,
 * since control titles and waiver reasons are user input.
 */
const OPTIONS = { header: true, escape_formulas: true, record_delimiter: 'windows' } as const;

/** One row per (control, subject): its outcome as of the instant and the result that says so. */
export function postureCsv(report: PostureReportModel): string {
  return stringify(
    report.controls.flatMap(({ control, subjects }) =>
      subjects.map((entry) => ({
        as_of: report.asOf.toISOString(),
        control: control.slug,
        title: control.title,
        severity: control.severity,
        mode: control.mode,
        frameworks: frameworksOf(control.frameworks),
        subject_type: entry.subject.type,
        subject: entry.subject.slug ?? entry.subject.id,
        outcome: entry.outcome,
        since: entry.since.toISOString(),
        evaluated_at: entry.evaluatedAt.toISOString(),
        result_id: entry.resultId,
        control_version: entry.controlVersion,
        evidence_sha256: entry.evidenceSha256,
        audit_chain_intact: report.auditChain.isIntact,
      })),
    ),
    { ...OPTIONS, columns: POSTURE_COLUMNS },
  );
}

/** One row per control over the period. */
export function periodCsv(report: PeriodReportModel): string {
  return stringify(
    report.controls.map((entry) => ({
      from: report.from.toISOString(),
      to: report.to.toISOString(),
      control: entry.control.slug,
      title: entry.control.title,
      severity: entry.control.severity,
      mode: entry.control.mode,
      frameworks: frameworksOf(entry.control.frameworks),
      ran: entry.ran,
      pass_rate: entry.passRate === null ? '' : entry.passRate.toFixed(4),
      subjects: entry.subjectCount,
      passed_seconds: entry.seconds.passed,
      failed_seconds: entry.seconds.failed,
      waived_seconds: entry.seconds.waived,
      error_seconds: entry.seconds.error,
      failing_intervals: entry.failingIntervalCount,
      remediated: entry.timeToRemediate.count,
      median_seconds_to_remediate: entry.timeToRemediate.medianSeconds ?? '',
      max_seconds_to_remediate: entry.timeToRemediate.maxSeconds ?? '',
      waivers: entry.waivers.length,
      audit_chain_intact: report.auditChain.isIntact,
    })),
    { ...OPTIONS, columns: PERIOD_COLUMNS },
  );
}

const POSTURE_COLUMNS = [
  'as_of',
  'control',
  'title',
  'severity',
  'mode',
  'frameworks',
  'subject_type',
  'subject',
  'outcome',
  'since',
  'evaluated_at',
  'result_id',
  'control_version',
  'evidence_sha256',
  'audit_chain_intact',
];

const PERIOD_COLUMNS = [
  'from',
  'to',
  'control',
  'title',
  'severity',
  'mode',
  'frameworks',
  'ran',
  'pass_rate',
  'subjects',
  'passed_seconds',
  'failed_seconds',
  'waived_seconds',
  'error_seconds',
  'failing_intervals',
  'remediated',
  'median_seconds_to_remediate',
  'max_seconds_to_remediate',
  'waivers',
  'audit_chain_intact',
];

/** `soc2:CC6.1 iso27001:A.8.24`: framework and requirement, space-separated. */
function frameworksOf(mappings: { framework: string; requirement: string }[]): string {
  return mappings.map((mapping) => `${mapping.framework}:${mapping.requirement}`).join(' ');
}
