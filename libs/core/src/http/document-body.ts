import { Type } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { FastifyRequest } from 'fastify';
import { AppError, CommonErrors } from '../errors/app-error';

/** Resolves a provider (a config class) of the running app, as job schedules do. */
export type ProviderLookup = <T>(type: Type<T>) => T;

/**
 * A route that takes a document in another standard's format as it was sent (an SBOM, a zip of
 * advisories): the handler gets the body's bytes (`Buffer`), or the request stream, for its own
 * reader, which knows that format's limits (a 5 MB SBOM has far more keys than the JSON limits
 * allow an API body). Set by `Operation({ accepts: { document } })`.
 */
export interface DocumentBodyOptions {
  /** Media types taken besides `application/json`, e.g. `application/vnd.cyclonedx+json`. */
  mediaTypes: string[];
  /**
   * How the handler gets those types: `bytes` (a Buffer, the default), or `stream` (the request
   * body as a Readable, not yet read, for a document too large to hold in memory: the handler
   * must bound what it reads, since no body limit applies to it).
   */
  as?: 'bytes' | 'stream';
  /** `application/json` on this route: as bytes like the rest (default), or parsed as any JSON body. */
  json?: 'bytes' | 'parsed';
  /** This route's body limit in bytes (`bytes` only), from the app's config (HTTP_BODY_LIMIT_BYTES when absent). */
  limitBytes?: (get: ProviderLookup) => number;
  /** OpenAPI: the schema of these media types' bodies (the operation's JSON schema when absent). */
  schema?: Record<string, unknown>;
}

const DOCUMENT_BODY = 'opsplaneDocumentBody';

/**
 * Every media type some document route takes and how, gathered as routes are declared
 * (decorators run when their modules load, before the app is built), so `createHttpApp`
 * registers one parser per type and every other type stays unparsed: 415 before the body is
 * read, as before.
 */
export const DOCUMENT_MEDIA_TYPES = new Map<string, 'bytes' | 'stream'>();

export function documentBodyConfig(options: DocumentBodyOptions): MethodDecorator {
  const as = options.as ?? 'bytes';
  for (const mediaType of options.mediaTypes) {
    const known = DOCUMENT_MEDIA_TYPES.get(mediaType);
    if (known && known !== as)
      throw new Error(`${mediaType} is taken as ${known} by another route; one parser serves each type`);
    DOCUMENT_MEDIA_TYPES.set(mediaType, as);
  }
  return RouteConfig({ [DOCUMENT_BODY]: options });
}

/** The route's document-body options, if it takes one. */
export function documentBodyOf(config: unknown): DocumentBodyOptions | undefined {
  return (config as Record<string, DocumentBodyOptions> | undefined)?.[DOCUMENT_BODY];
}

/** Whether this route wants a JSON body as bytes rather than parsed. */
export function takesJsonAsBytes(request: FastifyRequest): boolean {
  const options = documentBodyOf(request.routeOptions.config);
  return options !== undefined && options.json !== 'parsed';
}

/**
 * The parser of document media types: the body (bytes or stream), for a route that names the
 * type; for any other route 415, as for a type no route takes.
 */
export function acceptDocumentBody<B>(request: FastifyRequest, body: B): B {
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
