import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Operation } from '../http/rest.decorators';
import { IdParam } from '../http/params';
import { Idempotent } from '../http/idempotency.interceptor';
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

@ApiTags('api-keys')
@Controller('v1/api-keys')
@Requires('administer')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @Idempotent()
  @Operation({
    operationId: 'createApiKey',
    summary: 'Create an API key; the token is in this response only',
    status: 201,
    response: CreatedApiKeyModel,
    problems: [422],
  })
  create(@CurrentActor() actor: Actor, @Body() input: CreateApiKeyInput) {
    return this.apiKeys.create(actor, input);
  }

  @Get()
  @Operation({
    operationId: 'listApiKeys',
    summary: 'List API keys (active only unless includeInactive)',
    response: ApiKeyPage,
  })
  list(@Query() args: ListApiKeysArgs) {
    return this.apiKeys.list(args);
  }

  @Get(':id')
  @Operation({ operationId: 'getApiKey', summary: 'Get an API key', response: ApiKeyModel, problems: [404] })
  get(@IdParam() id: string) {
    return this.apiKeys.get(id);
  }

  @Post(':id/revoke')
  @Operation({
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key; it stops working at once',
    description: REVOKE_CONFLICTS,
    response: ApiKeyModel,
    problems: [404, 409],
  })
  revoke(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.apiKeys.revoke(actor, id);
  }
}
