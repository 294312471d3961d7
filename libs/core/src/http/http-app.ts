import { Readable } from 'node:stream';
import { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Logger as Pino } from 'pino';
import { AppConfig } from '../config/config';
import { Metrics } from '../observability/metrics';
import { PinoNestLogger } from '../observability/logger';
import { sendProblem } from '../errors/problem-details.filter';
import { toProblemDetails } from '../errors/problem-details';
import { AppError, CommonErrors } from '../errors/app-error';
import { capConnectionsPerAddress, frameworkErrorFor, onClientError, RouteMethods } from './framework-edges';
import {
  assertNoLoneSurrogate,
  assertUtf8,
  assertUtf8Charset,
  findJsonLimitBreach,
  jsonLimitError,
} from './json-body';
import { newRequestId } from './request-id';
import { acceptDocumentBody, DOCUMENT_MEDIA_TYPES, documentBodyOf, takesJsonAsBytes } from './document-body';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

export interface HttpAppOptions {
  config: AppConfig;
  logger: Pino;
  /** Build the module graph without connecting anything (OpenAPI/schema generation). */
  preview?: boolean;
}

/**
 * Builds a Nest application on Fastify with the request plumbing every process shares: request
 * ids (taken from `x-request-id` when sane, else a new UUIDv7) echoed on every response, one
 * access-log line and one metrics observation per request, JSON bodies checked before they are
 * parsed (size, UTF-8, nesting, members, string length), timeouts for slow clients and a cap on
 * connections per address. (Errors Fastify raises before a handler runs, like malformed JSON,
 * reach Nest's exception layer and so the problem-details filter; what Node and Fastify answer
 * before that, see framework-edges.ts.)
 */
export async function createHttpApp(
  rootModule: Type | DynamicModule,
  options: HttpAppOptions,
): Promise<NestFastifyApplication> {
  const { config, logger } = options;
  const { http } = config;
  const adapter = new FastifyAdapter({
    bodyLimit: http.bodyLimitBytes,
    trustProxy: http.trustProxy,
    // Node checks these timeouts only every connectionsCheckingInterval (30 s by default), which
    // let an idle socket with unfinished headers live 84 s; once a second keeps them near exact.
    http: {
      headersTimeout: Math.min(http.headersTimeoutMs, http.requestTimeoutMs),
      connectionsCheckingInterval: 1000,
    },
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    clientErrorHandler: onClientError,
    // Answered before any hook runs, so the request id header is set here too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      void reply.header('x-request-id', request.id);
      sendProblem(reply, toProblemDetails(frameworkErrorFor(error), request.id));
    },
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
  if (!options.preview) {
    // Fastify's own JSON parser does the parsing (prototype-poisoning checks included), after the
    // checks no parser makes; the bytes are kept as `request.rawBody`, since webhook senders sign
    // the bytes they sent, not our re-serialisation of them.
    const parseJson = fastify.getDefaultJsonParser('error', 'error');
    const jsonLimits = {
      maxDepth: http.jsonMaxDepth,
      maxKeys: http.jsonMaxKeys,
      maxStringLength: http.jsonMaxStringLength,
    };
    app.useBodyParser('application/json', { bodyLimit: http.bodyLimitBytes }, (request, body, done) => {
      // DELETE and friends have no body to give; a client sending the content type anyway (as
      // curl scripts do) sends nothing wrong.
      if (body.length === 0 && BODYLESS_METHODS.has(request.method)) return done(null, undefined);
      // A document route reads its format itself (see document-body.ts).
      if (takesJsonAsBytes(request as FastifyRequest)) return done(null, body);
      assertUtf8Charset(request.headers['content-type']);
      assertUtf8(body);
      const text = body.toString('utf8');
      const breach = findJsonLimitBreach(text, jsonLimits);
      if (breach) throw jsonLimitError(breach, jsonLimits);
      void parseJson(request as FastifyRequest, text, (error: Error | null, parsed?: unknown) => {
        if (error) return done(error);
        try {
          assertNoLoneSurrogate(text, parsed);
        } catch (refused) {
          return done(refused as Error);
        }
        done(null, parsed);
      });
    });
    for (const [mediaType, as] of DOCUMENT_MEDIA_TYPES)
      if (as === 'bytes')
        fastify.addContentTypeParser(mediaType, { parseAs: 'buffer' }, (request, body, done) => {
          try {
            done(null, acceptDocumentBody(request, body));
          } catch (refused) {
            done(refused as Error, undefined);
          }
        });
      // The stream itself, unread: the handler reads it within its own bound.
      else
        fastify.addContentTypeParser(mediaType, (request: FastifyRequest, payload: Readable, done) => {
          try {
            done(null, acceptDocumentBody(request, payload));
          } catch (refused) {
            done(refused as Error, undefined);
          }
        });
    capConnectionsPerAddress(fastify.server, http.maxConnectionsPerIp);
  }

  const routes = new RouteMethods();
  fastify.addHook('onRoute', (route) => {
    routes.add(route.method, route.url);
    // A document route's own body limit, from config (see document-body.ts).
    const limitBytes = documentBodyOf(route.config)?.limitBytes;
    if (limitBytes) route.bodyLimit = limitBytes((type) => app.get(type, { strict: false }));
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    // Only requests no route matched pay for this.
    if (request.is404) {
      const allowed = routes.allowed(request.url);
      if (allowed.length > 0) {
        void reply.header('allow', allowed.join(', '));
        sendProblem(
          reply,
          toProblemDetails(
            new AppError(
              CommonErrors.methodNotAllowed,
              `${request.method} is not allowed here; use ${allowed.join(', ')}.`,
            ),
            request.id,
          ),
        );
        return;
      }
    }
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
