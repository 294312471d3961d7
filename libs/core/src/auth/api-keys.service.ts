import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuthConfig } from '../config/config';
import { ChangeRecorder } from '../audit/change-recorder.service';
import { Clock } from '../clock';
import { Transactions } from '../database/transactions';
import { AppError, assertValid, FieldError } from '../errors/app-error';
import { newId } from '../ids';
import { KeysetOrder, Page, paginate, toPage } from '../pagination/pagination';
import { Actor, ObservationWindow } from './actor';
import { ApiKeyEntity } from './api-key.entity';
import {
  ApiKeyModel,
  CreateApiKeyInput,
  CreatedApiKeyModel,
  ListApiKeysArgs,
  toApiKeyModel,
} from './api-key.models';
import { AuthErrors } from './auth.errors';
import { Role } from './roles';

const TOKEN_PREFIX = 'opk_';
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

interface CachedKey {
  id: string;
  name: string;
  role: Role;
  expiresAt: Date | null;
  observationWindow: ObservationWindow | undefined;
  cachedUntil: number;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);
  /** Verified keys by token hash, so a busy client costs one lookup per `keyCacheMs`, not one per request. */
  private readonly verified = new Map<string, CachedKey>();
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly config: AuthConfig,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: CreateApiKeyInput, token = generateToken()): Promise<CreatedApiKeyModel> {
    const now = this.clock.now();
    if (input.expiresAt && input.expiresAt <= now) {
      throw new AppError(AuthErrors.expiryInPast, 'expiresAt must be in the future.', {
        errors: [{ path: 'expiresAt', message: 'expiresAt must be in the future' }],
      });
    }
    assertValid(observationWindowProblems(input));
    const entity: ApiKeyEntity = {
      id: newId(),
      name: input.name,
      role: input.role,
      tokenHash: hashToken(token),
      tokenPrefix: token.slice(0, TOKEN_PREFIX.length + 6),
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
      lastUsedAt: null,
      observationFrom: input.observationFrom ?? null,
      observationTo: input.observationTo ?? null,
      createdBy: actor.id,
      createdAt: now,
    };
    return this.transactions.run(async (manager) => {
      await manager.insert(ApiKeyEntity, entity);
      const apiKey = toApiKeyModel(entity, now);
      await this.changes.record(manager, actor, {
        action: 'api_key.created',
        targetType: 'api_key',
        targetId: entity.id,
        after: apiKey,
      });
      return { apiKey, token };
    });
  }

  async list(args: ListApiKeysArgs): Promise<Page<ApiKeyModel>> {
    const now = this.clock.now();
    const query = this.dataSource.getRepository(ApiKeyEntity).createQueryBuilder('key');
    if (!args.includeInactive) {
      query
        .andWhere('key.revokedAt IS NULL')
        .andWhere('(key.expiresAt IS NULL OR key.expiresAt > :now)', { now });
    }
    const order: KeysetOrder = { idColumn: 'key.id' };
    const rows = await paginate(query, args, order).getMany();
    return toPage(
      rows,
      args,
      order,
      (row) => ({ id: row.id }),
      (row) => toApiKeyModel(row, now),
    );
  }

  async get(id: string): Promise<ApiKeyModel> {
    const entity = await this.dataSource.getRepository(ApiKeyEntity).findOneBy({ id });
    if (!entity) throw new AppError(AuthErrors.apiKeyNotFound, `No API key with id ${id}.`);
    return toApiKeyModel(entity, this.clock.now());
  }

  /**
   * Revokes a key, unless it is the last active admin key: with none left nobody could create keys
   * again (a bootstrap key is made only at start-up), so the caller must create another admin key first.
   */
  async revoke(actor: Actor, id: string): Promise<ApiKeyModel> {
    const now = this.clock.now();
    const revoked = await this.transactions.run(async (manager) => {
      // The active admin keys are locked first, in id order, so that two revokes racing for the
      // last two admin keys queue here: the second one waits, then (READ COMMITTED re-checks a
      // locked row once it is free) no longer sees the key the first one revoked, and is refused.
      // Locking the revoked key first would let the two deadlock instead.
      const activeAdminIds = await lockActiveAdminKeyIds(manager, now);
      const entity = await manager.findOne(ApiKeyEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!entity) throw new AppError(AuthErrors.apiKeyNotFound, `No API key with id ${id}.`);
      if (entity.revokedAt)
        throw new AppError(
          AuthErrors.alreadyRevoked,
          `API key ${id} was revoked at ${entity.revokedAt.toISOString()}.`,
        );
      if (activeAdminIds.length === 1 && activeAdminIds[0] === id)
        throw new AppError(
          AuthErrors.lastAdminKey,
          `API key ${id} is the last active admin key; revoking it would leave no key that can manage ` +
            'keys. Create another admin key first, then revoke this one.',
        );
      const before = toApiKeyModel(entity, now);
      entity.revokedAt = now;
      await manager.update(ApiKeyEntity, { id }, { revokedAt: entity.revokedAt });
      const after = toApiKeyModel(entity, now);
      await this.changes.record(manager, actor, {
        action: 'api_key.revoked',
        targetType: 'api_key',
        targetId: id,
        before,
        after,
      });
      return { after, tokenHash: entity.tokenHash };
    });
    // Other processes notice within keyCacheMs; this one at once.
    this.verified.delete(revoked.tokenHash);
    return revoked.after;
  }

  /** The actor behind a bearer token, or null when the token is unknown, revoked or expired. */
  async authenticate(token: string, requestId: string): Promise<Actor | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
    const tokenHash = hashToken(token);
    const now = this.clock.now().getTime();
    let key = this.verified.get(tokenHash);
    if (!key || key.cachedUntil <= now) {
      key = await this.lookUp(tokenHash, now);
      if (!key) {
        this.verified.delete(tokenHash);
        return null;
      }
    }
    if (key.expiresAt && key.expiresAt.getTime() <= now) return null;
    this.touch(key.id, now);
    const actor: Actor = { kind: 'api_key', id: key.id, name: key.name, role: key.role, requestId };
    if (key.observationWindow) actor.observationWindow = key.observationWindow;
    return actor;
  }

  /**
   * Creates an admin key when no admin key is active: on the first start, and on a start after
   * every admin key was revoked (by SQL: the API refuses the last one) or has expired, which is how
   * an operator with database access gets back in. Start-up only, under the start-up lock, so
   * replicas starting together make one key. Returns its token, or null when an admin key is active.
   */
  async bootstrapAdminKey(actor: Actor): Promise<string | null> {
    const now = this.clock.now();
    const keys = this.dataSource.getRepository(ApiKeyEntity);
    const hasActiveAdmin = await keys.createQueryBuilder('key').where(ACTIVE_ADMIN_KEY, { now }).getExists();
    if (hasActiveAdmin) return null;
    // A configured token that already has a row is spent: its key was revoked or expired, and
    // making it valid again would undo that. A fresh token is generated (and printed) instead.
    const configured = this.config.bootstrapToken;
    const isSpent = configured !== undefined && (await keys.existsBy({ tokenHash: hashToken(configured) }));
    const created = await this.create(
      actor,
      { name: 'bootstrap admin', role: 'admin' },
      configured && !isSpent ? configured : generateToken(),
    );
    return created.token;
  }

  async deleteExpired(olderThan: Date): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(ApiKeyEntity)
      .where('(expires_at < :olderThan OR revoked_at < :olderThan)', { olderThan })
      .execute();
    return result.affected ?? 0;
  }

  private async lookUp(tokenHash: string, now: number): Promise<CachedKey | undefined> {
    const row = await this.dataSource
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('key')
      .select(['key.id', 'key.name', 'key.role', 'key.expiresAt', 'key.observationFrom', 'key.observationTo'])
      .where('key.tokenHash = :tokenHash AND key.revokedAt IS NULL', { tokenHash })
      .getOne();
    if (!row) return undefined;
    const key: CachedKey = {
      id: row.id,
      name: row.name,
      role: row.role,
      expiresAt: row.expiresAt,
      observationWindow:
        row.observationFrom && row.observationTo
          ? { from: row.observationFrom, to: row.observationTo }
          : undefined,
      cachedUntil: now + this.config.keyCacheMs,
    };
    if (this.config.keyCacheMs > 0) this.verified.set(tokenHash, key);
    return key;
  }

  /** Records last use at most once a minute per key and process; a failure only costs accuracy. */
  private touch(id: string, now: number): void {
    const last = this.lastUsedWritten.get(id) ?? 0;
    if (now - last < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastUsedWritten.set(id, now);
    this.dataSource
      .getRepository(ApiKeyEntity)
      .update({ id }, { lastUsedAt: new Date(now) })
      .catch((error: unknown) =>
        this.logger.warn(`Could not record last use of API key ${id}: ${String(error)}`),
      );
  }
}

/** Role admin, not revoked, not expired at :now (the Clock's, not the database's). */
const ACTIVE_ADMIN_KEY =
  "key.role = 'admin' AND key.revokedAt IS NULL AND (key.expiresAt IS NULL OR key.expiresAt > :now)";

async function lockActiveAdminKeyIds(manager: EntityManager, now: Date): Promise<string[]> {
  const rows = await manager
    .getRepository(ApiKeyEntity)
    .createQueryBuilder('key')
    .select('key.id', 'id')
    .where(ACTIVE_ADMIN_KEY, { now })
    .orderBy('key.id')
    .setLock('pessimistic_write')
    .getRawMany<{ id: string }>();
  return rows.map((row) => row.id);
}

function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** An observation window: auditor keys only, both ends, from before to. */
function observationWindowProblems(input: CreateApiKeyInput): FieldError[] {
  const { observationFrom: from, observationTo: to } = input;
  if (!from && !to) return [];
  if (input.role !== 'auditor')
    return [{ path: 'observationFrom', message: 'only auditor keys have an observation window' }];
  if (!from) return [{ path: 'observationFrom', message: 'is required with observationTo' }];
  if (!to) return [{ path: 'observationTo', message: 'is required with observationFrom' }];
  return from < to ? [] : [{ path: 'observationTo', message: 'must be after observationFrom' }];
}
