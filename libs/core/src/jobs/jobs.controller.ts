import { Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Requires } from '../auth/access.decorators';
import { Operation } from '../http/rest.decorators';
import { JobRunModel, JobRunPage, ListJobRunsArgs } from './job-run.models';
import { JobRunner } from './job-runner.service';

@ApiTags('jobs')
@Controller('v1')
export class JobsController {
  constructor(private readonly runner: JobRunner) {}

  @Get('job-runs')
  @Requires('audit')
  @Operation({ operationId: 'listJobRuns', summary: 'List job runs, newest first', response: JobRunPage })
  list(@Query() args: ListJobRunsArgs) {
    return this.runner.list(args);
  }

  @Post('jobs/:name/run')
  @Requires('administer')
  @Operation({
    operationId: 'runJob',
    summary: 'Run a job now, outside its schedule',
    status: 201,
    response: JobRunModel,
    problems: [404],
  })
  run(@Param('name') name: string) {
    return this.runner.runNow(name);
  }
}
