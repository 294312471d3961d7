import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  Actor,
  ApiIfMatch,
  CurrentActor,
  Idempotent,
  IfMatchVersion,
  Operation,
  Requires,
  uuidParam,
} from '@opsplane/core';
import { CreateReleaseInput, ListReleasesArgs, UpdateReleaseInput } from './dto/release.inputs';
import { ReleaseModel, ReleasePage } from './dto/release.model';
import { ReleasesService } from './releases.service';

@ApiTags('releases')
@Controller('v1/releases')
export class ReleasesController {
  constructor(private readonly releases: ReleasesService) {}

  @Post()
  @Requires('operate')
  @Idempotent()
  @Operation({
    operationId: 'createRelease',
    summary: 'Register a release of a service',
    status: 201,
    response: ReleaseModel,
    problems: [404, 409, 422],
  })
  create(@CurrentActor() actor: Actor, @Body() input: CreateReleaseInput) {
    return this.releases.create(actor, input);
  }

  @Get()
  @Requires('read')
  @Operation({ operationId: 'listReleases', summary: 'List releases, newest first', response: ReleasePage })
  list(@Query() args: ListReleasesArgs) {
    return this.releases.list(args);
  }

  @Get(':id')
  @Requires('read')
  @Operation({
    operationId: 'getRelease',
    summary: 'Get a release with its commits',
    response: ReleaseModel,
    problems: [404],
  })
  get(@Param('id', uuidParam) id: string) {
    return this.releases.get(id);
  }

  @Patch(':id')
  @Requires('operate')
  @ApiIfMatch()
  @Operation({
    operationId: 'updateRelease',
    summary: 'Change the changelog or artifacts of a release not yet deployed',
    description: 'If-Match takes the `revision` (also sent as ETag). Refused with 409 once deployed.',
    response: ReleaseModel,
    problems: [404, 409, 412],
  })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Body() input: UpdateReleaseInput,
    @IfMatchVersion() revision?: number,
  ) {
    return this.releases.update(actor, id, input, revision);
  }
}
