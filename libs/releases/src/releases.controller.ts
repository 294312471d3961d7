import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  Actor,
  ApiIfMatch,
  CurrentActor,
  Idempotent,
  IdParam,
  IfMatchVersion,
  Operation,
  Requires,
} from '@opsplane/core';
import {
  CreateReleaseInput,
  ListReleasesArgs,
  ReleaseDiffArgs,
  UpdateReleaseInput,
} from './dto/release.inputs';
import {
  MAX_DIFF_COMMITS,
  MAX_DIFF_RELEASES,
  ReleaseDiffModel,
  ReleaseModel,
  ReleasePage,
} from './dto/release.model';
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

  @Get('diff')
  @Requires('read')
  @Operation({
    operationId: 'diffReleases',
    summary: 'What changes between two releases of a service: the releases and commits in between',
    description:
      'Releases are ordered by registration. `direction` is `forward` when `to` is newer, `backward` when ' +
      'it is older (a rollback: the releases and commits that go away), `same` for one release. Commits ' +
      'appear once per sha, without those the older release already lists, newest first, each with the ' +
      `release it came with. At most ${MAX_DIFF_RELEASES} releases and ${MAX_DIFF_COMMITS} commits; ` +
      '`truncated` says when there were more. 404 `release.not_found` for an unknown id; 422 ' +
      '`release.diff_across_services` when the two belong to different services.',
    response: ReleaseDiffModel,
    problems: [404, 422],
  })
  diff(@Query() args: ReleaseDiffArgs) {
    return this.releases.diff(args);
  }

  @Get(':id')
  @Requires('read')
  @Operation({
    operationId: 'getRelease',
    summary: 'Get a release with its commits',
    response: ReleaseModel,
    problems: [404],
  })
  get(@IdParam() id: string) {
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
    @IdParam() id: string,
    @Body() input: UpdateReleaseInput,
    @IfMatchVersion() revision?: number,
  ) {
    return this.releases.update(actor, id, input, revision);
  }
}
