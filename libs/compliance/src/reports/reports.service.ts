import { Injectable } from '@nestjs/common';
import { EnvironmentsService, ServicesService } from '@opsplane/catalog';
import {
  Actor,
  AuditLogService,
  assertObserved,
  assertValid,
  Clock,
  FieldError,
  KeysetOrder,
  latestObserved,
  observedRange,
  Page,
  paginate,
  toPage,
  Transactions,
} from '@opsplane/core';
import { ControlSubjectType } from '../controls/control-language';
import { ControlMode, ControlSeverity, FrameworkMapping } from '../controls/control.entity';
import { mappingsWithTitles } from '../controls/controls.service';
import {
  FAILING_INTERVALS_SHOWN,
  FailingIntervalModel,
  FrameworkSummaryModel,
  ListFailingIntervalsArgs,
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
import { OutcomeIntervalEntity } from '../posture/outcome-interval.entity';
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
}

/** What a period's tallies need of an interval: instants as epoch milliseconds (cheap to read). */
interface IntervalRow {
  subjectId: string;
  controlId: string;
  outcome: ResultOutcome;
  startedAt: number;
  endedAt: number | null;
  nextOutcome: ResultOutcome | null;
}

interface FailingIntervalRow {
  subjectId: string;
  subjectType: ControlSubjectType;
  controlId: string;
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
    const all = await this.postureRows(asOf);
    const versions = await this.versionsOf(all);
    const rows = framework
      ? all.filter((row) => versions(row).frameworks.some((mapping) => mapping.framework === framework))
      : all;
    const subjects = await this.subjectsOf(rows);
    const byControl = new Map<string, PostureRow[]>();
    for (const row of rows) {
      const entries = byControl.get(row.controlId);
      if (entries) entries.push(row);
      else byControl.set(row.controlId, [row]);
    }
    const controls: PostureControlModel[] = [...byControl.values()]
      .map((entries) => ({
        control: reportControl(versions(entries[0])),
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
   * Over [from, to) (periodOf), every number over every interval; failing intervals listed up to
   * FAILING_INTERVALS_SHOWN per control, or all of them for an export that must carry them all.
   */
  async period(
    reader: Actor,
    args: PeriodReportArgs,
    { allFailingIntervals = false } = {},
  ): Promise<PeriodReportModel> {
    const generatedAt = this.clock.now();
    const { from, to } = this.periodOf(reader, args, generatedAt);
    const framework = args.framework ?? null;
    const end = Math.min(to.getTime(), generatedAt.getTime());
    const controls = await this.controlsOf(framework);
    const ids = controls.map((control) => control.id);
    // Every control: no filter to test on each of the intervals.
    const controlIds = framework ? ids : null;
    const [intervals, failing, ran, waivers] = await Promise.all([
      this.intervalsOverlapping(controlIds, from, to),
      this.failingIntervals(
        { controlIds, from, to, end },
        allFailingIntervals ? null : FAILING_INTERVALS_SHOWN,
      ),
      this.controlsThatRan(ids, from, to),
      this.waiversInForce(ids, from, to),
    ]);
    const slices = slicesOf(from.getTime(), end);
    const perControl = new Map(
      controls.map((control) => [
        control.id,
        {
          seconds: { ...NO_COUNTS },
          series: slices.map(() => ({ passed: 0, rated: 0 })),
          atEnd: [] as ResultOutcome[],
          subjects: new Set<string>(),
          failingCount: 0,
          failing: [] as FailingIntervalModel[],
          remediated: [] as number[],
        },
      ]),
    );
    const overall = slices.map(() => ({ passed: 0, rated: 0 }));
    for (const interval of intervals) {
      const tally = perControl.get(interval.controlId)!;
      const start = Math.max(interval.startedAt, from.getTime());
      const stop = Math.min(interval.endedAt ?? end, end);
      tally.subjects.add(interval.subjectId);
      if (stop > start) {
        tally.seconds[interval.outcome] += (stop - start) / 1000;
        addToSlices(slices, start, stop, interval.outcome, [tally.series, overall]);
      }
      const endedInPeriod = interval.endedAt !== null && interval.endedAt < end;
      if (!endedInPeriod && interval.startedAt < end) tally.atEnd.push(interval.outcome);
      if (interval.outcome !== 'failed') continue;
      tally.failingCount++;
      if (endedInPeriod && interval.endedAt! >= from.getTime() && interval.nextOutcome === 'passed')
        tally.remediated.push((interval.endedAt! - interval.startedAt) / 1000);
    }
    for (const interval of failing) perControl.get(interval.controlId)!.failing.push(interval);

    const periodControls: PeriodControlModel[] = controls.map((row) => {
      const tally = perControl.get(row.id)!;
      const seconds = roundSeconds(tally.seconds);
      return {
        control: reportControl(row),
        ran: ran.has(row.id),
        passRate: rateOf(seconds),
        seconds: toCountsModel(seconds),
        subjectCount: tally.subjects.size,
        failingIntervalCount: tally.failingCount,
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
   * result shown is the interval's latest when it was evaluated by then, and otherwise the one that
   * began it; the interval keeps what is shown of both, so this reads the intervals alone (a probe
   * per pair into 26 M results was most of a cold request's time). By subject, which grouping by
   * control in memory keeps.
   */
  private postureRows(asOf: Date): Promise<PostureRow[]> {
    return this.transactions.manager().query(
      `SELECT i.subject_id AS "subjectId", i.subject_type AS "subjectType", i.control_id AS "controlId",
              i.outcome, i.started_at AS since,
              CASE WHEN latest THEN i.last_result_id ELSE i.first_result_id END AS "resultId",
              CASE WHEN latest THEN i.last_evaluated_at ELSE i.started_at END AS "evaluatedAt",
              CASE WHEN latest THEN i.last_control_version ELSE i.first_control_version END AS "controlVersion",
              CASE WHEN latest THEN i.last_evidence_sha256 ELSE i.first_evidence_sha256 END AS "evidenceSha256"
         FROM compliance_outcome_intervals AS i, LATERAL (SELECT i.last_evaluated_at <= $1 AS latest) AS shown
        WHERE i.started_at <= $1 AND (i.ended_at IS NULL OR i.ended_at > $1)
        ORDER BY i.subject_id, i.control_id`,
      [asOf],
    );
  }

  /**
   * The control of each row as the version its result ran defined it: the few versions the rows
   * name, read once (joined per row, they were a tenth of the report's time).
   */
  private async versionsOf(rows: PostureRow[]): Promise<(row: PostureRow) => Omit<ControlRow, 'createdAt'>> {
    const keys = [...new Set(rows.map((row) => `${row.controlId}:${row.controlVersion}`))];
    const found: (Omit<ControlRow, 'createdAt'> & { version: number })[] = await this.transactions
      .manager()
      .query(
        `SELECT c.id, c.slug, v.version, v.title, v.severity, v.mode, v.frameworks
           FROM unnest($1::uuid[], $2::int[]) AS k(control_id, version)
           JOIN compliance_control_versions AS v USING (control_id, version)
           JOIN compliance_controls AS c ON c.id = k.control_id`,
        [keys.map((key) => key.split(':')[0]), keys.map((key) => Number(key.split(':')[1]))],
      );
    const byKey = new Map(found.map((version) => [`${version.id}:${version.version}`, version]));
    return (row) => byKey.get(`${row.controlId}:${row.controlVersion}`)!;
  }

  /** Every failing interval of the period (as the period report bounds it), newest first. */
  async listFailingIntervals(
    reader: Actor,
    args: ListFailingIntervalsArgs,
  ): Promise<Page<FailingIntervalModel>> {
    const generatedAt = this.clock.now();
    const { from, to } = this.periodOf(reader, args, generatedAt);
    const end = Math.min(to.getTime(), generatedAt.getTime());
    const query = this.failingIntervalsQuery({
      controlIds: args.controlId ? [args.controlId] : null,
      subjectId: args.subjectId,
      from,
      to,
      end,
    });
    const order: KeysetOrder = {
      sortColumn: 'i.started_at',
      sortType: 'date',
      idColumn: 'i.first_result_id',
      direction: 'DESC',
    };
    const rows = await paginate(query, args, order).getRawMany<FailingIntervalRow>();
    const subjects = await this.subjectsOf(rows);
    return toPage(
      rows,
      args,
      order,
      (row) => ({ sort: row.startedAt, id: row.firstResultId }),
      (row) => toFailingInterval(row, subjects, end),
    );
  }

  /**
   * [from, to) of a period: by default the last 30 days, or the reader's whole observation window
   * (up to now); a period reaching outside the window is narrowed to it.
   */
  private periodOf(
    reader: Actor,
    args: { from?: Date; to?: Date },
    generatedAt: Date,
  ): { from: Date; to: Date } {
    const window = reader.observationWindow;
    const requestedTo = args.to ?? (window && window.to < generatedAt ? window.to : generatedAt);
    const requestedFrom = args.from ?? window?.from ?? new Date(requestedTo.getTime() - 30 * DAY);
    const problems = notInFuture('to', requestedTo, generatedAt);
    if (requestedFrom.getTime() >= requestedTo.getTime())
      problems.push({ path: 'from', message: 'must be before to' });
    assertValid(problems);
    const observed = observedRange(reader, requestedFrom, requestedTo);
    return { from: observed.from!, to: observed.to! };
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
   * Instants as epoch milliseconds (whole: every instant stored came from a Date): a year's 134 k
   * intervals read in half the time they take as timestamps.
   */
  private intervalsOverlapping(controlIds: string[] | null, from: Date, to: Date): Promise<IntervalRow[]> {
    return this.transactions.manager().query(
      `SELECT i.subject_id AS "subjectId", i.control_id AS "controlId", i.outcome,
              round(date_part('epoch', i.started_at) * 1000) AS "startedAt",
              round(date_part('epoch', i.ended_at) * 1000) AS "endedAt",
              lead(i.outcome) OVER (PARTITION BY i.subject_id, i.control_id ORDER BY i.started_at) AS "nextOutcome"
         FROM compliance_outcome_intervals AS i
        WHERE ($1::uuid[] IS NULL OR i.control_id = ANY($1)) AND i.started_at < $3
          AND (i.ended_at IS NULL OR i.ended_at > $2)
        ORDER BY i.subject_id, i.control_id, i.started_at`,
      [controlIds, from, to],
    );
  }

  /** The latest `perControl` failing intervals of each control in the period (all when null). */
  private async failingIntervals(
    period: FailingPeriod,
    perControl: number | null,
  ): Promise<FailingIntervalModel[]> {
    const ranked = this.failingIntervalsQuery(period).addSelect(
      'row_number() OVER (PARTITION BY i.control_id ORDER BY i.started_at DESC, i.first_result_id DESC)',
      'position',
    );
    const [sql, parameters]: [string, unknown[]] = ranked.getQueryAndParameters();
    const limit = `$${parameters.length + 1}::int`;
    const rows: FailingIntervalRow[] = await this.transactions.manager().query(
      `SELECT * FROM (${sql}) AS failing WHERE ${limit} IS NULL OR position <= ${limit}
        ORDER BY "controlId", position`,
      [...parameters, perControl],
    );
    const subjects = await this.subjectsOf(rows);
    return rows.map((row) => toFailingInterval(row, subjects, period.end));
  }

  /**
   * Failing intervals overlapping the period, each with the outcome that ended it: the interval
   * that began when it ended (one index probe each; intervals of a pair abut).
   */
  private failingIntervalsQuery({ controlIds, subjectId, from, to }: FailingPeriod) {
    const query = this.transactions
      .manager()
      .getRepository(OutcomeIntervalEntity)
      .createQueryBuilder('i')
      .select('i.subject_id', 'subjectId')
      .addSelect('i.subject_type', 'subjectType')
      .addSelect('i.control_id', 'controlId')
      .addSelect('i.started_at', 'startedAt')
      .addSelect('i.ended_at', 'endedAt')
      .addSelect('i.first_result_id', 'firstResultId')
      .addSelect(
        `(SELECT next.outcome FROM compliance_outcome_intervals AS next
           WHERE next.subject_id = i.subject_id AND next.control_id = i.control_id
             AND next.started_at = i.ended_at)`,
        'nextOutcome',
      )
      .where(`i.outcome = 'failed'`)
      .andWhere('i.started_at < :to AND (i.ended_at IS NULL OR i.ended_at > :from)', { from, to });
    if (controlIds) query.andWhere('i.control_id = ANY(:controlIds)', { controlIds });
    if (subjectId) query.andWhere('i.subject_id = :subjectId', { subjectId });
    return query;
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

interface FailingPeriod {
  controlIds: string[] | null;
  subjectId?: string;
  from: Date;
  to: Date;
  /** The period's end, or now when it reaches past now (epoch ms). */
  end: number;
}

/** Ended within the period: by what; ending after it (or not yet), it is still failing at its end. */
function toFailingInterval(
  row: FailingIntervalRow,
  subjects: (type: ControlSubjectType, id: string) => ReportSubjectModel,
  end: number,
): FailingIntervalModel {
  const endedInPeriod = row.endedAt !== null && row.endedAt.getTime() < end;
  return {
    controlId: row.controlId,
    subject: subjects(row.subjectType, row.subjectId),
    from: row.startedAt,
    to: endedInPeriod ? row.endedAt : null,
    endedBy: endedInPeriod ? row.nextOutcome : null,
    firstResultId: row.firstResultId,
  };
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
