export { FindingsModule } from './findings.module';
export { FindingsApiModule } from './findings-api.module';
export { FindingsConfig } from './findings.config';
export { FindingsService } from './findings.service';
export {
  FindingReports,
  FindingSubject,
  Observation,
  ReportChange,
  ReportOutcome,
  ScanReport,
} from './finding-reports';
export { FindingModel } from './dto/finding.model';
export { FindingSummaryModel } from './dto/finding-summary.model';
export { FindingSlaPolicyModel } from './dto/sla-policy.dto';
export {
  FINDING_JUSTIFICATIONS,
  FindingJustification,
  FINDING_KINDS,
  FINDING_SEVERITIES,
  FINDING_STATUSES,
  FindingKind,
  FindingSeverity,
  FindingStatus,
  SUBJECT_TYPES,
  SubjectType,
} from './finding-status';
export { FindingErrors } from './finding.errors';
