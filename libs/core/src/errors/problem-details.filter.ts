import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { GqlArgumentsHost } from '@nestjs/graphql';
import { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { AppError } from './app-error';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, toAppError, toProblemDetails } from './problem-details';

/** Every error, from either transport, leaves as the same problem: problem+json or GraphQL extensions. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'graphql') {
      const request = GqlArgumentsHost.create(host).getContext<{ req: FastifyRequest }>().req;
      return toGraphQLError(this.describe(error, request.id), error);
    }
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    sendProblem(reply, this.describe(error, request.id));
    return undefined;
  }

  private describe(error: unknown, requestId: string): ProblemDetails {
    return describeError(error, requestId, this.logger);
  }
}

export function describeError(
  error: unknown,
  requestId: string,
  logger: Pick<Logger, 'error'>,
): ProblemDetails {
  const { appError, unexpected } = toAppError(error);
  if (unexpected) {
    logger.error(
      `Unhandled error in request ${requestId}: ${String(error)}`,
      error instanceof Error ? error.stack : undefined,
    );
  }
  return toProblemDetails(appError, requestId);
}

export function sendProblem(reply: FastifyReply, problem: ProblemDetails): void {
  void reply
    .status(problem.status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problem));
}

export function toGraphQLError(problem: ProblemDetails, original?: unknown): GraphQLError {
  return new GraphQLError(problem.detail, {
    originalError: original instanceof AppError ? original : undefined,
    extensions: {
      code: problem.code,
      status: problem.status,
      title: problem.title,
      errors: problem.errors,
      requestId: problem.requestId,
    },
  });
}
