import type { PeriodControlModel, PeriodReportModel, ReportControlModel } from '../dto/report.dto';
import type { WaiverModel } from '../dto/waiver.dto';
import { renderPeriodReportHtml } from './html-report';

const day = (n: number) => new Date(Date.UTC(2026, 2, 1 + n));
const FROM = day(0);
const TO = day(7);

/** Seven daily slices; the fourth evaluated nothing. */
const series = (rates: (number | null)[]) =>
  rates.map((passRate, i) => ({ from: day(i), to: day(i + 1), passRate }));

const noSeconds = { passed: 0, failed: 0, waived: 0, error: 0, notApplicable: 0 };
const noRemediation = { count: 0, meanSeconds: null, medianSeconds: null, maxSeconds: null };

function control(slug: string, title: string, extra: Partial<ReportControlModel> = {}): ReportControlModel {
  return {
    id: `00000000-0000-4000-8000-${String(slug.length).padStart(12, '0')}`,
    slug,
    title,
    severity: 'high',
    mode: 'enforce',
    frameworks: [{ framework: 'soc2', requirement: 'CC6.1', title: 'Logical access security' }],
    ...extra,
  };
}

const tls = control('tls-min-version', 'TLS 1.2 or newer on every endpoint');
const xss = control('backup-retention', 'Backups kept 35 days <script>alert(1)</script>', {
  severity: 'medium',
});
const drill = control('dr-drill', 'Disaster recovery drill run', { severity: 'low', mode: 'report' });

const waiver: WaiverModel = {
  id: '11111111-1111-4111-8111-111111111111',
  controlId: tls.id,
  subjectType: 'service',
  subjectId: '22222222-2222-4222-8222-222222222222',
  reason: 'Legacy <b>payments</b> endpoint, decommissioned on 2026-04-01',
  requestedBy: 'actor-1',
  approvedBy: "Dana O'Brien & Co",
  expiresAt: day(30),
  revokedAt: null,
  revokedReason: null,
  active: true,
  version: 1,
  createdAt: day(-2),
};

const controls: PeriodControlModel[] = [
  {
    control: tls,
    ran: true,
    passRate: 0.97345,
    seconds: { ...noSeconds, passed: 1_177_000, failed: 32_000 },
    subjectCount: 4,
    failingIntervalCount: 2,
    failingIntervals: [
      {
        controlId: tls.id,
        subject: { type: 'service', id: '22222222-2222-4222-8222-222222222222', slug: 'payments-api' },
        from: new Date('2026-02-27T10:00:00Z'),
        to: new Date('2026-03-02T11:30:00Z'),
        endedBy: 'passed',
        firstResultId: '33333333-3333-4333-8333-333333333333',
      },
      {
        controlId: tls.id,
        subject: { type: 'service', id: '44444444-4444-4444-8444-444444444444', slug: null },
        from: new Date('2026-03-06T08:00:00Z'),
        to: null,
        endedBy: null,
        firstResultId: '55555555-5555-4555-8555-555555555555',
      },
    ],
    timeToRemediate: { count: 1, meanSeconds: 5_400, medianSeconds: 5_400, maxSeconds: 5_400 },
    waivers: [waiver],
    series: series([1, 0.9, 0.95, null, 1, 1, 0.98]),
  },
  {
    control: xss,
    ran: true,
    passRate: 1,
    seconds: { ...noSeconds, passed: 604_800 },
    subjectCount: 2,
    failingIntervalCount: 0,
    failingIntervals: [],
    timeToRemediate: noRemediation,
    waivers: [],
    series: series([1, 1, 1, null, 1, 1, 1]),
  },
  {
    control: drill,
    ran: false,
    passRate: null,
    seconds: noSeconds,
    subjectCount: 0,
    failingIntervalCount: 0,
    failingIntervals: [],
    timeToRemediate: noRemediation,
    waivers: [],
    series: series([null, null, null, null, null, null, null]),
  },
];

function report(overrides: Partial<PeriodReportModel> = {}): PeriodReportModel {
  return {
    from: FROM,
    to: TO,
    generatedAt: new Date('2026-03-08T09:15:00Z'),
    framework: null,
    auditChain: {
      isIntact: true,
      checkedCount: 1234,
      brokenAtSeq: null,
      brokenEventId: null,
      reason: null,
      rehashedFromSeq: 1,
      checkpointVerifiedAt: null,
    },
    passRate: 0.9812,
    series: series([0.99, 0.95, 0.97, null, 1, 0.98, 0.985]),
    frameworks: [
      {
        framework: 'soc2',
        name: 'SOC 2 — Trust Services Criteria',
        counts: { passed: 5, failed: 1, waived: 0, error: 0, notApplicable: 0 },
        passRate: 5 / 6,
        requirements: [
          {
            requirement: 'CC6.1',
            controls: ['tls-min-version', 'backup-retention'],
            counts: { passed: 5, failed: 1, waived: 0, error: 0, notApplicable: 0 },
            passRate: 5 / 6,
          },
          {
            requirement: 'A1.2',
            controls: ['dr-drill'],
            counts: { passed: 0, failed: 0, waived: 0, error: 0, notApplicable: 0 },
            passRate: null,
          },
        ],
      },
    ],
    controls,
    gaps: [{ control: drill, description: 'No result of it was stored in the period.' }],
    ...overrides,
  };
}

const render = (overrides?: Partial<PeriodReportModel>) =>
  renderPeriodReportHtml(report(overrides), { title: 'Q1 <SOC 2> evidence' });

/** The first match of the pattern's first group; fails the test when nothing matches. */
function pick(html: string, pattern: RegExp): string {
  const match = pattern.exec(html);
  if (!match) throw new Error(`no match for ${pattern}`);
  return match[1];
}

/** The markup of the element that opens with the given attribute, up to its closing tag. */
function element(html: string, tag: string, attribute: string): string {
  return pick(html, new RegExp(`(<${tag}[^>]*${attribute}[\\s\\S]*?</${tag}>)`));
}

const field = (markup: string, name: string) =>
  pick(markup, new RegExp(`data-field="${name}"[^>]*>([^<]*)<`)).trim();

describe('renderPeriodReportHtml', () => {
  const html = render();

  it('is one HTML5 document that references nothing outside itself', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    const csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${csp}">`);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\s(src|href|srcset|action|xlink:href|poster|data)\s*=/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/url\(|@import|@font-face/i);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed|base|audio|video|form)\b/i);
    expect(html).toContain('@media print');
  });

  it('shows the period, the framework scope and the overall pass rate', () => {
    expect(pick(html, /<time datetime="([^"]+)" data-meta="from">/)).toBe('2026-03-01T00:00:00.000Z');
    expect(pick(html, /<time datetime="([^"]+)" data-meta="to">/)).toBe('2026-03-08T00:00:00.000Z');
    expect(pick(html, /data-meta="generated-at">([^<]+)</)).toBe('2026-03-08T09:15:00.000Z');
    expect(pick(html, /data-meta="framework"[^>]*>([^<]+)</)).toBe('all frameworks');
    expect(pick(html, /data-metric="pass-rate">([^<]+)</)).toBe('98.1%');
    expect(pick(html, /data-metric="control-count">([^<]+)</)).toBe('3');
    expect(pick(html, /data-metric="gap-count">([^<]+)</)).toBe('1');
    expect(pick(html, /data-metric="failing-interval-count">([^<]+)</)).toBe('2');
    expect(pick(html, /data-metric="waiver-count">([^<]+)</)).toBe('1');
  });

  it('names the framework in scope when there is one', () => {
    const scoped = render({ framework: 'soc2' });
    expect(pick(scoped, /data-meta="framework" data-value="soc2">([^<]+)</)).toBe(
      'SOC 2 — Trust Services Criteria',
    );
  });

  it('draws the pass rate as an inline SVG with a gap, not a zero, for the null slice', () => {
    const chart = element(html, 'svg', 'data-chart="pass-rate"');
    expect(chart).toMatch(/<path class="line" d="M[\d.,L]+"/);
    // Three slices, a null one, three more: two runs of line, not one dipping to 0 %.
    expect(chart.match(/<path class="line"/g)).toHaveLength(2);
    expect(chart.match(/<rect class="nodata"/g)).toHaveLength(1);
    const slices = [...chart.matchAll(/data-slice-from="([^"]+)"[^>]*data-pass-rate="([^"]+)"/g)];
    expect(slices.map(([, from, rate]) => [from, rate])).toEqual([
      ['2026-03-01T00:00:00.000Z', '99.0%'],
      ['2026-03-02T00:00:00.000Z', '95.0%'],
      ['2026-03-03T00:00:00.000Z', '97.0%'],
      ['2026-03-04T00:00:00.000Z', '—'],
      ['2026-03-05T00:00:00.000Z', '100.0%'],
      ['2026-03-06T00:00:00.000Z', '98.0%'],
      ['2026-03-07T00:00:00.000Z', '98.5%'],
    ]);
    for (const label of ['0%', '50%', '100%', '2026-03-01', '2026-03-08'])
      expect(chart).toContain(`>${label}</text>`);
  });

  it('tabulates each framework requirement with its pass rate', () => {
    const soc2 = element(html, 'section', 'data-framework="soc2"');
    expect(field(soc2, 'pass-rate')).toBe('83.3%');
    const cc61 = element(soc2, 'tr', 'data-requirement="CC6.1"');
    expect(field(cc61, 'pass-rate')).toBe('83.3%');
    expect(field(cc61, 'failed')).toBe('1');
    expect(field(element(soc2, 'tr', 'data-requirement="A1.2"'), 'pass-rate')).toBe('—');
  });

  it('gives each control a row with its numbers and a sparkline', () => {
    const tlsRow = element(html, 'tr', 'data-control="tls-min-version"');
    expect(field(tlsRow, 'pass-rate')).toBe('97.3%');
    expect(field(tlsRow, 'subjects')).toBe('4');
    expect(field(tlsRow, 'failing-intervals')).toBe('2');
    expect(field(tlsRow, 'waivers')).toBe('1');
    expect(field(tlsRow, 'median-time-to-remediate')).toBe('1h 30m');
    expect(tlsRow).toContain('data-seconds="5400"');
    expect(tlsRow).toMatch(
      /<svg class="chart spark" data-chart="control-pass-rate"[\s\S]*<path class="line"/,
    );

    const drillRow = element(html, 'tr', 'data-control="dr-drill"');
    expect(field(drillRow, 'pass-rate')).toBe('—');
    expect(field(drillRow, 'failing-intervals')).toBe('0');
    expect(field(drillRow, 'median-time-to-remediate')).toBe('—');
    expect(drillRow).not.toContain('class="line"');
  });

  it('escapes every string of the report', () => {
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('Backups kept 35 days &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<title>Q1 &lt;SOC 2&gt; evidence</title>');
    expect(html).toContain('Legacy &lt;b&gt;payments&lt;/b&gt; endpoint');
    expect(html).toContain('Dana O&#39;Brien &amp; Co');
    expect(html).not.toContain('<b>');
  });

  it('lists the gaps as findings', () => {
    expect(pick(html, /<li data-gap="([^"]+)"/)).toBe('dr-drill');
    expect(html.match(/data-gap=/g)).toHaveLength(1);
    expect(element(html, 'li', 'data-gap="dr-drill"')).toContain('No result of it was stored in the period.');
  });

  it('lists failing intervals with their evidence path, as text', () => {
    const section = element(html, 'section', 'data-failing-intervals="tls-min-version"');
    const ended = element(section, 'tr', 'data-result="33333333-3333-4333-8333-333333333333"');
    expect(field(ended, 'subject')).toBe('payments-api');
    expect(field(ended, 'ended-by')).toBe('passed');
    expect(ended).toContain('2026-03-02T11:30:00.000Z');
    expect(field(ended, 'evidence')).toBe(
      '/v1/compliance/results/33333333-3333-4333-8333-333333333333/evidence',
    );
    const open = element(section, 'tr', 'data-result="55555555-5555-4555-8555-555555555555"');
    expect(field(open, 'subject')).toBe('service 44444444-4444-4444-8444-444444444444 (deleted)');
    expect(open).toContain('still failing');
    expect(field(open, 'ended-by')).toBe('—');
    expect(html).not.toContain('data-failing-intervals="backup-retention"');
  });

  it('counts every failing interval and says where the ones it does not list are', () => {
    const [tlsEntry, ...rest] = controls;
    const many = render({ controls: [{ ...tlsEntry, failingIntervalCount: 40 }, ...rest] });
    expect(pick(many, /data-metric="failing-interval-count">([^<]+)</)).toBe('40');
    expect(field(element(many, 'tr', 'data-control="tls-min-version"'), 'failing-intervals')).toBe('40');
    const section = element(many, 'section', 'data-failing-intervals="tls-min-version"');
    expect(section).toContain('data-shown="2" data-count="40"');
    expect(section).toContain('The latest 2 of 40');
    expect(section).toContain(
      `/v1/compliance/reports/period/failing-intervals?from=2026-03-01T00%3A00%3A00.000Z&amp;to=`,
    );
    expect(section).toContain(`controlId=${tlsEntry.control.id}`);
    // All of them listed: nothing to point at.
    expect(element(html, 'section', 'data-failing-intervals="tls-min-version"')).not.toContain('The latest');
  });

  it('lists the waivers in force, with the subject slug when the report knows it', () => {
    const row = element(html, 'tr', `data-waiver="${waiver.id}"`);
    expect(row).toContain('data-field="control"><code>tls-min-version</code>');
    expect(field(row, 'subject')).toBe('payments-api');
    expect(field(row, 'approved-by')).toBe('Dana O&#39;Brien &amp; Co');
    expect(row).toContain('2026-03-31T00:00:00.000Z');
    expect(field(row, 'revoked')).toBe('no');
  });

  it('says plainly that an intact audit chain is intact', () => {
    const box = element(html, 'section', 'data-audit-chain=');
    expect(box).toContain('data-audit-chain="intact"');
    expect(field(box, 'checked-count')).toBe('1234');
    expect(html).not.toContain('BROKEN');
  });

  it('makes a broken audit chain impossible to miss', () => {
    const broken = render({
      auditChain: {
        isIntact: false,
        checkedCount: 41,
        brokenAtSeq: 42,
        brokenEventId: '66666666-6666-4666-8666-666666666666',
        reason: 'hash mismatch at <seq 42>',
        rehashedFromSeq: 1,
        checkpointVerifiedAt: null,
      },
    });
    expect(broken).toContain('<title>[AUDIT CHAIN BROKEN] Q1 &lt;SOC 2&gt; evidence</title>');
    const box = element(broken, 'section', 'data-audit-chain="broken"');
    expect(box).toContain('role="alert"');
    expect(box).toContain('AUDIT CHAIN BROKEN');
    expect(field(box, 'broken-at-seq')).toBe('42');
    expect(field(box, 'broken-event-id')).toBe('66666666-6666-4666-8666-666666666666');
    expect(field(box, 'reason')).toBe('hash mismatch at &lt;seq 42&gt;');
    expect(broken).not.toContain('data-audit-chain="intact"');
  });

  it('renders an empty period without failing', () => {
    const empty = render({ passRate: null, series: [], frameworks: [], controls: [], gaps: [] });
    expect(pick(empty, /data-metric="pass-rate">([^<]+)</)).toBe('—');
    expect(empty).toContain('No data');
    expect(empty).not.toMatch(/data-gap=|data-control=|data-waiver=/);
  });
});
