import { Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Requires } from '../auth/access.decorators';
import { IdParam } from '../http/params';
import { Operation } from '../http/rest.decorators';
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

@ApiTags('jobs')
@Controller('v1')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get('job-types')
  @Requires('audit')
  @Operation({
    operationId: 'listJobTypes',
    summary: 'List job types with their schedule, settings and queued / running / retrying / failed counts',
    response: JobTypeList,
  })
  types() {
    return this.jobs.jobTypes();
  }

  @Post('job-types/:type/run')
  @Requires('administer')
  @Operation({
    operationId: 'runJob',
    summary: 'Enqueue a scheduled job type now, outside its schedule',
    status: 201,
    response: JobRunModel,
    problems: [404, 409],
  })
  run(@Param('type') type: string) {
    return this.jobs.runNow(type);
  }

  @Get('jobs')
  @Requires('audit')
  @Operation({ operationId: 'listJobs', summary: 'List jobs on the queue, newest first', response: JobPage })
  list(@Query() args: ListJobsArgs) {
    return this.jobs.list(args);
  }

  @Get('jobs/:id')
  @Requires('audit')
  @Operation({ operationId: 'getJob', summary: 'Get one job', response: JobModel, problems: [404] })
  get(@IdParam('id') id: string) {
    return this.jobs.get(id);
  }

  @Post('jobs/:id/retry')
  @Requires('administer')
  @Operation({
    operationId: 'retryJob',
    summary: 'Retry a failed or cancelled job',
    status: 200,
    response: JobModel,
    problems: [404, 409],
  })
  retry(@IdParam('id') id: string) {
    return this.jobs.retry(id);
  }

  @Post('jobs/:id/cancel')
  @Requires('administer')
  @Operation({
    operationId: 'cancelJob',
    summary: 'Cancel a job that is queued or waiting for a retry',
    status: 200,
    response: JobModel,
    problems: [404, 409],
  })
  cancel(@IdParam('id') id: string) {
    return this.jobs.cancel(id);
  }

  @Get('job-runs')
  @Requires('audit')
  @Operation({
    operationId: 'listJobRuns',
    summary: 'List runs of scheduled job types, newest first',
    response: JobRunPage,
  })
  runs(@Query() args: ListJobRunsArgs) {
    return this.jobs.runs(args);
  }
}
