import { Injectable } from '@nestjs/common';
import {
  Actor,
  AppError,
  assertValid,
  ChangeRecorder,
  Clock,
  FieldError,
  insertRows,
  isUuid,
  JsonObject,
  KeysetOrder,
  newId,
  Page,
  paginate,
  selectColumns,
  toPage,
  Transactions,
} from '@opsplane/core';
import { EntityManager } from 'typeorm';
import { AddTimelineEntryInput, ListTimelineArgs } from './dto/timeline.inputs';
import { TIMELINE_ENTRY_COLUMNS, TimelineEntryModel, toTimelineEntryModel } from './dto/timeline-entry.model';
import { IncidentEntity } from './incident.entity';
import { IncidentErrors } from './incident.errors';
import { IncidentReferences } from './incident-references.service';
import { futureProblems } from './incident-rules';
import { TimelineActor, TimelineEntryKind } from './timeline';
import { TimelineEntryEntity } from './timeline-entry.entity';

/** What a caller says about a new entry; the rest (id, createdAt, pins) is filled in here. */
export interface NewTimelineEntry {
  kind: TimelineEntryKind;
  occurredAt: Date;
  body?: string | null;
  fromStatus?: string | null;
  toStatus?: string | null;
  fromSeverity?: string | null;
  toSeverity?: string | null;
  deploymentId?: string | null;
  data?: JsonObject;
  pinned?: boolean;
}

/** An API key or Opsplane itself, as a timeline author. */
export function timelineActorOf(actor: Actor): TimelineActor {
  return { kind: actor.kind, id: actor.id, name: actor.name };
}

/** How many entries `incident { timeline }` returns per incident; the paged query has them all. */
export const TIMELINE_FIELD_LIMIT = 500;

/**
 * The incident timeline: entries ordered by when they happened (`occurredAt`, then id), never
 * edited, pinned and unpinned. Status and severity changes are appended by IncidentsService in
 * the transaction that makes them.
 */
@Injectable()
export class TimelineService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly references: IncidentReferences,
    private readonly clock: Clock,
  ) {}

  /** Writes entries inside the caller's transaction. */
  async append(
    manager: EntityManager,
    incidentId: string,
    actor: TimelineActor,
    entries: NewTimelineEntry[],
  ): Promise<TimelineEntryModel[]> {
    if (entries.length === 0) return [];
    const now = this.clock.now();
    const rows: TimelineEntryEntity[] = entries.map((entry) => ({
      id: newId(),
      incidentId,
      kind: entry.kind,
      occurredAt: entry.occurredAt,
      createdAt: now,
      actorKind: actor.kind,
      actorId: actor.id,
      actorName: actor.name,
      body: entry.body ?? null,
      fromStatus: entry.fromStatus ?? null,
      toStatus: entry.toStatus ?? null,
      fromSeverity: entry.fromSeverity ?? null,
      toSeverity: entry.toSeverity ?? null,
      deploymentId: entry.deploymentId ?? null,
      data: entry.data ?? {},
      pinnedAt: entry.pinned ? now : null,
      pinnedBy: entry.pinned ? actor.id : null,
    }));
    await insertRows(manager, TimelineEntryEntity, rows);
    return rows.map(toTimelineEntryModel);
  }

  /** An entry written through the API, recorded as `incident.timeline_entry_added`. */
  async add(actor: Actor, incidentId: string, input: AddTimelineEntryInput): Promise<TimelineEntryModel> {
    if (!isUuid(incidentId)) throw incidentNotFound(incidentId);
    const now = this.clock.now();
    const body = input.body?.trim() || null;
    const problems: FieldError[] = [...futureProblems(now, { occurredAt: input.occurredAt })];
    if ((input.kind === 'note' || input.kind === 'action') && !body)
      problems.push({ path: 'body', message: `is required for a ${input.kind}` });
    if (input.kind === 'deployment' && input.deploymentId == null)
      problems.push({ path: 'deploymentId', message: 'is required for a deployment entry' });
    if (input.kind !== 'deployment' && input.deploymentId != null)
      problems.push({ path: 'deploymentId', message: 'only goes with kind deployment' });
    assertValid(problems);
    if (input.deploymentId != null) await this.references.assertDeploymentExists(input.deploymentId);
    return this.transactions.run(async (manager) => {
      await this.assertIncidentExists(manager, incidentId);
      const [entry] = await this.append(manager, incidentId, timelineActorOf(actor), [
        {
          kind: input.kind,
          occurredAt: input.occurredAt ?? now,
          body,
          deploymentId: input.deploymentId ?? null,
          pinned: input.isPinned === true,
        },
      ]);
      await this.changes.record(manager, actor, {
        action: 'incident.timeline_entry_added',
        targetType: 'incident',
        targetId: incidentId,
        after: entry,
      });
      return entry;
    });
  }

  /** Oldest first by occurredAt (then id), so back-dated entries land where they happened. */
  async list(incidentId: string, args: ListTimelineArgs): Promise<Page<TimelineEntryModel>> {
    if (!isUuid(incidentId)) throw incidentNotFound(incidentId);
    await this.assertIncidentExists(this.transactions.manager(), incidentId);
    const query = this.select().where('entry.incidentId = :incidentId', { incidentId });
    if (args.kind) query.andWhere('entry.kind = :kind', { kind: args.kind });
    if (args.pinnedOnly) query.andWhere('entry.pinnedAt IS NOT NULL');
    const order: KeysetOrder = {
      sortColumn: 'entry.occurredAt',
      sortType: 'date',
      idColumn: 'entry.id',
      scope: { incidentId },
    };
    const rows = await paginate(query, args, order).getRawMany<TimelineEntryEntity>();
    return toPage(rows, args, order, (row) => ({ sort: row.occurredAt, id: row.id }), toTimelineEntryModel);
  }

  /**
   * The first TIMELINE_FIELD_LIMIT entries of each incident, in the order of `incidentIds`; one
   * query for any number of incidents (the GraphQL DataLoader behind `incident { timeline }`).
   */
  async entriesOfMany(incidentIds: readonly string[]): Promise<TimelineEntryModel[][]> {
    const valid = incidentIds.filter(isUuid);
    const byIncident = new Map(incidentIds.map((id) => [id, [] as TimelineEntryModel[]]));
    if (valid.length > 0) {
      const columns = TIMELINE_ENTRY_COLUMNS.map((column) => `${snakeCase(column)} AS "${column}"`).join(
        ', ',
      );
      const rows = await this.transactions.manager().query<TimelineEntryEntity[]>(
        `SELECT * FROM (
           SELECT ${columns},
                  row_number() OVER (PARTITION BY incident_id ORDER BY occurred_at, id) AS position
             FROM incident_timeline_entries
            WHERE incident_id = ANY($1::uuid[])
         ) ranked
         WHERE position <= $2
         ORDER BY "incidentId", "occurredAt", id`,
        [valid, TIMELINE_FIELD_LIMIT],
      );
      for (const row of rows) byIncident.get(row.incidentId)?.push(toTimelineEntryModel(row));
    }
    return incidentIds.map((id) => byIncident.get(id)!);
  }

  async pin(actor: Actor, incidentId: string, entryId: string): Promise<TimelineEntryModel> {
    return this.setPinned(actor, incidentId, entryId, true);
  }

  async unpin(actor: Actor, incidentId: string, entryId: string): Promise<TimelineEntryModel> {
    return this.setPinned(actor, incidentId, entryId, false);
  }

  /** Pinning a pinned entry (or unpinning an unpinned one) changes and records nothing. */
  private async setPinned(
    actor: Actor,
    incidentId: string,
    entryId: string,
    pinned: boolean,
  ): Promise<TimelineEntryModel> {
    if (!isUuid(incidentId) || !isUuid(entryId)) throw entryNotFound(incidentId, entryId);
    return this.transactions.run(async (manager) => {
      const entry = await manager
        .getRepository(TimelineEntryEntity)
        .createQueryBuilder('entry')
        .setLock('pessimistic_write')
        .where('entry.id = :entryId AND entry.incidentId = :incidentId', { entryId, incidentId })
        .getOne();
      if (!entry) throw entryNotFound(incidentId, entryId);
      if ((entry.pinnedAt !== null) === pinned) return toTimelineEntryModel(entry);
      const before = toTimelineEntryModel(entry);
      const changes = pinned
        ? { pinnedAt: this.clock.now(), pinnedBy: actor.id }
        : { pinnedAt: null, pinnedBy: null };
      await manager.update(TimelineEntryEntity, { id: entryId }, changes);
      const after = toTimelineEntryModel({ ...entry, ...changes });
      await this.changes.record(manager, actor, {
        action: pinned ? 'incident.timeline_entry_pinned' : 'incident.timeline_entry_unpinned',
        targetType: 'incident',
        targetId: incidentId,
        before,
        after,
      });
      return after;
    });
  }

  private async assertIncidentExists(manager: EntityManager, incidentId: string): Promise<void> {
    if (!(await manager.existsBy(IncidentEntity, { id: incidentId }))) throw incidentNotFound(incidentId);
  }

  private select() {
    return selectColumns(this.transactions.manager(), TimelineEntryEntity, 'entry', TIMELINE_ENTRY_COLUMNS);
  }
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function incidentNotFound(id: string): AppError {
  return new AppError(IncidentErrors.incidentNotFound, `No incident with id "${id}".`);
}

function entryNotFound(incidentId: string, entryId: string): AppError {
  return new AppError(
    IncidentErrors.timelineEntryNotFound,
    `Incident "${incidentId}" has no timeline entry with id "${entryId}".`,
  );
}
