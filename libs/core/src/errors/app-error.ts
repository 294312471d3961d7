/**
 * The one way a service says "no". Each code belongs to a kind, and the kind alone decides the
 * HTTP status (REST) and sits beside the code in GraphQL `extensions`.
 */
export const STATUS_BY_KIND = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  not_acceptable: 406,
  request_timeout: 408,
  conflict: 409,
  precondition_failed: 412,
  too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  unprocessable: 422,
  too_many_requests: 429,
  headers_too_large: 431,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorKind = keyof typeof STATUS_BY_KIND;

export interface ErrorCode {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly title: string;
}

export function errorCode(code: string, kind: ErrorKind, title: string): ErrorCode {
  return { code, kind, title };
}

export interface FieldError {
  /** Dotted path of the failing input field, e.g. `links.0.url`; `header.if-match` for headers. */
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly errors: FieldError[];

  constructor(
    readonly error: ErrorCode,
    detail: string,
    options: { errors?: FieldError[] } = {},
  ) {
    super(detail);
    this.name = 'AppError';
    this.errors = options.errors ?? [];
  }

  get code(): string {
    return this.error.code;
  }

  get status(): number {
    return STATUS_BY_KIND[this.error.kind];
  }
}

/** Codes every context shares. Context-specific codes live in `<context>.errors.ts`. */
export const CommonErrors = {
  validation: errorCode('request.validation_failed', 'invalid', 'Request validation failed'),
  malformed: errorCode('request.malformed', 'invalid', 'Malformed request'),
  jsonLimitExceeded: errorCode('request.json_limit_exceeded', 'invalid', 'JSON body exceeds a limit'),
  invalidEncoding: errorCode('request.invalid_encoding', 'invalid', 'Request body is not UTF-8'),
  timeout: errorCode('request.timeout', 'request_timeout', 'Request not received in time'),
  uriTooLong: errorCode('request.uri_too_long', 'uri_too_long', 'URI too long'),
  headersTooLarge: errorCode('request.headers_too_large', 'headers_too_large', 'Request headers too large'),
  tooLarge: errorCode('request.too_large', 'too_large', 'Request body too large'),
  unsupportedMediaType: errorCode(
    'request.unsupported_media_type',
    'unsupported_media_type',
    'Unsupported media type',
  ),
  routeNotFound: errorCode('request.route_not_found', 'not_found', 'No such route'),
  methodNotAllowed: errorCode('request.method_not_allowed', 'method_not_allowed', 'Method not allowed'),
  invalidCursor: errorCode('pagination.invalid_cursor', 'invalid', 'Invalid pagination cursor'),
  unauthenticated: errorCode('auth.unauthenticated', 'unauthenticated', 'Authentication required'),
  forbidden: errorCode('auth.forbidden', 'forbidden', 'Not allowed'),
  versionMismatch: errorCode('concurrency.version_mismatch', 'precondition_failed', 'Resource has changed'),
  invalidIfMatch: errorCode('concurrency.invalid_if_match', 'invalid', 'Invalid If-Match header'),
  idempotencyKeyReused: errorCode(
    'idempotency.key_reused',
    'unprocessable',
    'Idempotency key reused with a different request',
  ),
  invalidIdempotencyKey: errorCode('idempotency.invalid_key', 'invalid', 'Invalid Idempotency-Key header'),
  rateLimited: errorCode('request.rate_limited', 'too_many_requests', 'Too many requests'),
  internal: errorCode('internal', 'internal', 'Internal server error'),
  unavailable: errorCode('unavailable', 'unavailable', 'Service unavailable'),
  tooManyConnections: errorCode('request.too_many_connections', 'unavailable', 'Too many connections'),
} as const;

/**
 * 400 `request.validation_failed` naming every problem, when there is any. The detail lists the
 * failing paths, or with `what` names the thing and each problem ("The freeze period is invalid: …").
 */
export function assertValid(problems: FieldError[], what?: string): void {
  if (problems.length === 0) return;
  const detail =
    what === undefined
      ? `Invalid input: ${problems.map((problem) => problem.path).join(', ')}.`
      : `The ${what} is invalid: ${problems.map((problem) => `${problem.path} ${problem.message}`).join('; ')}.`;
  throw new AppError(CommonErrors.validation, detail, { errors: problems });
}
