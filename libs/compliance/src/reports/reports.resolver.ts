import { Args, Query, Resolver } from '@nestjs/graphql';
import { Requires } from '@opsplane/core';
import {
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
  posture(@Args() args: PostureReportArgs) {
    return this.reports.posture(args);
  }

  @Query(() => PeriodReportModel, {
    name: 'compliancePeriodReport',
    description: 'Pass rate, failing intervals, time to remediate, waivers and gaps over a period.',
  })
  @Requires('audit')
  period(@Args() args: PeriodReportArgs) {
    return this.reports.period(args);
  }
}
