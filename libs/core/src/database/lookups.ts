import { ObjectLiteral } from 'typeorm';
import { isUuid } from './query-helpers';

/** What the lookups need of a read: a `selectColumns` HotSelect (or a TypeORM builder) fits. */
interface RowQuery {
  readonly alias: string;
  where(condition: string, parameters?: ObjectLiteral): RowQuery;
  getRawOne<R>(): Promise<R | undefined>;
  getRawMany<R>(): Promise<R[]>;
}

/**
 * Rows by id, in the order asked, null where there is none: what a DataLoader and a list of
 * references want. Keys that are not UUIDs are null without asking; without a valid key, no query.
 * `fetch` reads the valid ids in one query; `keyOf` says which id a row answers (its own by default).
 */
export async function findManyByIds<M>(
  ids: readonly string[],
  fetch: (validIds: string[]) => Promise<readonly M[]>,
  keyOf: (model: M) => string = (model) => (model as { id: string }).id,
): Promise<(M | null)[]> {
  const valid = ids.filter(isUuid);
  const models = valid.length === 0 ? [] : await fetch(valid);
  const byKey = new Map(models.map((model) => [keyOf(model), model]));
  return ids.map((id) => byKey.get(id) ?? null);
}

/** The row of `query` (a `selectColumns` builder) with this id (a UUID) or else this slug. */
export async function findByIdOrSlug<R, M>(
  query: RowQuery,
  idOrSlug: string,
  toModel: (row: R) => M,
): Promise<M | null> {
  const column = isUuid(idOrSlug) ? 'id' : 'slug';
  const row = await query.where(`${query.alias}.${column} = :key`, { key: idOrSlug }).getRawOne<R>();
  return row ? toModel(row) : null;
}

/**
 * By id or slug each, in the order asked, null where there is none; one query (DataLoaders, and
 * callers resolving a list of references).
 */
export async function findManyByIdsOrSlugs<R, M extends { id: string; slug: string }>(
  query: RowQuery,
  idsOrSlugs: readonly string[],
  toModel: (row: R) => M,
): Promise<(M | null)[]> {
  if (idsOrSlugs.length === 0) return [];
  const ids = idsOrSlugs.filter(isUuid);
  const slugs = idsOrSlugs.filter((key) => !isUuid(key));
  const rows = await query
    .where(`${query.alias}.id IN (:...ids) OR ${query.alias}.slug IN (:...slugs)`, {
      // IN () is a syntax error; a value no row has keeps each list non-empty.
      ids: ids.length > 0 ? ids : ['00000000-0000-0000-0000-000000000000'],
      slugs: slugs.length > 0 ? slugs : [''],
    })
    .getRawMany<R>();
  const models = rows.map(toModel);
  const byKey = new Map(
    models.flatMap((model) => [[model.id, model] as const, [model.slug, model] as const]),
  );
  return idsOrSlugs.map((key) => byKey.get(key) ?? null);
}
