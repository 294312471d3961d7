import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../auth/actor';
import { observedRange } from '../auth/observation-window';
import { newId } from '../ids';
import { JsonObject } from '../json';
import { insertRows } from '../database/bulk-insert';
import { Transactions } from '../database/transactions';
import { KeysetOrder, Page, paginate, toPage } from '../pagination/pagination';
import { AuditEventEntity } from './audit-event.entity';
import { canonicalJson } from './canonical-json';
import {
  AuditEventModel,
  AuditChainVerificationModel,
  ListAuditEventsArgs,
  toAuditEventModel,
} from './audit.models';

/** Serialises appends so each event links to the one before it. */
const AUDIT_CHAIN_LOCK_KEY = 0x617564; // "aud"
const GENESIS_HASH = '0'.repeat(64);
const VERIFY_BATCH = 2000;

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string;
  before: JsonObject | null;
  after: JsonObject | null;
  reason?: string | null;
}

type HashedFields = Omit<AuditEventEntity, 'hash'>;

interface PendingEntry {
  actor: Actor;
  entry: AuditEntry;
  occurredAt: Date;
}

/**
 * The hash-chained audit log. Appending takes a transaction-scoped advisory lock (each event links
 * to the one before, so appends are serialised) that is held until the commit. To keep that
 * serialised stretch short, the events of a transaction opened by Transactions.run are queued and
 * written together as its last step before commit (Transactions.beforeCommit), in one INSERT with
 * consecutive seq and prevHash links; transactions that change many rows then overlap until their
 * very end instead of queueing behind each other's first audited change.
 *
 * The one exception, for a manager whose transaction Transactions did not open (or no transaction
 * at all), is to append at once, as beforeCommit tells: nothing else would write the queue.
 */
@Injectable()
export class AuditLogService {
  /** Entries waiting for their transaction's end, by the transaction's manager. */
  private readonly pending = new WeakMap<EntityManager, PendingEntry[]>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
  ) {}

  /** Appends to the chain as part of the caller's transaction (see the class comment for when it is written). */
  async append(manager: EntityManager, actor: Actor, entry: AuditEntry, occurredAt: Date): Promise<void> {
    const queued = this.pending.get(manager);
    if (queued) {
      queued.push({ actor, entry, occurredAt });
      return;
    }
    const entries = [{ actor, entry, occurredAt }];
    const deferred = this.transactions.beforeCommit(manager, () => {
      this.pending.delete(manager);
      return this.write(manager, entries);
    });
    if (deferred) this.pending.set(manager, entries);
    else await this.write(manager, entries);
  }

  /** Links the entries, in order, after the chain's last event; the lock is held to the commit. */
  private async write(manager: EntityManager, entries: PendingEntry[]): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK_KEY]);
    const [last] = await manager.query<{ seq: string; hash: string }[]>(
      'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
    );
    let seq = last ? Number(last.seq) : 0;
    let prevHash = last?.hash ?? GENESIS_HASH;
    const rows = entries.map(({ actor, entry, occurredAt }): AuditEventEntity => {
      const fields: HashedFields = {
        id: newId(),
        seq: ++seq,
        occurredAt,
        actorKind: actor.kind,
        actorId: actor.id,
        actorName: actor.name,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId,
        requestId: actor.requestId,
        before: entry.before,
        after: entry.after,
        reason: entry.reason ?? null,
        prevHash,
      };
      prevHash = hashEvent(fields);
      return { ...fields, hash: prevHash };
    });
    await insertRows(manager, AuditEventEntity, rows);
  }

  /** Newest last (chain order); an observation window narrows from/to to it. */
  async list(reader: Actor, args: ListAuditEventsArgs): Promise<Page<AuditEventModel>> {
    const { from, to } = observedRange(reader, args.from, args.to);
    const query = this.dataSource.getRepository(AuditEventEntity).createQueryBuilder('event');
    if (args.targetType) query.andWhere('event.targetType = :targetType', { targetType: args.targetType });
    if (args.targetId) query.andWhere('event.targetId = :targetId', { targetId: args.targetId });
    if (args.actorId) query.andWhere('event.actorId = :actorId', { actorId: args.actorId });
    if (args.action) query.andWhere('event.action = :action', { action: args.action });
    if (from) query.andWhere('event.occurredAt >= :from', { from });
    if (to) query.andWhere('event.occurredAt < :to', { to });
    const order: KeysetOrder = { sortColumn: 'event.seq', sortType: 'bigint', idColumn: 'event.id' };
    const rows = await paginate(query, args, order).getMany();
    return toPage(rows, args, order, (row) => ({ sort: row.seq, id: row.id }), toAuditEventModel);
  }

  /** Recomputes every hash in chain order; reports the first event whose content or link does not match. */
  async verify(): Promise<AuditChainVerificationModel> {
    const repository = this.dataSource.getRepository(AuditEventEntity);
    let previousHash = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    for (;;) {
      const batch = await repository
        .createQueryBuilder('event')
        .where('event.seq >= :from', { from: expectedSeq })
        .orderBy('event.seq', 'ASC')
        .limit(VERIFY_BATCH)
        .getMany();
      for (const event of batch) {
        const problem =
          event.seq !== expectedSeq
            ? `event ${expectedSeq} is missing`
            : event.prevHash !== previousHash
              ? 'its link to the previous event does not match'
              : hashEvent(event) !== event.hash
                ? 'its content does not match its hash'
                : null;
        if (problem) {
          return {
            isIntact: false,
            checkedCount: checked,
            brokenAtSeq: expectedSeq,
            brokenEventId: event.id,
            reason: problem,
          };
        }
        previousHash = event.hash;
        expectedSeq += 1;
        checked += 1;
      }
      if (batch.length < VERIFY_BATCH) break;
    }
    return { isIntact: true, checkedCount: checked, brokenAtSeq: null, brokenEventId: null, reason: null };
  }
}

function hashEvent(event: HashedFields): string {
  const content = canonicalJson({
    id: event.id,
    seq: event.seq,
    occurredAt: event.occurredAt.toISOString(),
    actorKind: event.actorKind,
    actorId: event.actorId,
    actorName: event.actorName,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    requestId: event.requestId,
    before: event.before,
    after: event.after,
    reason: event.reason,
    prevHash: event.prevHash,
  });
  return createHash('sha256').update(content).digest('hex');
}
