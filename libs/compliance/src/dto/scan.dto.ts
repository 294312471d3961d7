import { Args, Input, Model, PageArgs, PageOf, Prop } from '@opsplane/core';
import { CONTROL_SUBJECT_TYPES, ControlSubjectType } from '../controls/control-language';
import { FRAMEWORK_IDS, FrameworkId } from '../frameworks/frameworks';
import { RESULT_OUTCOMES, ResultOutcome, SCAN_STATUSES, ScanStatus } from '../scans/scan.entity';

@Input('StartScanInput', 'All optional: without any, every enabled control on every environment and service.')
export class StartScanInput {
  @Prop.string({ optional: true, maxLength: 100, description: 'Only this control (id or slug).' })
  control?: string;

  @Prop.enum(FRAMEWORK_IDS, 'FrameworkId', {
    optional: true,
    description: 'Only controls mapped to this framework.',
  })
  framework?: FrameworkId;

  @Prop.string({
    optional: true,
    maxLength: 100,
    description: 'Only this environment or service (id or slug).',
  })
  subject?: string;
}

@Model('ScanCounts', 'Results by outcome.')
export class ScanCountsModel {
  @Prop.int({ min: 0 })
  passed: number;

  @Prop.int({ min: 0 })
  failed: number;

  @Prop.int({ min: 0, description: 'Failed, under a waiver in force.' })
  waived: number;

  @Prop.int({ min: 0, description: 'The check could not be evaluated (see the result’s message).' })
  error: number;

  @Prop.int({ min: 0, description: 'Outside the control’s scope.' })
  notApplicable: number;
}

@Model(
  'ComplianceScan',
  'One run of controls over subjects, fanned out one job per subject; progress while it runs.',
)
export class ScanModel {
  @Prop.uuid()
  id: string;

  @Prop.enum(SCAN_STATUSES, 'ComplianceScanStatus')
  status: ScanStatus;

  @Prop.enum(['schedule', 'manual'] as const, 'ComplianceScanTrigger')
  trigger: 'schedule' | 'manual';

  @Prop.string()
  requestedBy: string;

  @Prop.uuid({ nullable: true, description: 'The one control it ran, if asked for one.' })
  controlId: string | null;

  @Prop.enum(FRAMEWORK_IDS, 'FrameworkId', { nullable: true })
  framework: FrameworkId | null;

  @Prop.uuid({ nullable: true, description: 'The one subject it covered, if asked for one.' })
  subjectId: string | null;

  @Prop.int({ min: 0 })
  subjectsTotal: number;

  @Prop.int({ min: 0 })
  subjectsDone: number;

  @Prop.nested(() => ScanCountsModel)
  counts: ScanCountsModel;

  @Prop.date()
  startedAt: Date;

  @Prop.date({ nullable: true })
  finishedAt: Date | null;

  @Prop.int({ nullable: true, min: 0, max: Number.MAX_SAFE_INTEGER })
  durationMs: number | null;
}

export const ScanPage = PageOf(ScanModel, 'ComplianceScanPage');

@Model('ComplianceResult', 'One control evaluated on one subject by one scan; never changed.')
export class ResultModel {
  @Prop.uuid()
  id: string;

  @Prop.uuid()
  scanId: string;

  @Prop.uuid()
  controlId: string;

  @Prop.int({ min: 1, description: 'The control version it ran.' })
  controlVersion: number;

  @Prop.enum(CONTROL_SUBJECT_TYPES, 'ControlSubjectType')
  subjectType: ControlSubjectType;

  @Prop.uuid()
  subjectId: string;

  @Prop.enum(RESULT_OUTCOMES, 'ComplianceOutcome')
  outcome: ResultOutcome;

  @Prop.string({ nullable: true, maxLength: 10_000, description: 'Why an error.' })
  message: string | null;

  @Prop.string({ description: 'SHA-256 (hex) of the canonical JSON of the inputs evaluated.' })
  evidenceSha256: string;

  @Prop.uuid({ nullable: true, description: 'The waiver that made a failure `waived`.' })
  waiverId: string | null;

  @Prop.uuid({ nullable: true, description: 'The compliance finding a failure opened or refreshed.' })
  findingId: string | null;

  @Prop.date()
  evaluatedAt: Date;
}

export const ResultPage = PageOf(ResultModel, 'ComplianceResultPage');

@Model(
  'ComplianceEvidence',
  'A result with its evidence. sha256 is the SHA-256 (hex) of canonicalInputs: the inputs as JSON with keys ' +
    'sorted at every level and no spaces; recompute it with any tool (e.g. `sha256sum`).',
)
export class EvidenceModel {
  @Prop.nested(() => ResultModel)
  result: ResultModel;

  @Prop.int({ min: 1 })
  controlVersion: number;

  @Prop.string({ maxLength: 4000, description: 'The check as that version had it.' })
  expression: string;

  @Prop.string()
  sha256: string;

  @Prop.string({ maxLength: 100_000_000, description: 'The inputs, exactly as hashed.' })
  canonicalInputs: string;

  @Prop.json({ description: 'The same inputs, as JSON.' })
  inputs: Record<string, unknown>;
}

@Args()
export class ListScansArgs extends PageArgs {
  @Prop.enum(SCAN_STATUSES, 'ComplianceScanStatus', { optional: true })
  status?: ScanStatus;
}

@Args()
export class ListResultsArgs extends PageArgs {
  @Prop.enum(RESULT_OUTCOMES, 'ComplianceOutcome', { optional: true })
  outcome?: ResultOutcome;

  @Prop.uuid({ optional: true })
  controlId?: string;

  @Prop.uuid({ optional: true })
  subjectId?: string;
}
