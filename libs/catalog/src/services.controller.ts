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
import { CreateServiceInput, ListServicesArgs, UpdateServiceInput } from './dto/service.inputs';
import { ArchiveArgs } from './dto/archive.args';
import { ServiceModel, ServicePage } from './dto/service.model';
import { ServicesService } from './services.service';

const ID_OR_SLUG = { name: 'idOrSlug', description: 'The service id (UUID) or slug.' };

@ApiTags('services')
@Controller('v1/services')
export class ServicesController {
  constructor(private readonly services: ServicesService) {}

  @Post()
  @Requires('operate')
  @Idempotent()
  @Operation({
    operationId: 'createService',
    summary: 'Register a service',
    status: 201,
    response: ServiceModel,
    problems: [409, 422],
  })
  create(@CurrentActor() actor: Actor, @Body() input: CreateServiceInput) {
    return this.services.create(actor, input);
  }

  @Get()
  @Requires('read')
  @Operation({
    operationId: 'listServices',
    summary: 'List services, alphabetical by slug',
    response: ServicePage,
  })
  list(@Query() args: ListServicesArgs) {
    return this.services.list(args);
  }

  @Get(':idOrSlug')
  @Requires('read')
  @ApiParam(ID_OR_SLUG)
  @Operation({
    operationId: 'getService',
    summary: 'Get a service by id or slug',
    response: ServiceModel,
    problems: [404],
  })
  get(@Param('idOrSlug') idOrSlug: string) {
    return this.services.get(idOrSlug);
  }

  @Patch(':idOrSlug')
  @Requires('operate')
  @ApiParam(ID_OR_SLUG)
  @ApiIfMatch()
  @Operation({
    operationId: 'updateService',
    summary: 'Change a service',
    response: ServiceModel,
    problems: [404, 409, 412],
  })
  update(
    @CurrentActor() actor: Actor,
    @Param('idOrSlug') idOrSlug: string,
    @Body() input: UpdateServiceInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.services.update(actor, idOrSlug, input, version);
  }

  @Delete(':idOrSlug')
  @Requires('operate')
  @ApiParam(ID_OR_SLUG)
  @ApiIfMatch()
  @Operation({
    operationId: 'archiveService',
    summary: 'Archive a service (kept for history, hidden from lists, restorable)',
    description:
      'Refused with 409 `catalog.archive_blocked` while it has deployments pending approval, scheduled, ' +
      'queued or running, one `errors` entry per deployment (`path: deployments.<id>`). With ' +
      '`cancelDeployments=true` the ones not started are canceled (audited, `deployment.canceled`) in the ' +
      'same transaction and it is archived; a running one still refuses it. An admin can restore it.',
    response: ServiceModel,
    problems: [404, 409, 412],
  })
  archive(
    @CurrentActor() actor: Actor,
    @Param('idOrSlug') idOrSlug: string,
    @Query() args: ArchiveArgs,
    @IfMatchVersion() version?: number,
  ) {
    return this.services.archive(actor, idOrSlug, version, args);
  }

  @Post(':idOrSlug/restore')
  // Restoring brings it back into lists and deployments: an admin act, like creating an environment.
  @Requires('administer')
  @ApiParam(ID_OR_SLUG)
  @ApiIfMatch()
  @Operation({
    operationId: 'restoreService',
    summary: 'Restore an archived service',
    description: 'A service that is not archived is 409 `service.not_archived`.',
    response: ServiceModel,
    problems: [404, 409, 412],
  })
  restore(
    @CurrentActor() actor: Actor,
    @Param('idOrSlug') idOrSlug: string,
    @IfMatchVersion() version?: number,
  ) {
    return this.services.restore(actor, idOrSlug, version);
  }
}
