import { Transactions } from '@opsplane/core';
import { DataSource, EntityManager } from 'typeorm';
import { createTestApp, TestApp } from '../../support/test-app';

/**
 * The open transaction travels with the async context, and the context storage is switched off
 * whenever no transaction runs (libs/core/src/database/transactions.ts). Whatever the order in
 * which overlapping transactions end, each must keep seeing its own manager to the end, and code
 * outside any transaction the pool's.
 */
describe('Transactions', () => {
  let t: TestApp;
  let transactions: Transactions;
  let dataSource: DataSource;

  beforeAll(async () => {
    t = await createTestApp();
    transactions = t.app.get(Transactions);
    dataSource = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const backendPid = async (manager: EntityManager) =>
    ((await manager.query(`SELECT pg_backend_pid() AS pid`)) as { pid: number }[])[0]!.pid;
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

  it('keeps each overlapping transaction on its own connection until it ends, whichever ends first', async () => {
    let releaseFirst!: () => void;
    const firstMayEnd = new Promise<void>((resolve) => (releaseFirst = resolve));
    const seen: Record<string, number[]> = { first: [], second: [] };
    const first = transactions.run(async (manager) => {
      seen.first!.push(await backendPid(manager));
      await firstMayEnd;
      seen.first!.push(await backendPid(transactions.manager()));
    });
    const second = transactions.run(async (manager) => {
      seen.second!.push(await backendPid(manager));
      releaseFirst();
      await first; // the first transaction has ended (and was the first to end)
      await tick();
      seen.second!.push(await backendPid(transactions.manager()));
      // Joining: a nested run uses the open transaction rather than starting another.
      await transactions.run(async (nested) => seen.second!.push(await backendPid(nested)));
    });
    await Promise.all([first, second]);

    expect(new Set(seen.first).size).toBe(1);
    expect(new Set(seen.second).size).toBe(1);
    expect(seen.first![0]).not.toBe(seen.second![0]);
    expect(transactions.manager()).toBe(dataSource.manager);
  });

  it('gives code outside a transaction the pool, also after transactions have come and gone', async () => {
    await transactions.run(async (manager) => {
      expect(transactions.manager()).toBe(manager);
      await tick();
      expect(transactions.manager()).toBe(manager);
    });
    expect(transactions.manager()).toBe(dataSource.manager);
    await transactions.run(async (manager) => {
      await tick();
      expect(transactions.manager()).toBe(manager);
    });
    expect(transactions.manager()).toBe(dataSource.manager);
  });

  it('rolls back a failed transaction and still ends it', async () => {
    await expect(
      transactions.run(async (manager) => {
        await manager.query(`CREATE TEMP TABLE doomed (id int)`);
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(transactions.manager()).toBe(dataSource.manager);
    await transactions.run(async (manager) => {
      expect(transactions.manager()).toBe(manager);
      expect(await manager.query(`SELECT to_regclass('doomed') AS "table"`)).toEqual([{ table: null }]);
    });
  });
});
