import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { HousekeepingJob } from '../../../libs/core/src/jobs/housekeeping.job';
import { createTestApp, TestApp, unique } from '../../support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the API until the job has finished (a bound on hangs, not a timing assertion). */
async function finished(t: TestApp, id: string): Promise<{ status: string; result: Record<string, number> }> {
  for (let i = 0; i < 400; i += 1) {
    const job = (await t.http(t.tokens.auditor).get(`/v1/jobs/${id}`).expect(200)).body;
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    await sleep(50);
  }
  throw new Error(`job ${id} did not finish`);
}

describe('scheduled jobs', () => {
  it('enqueues each scheduled slot exactly once across two processes, and the queue runs each once', async () => {
    const everySecond = {
      JOBS_ENABLED: 'true',
      JOBS_HOUSEKEEPING_CRON: '* * * * * *',
      JOBS_POLL_INTERVAL_MS: '500',
    };
    const first = await createTestApp(everySecond);
    const second = await createTestApp(everySecond);
    const executions = [first, second].map((t) => jest.spyOn(t.app.get(HousekeepingJob), 'run'));
    const startedAt = new Date();
    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    const scheduledRuns = async () =>
      (
        await db.query(
          `SELECT run.id, run.slot, job.state::text AS state FROM job_runs run
             LEFT JOIN pgboss.job job ON job.id = run.id
            WHERE run.job = 'core.housekeeping' AND run.trigger = 'schedule' AND run.slot > $1 ORDER BY run.slot`,
          [startedAt],
        )
      ).rows as { id: string; slot: Date; state: string | null }[];

    for (let i = 0; i < 300 && (await scheduledRuns()).length < 4; i += 1) await sleep(100);
    await first.close(); // drains: lets running jobs finish
    await second.close();
    const runs = await scheduledRuns();
    await db.end();
    expect(runs.length).toBeGreaterThanOrEqual(4);
    expect(new Set(runs.map((run) => run.slot.toISOString())).size).toBe(runs.length);
    // Every claimed slot has its job; each completed job ran once, in one of the processes.
    expect(runs.every((run) => run.state !== null)).toBe(true);
    const completed = runs.filter((run) => run.state === 'completed').length;
    const calls = executions.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
    expect(completed).toBeGreaterThanOrEqual(1);
    expect(calls).toBeGreaterThanOrEqual(completed);
    expect(calls).toBeLessThanOrEqual(runs.length);
  }, 90_000);

  describe('housekeeping and the jobs API', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({
        JOBS_ENABLED: 'true',
        JOBS_HOUSEKEEPING_CRON: '0 0 29 2 *',
        JOBS_POLL_INTERVAL_MS: '500',
      });
    });
    afterAll(() => t.close());

    it('deletes expired keys, old job runs and published outbox events; the run and its job are listed', async () => {
      const db = t.app.get(DataSource);
      const key = unique('idem');
      await db.query(
        `INSERT INTO idempotency_keys (actor_id, key, request_hash, created_at, expires_at)
         VALUES ('someone', $1, repeat('0', 64), now() - interval '2 days', now() - interval '1 day')`,
        [key],
      );
      const expired = await t
        .http(t.tokens.admin)
        .post('/v1/api-keys')
        .send({ name: unique('old'), role: 'viewer' })
        .expect(201);
      await db.query(`UPDATE api_keys SET expires_at = now() - interval '40 days' WHERE id = $1`, [
        expired.body.apiKey.id,
      ]);
      const oldRun = unique('old-job');
      await db.query(
        `INSERT INTO job_runs (id, job, slot, trigger, instance_id, claimed_at)
         VALUES (gen_random_uuid(), $1, now() - interval '30 days', 'schedule', 'gone:1:abc', now() - interval '30 days')`,
        [oldRun],
      );
      const events = (await db.query(
        `INSERT INTO outbox_events (id, type, aggregate_type, aggregate_id, payload, request_id, occurred_at, published_at)
         VALUES (gen_random_uuid(), 'test.old', 'test', $1, '{}', 'r', now() - interval '30 days', now() - interval '30 days'),
                (gen_random_uuid(), 'test.new', 'test', $1, '{}', 'r', now() - interval '30 days', NULL)
         RETURNING id, type`,
        [unique('agg')],
      )) as { id: string; type: string }[];

      const run = await t.http(t.tokens.admin).post('/v1/job-types/core.housekeeping/run').expect(201);
      expect(run.body).toMatchObject({ job: 'core.housekeeping', trigger: 'manual' });
      const job = await finished(t, run.body.id);
      expect(job.status).toBe('succeeded');
      expect(job.result.idempotencyKeysDeleted).toBeGreaterThanOrEqual(1);
      expect(job.result.apiKeysDeleted).toBeGreaterThanOrEqual(1);
      expect(job.result.jobRunsDeleted).toBeGreaterThanOrEqual(1);
      expect(job.result.outboxEventsDeleted).toBeGreaterThanOrEqual(1);
      expect(await db.query(`SELECT 1 FROM job_runs WHERE job = $1`, [oldRun])).toHaveLength(0);
      const left = (await db.query(`SELECT type FROM outbox_events WHERE id = ANY($1)`, [
        events.map((e) => e.id),
      ])) as {
        type: string;
      }[];
      expect(left).toEqual([{ type: 'test.new' }]); // unpublished events are never pruned

      const listed = await t
        .http(t.tokens.auditor)
        .get('/v1/job-runs')
        .query({ job: 'core.housekeeping', limit: 50 })
        .expect(200);
      expect(listed.body.items.find((item: { id: string }) => item.id === run.body.id)).toMatchObject({
        status: 'succeeded',
        attempts: 1,
        counts: job.result,
      });
      const gql = await t.graphql<{ jobRuns: { items: { id: string; status: string }[] } }>(
        `{ jobRuns(job: "core.housekeeping", limit: 50) { items { id status } } }`,
        {},
        t.tokens.auditor,
      );
      expect(gql.data?.jobRuns.items).toContainEqual({ id: run.body.id, status: 'succeeded' });
      const jobs = await t
        .http(t.tokens.auditor)
        .get('/v1/jobs')
        .query({ type: 'core.housekeeping', status: 'succeeded' })
        .expect(200);
      expect(jobs.body.items.map((item: { id: string }) => item.id)).toContain(run.body.id);
    });

    it('lists job types with schedule and counts, to auditors only', async () => {
      await t.http(t.tokens.viewer).get('/v1/job-types').expect(403);
      const types = await t.http(t.tokens.auditor).get('/v1/job-types').expect(200);
      expect(types.body.items).toContainEqual(
        expect.objectContaining({
          type: 'core.housekeeping',
          schedule: '0 0 29 2 *',
          queued: expect.any(Number),
        }),
      );
      expect(types.body.items).toContainEqual(
        expect.objectContaining({ type: 'releases.scheduled-deployments' }),
      );
      const gql = await t.graphql<{ jobTypes: { items: { type: string; failed: number }[] } }>(
        `{ jobTypes { items { type failed } } }`,
        {},
        t.tokens.auditor,
      );
      expect(gql.data?.jobTypes.items.map((item) => item.type)).toContain('core.housekeeping');
    });

    it('answers an unknown job type with 404 and refuses a run to non-admins', async () => {
      const response = await t
        .http(t.tokens.admin)
        .post(`/v1/job-types/${unique('nope')}/run`)
        .expect(404);
      expect(response.body.code).toBe('job.type_not_found');
      await t.http(t.tokens.auditor).post('/v1/job-types/core.housekeeping/run').expect(403);
      await t.http(t.tokens.auditor).get(`/v1/jobs/not-a-uuid`).expect(400);
    });
  });
});
