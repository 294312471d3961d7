import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@opsplane/core';
import pg from 'pg';

export interface DatabaseServer {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * Where the embedded server keeps its data between runs, so the seeded release data set (a
 * million deployments) is made once and reused. Inside the checkout's `.data/`, which git ignores.
 */
export const BENCH_DATA_DIR = join(__dirname, '..', '..', '.data', 'bench');

/** The PostgreSQL server: DATABASE_URL's, or an embedded one whose data is kept in BENCH_DATA_DIR. */
export async function startDatabaseServer(): Promise<DatabaseServer> {
  const external = process.env.DATABASE_URL;
  if (external) return { url: external, embedded: false, stop: () => Promise.resolve() };
  mkdirSync(BENCH_DATA_DIR, { recursive: true });
  chmodSync(BENCH_DATA_DIR, 0o755); // PostgreSQL runs as the postgres user when the bench runs as root
  const embedded = await startEmbeddedPostgres(join(BENCH_DATA_DIR, 'postgres'), {
    log: () => undefined,
    warn: (message) => process.stderr.write(`${message}\n`),
  });
  return { url: embedded.url, embedded: true, stop: () => embedded.stop() };
}

async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function urlOf(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A database of its own for one run, dropped afterwards, so a shared server's other databases stay untouched. */
export async function scratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `opsplane_bench_${Date.now()}_${process.pid}`;
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  return {
    url: urlOf(serverUrl, name),
    drop: async () => {
      await onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name}`));
    },
  };
}

/**
 * A database kept between runs under a fixed name: reused when `isReusable` says its content is
 * what this run needs, otherwise dropped and created empty.
 */
export async function keptDatabase(
  serverUrl: string,
  name: string,
  isReusable: (url: string) => Promise<boolean>,
): Promise<{ url: string; reused: boolean }> {
  const url = urlOf(serverUrl, name);
  const exists = await onServer(serverUrl, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  });
  if (exists && (await isReusable(url))) return { url, reused: true };
  await onServer(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  return { url, reused: false };
}

/** One query on a database by URL, outside any application. */
export function queryDatabase<R extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  return onServer(url, async (client) => (await client.query<R>(sql, params)).rows);
}
