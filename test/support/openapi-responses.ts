import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { FastifyInstance } from 'fastify';

/**
 * Every answer an integration test gets is checked against the OpenAPI document the SDK is
 * generated from: the status is documented for the operation, the content type is one it lists,
 * and the body matches that response's schema. A test file's app collects what it answered and
 * the check runs when the app closes, so a drift fails the file whose test provoked it.
 */

interface Answer {
  method: string;
  /** Fastify's route pattern, e.g. `/v1/services/:idOrSlug`. */
  route: string;
  status: number;
  contentType: string;
  body: string | undefined;
}

type Json = Record<string, unknown>;
interface DocumentedResponse {
  content?: Record<string, { schema?: Json }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, DocumentedResponse> }>>;
  components: { schemas: Record<string, Json> };
}

/** Records each answer of `fastify` (to be called before the app is initialised). */
export function recordAnswers(fastify: FastifyInstance): Answer[] {
  const answers: Answer[] = [];
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined && request.method !== 'HEAD')
      answers.push({
        method: request.method.toLowerCase(),
        route,
        status: reply.statusCode,
        contentType: String(reply.getHeader('content-type') ?? ''),
        body:
          typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString() : undefined,
      });
    done(null, payload);
  });
  return answers;
}

/** The answers that disagree with `document`, one line each. */
export function undocumentedAnswers(document: OpenApiDocument, answers: Answer[]): string[] {
  const ajv = new Ajv({ strict: false, allErrors: false });
  addFormats(ajv);
  ajv.addSchema(toJsonSchema(document) as Json, 'openapi');
  const validators = new Map<string, ValidateFunction>();
  const problems = new Set<string>();
  for (const answer of answers) {
    const path = answer.route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const operation = document.paths[path]?.[answer.method];
    // Routes the document leaves out on purpose (health, metrics, docs, GraphQL, alert ingest).
    if (!operation) continue;
    const where = `${answer.method.toUpperCase()} ${path} → ${answer.status}`;
    const response = operation.responses[String(answer.status)] ?? operation.responses.default;
    if (!response) {
      problems.add(`${where}: status not documented`);
      continue;
    }
    if (!response.content) {
      if (answer.body) problems.add(`${where}: a body where none is documented`);
      continue;
    }
    const mediaType = answer.contentType.split(';')[0].trim();
    const media = response.content[mediaType];
    if (!media) {
      problems.add(
        `${where}: content type ${mediaType || '(none)'}, documented ${Object.keys(response.content).join(', ')}`,
      );
      continue;
    }
    if (!media.schema || answer.body === undefined) continue;
    const key = `${answer.method} ${path} ${answer.status} ${mediaType}`;
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile(toJsonSchema(media.schema) as Json);
      validators.set(key, validate);
    }
    // A text body (CSV, HTML) is validated as the string its schema says it is.
    const body = /[/+]json$/.test(mediaType) ? JSON.parse(answer.body) : answer.body;
    if (!validate(body)) problems.add(`${where}: ${ajv.errorsText(validate.errors)}`);
  }
  return [...problems];
}

/**
 * OpenAPI 3.0 schemas are JSON Schema but for `nullable` and where `$ref`s point: null becomes
 * a type of its own, and references resolve inside the document registered as `openapi`.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const converted: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === 'nullable') continue;
    converted[key] = key === '$ref' && typeof value === 'string' ? `openapi${value}` : toJsonSchema(value);
  }
  if ((node as Json).nullable !== true) return converted;
  // `nullable` beside allOf/$ref (how a nullable nested model is written in 3.0) means "or null".
  const composed = ['allOf', 'anyOf', 'oneOf', '$ref'].some((key) => key in converted);
  if (typeof converted.type === 'string' && !composed) {
    const withNull: Json = { ...converted, type: [converted.type, 'null'] };
    if (Array.isArray(converted.enum)) withNull.enum = [...(converted.enum as unknown[]), null];
    return withNull;
  }
  const { type: _type, ...rest } = converted;
  return { anyOf: [composed ? rest : converted, { type: 'null' }] };
}
