import { TestApp, unique } from '../../support/test-app';

/**
 * Data for the releases tests, made fresh per test through the API. Each test file has a database
 * of its own, but its tests share it, so the promotion gate sees every environment the file's
 * earlier tests made: tests that must pass promotion deploy into rank 0 (the lowest rank, which
 * always accepts) or build their own rank 0 → 1 chain.
 */
export async function createService(t: TestApp): Promise<{ id: string; slug: string }> {
  const response = await t
    .http(t.tokens.operator)
    .post('/v1/services')
    .send({ slug: unique('svc'), name: 'Service', ownerTeam: 'releases-tests' })
    .expect(201);
  return response.body;
}

export async function createEnvironment(
  t: TestApp,
  rank: number,
  slugPrefix = 'env',
): Promise<{ id: string; slug: string; rank: number }> {
  const response = await t
    .http(t.tokens.admin)
    .post('/v1/environments')
    .send({ slug: unique(slugPrefix), name: 'Environment', tier: 'testing', rank })
    .expect(201);
  return response.body;
}

export async function createRelease(
  t: TestApp,
  service: string,
  body: Record<string, unknown> = {},
): Promise<{ id: string; version: string; serviceId: string; revision: number }> {
  const response = await t
    .http(t.tokens.operator)
    .post('/v1/releases')
    .send({ service, version: unique('v'), ...body })
    .expect(201);
  return response.body;
}

export function requestDeployment(t: TestApp, release: string, environment: string, reason?: string) {
  return t
    .http(t.tokens.operator)
    .post('/v1/deployments')
    .send({ release, environment, ...(reason ? { reason } : {}) });
}

export function reportStatus(t: TestApp, id: string, status: string, reason?: string) {
  return t
    .http(t.tokens.operator)
    .post(`/v1/deployments/${id}/status`)
    .send({ status, ...(reason ? { reason } : {}) });
}

/** A queued deployment of a fresh release of `service` into a rank-0 environment (promotion passes). */
export async function queuedDeployment(
  t: TestApp,
  service: string,
  environment: string,
): Promise<{ id: string; releaseId: string; version: number }> {
  const release = await createRelease(t, service);
  return (await requestDeployment(t, release.id, environment).expect(201)).body;
}

/** Requests, starts and finishes a deployment of `release` into `environment` with `outcome`. */
export async function finishedDeployment(
  t: TestApp,
  release: string,
  environment: string,
  outcome: 'succeeded' | 'failed' = 'succeeded',
): Promise<{ id: string; version: number; requestedAt: string }> {
  const created = await requestDeployment(t, release, environment).expect(201);
  await reportStatus(t, created.body.id, 'running').expect(200);
  await reportStatus(
    t,
    created.body.id,
    outcome,
    outcome === 'failed' ? 'health checks failed' : undefined,
  ).expect(200);
  return created.body;
}

let nextUncommonRank = 11;

/**
 * A rank no other test in the file uses (the ranks they write out stay below 10), so a refusal
 * names only this test's environment at `rank - 1`. Steps by 2: successive calls in a file never
 * touch each other's ranks. (Each test file loads its own copy of this module.)
 */
export function uncommonRank(): number {
  const rank = nextUncommonRank;
  nextUncommonRank += 2;
  return rank;
}

/** A deploy window on `environment` (id or slug), created by the admin. */
export async function createWindow(
  t: TestApp,
  environment: string,
  body: Record<string, unknown>,
): Promise<{ id: string; version: number; serviceId: string | null }> {
  const response = await t
    .http(t.tokens.admin)
    .post(`/v1/environments/${environment}/deploy-windows`)
    .send(body)
    .expect(201);
  return response.body;
}

/**
 * A freeze period, created by the admin. Freezes without an environment bind every environment
 * in the file's database, for the file's later tests too: tests scope them to their own
 * environment or service.
 */
export async function createFreeze(
  t: TestApp,
  body: Record<string, unknown>,
): Promise<{ id: string; version: number; reason: string }> {
  const response = await t.http(t.tokens.admin).post('/v1/freeze-periods').send(body).expect(201);
  return response.body;
}

/** POST /v1/deployments with any body, as the given role's key. */
export function requestDeploymentAs(t: TestApp, token: string, body: Record<string, unknown>) {
  return t.http(token).post('/v1/deployments').send(body);
}

/** POST /v1/deployments/:id/status with any body, as the given role's key. */
export function reportStatusAs(t: TestApp, token: string, id: string, body: Record<string, unknown>) {
  return t.http(token).post(`/v1/deployments/${id}/status`).send(body);
}
