import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Requires } from '../auth/access.decorators';
import { JobRunModel, JobRunPage, ListJobRunsArgs } from './job-run.models';
import { JobRunner } from './job-runner.service';

@Resolver(() => JobRunModel)
export class JobsResolver {
  constructor(private readonly runner: JobRunner) {}

  @Query(() => JobRunPage, { name: 'jobRuns' })
  @Requires('audit')
  list(@Args() args: ListJobRunsArgs) {
    return this.runner.list(args);
  }

  @Mutation(() => JobRunModel, { name: 'runJob' })
  @Requires('administer')
  run(@Args('name') name: string) {
    return this.runner.runNow(name);
  }
}
