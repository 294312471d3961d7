import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger as Pino } from 'pino';
import { LogConfig } from '../config/config';

/**
 * Structured JSON logs on stdout, one line per event; Nest's own messages go through it too.
 *
 * Written asynchronously: a synchronous write is a system call per line, and at the default level
 * every request logs a line. Lines still leave in order and without delay (the next write starts
 * when the previous one completes, taking everything logged meanwhile), and pino writes what is
 * left synchronously when the process exits; only a hard kill can lose the last lines.
 */
export function createRootLogger(
  config: LogConfig,
  destination: DestinationStream = pino.destination({ dest: 1, sync: false }),
): Pino {
  return pino(
    {
      level: config.level,
      base: { service: 'opsplane' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Belt and braces: even if a header object is logged somewhere, credentials are not.
      redact: ['req.headers.authorization', 'headers.authorization', 'token', '*.token'],
    },
    destination,
  );
}

/**
 * Nest contexts whose 'log' messages are start-up wiring: a line per module (InstanceLoader), per
 * controller (RoutesResolver) and per route (RouterExplorer, GraphQLModule's /graphql line) —
 * about 130 lines that buried the one line a person must read on the first start, the admin key.
 * They stay available at LOG_LEVEL=debug.
 */
const WIRING_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'GraphQLModule']);

export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  log(message: unknown, context?: string): void {
    if (context !== undefined && WIRING_CONTEXTS.has(context)) this.pino.debug({ context }, String(message));
    else this.pino.info({ context }, String(message));
  }

  error(message: unknown, stack?: string, context?: string): void {
    this.pino.error({ context, stack }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.pino.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.pino.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.pino.trace({ context }, String(message));
  }
}
