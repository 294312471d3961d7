import { ArgumentsHost, Catch, Controller, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ProblemDetailsFilter, Public, toAppError } from '@opsplane/core';
import { FastifyReply, FastifyRequest } from 'fastify';
import { AlertIngestionService } from './alert-ingestion.service';

type RawRequest = FastifyRequest & { rawBody?: Buffer };

/**
 * PagerDuty's error answer to a bad event (Events API v2): 400 with `status: "invalid event"` and
 * one string per problem, which PagerDuty clients parse. Only 400s take this shape; everything
 * else on this path (413, 415, 5xx) stays problem+json like the rest of the API.
 */
@Catch()
export class PagerDutyEventErrorsFilter extends ProblemDetailsFilter {
  override catch(error: unknown, host: ArgumentsHost): unknown {
    const { appError, unexpected } = toAppError(error);
    if (unexpected || appError.status !== 400 || host.getType<string>() !== 'http')
      return super.catch(error, host);
    const errors =
      appError.errors.length > 0
        ? appError.errors.map((field) => `${field.path} ${field.message}`)
        : [appError.message];
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .status(400)
      .header('content-type', 'application/json')
      .send(JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors }));
    return undefined;
  }
}

/**
 * `POST /v2/enqueue`, the path of PagerDuty's Events API v2, so a tool that speaks it only needs
 * its base URL changed (`https://events.pagerduty.com` → Opsplane's). The routing_key is the
 * secret of a `pagerduty` alert source: one credential per source, rotated with it, and no second
 * secret to keep (see AlertIngestionService.receivePagerDutyEnqueue). Public to the API-key
 * guard: the routing key is the credential. Left out of the OpenAPI document like the other
 * ingest endpoints: the callers bring PagerDuty's own payload.
 */
@Public()
@ApiExcludeController()
@UseFilters(PagerDutyEventErrorsFilter)
@Controller('v2')
export class PagerDutyEnqueueController {
  constructor(private readonly ingestion: AlertIngestionService) {}

  @Post('enqueue')
  @HttpCode(202)
  enqueue(@Req() request: RawRequest) {
    return this.ingestion.receivePagerDutyEnqueue({
      headers: request.headers,
      rawBody: request.rawBody,
      body: request.body,
      requestId: request.id,
    });
  }
}
