import { Type } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { FastifyRequest } from 'fastify';
import { AppError, CommonErrors } from '../errors/app-error';

/** Resolves a provider (a config class) of the running app, as job schedules do. */
export type ProviderLookup = <T>(type: Type<T>) => T;

/**
 * A route that takes a document in another standard's format as it was sent (an SBOM, a VEX
 * document): the handler gets the body's bytes (`Buffer`) for its own reader, which knows that
 * format's limits (a 5 MB SBOM has far more keys than the JSON limits allow an API body). Set by
 * `Operation({ accepts: { document } })`.
 */
export interface DocumentBodyOptions {
  /** Media types taken besides `application/json`, e.g. `application/vnd.cyclonedx+json`. */
  mediaTypes: string[];
  /** This route's body limit in bytes, from the app's config (HTTP_BODY_LIMIT_BYTES when absent). */
  limitBytes?: (get: ProviderLookup) => number;
}

const DOCUMENT_BODY = 'opsplaneDocumentBody';

/**
 * Every media type some document route takes, gathered as routes are declared (decorators run
 * when their modules load, before the app is built), so `createHttpApp` registers one parser per
 * type and every other type stays unparsed: 415 before the body is read, as before.
 */
export const DOCUMENT_MEDIA_TYPES = new Set<string>();

export function documentBodyConfig(options: DocumentBodyOptions): MethodDecorator {
  for (const mediaType of options.mediaTypes) DOCUMENT_MEDIA_TYPES.add(mediaType);
  return RouteConfig({ [DOCUMENT_BODY]: options });
}

/** The route's document-body options, if it takes one. */
export function documentBodyOf(config: unknown): DocumentBodyOptions | undefined {
  return (config as Record<string, DocumentBodyOptions> | undefined)?.[DOCUMENT_BODY];
}

export function takesDocument(request: FastifyRequest): boolean {
  return documentBodyOf(request.routeOptions.config) !== undefined;
}

/**
 * The parser of document media types: the bytes, for a route that names the type; for any other
 * route 415, as for a type no route takes.
 */
export function parseDocumentBody(request: FastifyRequest, body: Buffer): Buffer {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const accepted = documentBodyOf(request.routeOptions.config)?.mediaTypes ?? [];
  if (accepted.includes(mediaType)) return body;
  throw new AppError(
    CommonErrors.unsupportedMediaType,
    accepted.length > 0
      ? `Send the document as ${['application/json', ...accepted].join(', ')}; not ${mediaType || 'without a content type'}.`
      : `Send JSON (Content-Type: application/json), not ${mediaType}.`,
  );
}
