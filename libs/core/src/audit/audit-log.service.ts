import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../auth/actor';
import { newId } from '../ids';
import { JsonObject } from '../json';
import { Page, paginate, toPage } from '../pagination/pagination';
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

@Injectable()
export class AuditLogService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Appends to the chain inside the caller's transaction. The advisory lock is held to commit, so
   * call this last in a transaction to keep the serialised part short.
   */
  async append(manager: EntityManager, actor: Actor, entry: AuditEntry, occurredAt: Date): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK_KEY]);
    const [last] = await manager.query<{ seq: string; hash: string }[]>(
      'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
    );
    const fields: HashedFields = {
      id: newId(),
      seq: last ? Number(last.seq) + 1 : 1,
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
      prevHash: last?.hash ?? GENESIS_HASH,
    };
    await manager.insert(AuditEventEntity, { ...fields, hash: hashEvent(fields) });
  }

  async list(args: ListAuditEventsArgs): Promise<Page<AuditEventModel>> {
    const query = this.dataSource.getRepository(AuditEventEntity).createQueryBuilder('event');
    if (args.targetType) query.andWhere('event.targetType = :targetType', { targetType: args.targetType });
    if (args.targetId) query.andWhere('event.targetId = :targetId', { targetId: args.targetId });
    if (args.actorId) query.andWhere('event.actorId = :actorId', { actorId: args.actorId });
    if (args.action) query.andWhere('event.action = :action', { action: args.action });
    if (args.from) query.andWhere('event.occurredAt >= :from', { from: args.from });
    if (args.to) query.andWhere('event.occurredAt < :to', { to: args.to });
    const rows = await paginate(query, args, {
      sortColumn: 'event.seq',
      sortType: 'bigint',
      idColumn: 'event.id',
    }).getMany();
    return toPage(rows, args, (row) => ({ sort: row.seq, id: row.id }), toAuditEventModel);
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
