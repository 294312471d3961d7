import { JsonObject } from '@opsplane/core';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { IncidentEntity } from '../incident.entity';
import { AlertSourceEntity } from './alert-source.entity';

export const ALERT_STATUSES = ['firing', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/**
 * One alert instance from a source: for Alertmanager and Grafana one (fingerprint, startsAt), for
 * PagerDuty events one dedup_key. The unique key makes repeated deliveries land on the same row.
 */
@Entity({ name: 'alerts' })
@Index('alerts_source_dedup_key', ['sourceId', 'dedupKey'], { unique: true })
@Index('alerts_incident_idx', ['incidentId', 'status'])
@Check('alerts_status_check', `status IN ('firing', 'resolved')`)
export class AlertEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  sourceId: string;

  @ManyToOne(() => AlertSourceEntity)
  @JoinColumn({ name: 'source_id', foreignKeyConstraintName: 'alerts_source_id_fkey' })
  source?: object;

  @Column('text')
  dedupKey: string;

  /** The Alertmanager/Grafana group it arrived in (null for PagerDuty events). */
  @Column('text', { nullable: true })
  groupKey: string | null;

  @Column('uuid', { nullable: true })
  incidentId: string | null;

  @ManyToOne(() => IncidentEntity)
  @JoinColumn({ name: 'incident_id', foreignKeyConstraintName: 'alerts_incident_id_fkey' })
  incident?: object;

  @Column('text')
  status: AlertStatus;

  @Column('text')
  title: string;

  @Column('text')
  severity: string;

  @Column('jsonb')
  labels: JsonObject;

  @Column('jsonb')
  annotations: JsonObject;

  @Column('timestamptz')
  startsAt: Date;

  @Column('timestamptz', { nullable: true })
  endsAt: Date | null;

  @Column('timestamptz')
  firstReceivedAt: Date;

  @Column('timestamptz')
  lastChangedAt: Date;
}

/**
 * An alert group (Alertmanager's groupKey, Grafana's groupKey) and the incident it currently
 * feeds. Locked for the length of a delivery, so concurrent duplicate deliveries (Alertmanager HA
 * pairs send each notification from every peer) apply one after the other.
 */
@Entity({ name: 'alert_groups' })
@Index('alert_groups_source_group_key', ['sourceId', 'groupKey'], { unique: true })
export class AlertGroupEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  sourceId: string;

  @ManyToOne(() => AlertSourceEntity)
  @JoinColumn({ name: 'source_id', foreignKeyConstraintName: 'alert_groups_source_id_fkey' })
  source?: object;

  @Column('text')
  groupKey: string;

  @Column('uuid', { nullable: true })
  incidentId: string | null;

  @ManyToOne(() => IncidentEntity)
  @JoinColumn({ name: 'incident_id', foreignKeyConstraintName: 'alert_groups_incident_id_fkey' })
  incident?: object;

  /** Alerts the sender left out of its last delivery (Alertmanager `max_alerts`). */
  @Column('int', { default: 0 })
  truncatedAlerts: number;

  @Column('timestamptz')
  updatedAt: Date;
}
