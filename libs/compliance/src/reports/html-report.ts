/**
 * The period report as one self-contained HTML5 document for auditors: inline CSS and inline SVG, no script
 * and no external asset (the CSP meta forbids loading anything, should a mistake ever add a reference), so it
 * reads offline for years and prints to an A4 PDF from any browser.
 *
 * Machine-readable marks, for the end-to-end test that compares what the page shows with the JSON report:
 * - <time data-meta="from|to|generated-at" datetime="<ISO>">: the period (to is exclusive) and generation.
 * - data-meta="framework" data-value="<id>", '' for all frameworks.
 * - data-audit-chain="intact|broken": the verification box; inside it data-field="checked-count" and, when
 *   broken, "broken-at-seq", "broken-event-id", "reason".
 * - data-metric="pass-rate|control-count|gap-count|failing-interval-count|waiver-count".
 * - <svg data-chart="pass-rate">: the overall chart, one <rect data-slice-from data-slice-to data-pass-rate>
 *   per slice of the series.
 * - <section data-framework="<id>"> with data-field="pass-rate"; rows <tr data-requirement="<id>"> with
 *   data-field="controls|passed|failed|waived|error|not-applicable|pass-rate".
 * - <tr data-control="<slug>">: the controls table, data-field="slug|title|severity|mode|pass-rate|subjects|
 *   failing-intervals|median-time-to-remediate|waivers" (the median in seconds in data-seconds); the row's
 *   sparkline is <svg data-chart="control-pass-rate">.
 * - <li data-gap="<slug>">: a control that never ran in the period.
 * - <section data-failing-intervals="<slug>" data-shown="<n>" data-count="<all>">: the latest n of the control's
 *   failing intervals, rows <tr data-result="<firstResultId>"> with
 *   data-field="subject|from|to|ended-by|result-id|evidence".
 * - <tr data-waiver="<id>"> with data-field="control|subject|reason|approved-by|expires|revoked".
 * Percentages are (rate * 100).toFixed(1) + '%', and '—' for null; instants are ISO 8601 in UTC.
 */
import type {
  PassRatePointModel,
  PeriodControlModel,
  PeriodReportModel,
  ReportSubjectModel,
} from '../dto/report.dto';

const NONE = '—';

// ---- Markup: every interpolated value is escaped unless it already is markup ----

/** Markup built by `markup`; anything else interpolated into `markup` is text and gets escaped. */
class Html {
  constructor(readonly text: string) {}
}

type Part = Html | string | number | null | undefined | readonly Part[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

function fragment(part: Part): string {
  if (part === null || part === undefined) return '';
  if (part instanceof Html) return part.text;
  if (typeof part === 'object') return part.map(fragment).join('');
  return escapeHtml(String(part));
}

/**
 * Titles, slugs, reasons and approver names are user input: escaping by default, rather than at each use,
 * means a forgotten call cannot inject markup. (Not named `html`: Prettier would reformat the templates.)
 */
function markup(strings: TemplateStringsArray, ...parts: Part[]): Html {
  return new Html(strings.reduce((out, text, i) => out + fragment(parts[i - 1]) + text));
}

// Constant markup, so its quotes stay literal (and greppable) rather than escaped.
const CSP = new Html("default-src 'none'; style-src 'unsafe-inline'; img-src data:");

// ---- Formatting ----

function percent(rate: number | null): string {
  return rate === null ? NONE : `${(rate * 100).toFixed(1)}%`;
}

function iso(date: Date): string {
  return date.toISOString();
}

const UNITS: [string, number][] = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
];

/** The largest unit and the next one ("1d 4h", "12m"): enough to judge, short enough for a table cell. */
function duration(seconds: number | null): string {
  if (seconds === null) return NONE;
  const first = UNITS.findIndex(([, size]) => seconds >= size);
  if (first === -1) return '0s';
  const [unit, size] = UNITS[first];
  const parts = [`${Math.floor(seconds / size)}${unit}`];
  const next = UNITS[first + 1];
  const rest = next ? Math.floor((seconds % size) / next[1]) : 0;
  if (rest > 0) parts.push(`${rest}${next[0]}`);
  return parts.join(' ');
}

function time(date: Date, meta?: string): Html {
  return markup`<time datetime="${iso(date)}"${meta ? markup` data-meta="${meta}"` : ''}>${iso(date)}</time>`;
}

function evidencePath(resultId: string): string {
  return `/v1/compliance/results/${resultId}/evidence`;
}

/** Where the API lists all of a control's failing intervals in the report's period. */
function failingIntervalsPath(report: PeriodReportModel, entry: PeriodControlModel): string {
  const query = new URLSearchParams({
    from: report.from.toISOString(),
    to: report.to.toISOString(),
    controlId: entry.control.id,
  });
  return `/v1/compliance/reports/period/failing-intervals?${query.toString()}`;
}

function subjectName(subject: ReportSubjectModel): string {
  return subject.slug ?? `${subject.type} ${subject.id} (deleted)`;
}

// ---- SVG charts ----

interface Plot {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Maps instants of the period and rates 0..1 into the plot area of an SVG. */
function scale(from: Date, to: Date, plot: Plot) {
  const start = from.getTime();
  const span = Math.max(1, to.getTime() - start);
  const inner = plot.width - plot.left - plot.right;
  const bottom = plot.height - plot.bottom;
  const x = (ms: number) => plot.left + (Math.min(Math.max(ms - start, 0), span) / span) * inner;
  const y = (rate: number) => plot.top + (1 - rate) * (bottom - plot.top);
  return { x, y, top: plot.top, bottom, start, span };
}

type Scale = ReturnType<typeof scale>;

const coord = (n: number) => n.toFixed(1);

/**
 * The series as runs of consecutive slices with a rate, each point at the middle of its slice. A null slice
 * (nothing evaluated) ends a run, so it reads as a gap in the line, never as a drop to zero.
 */
function runsOf(series: PassRatePointModel[]): { ms: number; rate: number }[][] {
  const runs: { ms: number; rate: number }[][] = [[]];
  for (const { from, to, passRate } of series) {
    if (passRate === null) runs.push([]);
    else runs[runs.length - 1].push({ ms: (from.getTime() + to.getTime()) / 2, rate: passRate });
  }
  return runs.filter((run) => run.length > 0);
}

function lines(series: PassRatePointModel[], s: Scale, withArea: boolean, dot: number): Html[] {
  return runsOf(series).map((run) => {
    // A lone slice between gaps has no line to draw: a dot keeps it visible.
    if (run.length === 1) {
      const [{ ms, rate }] = run;
      return markup`<circle class="dot" cx="${coord(s.x(ms))}" cy="${coord(s.y(rate))}" r="${dot}"/>`;
    }
    const line = 'M' + run.map(({ ms, rate }) => `${coord(s.x(ms))},${coord(s.y(rate))}`).join('L');
    const first = coord(s.x(run[0].ms));
    const last = coord(s.x(run[run.length - 1].ms));
    const area = `${line}L${last},${coord(s.bottom)}L${first},${coord(s.bottom)}Z`;
    const fill = withArea ? markup`<path class="area" d="${area}"/>` : '';
    return markup`${fill}<path class="line" d="${line}"/>`;
  });
}

/** Where a slice sits in the plot; never thinner than half a unit, so it stays visible. */
function band(point: PassRatePointModel, s: Scale): { x: string; width: string; height: string } {
  const x = s.x(point.from.getTime());
  const width = Math.max(0.5, s.x(point.to.getTime()) - x);
  return { x: coord(x), width: coord(width), height: coord(s.bottom - s.top) };
}

/** Shaded bands where a slice has no rate, so the gap in the line is explained rather than hidden. */
function noDataBands(series: PassRatePointModel[], s: Scale): Html[] {
  return series
    .filter((point) => point.passRate === null)
    .map((point) => {
      const { x, width, height } = band(point, s);
      return markup`<rect class="nodata" x="${x}" y="${s.top}" width="${width}" height="${height}"/>`;
    });
}

function tickLabel(ms: number, span: number): string {
  const text = new Date(ms).toISOString();
  // Dates alone over days; the time of day matters only when the whole period is shorter than that.
  return span >= 3 * 86_400_000 ? text.slice(0, 10) : `${text.slice(0, 10)} ${text.slice(11, 16)}`;
}

function passRateChart(series: PassRatePointModel[], from: Date, to: Date): Html {
  const plot: Plot = { width: 720, height: 240, left: 44, right: 16, top: 10, bottom: 28 };
  const s = scale(from, to, plot);
  const right = plot.width - plot.right;
  const grid = [0, 0.5, 1].map((rate) => {
    const y = coord(s.y(rate));
    return markup`<line class="grid" x1="${plot.left}" x2="${right}" y1="${y}" y2="${y}"/>
      <text x="${plot.left - 6}" y="${coord(s.y(rate) + 4)}" text-anchor="end">${rate * 100}%</text>`;
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((share, i, all) => {
    const ms = s.start + share * s.span;
    const x = coord(s.x(ms));
    const anchor = i === 0 ? 'start' : i === all.length - 1 ? 'end' : 'middle';
    return markup`<line class="grid" x1="${x}" x2="${x}" y1="${coord(s.bottom)}" y2="${coord(s.bottom + 4)}"/>
      <text x="${x}" y="${plot.height - 8}" text-anchor="${anchor}">${tickLabel(ms, s.span)}</text>`;
  });
  // One transparent band per slice carries its numbers and a hover title: readable without any script.
  const slices = series.map((point) => {
    const { x, width, height } = band(point, s);
    const rate = percent(point.passRate);
    const what = point.passRate === null ? 'nothing evaluated' : rate;
    const label = `${iso(point.from)} – ${iso(point.to)}: ${what}`;
    return markup`<rect class="slice" x="${x}" y="${s.top}" width="${width}" height="${height}"
      data-slice-from="${iso(point.from)}" data-slice-to="${iso(point.to)}" data-pass-rate="${rate}"
      ><title>${label}</title></rect>`;
  });
  const empty =
    series.length === 0
      ? markup`<text x="${plot.width / 2}" y="${plot.height / 2}" text-anchor="middle">No data</text>`
      : '';
  return markup`<svg class="chart" data-chart="pass-rate" viewBox="0 0 ${plot.width} ${plot.height}"
    role="img" aria-label="Pass rate over the period, 0 to 100 %">
    <title>Pass rate over the period</title>
    ${noDataBands(series, s)}
    ${grid}
    ${ticks}
    ${lines(series, s, true, 3)}
    ${slices}
    ${empty}
  </svg>`;
}

function sparkline(control: PeriodControlModel, from: Date, to: Date): Html {
  if (control.series.length === 0) return markup`${NONE}`;
  const plot: Plot = { width: 80, height: 20, left: 1, right: 1, top: 2, bottom: 2 };
  const s = scale(from, to, plot);
  const y = coord(s.bottom);
  const base = markup`<line class="grid" x1="0" x2="${plot.width}" y1="${y}" y2="${y}"/>`;
  return markup`<svg class="chart spark" data-chart="control-pass-rate"
    viewBox="0 0 ${plot.width} ${plot.height}" width="${plot.width}" height="${plot.height}" role="img"
    aria-label="Pass rate of ${control.control.slug} over the period"
    >${base}${noDataBands(control.series, s)}${lines(control.series, s, false, 1.5)}</svg>`;
}

// ---- Sections ----

function header(report: PeriodReportModel, title: string): Html {
  const framework = report.frameworks.find((entry) => entry.framework === report.framework);
  const frameworkText = report.framework === null ? 'all frameworks' : (framework?.name ?? report.framework);
  return markup`<header>
    <h1>${title}</h1>
    <dl class="meta">
      <dt>Period</dt>
      <dd>${time(report.from, 'from')} – ${time(report.to, 'to')} <small>(end exclusive)</small></dd>
      <dt>Generated at</dt>
      <dd>${time(report.generatedAt, 'generated-at')}</dd>
      <dt>Framework</dt>
      <dd><span data-meta="framework" data-value="${report.framework ?? ''}">${frameworkText}</span></dd>
    </dl>
  </header>`;
}

function auditChain(report: PeriodReportModel): Html {
  const chain = report.auditChain;
  if (chain.isIntact) {
    return markup`<section class="chain keep" data-audit-chain="intact">
      <strong>Audit chain intact.</strong> Each of the
      <span data-field="checked-count">${chain.checkedCount}</span> audit events matches its hash and links to
      the one before it${
        chain.checkpointVerifiedAt
          ? markup`: events before ${chain.rehashedFromSeq} were rehashed in full at
            ${time(chain.checkpointVerifiedAt, 'checkpoint-verified-at')}, the rest as this report was made.`
          : '.'
      }
    </section>`;
  }
  // A broken chain means the history behind this report may have been altered: it must stop the reader.
  return markup`<section class="chain broken keep" data-audit-chain="broken" role="alert">
    <p class="headline">⚠ AUDIT CHAIN BROKEN — the history behind this report cannot be trusted</p>
    <dl class="meta">
      <dt>Broken at sequence</dt>
      <dd data-field="broken-at-seq">${chain.brokenAtSeq ?? NONE}</dd>
      <dt>Event</dt>
      <dd><code data-field="broken-event-id">${chain.brokenEventId ?? NONE}</code></dd>
      <dt>Reason</dt>
      <dd data-field="reason">${chain.reason ?? NONE}</dd>
      <dt>Events verified before the break</dt>
      <dd data-field="checked-count">${chain.checkedCount}</dd>
    </dl>
  </section>`;
}

function summary(report: PeriodReportModel): Html {
  const intervals = report.controls.reduce((sum, entry) => sum + entry.failingIntervalCount, 0);
  const waivers = report.controls.reduce((sum, entry) => sum + entry.waivers.length, 0);
  return markup`<section class="keep">
    <h2>Overall pass rate</h2>
    <p><span class="big" data-metric="pass-rate">${percent(report.passRate)}</span>
      of the time, over every control and subject.</p>
    <p>Controls: <strong data-metric="control-count">${report.controls.length}</strong> ·
      Gaps: <strong data-metric="gap-count">${report.gaps.length}</strong> ·
      Failing intervals: <strong data-metric="failing-interval-count">${intervals}</strong> ·
      Waivers: <strong data-metric="waiver-count">${waivers}</strong></p>
    <figure>
      ${passRateChart(report.series, report.from, report.to)}
      <figcaption>Pass rate per slice of the period. Shaded: nothing was evaluated in the slice.</figcaption>
    </figure>
  </section>`;
}

function frameworks(report: PeriodReportModel): Html {
  const sections = report.frameworks.map(
    (framework) => markup`<section data-framework="${framework.framework}">
      <h3>${framework.name}: <span data-field="pass-rate">${percent(framework.passRate)}</span></h3>
      <table>
        <thead><tr><th>Requirement</th><th>Controls</th><th class="num">Passed</th><th class="num">Failed</th>
          <th class="num">Waived</th><th class="num">Error</th><th class="num">N/A</th>
          <th class="num">Pass rate</th></tr></thead>
        <tbody>${framework.requirements.map(
          (entry) => markup`<tr data-requirement="${entry.requirement}">
            <td>${entry.requirement}</td>
            <td data-field="controls">${entry.controls.join(', ')}</td>
            <td class="num" data-field="passed">${entry.counts.passed}</td>
            <td class="num" data-field="failed">${entry.counts.failed}</td>
            <td class="num" data-field="waived">${entry.counts.waived}</td>
            <td class="num" data-field="error">${entry.counts.error}</td>
            <td class="num" data-field="not-applicable">${entry.counts.notApplicable}</td>
            <td class="num" data-field="pass-rate">${percent(entry.passRate)}</td>
          </tr>`,
        )}</tbody>
      </table>
    </section>`,
  );
  return markup`<section>
    <h2>Frameworks</h2>
    <p class="note">Counts are of (control, subject) pairs by their outcome at the end of the period.</p>
    ${sections.length > 0 ? sections : markup`<p>No framework requirement is served by the controls.</p>`}
  </section>`;
}

function controls(report: PeriodReportModel): Html {
  const rows = report.controls.map((entry) => {
    const median = entry.timeToRemediate.medianSeconds;
    return markup`<tr data-control="${entry.control.slug}">
      <td data-field="slug"><code>${entry.control.slug}</code></td>
      <td data-field="title">${entry.control.title}</td>
      <td data-field="severity" class="sev-${entry.control.severity}">${entry.control.severity}</td>
      <td data-field="mode">${entry.control.mode}</td>
      <td class="num" data-field="pass-rate">${percent(entry.passRate)}</td>
      <td>${sparkline(entry, report.from, report.to)}</td>
      <td class="num" data-field="subjects">${entry.subjectCount}</td>
      <td class="num" data-field="failing-intervals">${entry.failingIntervalCount}</td>
      <td class="num" data-field="median-time-to-remediate" data-seconds="${median ?? ''}"
        >${duration(median)}</td>
      <td class="num" data-field="waivers">${entry.waivers.length}</td>
    </tr>`;
  });
  return markup`<section>
    <h2>Controls</h2>
    <table>
      <thead><tr><th>Slug</th><th>Title</th><th>Severity</th><th>Mode</th><th class="num">Pass rate</th>
        <th>Trend</th><th class="num">Subjects</th><th class="num">Failing intervals</th>
        <th class="num">Median time to remediate</th><th class="num">Waivers</th></tr></thead>
      <tbody>${rows}</tbody>
    </table>
  </section>`;
}

function gaps(report: PeriodReportModel): Html {
  const items = report.gaps.map(
    ({ control, description }) => markup`<li data-gap="${control.slug}"><code>${control.slug}</code>:
      ${control.title} (<span class="sev-${control.severity}">${control.severity}</span>).
      ${description}</li>`,
  );
  const body =
    items.length > 0
      ? markup`<p class="finding">Findings: these controls never ran, so nothing shows they held.</p>
        <ul>${items}</ul>`
      : markup`<p>None: every control in scope ran in the period.</p>`;
  return markup`<section>
    <h2>Gaps</h2>
    ${body}
  </section>`;
}

function failingIntervals(report: PeriodReportModel): Html {
  const sections = report.controls
    .filter((entry) => entry.failingIntervals.length > 0)
    .map(
      (entry) => markup`<section data-failing-intervals="${entry.control.slug}"
          data-shown="${entry.failingIntervals.length}" data-count="${entry.failingIntervalCount}">
        <h3><code>${entry.control.slug}</code>: ${entry.control.title}</h3>
        ${
          entry.failingIntervals.length < entry.failingIntervalCount
            ? markup`<p class="note">The latest ${entry.failingIntervals.length} of ${entry.failingIntervalCount};
                every one: <code>${failingIntervalsPath(report, entry)}</code>.</p>`
            : ''
        }
        <table>
          <thead><tr><th>Subject</th><th>From</th><th>To</th><th>Ended by</th>
            <th>First failing result and its evidence</th></tr></thead>
          <tbody>${entry.failingIntervals.map(
            (interval) => markup`<tr data-result="${interval.firstResultId}">
              <td data-field="subject">${subjectName(interval.subject)}</td>
              <td data-field="from">${time(interval.from)}</td>
              <td data-field="to">${
                interval.to === null
                  ? markup`<strong class="finding">still failing</strong>`
                  : time(interval.to)
              }</td>
              <td data-field="ended-by">${interval.endedBy ?? NONE}</td>
              <td class="ids"><code data-field="result-id">${interval.firstResultId}</code><br>
                <code data-field="evidence">${evidencePath(interval.firstResultId)}</code></td>
            </tr>`,
          )}</tbody>
        </table>
      </section>`,
    );
  const body =
    sections.length > 0
      ? markup`<p class="note">A failure may have begun before the period. Evidence paths are on the API.</p>
        ${sections}`
      : markup`<p>No control failed on any subject in the period.</p>`;
  return markup`<section>
    <h2>Failing intervals</h2>
    ${body}
  </section>`;
}

function waivers(report: PeriodReportModel): Html {
  // A waiver names its subject by id only; the failing intervals of the report know most of their slugs.
  const subjects = new Map(
    report.controls.flatMap((entry) => entry.failingIntervals.map(({ subject }) => [subject.id, subject])),
  );
  const rows = report.controls.flatMap((entry) =>
    entry.waivers.map((waiver) => {
      const known = subjects.get(waiver.subjectId);
      const subject = known ? subjectName(known) : `${waiver.subjectType} ${waiver.subjectId}`;
      const revoked =
        waiver.revokedAt === null ? 'no' : markup`${time(waiver.revokedAt)}: ${waiver.revokedReason ?? ''}`;
      return markup`<tr data-waiver="${waiver.id}">
        <td data-field="control"><code>${entry.control.slug}</code></td>
        <td data-field="subject">${subject}</td>
        <td data-field="reason">${waiver.reason}</td>
        <td data-field="approved-by">${waiver.approvedBy}</td>
        <td data-field="expires">${time(waiver.expiresAt)}</td>
        <td data-field="revoked">${revoked}</td>
      </tr>`;
    }),
  );
  const body =
    rows.length > 0
      ? markup`<table>
        <thead><tr><th>Control</th><th>Subject</th><th>Reason</th><th>Approved by</th><th>Expires</th>
          <th>Revoked</th></tr></thead>
        <tbody>${rows}</tbody>
      </table>`
      : markup`<p>No waiver was in force in the period.</p>`;
  return markup`<section>
    <h2>Waivers in force during the period</h2>
    ${body}
  </section>`;
}

// Screen first, then print: white page, no breaks inside rows or small blocks, A4 margins, and colours kept
// (a red broken-chain box must stay red on paper).
const STYLE = new Html(`
  :root { color-scheme: light; }
  body { margin: 0; background: #f3f4f6; color: #1b1f24;
    font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; }
  main { max-width: 1000px; margin: 0 auto; padding: 24px 32px; background: #fff; }
  h1 { font-size: 22px; margin: 0 0 6px; }
  h2 { font-size: 17px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #d0d4da; }
  h3 { font-size: 15px; margin: 18px 0 6px; }
  dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0; }
  dt { color: #57606a; }
  dd { margin: 0; }
  table { width: 100%; border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; }
  th, td { padding: 4px 6px; border: 1px solid #d0d4da; text-align: left; vertical-align: top; }
  th { background: #eef0f3; }
  .num { text-align: right; font-variant-numeric: tabular-nums; }
  td.num { white-space: nowrap; }
  code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: break-word; }
  /* Ids and paths may break anywhere, so they never push a table past an A4 page. */
  .ids code, td[data-field='title'] { overflow-wrap: anywhere; }
  .note { color: #57606a; }
  .finding { color: #b71c1c; }
  .big { font-size: 32px; font-weight: 700; margin-right: 6px; }
  .chain { margin: 16px 0; padding: 10px 14px; border: 2px solid #2e7d32; border-radius: 4px;
    background: #edf7ee; }
  .chain.broken { border: 5px solid #b71c1c; background: #fdecea; color: #7f0000; }
  .chain .headline { margin: 0 0 8px; font-size: 20px; font-weight: 800; }
  .sev-critical, .sev-high { color: #b71c1c; font-weight: 600; }
  figure { margin: 8px 0; }
  figcaption { color: #57606a; font-size: 12px; }
  svg.chart { display: block; width: 100%; height: auto; }
  svg.spark { display: inline-block; width: 80px; }
  svg text { font: 11px system-ui, sans-serif; fill: #57606a; }
  .chart .grid { stroke: #d0d4da; stroke-width: 1; }
  .chart .line { fill: none; stroke: #1565c0; stroke-width: 2; stroke-linejoin: round; }
  .chart.spark .line { stroke-width: 1.5; }
  .chart .area { fill: #1565c0; fill-opacity: 0.15; }
  .chart .dot { fill: #1565c0; }
  .chart .nodata { fill: #9e9e9e; fill-opacity: 0.25; }
  .chart .slice { fill: transparent; }
  @page { size: A4; margin: 14mm; }
  @media print {
    body { background: #fff; font-size: 10pt; }
    main { max-width: none; padding: 0; }
    table { font-size: 8.5pt; }
    th, td { padding: 3px 4px; }
    code { font-size: 8pt; }
    thead { display: table-header-group; }
    tr, li, figure, .keep { break-inside: avoid; page-break-inside: avoid; }
    h2, h3 { break-after: avoid; page-break-after: avoid; }
    * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  }
`);

/** The period report as a self-contained HTML5 document; `about.title` heads it. */
export function renderPeriodReportHtml(report: PeriodReportModel, about: { title: string }): string {
  const pageTitle = report.auditChain.isIntact ? about.title : `[AUDIT CHAIN BROKEN] ${about.title}`;
  return markup`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${pageTitle}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${header(report, about.title)}
${auditChain(report)}
${summary(report)}
${frameworks(report)}
${controls(report)}
${gaps(report)}
${failingIntervals(report)}
${waivers(report)}
<footer class="note">
  <p>Generated by Opsplane from stored results at ${iso(report.generatedAt)}. The evidence of a result is
  served at GET ${evidencePath('<id>')}.</p>
</footer>
</main>
</body>
</html>
`.text;
}
