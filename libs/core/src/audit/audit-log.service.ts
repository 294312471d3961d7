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
import { AuditChainCheckpointEntity } from './audit-checkpoint.entity';
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

  /**
   * Recomputes every hash in chain order; reports the first event whose content or link does not
   * match. About 70 µs an event (reading the jsonb, canonical JSON, SHA-256): seconds for a
   * chain of 100 k events, which is why reports use verifySinceCheckpoint.
   */
  async verify(): Promise<AuditChainVerificationModel> {
    const { verification } = await this.rehash(1, GENESIS_HASH);
    return { ...verification, rehashedFromSeq: 1, checkpointVerifiedAt: null };
  }

  /**
   * The chain verified from the checkpoint of the last full verification: checks that the
   * checkpoint's event still has its hash, then rehashes only the events after it. An event
   * rewritten in place before the checkpoint since that full verification shows at the next one
   * (AUDIT_VERIFY_CRON), and the answer says when that was (`checkpointVerifiedAt`). Without a
   * checkpoint, or when its event changed, it verifies in full.
   */
  async verifySinceCheckpoint(): Promise<AuditChainVerificationModel> {
    const checkpoint = await this.dataSource.getRepository(AuditChainCheckpointEntity).findOneBy({ id: 1 });
    if (!checkpoint) return this.verify();
    const [anchor] = await this.dataSource.query<{ hash: string }[]>(
      'SELECT hash FROM audit_events WHERE seq = $1',
      [checkpoint.throughSeq],
    );
    if (anchor?.hash !== checkpoint.throughHash) return this.verify();
    const { verification } = await this.rehash(checkpoint.throughSeq + 1, checkpoint.throughHash);
    return {
      ...verification,
      checkedCount: checkpoint.throughSeq + verification.checkedCount,
      rehashedFromSeq: checkpoint.throughSeq + 1,
      checkpointVerifiedAt: checkpoint.verifiedAt,
    };
  }

  /**
   * Verifies the whole chain and moves the checkpoint to its end when intact; a broken chain
   * removes the checkpoint, so every later verification is full (and finds the break) until the
   * chain is repaired. The scheduled job's work.
   */
  async checkpoint(now: Date): Promise<AuditChainVerificationModel> {
    const { verification, through } = await this.rehash(1, GENESIS_HASH);
    const checkpoints = this.dataSource.getRepository(AuditChainCheckpointEntity);
    if (verification.isIntact && through)
      await checkpoints.upsert(
        { id: 1, throughSeq: through.seq, throughHash: through.hash, verifiedAt: now },
        ['id'],
      );
    else await checkpoints.delete({ id: 1 });
    return { ...verification, rehashedFromSeq: 1, checkpointVerifiedAt: null };
  }

  /**
   * Rehashes from `fromSeq` (linking to `previousHash`) to the end of the chain. Reads raw rows:
   * entity hydration would cost as much again.
   */
  private async rehash(
    fromSeq: number,
    previousHash: string,
  ): Promise<{
    verification: Omit<AuditChainVerificationModel, 'rehashedFromSeq' | 'checkpointVerifiedAt'>;
    through: { seq: number; hash: string } | null;
  }> {
    let expectedSeq = fromSeq;
    let checked = 0;
    for (;;) {
      const batch = await this.dataSource.query<(HashedFields & { hash: string })[]>(
        `SELECT id, seq::float8 AS seq, occurred_at AS "occurredAt", actor_kind AS "actorKind",
                actor_id AS "actorId", actor_name AS "actorName", action, target_type AS "targetType",
                target_id AS "targetId", request_id AS "requestId", before, after, reason,
                prev_hash AS "prevHash", hash
           FROM audit_events WHERE audit_events.seq >= $1 ORDER BY audit_events.seq LIMIT ${VERIFY_BATCH}`,
        [expectedSeq],
      );
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
            verification: {
              isIntact: false,
              checkedCount: checked,
              brokenAtSeq: expectedSeq,
              brokenEventId: event.id,
              reason: problem,
            },
            through: null,
          };
        }
        previousHash = event.hash;
        expectedSeq += 1;
        checked += 1;
      }
      if (batch.length < VERIFY_BATCH) break;
    }
    return {
      verification: {
        isIntact: true,
        checkedCount: checked,
        brokenAtSeq: null,
        brokenEventId: null,
        reason: null,
      },
      through: expectedSeq > fromSeq ? { seq: expectedSeq - 1, hash: previousHash } : null,
    };
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
