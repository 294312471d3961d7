/**
 * Migrates the test run's template database (test/support/global-setup.mjs), in a process of its
 * own because the global setup runs outside Jest's transform. The same DataSource settings and
 * migration list the app uses, so a database cloned from the template is what an app start would
 * have made (pg-boss's schema included); the app's own migration check on start then finds nothing to do.
 */
import { dataSourceOptions } from '../../libs/core/src/database/data-source-options';
import { runMigrationsLocked } from '../../libs/core/src/database/migrate';
import { installQueueSchema } from '../../libs/core/src/jobs/job-queue.service';
import { MIGRATIONS } from '../../migrations';
import { DataSource } from 'typeorm';

async function main(): Promise<void> {
  const [url] = process.argv.slice(2);
  if (!url) throw new Error('usage: migrate-template <database url>');
  const dataSource = new DataSource(
    dataSourceOptions({
      url,
      poolMax: 2, // runMigrationsLocked holds one connection for its lock and migrates on another
      entities: [],
      migrations: MIGRATIONS,
      applicationName: 'opsplane-test-template',
    }),
  );
  await dataSource.initialize();
  try {
    await runMigrationsLocked(dataSource);
    // pg-boss's schema too, as an app start installs it, so no test file installs its own.
    await installQueueSchema(url);
  } finally {
    // No connection may stay open: PostgreSQL clones a template only while nobody is connected to it.
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
