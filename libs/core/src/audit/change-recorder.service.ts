import { Injectable } from '@nestjs/common';
import { EntityManager, EntityTarget } from 'typeorm';
import { Actor } from '../auth/actor';
import { Clock } from '../clock';
import { ConcurrencyField, loadForUpdate, RowLock } from '../database/versioning';
import { AppError } from '../errors/app-error';
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

/** How a versioned resource is stored and shown, declared once per resource for `edit`/`remove`. */
export interface VersionedResource<E extends { id: string }, M extends object> {
  entity: EntityTarget<E>;
  /** `targetType` in the audit log and the prefix of its actions, e.g. `environment`. */
  type: string;
  toModel(entity: E): M;
  notFound(id: string): AppError;
  versionField?: ConcurrencyField;
  /** How `edit` and `remove` lock the row; FOR UPDATE unless said otherwise. */
  lock?: RowLock;
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

  /**
   * Many changes of one actor at once (a scan opening or resolving a hundred findings): their
   * outbox events in one INSERT, their audit events linked in order, as `record` would.
   */
  async recordMany(manager: EntityManager, actor: Actor, changes: Change[]): Promise<void> {
    if (changes.length === 0) return;
    const occurredAt = this.clock.now();
    const snapshots = changes.map((change) => ({
      change,
      before: change.before ? toJson(change.before) : null,
      after: change.after ? toJson(change.after) : null,
    }));
    await this.outbox.enqueueMany(
      manager,
      actor,
      snapshots.map(({ change, before, after }) => ({
        type: change.action,
        aggregateType: change.targetType,
        aggregateId: change.targetId,
        payload: { before, after, actor: { kind: actor.kind, id: actor.id, name: actor.name } },
      })),
      occurredAt,
    );
    for (const { change, before, after } of snapshots)
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

  /**
   * The common edit of a versioned row, inside the caller's transaction: lock it and check the
   * caller's expected version (412 when stale), let `apply` refuse (by throwing) or return the
   * changed row, save it and record `<type>.<verb>` with before and after.
   */
  async edit<E extends { id: string }, M extends object>(
    manager: EntityManager,
    actor: Actor,
    resource: VersionedResource<E, M>,
    edit: { id: string; expectedVersion?: number; verb: string; reason?: string | null },
    apply: (entity: E) => E | Promise<E>,
  ): Promise<M> {
    const entity = await this.load(manager, resource, edit.id, edit.expectedVersion);
    const before = resource.toModel(entity);
    const after = resource.toModel(await manager.save(resource.entity, await apply(entity)));
    await this.record(manager, actor, {
      action: `${resource.type}.${edit.verb}`,
      targetType: resource.type,
      targetId: edit.id,
      before,
      after,
      reason: edit.reason,
    });
    return after;
  }

  /** Deletes a versioned row for good; the audit event keeps what it was. */
  async remove<E extends { id: string }, M extends object>(
    manager: EntityManager,
    actor: Actor,
    resource: VersionedResource<E, M>,
    id: string,
    expectedVersion?: number,
  ): Promise<M> {
    const entity = await this.load(manager, resource, id, expectedVersion);
    await manager.getRepository(resource.entity).delete(id);
    const deleted = resource.toModel(entity);
    await this.record(manager, actor, {
      action: `${resource.type}.deleted`,
      targetType: resource.type,
      targetId: id,
      before: deleted,
    });
    return deleted;
  }

  private load<E extends { id: string }, M extends object>(
    manager: EntityManager,
    resource: VersionedResource<E, M>,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<E> {
    return loadForUpdate(
      manager,
      resource.entity,
      id,
      expectedVersion,
      () => resource.notFound(id),
      resource.versionField,
      resource.lock,
    );
  }
}
