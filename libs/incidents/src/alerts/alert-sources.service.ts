import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  Actor,
  AppError,
  ChangeRecorder,
  Clock,
  isUuid,
  newId,
  Page,
  paginate,
  toPage,
  Transactions,
} from '@opsplane/core';
import { In } from 'typeorm';
import { IncidentSeverity } from '../incident-status';
import { IncidentErrors } from '../incident.errors';
import { assertValid } from '../incident-rules';
import {
  AlertSourceModel,
  CreateAlertSourceInput,
  CreatedAlertSourceModel,
  ListAlertSourcesArgs,
} from './alert-source.dto';
import { AlertSourceEntity, AlertSourceKind } from './alert-source.entity';
import { AlertEntity } from './alert.entity';
import { AlertListModel, AlertModel, toAlertModel } from './alert.model';
import { IncidentEntity } from '../incident.entity';

/** Path segment of each kind's ingest endpoint. */
export const INGEST_SEGMENT: Record<AlertSourceKind, string> = {
  alertmanager: 'alertmanager',
  grafana: 'grafana',
  pagerduty: 'pagerduty',
};

/** Alert sources (created by admins) and reads of stored alerts. */
@Injectable()
export class AlertSourcesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: CreateAlertSourceInput): Promise<CreatedAlertSourceModel> {
    const name = input.name.trim();
    assertValid(name ? [] : [{ path: 'name', message: 'must not be blank' }]);
    const severityMap = input.severityMap ?? {};
    assertValid(
      Object.entries(severityMap)
        .filter(([, to]) => typeof to !== 'string' || !/^SEV[1-5]$/.test(to))
        .map(([from]) => ({
          path: `severityMap.${from}`,
          message: 'must be one of SEV1, SEV2, SEV3, SEV4, SEV5',
        })),
    );
    const now = this.clock.now();
    const entity: AlertSourceEntity = {
      id: newId(),
      name,
      kind: input.kind,
      // 32 random bytes: the token is the whole credential.
      secret: `opa_${randomBytes(32).toString('base64url')}`,
      severityLabel: input.severityLabel ?? 'severity',
      severityMap,
      defaultSeverity: input.defaultSeverity ?? 'SEV3',
      serviceLabel: input.serviceLabel ?? 'service',
      environmentLabel: input.environmentLabel ?? 'environment',
      resolveIncidentTo: input.resolveIncidentTo ?? 'mitigated',
      createdBy: actor.id,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    return this.transactions.run(async (manager) => {
      await manager.insert(AlertSourceEntity, entity);
      const created = toAlertSourceModel(entity);
      // The secret never enters the audit log or the outbox.
      await this.changes.record(manager, actor, {
        action: 'alert_source.created',
        targetType: 'alert_source',
        targetId: entity.id,
        after: created,
      });
      return { ...created, secret: entity.secret };
    });
  }

  async get(id: string): Promise<AlertSourceModel> {
    return toAlertSourceModel(await this.load(id));
  }

  async list(args: ListAlertSourcesArgs): Promise<Page<AlertSourceModel>> {
    const query = this.transactions.manager().getRepository(AlertSourceEntity).createQueryBuilder('source');
    const rows = await paginate(query, args, { idColumn: 'source.id', direction: 'DESC' }).getMany();
    return toPage(rows, args, (row) => ({ id: row.id }), toAlertSourceModel);
  }

  /** The source with its secret, for the ingest endpoints; 404 when unknown or of another kind. */
  async load(id: string, kind?: AlertSourceKind): Promise<AlertSourceEntity> {
    const source = isUuid(id) ? await this.transactions.manager().findOneBy(AlertSourceEntity, { id }) : null;
    if (!source || (kind && source.kind !== kind))
      throw new AppError(IncidentErrors.alertSourceNotFound, `No ${kind ?? 'alert'} source with id "${id}".`);
    return source;
  }

  /**
   * The PagerDuty-events source whose secret is this routing key (`POST /v2/enqueue`), or null.
   * The key is looked up by equality, then compared again in constant time; it is a 256-bit
   * random value, so the lookup's timing tells an attacker nothing usable.
   */
  async findByRoutingKey(routingKey: string): Promise<AlertSourceEntity | null> {
    const source = await this.transactions
      .manager()
      .findOneBy(AlertSourceEntity, { kind: 'pagerduty', secret: routingKey });
    return source && secretMatches(routingKey, source.secret) ? source : null;
  }

  /** The alerts of one incident, oldest first; 404 when there is no such incident. */
  async alertsOfIncident(incidentId: string): Promise<AlertListModel> {
    const exists =
      isUuid(incidentId) && (await this.transactions.manager().existsBy(IncidentEntity, { id: incidentId }));
    if (!exists) throw new AppError(IncidentErrors.incidentNotFound, `No incident with id "${incidentId}".`);
    return { items: (await this.alertsOfMany([incidentId]))[0] };
  }

  /** The alerts of these incidents, oldest first each (GraphQL DataLoader and REST). */
  async alertsOfMany(incidentIds: readonly string[]): Promise<AlertModel[][]> {
    const valid = incidentIds.filter(isUuid);
    const rows =
      valid.length === 0
        ? []
        : await this.transactions.manager().find(AlertEntity, {
            where: { incidentId: In(valid) },
            order: { startsAt: 'ASC', id: 'ASC' },
          });
    const byIncident = new Map(incidentIds.map((id) => [id, [] as AlertModel[]]));
    for (const row of rows) if (row.incidentId) byIncident.get(row.incidentId)?.push(toAlertModel(row));
    return incidentIds.map((id) => byIncident.get(id)!);
  }
}

export function toAlertSourceModel(entity: AlertSourceEntity): AlertSourceModel {
  return {
    id: entity.id,
    name: entity.name,
    kind: entity.kind,
    ingestPath: `/v1/alert-sources/${entity.id}/${INGEST_SEGMENT[entity.kind]}`,
    severityLabel: entity.severityLabel,
    severityMap: entity.severityMap,
    defaultSeverity: entity.defaultSeverity as IncidentSeverity,
    serviceLabel: entity.serviceLabel,
    environmentLabel: entity.environmentLabel,
    resolveIncidentTo: entity.resolveIncidentTo,
    version: entity.version,
    createdAt: entity.createdAt,
  };
}

/** Constant-time comparison of a presented secret with the stored one. */
export function secretMatches(presented: string | Buffer, secret: string): boolean {
  const given = Buffer.isBuffer(presented) ? presented : Buffer.from(presented);
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
