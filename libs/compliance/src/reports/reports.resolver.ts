import { Args, Query, Resolver } from '@nestjs/graphql';
import { Actor, CurrentActor, Requires } from '@opsplane/core';
import {
  FailingIntervalPage,
  ListFailingIntervalsArgs,
  PeriodReportArgs,
  PeriodReportModel,
  PostureReportArgs,
  PostureReportModel,
} from '../dto/report.dto';
import { ReportsService } from './reports.service';

@Resolver()
export class ReportsResolver {
  constructor(private readonly reports: ReportsService) {}

  @Query(() => PostureReportModel, {
    name: 'compliancePosture',
    description: 'Posture now or as of a past instant, replayed from stored results.',
  })
  @Requires('audit')
  posture(@CurrentActor() reader: Actor, @Args() args: PostureReportArgs) {
    return this.reports.posture(reader, args);
  }

  @Query(() => PeriodReportModel, {
    name: 'compliancePeriodReport',
    description: 'Pass rate, failing intervals, time to remediate, waivers and gaps over a period.',
  })
  @Requires('audit')
  period(@CurrentActor() reader: Actor, @Args() args: PeriodReportArgs) {
    return this.reports.period(reader, args);
  }

  @Query(() => FailingIntervalPage, {
    name: 'complianceFailingIntervals',
    description: 'Every failing interval of a period, newest first (the period report lists the latest few).',
  })
  @Requires('audit')
  failingIntervals(@CurrentActor() reader: Actor, @Args() args: ListFailingIntervalsArgs) {
    return this.reports.listFailingIntervals(reader, args);
  }
}
