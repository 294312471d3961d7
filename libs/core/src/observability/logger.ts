import { LoggerService } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';
import { LogConfig } from '../config/config';

/** Structured JSON logs on stdout, one line per event; Nest's own messages go through it too. */
export function createRootLogger(config: LogConfig): Pino {
  return pino({
    level: config.level,
    base: { service: 'opsplane' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Belt and braces: even if a header object is logged somewhere, credentials are not.
    redact: ['req.headers.authorization', 'headers.authorization', 'token', '*.token'],
  });
}

export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  log(message: unknown, context?: string): void {
    this.pino.info({ context }, String(message));
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
