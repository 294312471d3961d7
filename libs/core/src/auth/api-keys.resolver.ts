import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { uuidParam } from '../http/params';
import { CurrentActor, Requires } from './access.decorators';
import { Actor } from './actor';
import {
  ApiKeyModel,
  ApiKeyPage,
  CreateApiKeyInput,
  CreatedApiKeyModel,
  ListApiKeysArgs,
} from './api-key.models';
import { ApiKeysService } from './api-keys.service';
import { REVOKE_CONFLICTS } from './auth.errors';

@Resolver(() => ApiKeyModel)
export class ApiKeysResolver {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Query(() => ApiKeyPage, { name: 'apiKeys' })
  @Requires('administer')
  list(@Args() args: ListApiKeysArgs) {
    return this.apiKeys.list(args);
  }

  @Query(() => ApiKeyModel, { name: 'apiKey' })
  @Requires('administer')
  get(@Args('id', { type: () => ID }, uuidParam) id: string) {
    return this.apiKeys.get(id);
  }

  @Mutation(() => CreatedApiKeyModel, { name: 'createApiKey' })
  @Requires('administer')
  create(@CurrentActor() actor: Actor, @Args('input') input: CreateApiKeyInput) {
    return this.apiKeys.create(actor, input);
  }

  @Mutation(() => ApiKeyModel, { name: 'revokeApiKey', description: REVOKE_CONFLICTS })
  @Requires('administer')
  revoke(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }, uuidParam) id: string) {
    return this.apiKeys.revoke(actor, id);
  }
}
