import { Injectable } from '@nestjs/common';
import {
  Actor,
  AppError,
  assertTransition,
  assertValid,
  ChangeRecorder,
  Clock,
  definedOnly,
  FieldError,
  findManyByIds,
  isUuid,
  JsonObject,
  KeysetOrder,
  loadForUpdate,
  newId,
  Page,
  paginate,
  selectColumns,
  systemActor,
  toPage,
  Transactions,
} from '@opsplane/core';
import { EntityManager } from 'typeorm';
import {
  ChangeIncidentStatusInput,
  DeclareIncidentInput,
  ListIncidentsArgs,
  UpdateIncidentInput,
} from './dto/incident.inputs';
import { INCIDENT_COLUMNS, IncidentModel, toIncidentModel } from './dto/incident.model';
import {
  IncidentSeverity,
  IncidentStatus,
  INCIDENT_MACHINE,
  INCIDENT_STATUSES,
  isAtLeastAsSevere,
  isOpen,
  isReopen,
  stampsAfter,
} from './incident-status';
import { IncidentEntity } from './incident.entity';
import { IncidentErrors } from './incident.errors';
import { IncidentsConfig } from './incidents.config';
import { PostmortemEntity } from './postmortem.entity';
import { IncidentReferences } from './incident-references.service';
import { cleanNames, differences, futureProblems, rangeProblems, timeProblems } from './incident-rules';
import { TimelineActor } from './timeline';
import { timelineActorOf, TimelineService } from './timeline.service';

/** Who an alert integration is, for the ingestion seam below. */
export interface AlertSource {
  integrationId: string;
  name: string;
  /** The request that delivered the alert, for the audit log. */
  requestId: string;
}

/** A firing alert as the ingestion seam takes it. */
export interface FiringAlert {
  /**
   * The incident the caller's alert group already belongs to, if any. Joined when it is still
   * open; when it was resolved or closed meanwhile a new incident is opened instead.
   */
  incidentId?: string | null;
  title: string;
  summary?: string | null;
  severity: IncidentSeverity;
  /** Already-resolved catalog ids (ingestion maps labels to services and environments). */
  serviceIds?: string[];
  environmentIds?: string[];
  /** When the alert started firing; becomes detectedAt of an incident it opens. */
  firedAt: Date;
  /** Body of the alert_fired timeline entry, e.g. the alert's summary annotation. */
  body?: string | null;
  /** Labels, fingerprint, links … kept on the timeline entry. */
  data?: JsonObject;
}

/** A timeline entry written by an integration. */
export interface IntegrationEntry {
  kind: 'alert_fired' | 'alert_resolved' | 'note';
  occurredAt: Date;
  body?: string | null;
  data?: JsonObject;
}

type Changes = Partial<
  Pick<
    IncidentEntity,
    | 'title'
    | 'summary'
    | 'severity'
    | 'serviceIds'
    | 'environmentIds'
    | 'commander'
    | 'responders'
    | 'impactStartedAt'
    | 'detectedAt'
  >
>;

/**
 * Incidents: declared by people (or opened from alerts), moved along the status machine in
 * incident-status.ts, each change stamped, written to the timeline and recorded (audit + outbox)
 * in one transaction.
 */
@Injectable()
export class IncidentsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly timeline: TimelineService,
    private readonly references: IncidentReferences,
    private readonly config: IncidentsConfig,
    private readonly clock: Clock,
  ) {}

  /** A new incident, `triggered` now; recorded as `incident.triggered`. */
  async declare(actor: Actor, input: DeclareIncidentInput): Promise<IncidentModel> {
    const now = this.clock.now();
    const title = input.title.trim();
    const problems: FieldError[] = [
      ...(title ? [] : [{ path: 'title', message: 'must not be blank' }]),
      ...timeProblems(now, input.impactStartedAt ?? null, input.detectedAt ?? null, input),
    ];
    assertValid(problems);
    const [serviceIds, environmentIds] = await this.references.resolveCatalog(
      input.services,
      input.environments,
    );
    return this.transactions.run((manager) =>
      this.open(manager, actor, timelineActorOf(actor), {
        title,
        summary: input.summary?.trim() || null,
        severity: input.severity,
        serviceIds: serviceIds ?? [],
        environmentIds: environmentIds ?? [],
        commander: input.commander?.trim() || null,
        responders: cleanNames(input.responders ?? []),
        impactStartedAt: input.impactStartedAt ?? null,
        detectedAt: input.detectedAt ?? null,
      }),
    );
  }

  async get(id: string): Promise<IncidentModel> {
    const [found] = await this.findMany([id]);
    if (!found) throw notFound(id);
    return found;
  }

  /** Incidents by id, in the order asked, null where there is none (for DataLoaders). */
  async findMany(ids: readonly string[]): Promise<(IncidentModel | null)[]> {
    return findManyByIds(ids, async (valid) => {
      const rows = await this.select()
        .where('incident.id IN (:...ids)', { ids: valid })
        .getRawMany<IncidentModel>();
      return rows.map(toIncidentModel);
    });
  }

  /** Newest first (ids are UUIDv7, so declaration order). */
  async list(args: ListIncidentsArgs): Promise<Page<IncidentModel>> {
    assertValid(rangeProblems(args.from, args.to));
    const query = this.select();
    if (args.status) query.andWhere('incident.status = :status', { status: args.status });
    if (args.severity) query.andWhere('incident.severity = :severity', { severity: args.severity });
    // `@>` rather than `= ANY(...)`: only containment can use the GIN index.
    if (args.serviceId)
      query.andWhere('incident.serviceIds @> ARRAY[:serviceId]::uuid[]', { serviceId: args.serviceId });
    if (args.environmentId)
      query.andWhere('incident.environmentIds @> ARRAY[:environmentId]::uuid[]', {
        environmentId: args.environmentId,
      });
    if (args.from) query.andWhere('incident.triggeredAt >= :from', { from: args.from });
    if (args.to) query.andWhere('incident.triggeredAt < :to', { to: args.to });
    const order: KeysetOrder = { idColumn: 'incident.id', direction: 'DESC' };
    const rows = await paginate(query, args, order).getRawMany<IncidentModel>();
    return toPage(rows, args, order, (row) => ({ id: row.id }), toIncidentModel);
  }

  /**
   * Changes what was sent. A severity change writes a severity_change timeline entry and
   * `incident.severity_changed`; any other change `incident.updated`. Sending only what is already
   * stored changes (and records) nothing.
   */
  async update(
    actor: Actor,
    id: string,
    input: UpdateIncidentInput,
    expectedVersion?: number,
  ): Promise<IncidentModel> {
    if (!isUuid(id)) throw notFound(id);
    const now = this.clock.now();
    const title = input.title?.trim();
    assertValid([
      ...(title === '' ? [{ path: 'title', message: 'must not be blank' }] : []),
      ...futureProblems(now, { impactStartedAt: input.impactStartedAt, detectedAt: input.detectedAt }),
    ]);
    const [serviceIds, environmentIds] = await this.references.resolveCatalog(
      input.services,
      input.environments,
    );
    const wanted: Changes = definedOnly({
      title,
      summary: input.summary === undefined ? undefined : input.summary?.trim() || null,
      severity: input.severity,
      serviceIds,
      environmentIds,
      commander: input.commander === undefined ? undefined : input.commander?.trim() || null,
      responders: input.responders == null ? undefined : cleanNames(input.responders),
      impactStartedAt: input.impactStartedAt,
      detectedAt: input.detectedAt,
    });
    return this.transactions.run(async (manager) => {
      const entity = await loadForUpdate(manager, IncidentEntity, id, expectedVersion, () => notFound(id));
      const changes = differences(entity, wanted);
      const merged = { ...entity, ...changes };
      assertValid(timeProblems(now, merged.impactStartedAt, merged.detectedAt, changes));
      if (Object.keys(changes).length === 0) return toIncidentModel(entity);
      const before = toIncidentModel(entity);
      await manager.update(IncidentEntity, { id }, { ...changes, updatedAt: now });
      const after = toIncidentModel({ ...merged, updatedAt: now, version: entity.version + 1 });
      const { severity, ...others } = changes;
      if (severity !== undefined) {
        await this.timeline.append(manager, id, timelineActorOf(actor), [
          { kind: 'severity_change', occurredAt: now, fromSeverity: entity.severity, toSeverity: severity },
        ]);
        await this.changes.record(manager, actor, {
          action: 'incident.severity_changed',
          targetType: 'incident',
          targetId: id,
          before,
          after,
        });
      }
      if (Object.keys(others).length > 0)
        await this.changes.record(manager, actor, {
          action: 'incident.updated',
          targetType: 'incident',
          targetId: id,
          before,
          after,
        });
      return after;
    });
  }

  /**
   * Moves the incident along the state machine: 409 `incident.illegal_transition` listing the
   * allowed moves otherwise; closing needs a published postmortem for severe incidents (409
   * `incident.postmortem_required`, see IncidentsConfig). Stamps, a status_change timeline entry
   * and the event (`incident.<status>`, or `incident.reopened` for a move back) happen together.
   */
  async changeStatus(
    actor: Actor,
    id: string,
    input: ChangeIncidentStatusInput,
    expectedVersion?: number,
  ): Promise<IncidentModel> {
    if (!isUuid(id)) throw notFound(id);
    return this.transactions.run(async (manager) => {
      const entity = await loadForUpdate(manager, IncidentEntity, id, expectedVersion, () => notFound(id));
      assertTransition(INCIDENT_MACHINE, entity, input.status);
      if (input.status === 'closed') await this.assertPostmortemGate(manager, entity);
      return this.move(
        manager,
        actor,
        timelineActorOf(actor),
        entity,
        input.status,
        input.reason?.trim() || null,
      );
    });
  }

  /**
   * Marks the deployment that caused the incident (null clears it): a deployment timeline entry
   * and `incident.cause_set` / `incident.cause_cleared`. Later feeds change failure rate.
   */
  async setCause(
    actor: Actor,
    id: string,
    deploymentId: string | null,
    expectedVersion?: number,
  ): Promise<IncidentModel> {
    if (!isUuid(id)) throw notFound(id);
    if (deploymentId !== null) await this.references.assertDeploymentExists(deploymentId);
    return this.transactions.run(async (manager) => {
      const entity = await loadForUpdate(manager, IncidentEntity, id, expectedVersion, () => notFound(id));
      if (entity.causedByDeploymentId === deploymentId) return toIncidentModel(entity);
      const now = this.clock.now();
      const before = toIncidentModel(entity);
      await manager.update(IncidentEntity, { id }, { causedByDeploymentId: deploymentId, updatedAt: now });
      const after = toIncidentModel({
        ...entity,
        causedByDeploymentId: deploymentId,
        updatedAt: now,
        version: entity.version + 1,
      });
      await this.timeline.append(manager, id, timelineActorOf(actor), [
        {
          kind: 'deployment',
          occurredAt: now,
          deploymentId: deploymentId ?? entity.causedByDeploymentId,
          body: deploymentId ? 'Marked as the cause of this incident' : 'No longer marked as the cause',
          data: { cause: deploymentId !== null },
        },
      ]);
      await this.changes.record(manager, actor, {
        action: deploymentId ? 'incident.cause_set' : 'incident.cause_cleared',
        targetType: 'incident',
        targetId: id,
        before,
        after,
      });
      return after;
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Alert ingestion seam.
  //
  // Alert ingestion (integrations; built separately) stores its alerts and, in the same
  // transaction, drives incidents through these three methods. Each takes the caller's
  // EntityManager and writes only through it, so the alert rows, the incident change, its timeline
  // entries and its audit/outbox events commit or roll back together. Open that transaction with
  // `Transactions.run` (as every service does): the catalog reads made here join it through
  // `Transactions.manager()` instead of taking a second pooled connection.
  //
  // Timeline entries carry the integration as actor (kind `integration`, its id and name); audit
  // and outbox events name it as `integration:<id>` (a system actor: integrations hold no API key).
  // Status moves made on the alerts' behalf are by Opsplane itself (kind `system`).
  // Alert ingestion in ./alerts is the first user.
  // ---------------------------------------------------------------------------------------------

  /**
   * Joins the open incident `alert.incidentId` (an alert_fired entry) or, when there is none or it
   * is no longer open, opens a new one from the alert (`incident.triggered`, detectedAt = firedAt).
   * Severity and status of a joined incident are left to its responders.
   */
  async openOrJoinFromAlert(
    manager: EntityManager,
    source: AlertSource,
    alert: FiringAlert,
  ): Promise<{ incident: IncidentModel; isNew: boolean }> {
    const actor = integrationActorOf(source);
    const entry = {
      kind: 'alert_fired' as const,
      occurredAt: alert.firedAt,
      body: alert.body ?? alert.title,
      data: alert.data ?? {},
    };
    if (alert.incidentId && isUuid(alert.incidentId)) {
      const joined = await manager
        .getRepository(IncidentEntity)
        .createQueryBuilder('incident')
        .setLock('pessimistic_write')
        .where('incident.id = :id', { id: alert.incidentId })
        .getOne();
      if (joined && isOpen(joined.status)) {
        await this.timeline.append(manager, joined.id, actor.timeline, [entry]);
        return { incident: toIncidentModel(joined), isNew: false };
      }
    }
    const [serviceIds, environmentIds] = await this.references.resolveCatalog(
      alert.serviceIds,
      alert.environmentIds,
    );
    const incident = await this.open(manager, actor.audit, actor.timeline, {
      title: alert.title.trim() || 'Alert',
      summary: alert.summary?.trim() || null,
      severity: alert.severity,
      serviceIds: serviceIds ?? [],
      environmentIds: environmentIds ?? [],
      commander: null,
      responders: [],
      impactStartedAt: null,
      detectedAt: alert.firedAt,
    });
    await this.timeline.append(manager, incident.id, actor.timeline, [entry]);
    return { incident, isNew: true };
  }

  /** Timeline entries written by the integration (e.g. alert_resolved), nothing else changes. */
  async addIntegrationEntries(
    manager: EntityManager,
    source: AlertSource,
    incidentId: string,
    entries: IntegrationEntry[],
  ): Promise<void> {
    if (!isUuid(incidentId) || !(await manager.existsBy(IncidentEntity, { id: incidentId })))
      throw notFound(incidentId);
    await this.timeline.append(manager, incidentId, integrationActorOf(source).timeline, entries);
  }

  /**
   * Moves the incident forward to `acknowledged` (the monitoring tool says someone is on it),
   * `mitigated` or `resolved` (every alert of it resolved) as Opsplane itself. Idempotent, because
   * alert deliveries repeat: an incident already there or past it (say resolved or closed by a
   * human) is returned unchanged. A reopened incident is open again and moves.
   */
  async advanceAsSystem(
    manager: EntityManager,
    incidentId: string,
    to: 'acknowledged' | 'mitigated' | 'resolved',
    reason: string,
    requestId: string,
  ): Promise<IncidentModel> {
    if (!isUuid(incidentId)) throw notFound(incidentId);
    const entity = await loadForUpdate(manager, IncidentEntity, incidentId, undefined, () =>
      notFound(incidentId),
    );
    const reached = INCIDENT_STATUSES.indexOf(entity.status) >= INCIDENT_STATUSES.indexOf(to);
    if (reached) return toIncidentModel(entity);
    const actor = systemActor('Alert ingestion', requestId, 'system:alerts');
    return this.move(manager, actor, timelineActorOf(actor), entity, to, reason);
  }

  // ---------------------------------------------------------------------------------------------

  /** Inserts a new triggered incident with its first timeline entry and `incident.triggered`. */
  private async open(
    manager: EntityManager,
    actor: Actor,
    author: TimelineActor,
    fields: Required<Changes> & { title: string; severity: IncidentSeverity },
  ): Promise<IncidentModel> {
    const now = this.clock.now();
    const entity: IncidentEntity = {
      id: newId(),
      ...fields,
      status: 'triggered',
      triggeredAt: now,
      acknowledgedAt: null,
      mitigatedAt: null,
      resolvedAt: null,
      closedAt: null,
      reopenedAt: null,
      reopenCount: 0,
      causedByDeploymentId: null,
      declaredBy: actor.id,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await manager.insert(IncidentEntity, entity);
    await this.timeline.append(manager, entity.id, author, [
      { kind: 'status_change', occurredAt: now, fromStatus: null, toStatus: 'triggered', body: 'Declared' },
    ]);
    const created = toIncidentModel(entity);
    await this.changes.record(manager, actor, {
      action: 'incident.triggered',
      targetType: 'incident',
      targetId: entity.id,
      after: created,
    });
    return created;
  }

  /** The allowed move `entity.status → to`, on a row the caller has locked. */
  private async move(
    manager: EntityManager,
    actor: Actor,
    author: TimelineActor,
    entity: IncidentEntity,
    to: IncidentStatus,
    reason: string | null,
  ): Promise<IncidentModel> {
    const now = this.clock.now();
    const from = entity.status;
    const changes = { ...stampsAfter(entity, from, to, now), status: to, updatedAt: now };
    await manager.update(IncidentEntity, { id: entity.id }, changes);
    const before = toIncidentModel(entity);
    const after = toIncidentModel({ ...entity, ...changes, version: entity.version + 1 });
    await this.timeline.append(manager, entity.id, author, [
      { kind: 'status_change', occurredAt: now, fromStatus: from, toStatus: to, body: reason },
    ]);
    await this.changes.record(manager, actor, {
      action: isReopen(from, to) ? 'incident.reopened' : `incident.${to}`,
      targetType: 'incident',
      targetId: entity.id,
      before,
      after,
      reason,
    });
    return after;
  }

  private async assertPostmortemGate(manager: EntityManager, incident: IncidentEntity): Promise<void> {
    const required = this.config.postmortemRequiredSeverity;
    if (required === null || !isAtLeastAsSevere(incident.severity, required)) return;
    const postmortem = await manager.findOne(PostmortemEntity, {
      select: { status: true },
      where: { incidentId: incident.id },
    });
    if (postmortem?.status === 'published') return;
    throw new AppError(
      IncidentErrors.postmortemRequired,
      `A ${incident.severity} incident closes only with a published postmortem (required for ${required} and ` +
        `worse); ${postmortem ? `its postmortem is ${postmortem.status}` : 'it has none'}.`,
      { errors: [{ path: 'status', message: 'publish the postmortem first' }] },
    );
  }

  private select() {
    return selectColumns(this.transactions.manager(), IncidentEntity, 'incident', INCIDENT_COLUMNS);
  }
}

function integrationActorOf(source: AlertSource): { audit: Actor; timeline: TimelineActor } {
  return {
    audit: systemActor(source.name, source.requestId, `integration:${source.integrationId}`),
    timeline: { kind: 'integration', id: source.integrationId, name: source.name },
  };
}

function notFound(id: string): AppError {
  return new AppError(IncidentErrors.incidentNotFound, `No incident with id "${id}".`);
}
