import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs work in one database transaction. A call made while a transaction is already open (an
 * idempotent POST wraps the whole handler) joins it, so the change, its audit event, its outbox
 * event and the stored idempotent response commit or roll back together.
 */
@Injectable()
export class Transactions {
  private readonly current = new AsyncLocalStorage<EntityManager>();

  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const open = this.current.getStore();
    if (open) return work(open);
    return this.dataSource.transaction((manager) => this.current.run(manager, () => work(manager)));
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
