import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  Actor,
  AppError,
  assertValid,
  ChangeRecorder,
  Clock,
  definedOnly,
  FieldError,
  isUuid,
  JsonObject,
  KeysetOrder,
  newId,
  Page,
  paginate,
  SecretBox,
  toPage,
  Transactions,
  VersionedResource,
} from '@opsplane/core';
import { In } from 'typeorm';
import { IncidentSeverity } from '../incident-status';
import { IncidentErrors } from '../incident.errors';
import {
  AlertSourceModel,
  CreateAlertSourceInput,
  CreatedAlertSourceModel,
  ListAlertSourcesArgs,
  UpdateAlertSourceInput,
} from './alert-source.dto';
import { AlertSourceEntity, AlertSourceKind, SIGNING_KINDS } from './alert-source.entity';
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
    private readonly box: SecretBox,
  ) {}

  async create(actor: Actor, input: CreateAlertSourceInput): Promise<CreatedAlertSourceModel> {
    const name = input.name.trim();
    const severityMap = input.severityMap ?? {};
    assertValid(settingsProblems(name, severityMap));
    const now = this.clock.now();
    const id = newId();
    const secret = newSecret();
    const entity: AlertSourceEntity = {
      id,
      name,
      kind: input.kind,
      ...this.storedSecret(id, input.kind, secret),
      severityLabel: input.severityLabel ?? 'severity',
      severityMap,
      defaultSeverity: input.defaultSeverity ?? 'SEV3',
      serviceLabel: input.serviceLabel ?? 'service',
      environmentLabel: input.environmentLabel ?? 'environment',
      resolveIncidentTo: input.resolveIncidentTo ?? 'mitigated',
      disabledAt: null,
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
      return { ...created, secret };
    });
  }

  /** Changes the sent settings; the kind and the secret stay. */
  async update(
    actor: Actor,
    id: string,
    input: UpdateAlertSourceInput,
    expectedVersion?: number,
  ): Promise<AlertSourceModel> {
    if (!isUuid(id)) throw notFound(id);
    const changes = definedOnly({ ...input, name: input.name?.trim() });
    return this.transactions.run((manager) =>
      this.changes.edit(manager, actor, ALERT_SOURCE, { id, expectedVersion, verb: 'updated' }, (entity) => {
        // null resets a setting to its default, as at creation.
        const changed: AlertSourceEntity = {
          ...entity,
          ...changes,
          severityLabel:
            changes.severityLabel === null ? 'severity' : (changes.severityLabel ?? entity.severityLabel),
          severityMap: changes.severityMap === null ? {} : (changes.severityMap ?? entity.severityMap),
          defaultSeverity:
            changes.defaultSeverity === null ? 'SEV3' : (changes.defaultSeverity ?? entity.defaultSeverity),
          serviceLabel:
            changes.serviceLabel === null ? 'service' : (changes.serviceLabel ?? entity.serviceLabel),
          environmentLabel:
            changes.environmentLabel === null
              ? 'environment'
              : (changes.environmentLabel ?? entity.environmentLabel),
          resolveIncidentTo:
            changes.resolveIncidentTo === null
              ? 'mitigated'
              : (changes.resolveIncidentTo ?? entity.resolveIncidentTo),
          updatedAt: this.clock.now(),
        };
        assertValid(settingsProblems(changed.name, changed.severityMap));
        return changed;
      }),
    );
  }

  /**
   * A new secret, answered this once; the old one stops working when the transaction commits (a
   * sender still using it gets 401, a PagerDuty sender's old routing key 400). Audited without
   * either secret.
   */
  async rotateSecret(actor: Actor, id: string, expectedVersion?: number): Promise<CreatedAlertSourceModel> {
    if (!isUuid(id)) throw notFound(id);
    const secret = newSecret();
    const rotated = await this.transactions.run((manager) =>
      this.changes.edit(
        manager,
        actor,
        ALERT_SOURCE,
        { id, expectedVersion, verb: 'secret_rotated' },
        (entity) => ({
          ...entity,
          ...this.storedSecret(id, entity.kind, secret),
          updatedAt: this.clock.now(),
        }),
      ),
    );
    return { ...rotated, secret };
  }

  /** Disabled: every delivery is refused (404) and stores nothing; enabled again, it takes them. */
  async setEnabled(
    actor: Actor,
    id: string,
    enabled: boolean,
    expectedVersion?: number,
  ): Promise<AlertSourceModel> {
    if (!isUuid(id)) throw notFound(id);
    return this.transactions.run((manager) =>
      this.changes.edit(
        manager,
        actor,
        ALERT_SOURCE,
        { id, expectedVersion, verb: enabled ? 'enabled' : 'disabled' },
        (entity) => {
          if (!entity.disabledAt === enabled)
            throw new AppError(
              IncidentErrors.alertSourceState,
              `The alert source is already ${enabled ? 'enabled' : 'disabled'}.`,
            );
          const now = this.clock.now();
          return { ...entity, disabledAt: enabled ? null : now, updatedAt: now };
        },
      ),
    );
  }

  async get(id: string): Promise<AlertSourceModel> {
    return toAlertSourceModel(await this.load(id));
  }

  async list(args: ListAlertSourcesArgs): Promise<Page<AlertSourceModel>> {
    const query = this.transactions.manager().getRepository(AlertSourceEntity).createQueryBuilder('source');
    const order: KeysetOrder = { idColumn: 'source.id', direction: 'DESC' };
    const rows = await paginate(query, args, order).getMany();
    return toPage(rows, args, order, (row) => ({ id: row.id }), toAlertSourceModel);
  }

  /**
   * The source with its secret; with a kind (the ingest endpoints), 404 too when it is of another
   * kind or disabled: a disabled source answers a sender exactly like an unknown one.
   */
  async load(id: string, kind?: AlertSourceKind): Promise<AlertSourceEntity> {
    const source = isUuid(id) ? await this.transactions.manager().findOneBy(AlertSourceEntity, { id }) : null;
    if (!source || (kind && (source.kind !== kind || source.disabledAt)))
      throw new AppError(IncidentErrors.alertSourceNotFound, `No ${kind ?? 'alert'} source with id "${id}".`);
    return source;
  }

  /**
   * The PagerDuty-events source whose secret is this routing key (`POST /v2/enqueue`), or null.
   * Looked up by the key's hash: the index lookup's timing can only tell about the hash, which
   * says nothing usable about a key.
   */
  async findByRoutingKey(routingKey: string): Promise<AlertSourceEntity | null> {
    const source = await this.transactions
      .manager()
      .findOneBy(AlertSourceEntity, { kind: 'pagerduty', secretHash: hashSecret(routingKey) });
    return source && !source.disabledAt ? source : null;
  }

  /** The secret of an Alertmanager or Grafana source, unsealed to check an HMAC signature. */
  signingKey(source: AlertSourceEntity): string {
    if (!source.sealedSecret)
      throw new Error(`Alert source ${source.id} (${source.kind}) has no signing key`);
    return this.box.open(source.sealedSecret, source.id);
  }

  /**
   * Seals the clear secrets a version before 1764231400000 left (the migration can hash in SQL but
   * cannot seal: the key is only here). Run at every start, it finds nothing once done. Each row is
   * replaced only if it still holds the clear value read, so two processes starting together
   * cannot undo each other: the second one's update matches nothing. Returns the rows it sealed.
   */
  async sealLegacySecrets(): Promise<number> {
    const manager = this.transactions.manager();
    const legacy = await manager.query<{ id: string; secret: string }[]>(
      `SELECT id, sealed_secret AS secret FROM alert_sources
        WHERE sealed_secret IS NOT NULL AND sealed_secret NOT LIKE 'v1.%'`,
    );
    let sealed = 0;
    for (const { id, secret } of legacy) {
      const [, changed] = await manager.query<[unknown, number]>(
        `UPDATE alert_sources SET sealed_secret = $2 WHERE id = $1 AND sealed_secret = $3`,
        [id, this.box.seal(secret, id), secret],
      );
      sealed += changed;
    }
    return sealed;
  }

  /** Sources whose secret another key sealed: their signed deliveries cannot be checked here. */
  async countSealedWithAnotherKey(): Promise<number> {
    const [{ count }] = await this.transactions
      .manager()
      .query<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM alert_sources WHERE split_part(sealed_secret, '.', 2) <> $1`,
        [this.box.keyId],
      );
    return count;
  }

  /** Hash for every kind; sealed too for kinds whose senders may sign with it. */
  private storedSecret(
    id: string,
    kind: AlertSourceKind,
    secret: string,
  ): Pick<AlertSourceEntity, 'secretHash' | 'sealedSecret'> {
    return {
      secretHash: hashSecret(secret),
      sealedSecret: SIGNING_KINDS.includes(kind) ? this.box.seal(secret, id) : null,
    };
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
    disabledAt: entity.disabledAt,
    version: entity.version,
    createdAt: entity.createdAt,
  };
}

/** The model never carries the secret, so neither do the audit log and the outbox. */
const ALERT_SOURCE: VersionedResource<AlertSourceEntity, AlertSourceModel> = {
  entity: AlertSourceEntity,
  type: 'alert_source',
  toModel: toAlertSourceModel,
  notFound,
};

function notFound(id: string): AppError {
  return new AppError(IncidentErrors.alertSourceNotFound, `No alert source with id "${id}".`);
}

/** 32 random bytes: the token is the whole credential. */
function newSecret(): string {
  return `opa_${randomBytes(32).toString('base64url')}`;
}

function settingsProblems(name: string, severityMap: JsonObject): FieldError[] {
  return [
    ...(name ? [] : [{ path: 'name', message: 'must not be blank' }]),
    ...Object.entries(severityMap)
      .filter(([, to]) => typeof to !== 'string' || !/^SEV[1-5]$/.test(to))
      .map(([from]) => ({
        path: `severityMap.${from}`,
        message: 'must be one of SEV1, SEV2, SEV3, SEV4, SEV5',
      })),
  ];
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Whether a presented Bearer token, Basic password or routing key is the source's secret (constant time). */
export function secretMatches(presented: string, source: AlertSourceEntity): boolean {
  return sameInConstantTime(hashSecret(presented), source.secretHash);
}

/** Constant-time comparison (of a presented signature with the expected one). */
export function sameInConstantTime(presented: string, expected: string): boolean {
  const given = Buffer.from(presented);
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
