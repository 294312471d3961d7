import { EntityManager, EntityTarget, QueryFailedError } from 'typeorm';
import { AppError, CommonErrors } from '../errors/app-error';

/**
 * The optimistic-concurrency token of a resource: `version`, or `revision` where `version` means
 * something else (a release's version string). ETags, If-Match and `expectedVersion` all use it.
 */
export const CONCURRENCY_FIELDS = ['version', 'revision'] as const;
export type ConcurrencyField = (typeof CONCURRENCY_FIELDS)[number];

/** The concurrency token of a resource body, if it has one. */
export function concurrencyTokenOf(body: unknown): number | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  for (const field of CONCURRENCY_FIELDS) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value === 'number') return value;
  }
  return undefined;
}

/**
 * FOR UPDATE, or FOR NO KEY UPDATE (what PostgreSQL's own UPDATE of non-key columns takes), which
 * unlike FOR UPDATE lets other transactions insert rows referencing this one meanwhile: their
 * foreign-key check takes FOR KEY SHARE on it.
 */
export type RowLock = 'pessimistic_write' | 'for_no_key_update';

/**
 * Loads a row for change, locked until the transaction ends, and checks the caller's expected
 * version (from If-Match or `expectedVersion`) so a stale write is refused with 412, not merged.
 */
export async function loadForUpdate<E extends { id: string }>(
  manager: EntityManager,
  target: EntityTarget<E>,
  id: string,
  expectedVersion: number | undefined,
  notFound: () => AppError,
  field: ConcurrencyField = 'version',
  lock: RowLock = 'pessimistic_write',
): Promise<E> {
  const entity = await manager
    .getRepository(target)
    .createQueryBuilder('row')
    .setLock(lock)
    .where('row.id = :id', { id })
    .getOne();
  if (!entity) throw notFound();
  const current = (entity as unknown as Record<ConcurrencyField, number>)[field];
  if (expectedVersion !== undefined && current !== expectedVersion)
    throw staleVersion(field, expectedVersion, current);
  return entity;
}

/**
 * The If-Match check of a create-or-replace setting (one row per owner, e.g. an environment's
 * approval rule), given its locked current row: without If-Match anything goes; with it, the row
 * must exist at that version (412 otherwise; `absent` says what is missing when it does not).
 */
export function assertSettingVersion(
  current: { version: number } | null,
  expectedVersion: number | undefined,
  absent: string,
): void {
  if (expectedVersion === undefined || current?.version === expectedVersion) return;
  if (current) throw staleVersion('version', expectedVersion, current.version);
  throw new AppError(CommonErrors.versionMismatch, `version ${expectedVersion} is stale; ${absent}.`);
}

function staleVersion(field: ConcurrencyField, expected: number, current: number): AppError {
  return new AppError(
    CommonErrors.versionMismatch,
    `${field} ${expected} is stale; the current ${field} is ${current}. Fetch it again and retry.`,
  );
}

/** Runs `work`, turning PostgreSQL's unique violation on `constraint` into the caller's error. */
export async function onUniqueViolation<T>(
  work: () => Promise<T>,
  constraint: string,
  toError: () => AppError,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error, constraint)) throw toError();
    throw error;
  }
}

/** True when `error` is PostgreSQL's unique violation on the named constraint or index. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const driverError =
    error instanceof QueryFailedError
      ? (error.driverError as { code?: string; constraint?: string })
      : undefined;
  return driverError?.code === '23505' && driverError.constraint === constraint;
}
