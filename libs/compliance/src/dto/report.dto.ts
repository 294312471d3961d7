import { AuditChainVerificationModel, Args, Model, PageArgs, PageOf, Prop } from '@opsplane/core';
import { CONTROL_SUBJECT_TYPES, ControlSubjectType } from '../controls/control-language';
import { CONTROL_MODES, CONTROL_SEVERITIES, ControlMode, ControlSeverity } from '../controls/control.entity';
import { FRAMEWORK_IDS, FrameworkId } from '../frameworks/frameworks';
import { RESULT_OUTCOMES, ResultOutcome } from '../scans/scan.entity';
import { FrameworkMappingModel } from './control.dto';
import { ScanCountsModel } from './scan.dto';
import { WaiverModel } from './waiver.dto';

/** A period report lists this many failing intervals per control, the latest; the list endpoint has all. */
export const FAILING_INTERVALS_SHOWN = 25;

@Args()
export class PostureReportArgs {
  @Prop.date({
    optional: true,
    description: 'The instant to replay stored results at; now when omitted. Not in the future.',
  })
  asOf?: Date;

  @Prop.enum(FRAMEWORK_IDS, 'FrameworkId', { optional: true, description: 'Only controls mapped to it.' })
  framework?: FrameworkId;
}

@Args()
export class PeriodReportArgs {
  @Prop.date({ optional: true, description: 'Start of the period; 30 days before `to` when omitted.' })
  from?: Date;

  @Prop.date({
    optional: true,
    description: 'End of the period (exclusive); now when omitted. Not in the future.',
  })
  to?: Date;

  @Prop.enum(FRAMEWORK_IDS, 'FrameworkId', { optional: true, description: 'Only controls mapped to it.' })
  framework?: FrameworkId;
}

@Args()
export class ListFailingIntervalsArgs extends PageArgs {
  @Prop.date({ optional: true, description: 'Start of the period; 30 days before `to` when omitted.' })
  from?: Date;

  @Prop.date({
    optional: true,
    description: 'End of the period (exclusive); now when omitted. Not in the future.',
  })
  to?: Date;

  @Prop.uuid({ optional: true, description: 'Only this control’s.' })
  controlId?: string;

  @Prop.uuid({ optional: true, description: 'Only this subject’s (environment or service).' })
  subjectId?: string;
}

@Model('ReportSubject', 'An environment or service as the report shows it.')
export class ReportSubjectModel {
  @Prop.enum(CONTROL_SUBJECT_TYPES, 'ControlSubjectType')
  type: ControlSubjectType;

  @Prop.uuid()
  id: string;

  @Prop.string({ description: 'Its slug today (null if it was deleted).', nullable: true })
  slug: string | null;
}

@Model(
  'PostureEntry',
  'One control on one subject as of the instant: its outcome then, since when, and a stored result that says so.',
)
export class PostureEntryModel {
  @Prop.nested(() => ReportSubjectModel)
  subject: ReportSubjectModel;

  @Prop.enum(RESULT_OUTCOMES, 'ResultOutcome')
  outcome: ResultOutcome;

  @Prop.date({ description: 'Since when the pair has had this outcome, without a break.' })
  since: Date;

  @Prop.uuid({
    description:
      'A result with this outcome at or before the instant: the latest of the stretch when it ended by then (or for ' +
      'now), otherwise the one that began it. GET /v1/compliance/results/{id}/evidence has its evidence.',
  })
  resultId: string;

  @Prop.date()
  evaluatedAt: Date;

  @Prop.int({ min: 1, description: 'The control version that result ran.' })
  controlVersion: number;

  @Prop.string({ description: 'SHA-256 (hex) of the canonical JSON of the evidence.' })
  evidenceSha256: string;
}

@Model('ReportControl', 'A control as the report covers it.')
export class ReportControlModel {
  @Prop.uuid()
  id: string;

  @Prop.slug()
  slug: string;

  @Prop.string()
  title: string;

  @Prop.enum(CONTROL_SEVERITIES, 'ControlSeverity')
  severity: ControlSeverity;

  @Prop.enum(CONTROL_MODES, 'ControlMode')
  mode: ControlMode;

  @Prop.nested(() => FrameworkMappingModel, { isArray: true })
  frameworks: FrameworkMappingModel[];
}

@Model('PostureControl', 'A control’s posture: its outcome on each subject it was evaluated on.')
export class PostureControlModel {
  @Prop.nested(() => ReportControlModel)
  control: ReportControlModel;

  @Prop.nested(() => ScanCountsModel, { description: 'Subjects by outcome.' })
  counts: ScanCountsModel;

  @Prop.nested(() => PostureEntryModel, { isArray: true })
  subjects: PostureEntryModel[];
}

@Model(
  'FrameworkRequirementPosture',
  'A framework requirement and the outcomes of the controls that serve it.',
)
export class RequirementSummaryModel {
  @Prop.string()
  requirement: string;

  @Prop.slug({ isArray: true })
  controls: string[];

  @Prop.nested(() => ScanCountsModel)
  counts: ScanCountsModel;

  @Prop.ratio({
    nullable: true,
    description: 'Passed ÷ (passed + failed + waived + error); null if none ran.',
  })
  passRate: number | null;
}

@Model('FrameworkSummary', 'A framework and its requirements as the report covers them.')
export class FrameworkSummaryModel {
  @Prop.enum(FRAMEWORK_IDS, 'FrameworkId')
  framework: FrameworkId;

  @Prop.string()
  name: string;

  @Prop.nested(() => ScanCountsModel)
  counts: ScanCountsModel;

  @Prop.ratio({ nullable: true })
  passRate: number | null;

  @Prop.nested(() => RequirementSummaryModel, { isArray: true })
  requirements: RequirementSummaryModel[];
}

@Model(
  'PostureReport',
  'Compliance posture as of an instant, replayed from stored results (never recomputed from today’s data).',
)
export class PostureReportModel {
  @Prop.date()
  asOf: Date;

  @Prop.date()
  generatedAt: Date;

  @Prop.enum(FRAMEWORK_IDS, 'FrameworkId', { nullable: true })
  framework: FrameworkId | null;

  @Prop.nested(() => AuditChainVerificationModel, {
    description: 'The audit chain, verified as the report was made.',
  })
  auditChain: AuditChainVerificationModel;

  @Prop.nested(() => ScanCountsModel, { description: '(control, subject) pairs by outcome.' })
  counts: ScanCountsModel;

  @Prop.nested(() => FrameworkSummaryModel, { isArray: true })
  frameworks: FrameworkSummaryModel[];

  @Prop.nested(() => PostureControlModel, { isArray: true })
  controls: PostureControlModel[];
}

@Model('OutcomeSeconds', 'Seconds of the period spent in each outcome, summed over subjects.')
export class OutcomeSecondsModel {
  @Prop.int({ min: 0, max: Number.MAX_SAFE_INTEGER })
  passed: number;

  @Prop.int({ min: 0, max: Number.MAX_SAFE_INTEGER })
  failed: number;

  @Prop.int({ min: 0, max: Number.MAX_SAFE_INTEGER })
  waived: number;

  @Prop.int({ min: 0, max: Number.MAX_SAFE_INTEGER })
  error: number;

  @Prop.int({ min: 0, max: Number.MAX_SAFE_INTEGER })
  notApplicable: number;
}

@Model('FailingInterval', 'A stretch of the period in which the control failed on a subject.')
export class FailingIntervalModel {
  @Prop.uuid()
  controlId: string;

  @Prop.nested(() => ReportSubjectModel)
  subject: ReportSubjectModel;

  @Prop.date({ description: 'When the failure began (may be before the period).' })
  from: Date;

  @Prop.date({
    nullable: true,
    description: 'When a result with another outcome ended it; null if it still fails.',
  })
  to: Date | null;

  @Prop.enum(RESULT_OUTCOMES, 'ResultOutcome', { nullable: true, description: 'The outcome that ended it.' })
  endedBy: ResultOutcome | null;

  @Prop.uuid({ description: 'The result that began it.' })
  firstResultId: string;
}

export const FailingIntervalPage = PageOf(FailingIntervalModel, 'FailingIntervalPage');

@Model('RemediationTimes', 'Failures remediated (ended by a pass) within the period: how long each took.')
export class RemediationTimesModel {
  @Prop.int({ min: 0 })
  count: number;

  @Prop.int({ min: 0, max: Number.MAX_SAFE_INTEGER, nullable: true })
  meanSeconds: number | null;

  @Prop.int({ min: 0, max: Number.MAX_SAFE_INTEGER, nullable: true })
  medianSeconds: number | null;

  @Prop.int({ min: 0, max: Number.MAX_SAFE_INTEGER, nullable: true })
  maxSeconds: number | null;
}

@Model('PassRatePoint', 'The pass rate over one slice of the period.')
export class PassRatePointModel {
  @Prop.date()
  from: Date;

  @Prop.date()
  to: Date;

  @Prop.ratio({ nullable: true, description: 'Null when nothing was evaluated in the slice.' })
  passRate: number | null;
}

@Model('PeriodControl', 'A control over the period.')
export class PeriodControlModel {
  @Prop.nested(() => ReportControlModel)
  control: ReportControlModel;

  @Prop.bool({ description: 'Whether any result of it was stored in the period; false is a gap.' })
  ran: boolean;

  @Prop.ratio({
    nullable: true,
    description:
      'Time passed ÷ time passed, failed, waived or in error, over its subjects; null if it never ran.',
  })
  passRate: number | null;

  @Prop.nested(() => OutcomeSecondsModel)
  seconds: OutcomeSecondsModel;

  @Prop.int({ min: 0 })
  subjectCount: number;

  @Prop.int({ min: 0, description: 'Failing intervals that overlap the period, all of them.' })
  failingIntervalCount: number;

  @Prop.nested(() => FailingIntervalModel, {
    isArray: true,
    description:
      `The latest ${FAILING_INTERVALS_SHOWN} of them (newest first); every one is listed by ` +
      '`GET /v1/compliance/reports/period/failing-intervals`.',
  })
  failingIntervals: FailingIntervalModel[];

  @Prop.nested(() => RemediationTimesModel)
  timeToRemediate: RemediationTimesModel;

  @Prop.nested(() => WaiverModel, {
    isArray: true,
    description: 'Waivers of it in force at some point in the period.',
  })
  waivers: WaiverModel[];

  @Prop.nested(() => PassRatePointModel, { isArray: true })
  series: PassRatePointModel[];
}

@Model('ReportGap', 'A control that should have run in the period and never did: a finding of the report.')
export class ReportGapModel {
  @Prop.nested(() => ReportControlModel)
  control: ReportControlModel;

  @Prop.string()
  description: string;
}

@Model('PeriodReport', 'Compliance over a period, per framework and control, from stored results.')
export class PeriodReportModel {
  @Prop.date()
  from: Date;

  @Prop.date()
  to: Date;

  @Prop.date()
  generatedAt: Date;

  @Prop.enum(FRAMEWORK_IDS, 'FrameworkId', { nullable: true })
  framework: FrameworkId | null;

  @Prop.nested(() => AuditChainVerificationModel)
  auditChain: AuditChainVerificationModel;

  @Prop.ratio({ nullable: true, description: 'Over every control and subject.' })
  passRate: number | null;

  @Prop.nested(() => PassRatePointModel, {
    isArray: true,
    description: 'Pass rate over the period, in slices.',
  })
  series: PassRatePointModel[];

  @Prop.nested(() => FrameworkSummaryModel, {
    isArray: true,
    description: 'Counts are of (control, subject) pairs by their outcome at the end of the period.',
  })
  frameworks: FrameworkSummaryModel[];

  @Prop.nested(() => PeriodControlModel, { isArray: true })
  controls: PeriodControlModel[];

  @Prop.nested(() => ReportGapModel, { isArray: true })
  gaps: ReportGapModel[];
}
