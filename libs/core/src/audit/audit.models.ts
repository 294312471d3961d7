import { JsonObject } from '../json';
import { Args, Model, Prop } from '../schema/fields';
import { PageArgs, PageOf } from '../pagination/pagination';
import { AuditEventEntity } from './audit-event.entity';

@Model('AuditEvent', 'One recorded change. Append-only and hash-chained.')
export class AuditEventModel {
  @Prop.uuid()
  id: string;

  @Prop.int({ min: 1, max: Number.MAX_SAFE_INTEGER, description: 'Position in the hash chain.' })
  seq: number;

  @Prop.date()
  occurredAt: Date;

  @Prop.enum(['api_key', 'system'], 'ActorKind')
  actorKind: string;

  @Prop.string()
  actorId: string;

  @Prop.string()
  actorName: string;

  @Prop.string({ example: 'environment.updated' })
  action: string;

  @Prop.string({ example: 'environment' })
  targetType: string;

  @Prop.string()
  targetId: string;

  @Prop.string()
  requestId: string;

  @Prop.json({ nullable: true })
  before: JsonObject | null;

  @Prop.json({ nullable: true })
  after: JsonObject | null;

  @Prop.string({ nullable: true })
  reason: string | null;

  @Prop.string({ description: 'SHA-256 of the previous event (zeros for the first).' })
  prevHash: string;

  @Prop.string({ description: 'SHA-256 over this event and prevHash.' })
  hash: string;
}

export const AuditEventPage = PageOf(AuditEventModel, 'AuditEventPage');

@Args()
export class ListAuditEventsArgs extends PageArgs {
  @Prop.string({ optional: true, maxLength: 100 })
  targetType?: string;

  @Prop.string({ optional: true, maxLength: 200 })
  targetId?: string;

  @Prop.string({ optional: true, maxLength: 200 })
  actorId?: string;

  @Prop.string({ optional: true, maxLength: 100 })
  action?: string;

  @Prop.date({ optional: true, description: 'Events at or after this time.' })
  from?: Date;

  @Prop.date({ optional: true, description: 'Events before this time.' })
  to?: Date;
}

@Model('AuditChainVerification')
export class AuditChainVerificationModel {
  @Prop.bool({ description: 'True when every event matches its hash and links to the one before.' })
  isIntact: boolean;

  @Prop.int({
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    description: 'Events verified before the first break (or all).',
  })
  checkedCount: number;

  @Prop.int({ nullable: true, min: 1, max: Number.MAX_SAFE_INTEGER })
  brokenAtSeq: number | null;

  @Prop.uuid({ nullable: true })
  brokenEventId: string | null;

  @Prop.string({ nullable: true })
  reason: string | null;

  @Prop.int({
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    description:
      'The first event rehashed now: 1 when the whole chain was; later when events up to the one before were ' +
      'rehashed by the last full verification (at `checkpointVerifiedAt`) and found unchanged at its end.',
  })
  rehashedFromSeq: number;

  @Prop.date({
    nullable: true,
    description: 'When the events before `rehashedFromSeq` were last rehashed in full (AUDIT_VERIFY_CRON).',
  })
  checkpointVerifiedAt: Date | null;
}

export function toAuditEventModel(entity: AuditEventEntity): AuditEventModel {
  return { ...entity };
}
