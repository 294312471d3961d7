import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { LoadGenerator, LoadRequest, LoadResult } from './load';

/** One thing to load: a name for `--targets`, a label for the table, and the request. */
export interface Target {
  name: string;
  label: string;
  request: LoadRequest;
  prepare?: () => void;
}

export interface MeasureOptions {
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  /** Write a V8 CPU profile of this process for every measured run into this directory. */
  profileDir: string | undefined;
}

export interface Measurement {
  round: number;
  target: Target;
  result: LoadResult;
  /** CPU time this process spent per response (all its threads: JS, GC, I/O). */
  cpuMsPerRequest: number;
  /** Garbage-collection pause time per response; allocation-heavy pipelines pay here. */
  gcMsPerRequest: number;
  /** The longest single GC pause and the longest event-loop stall of the run: where tail latency comes from. */
  gcMaxMs: number;
  loopMaxMs: number;
  /** Share of the run the event loop was busy; near 1 means the server was CPU-bound. */
  eventLoopUtilization: number;
  /** How busy the machine was just before the run, with this benchmark idle: other people's load. */
  busyBefore: number | undefined;
  /** The largest resident set of this process (every server in it) sampled during the run. */
  rssPeakMib: number;
}

/**
 * Warms every target up, then measures them round by round, flipping the order each round
 * (A B, then B A) so that drift (a warming JIT, a busy neighbour) shows up as a difference
 * between rounds rather than as a bias toward one target. Prints a row per run.
 */
export async function measure(
  load: LoadGenerator,
  targets: Target[],
  options: MeasureOptions & {
    /** Waits for the last requests of a run to finish, so they do not overlap the next run. */
    settle?: () => Promise<void>;
    profileTag?: string;
  },
): Promise<Measurement[]> {
  const settle = options.settle ?? (() => Promise.resolve());
  for (const target of targets) {
    if (options.warmupSeconds > 0) {
      target.prepare?.();
      await load.run({ ...target.request, durationSeconds: options.warmupSeconds });
      await settle();
    }
  }
  const measurements: Measurement[] = [];
  printTableHead();
  for (let round = 1; round <= options.rounds; round++) {
    const order = round % 2 === 1 ? targets : [...targets].reverse();
    for (const target of order) {
      target.prepare?.();
      const busyBefore = await machineBusyShare(500);
      const profile = options.profileDir ? await startProfile() : undefined;
      let gcMs = 0;
      let gcMaxMs = 0;
      const gc = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          gcMs += entry.duration;
          gcMaxMs = Math.max(gcMaxMs, entry.duration);
        }
      });
      gc.observe({ entryTypes: ['gc'] });
      const loopDelay = monitorEventLoopDelay({ resolution: 5 });
      loopDelay.enable();
      let rssPeak = process.memoryUsage.rss();
      const rssSampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 100);
      const cpuBefore = process.cpuUsage();
      const eluBefore = performance.eventLoopUtilization();
      const result = await load.run({ ...target.request, durationSeconds: options.durationSeconds });
      const cpu = process.cpuUsage(cpuBefore);
      clearInterval(rssSampler);
      gc.disconnect();
      loopDelay.disable();
      const eventLoopUtilization = performance.eventLoopUtilization(eluBefore).utilization;
      if (profile)
        await profile.stopInto(
          join(options.profileDir!, `${options.profileTag ?? ''}${round}-${target.name}.cpuprofile`),
        );
      await settle();
      const measurement: Measurement = {
        round,
        target,
        result,
        cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / Math.max(1, result.completed),
        gcMsPerRequest: gcMs / Math.max(1, result.completed),
        gcMaxMs,
        // The timer's own resolution is counted in each sample; a stall is what lies beyond it.
        loopMaxMs: Math.max(0, loopDelay.max / 1e6 - 5),
        eventLoopUtilization,
        busyBefore,
        rssPeakMib: rssPeak / 2 ** 20,
      };
      measurements.push(measurement);
      printRow(measurement);
    }
  }
  return measurements;
}

const COLUMNS = [
  ['round', 5],
  ['target', 22],
  ['req/s', 9],
  ['p50 ms', 7],
  ['p90 ms', 7],
  ['p99 ms', 7],
  ['max ms', 7],
  ['cpu ms/req', 10],
  ['gc ms/req', 9],
  ['gc max', 6],
  ['stall max', 9],
  ['loop busy', 9],
  ['busy before', 11],
  ['rss MiB', 7],
  ['non-2xx', 8],
  ['errors', 7],
] as const;

function printTableHead(): void {
  const head = COLUMNS.map(([name, width], i) => (i < 2 ? name.padEnd(width) : name.padStart(width))).join(
    '  ',
  );
  process.stdout.write(`${head}\n${'-'.repeat(head.length)}\n`);
}

function printRow({
  round,
  target,
  result,
  cpuMsPerRequest,
  gcMsPerRequest,
  gcMaxMs,
  loopMaxMs,
  eventLoopUtilization,
  busyBefore,
  rssPeakMib,
}: Measurement): void {
  const cells = [
    String(round),
    target.label,
    Math.round(result.requestsPerSecond).toLocaleString('en-US'),
    String(result.p50),
    String(result.p90),
    String(result.p99),
    String(result.max),
    cpuMsPerRequest.toFixed(2),
    gcMsPerRequest.toFixed(2),
    gcMaxMs.toFixed(1),
    loopMaxMs.toFixed(1),
    `${Math.round(eventLoopUtilization * 100)} %`,
    busyBefore === undefined ? '?' : `${Math.round(busyBefore * 100)} %`,
    String(Math.round(rssPeakMib)),
    String(result.non2xx),
    String(result.errors + result.timeouts),
  ];
  const line = cells
    .map((cell, i) => (i < 2 ? cell.padEnd(COLUMNS[i]![1]) : cell.padStart(COLUMNS[i]![1])))
    .join('  ');
  process.stdout.write(`${line}\n`);
}

/** Summary figures over the rounds of one target. */
export class Summary {
  constructor(private readonly measurements: Measurement[]) {}

  of(name: string): Measurement[] {
    return this.measurements.filter((m) => m.target.name === name);
  }

  throughput(name: string): number {
    return median(this.of(name).map((m) => m.result.requestsPerSecond));
  }

  cpuPerRequest(name: string): number {
    return median(this.of(name).map((m) => m.cpuMsPerRequest));
  }

  /** The median of the rounds' p50s (for an even count the mean of the middle two, so rounded to 0.01 ms). */
  p50(name: string): number {
    return Math.round(median(this.of(name).map((m) => m.result.p50)) * 100) / 100;
  }

  worstP99(name: string): number {
    return Math.max(...this.of(name).map((m) => m.result.p99));
  }

  /** The process's largest resident set over every round of this target. */
  rssPeakMib(name: string): number {
    return Math.max(...this.of(name).map((m) => m.rssPeakMib));
  }

  /** `label  N req/s  p50  p99  CPU` for each target. */
  lines(names: string[]): string[] {
    return names.map((name) => {
      const label = this.of(name)[0]?.target.label ?? name;
      return `  ${label.padEnd(22)} ${Math.round(this.throughput(name)).toLocaleString('en-US').padStart(7)} req/s   p50 ${String(this.p50(name)).padStart(4)} ms   p99 ${String(this.worstP99(name)).padStart(4)} ms   ${this.cpuPerRequest(name).toFixed(2)} ms CPU per request   RSS ≤ ${Math.round(this.rssPeakMib(name))} MiB`;
    });
  }

  /**
   * Throughput of `numerator` over `denominator`: the median of the per-round ratios (each
   * round's two runs are neighbours in time, so a busy neighbour affects both) with their spread,
   * and the same by CPU per request, which barely moves when other processes compete for the cores.
   * `scale` turns requests into comparable units of data (e.g. REST calls per GraphQL query).
   */
  ratio(numerator: string, denominator: string, scale = 1): { value: number; line: string } {
    const top = this.of(numerator);
    const bottom = this.of(denominator);
    const byRound = top.map(
      (m, i) => (m.result.requestsPerSecond * scale) / bottom[i]!.result.requestsPerSecond,
    );
    const value = median(byRound);
    const byCpu = this.cpuPerRequest(denominator) / (this.cpuPerRequest(numerator) / scale);
    const labels = `${top[0]?.target.label ?? numerator} / ${bottom[0]?.target.label ?? denominator}:`;
    const spread =
      byRound.length > 1 ? `, spread ${percent(Math.min(...byRound))}–${percent(Math.max(...byRound))}` : '';
    return {
      value,
      line: `  ${labels.padEnd(41)} ${percent(value)} of the throughput (median of ${byRound.length} round(s)${spread}); ${percent(byCpu)} by CPU per request`,
    };
  }

  warnings(): string[] {
    return this.measurements.some((m) => m.result.non2xx + m.result.errors + m.result.timeouts > 0)
      ? ['  WARNING: some runs had non-2xx responses or errors; their numbers measure failures too.']
      : [];
  }
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function percent(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}

/**
 * The latency half of a target like "p99 ≤ 30 ms at 50 connections". Closed-loop load saturates
 * the server, so its latency is queueing by construction (see `littlesLawLine`); here the same
 * connections send at a fixed pace below saturation, `share` of the baseline's measured
 * throughput, and each target's p99 is what a client sees from a busy but not overloaded server.
 */
export async function measureLatencyAt(
  load: LoadGenerator,
  targets: Target[],
  options: MeasureOptions & { share: number; baselineThroughput: number; settle?: () => Promise<void> },
): Promise<{ rate: number; summary: Summary; lines: string[] }> {
  const rate = Math.max(1, Math.round(options.baselineThroughput * options.share));
  const paced = targets.map((target) => ({
    ...target,
    request: { ...target.request, ratePerSecond: rate },
  }));
  print(
    `\nLatency at ${rate} req/s (${percent(options.share)} of the baseline's throughput), same connections:`,
  );
  const runs = await measure(load, paced, { ...options, warmupSeconds: 0 });
  const summary = new Summary(runs);
  return {
    rate,
    summary,
    lines: targets.map((target) => {
      const completed = median(summary.of(target.name).map((m) => m.result.requestsPerSecond));
      return `  ${target.label.padEnd(22)} p50 ${String(summary.p50(target.name)).padStart(4)} ms   p99 ${String(summary.worstP99(target.name)).padStart(4)} ms (worst round) at ${Math.round(completed)} req/s served of ${rate} sent`;
    }),
  };
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

/**
 * The verdict lines of a list suite against the bare handler (targets `rest` and `bare`): the
 * throughput ratio, the closed-loop p99s with why they cannot be small, and, unless
 * `latencyShare` is 0, the latency pass below saturation with its p99 verdict.
 */
export async function versusBare(
  load: LoadGenerator,
  targets: Target[],
  summary: Summary,
  options: MeasureOptions & {
    connections: number;
    latencyShare: number;
    issue: number;
    bareParsers: 'pg' | 'opsplane';
    settle: () => Promise<void>;
  },
): Promise<string[]> {
  const ratio = summary.ratio('rest', 'bare');
  const lines = [
    ratio.line,
    options.bareParsers === 'pg'
      ? `  issue ${options.issue} target: ≥ 85 % of bare → ${ratio.value >= 0.85 ? 'met' : 'not met'}`
      : "  (the request pipeline alone: the bare handler has Opsplane's parsers, so this is not the issue's comparison)",
    `  closed loop: p99 ${summary.worstP99('bare')} ms bare, ${summary.worstP99('rest')} ms Opsplane (worst round)`,
    littlesLawLine(options.connections, summary.throughput('rest')),
  ];
  if (options.latencyShare === 0) return lines;
  const latency = await measureLatencyAt(load, targets, {
    ...options,
    share: options.latencyShare,
    baselineThroughput: summary.throughput('bare'),
  });
  const p99 = latency.summary.worstP99('rest');
  return [
    ...lines,
    '',
    `Latency below saturation (open loop at ${latency.rate} req/s, ${options.connections} connections)`,
    ...latency.lines,
    `  issue ${options.issue} target: p99 ≤ 30 ms at ${options.connections} connections → ${p99 <= 30 ? 'met' : 'not met'} (${p99} ms)`,
  ];
}

/**
 * Closed-loop load: each connection sends its next request when the previous one returns, so the
 * average latency is connections / throughput whatever the server does (Little's law).
 */
export function littlesLawLine(connections: number, throughput: number): string {
  const queueingMs = (connections / throughput) * 1000;
  return `  (with ${connections} connections always busy, mean latency = ${connections} / throughput ≈ ${queueingMs.toFixed(0)} ms; a p99 ≤ 30 ms needs well over ${Math.round(connections / 0.03).toLocaleString('en-US')} req/s)`;
}

/**
 * A CPU profile of just one measured run (unlike `node --cpu-prof`, which also records start-up,
 * seeding and the other targets). Open it in Chrome DevTools or speedscope.
 */
async function startProfile(): Promise<{ stopInto(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  return {
    async stopInto(file) {
      const { profile } = await post<{ profile: object }>('Profiler.stop');
      session.disconnect();
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
    },
  };
}

/** Share of all cores busy over `ms` (Linux /proc/stat); undefined elsewhere. */
async function machineBusyShare(ms: number): Promise<number | undefined> {
  const sample = () => {
    try {
      const fields = readFileSync('/proc/stat', 'utf8')
        .split('\n')[0]!
        .trim()
        .split(/\s+/)
        .slice(1)
        .map(Number);
      const idle = fields[3]! + (fields[4] ?? 0); // idle + iowait
      return { idle, total: fields.reduce((sum, value) => sum + value, 0) };
    } catch {
      return undefined;
    }
  };
  const before = sample();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = sample();
  if (!before || !after || after.total === before.total) return undefined;
  return 1 - (after.idle - before.idle) / (after.total - before.total);
}
