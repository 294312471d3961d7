import { AppError } from '@opsplane/core';
import { parseGroupDelivery, parsePagerDutyEvent, severityOf, withoutNul, worstOf } from './alert-payloads';

const received = new Date('2030-01-01T00:00:00Z');
const firing = (overrides: Record<string, unknown> = {}) => ({
  status: 'firing',
  labels: { alertname: 'DiskFull', severity: 'warning' },
  annotations: { summary: 'disk full' },
  startsAt: '2026-11-27T06:15:07.538Z',
  endsAt: '0001-01-01T00:00:00Z',
  fingerprint: '98108733e1365958',
  ...overrides,
});
const refusal = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return error instanceof AppError ? { code: error.code, paths: error.errors.map((e) => e.path) } : error;
  }
  throw new Error('not refused');
};

describe('parseGroupDelivery', () => {
  it('keys an alert by fingerprint and startsAt as sent, and reads zero endsAt as no end', () => {
    const group = parseGroupDelivery(
      { version: '4', groupKey: 'g', status: 'firing', alerts: [firing()] },
      '4',
      received,
    );
    expect(group.alerts[0]).toMatchObject({
      dedupKey: '98108733e1365958|2026-11-27T06:15:07.538Z',
      startsAt: new Date('2026-11-27T06:15:07.538Z'),
      endsAt: null,
      title: 'DiskFull',
      summary: 'disk full',
    });
  });

  it('tolerates GitLab’s documented quirks: null groupKey and endsAt, a malformed startsAt, no fingerprint, nested annotations', () => {
    const body = {
      version: '4',
      groupKey: null,
      status: 'firing',
      groupLabels: {},
      alerts: [
        {
          startsAt: '2022-010-30T11:22:40Z',
          endsAt: null,
          status: 'firing',
          labels: { severity: 'high' },
          annotations: { title: 'Example title', foo: { bar: { baz: 42 } } },
        },
      ],
    };
    const group = parseGroupDelivery(body, '4', received);
    expect(group.groupKey).toBe('groupLabels:[]');
    expect(group.alerts[0]).toMatchObject({ startsAt: received, endsAt: null, title: 'Example title' });
    expect(group.alerts[0].dedupKey).toMatch(/^[0-9a-f]{16}\|2022-010-30T11:22:40Z$/);
    // The same labels give the same key on the next delivery.
    expect(parseGroupDelivery(body, '4', new Date()).alerts[0].dedupKey).toBe(group.alerts[0].dedupKey);
  });

  it('stamps a resolved alert without a real end with the time it was received', () => {
    const group = parseGroupDelivery(
      { version: '4', alerts: [firing({ status: 'resolved' })] },
      '4',
      received,
    );
    expect(group.alerts[0].endsAt).toEqual(received);
    expect(group.status).toBe('resolved');
  });

  it.each([
    ['before 2000', '1999-12-31T23:59:59.999Z'],
    ['at 2100 or later', '2100-01-01T00:00:00Z'],
    ['Alertmanager’s zero time in another notation', '0001-01-01T00:00:00.000+00:00'],
  ])('reads times %s as absent, like unparsable ones, keeping the text in the key', (_what, time) => {
    const group = parseGroupDelivery(
      { version: '4', alerts: [firing({ status: 'resolved', startsAt: time, endsAt: time })] },
      '4',
      received,
    );
    expect(group.alerts[0]).toMatchObject({ startsAt: received, endsAt: received });
    expect(group.alerts[0].dedupKey).toBe(`98108733e1365958|${time}`);
  });

  it('keeps the first accepted instant as sent', () => {
    const group = parseGroupDelivery(
      { version: '4', alerts: [firing({ startsAt: '2000-01-01T00:00:00Z' })] },
      '4',
      received,
    );
    expect(group.alerts[0]).toMatchObject({ startsAt: new Date('2000-01-01T00:00:00Z'), endsAt: null });
  });

  it('refuses another version, a missing alerts array and unknown statuses, naming each', () => {
    expect(refusal(() => parseGroupDelivery({ version: '3', alerts: [] }, '4', received))).toEqual({
      code: 'alert.unsupported_version',
      paths: ['version'],
    });
    expect(refusal(() => parseGroupDelivery({ version: '1' }, '1', received))).toEqual({
      code: 'request.validation_failed',
      paths: ['alerts'],
    });
    expect(
      refusal(() =>
        parseGroupDelivery({ version: '4', alerts: [firing({ status: 'pending' }), 7] }, '4', received),
      ),
    ).toEqual({ code: 'request.validation_failed', paths: ['alerts.0.status', 'alerts.1'] });
  });
});

describe('parsePagerDutyEvent', () => {
  it('needs summary, source and severity to trigger, and a dedup_key to acknowledge or resolve', () => {
    expect(
      refusal(() => parsePagerDutyEvent({ routing_key: 'k', event_action: 'trigger', payload: {} })),
    ).toEqual({
      code: 'request.validation_failed',
      paths: ['payload.summary', 'payload.source', 'payload.severity'],
    });
    expect(refusal(() => parsePagerDutyEvent({ routing_key: 'k', event_action: 'resolve' }))).toEqual({
      code: 'request.validation_failed',
      paths: ['dedup_key'],
    });
    expect(refusal(() => parsePagerDutyEvent({ event_action: 'explode' }))).toMatchObject({
      paths: ['routing_key', 'event_action', 'dedup_key'],
    });
  });

  it('reads PagerDuty’s "+0000" timestamps', () => {
    const event = parsePagerDutyEvent({
      routing_key: 'k',
      event_action: 'trigger',
      payload: { summary: 's', source: 'host1', severity: 'info', timestamp: '2015-07-17T08:42:58.315+0000' },
    });
    expect(event.timestamp).toEqual(new Date('2015-07-17T08:42:58.315Z'));
    expect(event.dedupKey).toBeNull();
  });

  it('reads a PagerDuty timestamp outside the accepted instants as none (the receipt time is used)', () => {
    const event = parsePagerDutyEvent({
      routing_key: 'k',
      event_action: 'trigger',
      payload: { summary: 's', source: 'host1', severity: 'info', timestamp: '1970-01-01T00:00:00+0000' },
    });
    expect(event.timestamp).toBeNull();
  });
});

describe('severityOf', () => {
  it('maps the source’s own values first, then SEVn, then common words, else the fallback', () => {
    expect(severityOf('Disaster', { disaster: 'SEV1' }, 'SEV3')).toBe('SEV1');
    expect(severityOf('sev2', {}, 'SEV3')).toBe('SEV2');
    expect(severityOf('critical', {}, 'SEV3')).toBe('SEV1');
    expect(severityOf('info', {}, 'SEV3')).toBe('SEV4');
    expect(severityOf('whatever', {}, 'SEV5')).toBe('SEV5');
    expect(severityOf(undefined, {}, 'SEV3')).toBe('SEV3');
    expect(worstOf(['SEV3', 'SEV1', 'SEV2'])).toBe('SEV1');
  });
});

describe('withoutNul', () => {
  it('drops NUL from strings and keys at any depth', () => {
    expect(withoutNul({ 'a\u0000': ['b\u0000c', { d: 'e\u0000' }], n: 1 })).toEqual({
      a: ['bc', { d: 'e' }],
      n: 1,
    });
  });
});
