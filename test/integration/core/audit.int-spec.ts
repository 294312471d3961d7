import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp, unique } from '../../support/test-app';

interface AuditEvent {
  seq: number;
  action: string;
  actorId: string;
  actorKind: string;
  targetId: string;
  requestId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  hash: string;
  prevHash: string;
}

describe('audit log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const eventsFor = async (targetId: string, token = t.tokens.auditor): Promise<AuditEvent[]> =>
    (await t.http(token).get('/v1/audit-events').query({ targetId }).expect(200)).body.items;

  it('records every change with actor, request id and before/after, in the same order as it happened', async () => {
    const requestId = unique('req');
    const created = await t
      .http(t.tokens.operator)
      .post('/v1/services')
      .set('x-request-id', requestId)
      .send({ slug: unique('svc'), name: 'Before', ownerTeam: 'core' })
      .expect(201);
    expect(created.headers['x-request-id']).toBe(requestId);
    await t
      .http(t.tokens.operator)
      .patch(`/v1/services/${created.body.id}`)
      .send({ name: 'After' })
      .expect(200);
    await t.http(t.tokens.operator).delete(`/v1/services/${created.body.id}`).expect(200);

    const events = await eventsFor(created.body.id);
    expect(events.map((e) => e.action)).toEqual(['service.created', 'service.updated', 'service.archived']);
    expect(events[0]).toMatchObject({
      actorKind: 'api_key',
      requestId,
      before: null,
      after: { name: 'Before', version: 1 },
    });
    expect(events[1]).toMatchObject({ before: { name: 'Before' }, after: { name: 'After', version: 2 } });
    expect(events[0].seq).toBeLessThan(events[1].seq);
    expect(events[2].after!.archivedAt).not.toBeNull();
  });

  it('writes the outbox event in the same transaction as the change, and neither when the change fails', async () => {
    const db = t.app.get(DataSource);
    const slug = unique('outbox');
    const created = await t
      .http(t.tokens.admin)
      .post('/v1/environments')
      .send({ slug, name: 'Outbox', tier: 'testing', rank: 1 })
      .expect(201);
    const outbox = (await db.query(`SELECT type, payload FROM outbox_events WHERE aggregate_id = $1`, [
      created.body.id,
    ])) as { type: string; payload: { after: { slug: string } } }[];
    expect(outbox).toEqual([expect.objectContaining({ type: 'environment.created' })]);
    expect(outbox[0].payload.after.slug).toBe(slug);

    await t
      .http(t.tokens.admin)
      .post('/v1/environments')
      .send({ slug, name: 'Duplicate', tier: 'testing', rank: 1 })
      .expect(409);
    const rejected = (await db.query(
      `SELECT 1 FROM outbox_events WHERE type = 'environment.created' AND payload->'after'->>'name' = 'Duplicate' AND payload->'after'->>'slug' = $1`,
      [slug],
    )) as unknown[];
    expect(rejected).toHaveLength(0);
    const auditForSlug = (await db.query(`SELECT 1 FROM audit_events WHERE after->>'slug' = $1`, [
      slug,
    ])) as unknown[];
    expect(auditForSlug).toHaveLength(1);
  });

  it('is readable by admins and auditors only', async () => {
    await t.http(t.tokens.viewer).get('/v1/audit-events').expect(403);
    await t.http(t.tokens.operator).get('/v1/audit-events').expect(403);
    await t.http(t.tokens.admin).get('/v1/audit-events').expect(200);
    const gql = await t.graphql(`{ auditEvents(limit: 1) { items { seq hash } } }`, {}, t.tokens.viewer);
    expect(gql.errors?.[0]?.extensions.code).toBe('auth.forbidden');
  });

  it('cannot be changed through the database without disabling its append-only trigger', async () => {
    const db = t.app.get(DataSource);
    await expect(db.query(`UPDATE audit_events SET action = 'x' WHERE seq = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query(`DELETE FROM audit_events WHERE seq = 1`)).rejects.toThrow(/append-only/);
  });

  it('verifies the hash chain, and finds the exact event that was altered behind its back', async () => {
    const service = await t
      .http(t.tokens.operator)
      .post('/v1/services')
      .send({ slug: unique('chain'), name: 'Chain', ownerTeam: 'core' })
      .expect(201);
    const intact = await t.http(t.tokens.auditor).get('/v1/audit-events/verify').expect(200);
    expect(intact.body).toMatchObject({ isIntact: true, brokenAtSeq: null });
    expect(intact.body.checkedCount).toBeGreaterThan(0);

    // Tamper like a DBA would: bypass the trigger for this session and rewrite history.
    const [event] = await eventsFor(service.body.id);
    const dba = new Client({ connectionString: process.env.DATABASE_URL });
    await dba.connect();
    try {
      await dba.query('BEGIN');
      await dba.query(`SET LOCAL session_replication_role = replica`);
      await dba.query(
        `UPDATE audit_events SET after = jsonb_set(after, '{name}', '"Forged"') WHERE seq = $1`,
        [event.seq],
      );
      await dba.query('COMMIT');

      const broken = await t.http(t.tokens.auditor).get('/v1/audit-events/verify').expect(200);
      expect(broken.body).toMatchObject({
        isIntact: false,
        brokenAtSeq: event.seq,
        reason: 'its content does not match its hash',
      });
      expect(broken.body.checkedCount).toBe(event.seq - 1);
      const gql = await t.graphql<{ verifyAuditChain: { isIntact: boolean; brokenAtSeq: number } }>(
        `{ verifyAuditChain { isIntact brokenAtSeq } }`,
        {},
        t.tokens.auditor,
      );
      expect(gql.data!.verifyAuditChain).toEqual({ isIntact: false, brokenAtSeq: event.seq });
    } finally {
      // Put history back so other tests sharing this database see an intact chain.
      await dba.query('BEGIN');
      await dba.query(`SET LOCAL session_replication_role = replica`);
      await dba.query(
        `UPDATE audit_events SET after = jsonb_set(after, '{name}', '"Chain"') WHERE seq = $1`,
        [event.seq],
      );
      await dba.query('COMMIT');
      await dba.end();
    }
    const repaired = await t.http(t.tokens.auditor).get('/v1/audit-events/verify').expect(200);
    expect(repaired.body.isIntact).toBe(true);
  });

  it('keeps the chain gap-free under concurrent writers', async () => {
    const team = unique('burst');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t
          .http(t.tokens.operator)
          .post('/v1/services')
          .send({ slug: `${team}-${i}`, name: `S${i}`, ownerTeam: team })
          .expect(201),
      ),
    );
    const verified = await t.http(t.tokens.auditor).get('/v1/audit-events/verify').expect(200);
    expect(verified.body.isIntact).toBe(true);
  });
});
