import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../auth/actor';
import { insertRows } from '../database/bulk-insert';
import { newId } from '../ids';
import { JsonObject } from '../json';
import { OutboxEventEntity } from './outbox-event.entity';

export interface OutboxMessage {
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: JsonObject;
}

@Injectable()
export class OutboxService {
  /** Must be called with the manager of the transaction that makes the change. */
  async enqueue(
    manager: EntityManager,
    actor: Actor,
    message: OutboxMessage,
    occurredAt: Date,
  ): Promise<void> {
    await manager.insert(OutboxEventEntity, {
      id: newId(),
      ...message,
      requestId: actor.requestId,
      occurredAt,
      publishedAt: null,
    });
  }

  /** Several events of one change in one INSERT (an alert group can fire a hundred alerts at once). */
  async enqueueMany(
    manager: EntityManager,
    actor: Actor,
    messages: OutboxMessage[],
    occurredAt: Date,
  ): Promise<void> {
    if (messages.length === 0) return;
    await insertRows(
      manager,
      OutboxEventEntity,
      messages.map((message) => ({
        id: newId(),
        ...message,
        requestId: actor.requestId,
        occurredAt,
        publishedAt: null,
      })),
    );
  }
}
