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
  OutboxSubscribers,
  systemActor,
  Transactions,
} from '@opsplane/core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { unique } from '../../support/test-app';
import { eventually } from '../../support/eventually';

/** The listening connection's application_name (OUTBOX_LISTENER_NAME in core). */
const LISTENER_NAME = 'opsplane-outbox-listener';

@Injectable()
class NotifiedSubscriber implements OnModuleInit {
  readonly received: OutboxEvent[] = [];

  constructor(private readonly subscribers: OutboxSubscribers) {}

  of(subject: string): string[] {
    return this.received.filter((event) => event.aggregateId === subject).map((event) => event.type);
  }

  async onModuleInit(): Promise<void> {
    await this.subscribers.register({
      name: 'test-notified',
      types: ['notifytest.*'],
      handle: (event) => Promise.resolve(void this.received.push(event)),
    });
  }
}

@Module({})
class NotifyTestModule {
  static forRoot(config: ReturnType<typeof loadConfig>, clock: FixedClock): DynamicModule {
    return {
      module: NotifyTestModule,
      imports: [CoreModule.forRoot({ config, migrations: MIGRATIONS, clock })],
      providers: [NotifiedSubscriber],
    };
  }
}

/**
 * The relay's cron never fires here (29 February, at most once in four years) and no test calls
 * the relay: whatever arrives was relayed because its commit notified the listener.
 */
describe('outbox relay woken by commits', () => {
  const clock = new FixedClock(new Date('2026-03-01T10:00:00Z'));
  let app: NestFastifyApplication;
  let subscriber: NotifiedSubscriber;
  let db: DataSource;

  const record = (action: string, subject: string) =>
    app.get(Transactions).run((manager) =>
      app.get(ChangeRecorder).record(manager, systemActor('tests', unique('req')), {
        action,
        targetType: 'notifysubject',
        targetId: subject,
        after: {},
      }),
    );

  const listenerPids = async (): Promise<number[]> =>
    (
      await db.query<{ pid: number }[]>(
        `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
        [LISTENER_NAME],
      )
    ).map((row) => row.pid);

  beforeAll(async () => {
    const config = loadConfig({
      ...process.env,
      JOBS_ENABLED: 'true',
      JOBS_OUTBOX_RELAY_NOTIFY: 'true',
      JOBS_OUTBOX_RELAY_CRON: '0 0 29 2 *',
      JOBS_HOUSEKEEPING_CRON: '0 0 29 2 *',
      JOBS_POLL_INTERVAL_MS: '500',
      LOG_LEVEL: 'error',
    });
    app = await createHttpApp(NotifyTestModule.forRoot(config, clock), {
      config,
      logger: createRootLogger(config.log),
    });
    await app.init();
    subscriber = app.get(NotifiedSubscriber);
    db = app.get(DataSource);
  }, 200_000);
  afterAll(() => app?.close());

  it('hands each committed event to its subscriber without the cron', async () => {
    // The first may be caught by the pass the listener runs when it connects; by the time it has
    // arrived that pass is over, so only the second's notification can bring the second.
    for (const type of ['notifytest.created', 'notifytest.updated']) {
      const subject = newId();
      await record(type, subject);
      await eventually(() => subscriber.of(subject).length === 1, `${type}, relayed on its commit`);
      expect(subscriber.of(subject)).toEqual([type]);
    }
  }, 200_000);

  it('relays an event held back by an older open transaction once that one commits its own', async () => {
    const subject = newId();
    const slow = new Client({ connectionString: process.env.DATABASE_URL });
    await slow.connect();
    try {
      // The older transaction writes its event first and stays open, holding back the next one.
      await slow.query('BEGIN');
      await slow.query(
        `INSERT INTO outbox_events (id, type, aggregate_type, aggregate_id, payload, request_id, occurred_at)
         VALUES ($1, 'notifytest.early', 'notifysubject', $2, '{}', 'slow', $3)`,
        [newId(), subject, clock.now()],
      );
      await record('notifytest.later', subject);
      // Its notification arrives while the event is not settled; nothing of the subject is readable.
      expect(subscriber.of(subject)).toEqual([]);
      await slow.query('COMMIT');
      await eventually(() => subscriber.of(subject).length === 2, 'both events, once the older committed');
      expect(subscriber.of(subject)).toEqual(['notifytest.early', 'notifytest.later']);
    } finally {
      await slow.end();
    }
  }, 200_000);

  it('listens again after its connection drops', async () => {
    await eventually(async () => (await listenerPids()).length === 1, 'one listener');
    const [dropped] = await listenerPids();
    await db.query(`SELECT pg_terminate_backend($1)`, [dropped]);
    await eventually(async () => {
      const pids = await listenerPids();
      return pids.length === 1 && pids[0] !== dropped;
    }, 'a new listening connection');
    const subject = newId();
    await record('notifytest.after_reconnect', subject);
    await eventually(() => subscriber.of(subject).length === 1, 'an event committed after the reconnect');
  }, 200_000);
});
