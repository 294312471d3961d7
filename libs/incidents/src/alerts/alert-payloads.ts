import { createHash } from 'node:crypto';
import { AppError, CommonErrors, FieldError, isInInstantRange, JsonObject } from '@opsplane/core';
import { INCIDENT_SEVERITIES, IncidentSeverity } from '../incident-status';
import { IncidentErrors } from '../incident.errors';

/** One alert of a delivery, whatever the sender. */
export interface ReceivedAlert {
  /** Identity across deliveries: (fingerprint, startsAt) for Alertmanager/Grafana, dedup_key for PagerDuty. */
  dedupKey: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: JsonObject;
  startsAt: Date;
  endsAt: Date | null;
  title: string;
  summary: string | null;
}

/** An Alertmanager (version "4") or Grafana (version "1") notification: the whole current group. */
export interface GroupDelivery {
  groupKey: string;
  /** "firing" while any alert of the group fires, including ones left out (truncatedAlerts). */
  status: 'firing' | 'resolved';
  alerts: ReceivedAlert[];
  commonLabels: Record<string, string>;
  commonAnnotations: JsonObject;
  truncatedAlerts: number;
}

/** Alertmanager's "no end yet". */
const ZERO_TIME = '0001-01-01T00:00:00Z';

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Reads an Alertmanager webhook (`version: "4"`) or Grafana webhook contact point (`version: "1"`)
 * body. Tolerant where a sender's quirk still leaves the meaning clear (unknown fields, a missing
 * fingerprint or groupKey, a null or zero endsAt, an unparsable startsAt, non-string label or
 * annotation values); refused (400, every problem named) where it does not: another version, no
 * alerts array, an alert status other than firing/resolved.
 */
export function parseGroupDelivery(sent: unknown, version: '4' | '1', receivedAt: Date): GroupDelivery {
  const body = withoutNul(sent);
  if (!isObject(body))
    throw new AppError(CommonErrors.validation, 'The body must be a JSON object.', {
      errors: [{ path: 'body', message: 'must be a JSON object' }],
    });
  if (body.version !== version)
    throw new AppError(
      IncidentErrors.unsupportedPayloadVersion,
      `This endpoint takes version "${version}" payloads; got ${JSON.stringify(body.version ?? null)}.`,
      { errors: [{ path: 'version', message: `must be "${version}"` }] },
    );
  const problems: FieldError[] = [];
  if (!Array.isArray(body.alerts)) problems.push({ path: 'alerts', message: 'must be an array' });
  const rawAlerts: unknown[] = Array.isArray(body.alerts) ? (body.alerts as unknown[]) : [];
  rawAlerts.forEach((alert, index) => {
    if (!isObject(alert)) problems.push({ path: `alerts.${index}`, message: 'must be an object' });
    else if (alert.status !== 'firing' && alert.status !== 'resolved')
      problems.push({ path: `alerts.${index}.status`, message: 'must be firing or resolved' });
  });
  if (problems.length > 0)
    throw new AppError(
      CommonErrors.validation,
      `Invalid alert payload: ${problems.map((p) => p.path).join(', ')}.`,
      {
        errors: problems,
      },
    );
  const alerts = (rawAlerts as Record<string, unknown>[]).map((alert) => readAlert(alert, receivedAt));
  const groupLabels = stringMap(body.groupLabels);
  const truncated = Number(body.truncatedAlerts);
  return {
    groupKey:
      typeof body.groupKey === 'string' && body.groupKey !== ''
        ? body.groupKey
        : `groupLabels:${canonical(groupLabels)}`,
    status:
      body.status === 'resolved' || alerts.every((alert) => alert.status === 'resolved')
        ? 'resolved'
        : 'firing',
    alerts,
    commonLabels: stringMap(body.commonLabels),
    commonAnnotations: annotationsOf(body.commonAnnotations),
    truncatedAlerts: Number.isInteger(truncated) && truncated > 0 ? truncated : 0,
  };
}

function readAlert(alert: Record<string, unknown>, receivedAt: Date): ReceivedAlert {
  const labels = stringMap(alert.labels);
  const annotations = annotationsOf(alert.annotations);
  const startsAtText = typeof alert.startsAt === 'string' ? alert.startsAt : '';
  const fingerprint =
    typeof alert.fingerprint === 'string' && alert.fingerprint !== ''
      ? alert.fingerprint
      : createHash('sha256').update(canonical(labels)).digest('hex').slice(0, 16);
  const status = alert.status as 'firing' | 'resolved';
  const endsAt = timeOf(alert.endsAt);
  const summary = typeof annotations.summary === 'string' ? annotations.summary : null;
  return {
    // The start as sent, not as parsed: the same text on every delivery, even when unparsable.
    dedupKey: `${fingerprint}|${startsAtText}`,
    status,
    labels,
    annotations,
    startsAt: timeOf(startsAtText) ?? receivedAt,
    endsAt: status === 'resolved' ? (endsAt ?? receivedAt) : null,
    title: labels.alertname ?? (typeof annotations.title === 'string' ? annotations.title : 'Alert'),
    summary,
  };
}

/** A PagerDuty Events API v2 event, as far as Opsplane uses it. */
export interface PagerDutyEvent {
  routingKey: string;
  action: 'trigger' | 'acknowledge' | 'resolve';
  dedupKey: string | null;
  summary: string | null;
  severity: string | null;
  source: string | null;
  timestamp: Date | null;
  details: JsonObject;
}

/**
 * Reads an Events API v2 event with PagerDuty's own rules: routing_key and event_action always;
 * dedup_key for acknowledge and resolve; payload.summary, .source and .severity for trigger.
 */
export function parsePagerDutyEvent(sent: unknown): PagerDutyEvent {
  const body = withoutNul(sent);
  if (!isObject(body))
    throw new AppError(CommonErrors.validation, 'The body must be a JSON object.', {
      errors: [{ path: 'body', message: 'must be a JSON object' }],
    });
  const problems: FieldError[] = [];
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : null);
  const routingKey = text(body.routing_key);
  if (!routingKey) problems.push({ path: 'routing_key', message: 'is required' });
  const action = body.event_action;
  if (action !== 'trigger' && action !== 'acknowledge' && action !== 'resolve')
    problems.push({ path: 'event_action', message: 'must be trigger, acknowledge or resolve' });
  const dedupKey = text(body.dedup_key);
  if (action !== 'trigger' && !dedupKey)
    problems.push({ path: 'dedup_key', message: `is required to ${String(action)}` });
  const payload = isObject(body.payload) ? body.payload : null;
  if (action === 'trigger') {
    if (!payload) problems.push({ path: 'payload', message: 'is required to trigger' });
    else
      for (const field of ['summary', 'source', 'severity'] as const)
        if (!text(payload[field]))
          problems.push({ path: `payload.${field}`, message: 'is required to trigger' });
    if (
      payload &&
      text(payload.severity) &&
      !['critical', 'error', 'warning', 'info'].includes(String(payload.severity))
    )
      problems.push({ path: 'payload.severity', message: 'must be critical, error, warning or info' });
  }
  if (problems.length > 0)
    throw new AppError(CommonErrors.validation, `Invalid event: ${problems.map((p) => p.path).join(', ')}.`, {
      errors: problems,
    });
  return {
    routingKey: routingKey!,
    action: action as PagerDutyEvent['action'],
    dedupKey,
    summary: text(payload?.summary),
    severity: text(payload?.severity),
    source: text(payload?.source),
    timestamp: timeOf(payload?.timestamp),
    details: isObject(payload?.custom_details) ? (payload.custom_details as JsonObject) : {},
  };
}

/** Values people put in a severity label, beyond SEV1…SEV5 themselves. */
const BUILT_IN_SEVERITIES: Record<string, IncidentSeverity> = {
  critical: 'SEV1',
  page: 'SEV1',
  p1: 'SEV1',
  '1': 'SEV1',
  high: 'SEV2',
  error: 'SEV2',
  major: 'SEV2',
  p2: 'SEV2',
  '2': 'SEV2',
  warning: 'SEV3',
  warn: 'SEV3',
  medium: 'SEV3',
  p3: 'SEV3',
  '3': 'SEV3',
  low: 'SEV4',
  minor: 'SEV4',
  info: 'SEV4',
  p4: 'SEV4',
  '4': 'SEV4',
  p5: 'SEV5',
  '5': 'SEV5',
};

/** The source's own mapping first (case-insensitive), then SEVn itself, then the built-in table. */
export function severityOf(
  value: string | null | undefined,
  sourceMap: JsonObject,
  fallback: IncidentSeverity,
): IncidentSeverity {
  if (!value) return fallback;
  const key = value.trim().toLowerCase();
  const mapped = Object.entries(sourceMap).find(([from]) => from.toLowerCase() === key)?.[1];
  const candidates = [mapped, key.toUpperCase(), BUILT_IN_SEVERITIES[key]];
  return (
    (candidates.find((c) => INCIDENT_SEVERITIES.includes(c as IncidentSeverity)) as IncidentSeverity) ??
    fallback
  );
}

/** The worst of some severities (SEV1 beats SEV2). */
export function worstOf(severities: IncidentSeverity[]): IncidentSeverity {
  return severities.reduce((worst, next) => (next < worst ? next : worst));
}

/**
 * PostgreSQL cannot store U+0000 in text or jsonb; a sender's stray NUL must not turn into a 500
 * (and a 5xx makes Alertmanager retry forever). Dropped from every string, keys included.
 */
export function withoutNul<T>(value: T): T {
  // Looked for before anything is copied: a delivery nearly never has one, and copying every
  // object of a 100-alert body was a tenth of the CPU of a repeated delivery.
  return containsNul(value) ? copyWithoutNul(value) : value;
}

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (isObject(value))
    return Object.keys(value).some((key) => key.includes('\u0000') || containsNul(value[key]));
  return false;
}

function copyWithoutNul<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '') as T;
  if (Array.isArray(value)) return value.map(copyWithoutNul) as T;
  if (isObject(value))
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [copyWithoutNul(key), copyWithoutNul(item)]),
    ) as T;
  return value;
}

/**
 * A sent time, or null when there is none: unparsable, Alertmanager's zero time ("unset", in any
 * notation), or outside the instants the API accepts anywhere else (INSTANT_RANGE). Senders are
 * machines a 400 would not correct, so such a time is read as absent, as an unparsable one always
 * was (startsAt falls back to the receipt time), rather than refusing the whole delivery.
 */
function timeOf(value: unknown): Date | null {
  if (typeof value !== 'string' || value === '' || value === ZERO_TIME) return null;
  // "+0000" (PagerDuty's examples) is not ISO-8601; JavaScript needs "+00:00".
  const date = new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(date.getTime()) || !isInInstantRange(date) ? null : date;
}

/** Label values are strings in Alertmanager; anything else is turned into its JSON text. */
function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, typeof item === 'string' ? item : JSON.stringify(item)]),
  );
}

/** Annotations are kept as sent when an object (GitLab's example nests objects in them). */
function annotationsOf(value: unknown): JsonObject {
  return isObject(value) ? (value as JsonObject) : {};
}

function canonical(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((key) => [key, labels[key]]),
  );
}
