import { Injectable } from '@nestjs/common';
import { EnvironmentsService, ServicesService } from '@opsplane/catalog';
import {
  Actor,
  assertObservedDuring,
  AppError,
  assertValid,
  ChangeRecorder,
  Clock,
  FieldError,
  isCaller,
  isUuid,
  KeysetOrder,
  loadForUpdate,
  newId,
  Page,
  paginate,
  toPage,
  Transactions,
} from '@opsplane/core';
import { ComplianceConfig } from '../compliance.config';
import { ComplianceErrors } from '../compliance.errors';
import { ControlsService } from '../controls/controls.service';
import { CreateWaiverInput, ListWaiversArgs, RevokeWaiverInput, WaiverModel } from '../dto/waiver.dto';
import { WaiverEntity } from './waiver.entity';

const DAY_MS = 86_400_000;

/**
 * Waivers: exceptions to one control for one subject, approved by someone other than the
 * requester and always expiring. Scans apply those in force at their time; an expired or revoked
 * waiver stops applying at the next scan.
 */
@Injectable()
export class WaiversService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly controls: ControlsService,
    private readonly environments: EnvironmentsService,
    private readonly services: ServicesService,
    private readonly config: ComplianceConfig,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: CreateWaiverInput): Promise<WaiverModel> {
    const now = this.clock.now();
    const reason = input.reason.trim();
    const approvedBy = input.approvedBy.trim();
    const problems: FieldError[] = [];
    if (!reason) problems.push({ path: 'reason', message: 'must not be blank' });
    if (!approvedBy) problems.push({ path: 'approvedBy', message: 'must not be blank' });
    else if (isCaller(actor, approvedBy))
      problems.push({ path: 'approvedBy', message: 'must be someone other than the caller' });
    if (input.expiresAt <= now) problems.push({ path: 'expiresAt', message: 'must be in the future' });
    else if (input.expiresAt.getTime() - now.getTime() > this.config.maxWaiverDays * DAY_MS)
      problems.push({
        path: 'expiresAt',
        message: `must be at most ${this.config.maxWaiverDays} days ahead (COMPLIANCE_MAX_WAIVER_DAYS)`,
      });
    const control = await this.controls.lookUp(input.control);
    if (!control) problems.push({ path: 'control', message: `no control has id or slug "${input.control}"` });
    const subject = control
      ? control.subjectType === 'environment'
        ? (await this.environments.findMany([input.subject]))[0]
        : (await this.services.findMany([input.subject]))[0]
      : null;
    if (control && !subject)
      problems.push({
        path: 'subject',
        message: `no ${control.subjectType} has id or slug "${input.subject}"`,
      });
    assertValid(problems, 'waiver');
    const waiver: WaiverEntity = {
      id: newId(),
      controlId: control!.id,
      subjectType: control!.subjectType,
      subjectId: subject!.id,
      reason,
      requestedBy: actor.id,
      approvedBy,
      expiresAt: input.expiresAt,
      revokedAt: null,
      revokedReason: null,
      version: 1,
      createdAt: now,
    };
    return this.transactions.run(async (manager) => {
      await manager.insert(WaiverEntity, waiver);
      const after = toWaiverModel(waiver, now);
      await this.changes.record(manager, actor, {
        action: 'compliance_waiver.created',
        targetType: 'compliance_waiver',
        targetId: waiver.id,
        after,
        reason,
      });
      return after;
    });
  }

  /** A waiver; refused when it was not in force in the reader's observation window. */
  async get(reader: Actor, id: string): Promise<WaiverModel> {
    const found = isUuid(id) ? await this.transactions.manager().findOneBy(WaiverEntity, { id }) : null;
    if (!found) throw notFound(id);
    const ended = found.revokedAt && found.revokedAt < found.expiresAt ? found.revokedAt : found.expiresAt;
    assertObservedDuring(reader, found.createdAt, ended, 'id');
    return toWaiverModel(found, this.clock.now());
  }

  /** Newest first; only waivers in force at some point of the reader's observation window. */
  async list(reader: Actor, args: ListWaiversArgs): Promise<Page<WaiverModel>> {
    const now = this.clock.now();
    const query = this.transactions.manager().getRepository(WaiverEntity).createQueryBuilder('waiver');
    if (reader.observationWindow)
      query.andWhere(
        'waiver.createdAt < :to AND LEAST(waiver.expiresAt, waiver.revokedAt) > :from',
        reader.observationWindow,
      );
    if (args.controlId) query.andWhere('waiver.controlId = :controlId', { controlId: args.controlId });
    if (args.subjectId) query.andWhere('waiver.subjectId = :subjectId', { subjectId: args.subjectId });
    if (args.active !== undefined)
      query.andWhere(
        args.active
          ? 'waiver.revokedAt IS NULL AND waiver.expiresAt > :now'
          : '(waiver.revokedAt IS NOT NULL OR waiver.expiresAt <= :now)',
        { now },
      );
    const order: KeysetOrder = { idColumn: 'waiver.id', direction: 'DESC' };
    const rows = await paginate(query, args, order).getMany();
    return toPage(
      rows,
      args,
      order,
      (row) => ({ id: row.id }),
      (row) => toWaiverModel(row, now),
    );
  }

  /** Ends a waiver now (`compliance_waiver.revoked`); the next scan reports the failure again. */
  async revoke(
    actor: Actor,
    id: string,
    input: RevokeWaiverInput,
    expectedVersion?: number,
  ): Promise<WaiverModel> {
    if (!isUuid(id)) throw notFound(id);
    const reason = input.reason.trim();
    assertValid(reason ? [] : [{ path: 'reason', message: 'must not be blank' }]);
    const now = this.clock.now();
    return this.transactions.run(async (manager) => {
      const waiver = await loadForUpdate(manager, WaiverEntity, id, expectedVersion, () => notFound(id));
      if (waiver.revokedAt || waiver.expiresAt <= now)
        throw new AppError(
          ComplianceErrors.waiverEnded,
          `Waiver ${id} ${waiver.revokedAt ? `was revoked at ${waiver.revokedAt.toISOString()}` : `expired at ${waiver.expiresAt.toISOString()}`}.`,
        );
      const revoked = { ...waiver, revokedAt: now, revokedReason: reason, version: waiver.version + 1 };
      await manager.update(
        WaiverEntity,
        { id },
        { revokedAt: now, revokedReason: reason, version: revoked.version },
      );
      const after = toWaiverModel(revoked, now);
      await this.changes.record(manager, actor, {
        action: 'compliance_waiver.revoked',
        targetType: 'compliance_waiver',
        targetId: id,
        before: toWaiverModel(waiver, now),
        after,
        reason,
      });
      return after;
    });
  }
}

export function isWaiverActive(waiver: Pick<WaiverEntity, 'revokedAt' | 'expiresAt'>, at: Date): boolean {
  return waiver.revokedAt === null && waiver.expiresAt > at;
}

export function toWaiverModel(row: WaiverEntity, now: Date): WaiverModel {
  return {
    id: row.id,
    controlId: row.controlId,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    reason: row.reason,
    requestedBy: row.requestedBy,
    approvedBy: row.approvedBy,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    revokedReason: row.revokedReason,
    active: isWaiverActive(row, now),
    version: row.version,
    createdAt: row.createdAt,
  };
}

function notFound(id: string): AppError {
  return new AppError(ComplianceErrors.waiverNotFound, `No waiver with id "${id}".`);
}
