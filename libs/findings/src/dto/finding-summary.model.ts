import { Model, PageOf, Prop } from '@opsplane/core';
import { SUBJECT_TYPES, SubjectType } from '../finding-status';

@Model('FindingSeverityCounts', 'Open or triaged findings (what still needs fixing) by severity.')
export class FindingSeverityCountsModel {
  @Prop.int({ min: 0 })
  critical: number;

  @Prop.int({ min: 0 })
  high: number;

  @Prop.int({ min: 0 })
  medium: number;

  @Prop.int({ min: 0 })
  low: number;

  @Prop.int({ min: 0 })
  info: number;
}

@Model('FindingStatusCounts', 'Findings by status.')
export class FindingStatusCountsModel {
  @Prop.int({ min: 0 })
  open: number;

  @Prop.int({ min: 0 })
  triaged: number;

  @Prop.int({ min: 0 })
  resolved: number;

  @Prop.int({ min: 0 })
  accepted: number;

  @Prop.int({ min: 0 })
  falsePositive: number;
}

@Model('FindingSummary', 'The findings of one subject, counted.')
export class FindingSummaryModel {
  @Prop.enum(SUBJECT_TYPES, 'FindingSubjectType')
  subjectType: SubjectType;

  @Prop.uuid()
  subjectId: string;

  @Prop.nested(() => FindingSeverityCountsModel)
  unresolved: FindingSeverityCountsModel;

  @Prop.nested(() => FindingStatusCountsModel)
  byStatus: FindingStatusCountsModel;

  @Prop.int({ min: 0, description: 'Open or triaged and past their SLA due date now.' })
  overdue: number;

  @Prop.int({ min: 0 })
  total: number;
}

export const FindingSummaryPage = PageOf(FindingSummaryModel, 'FindingSummaryPage');
