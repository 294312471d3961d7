import { EntityManager, EntityTarget, QueryFailedError } from 'typeorm';
import { AppError, CommonErrors } from '../errors/app-error';

export interface Versioned {
  id: string;
  version: number;
}

/**
 * Loads a row for change, locked until the transaction ends, and checks the caller's expected
 * version (from If-Match or `expectedVersion`) so a stale write is refused with 412, not merged.
 */
export async function loadForUpdate<E extends Versioned>(
  manager: EntityManager,
  target: EntityTarget<E>,
  id: string,
  expectedVersion: number | undefined,
  notFound: () => AppError,
): Promise<E> {
  const entity = await manager
    .getRepository(target)
    .createQueryBuilder('row')
    .setLock('pessimistic_write')
    .where('row.id = :id', { id })
    .getOne();
  if (!entity) throw notFound();
  if (expectedVersion !== undefined && entity.version !== expectedVersion) {
    throw new AppError(
      CommonErrors.versionMismatch,
      `Version ${expectedVersion} is stale; the current version is ${entity.version}. Fetch it again and retry.`,
    );
  }
  return entity;
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
