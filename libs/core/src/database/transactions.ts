import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs work in one database transaction. A call made while a transaction is already open (an
 * idempotent POST wraps the whole handler) joins it, so the change, its audit event, its outbox
 * event and the stored idempotent response commit or roll back together.
 *
 * The open transaction travels in an AsyncLocalStorage, which on Node 20 is carried by promise
 * hooks: while any storage is enabled, every promise in the process pays for them (about a tenth
 * of the CPU of a list request). So the storage is enabled only while transactions run and
 * disabled when the last one ends; with none open there is no context to carry, and a read-only
 * request pays nothing.
 *
 * Work can be left to the end of a transaction (beforeCommit): the audit log appends a
 * transaction's events there, so the lock that orders the audit chain is held from that last step
 * to the commit rather than from the first change of the transaction.
 */
@Injectable()
export class Transactions {
  private readonly current = new AsyncLocalStorage<EntityManager>();
  private running = 0;
  /** The hooks of each transaction opened by run(), by its manager; a manager is one transaction's own. */
  private readonly hooks = new WeakMap<EntityManager, (() => Promise<void>)[]>();

  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const open = this.current.getStore();
    if (open) return work(open);
    this.running++;
    return this.dataSource
      .transaction((manager) => this.current.run(manager, () => this.withHooks(manager, work)))
      .finally(() => {
        if (--this.running === 0) this.current.disable();
      });
  }

  /**
   * Runs `hook` as the last step of the transaction `manager` belongs to, after its work and just
   * before the commit (a hook that throws rolls it all back), when run() opened that transaction.
   * For any other manager (the pool's, or a transaction opened elsewhere) it returns false and
   * runs nothing: the caller must then do the work at once.
   */
  beforeCommit(manager: EntityManager, hook: () => Promise<void>): boolean {
    const hooks = this.hooks.get(manager);
    hooks?.push(hook);
    return hooks !== undefined;
  }

  /**
   * The open transaction's manager, or the pool's outside one. Reads in code that may run inside
   * a transaction (anything an idempotent POST calls) must use this: reading through the
   * DataSource takes a second pooled connection while the transaction holds one, and under load
   * every request ends up waiting for a connection that never frees.
   */
  manager(): EntityManager {
    return this.current.getStore() ?? this.dataSource.manager;
  }

  private async withHooks<T>(
    manager: EntityManager,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    const hooks: (() => Promise<void>)[] = [];
    this.hooks.set(manager, hooks);
    try {
      const result = await work(manager);
      // In order of registration; one hook may register another.
      for (let hook = hooks.shift(); hook; hook = hooks.shift()) await hook();
      return result;
    } finally {
      this.hooks.delete(manager);
    }
  }
}
