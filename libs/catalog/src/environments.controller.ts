import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  ApiIfMatch,
  CurrentActor,
  Idempotent,
  IfMatchVersion,
  Operation,
  Requires,
} from '@opsplane/core';
import {
  CreateEnvironmentInput,
  ListEnvironmentsArgs,
  UpdateEnvironmentInput,
} from './dto/environment.inputs';
import { ArchiveArgs } from './dto/archive.args';
import { EnvironmentModel, EnvironmentPage } from './dto/environment.model';
import { EnvironmentsService } from './environments.service';

const ID_OR_SLUG = { name: 'idOrSlug', description: 'The environment id (UUID) or slug.' };

@ApiTags('environments')
@Controller('v1/environments')
export class EnvironmentsController {
  constructor(private readonly environments: EnvironmentsService) {}

  @Post()
  @Requires('administer')
  @Idempotent()
  @Operation({
    operationId: 'createEnvironment',
    summary: 'Create an environment',
    status: 201,
    response: EnvironmentModel,
    problems: [409, 422],
  })
  create(@CurrentActor() actor: Actor, @Body() input: CreateEnvironmentInput) {
    return this.environments.create(actor, input);
  }

  @Get()
  @Requires('read')
  @Operation({
    operationId: 'listEnvironments',
    summary: 'List environments in promotion order (rank, then id)',
    response: EnvironmentPage,
  })
  list(@Query() args: ListEnvironmentsArgs) {
    return this.environments.list(args);
  }

  @Get(':idOrSlug')
  @Requires('read')
  @ApiParam(ID_OR_SLUG)
  @Operation({
    operationId: 'getEnvironment',
    summary: 'Get an environment by id or slug',
    response: EnvironmentModel,
    problems: [404],
  })
  get(@Param('idOrSlug') idOrSlug: string) {
    return this.environments.get(idOrSlug);
  }

  @Patch(':idOrSlug')
  @Requires('administer')
  @ApiParam(ID_OR_SLUG)
  @ApiIfMatch()
  @Operation({
    operationId: 'updateEnvironment',
    summary: 'Change an environment',
    response: EnvironmentModel,
    problems: [404, 409, 412],
  })
  update(
    @CurrentActor() actor: Actor,
    @Param('idOrSlug') idOrSlug: string,
    @Body() input: UpdateEnvironmentInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.environments.update(actor, idOrSlug, input, version);
  }

  @Delete(':idOrSlug')
  @Requires('administer')
  @ApiParam(ID_OR_SLUG)
  @ApiIfMatch()
  @Operation({
    operationId: 'archiveEnvironment',
    summary: 'Archive an environment (kept for history, hidden from lists, restorable)',
    description:
      'Refused with 409 `catalog.archive_blocked` while it has deployments pending approval, scheduled, ' +
      'queued or running, one `errors` entry per deployment (`path: deployments.<id>`). With ' +
      '`cancelDeployments=true` the ones not started are canceled (audited, `deployment.canceled`) in the ' +
      'same transaction and it is archived; a running one still refuses it. An admin can restore it.',
    response: EnvironmentModel,
    problems: [404, 409, 412],
  })
  archive(
    @CurrentActor() actor: Actor,
    @Param('idOrSlug') idOrSlug: string,
    @Query() args: ArchiveArgs,
    @IfMatchVersion() version?: number,
  ) {
    return this.environments.archive(actor, idOrSlug, version, args);
  }

  @Post(':idOrSlug/restore')
  // Restoring brings it back into lists and deployments: an admin act, like creating an environment.
  @Requires('administer')
  @ApiParam(ID_OR_SLUG)
  @ApiIfMatch()
  @Operation({
    operationId: 'restoreEnvironment',
    summary: 'Restore an archived environment',
    description: 'An environment that is not archived is 409 `environment.not_archived`.',
    response: EnvironmentModel,
    problems: [404, 409, 412],
  })
  restore(
    @CurrentActor() actor: Actor,
    @Param('idOrSlug') idOrSlug: string,
    @IfMatchVersion() version?: number,
  ) {
    return this.environments.restore(actor, idOrSlug, version);
  }
}
