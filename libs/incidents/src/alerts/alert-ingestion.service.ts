import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EnvironmentsService, ServicesService } from '@opsplane/catalog';
import {
  AppError,
  Clock,
  insertRows,
  JsonObject,
  newId,
  OutboxMessage,
  OutboxService,
  systemActor,
  Transactions,
} from '@opsplane/core';
import { EntityManager } from 'typeorm';
import { IncidentSeverity } from '../incident-status';
import { IncidentErrors } from '../incident.errors';
import { IncidentsConfig } from '../incidents.config';
import { AlertSource, IncidentsService } from '../incidents.service';
import { AlertIngestionMetrics } from './alert-ingestion.metrics';
import {
  GroupDelivery,
  parseGroupDelivery,
  parsePagerDutyEvent,
  PagerDutyEvent,
  ReceivedAlert,
  severityOf,
  withoutNul,
  worstOf,
} from './alert-payloads';
import { AlertSourceEntity } from './alert-source.entity';
import { AlertSourcesService, sameInConstantTime, secretMatches } from './alert-sources.service';
import { AlertEntity, AlertGroupEntity } from './alert.entity';

/** What an ingest endpoint was sent. */
export interface Delivery {
  headers: Record<string, string | string[] | undefined>;
  /** The bytes as sent (HMAC signatures cover these). */
  rawBody: Buffer | undefined;
  body: unknown;
  requestId: string;
}

/** PagerDuty's answer to an accepted event. */
export interface PagerDutyAccepted {
  status: 'success';
  message: string;
  dedup_key: string;
}

type StoredAlert = Pick<AlertEntity, 'id' | 'dedupKey' | 'status' | 'incidentId'>;
type LockedGroup = Pick<AlertGroupEntity, 'id' | 'incidentId' | 'truncatedAlerts'>;

export interface GroupResult {
  /** Alerts of the delivery that changed something (new, or newly resolved); 0 for a duplicate. */
  changed: number;
  incidentIds: string[];
}

const SIGNATURE_HEADERS = ['x-opsplane-signature', 'x-grafana-alerting-signature'] as const;

/**
 * Alerts in: Alertmanager webhooks (version "4"), Grafana webhook contact points (version "1") and
 * PagerDuty Events API v2 events. Each delivery is authenticated, then applied in ONE transaction
 * (alerts, incident changes, timeline, audit and outbox together; nothing half-written on error)
 * through the IncidentsService seam.
 *
 * Deliveries repeat and arrive out of order (Alertmanager HA pairs send each notification from
 * every peer; 5xx is retried without end; an old firing body can arrive after the resolved one):
 * - an alert is one row per (source, fingerprint + startsAt), so a repeat finds its row and, when
 *   nothing changed, changes nothing;
 * - a firing report for an alert stored as resolved is stale and ignored (a new firing of the same
 *   alert has a new startsAt, hence a new row);
 * - deliveries of one group are serialised on the group's row lock.
 */
@Injectable()
export class AlertIngestionService {
  constructor(
    private readonly transactions: Transactions,
    private readonly incidents: IncidentsService,
    private readonly sources: AlertSourcesService,
    private readonly services: ServicesService,
    private readonly environments: EnvironmentsService,
    private readonly metrics: AlertIngestionMetrics,
    private readonly clock: Clock,
    private readonly config: IncidentsConfig,
    private readonly outbox: OutboxService,
  ) {}

  /** An Alertmanager or Grafana notification: the whole current state of one alert group. */
  async receiveGroup(
    sourceId: string,
    kind: 'alertmanager' | 'grafana',
    delivery: Delivery,
  ): Promise<GroupResult> {
    return this.counted(kind, async () => {
      const source = await this.sources.load(sourceId, kind);
      authenticate(source, delivery, {
        now: this.clock.now(),
        toleranceSeconds: this.config.signatureToleranceSeconds,
        signingKey: () => this.sources.signingKey(source),
      });
      const group = parseGroupDelivery(delivery.body, kind === 'alertmanager' ? '4' : '1', this.clock.now());
      const result =
        (await this.unchangedRepeat(source, group)) ??
        (await this.transactions.run((manager) => this.applyGroup(manager, source, group, delivery)));
      this.metrics.alerts(kind, group.alerts);
      return result;
    });
  }

  /** A PagerDuty Events API v2 event sent to the source's own path; answered like PagerDuty (202 with the dedup_key). */
  async receivePagerDuty(sourceId: string, delivery: Delivery): Promise<PagerDutyAccepted> {
    return this.counted('pagerduty', async () => {
      const source = await this.sources.load(sourceId, 'pagerduty');
      const event = parsePagerDutyEvent(delivery.body);
      // PagerDuty's credential is the routing key in the body.
      if (!secretMatches(event.routingKey, source))
        throw new AppError(
          IncidentErrors.alertSourceBadCredentials,
          'The routing_key does not belong to this source.',
        );
      return this.applyPagerDutyEvent(source, event, delivery);
    });
  }

  /**
   * `POST /v2/enqueue`, PagerDuty's own path: the source is the one whose secret is the event's
   * routing_key, so a sender only changes its base URL. An unknown key is a 400, as at PagerDuty;
   * the key itself never appears in an answer or a log line.
   */
  async receivePagerDutyEnqueue(delivery: Delivery): Promise<PagerDutyAccepted> {
    return this.counted('pagerduty', async () => {
      const event = parsePagerDutyEvent(delivery.body);
      const source = await this.sources.findByRoutingKey(event.routingKey);
      if (!source)
        // PagerDuty's own words for it, since PagerDuty clients show them.
        throw new AppError(IncidentErrors.unknownRoutingKey, 'Invalid routing key');
      return this.applyPagerDutyEvent(source, event, delivery);
    });
  }

  private async applyPagerDutyEvent(
    source: AlertSourceEntity,
    event: PagerDutyEvent,
    delivery: Delivery,
  ): Promise<PagerDutyAccepted> {
    const dedupKey = event.dedupKey ?? newId();
    await this.transactions.run((manager) => this.applyPagerDuty(manager, source, event, dedupKey, delivery));
    this.metrics.alerts('pagerduty', [{ status: event.action === 'resolve' ? 'resolved' : 'firing' }]);
    return { status: 'success', message: 'Event processed', dedup_key: dedupKey };
  }

  /**
   * Most deliveries repeat what is stored (every repeat_interval, from both peers of an HA pair).
   * One seen to change nothing, read without a lock, is answered without a transaction, which
   * would lock the group's row, and so write and flush WAL, for nothing. Null when it changes
   * something (or the group is new): applyGroup then applies it under the group's lock. A delivery
   * racing one that does change the group may be ordered either before it or after it, and
   * either way changes nothing: a stale firing report for a resolved alert is ignored.
   */
  private async unchangedRepeat(
    source: AlertSourceEntity,
    group: GroupDelivery,
  ): Promise<GroupResult | null> {
    // The group and its alerts as stored, in one statement.
    const [known] = await this.transactions
      .manager()
      .query<(Pick<AlertGroupEntity, 'incidentId' | 'truncatedAlerts'> & { alerts: StoredAlert[] })[]>(
        `SELECT g.incident_id AS "incidentId", g.truncated_alerts AS "truncatedAlerts",
              (SELECT coalesce(json_agg(json_build_object('id', a.id, 'dedupKey', a.dedup_key, 'status', a.status,
                                                          'incidentId', a.incident_id)), '[]')
                 FROM alerts a WHERE a.source_id = g.source_id AND a.dedup_key = ANY($3::text[])) AS alerts
         FROM alert_groups g WHERE g.source_id = $1 AND g.group_key = $2`,
        [source.id, group.groupKey, group.alerts.map((alert) => alert.dedupKey)],
      );
    if (!known || known.truncatedAlerts !== group.truncatedAlerts) return null;
    const stored = new Map(known.alerts.map((row) => [row.dedupKey, row]));
    const { fresh, newlyResolved } = changesOf(group, stored);
    if (fresh.length > 0 || newlyResolved.length > 0) return null;
    return { changed: 0, incidentIds: known.incidentId ? [known.incidentId] : [] };
  }

  private async applyGroup(
    manager: EntityManager,
    source: AlertSourceEntity,
    group: GroupDelivery,
    delivery: Delivery,
  ): Promise<GroupResult> {
    const now = this.clock.now();
    const lock = await this.lockGroup(manager, source.id, group.groupKey, now);
    const { fresh, newlyResolved } = changesOf(group, await storedAlerts(manager, source.id, group));
    const integration = sourceOf(source, delivery.requestId);

    let incidentId = lock.incidentId;
    const firing = fresh.filter((alert) => alert.status === 'firing');
    if (firing.length > 0) {
      const [first, ...others] = firing;
      const { incident } = await this.incidents.openOrJoinFromAlert(manager, integration, {
        incidentId: lock.incidentId,
        title: groupTitle(group, first),
        summary: stringOf(group.commonAnnotations.description),
        severity: worstOf(firing.map((alert) => this.severity(source, alert.labels))),
        ...(await this.catalogOf(source, firing)),
        firedAt: notAfter(first.startsAt, now),
        body: alertText(first),
        data: entryData(source, group.groupKey, first),
      });
      incidentId = incident.id;
      if (others.length > 0)
        await this.incidents.addIntegrationEntries(
          manager,
          integration,
          incident.id,
          others.map((alert) => ({
            kind: 'alert_fired',
            occurredAt: notAfter(alert.startsAt, now),
            body: alertText(alert),
            data: entryData(source, group.groupKey, alert),
          })),
        );
    }
    // Resolved alerts never seen firing belong to the group's incident, if there is one.
    const rows = fresh.map((alert) =>
      alertRow(source, group.groupKey, alert, this.severity(source, alert.labels), incidentId, now),
    );
    await insertRows(manager, AlertEntity, rows);
    const resolvedRows = newlyResolved.map(({ alert, row }) => ({
      ...alertRow(source, group.groupKey, alert, this.severity(source, alert.labels), row.incidentId, now),
      id: row.id,
    }));
    if (newlyResolved.length > 0) {
      await manager.query(
        `UPDATE alerts SET status = 'resolved', ends_at = changed.ends_at, last_changed_at = $3
           FROM unnest($1::uuid[], $2::timestamptz[]) AS changed (id, ends_at)
          WHERE alerts.id = changed.id`,
        [newlyResolved.map(({ row }) => row.id), newlyResolved.map(({ alert }) => alert.endsAt), now],
      );
    }
    const touched = new Set<string>();
    for (const { alert, row } of newlyResolved) {
      if (!row.incidentId) continue;
      touched.add(row.incidentId);
      await this.incidents.addIntegrationEntries(manager, integration, row.incidentId, [
        {
          kind: 'alert_resolved',
          occurredAt: notAfter(alert.endsAt ?? now, now),
          body: alertText(alert),
          data: entryData(source, group.groupKey, alert),
        },
      ]);
    }
    // Alerts left out of a truncated delivery may still fire: only a group the sender itself calls
    // resolved may settle its incident.
    if (group.status === 'resolved')
      for (const id of touched) await this.settleWhenQuiet(manager, source, id, delivery.requestId);
    if (lock.incidentId !== incidentId || lock.truncatedAlerts !== group.truncatedAlerts)
      await manager.update(
        AlertGroupEntity,
        { id: lock.id },
        { incidentId, truncatedAlerts: group.truncatedAlerts, updatedAt: now },
      );
    // A first sight of an alert already resolved is its resolution; nothing fired for it here.
    await this.emit(manager, source, delivery.requestId, [
      ...rows.map((row) =>
        alertEvent(row.status === 'firing' ? 'alert.fired' : 'alert.resolved', source, row),
      ),
      ...resolvedRows.map((row) => alertEvent('alert.resolved', source, row)),
    ]);
    const incidentIds = [...new Set([...(incidentId ? [incidentId] : []), ...touched])];
    return { changed: fresh.length + newlyResolved.length, incidentIds };
  }

  /** trigger opens (or, for a known firing dedup_key, repeats); acknowledge and resolve move its incident. */
  private async applyPagerDuty(
    manager: EntityManager,
    source: AlertSourceEntity,
    event: PagerDutyEvent,
    dedupKey: string,
    delivery: Delivery,
  ): Promise<void> {
    const now = this.clock.now();
    // Events for one dedup_key apply one after the other.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `${source.id}:${dedupKey}`,
    ]);
    const row = await manager.findOneBy(AlertEntity, { sourceId: source.id, dedupKey });
    const integration = sourceOf(source, delivery.requestId);
    const startsAt = event.timestamp ?? now;
    const alert: ReceivedAlert = {
      dedupKey,
      status: 'firing',
      labels: withoutNul({ source: event.source ?? '', severity: event.severity ?? '' }),
      annotations: { summary: event.summary ?? '', details: event.details },
      startsAt,
      endsAt: null,
      title: event.summary ?? dedupKey,
      summary: event.summary,
    };
    if (event.action === 'trigger') {
      if (row?.status === 'firing') return;
      const severity = severityOf(
        event.severity,
        source.severityMap,
        source.defaultSeverity as IncidentSeverity,
      );
      const { incident } = await this.incidents.openOrJoinFromAlert(manager, integration, {
        title: alert.title,
        severity,
        firedAt: notAfter(startsAt, now),
        body: event.source ? `${alert.title} (${event.source})` : alert.title,
        data: { dedupKey, source: event.source, severity: event.severity, details: event.details },
      });
      const fields = alertRow(source, null, alert, severity, incident.id, now);
      // A trigger for a resolved dedup_key is a new occurrence: PagerDuty opens a new incident too.
      if (row)
        await manager.update(
          AlertEntity,
          { id: row.id },
          { ...fields, id: row.id, firstReceivedAt: row.firstReceivedAt },
        );
      else await manager.insert(AlertEntity, fields);
      await this.emit(manager, source, delivery.requestId, [
        alertEvent('alert.fired', source, { ...fields, id: row?.id ?? fields.id }),
      ]);
      return;
    }
    if (!row || row.status !== 'firing' || !row.incidentId) return; // PagerDuty ignores these too
    if (event.action === 'acknowledge') {
      await this.incidents.advanceAsSystem(
        manager,
        row.incidentId,
        'acknowledged',
        'acknowledged at the source',
        delivery.requestId,
      );
      return;
    }
    await manager.update(
      AlertEntity,
      { id: row.id },
      { status: 'resolved', endsAt: now, lastChangedAt: now },
    );
    await this.emit(manager, source, delivery.requestId, [
      alertEvent('alert.resolved', source, { ...row, status: 'resolved', endsAt: now }),
    ]);
    await this.incidents.addIntegrationEntries(manager, integration, row.incidentId, [
      { kind: 'alert_resolved', occurredAt: now, body: row.title, data: { dedupKey } },
    ]);
    await this.settleWhenQuiet(manager, source, row.incidentId, delivery.requestId);
  }

  /**
   * `alert.fired` / `alert.resolved` to the outbox, in the delivery's transaction, only for alerts
   * that changed (a duplicate delivery changes none, so emits none). Through the outbox alone, not
   * ChangeRecorder: alerts are machine churn (hundreds a second from one Alertmanager) that would
   * swamp the hash-chained audit log, and every human-relevant consequence (an incident opened,
   * acknowledged, mitigated) is already audited by IncidentsService.
   */
  private async emit(
    manager: EntityManager,
    source: AlertSourceEntity,
    requestId: string,
    messages: OutboxMessage[],
  ): Promise<void> {
    const actor = systemActor(source.name, requestId, `integration:${source.id}`);
    await this.outbox.enqueueMany(manager, actor, messages, this.clock.now());
  }

  /** Moves the incident on (source's resolveIncidentTo) once none of its alerts fires any more. */
  private async settleWhenQuiet(
    manager: EntityManager,
    source: AlertSourceEntity,
    incidentId: string,
    requestId: string,
  ): Promise<void> {
    const stillFiring = await manager.existsBy(AlertEntity, { incidentId, status: 'firing' });
    if (!stillFiring)
      await this.incidents.advanceAsSystem(
        manager,
        incidentId,
        source.resolveIncidentTo,
        'every alert on it has resolved',
        requestId,
      );
  }

  /**
   * The group's row, created on first sight, locked until the delivery's transaction ends. A known
   * group (nearly every delivery) takes one statement; a row this transaction inserts is its own
   * until the commit, and when a concurrent first delivery inserted it first, the lock waits for it.
   */
  private async lockGroup(
    manager: EntityManager,
    sourceId: string,
    groupKey: string,
    now: Date,
  ): Promise<LockedGroup> {
    const columns = `id, incident_id AS "incidentId", truncated_alerts AS "truncatedAlerts"`;
    const lock = () =>
      manager.query<LockedGroup[]>(
        `SELECT ${columns} FROM alert_groups WHERE source_id = $1 AND group_key = $2 FOR UPDATE`,
        [sourceId, groupKey],
      );
    const [known] = await lock();
    if (known) return known;
    const [created] = await manager.query<LockedGroup[]>(
      `INSERT INTO alert_groups (id, source_id, group_key, incident_id, truncated_alerts, updated_at)
       VALUES ($1, $2, $3, NULL, 0, $4) ON CONFLICT (source_id, group_key) DO NOTHING RETURNING ${columns}`,
      [newId(), sourceId, groupKey, now],
    );
    return created ?? (await lock())[0];
  }

  /** Catalog ids named by the alerts' service and environment labels; unknown slugs are ignored. */
  private async catalogOf(
    source: AlertSourceEntity,
    alerts: ReceivedAlert[],
  ): Promise<{ serviceIds: string[]; environmentIds: string[] }> {
    const values = (label: string) => [
      ...new Set(alerts.map((alert) => alert.labels[label]).filter((value): value is string => !!value)),
    ];
    const usable = (models: ({ id: string; archivedAt: Date | null } | null)[]) =>
      models.flatMap((model) => (model && !model.archivedAt ? [model.id] : []));
    const services = values(source.serviceLabel);
    const environments = values(source.environmentLabel);
    return {
      serviceIds: services.length > 0 ? usable(await this.services.findMany(services)) : [],
      environmentIds: environments.length > 0 ? usable(await this.environments.findMany(environments)) : [],
    };
  }

  private severity(source: AlertSourceEntity, labels: Record<string, string>): IncidentSeverity {
    return severityOf(
      labels[source.severityLabel],
      source.severityMap,
      source.defaultSeverity as IncidentSeverity,
    );
  }

  /** Counts every delivery by outcome (`accepted` or the error code) for /metrics. */
  private async counted<T>(kind: string, work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      this.metrics.delivery(kind, 'accepted');
      return result;
    } catch (error) {
      this.metrics.delivery(kind, error instanceof AppError ? error.code : 'internal');
      throw error;
    }
  }
}

/**
 * `Authorization: Bearer <secret>` (Alertmanager's http_config.authorization), Basic auth with the
 * secret as password (http_config.basic_auth), or an HMAC-SHA256 of the body keyed with the secret
 * in X-Opsplane-Signature or X-Grafana-Alerting-Signature (hex, optionally `sha256=`; with
 * X-Grafana-Alerting-Signature-Timestamp the signed text is `<timestamp>:<body>`, as Grafana does).
 * 401 otherwise, before anything is read or stored.
 *
 * A signed timestamp (Unix seconds) further than the tolerance from now is refused too: without
 * that check a captured delivery could be replayed for ever, the signature staying valid.
 */
function authenticate(
  source: AlertSourceEntity,
  delivery: Delivery,
  // The key is unsealed only for a signed delivery: Bearer and Basic are checked against the hash.
  freshness: { now: Date; toleranceSeconds: number; signingKey: () => string },
): void {
  const header = (name: string) => {
    const value = delivery.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const authorization = header('authorization') ?? '';
  const bearer = /^Bearer (.+)$/i.exec(authorization)?.[1];
  if (bearer !== undefined && secretMatches(bearer.trim(), source)) return;
  const basic = /^Basic (.+)$/i.exec(authorization)?.[1];
  if (basic !== undefined) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    if (secretMatches(decoded.slice(decoded.indexOf(':') + 1), source)) return;
  }
  for (const name of SIGNATURE_HEADERS) {
    const signature = header(name)
      ?.trim()
      .replace(/^sha256=/i, '')
      .toLowerCase();
    if (!signature || !delivery.rawBody) continue;
    const timestamp = name === 'x-grafana-alerting-signature' ? header(`${name}-timestamp`) : undefined;
    const hmac = createHmac('sha256', freshness.signingKey());
    if (timestamp) hmac.update(`${timestamp}:`);
    if (!sameInConstantTime(signature, hmac.update(delivery.rawBody).digest('hex'))) continue;
    if (!timestamp) return;
    const skew = /^\d{1,12}$/.test(timestamp.trim())
      ? Math.abs(freshness.now.getTime() / 1000 - Number(timestamp))
      : Infinity;
    if (skew <= freshness.toleranceSeconds) return;
    throw new AppError(
      IncidentErrors.alertSourceBadCredentials,
      `The signature timestamp is more than ${freshness.toleranceSeconds} s away from the server's time; ` +
        'a replayed or delayed delivery is refused (check the sender’s clock).',
    );
  }
  throw new AppError(
    IncidentErrors.alertSourceBadCredentials,
    'Send the source secret as a Bearer token (or Basic password), or sign the body (X-Opsplane-Signature: sha256=<hex HMAC>).',
  );
}

/** The delivery's alerts as stored, by dedupKey: only what the comparison needs, unhydrated. */
async function storedAlerts(
  manager: EntityManager,
  sourceId: string,
  group: GroupDelivery,
): Promise<Map<string, StoredAlert>> {
  const keys = group.alerts.map((alert) => alert.dedupKey);
  if (keys.length === 0) return new Map();
  const rows = await manager.query<StoredAlert[]>(
    `SELECT id, dedup_key AS "dedupKey", status, incident_id AS "incidentId"
       FROM alerts WHERE source_id = $1 AND dedup_key = ANY($2::text[])`,
    [sourceId, keys],
  );
  return new Map(rows.map((row) => [row.dedupKey, row]));
}

/**
 * What a delivery changes: alerts never seen, and alerts stored firing that it reports resolved.
 * A firing report for an alert stored as resolved is stale and changes nothing.
 */
function changesOf(
  group: GroupDelivery,
  stored: Map<string, StoredAlert>,
): { fresh: ReceivedAlert[]; newlyResolved: { alert: ReceivedAlert; row: StoredAlert }[] } {
  // A key twice in one delivery counts once (the last report wins).
  const latest = [...new Map(group.alerts.map((alert) => [alert.dedupKey, alert])).values()];
  return {
    fresh: latest.filter((alert) => !stored.has(alert.dedupKey)),
    newlyResolved: latest.flatMap((alert) => {
      const row = stored.get(alert.dedupKey);
      return row && row.status === 'firing' && alert.status === 'resolved' ? [{ alert, row }] : [];
    }),
  };
}

function sourceOf(source: AlertSourceEntity, requestId: string): AlertSource {
  return { integrationId: source.id, name: source.name, requestId };
}

function alertRow(
  source: AlertSourceEntity,
  groupKey: string | null,
  alert: ReceivedAlert,
  severity: IncidentSeverity,
  incidentId: string | null,
  now: Date,
): AlertEntity {
  return {
    id: newId(),
    sourceId: source.id,
    dedupKey: alert.dedupKey,
    groupKey,
    incidentId,
    status: alert.status,
    title: alert.title,
    severity,
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: alert.startsAt,
    endsAt: alert.endsAt,
    firstReceivedAt: now,
    lastChangedAt: now,
  };
}

type AlertFacts = Pick<
  AlertEntity,
  | 'id'
  | 'dedupKey'
  | 'groupKey'
  | 'incidentId'
  | 'status'
  | 'title'
  | 'severity'
  | 'labels'
  | 'startsAt'
  | 'endsAt'
>;

function alertEvent(
  type: 'alert.fired' | 'alert.resolved',
  source: AlertSourceEntity,
  alert: AlertFacts,
): OutboxMessage {
  return {
    type,
    aggregateType: 'alert',
    aggregateId: alert.id,
    payload: {
      alert: {
        id: alert.id,
        sourceId: source.id,
        sourceKind: source.kind,
        dedupKey: alert.dedupKey,
        groupKey: alert.groupKey,
        incidentId: alert.incidentId,
        status: alert.status,
        title: alert.title,
        severity: alert.severity,
        labels: alert.labels,
        startsAt: alert.startsAt.toISOString(),
        endsAt: alert.endsAt ? alert.endsAt.toISOString() : null,
      },
    },
  };
}

/** "DiskFull: disk 95% full on db-1", or the alert name alone when the group shares no summary. */
function groupTitle(group: GroupDelivery, first: ReceivedAlert): string {
  const name = group.commonLabels.alertname ?? first.title;
  const summary = stringOf(group.commonAnnotations.summary);
  return (summary ? `${name}: ${summary}` : name).slice(0, 200);
}

function alertText(alert: ReceivedAlert): string {
  return alert.summary ? `${alert.title}: ${alert.summary}` : alert.title;
}

function entryData(source: AlertSourceEntity, groupKey: string, alert: ReceivedAlert): JsonObject {
  return {
    sourceKind: source.kind,
    groupKey,
    dedupKey: alert.dedupKey,
    status: alert.status,
    labels: alert.labels,
    startsAt: alert.startsAt.toISOString(),
    ...(alert.endsAt ? { endsAt: alert.endsAt.toISOString() } : {}),
  };
}

function stringOf(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/**
 * A sender's time for the timeline and the incident, never later than when it reached us: a
 * monitoring host whose clock runs ahead would otherwise date an alert after what responders did
 * in reaction to it, and an impact start in the future makes MTTR negative. The alert row keeps
 * the sender's own time, which is part of its identity.
 */
function notAfter(at: Date, now: Date): Date {
  return at > now ? now : at;
}
