import { Args, Query, Resolver } from '@nestjs/graphql';
import { Requires } from '@opsplane/core';
import { AdvisoryDetailModel, AdvisoryPage, ListAdvisoriesArgs } from '../dto/advisory.dto';
import { AdvisoriesService } from './advisories.service';

@Resolver(() => AdvisoryDetailModel)
export class AdvisoriesResolver {
  constructor(private readonly advisories: AdvisoriesService) {}

  @Query(() => AdvisoryPage, { name: 'advisories', description: 'Advisories, newest change first.' })
  @Requires('read')
  list(@Args() args: ListAdvisoriesArgs) {
    return this.advisories.list(args);
  }

  @Query(() => AdvisoryDetailModel, { name: 'advisory', description: 'By OSV id or alias.' })
  @Requires('read')
  get(@Args('id') id: string) {
    return this.advisories.get(id);
  }
}
