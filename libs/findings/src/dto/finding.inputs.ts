import { Args, Input, PageArgs, Prop } from '@opsplane/core';
import {
  FINDING_JUSTIFICATIONS,
  FINDING_KINDS,
  FINDING_SEVERITIES,
  FINDING_STATUSES,
  FindingJustification,
  FindingKind,
  FindingSeverity,
  FindingStatus,
  SUBJECT_TYPES,
  SubjectType,
} from '../finding-status';

export const FINDING_ORDERS = ['worst_first', 'newest_first'] as const;
export type FindingOrder = (typeof FINDING_ORDERS)[number];

/** Filters shared by the list and the summaries. */
@Args()
export class FindingFilterArgs extends PageArgs {
  @Prop.enum(FINDING_KINDS, 'FindingKind', { optional: true })
  kind?: FindingKind;

  @Prop.string({ optional: true, maxLength: 100, description: 'Reported by this source, e.g. `compliance`.' })
  source?: string;

  @Prop.enum(SUBJECT_TYPES, 'FindingSubjectType', {
    optional: true,
    description: 'Findings about services, environments or releases; with subjectId, about that one.',
  })
  subjectType?: SubjectType;

  @Prop.uuid({ optional: true, description: 'Findings about this service, environment or release.' })
  subjectId?: string;

  @Prop.uuid({
    optional: true,
    description: 'Findings about this service or one of its releases.',
  })
  serviceId?: string;
}

@Args()
export class ListFindingsArgs extends FindingFilterArgs {
  @Prop.enum(FINDING_SEVERITIES, 'FindingSeverity', { optional: true })
  severity?: FindingSeverity;

  @Prop.enum(FINDING_STATUSES, 'FindingStatus', { optional: true })
  status?: FindingStatus;

  @Prop.bool({
    optional: true,
    description: 'true: only open or triaged ones (what still needs fixing); false: only the others.',
  })
  unresolved?: boolean;

  @Prop.bool({
    optional: true,
    description: 'true: only open or triaged ones past their SLA due date now; false: only the others.',
  })
  overdue?: boolean;

  @Prop.enum(FINDING_ORDERS, 'FindingOrder', {
    optional: true,
    description:
      'worst_first (default): critical first, oldest first within a severity; newest_first: by id.',
  })
  order?: FindingOrder;
}

@Input(
  'ChangeFindingStatusInput',
  'accepted needs reason, acceptedBy and acceptedUntil; false_positive needs a reason. justification (a ' +
    'CycloneDX VEX justification) is kept with accepted and false_positive.',
)
export class ChangeFindingStatusInput {
  @Prop.enum(FINDING_STATUSES, 'FindingStatus')
  status: FindingStatus;

  @Prop.string({
    optional: true,
    maxLength: 2000,
    description: 'Why; kept on the finding and as the audit reason.',
    example: 'Only reachable from the admin network; fix planned for 2.0',
  })
  reason?: string | null;

  @Prop.enum(FINDING_JUSTIFICATIONS, 'FindingJustification', { optional: true })
  justification?: FindingJustification | null;

  @Prop.string({
    optional: true,
    maxLength: 200,
    description: 'accepted: who approved the risk, a person other than the caller (name or handle).',
    example: 'Dana Scully',
  })
  acceptedBy?: string | null;

  @Prop.date({
    optional: true,
    description:
      'accepted: when the acceptance expires and the finding reopens; in the future, within a year.',
  })
  acceptedUntil?: Date | null;
}
