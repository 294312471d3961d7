import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  HttpCode,
  Type,
  UseInterceptors,
} from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import {
  ApiBody,
  ApiConsumes,
  ApiExtension,
  ApiExtraModels,
  ApiHeader,
  ApiOperation,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { CONCURRENCY_FIELDS } from '../database/versioning';
import { AppError, CommonErrors } from '../errors/app-error';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem-details';
import { ProblemDetailsModel } from '../errors/problem-details.model';
import { EtagInterceptor } from './etag.interceptor';
import { DocumentBodyOptions, documentBodyConfig } from './document-body';
import { jsonSchemaOf } from '../schema/fields';

export interface OperationOptions {
  /** Stable SDK method name, e.g. `listEnvironments`. */
  operationId: string;
  summary: string;
  description?: string;
  /** The success body; its JSON schema also drives Fastify's serialiser for speed. */
  response?: Type;
  status?: number;
  /** Extra problem statuses this operation documents besides 400/401/403/500. */
  problems?: number[];
  /**
   * A success body that is not one of our models (a CSV, an HTML page, a document in another
   * standard's format): its media type (or the types it may be) and schema (a string by default) for OpenAPI. The handler
   * sets the content-type; the body is sent as the handler returns it.
   */
  produces?: { contentType: string | string[]; schema?: Record<string, unknown> };
  /**
   * A request body that is not one of our input classes (a document in another standard's format,
   * checked by the handler against that standard's schema): its JSON schema for OpenAPI. The
   * handler takes it as `@Body() body: unknown` and validates it itself. With `document`, the
   * handler gets the bytes as sent (a `Buffer`), in JSON or the media types named (document-body.ts).
   */
  accepts?: { schema: Record<string, unknown>; description?: string; document?: DocumentBodyOptions };
}

const problemResponse = (status: number, description: string) =>
  ApiResponse({
    status,
    description,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDetailsModel) } } },
  });

export const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `errors` names each failing field.',
  401: 'Missing, unknown, revoked or expired API key.',
  403: 'The key’s role may not do this.',
  404: 'Not found.',
  409: 'Conflicts with the current state (e.g. a slug already taken).',
  412: 'If-Match does not match the current version.',
  413: 'Body larger than the configured limit.',
  415: 'Body is not JSON (or not UTF-8), or not a media type the operation takes.',
  422: 'Idempotency-Key reused with a different request.',
  500: 'Unexpected server error; quote requestId when reporting it.',
};

/**
 * Everything a REST operation declares in one place: OpenAPI id and docs, the success schema
 * (also Fastify's serialiser: fast, and drops anything the model does not declare), and its
 * problem+json responses.
 */
export function Operation(options: OperationOptions): MethodDecorator {
  const status = options.status ?? 200;
  const problems = [...new Set([400, 401, 403, 500, ...(options.problems ?? [])])].sort();
  const responseSchema = options.response ? jsonSchemaOf(options.response) : undefined;
  // Versioned resources answer with an ETag (EtagInterceptor); say so, so SDK users find it.
  const properties = (responseSchema?.properties ?? {}) as Record<string, { type?: unknown }>;
  const isVersioned = CONCURRENCY_FIELDS.some((field) => properties[field]?.type === 'integer');
  const headers = isVersioned
    ? {
        ETag: {
          description: 'The resource version, for If-Match on a later change.',
          schema: { type: 'string', example: '"3"' },
        },
      }
    : undefined;
  return applyDecorators(
    ApiOperation({
      operationId: options.operationId,
      summary: options.summary,
      description: options.description,
    }),
    ApiExtraModels(ProblemDetailsModel),
    HttpCode(status),
    ...(options.accepts
      ? [
          ApiBody({
            required: true,
            description: options.accepts.description,
            schema: options.accepts.schema,
          }),
        ]
      : []),
    ...(options.accepts?.document
      ? [
          documentBodyConfig(options.accepts.document),
          ApiConsumes('application/json', ...options.accepts.document.mediaTypes),
          ...(options.accepts.document.schema
            ? [
                ApiExtension(DOCUMENT_SCHEMA_EXTENSION, {
                  mediaTypes: options.accepts.document.mediaTypes,
                  schema: options.accepts.document.schema,
                }),
              ]
            : []),
        ]
      : []),
    ...(options.response && responseSchema
      ? [
          ApiResponse({ status, type: options.response, description: 'Success.', headers }),
          RouteSchema({ response: { [status]: responseSchema } }),
          ...(isVersioned ? [UseInterceptors(EtagInterceptor)] : []),
        ]
      : options.produces
        ? [
            ApiResponse({
              status,
              description: 'Success.',
              content: Object.fromEntries(
                [options.produces.contentType]
                  .flat()
                  .map((type) => [type, { schema: options.produces!.schema ?? { type: 'string' } }]),
              ),
            }),
          ]
        : [ApiResponse({ status, description: 'Success.' })]),
    ...problems.map((code) => problemResponse(code, PROBLEM_DESCRIPTIONS[code] ?? 'Error.')),
  );
}

/** Where a document route's own media-type schema waits for `applyRequestRules` to place it. */
export const DOCUMENT_SCHEMA_EXTENSION = 'x-opsplane-document-schema';

/** An ETag this API returned: the version, quoted, optionally weak. */
const IF_MATCH_PATTERN = /^(?:W\/)?"(\d{1,9})"$/;

/** Documents `If-Match` and hands the expected version (or undefined) to the handler. */
export const ApiIfMatch = () =>
  ApiHeader({
    name: 'If-Match',
    required: false,
    schema: { type: 'string', pattern: IF_MATCH_PATTERN.source, example: '"3"' },
    description:
      'The ETag from a previous GET; the change is refused with 412 if the resource changed since.',
  });

export const IfMatchVersion = createParamDecorator(
  (_data: unknown, context: ExecutionContext): number | undefined => {
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>()
      .headers['if-match'];
    if (header === undefined) return undefined;
    const match = IF_MATCH_PATTERN.exec(header.trim());
    if (!match) {
      throw new AppError(
        CommonErrors.invalidIfMatch,
        'If-Match must be an ETag returned by this API, e.g. "3".',
        {
          errors: [{ path: 'header.if-match', message: 'must be a quoted version such as "3"' }],
        },
      );
    }
    return Number(match[1]);
  },
);
