import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { Actor } from '../auth/actor';
import { assertSettingVersion, onUniqueViolation } from '../database/versioning';
import { AppError, CommonErrors } from '../errors/app-error';
import { ChangeRecorder } from './change-recorder.service';

/**
 * A setting kept as at most one row per key (an environment's approval rule, its promotion
 * policy), created by the first PUT and replaced by later ones, with `version` for If-Match.
 * Declared once per setting for `putSetting` / `removeSetting`.
 */
export interface SettingResource<
  E extends ObjectLiteral & { version: number },
  M extends { version: number },
> {
  entity: EntityTarget<E>;
  /** The key column, also the row's primary key, e.g. `environmentId`. */
  keyField: keyof E & keyof M & string;
  /** The primary key constraint two first-time PUTs race on. */
  primaryKey: string;
  /** The prefix of its audit actions (`<action>.created|updated|removed`), e.g. `approval_rule`. */
  action: string;
  /** `targetType` of its audit events; the key is the `targetId`. */
  targetType: string;
  toModel(row: E): M;
  /** Why a sent version is stale when there is no row: `the environment has no approval rule now`. */
  absent: string;
  /** The 412 detail for the loser of two first-time PUTs. */
  concurrent: string;
}

/** The setting's row for this key, locked FOR UPDATE until the transaction ends, or null. */
export function lockSetting<E extends ObjectLiteral & { version: number }, M extends { version: number }>(
  manager: EntityManager,
  setting: SettingResource<E, M>,
  key: string,
): Promise<E | null> {
  return manager
    .getRepository(setting.entity)
    .createQueryBuilder('setting')
    .setLock('pessimistic_write')
    .where(`setting.${setting.keyField} = :key`, { key })
    .getOne();
}

/**
 * Creates or replaces the setting of `key` inside the caller's transaction: lock, check the
 * expected version (412), update or insert `fields`, record `<action>.created|updated`. Two
 * first-time PUTs at once: the loser gets 412 `concurrency.version_mismatch`, not a 500.
 */
export async function putSetting<
  E extends ObjectLiteral & { version: number },
  M extends { version: number },
>(
  manager: EntityManager,
  changes: ChangeRecorder,
  actor: Actor,
  setting: SettingResource<E, M>,
  key: string,
  fields: Omit<M, 'version' | SettingResource<E, M>['keyField']>,
  expectedVersion?: number,
): Promise<M> {
  const existing = await lockSetting(manager, setting, key);
  assertSettingVersion(existing, expectedVersion, setting.absent);
  const after = (
    existing
      ? { ...setting.toModel(existing), ...fields, version: existing.version + 1 }
      : { [setting.keyField]: key, ...fields, version: 1 }
  ) as M;
  const where = { [setting.keyField]: key } as unknown as Partial<E>;
  if (existing)
    // The version column is incremented by the update itself.
    await manager.update(setting.entity, where, fields as unknown as Partial<E>);
  else
    await onUniqueViolation(
      () => manager.insert(setting.entity, after as unknown as E),
      setting.primaryKey,
      () => new AppError(CommonErrors.versionMismatch, setting.concurrent),
    );
  await changes.record(manager, actor, {
    action: existing ? `${setting.action}.updated` : `${setting.action}.created`,
    targetType: setting.targetType,
    targetId: key,
    before: existing ? setting.toModel(existing) : undefined,
    after,
  });
  return after;
}

/** Removes the setting of `key` (`notFound` when there is none); answers with what was removed. */
export async function removeSetting<
  E extends ObjectLiteral & { version: number },
  M extends { version: number },
>(
  manager: EntityManager,
  changes: ChangeRecorder,
  actor: Actor,
  setting: SettingResource<E, M>,
  key: string,
  expectedVersion: number | undefined,
  notFound: () => AppError,
): Promise<M> {
  const existing = await lockSetting(manager, setting, key);
  if (!existing) throw notFound();
  assertSettingVersion(existing, expectedVersion, setting.absent);
  await manager.delete(setting.entity, { [setting.keyField]: key });
  const before = setting.toModel(existing);
  await changes.record(manager, actor, {
    action: `${setting.action}.removed`,
    targetType: setting.targetType,
    targetId: key,
    before,
  });
  return before;
}
