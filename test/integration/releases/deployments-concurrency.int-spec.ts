import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../support/test-app';
import { createEnvironment, createService, queuedDeployment, reportStatus } from './fixtures';

describe('deployments under concurrency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('lets exactly one of 50 concurrent starts in one environment win, with nothing half-written', async () => {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const deployments = await Promise.all(
      Array.from({ length: 50 }, () => queuedDeployment(t, service.id, environment.id)),
    );
    const ids = deployments.map((deployment) => deployment.id);

    const responses = await Promise.all(ids.map((id) => reportStatus(t, id, 'running')));

    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(49);
    const refusals = responses.filter((response) => response.status === 409);
    expect(new Set(refusals.map((response) => response.body.code))).toEqual(
      new Set(['deployment.already_running']),
    );
    const winner = ids[statuses.indexOf(200)];

    const db = t.app.get(DataSource);
    const rows = await db.query(
      `SELECT id, status, started_at, version FROM deployments WHERE id = ANY($1) ORDER BY id`,
      [ids],
    );
    const running = rows.filter((row: { status: string }) => row.status === 'running');
    expect(running.map((row: { id: string }) => row.id)).toEqual([winner]);
    // The losers are untouched: still queued, never started, same version.
    for (const row of rows.filter((r: { id: string }) => r.id !== winner))
      expect(row).toMatchObject({ status: 'queued', started_at: null, version: 1 });

    const started = await db.query(
      `SELECT target_id FROM audit_events WHERE action = 'deployment.started' AND target_id = ANY($1)`,
      [ids],
    );
    expect(started).toEqual([{ target_id: winner }]);
    const events = await db.query(
      `SELECT aggregate_id FROM outbox_events WHERE type = 'deployment.started' AND aggregate_id = ANY($1)`,
      [ids],
    );
    expect(events).toEqual([{ aggregate_id: winner }]);
    // Every refusal names the deployment that won.
    for (const refusal of refusals) expect(refusal.body.detail).toContain(winner);
  });
});
