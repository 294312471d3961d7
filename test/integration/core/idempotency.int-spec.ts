import { FixedClock } from '@opsplane/core';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp, unique } from '../../support/test-app';

describe('Idempotency-Key on creating POSTs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const countServices = async (ownerTeam: string) =>
    (
      (await t.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM services WHERE owner_team = $1`, [ownerTeam])) as {
        n: number;
      }[]
    )[0].n;

  it('returns the original response to a retry with the same key and body, and creates once', async () => {
    const team = unique('team');
    const body = { slug: unique('svc'), name: 'Retry me', ownerTeam: team };
    const key = unique('key');
    const first = await t
      .http(t.tokens.operator)
      .post('/v1/services')
      .set('idempotency-key', key)
      .send(body)
      .expect(201);
    const retry = await t
      .http(t.tokens.operator)
      .post('/v1/services')
      .set('idempotency-key', key)
      .send(body)
      .expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers.etag).toBe(first.headers.etag);
    expect(await countServices(team)).toBe(1);
  });

  it('refuses the same key with a different body (422), changing nothing', async () => {
    const team = unique('team');
    const key = unique('key');
    await t
      .http(t.tokens.operator)
      .post('/v1/services')
      .set('idempotency-key', key)
      .send({ slug: unique('a'), name: 'A', ownerTeam: team })
      .expect(201);
    const reused = await t
      .http(t.tokens.operator)
      .post('/v1/services')
      .set('idempotency-key', key)
      .send({ slug: unique('b'), name: 'B', ownerTeam: team })
      .expect(422);
    expect(reused.body).toMatchObject({
      code: 'idempotency.key_reused',
      errors: [{ path: 'header.idempotency-key' }],
    });
    expect(await countServices(team)).toBe(1);
  });

  it('scopes keys per caller, so two pipelines choosing the same key do not collide', async () => {
    const team = unique('team');
    const key = unique('shared');
    await t
      .http(t.tokens.operator)
      .post('/v1/services')
      .set('idempotency-key', key)
      .send({ slug: unique('x'), name: 'X', ownerTeam: team })
      .expect(201);
    await t
      .http(t.tokens.admin)
      .post('/v1/services')
      .set('idempotency-key', key)
      .send({ slug: unique('y'), name: 'Y', ownerTeam: team })
      .expect(201);
    expect(await countServices(team)).toBe(2);
  });

  it('creates exactly once when the same request races in parallel', async () => {
    const team = unique('team');
    const body = { slug: unique('race'), name: 'Race', ownerTeam: team };
    const key = unique('key');
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.http(t.tokens.operator).post('/v1/services').set('idempotency-key', key).send(body),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await countServices(team)).toBe(1);
  });

  it('forgets the key when the request fails, so a corrected retry can succeed', async () => {
    const team = unique('team');
    const key = unique('key');
    const taken = unique('taken');
    await t
      .http(t.tokens.operator)
      .post('/v1/services')
      .send({ slug: taken, name: 'Taken', ownerTeam: unique('other') })
      .expect(201);
    await t
      .http(t.tokens.operator)
      .post('/v1/services')
      .set('idempotency-key', key)
      .send({ slug: taken, name: 'Mine', ownerTeam: team })
      .expect(409);
    expect(await countServices(team)).toBe(0);
    // Had the failed attempt kept the key, this corrected body would be refused as a reuse (422).
    await t
      .http(t.tokens.operator)
      .post('/v1/services')
      .set('idempotency-key', key)
      .send({ slug: unique('free'), name: 'Mine', ownerTeam: team })
      .expect(201);
    expect(await countServices(team)).toBe(1);
  });

  it('keeps a stored answer that carries a secret sealed, and replays it intact', async () => {
    const key = unique('key');
    const body = { name: unique('pipeline'), role: 'operator' };
    const first = await t.http(t.tokens.admin).post('/v1/api-keys').set('idempotency-key', key).send(body);
    expect(first.status).toBe(201);
    const token = (first.body as { token: string }).token;
    const [stored] = (await t.app
      .get(DataSource)
      .query(`SELECT response_body, sealed_response FROM idempotency_keys WHERE key = $1`, [key])) as {
      response_body: unknown;
      sealed_response: string;
    }[];
    expect(stored.response_body).toBeNull();
    expect(stored.sealed_response).toMatch(/^v1\./);
    expect(stored.sealed_response).not.toContain(token);
    const retry = await t.http(t.tokens.admin).post('/v1/api-keys').set('idempotency-key', key).send(body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
  });

  it('rejects a malformed key', async () => {
    const response = await t
      .http(t.tokens.operator)
      .post('/v1/services')
      .set('idempotency-key', 'x'.repeat(300))
      .send({ slug: unique('k'), name: 'K', ownerTeam: 'k' })
      .expect(400);
    expect(response.body).toMatchObject({
      code: 'idempotency.invalid_key',
      errors: [{ path: 'header.idempotency-key' }],
    });
  });

  it('forgets a key after IDEMPOTENCY_TTL_HOURS by the injected clock, so the key may be used again', async () => {
    const clock = new FixedClock(new Date());
    const timed = await createTestApp({ IDEMPOTENCY_TTL_HOURS: '1' }, { clock });
    try {
      const key = unique('key');
      const send = (slug: string) =>
        timed
          .http(timed.tokens.operator)
          .post('/v1/services')
          .set('idempotency-key', key)
          .send({ slug, name: 'x', ownerTeam: 'ops' });
      await send(unique('first')).expect(201);
      await send(unique('other')).expect(422);
      clock.set(new Date(clock.now().getTime() + 3_600_000 + 1000));
      const again = await send(unique('later')).expect(201);
      expect(again.headers['idempotent-replayed']).toBeUndefined();
    } finally {
      await timed.close();
    }
  });
});
