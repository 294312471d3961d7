import { AuditLogService, FixedClock } from '@opsplane/core';
import { Client } from 'pg';
import { createTestApp, TestApp, unique } from '../../support/test-app';

/**
 * Verification from a checkpoint: the scheduled full verification keeps where the intact chain
 * ended; later verifications (every compliance report) rehash only the events after it, and say
 * when the rest was last rehashed. A break after the checkpoint shows at once; one before it shows
 * at the next full verification, which then removes the checkpoint.
 */
describe('audit chain checkpoints', () => {
  const clock = new FixedClock(new Date('2037-01-05T10:00:00.000Z'));
  let t: TestApp;
  let audit: AuditLogService;
  beforeAll(async () => {
    t = await createTestApp({}, { clock });
    audit = t.app.get(AuditLogService);
  });
  afterAll(() => t.close());

  const change = async () =>
    (
      await t
        .http(t.tokens.operator)
        .post('/v1/services')
        .send({ slug: unique('svc'), name: 'Svc', ownerTeam: 'core' })
        .expect(201)
    ).body.id as string;
  const seqOf = async (targetId: string) =>
    Number(
      (await t.http(t.tokens.auditor).get('/v1/audit-events').query({ targetId }).expect(200)).body.items[0]
        .seq,
    );
  /** Rewrites an event's content the way a DBA could, past the append-only trigger. */
  const forge = async (seq: number, name: string) => {
    const dba = new Client({ connectionString: process.env.DATABASE_URL });
    await dba.connect();
    try {
      await dba.query('BEGIN');
      await dba.query('SET LOCAL session_replication_role = replica');
      await dba.query(
        `UPDATE audit_events SET after = jsonb_set(after, '{name}', to_jsonb($2::text)) WHERE seq = $1`,
        [seq, name],
      );
      await dba.query('COMMIT');
    } finally {
      await dba.end();
    }
  };

  it('rehashes only what came after the checkpoint, and finds breaks on either side of it', async () => {
    const before = await seqOf(await change());
    expect(await audit.verifySinceCheckpoint()).toMatchObject({ isIntact: true, rehashedFromSeq: 1 });

    const full = await audit.checkpoint(clock.now());
    expect(full).toMatchObject({ isIntact: true });
    const through = full.checkedCount;
    clock.advance(60_000);
    const after = await seqOf(await change());

    const since = await audit.verifySinceCheckpoint();
    expect(since).toMatchObject({
      isIntact: true,
      rehashedFromSeq: through + 1,
      checkpointVerifiedAt: new Date('2037-01-05T10:00:00.000Z'),
    });
    expect(since.checkedCount).toBe(after);

    // After the checkpoint: found at once.
    await forge(after, 'Forged');
    expect(await audit.verifySinceCheckpoint()).toMatchObject({ isIntact: false, brokenAtSeq: after });
    await forge(after, 'Svc');
    expect((await audit.verifySinceCheckpoint()).isIntact).toBe(true);

    // Before it: the report says when the earlier events were last rehashed; the full verification finds it
    // and removes the checkpoint, so every verification after it is full and finds it too.
    await forge(before, 'Forged');
    expect((await audit.verifySinceCheckpoint()).isIntact).toBe(true);
    expect(await audit.verify()).toMatchObject({ isIntact: false, brokenAtSeq: before });
    expect(await audit.checkpoint(clock.now())).toMatchObject({ isIntact: false, brokenAtSeq: before });
    expect(await audit.verifySinceCheckpoint()).toMatchObject({
      isIntact: false,
      brokenAtSeq: before,
      rehashedFromSeq: 1,
      checkpointVerifiedAt: null,
    });
  });
});
