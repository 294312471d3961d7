import { Body, Controller, Get, Header, Param, Post, Put } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, IdParam, Operation, Requires } from '@opsplane/core';
import {
  ServiceSecuritySettingsInput,
  ServiceSecuritySettingsModel,
  VexAnalysisInput,
  VexAnalysisModel,
  VexAnalysisResultModel,
  VexImportModel,
} from '../dto/vex.dto';
import { VulnerabilityAnalysesService } from './vulnerability-analyses.service';

const CYCLONEDX_JSON = 'application/vnd.cyclonedx+json';

@ApiTags('security')
@Controller('v1')
export class VexController {
  constructor(private readonly analyses: VulnerabilityAnalysesService) {}

  @Put('findings/:id/vex')
  @Requires('operate')
  @Operation({
    operationId: 'analyseVulnerability',
    summary: 'Triage a vulnerability finding with a VEX analysis',
    description:
      'CycloneDX analysis: state, justification (required with not_affected), responses, detail. The finding ' +
      'moves with it (in_triage, exploitable → triaged; not_affected, false_positive → false_positive with the ' +
      'justification; resolved → resolved, reopened if a later scan still sees it). Recorded as ' +
      '`finding.vex_analysed`, beside the status change.',
    response: VexAnalysisResultModel,
    problems: [404, 409],
  })
  analyse(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() input: VexAnalysisInput) {
    return this.analyses.analyse(actor, id, input);
  }

  @Get('findings/:id/vex')
  @Requires('read')
  @Operation({
    operationId: 'getVulnerabilityAnalysis',
    summary: 'The VEX analysis of a vulnerability finding',
    response: VexAnalysisModel,
    problems: [404, 409],
  })
  get(@IdParam() id: string) {
    return this.analyses.get(id);
  }

  @Get('releases/:releaseId/vex')
  @Requires('read')
  @Header('content-type', `${CYCLONEDX_JSON}; charset=utf-8`)
  @Operation({
    operationId: 'exportReleaseVex',
    summary: 'The release’s vulnerabilities and their analyses as a CycloneDX 1.6 VEX document',
    description:
      'Every vulnerability finding of the release but those a scan resolved, each with its analysis (none ' +
      'when not triaged yet), affecting the SBOM component it was found in. Valid against the CycloneDX 1.6 schema.',
    produces: {
      contentType: CYCLONEDX_JSON,
      schema: { type: 'object', required: ['bomFormat', 'specVersion'] },
    },
    problems: [404],
  })
  export(@IdParam('releaseId') releaseId: string) {
    return this.analyses.exportRelease(releaseId);
  }

  @Post('releases/:releaseId/vex')
  @Requires('operate')
  @Operation({
    operationId: 'importReleaseVex',
    summary: 'Apply a CycloneDX VEX document’s analyses to the release’s findings',
    description:
      'CycloneDX 1.4–1.6 JSON, checked against its schema (400 `vex.invalid` naming the failing rules). A ' +
      'statement applies to each finding whose vulnerability it names (id or references) and, when its ' +
      '`affects` resolve to purls, whose component is one of them; statements matching none are listed in ' +
      '`unmatched`, unreadable ones in `problems`.',
    response: VexImportModel,
    status: 200,
    problems: [404, 413, 415],
    accepts: {
      description: 'A CycloneDX VEX document (JSON).',
      schema: { type: 'object' },
      document: { mediaTypes: [CYCLONEDX_JSON] },
    },
  })
  import(@CurrentActor() actor: Actor, @IdParam('releaseId') releaseId: string, @Body() body: unknown) {
    return this.analyses.importRelease(actor, releaseId, Buffer.isBuffer(body) ? body : Buffer.alloc(0));
  }

  @Get('services/:idOrSlug/security-settings')
  @Requires('read')
  @ApiParam({ name: 'idOrSlug', description: 'The service id (UUID) or slug.' })
  @Operation({
    operationId: 'getServiceSecuritySettings',
    summary: 'Whether the service’s releases carry VEX analyses forward',
    response: ServiceSecuritySettingsModel,
    problems: [404],
  })
  settings(@Param('idOrSlug') service: string) {
    return this.analyses.settings(service);
  }

  @Put('services/:idOrSlug/security-settings')
  @Requires('operate')
  @ApiParam({ name: 'idOrSlug', description: 'The service id (UUID) or slug.' })
  @Operation({
    operationId: 'updateServiceSecuritySettings',
    summary: 'Opt the service’s releases in (or out of) carrying VEX analyses forward',
    response: ServiceSecuritySettingsModel,
    problems: [404],
  })
  updateSettings(
    @CurrentActor() actor: Actor,
    @Param('idOrSlug') service: string,
    @Body() input: ServiceSecuritySettingsInput,
  ) {
    return this.analyses.updateSettings(actor, service, input);
  }
}
