import { ConfigError, createRootLogger, loadConfig, openDatabaseServer } from '@opsplane/core';
import { createApiApp } from './api-app';

/**
 * `npm start`: the whole of Opsplane in one process. Without DATABASE_URL it starts an embedded
 * PostgreSQL (data in ./.data/postgres) and stops it again on SIGTERM/SIGINT, after in-flight
 * requests and job runs have finished.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createRootLogger(config.log);
  const database = await openDatabaseServer(config.database, {
    log: (message) => logger.info(message),
    warn: (message) => logger.warn(message),
  });
  config.database.url = database.url;
  const app = await createApiApp(config, logger);
  await app.listen({ port: config.http.port, host: config.http.host });
  logger.info(
    `Opsplane API listening on http://localhost:${config.http.port} (docs /docs, GraphQL /graphql)`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received, shutting down`);
    await app.close();
    await database.stop();
    logger.info('Stopped');
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
      : `Opsplane failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
