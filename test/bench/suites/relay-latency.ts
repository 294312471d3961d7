import { Injectable, OnModuleInit } from '@nestjs/common';
import { ChangeRecorder, newId, OutboxSubscribers, systemActor, Transactions } from '@opsplane/core';
import { DataSource } from 'typeorm';
import { BenchContext, machineLine, print } from '../context';
import { startCoreApp } from '../core-app';
import { scratchDatabase } from '../database';
import { serverVersion } from '../opsplane';

/** Arrival times by subject, as the subscriber's handler saw them (performance.now()). */
@Injectable()
class ArrivalRecorder implements OnModuleInit {
  readonly arrivals = new Map<string, number>();

  constructor(private readonly subscribers: OutboxSubscribers) {}

  async onModuleInit(): Promise<void> {
    await this.subscribers.register({
      name: 'bench-latency',
      types: ['bench.*'],
      handle: (event) => Promise.resolve(void this.arrivals.set(event.aggregateId, performance.now())),
    });
  }
}

type Path = 'cron only' | 'notify';

/**
 * Commit → subscriber latency of the outbox relay when idle (a benchmark: it prints, asserts
 * nothing). One process as `npm start` runs it for jobs (JOBS_ENABLED=true, the relay's cron every
 * second) with one in-process subscriber recording when each event arrives; `--relay-events`
 * changes (through ChangeRecorder: audit and outbox in one transaction), each made once the
 * previous one has arrived and a random pause of up to `--relay-gap-ms` has passed, so the relay
 * is idle when it commits; timed from the moment the transaction's commit returned. Two paths, alternating
 * round by round: the cron alone (JOBS_OUTBOX_RELAY_NOTIFY=false, as before the wake-up) and the
 * wake-up on commit.
 */
export async function relayLatencySuite(context: BenchContext): Promise<void> {
  const { options, server } = context;
  const database = await scratchDatabase(server.url);
  try {
    const order: Path[] = [];
    for (let round = 0; round < options.rounds; round += 1)
      order.push(
        ...(round % 2 === 0 ? (['cron only', 'notify'] as const) : (['notify', 'cron only'] as const)),
      );
    const results: string[] = [];
    let header: string | undefined;
    for (const path of order) {
      const app = await startCoreApp(
        database.url,
        {
          JOBS_ENABLED: 'true',
          JOBS_OUTBOX_RELAY_CRON: '* * * * * *',
          JOBS_OUTBOX_RELAY_NOTIFY: path === 'notify' ? 'true' : 'false',
        },
        [ArrivalRecorder],
      );
      try {
        header ??= machineLine(await serverVersion(app.get(DataSource), server.embedded));
        const latencies = await measurePath(
          app.get(Transactions),
          app.get(ChangeRecorder),
          app.get(ArrivalRecorder),
          options.relayEvents,
          options.relayGapMs,
        );
        results.push(
          `      ${path.padEnd(10)} p50 ${pct(latencies, 0.5).toFixed(1).padStart(7)} ms   p90 ${pct(latencies, 0.9).toFixed(1).padStart(7)} ms   ` +
            `p99 ${pct(latencies, 0.99).toFixed(1).padStart(7)} ms   max ${pct(latencies, 1).toFixed(1).padStart(7)} ms   (${latencies.length} events)`,
        );
      } finally {
        await app.close();
      }
    }
    print([
      '',
      'Opsplane benchmark: outbox relay, commit → subscriber handler when idle (a benchmark, not a test: nothing is asserted)',
      header ?? '',
      `  load        ${options.relayEvents} changes per run, each once the previous has arrived, after a random 0-${options.relayGapMs} ms pause; relay cron every second; one in-process subscriber`,
      ...results,
    ]);
  } finally {
    await database.drop();
  }
}

async function measurePath(
  transactions: Transactions,
  changes: ChangeRecorder,
  recorder: ArrivalRecorder,
  events: number,
  gapMs: number,
): Promise<number[]> {
  const committedAt = new Map<string, number>();
  const change = async () => {
    const subject = newId();
    await transactions.run((manager) =>
      changes.record(manager, systemActor('bench', subject), {
        action: 'bench.changed',
        targetType: 'bench',
        targetId: subject,
        after: { n: 1 },
      }),
    );
    committedAt.set(subject, performance.now());
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  // Polls for the handler's record, which holds the exact arrival time; the poll only paces the next change.
  const arrived = async (count: number, pollMs = 50) => {
    const giveUpAt = Date.now() + 300_000;
    while ([...committedAt.keys()].filter((subject) => recorder.arrivals.has(subject)).length < count) {
      if (Date.now() > giveUpAt) throw new Error('relay bench: events did not arrive within 5 minutes');
      await sleep(pollMs);
    }
  };
  // Warm-up: JIT, pools, prepared statements.
  for (let i = 0; i < 20; i += 1) await change();
  await arrived(20);
  committedAt.clear();
  // Idle: the next change only once the last has arrived, after a random pause spanning the cron's
  // second (a fixed or short one locks onto the tick's phase: each change would just miss a tick).
  for (let i = 0; i < events; i += 1) {
    await change();
    await arrived(i + 1, 2);
    await sleep(Math.random() * gapMs);
  }
  return [...committedAt].map(([subject, at]) => recorder.arrivals.get(subject)! - at).sort((a, b) => a - b);
}

function pct(sorted: number[], share: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}
