import { Controller, Get, Param, Post } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { Operation, Requires } from '@opsplane/core';
import { EnvironmentsService } from '@opsplane/catalog';
import { EndpointScanRequestModel, EndpointScanResultList } from '../dto/endpoint-scan.dto';
import { EndpointScanResult } from './endpoint-scan-result';
import { EndpointScansService } from './endpoint-scans.service';

const ENVIRONMENT_PARAM = { name: 'idOrSlug', description: 'The environment id (UUID) or slug.' };

@ApiTags('security')
@Controller('v1/environments/:idOrSlug/endpoint-scans')
export class EndpointScansController {
  constructor(
    private readonly scans: EndpointScansService,
    private readonly environments: EnvironmentsService,
  ) {}

  @Post()
  @Requires('operate')
  @ApiParam(ENVIRONMENT_PARAM)
  @Operation({
    operationId: 'scanEndpoints',
    summary: 'Scan the environment’s endpointUrls now (a job)',
    description:
      'TLS versions offered, the certificate (chain, host name, days to expiry), security headers and version ' +
      'leaks of each URL, through the outbound SSRF policy. Also scheduled (SECURITY_ENDPOINT_SCAN_CRON).',
    response: EndpointScanRequestModel,
    status: 202,
    problems: [404],
  })
  scan(@Param('idOrSlug') environment: string) {
    return this.scans.request(environment);
  }

  @Get()
  @Requires('read')
  @ApiParam(ENVIRONMENT_PARAM)
  @Operation({
    operationId: 'listEndpointScans',
    summary: 'The latest scan of each of the environment’s endpointUrls',
    response: EndpointScanResultList,
    problems: [404],
  })
  async latest(@Param('idOrSlug') environment: string): Promise<EndpointScanResultList> {
    const found = await this.environments.get(environment);
    return { items: (await this.scans.latest(found)).map(toModel) };
  }
}

export function toModel(result: EndpointScanResult) {
  return { ...result, scannedAt: new Date(result.scannedAt) };
}
