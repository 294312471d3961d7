import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Operation, Requires } from '@opsplane/core';
import { ExposureArgs, ExposurePage } from '../dto/exposure.dto';
import { ExposureService } from './exposure.service';

@ApiTags('security')
@Controller('v1/security/exposure')
export class ExposureController {
  constructor(private readonly exposure: ExposureService) {}

  @Get()
  @Requires('read')
  @Operation({
    operationId: 'listExposure',
    summary: 'Which releases running where contain a package, or are affected by an advisory',
    description:
      'Answered from what runs where now (each environment’s current release of each service), e.g. ' +
      '`package=lodash&ecosystem=npm`, `purl=pkg:npm/lodash@4.17.19`, or `advisory=CVE-2021-23337` (by the ' +
      'releases’ unresolved vulnerability findings, so as of their latest scans). Give package or purl, advisory, ' +
      'or both (releases that are both).',
    response: ExposurePage,
  })
  list(@Query() args: ExposureArgs) {
    return this.exposure.list(args);
  }
}
