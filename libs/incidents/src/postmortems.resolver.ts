import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor, CurrentActor, EXPECTED_VERSION, Requires, uuidParam } from '@opsplane/core';
import {
  ChangePostmortemStatusInput,
  CreatePostmortemInput,
  PostmortemModel,
  UpdatePostmortemInput,
} from './dto/postmortem.dto';
import { POSTMORTEM_RULES } from './postmortems.controller';
import { PostmortemsService } from './postmortems.service';

const INCIDENT_ID = { type: () => ID };
@Resolver(() => PostmortemModel)
export class PostmortemsResolver {
  constructor(private readonly postmortems: PostmortemsService) {}

  @Query(() => PostmortemModel, {
    name: 'postmortem',
    description: 'The incident’s postmortem; postmortem.not_found when none.',
  })
  @Requires('read')
  get(@Args('incidentId', INCIDENT_ID, uuidParam) incidentId: string) {
    return this.postmortems.get(incidentId);
  }

  @Mutation(() => PostmortemModel, {
    name: 'createPostmortem',
    description: 'One per incident; starts as a draft.',
  })
  @Requires('operate')
  create(
    @CurrentActor() actor: Actor,
    @Args('incidentId', INCIDENT_ID, uuidParam) incidentId: string,
    @Args('input') input: CreatePostmortemInput,
  ) {
    return this.postmortems.create(actor, incidentId, input);
  }

  @Mutation(() => PostmortemModel, { name: 'updatePostmortem', description: POSTMORTEM_RULES })
  @Requires('operate')
  update(
    @CurrentActor() actor: Actor,
    @Args('incidentId', INCIDENT_ID, uuidParam) incidentId: string,
    @Args('input') input: UpdatePostmortemInput,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.postmortems.update(actor, incidentId, input, expectedVersion ?? undefined);
  }

  @Mutation(() => PostmortemModel, { name: 'changePostmortemStatus', description: POSTMORTEM_RULES })
  @Requires('operate')
  changeStatus(
    @CurrentActor() actor: Actor,
    @Args('incidentId', INCIDENT_ID, uuidParam) incidentId: string,
    @Args('input') input: ChangePostmortemStatusInput,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.postmortems.changeStatus(actor, incidentId, input, expectedVersion ?? undefined);
  }
}
