import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
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
