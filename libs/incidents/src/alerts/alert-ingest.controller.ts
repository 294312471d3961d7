import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@opsplane/core';
import { FastifyRequest } from 'fastify';
import { AlertIngestionService, Delivery } from './alert-ingestion.service';

type RawRequest = FastifyRequest & { rawBody?: Buffer };

function deliveryOf(request: RawRequest): Delivery {
  return { headers: request.headers, rawBody: request.rawBody, body: request.body, requestId: request.id };
}

/**
 * Where monitoring systems send alerts. Public to the API-key guard: each source authenticates
 * with its own secret (AlertIngestionService). Left out of the OpenAPI document and the SDK: the
 * callers are Alertmanager, Grafana and PagerDuty-speaking tools, with their own payloads, and
 * every path id is the source's (see the alert source's `ingestPath`). The path id is not
 * checked by a UUID pipe on purpose: any unknown id is the same 404, so the answer tells a
 * misconfigured sender exactly one thing.
 */
@Public()
@ApiExcludeController()
@Controller('v1/alert-sources/:id')
export class AlertIngestController {
  constructor(private readonly ingestion: AlertIngestionService) {}

  /** Alertmanager webhook receiver (version "4"). 200 for accepted and duplicate deliveries alike. */
  @Post('alertmanager')
  @HttpCode(200)
  alertmanager(@Param('id') id: string, @Req() request: RawRequest) {
    return this.ingestion.receiveGroup(id, 'alertmanager', deliveryOf(request));
  }

  /** Grafana webhook contact point (version "1"). */
  @Post('grafana')
  @HttpCode(200)
  grafana(@Param('id') id: string, @Req() request: RawRequest) {
    return this.ingestion.receiveGroup(id, 'grafana', deliveryOf(request));
  }

  /** PagerDuty Events API v2 (`/v2/enqueue` shape): 202 with the dedup_key. */
  @Post('pagerduty')
  @HttpCode(202)
  pagerduty(@Param('id') id: string, @Req() request: RawRequest) {
    return this.ingestion.receivePagerDuty(id, deliveryOf(request));
  }
}
