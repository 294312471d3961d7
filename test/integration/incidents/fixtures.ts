import { TestApp, unique } from '../../support/test-app';

export { createEnvironment, createService } from '../releases/fixtures';

export interface Incident {
  id: string;
  status: string;
  severity: string;
  version: number;
  serviceIds: string[];
  environmentIds: string[];
  [field: string]: unknown;
}

/** POST /v1/incidents as the operator; asserts 201. */
export async function declareIncident(t: TestApp, body: Record<string, unknown> = {}): Promise<Incident> {
  const response = await t
    .http(t.tokens.operator)
    .post('/v1/incidents')
    .send({ title: 'Checkout returns 502', severity: 'SEV3', ...body })
    .expect(201);
  return response.body;
}

/** POST /v1/incidents/:id/status as the operator (no assertion). */
export function changeStatus(t: TestApp, id: string, status: string, reason?: string) {
  return t
    .http(t.tokens.operator)
    .post(`/v1/incidents/${id}/status`)
    .send({ status, ...(reason ? { reason } : {}) });
}

/** Moves an incident through `statuses` in order, asserting each move succeeds. */
export async function walk(t: TestApp, id: string, ...statuses: string[]): Promise<Incident> {
  let last: Incident | undefined;
  for (const status of statuses) last = (await changeStatus(t, id, status).expect(200)).body;
  return last!;
}

export interface AlertSource {
  id: string;
  kind: string;
  /** Shown once, at creation. */
  secret: string;
  ingestPath: string;
  version: number;
}

/** POST /v1/alert-sources as the admin; asserts 201. */
export async function createAlertSource(t: TestApp, kind: string): Promise<AlertSource> {
  const response = await t
    .http(t.tokens.admin)
    .post('/v1/alert-sources')
    .send({ name: unique(kind), kind })
    .expect(201);
  return response.body;
}

/** Alertmanager's smallest useful body: one firing alert. */
export const alertmanagerFiring = (name: string) =>
  JSON.stringify({
    version: '4',
    groupKey: `{}:{alertname="${name}"}`,
    status: 'firing',
    receiver: 'opsplane',
    groupLabels: { alertname: name },
    commonLabels: { alertname: name, severity: 'critical' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: name, severity: 'critical' },
        annotations: {},
        startsAt: '2026-11-27T06:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        fingerprint: 'aa11bb22cc33dd44',
      },
    ],
  });
