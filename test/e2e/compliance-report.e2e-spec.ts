import { existsSync } from 'node:fs';
import { createOpsplaneClient, OpsplaneClient, unwrap } from '@opsplane/sdk';
import { Browser, chromium } from 'playwright-core';
import { eventually } from '../support/eventually';
import { unique } from '../support/test-app';
import { ListeningServer, startListeningServer } from './support/listening-server';

/** Debian's chromium (`apt-get install chromium`); .ci/run installs it and sets REQUIRE_CHROMIUM. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.REQUIRE_CHROMIUM)
  throw new Error(`REQUIRE_CHROMIUM is set but there is no browser at ${CHROMIUM}.`);
if (!haveChromium)
  console.warn(`Skipping the HTML report test: no Chromium at ${CHROMIUM} (apt-get install chromium).`);

/**
 * An auditor's export, opened in a real headless Chromium as a person would open it: the HTML
 * report of a period loads with nothing from outside, shows the numbers the JSON report has, and
 * prints to PDF.
 */
(haveChromium ? describe : describe.skip)('the HTML compliance report in a browser', () => {
  let server: ListeningServer;
  let admin: OpsplaneClient;
  let browser: Browser;

  beforeAll(async () => {
    server = await startListeningServer('compliance-report', {
      JOBS_ENABLED: 'true',
      JOBS_POLL_INTERVAL_MS: '500',
      COMPLIANCE_SCAN_CRON: '0 0 29 2 *',
    });
    admin = createOpsplaneClient({ baseUrl: server.baseUrl, token: server.adminToken });
    // A new empty profile each launch (Playwright's); the flags keep Chromium from calling home.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the numbers of the JSON report, loads nothing external, and prints to PDF', async () => {
    const facts = (retentionDays: number) => ({ backups: { retentionDays } });
    const environment = (retentionDays: number) =>
      unwrap(
        admin.POST('/v1/environments', {
          body: {
            slug: unique('env'),
            name: 'Env',
            tier: 'production',
            rank: 0,
            facts: facts(retentionDays),
          },
        }),
      );
    await environment(35);
    await environment(7);
    const control = await unwrap(
      admin.POST('/v1/compliance/controls', {
        body: {
          slug: unique('backups'),
          title: 'Backups kept <30 days> & more',
          severity: 'high',
          subjectType: 'environment',
          frameworks: [{ framework: 'soc2', requirement: 'A1.2' }],
          expression: 'environment.facts.backups.retentionDays >= 30',
        },
      }),
    );
    const idle = await unwrap(
      admin.POST('/v1/compliance/controls', {
        body: {
          slug: unique('idle'),
          title: 'Never scanned',
          severity: 'low',
          subjectType: 'environment',
          expression: 'true',
        },
      }),
    );
    const from = new Date(Date.now() - 60_000).toISOString();
    const scan = await unwrap(admin.POST('/v1/compliance/scans', { body: { control: control.slug } }));
    await eventually(
      async () =>
        (await unwrap(admin.GET('/v1/compliance/scans/{id}', { params: { path: { id: scan.id } } })))
          .status === 'completed',
      'the scan completed',
    );
    const to = new Date(Date.now() + 1_000);
    // `to` must not be in the future when asked: wait it out on the real clock of this server.
    await eventually(() => Date.now() > to.getTime(), 'the period ended', 5_000);
    const query = { from, to: to.toISOString() };
    const json = await unwrap(admin.GET('/v1/compliance/reports/period', { params: { query } }));

    const context = await browser.newContext({
      extraHTTPHeaders: { authorization: `Bearer ${server.adminToken}` },
    });
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const url = `${server.baseUrl}/v1/compliance/reports/period/html?${new URLSearchParams(query).toString()}`;
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    // Self-contained: the page itself is the only request.
    expect(requested).toEqual([url]);

    const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
    const text = (selector: string) => page.locator(selector).first().innerText();
    expect(await text('[data-metric="pass-rate"]')).toBe(percent(json.passRate));
    expect(await text('[data-metric="gap-count"]')).toBe(String(json.gaps.length));
    expect(await page.getAttribute('[data-audit-chain]', 'data-audit-chain')).toBe(
      json.auditChain.isIntact ? 'intact' : 'broken',
    );
    for (const entry of json.controls) {
      const row = `tr[data-control="${entry.control.slug}"]`;
      expect(await text(`${row} [data-field="pass-rate"]`)).toBe(percent(entry.passRate));
      expect(await text(`${row} [data-field="failing-intervals"]`)).toBe(String(entry.failingIntervalCount));
      expect(await text(`${row} [data-field="title"]`)).toBe(entry.control.title);
    }
    expect(await page.locator(`[data-gap="${idle.slug}"]`).count()).toBe(1);
    expect(await page.locator('svg[data-chart="pass-rate"] [data-pass-rate]').count()).toBe(
      json.series.length,
    );

    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await context.close();
  });
});
