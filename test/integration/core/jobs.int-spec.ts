import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { JobRunner } from '../../../libs/core/src/jobs/job-runner.service';
import { HousekeepingJob } from '../../../libs/core/src/jobs/housekeeping.job';
import { createTestApp, TestApp, unique } from '../../support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('scheduled jobs', () => {
  it('runs each scheduled slot exactly once across two processes on one database', async () => {
    const everySecond = { JOBS_ENABLED: 'true', JOBS_HOUSEKEEPING_CRON: '* * * * * *' };
    const first = await createTestApp(everySecond);
    const second = await createTestApp(everySecond);
    const executions = [first, second].map((t) => jest.spyOn(t.app.get(HousekeepingJob), 'run'));
    const attempts = [first, second].map((t) =>
      jest.spyOn(t.app.get(JobRunner) as unknown as { runScheduled: () => unknown }, 'runScheduled'),
    );
    // Slots after this instant fire only once both processes are up and counted.
    const startedAt = new Date();
    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    const scheduledRuns = async () =>
      (
        await db.query(
          `SELECT slot, instance_id AS "instanceId", status FROM job_runs
         WHERE job = 'core.housekeeping' AND trigger = 'schedule' AND slot > $1 ORDER BY slot`,
          [startedAt],
        )
      ).rows as { slot: Date; instanceId: string; status: string }[];

    // Wait (bounded) until a handful of slots have been fired at both processes.
    for (let i = 0; i < 300 && (await scheduledRuns()).length < 4; i += 1) await sleep(100);
    await first.close();
    await second.close();

    const runs = await scheduledRuns();
    await db.end();
    const calls = executions.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
    expect(runs.length).toBeGreaterThanOrEqual(4);
    expect(new Set(runs.map((run) => run.slot.toISOString())).size).toBe(runs.length);
    // Every execution has its own slot: no slot ran in both processes.
    expect(calls).toBe(runs.length);
    expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
    // Both processes were firing and competing for the same slots.
    for (const spy of attempts) expect(spy.mock.calls.length).toBeGreaterThanOrEqual(3);
  }, 60_000);

  describe('housekeeping and the job-runs API', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('deletes expired idempotency keys and long-expired API keys, and records the run with counts', async () => {
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
      const recent = await t
        .http(t.tokens.admin)
        .post('/v1/api-keys')
        .send({ name: unique('recent'), role: 'viewer' })
        .expect(201);
      await db.query(`UPDATE api_keys SET expires_at = now() - interval '1 day' WHERE id = $1`, [
        recent.body.apiKey.id,
      ]);

      const run = await t.http(t.tokens.admin).post('/v1/jobs/core.housekeeping/run').expect(201);
      expect(run.body).toMatchObject({
        job: 'core.housekeeping',
        trigger: 'manual',
        status: 'succeeded',
        error: null,
      });
      expect(run.body.counts.idempotencyKeysDeleted).toBeGreaterThanOrEqual(1);
      expect(run.body.counts.apiKeysDeleted).toBeGreaterThanOrEqual(1);

      expect(await db.query(`SELECT 1 FROM idempotency_keys WHERE key = $1`, [key])).toHaveLength(0);
      expect(await db.query(`SELECT 1 FROM api_keys WHERE id = $1`, [expired.body.apiKey.id])).toHaveLength(
        0,
      );
      // Expired only a day ago: kept, so people can still see it in the list of inactive keys.
      expect(await db.query(`SELECT 1 FROM api_keys WHERE id = $1`, [recent.body.apiKey.id])).toHaveLength(1);

      const listed = await t
        .http(t.tokens.auditor)
        .get('/v1/job-runs')
        .query({ job: 'core.housekeeping', limit: 50 })
        .expect(200);
      // Newest first; other processes on this database may have run housekeeping meanwhile.
      const listedRun = listed.body.items.find((item: { id: string }) => item.id === run.body.id);
      expect(listedRun).toMatchObject({ id: run.body.id, counts: run.body.counts });
      const gql = await t.graphql<{ jobRuns: { items: { id: string; status: string }[] } }>(
        `{ jobRuns(job: "core.housekeeping", status: succeeded, limit: 50) { items { id status } } }`,
        {},
        t.tokens.auditor,
      );
      expect(gql.data?.jobRuns.items).toContainEqual({ id: run.body.id, status: 'succeeded' });
    });

    it('marks runs whose process died mid-run as abandoned', async () => {
      const db = t.app.get(DataSource);
      const job = unique('dead-job');
      await db.query(
        `INSERT INTO job_runs (id, job, slot, trigger, status, instance_id, started_at)
         VALUES (gen_random_uuid(), $1, now() - interval '2 hours', 'schedule', 'running', 'gone:1:abc', now() - interval '2 hours')`,
        [job],
      );
      await t.http(t.tokens.admin).post('/v1/jobs/core.housekeeping/run').expect(201);
      const [row] = (await db.query(`SELECT status, error FROM job_runs WHERE job = $1`, [job])) as {
        status: string;
        error: string;
      }[];
      expect(row).toMatchObject({ status: 'abandoned' });
    });

    it('answers an unknown job with 404', async () => {
      const response = await t
        .http(t.tokens.admin)
        .post(`/v1/jobs/${unique('nope')}/run`)
        .expect(404);
      expect(response.body.code).toBe('job.not_found');
    });
  });
});
