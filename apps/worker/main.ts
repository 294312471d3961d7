import { ConfigError, createHttpApp, createRootLogger, loadConfig } from '@opsplane/core';
import { WorkerModule } from './worker.module';

/**
 * `npm run start:worker`: runs the scheduled jobs against the PostgreSQL in DATABASE_URL and
 * serves only /health and /metrics (PORT, default 3001 here so it can run beside an API on 3000).
 */
async function main(): Promise<void> {
  const config = loadConfig(undefined, { PORT: '3001' });
  if (!config.database.url)
    throw new ConfigError(['DATABASE_URL is required for a worker: it joins an existing install']);
  const logger = createRootLogger(config.log);
  const app = await createHttpApp(WorkerModule.forRoot(config), { config, logger });
  await app.listen({ port: config.http.port, host: config.http.host });
  logger.info(`Opsplane worker running jobs; health and metrics on :${config.http.port}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received, finishing running jobs`);
    await app.close();
    logger.flush();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigError
      ? `${error.message}\n`
      : `Opsplane worker failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
