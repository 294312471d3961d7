import { Injectable } from '@nestjs/common';
import {
  Actor,
  AppError,
  assertTransition,
  assertValid,
  ChangeRecorder,
  Clock,
  findManyByIds,
  isUuid,
  KeysetOrder,
  loadForUpdate,
  Page,
  paginate,
  putSetting,
  selectColumns,
  toPage,
  Transactions,
} from '@opsplane/core';
import { EntityManager } from 'typeorm';
import { ChangeFindingStatusInput, FindingFilterArgs, ListFindingsArgs } from './dto/finding.inputs';
import {
  FINDING_COLUMNS,
  FindingModel,
  FindingRow,
  toFindingModel,
  toFindingRecord,
} from './dto/finding.model';
import { FindingSummaryModel } from './dto/finding-summary.model';
import { FindingSlaPolicyModel, UpdateFindingSlaPolicyInput } from './dto/sla-policy.dto';
import { FindingEntity, FindingSlaPolicyEntity } from './finding.entity';
import { FindingErrors } from './finding.errors';
import { FINDING_MACHINE, FINDING_SEVERITIES, statusAction, UNRESOLVED_STATUSES } from './finding-status';
import { statusChangeProblems } from './finding-rules';
import { changeStatus } from './finding-transitions';
import { FindingsConfig } from './findings.config';
import { GLOBAL_POLICY, SLA_POLICY, SlaDays, toSlaPolicyModel } from './sla-policy';

const LIST_COLUMNS = [...FINDING_COLUMNS, 'severityRank'];
const UNRESOLVED_SQL = `(${UNRESOLVED_STATUSES.map((status) => `'${status}'`).join(', ')})`;

/**
 * Findings as people read and triage them. Scans report them through FindingReports; the sweep
 * (FindingsSweep) expires acceptances and records SLA breaches. Every status change goes through
 * `changeStatus` (finding-transitions.ts) and is recorded with its actor and reason.
 */
@Injectable()
export class FindingsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly clock: Clock,
    private readonly config: FindingsConfig,
  ) {}

  async get(id: string): Promise<FindingModel> {
    const [found] = await this.findMany([id]);
    if (!found) throw notFound(id);
    return found;
  }

  /** Findings by id, in the order asked, null where there is none (for DataLoaders). */
  async findMany(ids: readonly string[]): Promise<(FindingModel | null)[]> {
    const now = this.clock.now();
    return findManyByIds(ids, async (valid) => {
      const rows = await this.select()
        .where('finding.id IN (:...ids)', { ids: valid })
        .getRawMany<FindingRow>();
      return rows.map((row) => toFindingModel(row, now));
    });
  }

  /** Worst first by default (critical first, oldest first within a severity), or newest first. */
  async list(args: ListFindingsArgs): Promise<Page<FindingModel>> {
    const now = this.clock.now();
    // The rank is not a model field: it comes along for the cursor.
    const query = selectColumns(this.transactions.manager(), FindingEntity, 'finding', LIST_COLUMNS);
    filter(query, args);
    if (args.severity) query.andWhere('finding.severity = :severity', { severity: args.severity });
    if (args.status) query.andWhere('finding.status = :status', { status: args.status });
    if (args.unresolved !== undefined)
      query.andWhere(`finding.status ${args.unresolved ? '' : 'NOT '}IN ${UNRESOLVED_SQL}`);
    if (args.overdue !== undefined)
      query.andWhere(
        args.overdue
          ? `finding.status IN ${UNRESOLVED_SQL} AND finding.slaDueAt <= :now`
          : `(finding.status NOT IN ${UNRESOLVED_SQL} OR finding.slaDueAt IS NULL OR finding.slaDueAt > :now)`,
        { now },
      );
    const worstFirst = (args.order ?? 'worst_first') === 'worst_first';
    const order: KeysetOrder = worstFirst
      ? { sortColumn: 'finding.severityRank', sortType: 'int', idColumn: 'finding.id' }
      : { idColumn: 'finding.id', direction: 'DESC' };
    const rows = await paginate(query, args, order).getRawMany<FindingRow & { severityRank: number }>();
    return toPage(
      rows,
      args,
      order,
      (row) => (worstFirst ? { sort: row.severityRank, id: row.id } : { id: row.id }),
      (row) => toFindingModel(row, now),
    );
  }

  /** Counts per subject (in subject order), under the same filters as the list. */
  async summaries(args: FindingFilterArgs): Promise<Page<FindingSummaryModel>> {
    const now = this.clock.now();
    const severityCounts = FINDING_SEVERITIES.map(
      (severity) =>
        `count(*) FILTER (WHERE finding.status IN ${UNRESOLVED_SQL} AND finding.severity = '${severity}') AS "${severity}"`,
    );
    const query = this.transactions
      .manager()
      .getRepository(FindingEntity)
      .createQueryBuilder('finding')
      .select('finding.subjectType', 'subjectType')
      .addSelect('finding.subjectId', 'subjectId')
      .addSelect(severityCounts.join(', '))
      .addSelect(
        ['open', 'triaged', 'resolved', 'accepted', 'false_positive']
          .map((status) => `count(*) FILTER (WHERE finding.status = '${status}') AS "status_${status}"`)
          .join(', '),
      )
      .addSelect(
        `count(*) FILTER (WHERE finding.status IN ${UNRESOLVED_SQL} AND finding.slaDueAt <= :now)`,
        'overdue',
      )
      .addSelect('count(*)', 'total')
      .setParameter('now', now)
      .groupBy('finding.subjectType')
      .addGroupBy('finding.subjectId');
    filter(query, args);
    const order: KeysetOrder = {
      sortColumn: 'finding.subjectType',
      sortType: 'string',
      idColumn: 'finding.subjectId',
    };
    const rows = await paginate(query, args, order).getRawMany<Record<string, string>>();
    return toPage(
      rows,
      args,
      order,
      (row) => ({ sort: row.subjectType, id: row.subjectId }),
      (row): FindingSummaryModel => ({
        subjectType: row.subjectType as FindingSummaryModel['subjectType'],
        subjectId: row.subjectId,
        unresolved: {
          critical: Number(row.critical),
          high: Number(row.high),
          medium: Number(row.medium),
          low: Number(row.low),
          info: Number(row.info),
        },
        byStatus: {
          open: Number(row.status_open),
          triaged: Number(row.status_triaged),
          resolved: Number(row.status_resolved),
          accepted: Number(row.status_accepted),
          falsePositive: Number(row.status_false_positive),
        },
        overdue: Number(row.overdue),
        total: Number(row.total),
      }),
    );
  }

  /**
   * Moves a finding along FINDING_MACHINE (409 `finding.illegal_transition` listing the allowed
   * moves otherwise), recorded as `finding.<status>` (`finding.reopened` for a move back to open,
   * `finding.marked_false_positive`) with the caller and the reason.
   */
  async changeStatus(
    actor: Actor,
    id: string,
    input: ChangeFindingStatusInput,
    expectedVersion?: number,
  ): Promise<FindingModel> {
    if (!isUuid(id)) throw notFound(id);
    const now = this.clock.now();
    assertValid(statusChangeProblems(input, actor, now, this.config.maxAcceptanceDays));
    return this.transactions.run(async (manager) => {
      const entity = await loadForUpdate(manager, FindingEntity, id, expectedVersion, () => notFound(id));
      assertTransition(FINDING_MACHINE, entity, input.status);
      const policy = await this.policy(manager);
      const changed = changeStatus(
        entity,
        {
          to: input.status,
          by: actor.id,
          reason: input.reason?.trim() || null,
          justification: input.justification,
          acceptedBy: input.acceptedBy?.trim(),
          acceptedUntil: input.acceptedUntil,
        },
        now,
        policy,
      );
      await manager.save(FindingEntity, changed);
      const after = toFindingModel(changed, now);
      await this.changes.record(manager, actor, {
        action: statusAction(entity.status, input.status),
        targetType: 'finding',
        targetId: id,
        before: toFindingRecord(toFindingModel(entity, now)),
        after: toFindingRecord(after),
        reason: changed.statusReason,
      });
      return after;
    });
  }

  async slaPolicy(): Promise<FindingSlaPolicyModel> {
    const row = await this.transactions
      .manager()
      .findOneByOrFail(FindingSlaPolicyEntity, { scope: GLOBAL_POLICY });
    return toSlaPolicyModel(row);
  }

  /**
   * Replaces the policy (`finding_sla_policy.updated`) and, in the same transaction, moves the due
   * date of every finding still on the clock (open, triaged, accepted) to match: one statement, no
   * audit event per finding, since the policy's event says what changed and why.
   */
  async updateSlaPolicy(
    actor: Actor,
    input: UpdateFindingSlaPolicyInput,
    expectedVersion?: number,
  ): Promise<FindingSlaPolicyModel> {
    const days: SlaDays = {
      critical: input.critical,
      high: input.high,
      medium: input.medium,
      low: input.low,
      info: input.info,
    };
    return this.transactions.run(async (manager) => {
      const policy = await putSetting(
        manager,
        this.changes,
        actor,
        SLA_POLICY,
        GLOBAL_POLICY,
        days,
        expectedVersion,
      );
      await manager.query(
        `UPDATE findings f
            SET sla_due_at = f.opened_at + make_interval(days => (($1::jsonb) ->> f.severity)::int),
                sla_breached_at = CASE
                  WHEN f.opened_at + make_interval(days => (($1::jsonb) ->> f.severity)::int) <= $2
                  THEN f.sla_breached_at END
          WHERE f.status IN ('open', 'triaged', 'accepted')`,
        [JSON.stringify(days), this.clock.now()],
      );
      return policy;
    });
  }

  /** The SLA days in force, read in the caller's transaction. */
  async policy(manager: EntityManager): Promise<SlaDays> {
    const row = await manager.findOneByOrFail(FindingSlaPolicyEntity, { scope: GLOBAL_POLICY });
    return toSlaPolicyModel(row);
  }

  private select() {
    return selectColumns(this.transactions.manager(), FindingEntity, 'finding', FINDING_COLUMNS);
  }
}

/** The filters the list and the summaries share. */
function filter(
  query: { andWhere(condition: string, parameters?: Record<string, unknown>): unknown },
  args: FindingFilterArgs,
): void {
  if (args.kind) query.andWhere('finding.kind = :kind', { kind: args.kind });
  if (args.source) query.andWhere('finding.source = :source', { source: args.source });
  if (args.subjectType)
    query.andWhere('finding.subjectType = :subjectType', { subjectType: args.subjectType });
  if (args.subjectId) query.andWhere('finding.subjectId = :subjectId', { subjectId: args.subjectId });
  if (args.serviceId) query.andWhere('finding.serviceId = :serviceId', { serviceId: args.serviceId });
}

export function notFound(id: string): AppError {
  return new AppError(FindingErrors.findingNotFound, `No finding with id "${id}".`);
}
