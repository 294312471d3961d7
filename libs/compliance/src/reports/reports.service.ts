import { Injectable } from '@nestjs/common';
import { EnvironmentsService, ServicesService } from '@opsplane/catalog';
import {
  Actor,
  AuditLogService,
  assertObserved,
  assertValid,
  Clock,
  FieldError,
  latestObserved,
  observedRange,
  Transactions,
} from '@opsplane/core';
import { ControlSubjectType } from '../controls/control-language';
import { ControlMode, ControlSeverity, FrameworkMapping } from '../controls/control.entity';
import { mappingsWithTitles } from '../controls/controls.service';
import {
  FailingIntervalModel,
  FrameworkSummaryModel,
  PassRatePointModel,
  PeriodControlModel,
  PeriodReportArgs,
  PeriodReportModel,
  PostureControlModel,
  PostureEntryModel,
  PostureReportArgs,
  PostureReportModel,
  RemediationTimesModel,
  ReportControlModel,
  ReportSubjectModel,
} from '../dto/report.dto';
import { FRAMEWORK_IDS, FRAMEWORKS, FrameworkId } from '../frameworks/frameworks';
import { OutcomeCounts, ResultOutcome } from '../scans/scan.entity';
import { toCountsModel } from '../scans/scans.service';
import { WaiverEntity } from '../waivers/waiver.entity';
import { toWaiverModel } from '../waivers/waivers.service';

const DAY = 86_400_000;
/** A period report's pass-rate chart has at most this many slices (daily up to 60 days, then wider). */
const MAX_SLICES = 60;
const NO_COUNTS: OutcomeCounts = { passed: 0, failed: 0, waived: 0, error: 0, not_applicable: 0 };
/** The outcomes a pass rate is taken over: not_applicable says nothing about compliance. */
const RATED: readonly ResultOutcome[] = ['passed', 'failed', 'waived', 'error'];

interface ControlRow {
  id: string;
  slug: string;
  title: string;
  severity: ControlSeverity;
  mode: ControlMode;
  frameworks: FrameworkMapping[];
  createdAt: Date;
}

interface PostureRow extends Omit<PostureEntryModel, 'subject'> {
  subjectId: string;
  subjectType: ControlSubjectType;
  controlId: string;
  control: ControlRow;
}

interface IntervalRow {
  subjectId: string;
  subjectType: ControlSubjectType;
  controlId: string;
  outcome: ResultOutcome;
  startedAt: Date;
  endedAt: Date | null;
  firstResultId: string;
  nextOutcome: ResultOutcome | null;
}

type Seconds = Record<ResultOutcome, number>;

/**
 * Reports for auditors, read from stored history only: posture as of an instant replays the
 * latest result at or before it of every (control, subject); a period report sums the outcome
 * intervals that overlap the period. Nothing is recomputed from today's facts, and every report
 * carries the audit chain's verification, made as it is generated.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly auditLog: AuditLogService,
    private readonly environments: EnvironmentsService,
    private readonly services: ServicesService,
    private readonly clock: Clock,
  ) {}

  /** As of `asOf` (now, or the end of the reader's observation window), which must lie in that window. */
  async posture(reader: Actor, args: PostureReportArgs): Promise<PostureReportModel> {
    const generatedAt = this.clock.now();
    const asOf = args.asOf ?? latestObserved(reader, generatedAt);
    assertValid(notInFuture('asOf', asOf, generatedAt));
    assertObserved(reader, asOf, 'asOf');
    const framework = args.framework ?? null;
    const rows = await this.postureRows(asOf, framework);
    const subjects = await this.subjectsOf(rows);
    const byControl = new Map<string, PostureRow[]>();
    for (const row of rows) byControl.set(row.controlId, [...(byControl.get(row.controlId) ?? []), row]);
    const controls: PostureControlModel[] = [...byControl.values()]
      .map((entries) => ({
        control: reportControl(entries[0].control),
        counts: toCountsModel(countOutcomes(entries.map((entry) => entry.outcome))),
        subjects: entries.map((entry) => ({
          subject: subjects(entry.subjectType, entry.subjectId),
          outcome: entry.outcome,
          since: entry.since,
          resultId: entry.resultId,
          evaluatedAt: entry.evaluatedAt,
          controlVersion: entry.controlVersion,
          evidenceSha256: entry.evidenceSha256,
        })),
      }))
      .sort((a, b) => a.control.slug.localeCompare(b.control.slug));
    return {
      asOf,
      generatedAt,
      framework,
      auditChain: await this.auditLog.verifySinceCheckpoint(),
      counts: toCountsModel(countOutcomes(rows.map((row) => row.outcome))),
      frameworks: summarise(
        controls.map(({ control, counts }) => ({
          control,
          counts: fromCountsModel(counts),
          seconds: null,
        })),
        framework,
      ),
      controls,
    };
  }

  /**
   * Over [from, to): by default the last 30 days, or the reader's whole observation window (up to
   * now); a period reaching outside the window is narrowed to it.
   */
  async period(reader: Actor, args: PeriodReportArgs): Promise<PeriodReportModel> {
    const generatedAt = this.clock.now();
    const window = reader.observationWindow;
    const requestedTo = args.to ?? (window && window.to < generatedAt ? window.to : generatedAt);
    const requestedFrom = args.from ?? window?.from ?? new Date(requestedTo.getTime() - 30 * DAY);
    const problems = notInFuture('to', requestedTo, generatedAt);
    if (requestedFrom.getTime() >= requestedTo.getTime())
      problems.push({ path: 'from', message: 'must be before to' });
    assertValid(problems);
    const observed = observedRange(reader, requestedFrom, requestedTo);
    const from = observed.from!;
    const to = observed.to!;
    const framework = args.framework ?? null;
    const end = Math.min(to.getTime(), generatedAt.getTime());
    const controls = await this.controlsOf(framework);
    const ids = controls.map((control) => control.id);
    const [intervals, ran, waivers] = await Promise.all([
      // Every control: no filter to test on each of the intervals.
      this.intervalsOverlapping(framework ? ids : null, from, to),
      this.controlsThatRan(ids, from, to),
      this.waiversInForce(ids, from, to),
    ]);
    const subjects = await this.subjectsOf(intervals);
    const slices = slicesOf(from.getTime(), end);
    const perControl = new Map(
      controls.map((control) => [
        control.id,
        {
          seconds: { ...NO_COUNTS },
          series: slices.map(() => ({ passed: 0, rated: 0 })),
          atEnd: [] as ResultOutcome[],
          subjects: new Set<string>(),
          failing: [] as FailingIntervalModel[],
          remediated: [] as number[],
        },
      ]),
    );
    const overall = slices.map(() => ({ passed: 0, rated: 0 }));
    for (const interval of intervals) {
      const tally = perControl.get(interval.controlId)!;
      const start = Math.max(interval.startedAt.getTime(), from.getTime());
      const stop = Math.min(interval.endedAt?.getTime() ?? end, end);
      tally.subjects.add(interval.subjectId);
      if (stop > start) {
        tally.seconds[interval.outcome] += (stop - start) / 1000;
        addToSlices(slices, start, stop, interval.outcome, [tally.series, overall]);
      }
      const endedInPeriod = interval.endedAt !== null && interval.endedAt.getTime() < end;
      if (!endedInPeriod && interval.startedAt.getTime() < end) tally.atEnd.push(interval.outcome);
      if (interval.outcome !== 'failed') continue;
      tally.failing.push({
        subject: subjects(interval.subjectType, interval.subjectId),
        from: interval.startedAt,
        to: endedInPeriod ? interval.endedAt : null,
        endedBy: endedInPeriod ? interval.nextOutcome : null,
        firstResultId: interval.firstResultId,
      });
      if (endedInPeriod && interval.endedAt!.getTime() >= from.getTime() && interval.nextOutcome === 'passed')
        tally.remediated.push((interval.endedAt!.getTime() - interval.startedAt.getTime()) / 1000);
    }

    const periodControls: PeriodControlModel[] = controls.map((row) => {
      const tally = perControl.get(row.id)!;
      const seconds = roundSeconds(tally.seconds);
      return {
        control: reportControl(row),
        ran: ran.has(row.id),
        passRate: rateOf(seconds),
        seconds: toCountsModel(seconds),
        subjectCount: tally.subjects.size,
        failingIntervals: tally.failing,
        timeToRemediate: remediationTimes(tally.remediated),
        waivers: waivers
          .filter((waiver) => waiver.controlId === row.id)
          .map((w) => toWaiverModel(w, generatedAt)),
        series: toSeries(slices, tally.series),
      };
    });
    const totals = { ...NO_COUNTS };
    for (const control of periodControls)
      for (const outcome of RATED) totals[outcome] += fromCountsModel(control.seconds)[outcome];
    return {
      from,
      to,
      generatedAt,
      framework,
      auditChain: await this.auditLog.verifySinceCheckpoint(),
      passRate: rateOf(totals),
      series: toSeries(slices, overall),
      frameworks: summarise(
        periodControls.map((control) => ({
          control: control.control,
          counts: countOutcomes(perControl.get(control.control.id)!.atEnd),
          seconds: fromCountsModel(control.seconds),
        })),
        framework,
      ),
      controls: periodControls,
      gaps: controls
        .filter((row) => !ran.has(row.id) && row.mode !== 'disabled' && row.createdAt.getTime() < end)
        .map((row) => ({
          control: reportControl(row),
          description:
            `${row.slug} is ${row.mode} but no result of it was stored between ${from.toISOString()} and ` +
            `${to.toISOString()}: no scan covered it in the period.`,
        })),
    };
  }

  /**
   * The outcome of every (control, subject) as of the instant: the interval covering it. The
   * result shown is the interval's latest when the interval ended by then (or it is now), and
   * otherwise the one that began it: both stored, both at or before the instant, no look-up into
   * the results (a probe per pair into 26 M results was most of a past instant's 500 ms). The
   * control as that result's version defined it.
   */
  private postureRows(asOf: Date, framework: FrameworkId | null): Promise<PostureRow[]> {
    return this.transactions.manager().query(
      `SELECT i.subject_id AS "subjectId", i.subject_type AS "subjectType", i.control_id AS "controlId",
              i.outcome, i.started_at AS since, r.id AS "resultId", r.evaluated_at AS "evaluatedAt",
              r.control_version AS "controlVersion", r.evidence_sha256 AS "evidenceSha256",
              json_build_object('id', c.id, 'slug', c.slug, 'title', v.title, 'severity', v.severity,
                                'mode', v.mode, 'frameworks', v.frameworks) AS control
         FROM compliance_outcome_intervals AS i
         JOIN compliance_results AS r
           ON r.id = CASE WHEN i.last_evaluated_at <= $1 THEN i.last_result_id ELSE i.first_result_id END
         JOIN compliance_controls AS c ON c.id = i.control_id
         JOIN compliance_control_versions AS v ON v.control_id = r.control_id AND v.version = r.control_version
        WHERE i.started_at <= $1 AND (i.ended_at IS NULL OR i.ended_at > $1)
          AND ($2::jsonb IS NULL OR v.frameworks @> $2::jsonb)
        ORDER BY c.slug, i.subject_id`,
      [asOf, framework ? JSON.stringify([{ framework }]) : null],
    );
  }

  /** Today's controls (as now defined), narrowed to a framework. */
  private controlsOf(framework: FrameworkId | null): Promise<ControlRow[]> {
    return this.transactions.manager().query(
      `SELECT id, slug, title, severity, mode, frameworks, created_at AS "createdAt"
         FROM compliance_controls
        WHERE $1::jsonb IS NULL OR frameworks @> $1::jsonb
        ORDER BY slug`,
      [framework ? JSON.stringify([{ framework }]) : null],
    );
  }

  /**
   * Intervals that overlap the period, each with the outcome that followed it (when it did), in
   * the primary key's order (subject, control, start), which is also the window's: no sort.
   */
  private intervalsOverlapping(controlIds: string[] | null, from: Date, to: Date): Promise<IntervalRow[]> {
    return this.transactions.manager().query(
      `SELECT i.subject_id AS "subjectId", i.subject_type AS "subjectType", i.control_id AS "controlId",
              i.outcome, i.started_at AS "startedAt", i.ended_at AS "endedAt",
              i.first_result_id AS "firstResultId",
              lead(i.outcome) OVER (PARTITION BY i.subject_id, i.control_id ORDER BY i.started_at) AS "nextOutcome"
         FROM compliance_outcome_intervals AS i
        WHERE ($1::uuid[] IS NULL OR i.control_id = ANY($1)) AND i.started_at < $3
          AND (i.ended_at IS NULL OR i.ended_at > $2)
        ORDER BY i.subject_id, i.control_id, i.started_at`,
      [controlIds, from, to],
    );
  }

  /** Controls with at least one stored result in the period: one index probe per control. */
  private async controlsThatRan(controlIds: string[], from: Date, to: Date): Promise<Set<string>> {
    const rows: { id: string }[] = await this.transactions.manager().query(
      `SELECT c.id FROM unnest($1::uuid[]) AS c(id)
        WHERE EXISTS (SELECT 1 FROM compliance_results AS r
                       WHERE r.control_id = c.id AND r.evaluated_at >= $2 AND r.evaluated_at < $3)`,
      [controlIds, from, to],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** Waivers of the controls that were in force at some point of the period. */
  private waiversInForce(controlIds: string[], from: Date, to: Date): Promise<WaiverEntity[]> {
    return this.transactions
      .manager()
      .getRepository(WaiverEntity)
      .createQueryBuilder('waiver')
      .where('waiver.controlId = ANY(:controlIds)', { controlIds })
      .andWhere('waiver.createdAt < :to AND waiver.expiresAt > :from', { from, to })
      .andWhere('(waiver.revokedAt IS NULL OR waiver.revokedAt > :from)', { from })
      .orderBy('waiver.createdAt')
      .getMany();
  }

  /** Subjects as the report names them (today's slug; null when the subject is gone). */
  private async subjectsOf(
    rows: { subjectType: ControlSubjectType; subjectId: string }[],
  ): Promise<(type: ControlSubjectType, id: string) => ReportSubjectModel> {
    const idsOf = (type: ControlSubjectType) => [
      ...new Set(rows.filter((row) => row.subjectType === type).map((row) => row.subjectId)),
    ];
    const environmentIds = idsOf('environment');
    const serviceIds = idsOf('service');
    const slugs = new Map<string, string>();
    for (const found of await this.environments.findMany(environmentIds))
      if (found) slugs.set(found.id, found.slug);
    for (const found of await this.services.findMany(serviceIds)) if (found) slugs.set(found.id, found.slug);
    return (type, id) => ({ type, id, slug: slugs.get(id) ?? null });
  }
}

function notInFuture(path: string, instant: Date, now: Date): FieldError[] {
  return instant.getTime() > now.getTime()
    ? [{ path, message: `must not be in the future (now is ${now.toISOString()})` }]
    : [];
}

function reportControl(row: Omit<ControlRow, 'createdAt'>): ReportControlModel {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    severity: row.severity,
    mode: row.mode,
    frameworks: mappingsWithTitles(row.frameworks),
  };
}

function countOutcomes(outcomes: ResultOutcome[]): OutcomeCounts {
  const counts = { ...NO_COUNTS };
  for (const outcome of outcomes) counts[outcome]++;
  return counts;
}

function fromCountsModel({ notApplicable, ...rest }: ReturnType<typeof toCountsModel>): OutcomeCounts {
  return { ...rest, not_applicable: notApplicable };
}

/** Passed ÷ (passed + failed + waived + error), or null when there is nothing to rate. */
function rateOf(values: Record<ResultOutcome, number>): number | null {
  const rated = RATED.reduce((sum, outcome) => sum + values[outcome], 0);
  return rated > 0 ? values.passed / rated : null;
}

function roundSeconds(seconds: Seconds): Seconds {
  return Object.fromEntries(
    Object.entries(seconds).map(([outcome, value]) => [outcome, Math.round(value)]),
  ) as Seconds;
}

/**
 * Frameworks and their requirements over the controls mapped to them: counts of (control,
 * subject) pairs by outcome, and a pass rate over time when the report has seconds (a period),
 * otherwise over those counts (posture).
 */
function summarise(
  controls: { control: ReportControlModel; counts: OutcomeCounts; seconds: Seconds | null }[],
  only: FrameworkId | null,
): FrameworkSummaryModel[] {
  return FRAMEWORK_IDS.filter((framework) => only === null || framework === only).flatMap((framework) => {
    const requirements = new Map<string, typeof controls>();
    for (const entry of controls)
      for (const mapping of entry.control.frameworks)
        if (mapping.framework === framework)
          requirements.set(mapping.requirement, [...(requirements.get(mapping.requirement) ?? []), entry]);
    if (requirements.size === 0) return [];
    const all = [...new Set([...requirements.values()].flat())];
    return [
      {
        framework,
        name: FRAMEWORKS[framework].name,
        ...totalsOf(all),
        requirements: [...requirements]
          .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
          .map(([requirement, entries]) => ({
            requirement,
            controls: entries.map((entry) => entry.control.slug),
            ...totalsOf(entries),
          })),
      },
    ];
  });
}

function totalsOf(entries: { counts: OutcomeCounts; seconds: Seconds | null }[]) {
  const counts = { ...NO_COUNTS };
  const seconds = { ...NO_COUNTS };
  for (const entry of entries)
    for (const outcome of Object.keys(counts) as ResultOutcome[]) {
      counts[outcome] += entry.counts[outcome];
      seconds[outcome] += entry.seconds?.[outcome] ?? 0;
    }
  const timed = entries.some((entry) => entry.seconds !== null);
  return { counts: toCountsModel(counts), passRate: rateOf(timed ? seconds : counts) };
}

interface Slice {
  from: number;
  to: number;
}

/** Equal slices of [from, end): a day each up to MAX_SLICES days, wider beyond. */
function slicesOf(from: number, end: number): Slice[] {
  if (end <= from) return [];
  const count = Math.min(MAX_SLICES, Math.max(1, Math.ceil((end - from) / DAY)));
  const width = (end - from) / count;
  return Array.from({ length: count }, (_, index) => ({
    from: from + index * width,
    to: index === count - 1 ? end : from + (index + 1) * width,
  }));
}

/** Adds the overlap of [start, stop) with each slice it touches (only those) to every tally given. */
function addToSlices(
  slices: Slice[],
  start: number,
  stop: number,
  outcome: ResultOutcome,
  tallies: { passed: number; rated: number }[][],
): void {
  if (!RATED.includes(outcome) || slices.length === 0) return;
  const width = (slices[slices.length - 1].to - slices[0].from) / slices.length;
  const first = Math.max(0, Math.floor((start - slices[0].from) / width));
  for (let index = first; index < slices.length && slices[index].from < stop; index++) {
    const overlap = Math.min(stop, slices[index].to) - Math.max(start, slices[index].from);
    if (overlap <= 0) continue;
    for (const tally of tallies) {
      tally[index].rated += overlap;
      if (outcome === 'passed') tally[index].passed += overlap;
    }
  }
}

function toSeries(slices: Slice[], tally: { passed: number; rated: number }[]): PassRatePointModel[] {
  return slices.map((slice, index) => ({
    from: new Date(slice.from),
    to: new Date(slice.to),
    passRate: tally[index].rated > 0 ? tally[index].passed / tally[index].rated : null,
  }));
}

function remediationTimes(durations: number[]): RemediationTimesModel {
  if (durations.length === 0) return { count: 0, meanSeconds: null, medianSeconds: null, maxSeconds: null };
  const sorted = [...durations].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return {
    count: sorted.length,
    meanSeconds: Math.round(sorted.reduce((sum, value) => sum + value, 0) / sorted.length),
    medianSeconds: Math.round(median),
    maxSeconds: Math.round(sorted[sorted.length - 1]),
  };
}
