import { OutboxEvent } from '@opsplane/core';
import { Webhook } from 'standardwebhooks';
import {
  newWebhookSecret,
  selects,
  signedHeaders,
  webhookBody,
  WebhookSelection,
  webhookSigners,
} from './webhook-message';

const SERVICE = '0192a000-0000-7000-8000-000000000001';
const OTHER_SERVICE = '0192a000-0000-7000-8000-000000000002';
const ENVIRONMENT = '0192a000-0000-7000-8000-000000000003';

const event = (type: string, after: object | null, aggregateType = 'deployment'): OutboxEvent => ({
  id: '0192a000-0000-7000-8000-0000000000ee',
  type,
  aggregateType,
  aggregateId: '0192a000-0000-7000-8000-0000000000aa',
  payload: { before: null, after: after as never, actor: { kind: 'api_key', id: 'k', name: 'ci' } },
  requestId: 'req-1',
  occurredAt: new Date('2026-05-01T12:00:00Z'),
});

const selection = (overrides: Partial<WebhookSelection>): WebhookSelection => ({
  eventTypes: ['*'],
  serviceIds: [],
  environmentIds: [],
  severities: [],
  ...overrides,
});

describe('selects', () => {
  it('matches types exactly, by prefix wildcard and *', () => {
    const started = event('deployment.started', {});
    expect(selects(selection({ eventTypes: ['deployment.*'] }), started)).toBe(true);
    expect(selects(selection({ eventTypes: ['deployment.succeeded'] }), started)).toBe(false);
    expect(selects(selection({ eventTypes: ['incident.*', 'deployment.started'] }), started)).toBe(true);
  });

  it('filters by service, environment and severity, single or list valued', () => {
    const deployment = event('deployment.started', { serviceId: SERVICE, environmentId: ENVIRONMENT });
    expect(selects(selection({ serviceIds: [SERVICE] }), deployment)).toBe(true);
    expect(selects(selection({ serviceIds: [OTHER_SERVICE] }), deployment)).toBe(false);
    expect(selects(selection({ serviceIds: [SERVICE], environmentIds: [ENVIRONMENT] }), deployment)).toBe(
      true,
    );
    const incident = event(
      'incident.triggered',
      { serviceIds: [OTHER_SERVICE, SERVICE], environmentIds: [], severity: 'SEV1' },
      'incident',
    );
    expect(selects(selection({ serviceIds: [SERVICE], severities: ['SEV1', 'SEV2'] }), incident)).toBe(true);
    expect(selects(selection({ severities: ['SEV3'] }), incident)).toBe(false);
    expect(selects(selection({ environmentIds: [ENVIRONMENT] }), incident)).toBe(false);
  });

  it("counts a service's own events as the service's, and passes no filter for an event without the attribute", () => {
    const service = { ...event('service.updated', { slug: 'checkout' }, 'service'), aggregateId: SERVICE };
    expect(selects(selection({ serviceIds: [SERVICE] }), service)).toBe(true);
    expect(selects(selection({ serviceIds: [SERVICE] }), event('api_key.created', { role: 'admin' }))).toBe(
      false,
    );
    expect(selects(selection({}), event('api_key.created', { role: 'admin' }))).toBe(true);
  });

  it('reads the record before a deletion', () => {
    const deleted = {
      ...event('deploy_window.deleted', null),
      payload: { before: { environmentId: ENVIRONMENT } },
    };
    expect(selects(selection({ environmentIds: [ENVIRONMENT] }), deleted)).toBe(true);
  });
});

describe('signing', () => {
  it('signs so that the standardwebhooks verifier accepts the body, with every overlapping secret', () => {
    const current = newWebhookSecret();
    const previous = newWebhookSecret();
    expect(current).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const sent = event('deployment.started', { serviceId: SERVICE });
    const body = webhookBody(sent);
    const headers = signedHeaders(sent.id, new Date(), body, webhookSigners([current, previous]));
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [current, previous]) {
      expect(new Webhook(secret).verify(body, headers)).toEqual({
        id: sent.id,
        type: 'deployment.started',
        occurredAt: '2026-05-01T12:00:00.000Z',
        subject: { type: 'deployment', id: sent.aggregateId },
        data: sent.payload,
        requestId: 'req-1',
      });
    }
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(body.replace('started', 'stopped'), headers)).toThrow();
  });
});
