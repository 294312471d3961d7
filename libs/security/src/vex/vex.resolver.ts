import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor, CurrentActor, Requires, uuidParam } from '@opsplane/core';
import {
  ServiceSecuritySettingsInput,
  ServiceSecuritySettingsModel,
  VexAnalysisInput,
  VexAnalysisModel,
  VexAnalysisResultModel,
} from '../dto/vex.dto';
import { VulnerabilityAnalysesService } from './vulnerability-analyses.service';

/** VEX triage; the documents (export, import) are REST only. */
@Resolver(() => VexAnalysisModel)
export class VexResolver {
  constructor(private readonly analyses: VulnerabilityAnalysesService) {}

  @Mutation(() => VexAnalysisResultModel, {
    name: 'analyseVulnerability',
    description: 'Triage a vulnerability finding with a VEX analysis; the finding moves with it.',
  })
  @Requires('operate')
  analyse(
    @CurrentActor() actor: Actor,
    @Args('findingId', { type: () => ID }, uuidParam) findingId: string,
    @Args('input') input: VexAnalysisInput,
  ) {
    return this.analyses.analyse(actor, findingId, input);
  }

  @Query(() => VexAnalysisModel, { name: 'vulnerabilityAnalysis' })
  @Requires('read')
  get(@Args('findingId', { type: () => ID }, uuidParam) findingId: string) {
    return this.analyses.get(findingId);
  }

  @Query(() => ServiceSecuritySettingsModel, { name: 'serviceSecuritySettings' })
  @Requires('read')
  settings(@Args('service') service: string) {
    return this.analyses.settings(service);
  }

  @Mutation(() => ServiceSecuritySettingsModel, { name: 'updateServiceSecuritySettings' })
  @Requires('operate')
  updateSettings(
    @CurrentActor() actor: Actor,
    @Args('service') service: string,
    @Args('input') input: ServiceSecuritySettingsInput,
  ) {
    return this.analyses.updateSettings(actor, service, input);
  }
}
