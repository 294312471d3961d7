import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { Actor, ApiIfMatch, CurrentActor, IfMatchVersion, Operation, Requires } from '@opsplane/core';
import { PromotionPolicyModel, SetPromotionPolicyInput } from './dto/promotion-policy.model';
import { PromotionPoliciesService } from './promotion-policies.service';

const ENVIRONMENT = { name: 'idOrSlug', description: 'The environment id (UUID) or slug.' };

@ApiTags('promotion')
@Controller('v1/environments/:idOrSlug/promotion-policy')
export class PromotionPoliciesController {
  constructor(private readonly policies: PromotionPoliciesService) {}

  @Put()
  @Requires('administer')
  @ApiParam(ENVIRONMENT)
  @ApiIfMatch()
  @Operation({
    operationId: 'setPromotionPolicy',
    summary: 'Say which lower ranks, and how many of their environments, a release must have succeeded in',
    description:
      'Creates or replaces the policy; omitted fields take their defaults. Applies to every deployment ' +
      'requested or started from now on (the gate runs at both). `fromRanks` must name distinct ranks ' +
      'below the environment’s own (400 `promotion_policy.invalid`). If-Match (optional) takes the ' +
      'current `version`.',
    response: PromotionPolicyModel,
    problems: [404, 412],
  })
  set(
    @CurrentActor() actor: Actor,
    @Param('idOrSlug') idOrSlug: string,
    @Body() input: SetPromotionPolicyInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.policies.set(actor, idOrSlug, input, version);
  }

  @Get()
  @Requires('read')
  @ApiParam(ENVIRONMENT)
  @Operation({
    operationId: 'getPromotionPolicy',
    summary: 'Get the promotion policy of an environment (404 `promotion_policy.not_found` when none)',
    description:
      'Without a policy an environment takes releases that succeeded in an environment of the highest ' +
      'rank in use below it.',
    response: PromotionPolicyModel,
    problems: [404],
  })
  get(@Param('idOrSlug') idOrSlug: string) {
    return this.policies.get(idOrSlug);
  }

  @Delete()
  @Requires('administer')
  @ApiParam(ENVIRONMENT)
  @ApiIfMatch()
  @Operation({
    operationId: 'removePromotionPolicy',
    summary:
      'Remove the promotion policy of an environment (back to the default); answers with what was removed',
    response: PromotionPolicyModel,
    problems: [404, 412],
  })
  remove(
    @CurrentActor() actor: Actor,
    @Param('idOrSlug') idOrSlug: string,
    @IfMatchVersion() version?: number,
  ) {
    return this.policies.remove(actor, idOrSlug, version);
  }
}
