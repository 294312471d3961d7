import { eventually } from '../../support/eventually';
import { TestApp, unique } from '../../support/test-app';

/** Data for the compliance tests, made through the API. */

/**
 * Settings of an app that runs scans' jobs itself, polling at the shortest interval allowed, and
 * whose scheduled scan never comes (midnight on 29 February, a day no test's clock reaches), so
 * every scan a test sees is one it started.
 */
export const SCANNING_APP = {
  JOBS_ENABLED: 'true',
  COMPLIANCE_SCAN_CRON: '0 0 29 2 *',
  JOBS_POLL_INTERVAL_MS: '500',
} as const;

/** A check that passes on an environment whose facts keep backups 30 days or more. */
export const BACKUPS =
  'has(environment.facts.backups) && has(environment.facts.backups.retentionDays) && environment.facts.backups.retentionDays >= 30';

export async function createEnvironment(
  t: TestApp,
  facts: Record<string, unknown>,
  fields: Record<string, unknown> = {},
): Promise<{ id: string; slug: string }> {
  const response = await t
    .http(t.tokens.admin)
    .post('/v1/environments')
    .send({ slug: unique('env'), name: 'Env', tier: 'production', rank: 0, facts, ...fields })
    .expect(201);
  return response.body;
}

/** Sets the environment's facts to backups kept `retentionDays` days (what BACKUPS checks). */
export async function setBackupRetention(
  t: TestApp,
  env: { id: string },
  retentionDays: number,
): Promise<void> {
  await t
    .http(t.tokens.admin)
    .patch(`/v1/environments/${env.id}`)
    .send({ facts: { backups: { retentionDays } } })
    .expect(200);
}

export async function createControl(
  t: TestApp,
  fields: Record<string, unknown>,
): Promise<{ id: string; slug: string; version: number }> {
  const response = await t
    .http(t.tokens.admin)
    .post('/v1/compliance/controls')
    .send({
      slug: unique('ctl'),
      title: 'Backups kept 30 days',
      severity: 'high',
      subjectType: 'environment',
      ...fields,
    })
    .expect(201);
  return response.body;
}

export interface CompletedScan {
  id: string;
  subjectsTotal: number;
  subjectsDone: number;
  counts: Record<string, number>;
  startedAt: string;
  finishedAt: string;
}

/** Starts a scan and waits for its subjects' jobs (the app must process jobs). */
export async function runScan(t: TestApp, body: Record<string, unknown>): Promise<CompletedScan> {
  const started = (await t.http(t.tokens.admin).post('/v1/compliance/scans').send(body).expect(201)).body as {
    id: string;
  };
  let done: Record<string, unknown> = {};
  await eventually(async () => {
    done = (await t.http(t.tokens.auditor).get(`/v1/compliance/scans/${started.id}`).expect(200)).body;
    return done.status === 'completed';
  }, 'the scan completed');
  return done as unknown as CompletedScan;
}
