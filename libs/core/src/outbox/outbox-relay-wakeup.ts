import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DatabaseConfig, JobsConfig } from '../config/config';
import { AppError } from '../errors/app-error';
import { OutboxRelay } from './outbox-relay.job';
import { OutboxSubscribers } from './outbox-subscribers';
import { PassOutcome, PassScheduler } from './pass-scheduler';

/** The channel the outbox_events trigger notifies (migration NotifyOutboxWrites). */
export const OUTBOX_CHANNEL = 'opsplane_outbox';
/** The listening connection's application_name, as pg_stat_activity shows it. */
export const OUTBOX_LISTENER_NAME = 'opsplane-outbox-listener';

/**
 * After a woken pass that left events unread, passes again after these waits. The usual reason is
 * an older transaction of another request still open at the moment of the commit (it holds the
 * snapshot's xmin, so the new event is not settled yet); such transactions end within
 * milliseconds. One held open longer is the cron's to wait for.
 */
const SETTLE_RETRY_MS = [20, 50, 100, 250, 500] as const;
const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 30_000;

/**
 * Wakes the outbox relay when events commit, so they reach subscribers within milliseconds rather
 * than at the next cron tick (which stays the fallback: notifications are lost while the
 * connection is down, and an event held back by an older open transaction may outlast the
 * retries). In processes with JOBS_ENABLED=true it holds one plain `pg` connection (not one of the
 * pool's, which LISTEN would pin) that LISTENs on `opsplane_outbox`, and on a notification runs
 * `OutboxRelay.relay()` here, in-process: enqueueing the relay job instead would add a queue round
 * trip, and the relay's advisory lock already keeps processes from relaying at the same time.
 */
@Injectable()
export class OutboxRelayWakeup implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayWakeup.name);
  private passes: PassScheduler | undefined;
  /** The current listening connection; a lost one is replaced, and events of an old one ignored. */
  private client: Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failedConnects = 0;
  private stopping = false;

  constructor(
    private readonly relay: OutboxRelay,
    private readonly subscribers: OutboxSubscribers,
    private readonly dataSource: DataSource,
    private readonly jobs: JobsConfig,
    private readonly database: DatabaseConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.jobs.enabled || !this.jobs.outboxRelayNotify || !this.database.url) return;
    this.passes = new PassScheduler(
      () => this.pass(),
      SETTLE_RETRY_MS,
      (error) => this.reportFailedPass(error),
    );
    await this.listen(this.database.url);
  }

  /** Before TypeORM's pool closes (onApplicationShutdown): a running pass still needs it. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await this.passes?.close();
    await client?.end().catch(() => undefined);
  }

  private async listen(url: string): Promise<void> {
    const client = new Client({
      connectionString: url,
      application_name: OUTBOX_LISTENER_NAME,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    this.client = client;
    client.on('notification', () => {
      if (this.client === client) this.passes?.request();
    });
    // An idle client reports a broken connection as 'error' (unhandled, it would crash the
    // process) and then 'end'; either way this connection is done.
    client.on('error', (error: Error) => this.lost(client, url, error));
    client.on('end', () => this.lost(client, url));
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      this.lost(client, url, error);
      return;
    }
    if (this.client !== client) return;
    if (this.failedConnects > 0) this.logger.log('Listening for outbox writes again');
    this.failedConnects = 0;
    // What committed while nobody listened notified nobody: look once now.
    this.passes?.request();
  }

  private lost(client: Client, url: string, error?: unknown): void {
    if (this.client !== client) return; // already replaced, or shutting down
    this.client = undefined;
    client.end().catch(() => undefined);
    if (this.stopping) return;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** this.failedConnects);
    this.failedConnects += 1;
    this.logger.warn(
      `Outbox listener connection lost${error ? ` (${messageOf(error)})` : ''}; reconnecting in ${delay} ms, the relay's cron covers meanwhile`,
    );
    this.reconnectTimer = setTimeout(() => void this.listen(url), delay);
  }

  /** One relay, then whether to look again shortly: events remain that some subscriber has not read. */
  private async pass(): Promise<PassOutcome> {
    await this.relay.relay();
    return (await this.unreadRemain()) ? 'retry' : 'done';
  }

  /**
   * Events after the furthest-behind subscriber's position: not yet settled (an older transaction
   * is open), or another relay held the lock, or more than one relay's worth.
   */
  private async unreadRemain(): Promise<boolean> {
    const names = this.subscribers.all().map((subscriber) => subscriber.name);
    if (names.length === 0) return false;
    const [{ unread }] = await this.dataSource.query<{ unread: boolean }[]>(
      `SELECT EXISTS (
         SELECT 1 FROM outbox_events
          WHERE (xid, id) > (SELECT last_xid, last_id FROM outbox_positions WHERE subscriber = ANY($1)
                              ORDER BY last_xid, last_id LIMIT 1)
       ) AS unread`,
      [names],
    );
    return unread;
  }

  private reportFailedPass(error: unknown): void {
    // A pass cut short by shutdown (the queue refuses new jobs) is rolled back and harmless.
    if (this.stopping && error instanceof AppError) return;
    this.logger.error(
      `Outbox relay pass failed (the cron retries): ${messageOf(error)}`,
      error instanceof Error ? error.stack : undefined,
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
