import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** `%text%` with LIKE's wildcards escaped, so a search for "50%" finds "50%", not everything. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Hot reads select just the model's columns and skip entity hydration; raw rows come back keyed
 * by property name, ready for the `toXModel` mappers. The builder is TypeORM's own, run with its
 * public `getRawMany`/`getRawOne`.
 */
export function selectColumns<E extends ObjectLiteral>(
  query: SelectQueryBuilder<E>,
  columns: readonly string[],
): SelectQueryBuilder<E> {
  const [first, ...rest] = columns;
  query.select(`${query.alias}.${first}`, first);
  for (const column of rest) query.addSelect(`${query.alias}.${column}`, column);
  return query;
}

/** The fields of a PATCH that were actually sent. */
export function definedOnly<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<T>;
}
