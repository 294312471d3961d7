import { rmSync } from 'node:fs';
import pg from 'pg';

export default async function globalTeardown() {
  const { serverUrl, database } = globalThis.__opsplaneTestDatabase ?? {};
  if (serverUrl && database) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
  const embedded = globalThis.__opsplaneEmbedded;
  if (embedded) {
    const exited = new Promise((resolve) => embedded.child.once('exit', resolve));
    embedded.child.kill('SIGTERM');
    await exited;
    rmSync(embedded.dir, { recursive: true, force: true });
  }
}
