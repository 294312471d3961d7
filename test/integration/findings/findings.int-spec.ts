import { FixedClock, systemActor, Transactions } from '@opsplane/core';
import { FindingReports, Observation, ScanReport } from '@opsplane/findings';
import { DataSource } from 'typeorm';
import { eventually } from '../../support/eventually';
import { createTestApp, TestApp } from '../../support/test-app';
import { createEnvironment, createService } from '../releases/fixtures';

const DAY = 86_400_000;

interface Finding {
  id: string;
  source: string;
  dedupKey: string;
  status: string;
  severity: string;
  version: number;
  reopenCount: number;
  openedAt: string;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  slaDueAt: string | null;
  slaBreachedAt: string | null;
  overdue: boolean;
  evidence: Record<string, unknown>;
  [field: string]: unknown;
}

/**
 * Findings through what scanners call (FindingReports, as a scanning lib does) and what people
 * call (REST, GraphQL). The sweep runs through the queue (JOBS_ENABLED) and judges every finding
 * of this file's database, so the clock only moves forward here.
 */
describe('findings', () => {
  const clock = new FixedClock(new Date('2033-03-01T09:00:00.000Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(
      { JOBS_ENABLED: 'true', FINDINGS_SWEEP_CRON: '0 0 29 2 *', JOBS_POLL_INTERVAL_MS: '500' },
      { clock },
    );
  });
  afterAll(() => t.close());

  const report = (scan: Partial<ScanReport> & Pick<ScanReport, 'subjects' | 'observations'>) =>
    t.app.get(Transactions).run((manager) =>
      t.app.get(FindingReports).report(manager, systemActor('compliance', 'scan-1'), {
        source: 'compliance',
        kind: 'compliance',
        ...scan,
      }),
    );
  const seen = (
    subject: Observation['subject'],
    dedupKey: string,
    extra: Partial<Observation> = {},
  ): Observation => ({
    subject,
    dedupKey,
    title: `Control ${dedupKey} fails`,
    severity: 'high',
    evidence: { control: dedupKey, inputs: { tls: '1.0' } },
    ...extra,
  });
  const get = async (id: string) =>
    (await t.http(t.tokens.viewer).get(`/v1/findings/${id}`).expect(200)).body as Finding;
  const list = async (query: Record<string, string | number | boolean>) =>
    (await t.http(t.tokens.viewer).get('/v1/findings').query(query).expect(200)).body as {
      items: Finding[];
      nextCursor: string | null;
    };
  const move = (id: string, body: Record<string, unknown>, token = t.tokens.operator) =>
    t.http(token).post(`/v1/findings/${id}/status`).send(body);
  const auditOf = async (id: string) =>
    (
      (await t.http(t.tokens.auditor).get('/v1/audit-events').query({ targetId: id, limit: 100 }).expect(200))
        .body as { items: { action: string; reason: string | null; actorId: string }[] }
    ).items;
  const eventsOf = async (id: string) =>
    (
      await t.app
        .get(DataSource)
        .query<{ type: string }[]>(`SELECT type FROM outbox_events WHERE aggregate_id = $1 ORDER BY id`, [id])
    ).map((row) => row.type);
  const runSweep = async () => {
    const run = (await t.http(t.tokens.admin).post('/v1/job-types/findings.sweep/run').send({}).expect(201))
      .body as { id: string };
    let result: Record<string, number> = {};
    await eventually(async () => {
      const job = (await t.http(t.tokens.auditor).get(`/v1/jobs/${run.id}`).expect(200)).body as {
        status: string;
        result: Record<string, number>;
      };
      expect(job.status).not.toBe('failed');
      result = job.result;
      return job.status === 'succeeded';
    }, 'the sweep job ran');
    return result;
  };
  const environment = async () => ({ type: 'environment' as const, id: (await createEnvironment(t, 0)).id });

  it('a scan opens a finding, refreshes it without audit churn, resolves it when gone and reopens the same one', async () => {
    const production = await environment();
    const opened = await report({ subjects: [production], observations: [seen(production, 'tls-1.2')] });
    expect(opened.counts).toEqual({ opened: 1, reopened: 0, refreshed: 0, resolved: 0 });
    const [id] = opened.findingIds;
    const first = await get(id);
    expect(first).toMatchObject({
      kind: 'compliance',
      source: 'compliance',
      dedupKey: 'tls-1.2',
      subjectType: 'environment',
      subjectId: production.id,
      severity: 'high',
      status: 'open',
      firstSeenAt: clock.now().toISOString(),
      slaDueAt: new Date(clock.now().getTime() + 30 * DAY).toISOString(),
      statusChangedBy: 'system:compliance',
      reopenCount: 0,
      version: 1,
      overdue: false,
    });

    clock.advance(3_600_000);
    const refreshed = await report({
      subjects: [production],
      observations: [
        seen(production, 'tls-1.2', { evidence: { control: 'tls-1.2', inputs: { tls: '1.1' } } }),
      ],
    });
    expect(refreshed.counts).toMatchObject({ opened: 0, refreshed: 1 });
    expect(refreshed.findingIds).toEqual([id]);
    const second = await get(id);
    expect(second).toMatchObject({
      version: 1,
      firstSeenAt: first.firstSeenAt,
      lastSeenAt: clock.now().toISOString(),
    });
    expect(second.evidence).toEqual({ control: 'tls-1.2', inputs: { tls: '1.1' } });
    expect((await auditOf(id)).map((event) => event.action)).toEqual(['finding.opened']);

    clock.advance(3_600_000);
    const gone = await report({ subjects: [production], observations: [] });
    expect(gone.counts).toMatchObject({ resolved: 1 });
    expect(await get(id)).toMatchObject({
      status: 'resolved',
      resolvedAt: clock.now().toISOString(),
      version: 2,
    });

    clock.advance(DAY);
    const back = await report({ subjects: [production], observations: [seen(production, 'tls-1.2')] });
    expect(back.counts).toMatchObject({ opened: 0, reopened: 1 });
    expect(back.findingIds).toEqual([id]);
    const reopened = await get(id);
    expect(reopened).toMatchObject({
      status: 'open',
      reopenCount: 1,
      resolvedAt: null,
      firstSeenAt: first.firstSeenAt,
      openedAt: clock.now().toISOString(),
      slaDueAt: new Date(clock.now().getTime() + 30 * DAY).toISOString(),
      version: 3,
    });
    const audit = await auditOf(id);
    expect(audit.map((event) => event.action)).toEqual([
      'finding.opened',
      'finding.resolved',
      'finding.reopened',
    ]);
    expect(audit[1]).toMatchObject({ actorId: 'system:compliance', reason: 'No longer seen by compliance.' });
    expect(await eventsOf(id)).toEqual(['finding.opened', 'finding.resolved', 'finding.reopened']);
    const { items } = await list({ subjectType: 'environment', subjectId: production.id });
    expect(items.map((finding) => finding.id)).toEqual([id]);
  });

  it('keeps each source to its own findings and a partial scan to the keys it checked', async () => {
    const staging = await environment();
    await report({ subjects: [staging], observations: [seen(staging, 'hsts'), seen(staging, 'backups')] });
    const other = await report({
      source: 'endpoint-scan',
      kind: 'endpoint',
      subjects: [staging],
      observations: [seen(staging, 'hsts')],
    });
    expect(other.counts.opened).toBe(1);
    const partial = await report({ subjects: [staging], observations: [], checkedKeys: ['hsts'] });
    expect(partial.counts).toMatchObject({ resolved: 1 });
    const open = await list({ subjectId: staging.id, unresolved: true, order: 'newest_first' });
    expect(open.items.map((f) => `${f.source}/${f.dedupKey}`).sort()).toEqual([
      'compliance/backups',
      'endpoint-scan/hsts',
    ]);
  });

  it('never opens the same finding twice when two scans of a subject report at once', async () => {
    const subject = await environment();
    const outcomes = await Promise.all(
      [1, 2, 3].map(() => report({ subjects: [subject], observations: [seen(subject, 'mfa-admins')] })),
    );
    expect(outcomes.map((o) => o.counts.opened).sort()).toEqual([0, 0, 1]);
    expect(new Set(outcomes.map((o) => o.findingIds[0])).size).toBe(1);
  });

  it('lists worst first with typed filters, pages by cursor, and counts per subject', async () => {
    const service = await createService(t);
    const subject = { type: 'service' as const, id: service.id, serviceId: service.id };
    const severities = ['low', 'critical', 'info', 'high', 'critical', 'medium'] as const;
    const { findingIds } = await report({
      source: 'osv',
      kind: 'vulnerability',
      subjects: [subject],
      observations: severities.map((severity, i) => seen(subject, `GHSA-${i}`, { severity })),
    });
    const firstPage = await list({ serviceId: service.id, limit: 4 });
    expect(firstPage.items.map((f) => f.severity)).toEqual(['critical', 'critical', 'high', 'medium']);
    expect(firstPage.items.slice(0, 2).map((f) => f.id)).toEqual([findingIds[1], findingIds[4]]);
    const secondPage = await list({ serviceId: service.id, limit: 4, cursor: firstPage.nextCursor! });
    expect(secondPage.items.map((f) => f.severity)).toEqual(['low', 'info']);
    expect(secondPage.nextCursor).toBeNull();
    const reused = await t
      .http(t.tokens.viewer)
      .get('/v1/findings')
      .query({ serviceId: service.id, severity: 'low', cursor: firstPage.nextCursor! })
      .expect(400);
    expect(reused.headers['content-type']).toContain('application/problem+json');
    expect(
      (await list({ serviceId: service.id, severity: 'critical', kind: 'vulnerability' })).items,
    ).toHaveLength(2);
    expect((await list({ serviceId: service.id, kind: 'compliance' })).items).toHaveLength(0);

    await move(findingIds[0], {
      status: 'false_positive',
      reason: 'Dev dependency',
      justification: 'code_not_present',
    }).expect(200);
    const summaries = (
      await t.http(t.tokens.viewer).get('/v1/findings/summaries').query({ serviceId: service.id }).expect(200)
    ).body;
    expect(summaries).toEqual({
      items: [
        {
          subjectType: 'service',
          subjectId: service.id,
          unresolved: { critical: 2, high: 1, medium: 1, low: 0, info: 1 },
          byStatus: { open: 5, triaged: 0, resolved: 0, accepted: 0, falsePositive: 1 },
          overdue: 0,
          total: 6,
        },
      ],
      nextCursor: null,
    });
    const bad = await t
      .http(t.tokens.viewer)
      .get('/v1/findings')
      .query({ severity: 'urgent', order: 'random' })
      .expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['order', 'severity']);
  });

  it('accepts a risk only with reason, another approver and a bounded expiry, and reopens it when it expires', async () => {
    const subject = await environment();
    const [id] = (await report({ subjects: [subject], observations: [seen(subject, 'encryption-at-rest')] }))
      .findingIds;
    const refused = await move(id, { status: 'accepted', acceptedBy: 'test operator' }).expect(400);
    expect(refused.body.errors).toEqual([
      { path: 'reason', message: 'is required to accept a risk' },
      { path: 'acceptedBy', message: 'must be someone other than the caller' },
      { path: 'acceptedUntil', message: 'is required to accept a risk' },
    ]);
    const tooLong = await move(id, {
      status: 'accepted',
      reason: 'Legacy volume',
      acceptedBy: 'Dana Scully',
      acceptedUntil: new Date(clock.now().getTime() + 400 * DAY).toISOString(),
    }).expect(400);
    expect(tooLong.body.errors[0].path).toBe('acceptedUntil');
    const stray = await move(id, { status: 'triaged', acceptedBy: 'Dana Scully' }).expect(400);
    expect(stray.body.errors).toEqual([
      { path: 'acceptedBy', message: 'is only taken with status accepted' },
    ]);
    await move(id, { status: 'accepted', reason: 'x' }, t.tokens.viewer).expect(403);

    const until = new Date(clock.now().getTime() + 10 * DAY);
    const accepted = await move(id, {
      status: 'accepted',
      reason: 'Legacy volume, migrating in Q2',
      acceptedBy: 'Dana Scully',
      acceptedUntil: until.toISOString(),
      justification: 'protected_by_mitigating_control',
    }).expect(200);
    expect(accepted.body).toMatchObject({
      status: 'accepted',
      acceptedBy: 'Dana Scully',
      acceptedUntil: until.toISOString(),
      justification: 'protected_by_mitigating_control',
      statusReason: 'Legacy volume, migrating in Q2',
      version: 2,
    });
    // Still seen: an accepted risk stays accepted (refreshed, not reopened).
    expect(
      (await report({ subjects: [subject], observations: [seen(subject, 'encryption-at-rest')] })).counts,
    ).toMatchObject({ refreshed: 1 });

    clock.advance(10 * DAY);
    const swept = await runSweep();
    expect(swept.reopened).toBeGreaterThanOrEqual(1);
    const expired = await get(id);
    expect(expired).toMatchObject({
      status: 'open',
      acceptedBy: null,
      acceptedUntil: null,
      justification: null,
    });
    expect(expired.statusReason).toBe(
      `The risk acceptance (approved by Dana Scully) expired at ${until.toISOString()}.`,
    );
    const audit = await auditOf(id);
    expect(audit.map((event) => event.action)).toEqual([
      'finding.opened',
      'finding.accepted',
      'finding.reopened',
    ]);
    expect(audit[1].reason).toBe('Legacy volume, migrating in Q2');
  });

  it('follows the status machine, keeps a false positive one whatever scans see, and honours If-Match', async () => {
    const subject = await environment();
    const [id] = (await report({ subjects: [subject], observations: [seen(subject, 'postmortems')] }))
      .findingIds;
    const illegal = await move(id, { status: 'open' }).expect(409);
    expect(illegal.body).toMatchObject({
      code: 'finding.illegal_transition',
      errors: [
        { path: 'status', message: 'allowed next statuses: triaged, resolved, accepted, false_positive' },
      ],
    });
    await t
      .http(t.tokens.operator)
      .post(`/v1/findings/${id}/status`)
      .set('if-match', '"7"')
      .send({ status: 'triaged' })
      .expect(412);
    await move(id, { status: 'false_positive' }).expect(400);
    await move(id, { status: 'false_positive', reason: 'Postmortems live in the wiki' }).expect(200);
    const again = await report({ subjects: [subject], observations: [seen(subject, 'postmortems')] });
    expect(again.counts).toMatchObject({ refreshed: 1, reopened: 0 });
    expect((await report({ subjects: [subject], observations: [] })).counts.resolved).toBe(0);
    expect((await get(id)).status).toBe('false_positive');
    await t.http(t.tokens.viewer).get('/v1/findings/0190a0a0-0000-7000-8000-000000000000').expect(404);
    await t.http(t.tokens.viewer).get('/v1/findings/not-a-uuid').expect(400);
  });

  it('dates SLAs by the editable policy, records breaches once, and lists what is overdue', async () => {
    const policy = (await t.http(t.tokens.viewer).get('/v1/findings/sla-policy').expect(200)).body;
    expect(policy).toEqual({
      scope: 'global',
      critical: 7,
      high: 30,
      medium: 90,
      low: 120,
      info: null,
      version: 1,
    });
    const subject = await environment();
    const { findingIds } = await report({
      subjects: [subject],
      observations: [
        seen(subject, 'critical-vulns', { severity: 'critical' }),
        seen(subject, 'banner', { severity: 'info' }),
      ],
    });
    const [critical, info] = await Promise.all(findingIds.map(get));
    expect(critical.slaDueAt).toBe(new Date(clock.now().getTime() + 7 * DAY).toISOString());
    expect(info.slaDueAt).toBeNull();

    await t
      .http(t.tokens.operator)
      .put('/v1/findings/sla-policy')
      .send({ ...policy, critical: 3 })
      .expect(403);
    const bad = await t
      .http(t.tokens.admin)
      .put('/v1/findings/sla-policy')
      .send({ critical: 0, high: 30, medium: 90, low: 120 })
      .expect(400);
    expect([...new Set(bad.body.errors.map((e: { path: string }) => e.path))].sort()).toEqual([
      'critical',
      'info',
    ]);
    const updated = await t
      .http(t.tokens.admin)
      .put('/v1/findings/sla-policy')
      .set('if-match', '"1"')
      .send({ critical: 3, high: 30, medium: 90, low: 120, info: null })
      .expect(200);
    expect(updated.body).toMatchObject({ critical: 3, version: 2 });
    expect((await get(critical.id)).slaDueAt).toBe(
      new Date(Date.parse(critical.openedAt) + 3 * DAY).toISOString(),
    );

    clock.advance(3 * DAY);
    expect((await get(critical.id)).overdue).toBe(true);
    const overdue = await list({ subjectId: subject.id, overdue: true });
    expect(overdue.items.map((f) => f.id)).toEqual([critical.id]);
    const first = await runSweep();
    expect(first.breached).toBeGreaterThanOrEqual(1);
    expect((await get(critical.id)).slaBreachedAt).toBe(clock.now().toISOString());
    await runSweep();
    expect((await eventsOf(critical.id)).filter((type) => type === 'finding.sla_breached')).toHaveLength(1);

    // A policy that moves the due date back into the future lifts the breach.
    await t
      .http(t.tokens.admin)
      .put('/v1/findings/sla-policy')
      .send({ critical: 7, high: 30, medium: 90, low: 120, info: null })
      .expect(200);
    expect(await get(critical.id)).toMatchObject({ slaBreachedAt: null, overdue: false });
  });

  it('reads and triages through GraphQL with the same rules and codes', async () => {
    const subject = await environment();
    const [id] = (
      await report({ subjects: [subject], observations: [seen(subject, 'hsts', { severity: 'medium' })] })
    ).findingIds;
    const read = await t.graphql<{ findings: { items: { id: string; status: string; overdue: boolean }[] } }>(
      `query ($subject: ID) { findings(subjectId: $subject, unresolved: true) { items { id status overdue } } }`,
      { subject: subject.id },
      t.tokens.viewer,
    );
    expect(read.data?.findings.items).toEqual([{ id, status: 'open', overdue: false }]);
    const denied = await t.graphql(
      `mutation ($id: ID!) { changeFindingStatus(id: $id, input: { status: triaged }) { status } }`,
      { id },
      t.tokens.viewer,
    );
    expect(denied.errors?.[0].extensions.code).toBe('auth.forbidden');
    const illegal = await t.graphql(
      `mutation ($id: ID!) { changeFindingStatus(id: $id, input: { status: open }) { status } }`,
      { id },
      t.tokens.operator,
    );
    expect(illegal.errors?.[0].extensions.code).toBe('finding.illegal_transition');
    const triaged = await t.graphql<{ changeFindingStatus: { status: string; version: number } }>(
      `mutation ($id: ID!) { changeFindingStatus(id: $id, input: { status: triaged, reason: "Looking" }, expectedVersion: 1) { status version } }`,
      { id },
      t.tokens.operator,
    );
    expect(triaged.data?.changeFindingStatus).toEqual({ status: 'triaged', version: 2 });
    const summary = await t.graphql<{ findingSummaries: { items: { byStatus: { triaged: number } }[] } }>(
      `query ($subject: ID) { findingSummaries(subjectId: $subject) { items { byStatus { triaged } } } findingSlaPolicy { critical } }`,
      { subject: subject.id },
      t.tokens.auditor,
    );
    expect(summary.data?.findingSummaries.items).toEqual([{ byStatus: { triaged: 1 } }]);
  });
});
