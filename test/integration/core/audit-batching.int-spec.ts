import { ChangeRecorder, systemActor, Transactions } from '@opsplane/core';
import { DataSource, EntityManager } from 'typeorm';
import { createTestApp, TestApp, unique } from '../../support/test-app';

/**
 * A transaction opened by Transactions.run writes its audit events as its last step before commit,
 * all in one INSERT (libs/core/src/audit/audit-log.service.ts); a transaction opened anywhere else
 * writes each event at once. Either way the chain stays whole.
 */
describe('audit events at the end of their transaction', () => {
  let t: TestApp;
  let transactions: Transactions;
  let changes: ChangeRecorder;
  let dataSource: DataSource;

  beforeAll(async () => {
    t = await createTestApp();
    transactions = t.app.get(Transactions);
    changes = t.app.get(ChangeRecorder);
    dataSource = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const actor = () => systemActor('batching-test', unique('req'));
  const record = (manager: EntityManager, targetId: string, n: number) =>
    changes.record(manager, actor(), {
      action: 'test.changed',
      targetType: 'test',
      targetId,
      after: { n },
    });
  const eventsOf = (manager: EntityManager, targetId: string) =>
    manager.query<{ seq: string; after: { n: number } }[]>(
      `SELECT seq, after FROM audit_events WHERE target_id = $1 ORDER BY seq`,
      [targetId],
    );
  const verify = async () => (await t.http(t.tokens.auditor).get('/v1/audit-events/verify').expect(200)).body;

  it('writes a transaction’s events together at its end, consecutive and in order', async () => {
    const target = unique('batched');
    await transactions.run(async (manager) => {
      for (const n of [1, 2, 3]) await record(manager, target, n);
      // Queued, not yet written: nothing of them inside the transaction either.
      expect(await eventsOf(manager, target)).toEqual([]);
    });
    const events = await eventsOf(dataSource.manager, target);
    expect(events.map((event) => event.after.n)).toEqual([1, 2, 3]);
    const seqs = events.map((event) => Number(event.seq));
    expect(seqs).toEqual([seqs[0], seqs[0]! + 1, seqs[0]! + 2]);
    expect((await verify()).isIntact).toBe(true);
  });

  it('writes nothing of a transaction that fails, also when it fails after its last change', async () => {
    const target = unique('rolled-back');
    await expect(
      transactions.run(async (manager) => {
        await record(manager, target, 1);
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    await expect(
      transactions.run(async (manager) => {
        await record(manager, target, 2);
        expect(transactions.beforeCommit(manager, () => Promise.reject(new Error('late')))).toBe(true);
      }),
    ).rejects.toThrow('late');
    expect(await eventsOf(dataSource.manager, target)).toEqual([]);
  });

  it('writes at once in a transaction Transactions did not open, which has no end step', async () => {
    const target = unique('immediate');
    await dataSource.transaction(async (manager) => {
      expect(transactions.beforeCommit(manager, () => Promise.resolve())).toBe(false);
      await record(manager, target, 1);
      expect(await eventsOf(manager, target)).toHaveLength(1);
    });
    expect(await eventsOf(dataSource.manager, target)).toHaveLength(1);
    expect((await verify()).isIntact).toBe(true);
  });

  it('keeps the chain whole when batched and immediate writers overlap', async () => {
    const target = unique('overlap');
    await Promise.all(
      Array.from({ length: 12 }, (_unused, i) =>
        i % 3 === 0
          ? dataSource.transaction((manager) => record(manager, target, i))
          : transactions.run(async (manager) => {
              await record(manager, target, i);
              await record(manager, target, i + 100);
            }),
      ),
    );
    expect(await eventsOf(dataSource.manager, target)).toHaveLength(4 + 8 * 2);
    expect((await verify()).isIntact).toBe(true);
  });
});
