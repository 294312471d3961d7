import { JsonObject } from '@opsplane/core';
import { Check, Column, Entity, Index, PrimaryColumn, VersionColumn } from 'typeorm';

export const ALERT_SOURCE_KINDS = ['alertmanager', 'grafana', 'pagerduty'] as const;
export type AlertSourceKind = (typeof ALERT_SOURCE_KINDS)[number];

export const RESOLVE_TARGETS = ['mitigated', 'resolved'] as const;
export type ResolveTarget = (typeof RESOLVE_TARGETS)[number];

/** Kinds whose senders may sign deliveries with an HMAC keyed by the secret. */
export const SIGNING_KINDS: readonly AlertSourceKind[] = ['alertmanager', 'grafana'];

/**
 * A monitoring system allowed to send alerts (Alertmanager, Grafana, a PagerDuty-events sender),
 * with its URL, its secret and how its labels map onto incidents.
 *
 * The secret itself is never stored in clear:
 * - every source keeps its SHA-256 (`secretHash`), like API keys: Bearer tokens, Basic passwords
 *   and PagerDuty routing keys are only compared, so the hash is enough (and POST /v2/enqueue
 *   finds the source by the hash of the routing_key);
 * - Alertmanager and Grafana sources also keep it sealed (`sealedSecret`, AES-256-GCM under
 *   OPSPLANE_SECRET_KEY, see SecretBox): an HMAC signature can only be checked by someone holding
 *   the key, so that one must be readable back. PagerDuty sources have no HMAC, hence nothing sealed.
 */
@Entity({ name: 'alert_sources' })
@Check('alert_sources_kind_check', `kind IN ('alertmanager', 'grafana', 'pagerduty')`)
@Check('alert_sources_resolve_check', `resolve_incident_to IN ('mitigated', 'resolved')`)
@Check('alert_sources_severity_check', `default_severity IN ('SEV1', 'SEV2', 'SEV3', 'SEV4', 'SEV5')`)
@Check('alert_sources_sealed_secret_check', `(sealed_secret IS NULL) = (kind = 'pagerduty')`)
export class AlertSourceEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text')
  kind: AlertSourceKind;

  /** Hex SHA-256 of the secret. */
  @Index('alert_sources_secret_hash_key', { unique: true })
  @Column('text')
  secretHash: string;

  /**
   * The secret sealed by SecretBox (context: the source's id), for HMAC checks; null for PagerDuty
   * sources. A clear value left by a version before secrets were sealed is sealed at start-up
   * (AlertSourceSecretsUpgrade).
   */
  @Column('text', { nullable: true })
  sealedSecret: string | null;

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
