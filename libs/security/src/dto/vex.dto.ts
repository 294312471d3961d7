import { Input, Model, Prop } from '@opsplane/core';
import { FindingModel } from '@opsplane/findings';
import {
  VEX_JUSTIFICATIONS,
  VEX_RESPONSES,
  VEX_STATES,
  VexJustification,
  VexResponse,
  VexState,
} from '../vex/vex-analysis';
import { ANALYSIS_ORIGINS, AnalysisOrigin } from '../vex/vulnerability-analysis.entity';

@Input('VexAnalysisInput')
export class VexAnalysisInput {
  @Prop.enum(VEX_STATES, 'VexState', {
    description:
      'CycloneDX impact analysis state. The finding moves with it: in_triage and exploitable → triaged, ' +
      'not_affected and false_positive → false_positive, resolved and resolved_with_pedigree → resolved.',
  })
  state: VexState;

  @Prop.enum(VEX_JUSTIFICATIONS, 'FindingJustification', {
    optional: true,
    description: 'Required with not_affected, refused with any other state.',
  })
  justification?: VexJustification | null;

  @Prop.enum(VEX_RESPONSES, 'VexResponse', { optional: true, isArray: true })
  responses?: VexResponse[] | null;

  @Prop.string({
    optional: true,
    maxLength: 10_000,
    description: 'How it was assessed: the impact statement.',
  })
  detail?: string | null;
}

@Model('VexAnalysis', 'The VEX analysis of a vulnerability finding.')
export class VexAnalysisModel {
  @Prop.uuid()
  findingId: string;

  @Prop.enum(VEX_STATES, 'VexState')
  state: VexState;

  @Prop.enum(VEX_JUSTIFICATIONS, 'FindingJustification', { nullable: true })
  justification: VexJustification | null;

  @Prop.enum(VEX_RESPONSES, 'VexResponse', { isArray: true })
  responses: VexResponse[];

  @Prop.string({ nullable: true, maxLength: 10_000 })
  detail: string | null;

  @Prop.enum(ANALYSIS_ORIGINS, 'VexAnalysisOrigin', {
    description:
      '`manual`, `carried` (from an earlier release of the service: see carriedFrom) or `vex_import`.',
  })
  origin: AnalysisOrigin;

  @Prop.uuid({
    nullable: true,
    description: 'The finding (of an earlier release) whose analysis this carries.',
  })
  carriedFrom: string | null;

  @Prop.string({ maxLength: 300 })
  analysedBy: string;

  @Prop.date()
  analysedAt: Date;
}

@Model('VexAnalysisResult', 'The analysis, and the finding as it moved with it.')
export class VexAnalysisResultModel {
  @Prop.nested(() => VexAnalysisModel)
  analysis: VexAnalysisModel;

  @Prop.nested(() => FindingModel)
  finding: FindingModel;
}

@Input('ServiceSecuritySettingsInput')
export class ServiceSecuritySettingsInput {
  @Prop.bool({
    description:
      'Carry VEX analyses to later releases: a new finding of a package and vulnerability an earlier release ' +
      'of the service had analysed gets that analysis (origin carried) and its status.',
  })
  carryAnalyses: boolean;
}

@Model('ServiceSecuritySettings', 'A service’s security settings.')
export class ServiceSecuritySettingsModel {
  @Prop.uuid()
  serviceId: string;

  @Prop.bool()
  carryAnalyses: boolean;

  @Prop.string({ nullable: true, maxLength: 300 })
  updatedBy: string | null;

  @Prop.date({ nullable: true })
  updatedAt: Date | null;
}

@Model('VexImportUnmatched', 'A statement of the VEX no finding of the release matched.')
export class VexImportUnmatchedModel {
  @Prop.string({ maxLength: 100_000, description: 'JSON pointer to the entry.' })
  path: string;

  @Prop.string({ maxLength: 100_000 })
  vulnerabilityId: string;
}

@Model('VexImportProblem', 'Something in the VEX that was not applied, and why.')
export class VexImportProblemModel {
  @Prop.string({ maxLength: 100_000 })
  path: string;

  @Prop.string({ maxLength: 100_000 })
  code: string;

  @Prop.string({ maxLength: 100_000 })
  message: string;
}

@Model('VexImport', 'What importing a VEX document into a release did.')
export class VexImportModel {
  @Prop.int({ min: 0, description: 'Statements read (vulnerabilities with an analysis).' })
  statements: number;

  @Prop.int({ min: 0, description: 'Findings whose analysis the VEX set.' })
  applied: number;

  @Prop.nested(() => VexImportUnmatchedModel, { isArray: true })
  unmatched: VexImportUnmatchedModel[];

  @Prop.nested(() => VexImportProblemModel, { isArray: true })
  problems: VexImportProblemModel[];
}
