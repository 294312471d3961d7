import { isUuid } from './query-helpers';

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
