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
 */
@Injectable()
export class Transactions {
  private readonly current = new AsyncLocalStorage<EntityManager>();
  private running = 0;

  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const open = this.current.getStore();
    if (open) return work(open);
    this.running++;
    return this.dataSource
      .transaction((manager) => this.current.run(manager, () => work(manager)))
      .finally(() => {
        if (--this.running === 0) this.current.disable();
      });
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
}
