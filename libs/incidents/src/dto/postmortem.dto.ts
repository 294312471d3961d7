import { Input, Model, PartialOf, Prop } from '@opsplane/core';
import { POSTMORTEM_STATUSES, PostmortemStatus } from '../postmortem-status';
import { PostmortemEntity } from '../postmortem.entity';

const DUE_DATE = /^\d{4}-\d{2}-\d{2}$/;

@Model('ActionItem', 'Follow-up work from a postmortem.')
export class ActionItemModel {
  @Prop.string({ maxLength: 500 })
  title: string;

  @Prop.string({ nullable: true, maxLength: 200, description: 'Who does it (a name or team).' })
  owner: string | null;

  @Prop.string({ nullable: true, maxLength: 10, description: 'Calendar date, YYYY-MM-DD.' })
  dueDate: string | null;

  @Prop.bool()
  done: boolean;
}

@Input('ActionItemInput')
export class ActionItemInput {
  @Prop.string({ maxLength: 500, example: 'Alert on card-authorisation error rate' })
  title: string;

  @Prop.string({ optional: true, maxLength: 200, example: 'payments team' })
  owner?: string | null;

  @Prop.string({
    optional: true,
    maxLength: 10,
    pattern: DUE_DATE,
    patternHint: 'must be a calendar date, YYYY-MM-DD',
    example: '2026-01-31',
  })
  dueDate?: string | null;

  @Prop.bool({ optional: true, description: 'Default false.' })
  done?: boolean | null;
}

@Input('CreatePostmortemInput', 'Every field may be filled in later; a postmortem starts as a draft.')
export class CreatePostmortemInput {
  @Prop.string({ optional: true, nullable: true, maxLength: 20_000 })
  summary?: string | null;

  @Prop.string({ optional: true, nullable: true, maxLength: 20_000 })
  rootCause?: string | null;

  @Prop.string({
    optional: true,
    nullable: true,
    maxLength: 20_000,
    description: 'Who and what was affected, how long.',
  })
  impact?: string | null;

  @Prop.nested(() => ActionItemInput, {
    optional: true,
    isArray: true,
    maxItems: 100,
    description: 'The whole list; on update it replaces the stored one.',
  })
  actionItems?: ActionItemInput[] | null;
}

@Input(
  'UpdatePostmortemInput',
  'Only the fields sent change; null clears a text. Once published only actionItems change (to track them).',
)
export class UpdatePostmortemInput extends PartialOf(CreatePostmortemInput) {}

@Input('ChangePostmortemStatusInput')
export class ChangePostmortemStatusInput {
  @Prop.enum(POSTMORTEM_STATUSES, 'PostmortemStatus', {
    description:
      'draft → in_review → published; in_review → draft. Review and publication need summary, rootCause and impact.',
  })
  status: PostmortemStatus;
}

@Model('Postmortem', 'The written review of an incident; one per incident.')
export class PostmortemModel {
  @Prop.uuid()
  id: string;

  @Prop.uuid()
  incidentId: string;

  @Prop.enum(POSTMORTEM_STATUSES, 'PostmortemStatus')
  status: PostmortemStatus;

  @Prop.string({ nullable: true, maxLength: 20_000 })
  summary: string | null;

  @Prop.string({ nullable: true, maxLength: 20_000 })
  rootCause: string | null;

  @Prop.string({ nullable: true, maxLength: 20_000 })
  impact: string | null;

  @Prop.nested(() => ActionItemModel, { isArray: true, maxItems: 100 })
  actionItems: ActionItemModel[];

  @Prop.date({ nullable: true })
  publishedAt: Date | null;

  @Prop.string({ description: 'Actor id of whoever started it.' })
  createdBy: string;

  @Prop.int({ min: 1, description: 'Increments on every change; send it back as If-Match.' })
  version: number;

  @Prop.date()
  createdAt: Date;

  @Prop.date()
  updatedAt: Date;
}

export function toPostmortemModel(entity: PostmortemEntity): PostmortemModel {
  return {
    id: entity.id,
    incidentId: entity.incidentId,
    status: entity.status,
    summary: entity.summary,
    rootCause: entity.rootCause,
    impact: entity.impact,
    actionItems: entity.actionItems.map((item) => ({ ...item })),
    publishedAt: entity.publishedAt,
    createdBy: entity.createdBy,
    version: entity.version,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  };
}
