import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  ApiKeysService,
  AppConfig,
  createRootLogger,
  LogConfig,
  loadConfig,
  Role,
  systemActor,
} from '@opsplane/core';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/api-app';
import { CapturedQuery } from './bare-server';
import { BENCH_DATA_DIR } from './database';

export interface Opsplane {
  app: NestFastifyApplication;
  config: AppConfig;
  url: string;
  dataSource: DataSource;
  /** A fresh API key of this role. */
  token(role: Role): Promise<string>;
  /**
   * Resolves once the app has used no database connection for a while. autocannon stops sending
   * when a run ends, but the requests it sent last still run; what follows a run (cleaning up,
   * closing) waits for them. Watching the pool costs the requests nothing, unlike a hook would.
   */
  idle(): Promise<void>;
  close(): Promise<void>;
}

interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** The real API application on 127.0.0.1, as `npm start` runs it but without jobs. */
export async function startOpsplane(
  databaseUrl: string,
  logLevel: LogConfig['level'],
  beforeListen?: (app: NestFastifyApplication) => void,
): Promise<Opsplane> {
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    JOBS_ENABLED: 'false',
    LOG_LEVEL: logLevel,
    // Minted per run so the first start does not print an admin key.
    OPSPLANE_BOOTSTRAP_TOKEN: `opk_${randomBytes(32).toString('base64url')}`,
  });
  // The app's own log lines (one per request at LOG_LEVEL=info) go to a file, as to a log
  // collector in production, not into the benchmark's report on stdout.
  const logFile = join(BENCH_DATA_DIR, 'opsplane.log');
  const destination = pino.destination({ dest: logFile, sync: false, mkdir: true, append: false });
  const app = await createApiApp(config, createRootLogger(config.log, destination));
  beforeListen?.(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = await app.getUrl();
  return {
    app,
    config,
    url,
    dataSource: app.get(DataSource),
    token: async (role) =>
      (await app.get(ApiKeysService).create(systemActor('bench', 'bench'), { name: `bench ${role}`, role }))
        .token,
    async idle() {
      const pool = (app.get(DataSource).driver as unknown as { master: PoolCounts }).master;
      const deadline = Date.now() + 60_000;
      let quietSince = Date.now();
      while (Date.now() - quietSince < 500 && Date.now() < deadline) {
        if (pool.totalCount - pool.idleCount > 0 || pool.waitingCount > 0) quietSince = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => app.close(),
  };
}

/**
 * Sends one request through the real app and records the SQL (and parameters) it sent, as
 * TypeORM's logger sees every statement, so the bare handler runs exactly that and not a hand
 * copy that could drift.
 */
export async function captureQueries(
  dataSource: DataSource,
  send: () => Promise<Response>,
): Promise<CapturedQuery[]> {
  const captured: CapturedQuery[] = [];
  const logger = dataSource.logger;
  const logQuery = logger.logQuery.bind(logger);
  logger.logQuery = (sql, params, ...rest) => {
    captured.push({ sql, params: Array.isArray(params) ? params : [] });
    return logQuery(sql, params, ...rest);
  };
  try {
    const response = await send();
    if (response.status !== 200)
      throw new Error(`${response.url} answered ${response.status}: ${await response.text()}`);
  } finally {
    logger.logQuery = logQuery;
  }
  return captured;
}

/** The one query on `table` among the captured ones (the list's), or an error listing them all. */
export function theQueryOn(table: string, captured: CapturedQuery[]): CapturedQuery {
  const selects = captured.filter((query) => new RegExp(`\\bFROM\\s+"?${table}"?`, 'i').test(query.sql));
  if (selects.length !== 1) {
    throw new Error(
      `expected one query on ${table} for the list, saw ${selects.length}:\n${captured.map((q) => q.sql).join('\n')}`,
    );
  }
  return selects[0]!;
}

/**
 * Records whether Nest handed Fastify a response schema for the route (Fastify compiles it into
 * the route's serialiser). An onRoute hook runs once per route at start-up and costs nothing
 * per request.
 */
export function watchResponseSchemas(app: NestFastifyApplication): (method: string, url: string) => string {
  const seen = new Map<string, string>();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      const response = (route.schema as { response?: Record<string, unknown> } | undefined)?.response;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods)
        seen.set(
          `${method} ${route.url}`,
          response ? `declared for ${Object.keys(response).join(', ')}` : 'none (JSON.stringify)',
        );
    });
  return (method, url) => seen.get(`${method} ${url}`) ?? 'route not seen';
}

export async function serverVersion(dataSource: DataSource, embedded: boolean): Promise<string> {
  const [row] = await dataSource.query<{ server_version: string }[]>('SHOW server_version');
  return `PostgreSQL ${row?.server_version ?? '?'} (${embedded ? 'embedded' : 'DATABASE_URL'})`;
}
