import { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as Pino } from 'pino';
import { AppConfig } from '../config/config';
import { Metrics } from '../observability/metrics';
import { PinoNestLogger } from '../observability/logger';
import { newRequestId } from './request-id';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface HttpAppOptions {
  config: AppConfig;
  logger: Pino;
  /** Build the module graph without connecting anything (OpenAPI/schema generation). */
  preview?: boolean;
}

/**
 * Builds a Nest application on Fastify with the request plumbing every process shares: request
 * ids (taken from `x-request-id` when sane, else a new UUIDv7) echoed on every response, one
 * access-log line and one metrics observation per request, and JSON bodies with a size limit.
 * (Errors Fastify raises before a handler runs, like malformed JSON, reach Nest's exception
 * layer and so the problem-details filter.)
 */
export async function createHttpApp(
  rootModule: Type | DynamicModule,
  options: HttpAppOptions,
): Promise<NestFastifyApplication> {
  const { config, logger } = options;
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    logger: false,
    requestIdHeader: false,
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : newRequestId();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    logger: new PinoNestLogger(logger),
    preview: options.preview,
    abortOnError: false,
    // Fastify's own JSON parser only: Nest's default adds a form-urlencoded one, and a JSON API
    // should answer a form post with 415, not act on it.
    bodyParser: false,
    // Kept by the JSON parser registered below (`request.rawBody`).
    rawBody: true,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser(['text/plain']);
  // Fastify's own JSON parser still parses (same errors, same limit), but the bytes are kept as
  // `request.rawBody`: webhook senders sign the bytes they sent, not our re-serialisation of them.
  if (!options.preview) app.useBodyParser('application/json', { bodyLimit: config.http.bodyLimitBytes });

  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });

  if (!options.preview) {
    const metrics = app.get(Metrics);
    fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.observeHttp(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
      // Checked first so that, with access logs off, a request does not build the line for nothing.
      if (logger.isLevelEnabled('info'))
        logger.info(
          {
            requestId: request.id,
            method: request.method,
            route,
            url: request.url,
            status: reply.statusCode,
            ms: Math.round(reply.elapsedTime),
          },
          'request completed',
        );
      done();
    });
  }
  return app;
}
