import { Args, ID, Int, Mutation, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Actor, CurrentActor, GraphqlContext, RequestLoaders, Requires, uuidParam } from '@opsplane/core';
import {
  CreateReleaseInput,
  ListReleasesArgs,
  ReleaseDiffArgs,
  UpdateReleaseInput,
} from './dto/release.inputs';
import {
  ReleaseCommit,
  ReleaseDiffModel,
  ReleaseModel,
  ReleasePage,
  ReleaseWithoutCommits,
} from './dto/release.model';
import { ReleasesService } from './releases.service';

@Resolver(() => ReleaseModel)
export class ReleasesResolver {
  constructor(
    private readonly releases: ReleasesService,
    private readonly loaders: RequestLoaders,
  ) {}

  /** Read with the release by its own queries; loaded per request (batched) for releases read by the loaders. */
  @ResolveField('commits', () => [ReleaseCommit], { description: 'Newest first.' })
  commits(release: ReleaseModel | ReleaseWithoutCommits, _args: unknown, { req: request }: GraphqlContext) {
    return (
      release.commits ??
      this.loaders
        .get(request, 'commitsByRelease', (ids: readonly string[]) => this.releases.commitsOfMany(ids))
        .load(release.id)
    );
  }

  @Query(() => ReleasePage, { name: 'releases', description: 'Releases, newest first.' })
  @Requires('read')
  list(@Args() args: ListReleasesArgs) {
    return this.releases.list(args);
  }

  @Query(() => ReleaseModel, { name: 'release' })
  @Requires('read')
  get(@Args('id', { type: () => ID }, uuidParam) id: string) {
    return this.releases.get(id);
  }

  @Query(() => ReleaseDiffModel, {
    name: 'releaseDiff',
    description:
      'What changes between two releases of one service: the releases and commits in between ' +
      '(backward for a rollback). release.diff_across_services for releases of different services.',
  })
  @Requires('read')
  diff(@Args() args: ReleaseDiffArgs) {
    return this.releases.diff(args);
  }

  @Mutation(() => ReleaseModel, { name: 'createRelease' })
  @Requires('operate')
  create(@CurrentActor() actor: Actor, @Args('input') input: CreateReleaseInput) {
    return this.releases.create(actor, input);
  }

  @Mutation(() => ReleaseModel, {
    name: 'updateRelease',
    description: 'Changelog and artifacts, until the release is first deployed.',
  })
  @Requires('operate')
  update(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }, uuidParam) id: string,
    @Args('input') input: UpdateReleaseInput,
    @Args('expectedRevision', {
      type: () => Int,
      nullable: true,
      description: 'Refuse the change unless this is the current revision.',
    })
    expectedRevision?: number,
  ) {
    return this.releases.update(actor, id, input, expectedRevision ?? undefined);
  }
}
