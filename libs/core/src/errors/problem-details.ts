import { HttpException } from '@nestjs/common';
import { AppError, CommonErrors, ErrorCode, FieldError } from './app-error';

/** RFC 9457 body, the same for every REST error; GraphQL carries the same fields in `extensions`. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors: FieldError[];
  requestId: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Fastify's own errors (body parsing, limits) carry a code and a statusCode. */
interface FrameworkError {
  code?: string;
  statusCode?: number;
  message?: string;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: CommonErrors.tooLarge,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: CommonErrors.unsupportedMediaType,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: CommonErrors.malformed,
  FST_ERR_CTP_EMPTY_JSON_BODY: CommonErrors.malformed,
  FST_ERR_CTP_INVALID_JSON_BODY: CommonErrors.malformed,
};

/**
 * PostgreSQL data errors that only client input can cause: a NUL character in text (22021) or
 * in jsonb (22P05). Fields refuse NUL in validation (naming the field); this catches the rest,
 * such as path parameters, so they are a 400 rather than a 500.
 */
const POSTGRES_INPUT_ERRORS = new Set(['22021', '22P05']);

/**
 * Turns anything thrown into the problem it should be reported as. Unknown errors become a
 * generic 500: their message may hold internals, so it is logged, never sent.
 */
export function toAppError(error: unknown): { appError: AppError; unexpected: boolean } {
  if (error instanceof AppError) return { appError: error, unexpected: false };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) return known(CommonErrors.routeNotFound, 'No route matches this method and path.');
    if (status === 413) return known(CommonErrors.tooLarge, 'The request body is larger than allowed.');
    if (status < 500) return known(errorForStatus(status), error.message);
  }
  const framework = error as FrameworkError | undefined;
  if (framework && typeof framework.code === 'string') {
    const mapped = FASTIFY_CODES[framework.code];
    if (mapped) return known(mapped, framework.message ?? mapped.title);
    if (POSTGRES_INPUT_ERRORS.has(framework.code))
      return known(CommonErrors.malformed, 'The request contains a character that cannot be stored (NUL).');
  }
  if (
    framework &&
    typeof framework.statusCode === 'number' &&
    framework.statusCode < 500 &&
    framework.statusCode >= 400
  ) {
    return known(errorForStatus(framework.statusCode), framework.message ?? 'Bad request');
  }
  return { appError: new AppError(CommonErrors.internal, 'An unexpected error occurred.'), unexpected: true };
}

function known(code: ErrorCode, detail: string): { appError: AppError; unexpected: false } {
  return { appError: new AppError(code, detail), unexpected: false };
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  401: CommonErrors.unauthenticated,
  403: CommonErrors.forbidden,
  404: CommonErrors.routeNotFound,
  413: CommonErrors.tooLarge,
  415: CommonErrors.unsupportedMediaType,
  429: CommonErrors.rateLimited,
};

function errorForStatus(status: number): ErrorCode {
  return CODE_BY_STATUS[status] ?? CommonErrors.malformed;
}

export function toProblemDetails(error: AppError, requestId: string): ProblemDetails {
  return {
    type: `urn:opsplane:problem:${error.code}`,
    title: error.error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
    errors: error.errors,
    requestId,
  };
}
