import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../auth/actor';
import { Clock } from '../clock';
import { OutboxService } from '../outbox/outbox.service';
import { AuditLogService } from './audit-log.service';
import { toJson } from './canonical-json';

export interface Change {
  /** `<resource>.<verb>`, e.g. `environment.updated`; also the outbox event type. */
  action: string;
  targetType: string;
  targetId: string;
  before?: object | null;
  after?: object | null;
  reason?: string | null;
}

/**
 * Every state change is recorded twice, in the transaction that makes it: an audit event (who,
 * what, before/after) and an outbox event (for webhooks and subscriptions). Services call this,
 * never the two underneath, so neither can be forgotten.
 */
@Injectable()
export class ChangeRecorder {
  constructor(
    private readonly auditLog: AuditLogService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  async record(manager: EntityManager, actor: Actor, change: Change): Promise<void> {
    const occurredAt = this.clock.now();
    const before = change.before ? toJson(change.before) : null;
    const after = change.after ? toJson(change.after) : null;
    await this.outbox.enqueue(
      manager,
      actor,
      {
        type: change.action,
        aggregateType: change.targetType,
        aggregateId: change.targetId,
        payload: { before, after, actor: { kind: actor.kind, id: actor.id, name: actor.name } },
      },
      occurredAt,
    );
    await this.auditLog.append(
      manager,
      actor,
      {
        action: change.action,
        targetType: change.targetType,
        targetId: change.targetId,
        before,
        after,
        reason: change.reason,
      },
      occurredAt,
    );
  }
}
