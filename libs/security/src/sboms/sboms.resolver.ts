import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { Requires, uuidParam } from '@opsplane/core';
import { ListSbomComponentsArgs, SbomComponentPage, SbomModel } from '../dto/sbom.dto';
import { SbomsService } from './sboms.service';

/** Reads of releases' SBOMs; uploads are REST only (`PUT /v1/releases/{releaseId}/sbom`): a document of megabytes is no GraphQL string. */
@Resolver(() => SbomModel)
export class SbomsResolver {
  constructor(private readonly sboms: SbomsService) {}

  @Query(() => SbomModel, { name: 'sbom', description: 'The SBOM attached to a release.' })
  @Requires('read')
  get(@Args('releaseId', { type: () => ID }, uuidParam) releaseId: string) {
    return this.sboms.get(releaseId);
  }

  @Query(() => SbomComponentPage, {
    name: 'sbomComponents',
    description: 'The components of a release’s SBOM, in document order.',
  })
  @Requires('read')
  components(
    @Args('releaseId', { type: () => ID }, uuidParam) releaseId: string,
    @Args() args: ListSbomComponentsArgs,
  ) {
    return this.sboms.components(releaseId, args);
  }
}
