import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor, CurrentActor, Requires, uuidParam } from '@opsplane/core';
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

@Resolver(() => ScanModel)
export class ScansResolver {
  constructor(private readonly scans: ScansService) {}

  @Query(() => ScanPage, { name: 'complianceScans', description: 'Compliance scans, newest first.' })
  @Requires('audit')
  list(@CurrentActor() reader: Actor, @Args() args: ListScansArgs) {
    return this.scans.list(reader, args);
  }

  @Query(() => ScanModel, { name: 'complianceScan' })
  @Requires('audit')
  get(@CurrentActor() reader: Actor, @Args('id', { type: () => ID }, uuidParam) id: string) {
    return this.scans.get(reader, id);
  }

  @Query(() => ResultPage, { name: 'complianceResults' })
  @Requires('audit')
  results(
    @CurrentActor() reader: Actor,
    @Args('scanId', { type: () => ID }, uuidParam) scanId: string,
    @Args() args: ListResultsArgs,
  ) {
    return this.scans.results(reader, scanId, args);
  }

  @Query(() => EvidenceModel, { name: 'complianceEvidence' })
  @Requires('audit')
  evidence(@CurrentActor() reader: Actor, @Args('resultId', { type: () => ID }, uuidParam) resultId: string) {
    return this.scans.evidence(reader, resultId);
  }

  @Mutation(() => ScanModel, { name: 'startComplianceScan' })
  @Requires('administer')
  start(@CurrentActor() actor: Actor, @Args('input', { nullable: true }) input?: StartScanInput) {
    return this.scans.start(actor, input ?? {}, 'manual');
  }
}
