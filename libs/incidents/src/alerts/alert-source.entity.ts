import { JsonObject } from '@opsplane/core';
import { Check, Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';

export const ALERT_SOURCE_KINDS = ['alertmanager', 'grafana', 'pagerduty'] as const;
export type AlertSourceKind = (typeof ALERT_SOURCE_KINDS)[number];

export const RESOLVE_TARGETS = ['mitigated', 'resolved'] as const;
export type ResolveTarget = (typeof RESOLVE_TARGETS)[number];

/**
 * A monitoring system allowed to send alerts (Alertmanager, Grafana, a PagerDuty-events sender),
 * with its URL, its secret and how its labels map onto incidents.
 *
 * The secret is stored as is, not hashed like API keys: HMAC signatures can only be checked by
 * someone holding the key (GitHub stores webhook secrets the same way). Bearer tokens are compared
 * in constant time.
 */
@Entity({ name: 'alert_sources' })
@Check('alert_sources_kind_check', `kind IN ('alertmanager', 'grafana', 'pagerduty')`)
@Check('alert_sources_resolve_check', `resolve_incident_to IN ('mitigated', 'resolved')`)
@Check('alert_sources_severity_check', `default_severity IN ('SEV1', 'SEV2', 'SEV3', 'SEV4', 'SEV5')`)
export class AlertSourceEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text')
  kind: AlertSourceKind;

  @Column('text')
  secret: string;

  /** Label (Alertmanager, Grafana) whose value says how bad an alert is. */
  @Column('text')
  severityLabel: string;

  /** Label value → SEV1…SEV5, on top of the built-in mapping. */
  @Column('jsonb', { default: () => "'{}'" })
  severityMap: JsonObject;

  @Column('text')
  defaultSeverity: string;

  /** Labels naming the catalog service and environment (by slug) of an alert. */
  @Column('text')
  serviceLabel: string;

  @Column('text')
  environmentLabel: string;

  /** What an incident becomes when every alert on it has resolved. */
  @Column('text')
  resolveIncidentTo: ResolveTarget;

  /** A disabled source's deliveries are refused (404) and store nothing; kept for its alerts' sake. */
  @Column('timestamptz', { nullable: true })
  disabledAt: Date | null;

  @Column('text')
  createdBy: string;

  @VersionColumn()
  version: number;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;
}
