import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Idempotent, IdParam, Operation, Requires } from '@opsplane/core';
import {
  EvidenceModel,
  ListResultsArgs,
  ListScansArgs,
  ResultPage,
  ScanModel,
  ScanPage,
  StartScanInput,
} from '../dto/scan.dto';
import { ScansService } from './scans.service';

@ApiTags('compliance')
@Controller('v1/compliance')
export class ScansController {
  constructor(private readonly scans: ScansService) {}

  @Post('scans')
  @Requires('administer')
  @Idempotent()
  @Operation({
    operationId: 'startComplianceScan',
    summary: 'Scan now: every enabled control, or one control, framework or subject',
    description:
      'Answers at once with the scan `running` (`compliance.scan.started`); one job per subject evaluates it, and ' +
      'the last one completes the scan (`compliance.scan.completed`). Poll GET /v1/compliance/scans/{id} for progress.',
    status: 201,
    response: ScanModel,
    problems: [422],
  })
  start(@CurrentActor() actor: Actor, @Body() input: StartScanInput) {
    return this.scans.start(actor, input, 'manual');
  }

  @Get('scans')
  @Requires('audit')
  @Operation({
    operationId: 'listComplianceScans',
    summary: 'List compliance scans, newest first',
    response: ScanPage,
  })
  list(@CurrentActor() reader: Actor, @Query() args: ListScansArgs) {
    return this.scans.list(reader, args);
  }

  @Get('scans/:id')
  @Requires('audit')
  @Operation({
    operationId: 'getComplianceScan',
    summary: 'Get a compliance scan and its progress',
    response: ScanModel,
    problems: [404],
  })
  get(@CurrentActor() reader: Actor, @IdParam() id: string) {
    return this.scans.get(reader, id);
  }

  @Get('scans/:id/results')
  @Requires('audit')
  @Operation({
    operationId: 'listComplianceResults',
    summary: 'A scan’s results',
    response: ResultPage,
    problems: [404],
  })
  results(@CurrentActor() reader: Actor, @IdParam() id: string, @Query() args: ListResultsArgs) {
    return this.scans.results(reader, id, args);
  }

  @Get('results/:id/evidence')
  @Requires('audit')
  @Operation({
    operationId: 'getComplianceEvidence',
    summary: 'A result’s evidence: the inputs evaluated, their SHA-256, the expression',
    response: EvidenceModel,
    problems: [404],
  })
  evidence(@CurrentActor() reader: Actor, @IdParam() id: string) {
    return this.scans.evidence(reader, id);
  }
}
