import { DynamicModule, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  ChangeRecorder,
  CoreModule,
  createHttpApp,
  createRootLogger,
  FixedClock,
  loadConfig,
  newId,
  OutboxEvent,
  OutboxRelay,
  OutboxSubscribers,
  systemActor,
  Transactions,
} from '@opsplane/core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { unique } from '../../support/test-app';
import { eventually, sleep } from '../../support/eventually';

/**
 * Runs relay passes until `check` holds. One pass can rightly deliver nothing: an event waits
 * while any older transaction on the server is open, and on a shared server (other test files,
 * in other databases) one may be at that moment. Polling passes is what the schedule does.
 */
async function relayUntil(
  relay: { relay(): Promise<unknown> },
  check: () => boolean,
  what: string,
): Promise<void> {
  await eventually(async () => {
    await relay.relay();
    return check();
  }, what);
}

/** Subscribers only this file declares; each remembers what it received, in order. */
@Injectable()
class TestSubscribers implements OnModuleInit {
  readonly received = new Map<string, OutboxEvent[]>();
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly subscribers: OutboxSubscribers) {}

  of(name: string): OutboxEvent[] {
    return this.received.get(name) ?? [];
  }

  private record(name: string, event: OutboxEvent): void {
    this.received.set(name, [...this.of(name), event]);
  }

  async onModuleInit(): Promise<void> {
    await this.subscribers.register({
      name: 'test-wildcard',
      types: ['relaytest.*'],
      handle: (event) => Promise.resolve(this.record('test-wildcard', event)),
    });
    await this.subscribers.register({
      name: 'test-exact',
      types: ['relaytest.started'],
      handle: (event) => Promise.resolve(this.record('test-exact', event)),
    });
    await this.subscribers.register({
      name: 'test-ordered',
      types: ['ordertest.*'],
      concurrency: 8,
      handle: async (event) => {
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        await sleep(Math.floor(Math.random() * 15));
        this.record('test-ordered', event);
        this.inFlight -= 1;
      },
    });
    await this.subscribers.register({
      name: 'test-broken',
      types: ['*'],
      retryLimit: 1,
      retryDelaySeconds: 1,
      handle: (event) => {
        this.record('test-broken', event);
        return Promise.reject(new Error(`broken subscriber refuses ${event.type}`));
      },
    });
  }
}

@Module({})
class RelayTestModule {
  static forRoot(config: ReturnType<typeof loadConfig>, clock: FixedClock): DynamicModule {
    return {
      module: RelayTestModule,
      imports: [CoreModule.forRoot({ config, migrations: MIGRATIONS, clock })],
      providers: [TestSubscribers],
    };
  }
}

describe('outbox relay', () => {
  const clock = new FixedClock(new Date('2026-03-01T10:00:00Z'));
  let app: NestFastifyApplication;
  let relay: OutboxRelay;
  let subscribers: TestSubscribers;
  let db: DataSource;

  /** Records a change as a service does: in a transaction, through ChangeRecorder. */
  const record = (action: string, targetType: string, targetId: string, after: object = {}) =>
    app.get(Transactions).run((manager) =>
      app.get(ChangeRecorder).record(manager, systemActor('tests', unique('req')), {
        action,
        targetType,
        targetId,
        after,
      }),
    );

  const eventIds = async (targetId: string): Promise<string[]> =>
    (
      await db.query<{ id: string }[]>(
        `SELECT id FROM outbox_events WHERE aggregate_id = $1 ORDER BY xid, id`,
        [targetId],
      )
    ).map((row) => row.id);

  const start = async (env: Record<string, string> = {}) => {
    const config = loadConfig({
      ...process.env,
      JOBS_ENABLED: 'true',
      JOBS_POLL_INTERVAL_MS: '500',
      JOBS_HOUSEKEEPING_CRON: '0 0 29 2 *',
      // The tests run the relay themselves, so each step is deterministic (outbox-relay-notify
      // proves the wake-up on commit).
      JOBS_OUTBOX_RELAY_CRON: '0 0 29 2 *',
      JOBS_OUTBOX_RELAY_NOTIFY: 'false',
      LOG_LEVEL: 'error',
      ...env,
    });
    const started = await createHttpApp(RelayTestModule.forRoot(config, clock), {
      config,
      logger: createRootLogger(config.log),
    });
    await started.init();
    return started;
  };

  beforeAll(async () => {
    app = await start();
    relay = app.get(OutboxRelay);
    subscribers = app.get(TestSubscribers);
    db = app.get(DataSource);
  }, 200_000);
  afterAll(() => app?.close());

  it('hands an event to the subscribers whose types match, exactly or by wildcard, once each', async () => {
    const subject = newId();
    await record('relaytest.started', 'relaysubject', subject);
    await record('relaytest.finished', 'relaysubject', subject);
    await record('othertest.started', 'relaysubject', subject);
    await relay.relay();
    const [started, finished, other] = await eventIds(subject);
    const mine = (name: string) => subscribers.of(name).filter((event) => event.aggregateId === subject);
    await relayUntil(
      relay,
      () => mine('test-wildcard').length === 2 && mine('test-exact').length === 1,
      'deliveries',
    );
    await relay.relay(); // a second pass finds nothing new
    await sleep(300);
    expect(mine('test-wildcard').map((event) => event.id)).toEqual([started, finished]);
    expect(mine('test-exact').map((event) => event.id)).toEqual([started]);
    expect(mine('test-ordered')).toEqual([]);
    expect(mine('test-wildcard')[0]).toMatchObject({
      type: 'relaytest.started',
      aggregateType: 'relaysubject',
      payload: { after: {} },
    });
    expect(other).toBeDefined();
  }, 200_000);

  it('never skips an event whose transaction began first and committed last, nor delivers one twice', async () => {
    const subject = newId();
    const mine = () => subscribers.of('test-wildcard').filter((event) => event.aggregateId === subject);
    await record('relaytest.early', 'relaysubject', subject);

    // A slow transaction writes its event first (smaller id, earlier xid) and stays open.
    const slow = new Client({ connectionString: process.env.DATABASE_URL });
    await slow.connect();
    const lateId = newId();
    try {
      await slow.query('BEGIN');
      await slow.query(
        `INSERT INTO outbox_events (id, type, aggregate_type, aggregate_id, payload, request_id, occurred_at)
         VALUES ($1, 'relaytest.late', 'relaysubject', $2, '{}', 'slow', $3)`,
        [lateId, subject, clock.now()],
      );
      // Meanwhile another transaction writes and commits its event.
      await record('relaytest.quick', 'relaysubject', subject);
      const quickId = (await eventIds(subject)).find((id) => id !== lateId && id > lateId)!;

      await relayUntil(relay, () => mine().length === 1, 'the early event');
      // The quick event has committed, but the slow transaction could still commit an older one.
      await sleep(500);
      expect(mine().map((event) => event.type)).toEqual(['relaytest.early']);
      const [position] = await db.query<{ last_id: string }[]>(
        `SELECT last_id FROM outbox_positions WHERE subscriber = 'test-wildcard'`,
      );
      expect(position.last_id).not.toBe(quickId);

      await slow.query('COMMIT');
      await relayUntil(relay, () => mine().length === 3, 'the late and the quick event');
      await relay.relay();
      await sleep(500);
      expect(mine().map((event) => event.type)).toEqual([
        'relaytest.early',
        'relaytest.late',
        'relaytest.quick',
      ]);
      expect(mine().map((event) => event.id)).toEqual(await eventIds(subject));
    } finally {
      await slow.end();
    }
  }, 200_000);

  it("keeps each subject's events in order, with subjects handled in parallel", async () => {
    const subjects = Array.from({ length: 6 }, () => newId());
    const perSubject = 25;
    // Each subject's changes one after another; the subjects interleaved, concurrently.
    await Promise.all(
      subjects.map(async (subject) => {
        for (let seq = 0; seq < perSubject; seq += 1)
          await record(`ordertest.step`, 'ordersubject', subject, { seq });
      }),
    );
    await relay.relay();
    const mine = () => subscribers.of('test-ordered').filter((event) => subjects.includes(event.aggregateId));
    await relayUntil(relay, () => mine().length === subjects.length * perSubject, 'every ordered event');
    await relay.relay();
    await sleep(300);
    expect(mine()).toHaveLength(subjects.length * perSubject);
    expect(new Set(mine().map((event) => event.id)).size).toBe(mine().length);
    for (const subject of subjects) {
      const seqs = mine()
        .filter((event) => event.aggregateId === subject)
        .map((event) => (event.payload.after as { seq: number }).seq);
      expect(seqs).toEqual(Array.from({ length: perSubject }, (_, i) => i));
    }
    expect(subscribers.maxInFlight).toBeGreaterThan(1);
  }, 240_000);

  it('a subscriber that always throws delays no other, and events are published once every subscriber has them', async () => {
    const subject = newId();
    await record('relaytest.started', 'relaysubject', subject);
    await record('relaytest.finished', 'relaysubject', subject);
    clock.set(new Date('2026-03-01T11:00:00Z'));
    await relay.relay();
    const mine = (name: string) => subscribers.of(name).filter((event) => event.aggregateId === subject);
    await relayUntil(relay, () => mine('test-wildcard').length === 2, 'the working subscriber');
    // The broken one failed on the subject's first event; its second waits behind it, in order.
    await relayUntil(relay, () => mine('test-broken').length >= 1, 'the broken subscriber tried');
    expect(mine('test-broken').every((event) => event.type === 'relaytest.started')).toBe(true);

    const rows = await db.query<{ published_at: Date | null }[]>(
      `SELECT published_at FROM outbox_events WHERE aggregate_id = $1`,
      [subject],
    );
    expect(rows.map((row) => row.published_at?.toISOString())).toEqual([
      '2026-03-01T11:00:00.000Z',
      '2026-03-01T11:00:00.000Z',
    ]);
    const [{ unpublished }] = await db.query<{ unpublished: number }[]>(
      `SELECT count(*)::int AS unpublished FROM outbox_events WHERE published_at IS NULL`,
    );
    expect(unpublished).toBe(0);
  }, 200_000);

  it('runs on its schedule in every process, one relay at a time, each event handed over once', async () => {
    // Two more processes whose relays tick every second, beside this one whose relay is called.
    const everySecond = { JOBS_OUTBOX_RELAY_CRON: '* * * * * *' };
    const others = [await start(everySecond), await start(everySecond)];
    try {
      const subject = newId();
      const count = 30;
      await Promise.all(
        Array.from({ length: count }, (_, seq) => record('relaytest.step', 'relaysubject', subject, { seq })),
      );
      await Promise.all([relay.relay(), relay.relay()]);
      const received = () =>
        [subscribers, ...others.map((other) => other.get(TestSubscribers))].flatMap((each) =>
          each.of('test-wildcard').filter((event) => event.aggregateId === subject),
        );
      await eventually(() => received().length >= count, 'every event, through any process');
      await sleep(1500); // two more ticks of the scheduled relays
      expect(received()).toHaveLength(count);
      expect(new Set(received().map((event) => event.id)).size).toBe(count);
      const [{ jobs }] = await db.query<{ jobs: number }[]>(
        `SELECT count(*)::int AS jobs FROM pgboss.job WHERE name = 'outbox.test-wildcard' AND data->>'eventId' = ANY($1)`,
        [await eventIds(subject)],
      );
      expect(jobs).toBe(count);
    } finally {
      for (const other of others) await other.close();
    }
  }, 200_000);
});
