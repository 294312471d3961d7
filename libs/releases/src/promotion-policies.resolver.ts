import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor, CurrentActor, EXPECTED_VERSION, Requires } from '@opsplane/core';
import { PromotionPolicyModel, SetPromotionPolicyInput } from './dto/promotion-policy.model';
import { PromotionPoliciesService } from './promotion-policies.service';

const ENVIRONMENT = { description: 'The environment id (UUID) or slug.' };
@Resolver(() => PromotionPolicyModel)
export class PromotionPoliciesResolver {
  constructor(private readonly policies: PromotionPoliciesService) {}

  @Query(() => PromotionPolicyModel, {
    name: 'promotionPolicy',
    description:
      'The promotion policy of an environment; promotion_policy.not_found when none (the default: one ' +
      'success in an environment of the highest rank in use below).',
  })
  @Requires('read')
  get(@Args('environment', ENVIRONMENT) environment: string) {
    return this.policies.get(environment);
  }

  @Mutation(() => PromotionPolicyModel, {
    name: 'setPromotionPolicy',
    description: 'Creates or replaces the policy; omitted fields take their defaults.',
  })
  @Requires('administer')
  set(
    @CurrentActor() actor: Actor,
    @Args('environment', ENVIRONMENT) environment: string,
    @Args('input') input: SetPromotionPolicyInput,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.policies.set(actor, environment, input, expectedVersion ?? undefined);
  }

  @Mutation(() => PromotionPolicyModel, {
    name: 'removePromotionPolicy',
    description: 'Back to the default; returns what was removed.',
  })
  @Requires('administer')
  remove(
    @CurrentActor() actor: Actor,
    @Args('environment', ENVIRONMENT) environment: string,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.policies.remove(actor, environment, expectedVersion ?? undefined);
  }
}
