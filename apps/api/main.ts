import {
  BootstrapAdminKey,
  ConfigError,
  createRootLogger,
  loadConfig,
  openDatabaseServer,
} from '@opsplane/core';
import pino from 'pino';
import { createApiApp } from './api-app';

/**
 * `npm start`: the whole of Opsplane in one process. Without DATABASE_URL it starts an embedded
 * PostgreSQL (data in ./.data/postgres) and stops it again on SIGTERM/SIGINT, after in-flight
 * requests and job runs have finished.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  // The log and the one-time key banner share one stream: it writes asynchronously, so a banner
  // written to process.stdout directly could overtake log lines logged before it.
  const stdout = pino.destination({ dest: 1, sync: false });
  const logger = createRootLogger(config.log, stdout);
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
  // A key made at start-up is printed last, once the server answers, so it is what a person sees
  // at the bottom of the terminal.
  app.get(BootstrapAdminKey).announce((text) => stdout.write(text));

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
