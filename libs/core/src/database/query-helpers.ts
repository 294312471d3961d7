import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { HotSelect } from './hot-select';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** `%text%` with LIKE's wildcards escaped, so a search for "50%" finds "50%", not everything. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * A hot read of `columns` of `entity` (see HotSelect): raw rows keyed by property name, its SQL
 * built by TypeORM once per query shape. `manager` is the open transaction's or the pool's
 * (`Transactions.manager()`).
 */
export function selectColumns<E extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<E>,
  alias: string,
  columns: readonly string[],
): HotSelect<E> {
  return new HotSelect(manager, entity, alias, columns);
}

/** The fields of a PATCH that were actually sent. */
export function definedOnly<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<T>;
}
