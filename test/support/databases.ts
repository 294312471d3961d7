import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.OPSPLANE_TEST_SERVER_URL;
  if (!url) throw new Error('OPSPLANE_TEST_SERVER_URL is not set: run the tests through jest (global setup)');
  return url;
}

/**
 * A new database cloned from the run's migrated template (test/support/global-setup.mjs): every
 * table there, no rows. Named with the run's prefix, so the global teardown drops it if `drop`
 * is never called.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = serverUrl();
  const template = process.env.OPSPLANE_TEST_TEMPLATE!;
  const prefix = process.env.OPSPLANE_TEST_DATABASE_PREFIX!;
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: server });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
