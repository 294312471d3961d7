import { createHash } from 'node:crypto';
import { BootstrapAdminKey, FixedClock } from '@opsplane/core';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../support/databases';
import { createTestApp, TestApp, unique } from '../../support/test-app';

describe('API keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('shows the token once, stores only its SHA-256, and the token works for its role', async () => {
    const name = unique('pipeline');
    const created = await t
      .http(t.tokens.admin)
      .post('/v1/api-keys')
      .send({ name, role: 'operator' })
      .expect(201);
    const { token, apiKey } = created.body as { token: string; apiKey: { id: string; tokenPrefix: string } };
    expect(token).toMatch(/^opk_[A-Za-z0-9_-]{43}$/);
    expect(token.startsWith(apiKey.tokenPrefix)).toBe(true);
    expect(apiKey).toMatchObject({
      name,
      role: 'operator',
      isActive: true,
      revokedAt: null,
      expiresAt: null,
    });

    const [row] = (await t.app
      .get(DataSource)
      .query(`SELECT * FROM api_keys WHERE id = $1`, [apiKey.id])) as Record<string, unknown>[];
    expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(token);

    const read = await t.http(t.tokens.admin).get(`/v1/api-keys/${apiKey.id}`).expect(200);
    expect(read.body).not.toHaveProperty('token');
    expect(JSON.stringify(read.body)).not.toContain(token);

    await t
      .http(token)
      .post('/v1/services')
      .send({ slug: unique('svc'), name: 'Svc', ownerTeam: 'ops' })
      .expect(201);
    const denied = await t.http(token).post('/v1/api-keys').send({ name: 'x', role: 'admin' }).expect(403);
    expect(denied.body.code).toBe('auth.forbidden');
  });

  it('revokes a key so it stops working at once, and lists it only when inactive keys are asked for', async () => {
    const created = await t
      .http(t.tokens.admin)
      .post('/v1/api-keys')
      .send({ name: unique('temp'), role: 'viewer' })
      .expect(201);
    const { token, apiKey } = created.body as { token: string; apiKey: { id: string } };
    await t.http(token).get('/v1/environments').expect(200);

    const revoked = await t.http(t.tokens.admin).post(`/v1/api-keys/${apiKey.id}/revoke`).expect(200);
    expect(revoked.body).toMatchObject({ id: apiKey.id, isActive: false });
    expect(revoked.body.revokedAt).not.toBeNull();
    const rejected = await t.http(token).get('/v1/environments').expect(401);
    expect(rejected.body.code).toBe('auth.unauthenticated');

    const again = await t.http(t.tokens.admin).post(`/v1/api-keys/${apiKey.id}/revoke`).expect(409);
    expect(again.body.code).toBe('api_key.already_revoked');

    const active = await collectIds(t, {});
    const all = await collectIds(t, { includeInactive: true });
    expect(active).not.toContain(apiKey.id);
    expect(all).toContain(apiKey.id);
  });

  it('expires keys by the injected clock: authentication, the active list and the model agree', async () => {
    const clock = new FixedClock(new Date());
    const timed = await createTestApp({}, { clock });
    try {
      const expiresAt = new Date(clock.now().getTime() + 3_600_000);
      const created = await timed
        .http(timed.tokens.admin)
        .post('/v1/api-keys')
        .send({ name: unique('clock'), role: 'viewer', expiresAt: expiresAt.toISOString() })
        .expect(201);
      await timed.http(created.body.token).get('/v1/services').expect(200);
      clock.set(new Date(expiresAt.getTime() + 1000));
      // No sleeping and no SQL: only the clock moved, past the expiry and the key cache.
      await timed.http(created.body.token).get('/v1/services').expect(401);
      const listed = await timed
        .http(timed.tokens.admin)
        .get('/v1/api-keys')
        .query({ limit: 200 })
        .expect(200);
      expect((listed.body.items as { id: string }[]).map((key) => key.id)).not.toContain(
        created.body.apiKey.id,
      );
      const one = await timed
        .http(timed.tokens.admin)
        .get(`/v1/api-keys/${created.body.apiKey.id}`)
        .expect(200);
      expect(one.body.isActive).toBe(false);
    } finally {
      await timed.close();
    }
  });

  it('refuses a key past its expiry', async () => {
    const expiring = await createTestApp({ AUTH_KEY_CACHE_MS: '0' });
    try {
      const created = await expiring
        .http(expiring.tokens.admin)
        .post('/v1/api-keys')
        .send({
          name: unique('exp'),
          role: 'viewer',
          expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        })
        .expect(201);
      await expiring.http(created.body.token).get('/v1/services').expect(200);
      await expiring.app
        .get(DataSource)
        .query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [
          created.body.apiKey.id,
        ]);
      await expiring.http(created.body.token).get('/v1/services').expect(401);
      const past = await expiring
        .http(expiring.tokens.admin)
        .post('/v1/api-keys')
        .send({ name: 'late', role: 'viewer', expiresAt: '2001-01-01T00:00:00Z' })
        .expect(400);
      expect(past.body).toMatchObject({ code: 'api_key.expiry_in_past', errors: [{ path: 'expiresAt' }] });
    } finally {
      await expiring.close();
    }
  });

  it('works the same through GraphQL, where the token is returned once', async () => {
    const created = await t.graphql<{
      createApiKey: { token: string; apiKey: { id: string; role: string } };
    }>(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token apiKey { id role } } }`, {
      input: { name: unique('gql-key'), role: 'auditor' },
    });
    expect(created.errors).toBeUndefined();
    const { token, apiKey } = created.data!.createApiKey;
    const audit = await t.http(token).get('/v1/audit-events').query({ limit: 1 }).expect(200);
    expect(audit.body.items).toHaveLength(1);
    const revoked = await t.graphql<{ revokeApiKey: { isActive: boolean } }>(
      `mutation { revokeApiKey(id: "${apiKey.id}") { isActive } }`,
    );
    expect(revoked.data!.revokeApiKey.isActive).toBe(false);
    await t.http(token).get('/v1/audit-events').expect(401);
  });
});

async function collectIds(t: TestApp, query: Record<string, unknown>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await t
      .http(t.tokens.admin)
      .get('/v1/api-keys')
      .query({ ...query, limit: 200, ...(cursor ? { cursor } : {}) })
      .expect(200);
    ids.push(...page.body.items.map((key: { id: string }) => key.id));
    cursor = page.body.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

/**
 * Rules about "the last admin key" count every admin key in the database, so these tests run on a
 * database of their own, a fresh clone of the template (this file's database holds the admin keys
 * its other tests' apps mint).
 */
describe('the last active admin key', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('can be revoked by neither of two racing revokes, over REST or GraphQL, and expired keys do not count', async () => {
    const clock = new FixedClock(new Date());
    const t = await createTestApp({ DATABASE_URL: database.url }, { clock });
    try {
      // The start-up key (OPSPLANE_BOOTSTRAP_TOKEN) and the test's admin key are the only admin keys.
      const bootstrapToken = process.env.OPSPLANE_BOOTSTRAP_TOKEN!;
      const [bootstrapKey, testKey] = await Promise.all(
        [bootstrapToken, t.tokens.admin].map((token) => keyIdOf(t, token)),
      );

      // Each revokes the other at the same time: one wins, the other is refused. So that the two
      // really overlap, a third connection holds both rows until both revokes are waiting inside
      // their transactions. (Both tokens are used once first: their last-use writes are done then.)
      await t.http(t.tokens.admin).get('/v1/api-keys').expect(200);
      await t.http(bootstrapToken).get('/v1/api-keys').expect(200);
      const holder = new Client({ connectionString: database.url });
      await holder.connect();
      let responses: request.Response[];
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT id FROM api_keys WHERE id = ANY($1) FOR UPDATE', [
          [bootstrapKey, testKey],
        ]);
        const racing = Promise.all([
          t.http(t.tokens.admin).post(`/v1/api-keys/${bootstrapKey}/revoke`),
          t.http(bootstrapToken).post(`/v1/api-keys/${testKey}/revoke`),
        ]);
        await waitForLockedSelects(holder, 2);
        await holder.query('COMMIT');
        responses = await racing;
      } finally {
        await holder.end();
      }
      expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
      const refused = responses.find((response) => response.status === 409)!;
      expect(refused.body).toMatchObject({ code: 'api_key.last_admin_key', status: 409 });
      expect(refused.body.detail).toContain('Create another admin key first');
      const survivor = responses[0].status === 409 ? bootstrapToken : t.tokens.admin;
      const survivorKey = responses[0].status === 409 ? bootstrapKey : testKey;
      await t.http(survivor).get('/v1/api-keys').expect(200);

      // Alone, it cannot revoke itself either, through either transport.
      const rest = await t.http(survivor).post(`/v1/api-keys/${survivorKey}/revoke`).expect(409);
      expect(rest.body.code).toBe('api_key.last_admin_key');
      const graphql = await t.graphql(
        `mutation { revokeApiKey(id: "${survivorKey}") { isActive } }`,
        {},
        survivor,
      );
      expect(graphql.errors?.[0].extensions).toMatchObject({ code: 'api_key.last_admin_key', status: 409 });

      // An admin key that will expire counts until it does, by the application's clock.
      const expiring = await t
        .http(survivor)
        .post('/v1/api-keys')
        .send({
          name: unique('expiring-admin'),
          role: 'admin',
          expiresAt: new Date(clock.now().getTime() + 3_600_000),
        })
        .expect(201);
      clock.advance(2 * 3_600_000);
      const afterExpiry = await t.http(survivor).post(`/v1/api-keys/${survivorKey}/revoke`).expect(409);
      expect(afterExpiry.body.code).toBe('api_key.last_admin_key');
      clock.advance(-2 * 3_600_000);
      await t.http(survivor).post(`/v1/api-keys/${survivorKey}/revoke`).expect(200);
      await t.http(expiring.body.token).get('/v1/api-keys').expect(200);
    } finally {
      await t.close();
    }
  });

  it('is made again at start-up when every admin key was revoked or has expired', async () => {
    const dba = new Client({ connectionString: database.url });
    await dba.connect();
    try {
      // The recovery the README documents for an operator with database access.
      await dba.query(`UPDATE api_keys SET revoked_at = now() WHERE role = 'admin' AND revoked_at IS NULL`);
      const before = await adminKeyNames(dba);

      // OPSPLANE_BOOTSTRAP_TOKEN is still set, but its key was revoked: that token stays dead, and
      // a new key is made with a generated token.
      const bootstrapToken = process.env.OPSPLANE_BOOTSTRAP_TOKEN!;
      const t = await createTestApp({ DATABASE_URL: database.url });
      try {
        let printed = '';
        const bootstrap = t.app.get(BootstrapAdminKey);
        bootstrap.announce((text) => (printed += text));
        const token = /Opsplane admin API key[^\n]*\n\s*\n\s*(opk_[A-Za-z0-9_-]+)\s*\n/.exec(printed)?.[1];
        expect(token).toEqual(expect.stringMatching(/^opk_/));
        expect(token).not.toBe(bootstrapToken);
        await t.http(token).get('/v1/api-keys').expect(200);
        await t.http(bootstrapToken).get('/v1/api-keys').expect(401);
        let printedAgain = '';
        bootstrap.announce((text) => (printedAgain += text));
        expect(printedAgain).toBe('');

        const audit = await t
          .http(t.tokens.admin)
          .get('/v1/audit-events')
          .query({ actorId: 'system:bootstrap', action: 'api_key.created', limit: 200 })
          .expect(200);
        expect(audit.body.items).toHaveLength(2); // the first start's and this one
      } finally {
        await t.close();
      }
      const after = await adminKeyNames(dba);
      expect(after.filter((name) => name === 'bootstrap admin')).toHaveLength(
        before.filter((name) => name === 'bootstrap admin').length + 1,
      );

      // Expired by time, not revoked: the same. An active admin key: nothing is made.
      await dba.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE role = 'admin'`);
      const expired = await createTestApp({ DATABASE_URL: database.url });
      await expired.close();
      const afterExpiry = await adminKeyNames(dba);
      expect(afterExpiry.filter((name) => name === 'bootstrap admin')).toHaveLength(
        after.filter((name) => name === 'bootstrap admin').length + 1,
      );
      const quiet = await createTestApp({ DATABASE_URL: database.url });
      await quiet.close();
      expect(await adminKeyNames(dba)).toHaveLength(afterExpiry.length + 1); // only the test's own admin key
    } finally {
      await dba.end();
    }
  });
});

async function keyIdOf(t: TestApp, token: string): Promise<string> {
  const [row] = (await t.app
    .get(DataSource)
    .query(`SELECT id FROM api_keys WHERE token_hash = $1`, [
      createHash('sha256').update(token).digest('hex'),
    ])) as { id: string }[];
  return row.id;
}

/** Resolves once `count` other sessions wait for a row lock in a SELECT … FOR UPDATE. */
async function waitForLockedSelects(client: Client, count: number): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    // Inside a transaction PostgreSQL answers from a snapshot of the activity view; take a new one.
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()
          AND wait_event_type = 'Lock' AND query ILIKE '%FOR UPDATE%'`,
    );
    if (rows[0].waiting >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${count} sessions never waited for the rows`);
}

async function adminKeyNames(dba: Client): Promise<string[]> {
  const result = await dba.query<{ name: string }>(`SELECT name FROM api_keys WHERE role = 'admin'`);
  return result.rows.map((row) => row.name);
}
