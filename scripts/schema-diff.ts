/**
 * Checks that the migrations produce exactly the schema the entities describe: loads every
 * entity the API module imports, runs every migration on a fresh database, then asks TypeORM
 * what it would still change. Prints that SQL (a starting point for the next migration) and exits 1 if there is any.
 * TypeORM does not compare the WHERE of partial indexes, so those are checked apart: the entities
 * are also synchronized into a second scratch database, and PostgreSQL's own rendering of each
 * predicate is compared between the two.
 *
 *   npm run db:diff                    # embedded PostgreSQL in a temporary directory
 *   DATABASE_URL=postgres://… npm run db:diff
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRootLogger,
  dataSourceOptions,
  loadConfig,
  runMigrationsLocked,
  startEmbeddedPostgres,
} from '@opsplane/core';
import { Client } from 'pg';
import { DataSource, getMetadataArgsStorage } from 'typeorm';
import '../apps/api/api.module';
import { MIGRATIONS } from '../migrations';

async function main(): Promise<number> {
  const config = loadConfig({ ...process.env, JOBS_ENABLED: 'false', LOG_LEVEL: 'warn' });
  const logger = createRootLogger(config.log);
  const scratch = mkdtempSync(join(tmpdir(), 'opsplane-diff-'));
  const embedded = config.database.url
    ? undefined
    : await startEmbeddedPostgres(join(scratch, 'pg'), { log: () => undefined, warn: (m) => logger.warn(m) });
  const serverUrl = config.database.url ?? embedded!.url;
  const database = `opsplane_diff_${Date.now()}`;
  const fromEntities = `${database}_entities`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.query(`CREATE DATABASE ${fromEntities}`);
  try {
    // Importing ApiModule registered every entity class of every feature with TypeORM.
    const entities = getMetadataArgsStorage()
      .tables.map((table) => table.target)
      .filter((target): target is Function => typeof target === 'function');
    const open = (name: string) =>
      new DataSource(
        dataSourceOptions({ url: urlOf(serverUrl, name), poolMax: 2, entities, migrations: MIGRATIONS }),
      ).initialize();

    const migrated = await open(database);
    await runMigrationsLocked(migrated);
    const sql = await migrated.driver.createSchemaBuilder().log();
    const migratedPredicates = await partialIndexPredicates(migrated);
    await migrated.destroy();

    const synchronized = await open(fromEntities);
    await synchronized.synchronize();
    const entityPredicates = await partialIndexPredicates(synchronized);
    await synchronized.destroy();

    const predicateDrift = [...new Set([...migratedPredicates.keys(), ...entityPredicates.keys()])]
      .filter((index) => migratedPredicates.get(index) !== entityPredicates.get(index))
      .map(
        (index) =>
          `-- index ${index}: migrations WHERE ${migratedPredicates.get(index) ?? '(none)'}; ` +
          `entities WHERE ${entityPredicates.get(index) ?? '(none)'}`,
      );
    if (sql.upQueries.length === 0 && predicateDrift.length === 0) {
      process.stdout.write('Migrations and entities agree.\n');
      return 0;
    }
    process.stdout.write('Entities differ from the migrated schema. A migration would need:\n\n');
    for (const query of sql.upQueries) process.stdout.write(`${query.query};\n`);
    for (const line of predicateDrift) process.stdout.write(`${line}\n`);
    return 1;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${fromEntities} WITH (FORCE)`);
    await admin.end();
    await embedded?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function urlOf(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Index name → its predicate as PostgreSQL prints it, for every partial index in `public`. */
async function partialIndexPredicates(dataSource: DataSource): Promise<Map<string, string>> {
  const rows = await dataSource.query<{ name: string; predicate: string }[]>(
    `SELECT i.relname AS name, pg_get_expr(x.indpred, x.indrelid) AS predicate
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_namespace n ON n.oid = i.relnamespace
      WHERE x.indpred IS NOT NULL AND n.nspname = 'public'`,
  );
  return new Map(rows.map((row) => [row.name, row.predicate]));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
