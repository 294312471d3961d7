import { cpus } from 'node:os';
import { LogConfig, pgTypeParsers } from '@opsplane/core';
import { CustomTypesConfig } from 'pg';
import { DatabaseServer } from './database';
import { LoadGenerator, LoadRequest } from './load';
import { MeasureOptions } from './measure';
import { FactsSize } from './seed';

/** What a suite measures; `all` and `releases` run several. */
export const SCENARIOS = [
  'rest',
  'graphql',
  'deployments',
  'request',
  'nested',
  'graphql-lists',
  'releases',
  'queue',
  'relay',
  'findings',
  'compliance-scan',
  'compliance-reports',
  'all',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface Options extends MeasureOptions {
  scenario: Scenario;
  /** Only these targets (by name: bare, rest, graphql) of each suite, e.g. to profile one alone. */
  targets: string[] | undefined;
  connections: number;
  inProcess: boolean;
  logLevel: LogConfig['level'];
  /** Environments suite. */
  environments: number;
  facts: FactsSize;
  /** Release suites: the data set, reused between runs while these stay the same. */
  services: number;
  releases: number;
  commits: number;
  deployments: number;
  reseed: boolean;
  /** V8's young-generation size for the run (node --max-semi-space-size); Node's default when unset. */
  semiSpaceMb: number | undefined;
  /** Share of the bare handler's throughput at which list suites measure latency; 0 skips it. */
  latencyShare: number;
  /**
   * How the bare handler reads column values: with pg's default parsers (a bare handler as anyone
   * would write it), or with Opsplane's (its faster timestamptz reader), so that the ratio
   * measures Opsplane's request pipeline alone.
   */
  bareParsers: 'pg' | 'opsplane';
  /** Connections of the nested-read suite (see nested-read.ts for why it is not `connections`). */
  nestedConnections: number;
  /** Queue suite: no-op jobs, worker processes, fetch shapes (`concurrency`x`batchSize`), enqueue samples. */
  jobs: number;
  workers: number;
  noopShapes: string[];
  enqueueSamples: number;
  /** Relay suite: changes per run and the wait between them. */
  relayEvents: number;
  relayGapMs: number;
  /** Findings suite: rows seeded (kept between runs). */
  findings: number;
  /** Compliance scan suite: environments scanned (30 controls each). */
  scanEnvironments: number;
  /** Compliance reports suite: environments and days of hourly scans seeded (kept between runs). */
  reportEnvironments: number;
  reportDays: number;
}

export interface BenchContext {
  options: Options;
  server: DatabaseServer;
  load: LoadGenerator;
}

export function machineLine(postgres: string): string {
  const cpu = cpus();
  return `  machine     node ${process.version} (NODE_ENV=${process.env.NODE_ENV ?? 'unset'}), ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}; ${postgres}`;
}

export function loadLine(context: BenchContext): string {
  const { options, load } = context;
  return [
    `  load        ${load.describe()}, ${options.connections} connections, ${options.durationSeconds} s per run, ${options.warmupSeconds} s warm-up per target, ${options.rounds} round(s) alternating`,
    `              every server runs in this one process (only one is loaded at a time); LOG_LEVEL=${options.logLevel}; ${heapFlags()}`,
    `              the bare handler reads values with ${options.bareParsers === 'pg' ? "pg's default parsers" : "Opsplane's parsers (--bare-parsers=opsplane): the ratio is the request pipeline's alone"}`,
  ].join('\n');
}

/** The bare handler's pool type parsers (see `Options.bareParsers`). */
export function bareTypes(options: Options): CustomTypesConfig | undefined {
  return options.bareParsers === 'opsplane' ? pgTypeParsers : undefined;
}

/** A request with the bench's defaults: a bearer token, JSON, the configured connections. */
export function request(
  url: string,
  token: string,
  options: Options,
  fields: Partial<LoadRequest> = {},
): LoadRequest {
  return {
    url,
    method: 'GET',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    ...fields,
  };
}

/** Keeps the targets `--targets` names (all when it names none). */
export function selected<T extends { name: string }>(options: Options, targets: T[]): T[] {
  return options.targets ? targets.filter((target) => options.targets!.includes(target.name)) : targets;
}

export function print(lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The V8 heap flags this process runs with, which all servers share. */
function heapFlags(): string {
  const flags = process.execArgv.filter((flag) => /^--max-(semi|old)-space-size/.test(flag));
  return flags.length > 0 ? `node ${flags.join(' ')}` : "Node's default heap sizes";
}
