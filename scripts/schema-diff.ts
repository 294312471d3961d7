/**
 * Checks that the migrations produce exactly the schema the entities describe: loads every
 * entity the API module imports, runs every migration on a fresh database, then asks TypeORM
 * what it would still change. Prints that SQL (a starting point for the next migration) and exits 1 if there is any.
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
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    config.database.url = url.toString();
    // Importing ApiModule registered every entity class of every feature with TypeORM.
    const entities = getMetadataArgsStorage()
      .tables.map((table) => table.target)
      .filter((target): target is Function => typeof target === 'function');
    const dataSource = await new DataSource(
      dataSourceOptions({ url: config.database.url, poolMax: 2, entities, migrations: MIGRATIONS }),
    ).initialize();
    await runMigrationsLocked(dataSource);
    const sql = await dataSource.driver.createSchemaBuilder().log();
    await dataSource.destroy();
    if (sql.upQueries.length === 0) {
      process.stdout.write('Migrations and entities agree.\n');
      return 0;
    }
    process.stdout.write('Entities differ from the migrated schema. A migration would need:\n\n');
    for (const query of sql.upQueries) process.stdout.write(`${query.query};\n`);
    return 1;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    await embedded?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
