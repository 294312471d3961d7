import { JsonObject, Model, Prop } from '@opsplane/core';
import { ALERT_STATUSES, AlertEntity, AlertStatus } from './alert.entity';

@Model('Alert', 'One alert instance from a monitoring system; alerts attach to incidents.')
export class AlertModel {
  @Prop.uuid()
  id: string;

  @Prop.uuid()
  sourceId: string;

  @Prop.uuid({ nullable: true })
  incidentId: string | null;

  @Prop.enum(ALERT_STATUSES, 'AlertStatus')
  status: AlertStatus;

  @Prop.string({ maxLength: 1000 })
  title: string;

  @Prop.string({ maxLength: 20, description: 'SEV1…SEV5, mapped from the source’s severity label.' })
  severity: string;

  @Prop.json()
  labels: JsonObject;

  @Prop.json()
  annotations: JsonObject;

  @Prop.string({
    nullable: true,
    maxLength: 10_000,
    description: 'The group it arrived in (Alertmanager, Grafana).',
  })
  groupKey: string | null;

  @Prop.date()
  startsAt: Date;

  @Prop.date({ nullable: true })
  endsAt: Date | null;

  @Prop.date()
  firstReceivedAt: Date;

  @Prop.date({ description: 'When a delivery last changed it (duplicates change nothing).' })
  lastChangedAt: Date;
}

@Model('AlertList', 'The alerts of one incident, oldest first.')
export class AlertListModel {
  @Prop.nested(() => AlertModel, { isArray: true, maxItems: 10_000 })
  items: AlertModel[];
}

export function toAlertModel(entity: AlertEntity): AlertModel {
  return {
    id: entity.id,
    sourceId: entity.sourceId,
    incidentId: entity.incidentId,
    status: entity.status,
    title: entity.title,
    severity: entity.severity,
    labels: entity.labels,
    annotations: entity.annotations,
    groupKey: entity.groupKey,
    startsAt: entity.startsAt,
    endsAt: entity.endsAt,
    firstReceivedAt: entity.firstReceivedAt,
    lastChangedAt: entity.lastChangedAt,
  };
}
