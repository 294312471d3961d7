import { Injectable } from '@nestjs/common';
import {
  Actor,
  AppError,
  assertTransition,
  assertValid,
  ChangeRecorder,
  Clock,
  FieldError,
  findManyByIds,
  isUniqueViolation,
  isUuid,
  newId,
  Transactions,
  VersionedResource,
} from '@opsplane/core';
import { In } from 'typeorm';
import {
  ActionItemInput,
  ChangePostmortemStatusInput,
  CreatePostmortemInput,
  PostmortemModel,
  toPostmortemModel,
  UpdatePostmortemInput,
} from './dto/postmortem.dto';
import { IncidentEntity } from './incident.entity';
import { IncidentErrors } from './incident.errors';
import { PostmortemStatus, POSTMORTEM_MACHINE } from './postmortem-status';
import { ActionItem, PostmortemEntity } from './postmortem.entity';

/** The event of each postmortem status: `postmortem.<verb>`. */
const VERB_OF: Record<PostmortemStatus, string> = {
  draft: 'returned_to_draft',
  in_review: 'submitted_for_review',
  published: 'published',
};

const NARRATIVE = ['summary', 'rootCause', 'impact'] as const;

/**
 * One postmortem per incident, addressed by the incident's id. Written in draft, reviewed, then
 * published; once published its narrative is frozen (it is what people read and link to) while
 * its action items stay editable, because tracking them to done is the point.
 */
@Injectable()
export class PostmortemsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, incidentId: string, input: CreatePostmortemInput): Promise<PostmortemModel> {
    if (!isUuid(incidentId)) throw incidentNotFound(incidentId);
    const actionItems = actionItemsOf(input.actionItems ?? []);
    const now = this.clock.now();
    const entity: PostmortemEntity = {
      id: newId(),
      incidentId,
      status: 'draft',
      summary: text(input.summary),
      rootCause: text(input.rootCause),
      impact: text(input.impact),
      actionItems,
      publishedAt: null,
      createdBy: actor.id,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    try {
      return await this.transactions.run(async (manager) => {
        if (!(await manager.existsBy(IncidentEntity, { id: incidentId }))) throw incidentNotFound(incidentId);
        // Read first so the answer names the existing one; the unique key settles races.
        const existing = await manager.findOneBy(PostmortemEntity, { incidentId });
        if (existing) throw exists(incidentId);
        await manager.insert(PostmortemEntity, entity);
        const created = toPostmortemModel(entity);
        await this.changes.record(manager, actor, {
          action: 'postmortem.created',
          targetType: 'postmortem',
          targetId: entity.id,
          after: created,
        });
        return created;
      });
    } catch (error) {
      if (!isUniqueViolation(error, 'incident_postmortems_incident_key')) throw error;
      throw exists(incidentId);
    }
  }

  async get(incidentId: string): Promise<PostmortemModel> {
    const [found] = await this.findMany([incidentId]);
    if (!found)
      throw new AppError(IncidentErrors.postmortemNotFound, `Incident "${incidentId}" has no postmortem.`);
    return found;
  }

  /** The postmortems of these incidents, in that order, null where there is none (DataLoader). */
  async findMany(incidentIds: readonly string[]): Promise<(PostmortemModel | null)[]> {
    return findManyByIds(
      incidentIds,
      async (valid) =>
        (await this.transactions.manager().findBy(PostmortemEntity, { incidentId: In(valid) })).map(
          toPostmortemModel,
        ),
      (postmortem) => postmortem.incidentId,
    );
  }

  async update(
    actor: Actor,
    incidentId: string,
    input: UpdatePostmortemInput,
    expectedVersion?: number,
  ): Promise<PostmortemModel> {
    const actionItems = input.actionItems == null ? undefined : actionItemsOf(input.actionItems);
    return this.edit(actor, incidentId, expectedVersion, 'updated', (entity) => {
      const narrative = Object.fromEntries(
        NARRATIVE.filter((field) => input[field] !== undefined).map((field) => [field, text(input[field])]),
      );
      const changesNarrative = Object.entries(narrative).some(
        ([field, value]) => entity[field as (typeof NARRATIVE)[number]] !== value,
      );
      if (entity.status === 'published' && changesNarrative)
        throw new AppError(
          IncidentErrors.postmortemPublished,
          'The postmortem is published: its summary, root cause and impact no longer change. Action items still do.',
          {
            errors: Object.keys(narrative).map((path) => ({ path, message: 'frozen once published' })),
          },
        );
      return { ...entity, ...narrative, ...(actionItems ? { actionItems } : {}) };
    });
  }

  /**
   * draft → in_review → published, in_review → draft; anything else is 409 listing the allowed
   * moves. Review and publication need summary, root cause and impact (409 `postmortem.incomplete`).
   */
  async changeStatus(
    actor: Actor,
    incidentId: string,
    input: ChangePostmortemStatusInput,
    expectedVersion?: number,
  ): Promise<PostmortemModel> {
    return this.edit(actor, incidentId, expectedVersion, VERB_OF[input.status], (entity) => {
      assertTransition(POSTMORTEM_MACHINE, entity, input.status);
      if (input.status !== 'draft') {
        const missing = NARRATIVE.filter((field) => !entity[field]);
        if (missing.length > 0)
          throw new AppError(
            IncidentErrors.postmortemIncomplete,
            `Write ${missing.join(', ')} before ${input.status === 'published' ? 'publishing' : 'review'}.`,
            { errors: missing.map((path) => ({ path, message: 'is required' })) },
          );
      }
      return {
        ...entity,
        status: input.status,
        publishedAt: input.status === 'published' ? this.clock.now() : entity.publishedAt,
      };
    });
  }

  /** The one edit path: lock, version check (412), change, save, record `postmortem.<verb>`. */
  private edit(
    actor: Actor,
    incidentId: string,
    expectedVersion: number | undefined,
    verb: string,
    apply: (entity: PostmortemEntity) => PostmortemEntity,
  ): Promise<PostmortemModel> {
    if (!isUuid(incidentId)) throw postmortemNotFound(incidentId);
    return this.transactions.run(async (manager) => {
      const found = await manager.findOne(PostmortemEntity, { select: { id: true }, where: { incidentId } });
      if (!found) throw postmortemNotFound(incidentId);
      return this.changes.edit(
        manager,
        actor,
        POSTMORTEM,
        { id: found.id, expectedVersion, verb },
        (entity) => ({
          ...apply(entity),
          updatedAt: this.clock.now(),
        }),
      );
    });
  }
}

const POSTMORTEM: VersionedResource<PostmortemEntity, PostmortemModel> = {
  entity: PostmortemEntity,
  type: 'postmortem',
  toModel: toPostmortemModel,
  notFound: (id) => new AppError(IncidentErrors.postmortemNotFound, `No postmortem with id "${id}".`),
};

/** Trimmed; blank is null. */
function text(value: string | null | undefined): string | null {
  return value?.trim() || null;
}

/** Blank titles and impossible calendar dates (2026-02-30) are refused with their paths. */
function actionItemsOf(items: ActionItemInput[]): ActionItem[] {
  const problems: FieldError[] = [];
  const cleaned = items.map((item, index) => {
    const title = item.title.trim();
    if (!title) problems.push({ path: `actionItems.${index}.title`, message: 'must not be blank' });
    if (item.dueDate && !isCalendarDate(item.dueDate))
      problems.push({ path: `actionItems.${index}.dueDate`, message: 'is not a calendar date' });
    return { title, owner: text(item.owner), dueDate: item.dueDate ?? null, done: item.done === true };
  });
  assertValid(problems);
  return cleaned;
}

function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function incidentNotFound(id: string): AppError {
  return new AppError(IncidentErrors.incidentNotFound, `No incident with id "${id}".`);
}

function postmortemNotFound(incidentId: string): AppError {
  return new AppError(IncidentErrors.postmortemNotFound, `Incident "${incidentId}" has no postmortem.`);
}

function exists(incidentId: string): AppError {
  return new AppError(
    IncidentErrors.postmortemExists,
    `Incident "${incidentId}" already has a postmortem; change it with PATCH.`,
  );
}
