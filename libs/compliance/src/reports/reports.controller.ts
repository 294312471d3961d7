import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Operation, Requires } from '@opsplane/core';
import {
  FailingIntervalPage,
  ListFailingIntervalsArgs,
  PeriodReportArgs,
  PeriodReportModel,
  PostureReportArgs,
  PostureReportModel,
} from '../dto/report.dto';
import { periodCsv, postureCsv } from './csv-report';
import { renderPeriodReportHtml } from './html-report';
import { toOscalAssessmentResults } from './oscal';
import { ReportsService } from './reports.service';

const PUBLISHER = { title: 'Opsplane compliance report', publisher: 'Opsplane', version: '1' };
const REPLAYED =
  'Replayed from stored results, never recomputed from today’s data; the audit chain is verified as the report ' +
  'is made. Auditor keys with an observation window see only that window.';

/** Reports for auditors: read-only (role `audit`), as JSON, CSV, OSCAL assessment-results and HTML. */
@ApiTags('compliance')
@Controller('v1/compliance/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('posture')
  @Requires('audit')
  @Operation({
    operationId: 'getCompliancePosture',
    summary: 'Posture now or as of a past instant, per framework, control and subject',
    description: REPLAYED,
    response: PostureReportModel,
  })
  posture(@CurrentActor() reader: Actor, @Query() args: PostureReportArgs) {
    return this.reports.posture(reader, args);
  }

  @Get('posture/csv')
  @Requires('audit')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="compliance-posture.csv"')
  @Operation({
    operationId: 'exportCompliancePostureCsv',
    summary: 'Posture as CSV: one row per control and subject',
    description: REPLAYED,
    produces: { contentType: 'text/csv' },
  })
  async postureCsv(@CurrentActor() reader: Actor, @Query() args: PostureReportArgs) {
    return postureCsv(await this.reports.posture(reader, args));
  }

  @Get('period')
  @Requires('audit')
  @Operation({
    operationId: 'getCompliancePeriodReport',
    summary:
      'A period: pass rate, failing intervals, time to remediate, waivers and gaps, per framework and control',
    description: REPLAYED,
    response: PeriodReportModel,
  })
  period(@CurrentActor() reader: Actor, @Query() args: PeriodReportArgs) {
    return this.reports.period(reader, args);
  }

  @Get('period/failing-intervals')
  @Requires('audit')
  @Operation({
    operationId: 'listCompliancePeriodFailingIntervals',
    summary: 'Every failing interval of a period, newest first',
    description:
      'The period as the period report bounds it (the last 30 days by default; an auditor key with an observation ' +
      'window sees that window only), read from the stored outcome history. The period report counts them all and ' +
      'lists the latest few per control.',
    response: FailingIntervalPage,
  })
  failingIntervals(@CurrentActor() reader: Actor, @Query() args: ListFailingIntervalsArgs) {
    return this.reports.listFailingIntervals(reader, args);
  }

  @Get('period/csv')
  @Requires('audit')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="compliance-period.csv"')
  @Operation({
    operationId: 'exportCompliancePeriodCsv',
    summary: 'A period report as CSV: one row per control',
    description: REPLAYED,
    produces: { contentType: 'text/csv' },
  })
  async periodCsv(@CurrentActor() reader: Actor, @Query() args: PeriodReportArgs) {
    return periodCsv(await this.reports.period(reader, args));
  }

  @Get('period/oscal')
  @Requires('audit')
  @Header('content-type', 'application/json; charset=utf-8')
  @Operation({
    operationId: 'exportCompliancePeriodOscal',
    summary: 'A period report as an OSCAL assessment-results document (OSCAL 1.0.6 JSON)',
    description:
      `${REPLAYED} Valid against NIST’s oscal_assessment-results_schema.json 1.0.6: one result for the period, an ` +
      'observation per control, a finding per failing interval (all of them) and per control that never ran.',
    produces: {
      contentType: 'application/json',
      schema: {
        type: 'object',
        required: ['assessment-results'],
        properties: { 'assessment-results': { type: 'object' } },
      },
    },
  })
  async periodOscal(@CurrentActor() reader: Actor, @Query() args: PeriodReportArgs) {
    const report = await this.reports.period(reader, args, { allFailingIntervals: true });
    return toOscalAssessmentResults(report, PUBLISHER);
  }

  @Get('period/html')
  @Requires('audit')
  @Header('content-type', 'text/html; charset=utf-8')
  @Operation({
    operationId: 'exportCompliancePeriodHtml',
    summary: 'A period report as one self-contained HTML page (inline SVG charts; print it to PDF)',
    description: `${REPLAYED} Nothing external is loaded: no scripts, fonts or images.`,
    produces: { contentType: 'text/html' },
  })
  async periodHtml(@CurrentActor() reader: Actor, @Query() args: PeriodReportArgs) {
    return renderPeriodReportHtml(await this.reports.period(reader, args), PUBLISHER);
  }
}
