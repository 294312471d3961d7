import { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem-details';
import { DOCUMENT_SCHEMA_EXTENSION, PROBLEM_DESCRIPTIONS } from './rest.decorators';

type Schema = Record<string, unknown>;

/**
 * Three rules of the request pipeline that hold for every operation, written into the document
 * once here rather than on each DTO:
 * - The validation pipe refuses members a body does not declare (`forbidNonWhitelisted`), at
 *   every level: every schema a request body reaches gets `additionalProperties: false` unless
 *   it says otherwise (free-form JSON fields say `true`).
 * - A query string has no null: an optional filter is omitted, not sent as null. Fields are
 *   declared once for REST and GraphQL, where an optional argument is nullable; in a query
 *   parameter that `nullable` would invite clients to send what the server refuses.
 * - The body parser answers any operation that takes a body with 413 (too large) or 415 (not
 *   JSON, or not UTF-8) before the operation's own code runs.
 * And a document route's own media types get their own schema (a zip is no JSON object), which
 * Nest's decorators cannot say per media type.
 */
export function applyRequestRules(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const closed = new Set<string>();
  const close = (schema: unknown): void => {
    if (!schema || typeof schema !== 'object') return;
    const node = schema as Schema;
    if (typeof node.$ref === 'string') {
      const name = node.$ref.split('/').pop()!;
      if (closed.has(name) || !schemas[name]) return;
      closed.add(name);
      close(schemas[name]);
      return;
    }
    if (node.type === 'object' && node.properties && node.additionalProperties === undefined)
      node.additionalProperties = false;
    for (const child of Object.values((node.properties ?? {}) as Record<string, unknown>)) close(child);
    close(node.items);
    for (const key of ['allOf', 'anyOf', 'oneOf'])
      for (const part of (node[key] as unknown[] | undefined) ?? []) close(part);
  };
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as {
      parameters?: unknown[];
      requestBody?: unknown;
      responses?: Record<string, unknown>;
    }[]) {
      if (!operation || typeof operation !== 'object') continue;
      const own = (operation as Record<string, unknown>)[DOCUMENT_SCHEMA_EXTENSION] as
        { mediaTypes: string[]; schema: Schema } | undefined;
      if (own) {
        delete (operation as Record<string, unknown>)[DOCUMENT_SCHEMA_EXTENSION];
        const content = (operation.requestBody as { content: Record<string, { schema?: unknown }> }).content;
        for (const mediaType of own.mediaTypes) content[mediaType] = { schema: own.schema };
      }
      for (const parameter of (operation.parameters ?? []) as { in?: string; schema?: Schema }[])
        if (parameter.in === 'query' && parameter.schema) delete parameter.schema.nullable;
      const content = (
        operation.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined
      )?.content;
      for (const media of Object.values(content ?? {})) close(media.schema);
      if (content && operation.responses)
        for (const status of [413, 415])
          operation.responses[status] ??= {
            description: PROBLEM_DESCRIPTIONS[status],
            content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
          };
    }
  }
  return document;
}
