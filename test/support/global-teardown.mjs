import { rmSync } from 'node:fs';
import pg from 'pg';

export default async function globalTeardown() {
  const { serverUrl, prefix } = globalThis.__opsplaneTestDatabases ?? {};
  const embedded = globalThis.__opsplaneEmbedded;
  // On DATABASE_URL's server: the template and every test file's clone. An embedded server's
  // databases go with its directory.
  if (serverUrl && prefix && !embedded) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        `SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname`,
        [`${prefix}_`],
      );
      for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }
  if (embedded) {
    const exited = new Promise((resolve) => embedded.child.once('exit', resolve));
    embedded.child.kill('SIGTERM');
    await exited;
    rmSync(embedded.dir, { recursive: true, force: true });
  }
}
