import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Requires } from '../auth/access.decorators';
import { uuidParam } from '../http/params';
import {
  JobModel,
  JobPage,
  JobRunModel,
  JobRunPage,
  JobTypeList,
  ListJobRunsArgs,
  ListJobsArgs,
} from './job-run.models';
import { JobsService } from './jobs.service';

@Resolver(() => JobModel)
export class JobsResolver {
  constructor(private readonly jobs: JobsService) {}

  @Query(() => JobTypeList, { name: 'jobTypes' })
  @Requires('audit')
  types() {
    return this.jobs.jobTypes();
  }

  @Query(() => JobPage, { name: 'jobs' })
  @Requires('audit')
  list(@Args() args: ListJobsArgs) {
    return this.jobs.list(args);
  }

  @Query(() => JobModel, { name: 'job' })
  @Requires('audit')
  get(@Args('id', { type: () => ID }, uuidParam) id: string) {
    return this.jobs.get(id);
  }

  @Query(() => JobRunPage, { name: 'jobRuns' })
  @Requires('audit')
  runs(@Args() args: ListJobRunsArgs) {
    return this.jobs.runs(args);
  }

  @Mutation(() => JobRunModel, { name: 'runJob' })
  @Requires('administer')
  run(@Args('type') type: string) {
    return this.jobs.runNow(type);
  }

  @Mutation(() => JobModel, { name: 'retryJob' })
  @Requires('administer')
  retry(@Args('id', { type: () => ID }, uuidParam) id: string) {
    return this.jobs.retry(id);
  }

  @Mutation(() => JobModel, { name: 'cancelJob' })
  @Requires('administer')
  cancel(@Args('id', { type: () => ID }, uuidParam) id: string) {
    return this.jobs.cancel(id);
  }
}
