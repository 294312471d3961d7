import { Type as ClassType } from '@nestjs/common';
import { isUuid } from '../database/query-helpers';
import { AppError, CommonErrors } from '../errors/app-error';
import { Args, Model, Prop } from '../schema/fields';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 200;

/** `limit` + opaque `cursor`; every list in REST (query string) and GraphQL (arguments) takes these. */
@Args()
export class PageArgs {
  @Prop.int({
    optional: true,
    min: 1,
    max: MAX_PAGE_SIZE,
    description: `Page size, default ${DEFAULT_PAGE_SIZE}.`,
  })
  limit?: number;

  @Prop.string({
    optional: true,
    maxLength: 500,
    // What encodeCursor writes (base64url), so the document states the format too.
    pattern: /^[A-Za-z0-9_-]+$/,
    patternHint: 'must be a nextCursor as a list answered it (base64url)',
    description:
      'The `nextCursor` of the previous page, sent with the same filters (`limit` may change); ' +
      'with other filters it is refused (400 `pagination.invalid_cursor`).',
  })
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Null on the last page. */
  nextCursor: string | null;
}

/** A named page type, e.g. `EnvironmentPage { items: [Environment!]!, nextCursor: String }`. */
export function PageOf<T>(item: ClassType<T>, name: string): ClassType<Page<T>> {
  @Model(name)
  class PageModel implements Page<T> {
    @Prop.nested(() => item, { isArray: true, maxItems: MAX_PAGE_SIZE })
    items: T[];

    @Prop.string({
      nullable: true,
      description: 'Pass as `cursor` to get the next page; null on the last page.',
    })
    nextCursor: string | null;
  }
  return PageModel;
}

type SortValue = string | number;

const INT32_MAX = 2_147_483_647;

export interface KeysetOrder {
  /** Column expression of the sort key, e.g. `environment.rank`; omit to sort by id alone. */
  sortColumn?: string;
  /** Type of the sort column; a cursor value outside it is refused before it reaches SQL. */
  sortType?: 'string' | 'int' | 'bigint' | 'date';
  /** Column expression of the tie-breaker, unique and time-ordered (UUIDv7). */
  idColumn: string;
  direction?: 'ASC' | 'DESC';
  /**
   * Filters that are not in `args`, such as the environment or incident in the path
   * (`/v1/environments/:id/deploy-windows`): the cursor is bound to them too.
   */
  scope?: Record<string, string | number | boolean | Date>;
}

/** What paginate calls: a TypeORM SelectQueryBuilder, or a hot read (HotSelect). */
export interface KeysetQuery {
  andWhere(condition: string, parameters?: Record<string, unknown>): this;
  orderBy(sort: string, order: 'ASC' | 'DESC'): this;
  addOrderBy(sort: string, order: 'ASC' | 'DESC'): this;
  limit(limit: number): this;
}

/**
 * Keyset pagination: fetches `limit + 1` rows after the cursor position in (sort key, id) order,
 * so page N costs the same as page 1 and concurrent inserts never shift or repeat rows.
 */
export function paginate<Q extends KeysetQuery>(query: Q, args: PageArgs, order: KeysetOrder): Q {
  const limit = args.limit ?? DEFAULT_PAGE_SIZE;
  const direction = order.direction ?? 'ASC';
  const comparator = direction === 'ASC' ? '>' : '<';
  // GraphQL clients often send `cursor: null` for the first page.
  if (args.cursor != null) {
    const [sortValue, id] = decodeCursor(args.cursor, bindingOf(args, order), order);
    if (order.sortColumn) {
      query.andWhere(`(${order.sortColumn}, ${order.idColumn}) ${comparator} (:cursorSort, :cursorId)`, {
        cursorSort: order.sortType === 'date' ? new Date(sortValue as string) : sortValue,
        cursorId: id,
      });
    } else {
      query.andWhere(`${order.idColumn} ${comparator} :cursorId`, { cursorId: id });
    }
  }
  if (order.sortColumn) query.orderBy(order.sortColumn, direction).addOrderBy(order.idColumn, direction);
  else query.orderBy(order.idColumn, direction);
  return query.limit(limit + 1);
}

/** Cuts the extra row off and turns it into the next cursor; `order` is the one `paginate` got. */
export function toPage<R, T>(
  rows: R[],
  args: PageArgs,
  order: KeysetOrder,
  keyOf: (row: R) => { sort?: SortValue | Date; id: string },
  toModel: (row: R) => T,
): Page<T> {
  const limit = args.limit ?? DEFAULT_PAGE_SIZE;
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(toModel),
    nextCursor: hasMore && last ? encodeCursor(bindingOf(args, order), keyOf(last)) : null,
  };
}

/**
 * A short hash of the list (its sort) and every filter but `limit` and `cursor`. A keyset
 * position only means something in the row set it was taken from: resumed under other filters it
 * silently skips rows or yields an empty page, so the cursor carries this and a mismatch is a 400.
 * `limit` is left out because a client may change the page size between pages. Absent and null
 * filters are the same (GraphQL clients send `status: null`), and so are an instant sent in
 * another notation, so REST and GraphQL cursors of the same query are interchangeable.
 * FNV-1a (32 bits) over the parts, not a stable JSON text through a cryptographic hash: this runs
 * on every page of every list (under 2 µs with three filters; a sorted JSON text took 5) and only has to
 * tell honest mistakes apart; a forged cursor still only reaches rows the caller may read.
 */
function bindingOf(args: PageArgs, order: KeysetOrder): string {
  const { scope } = order;
  const parts: string[] = [];
  const filters = args as Record<string, unknown>;
  for (const key of Object.keys(filters)) {
    const value = filters[key];
    if (value == null || key === 'limit' || key === 'cursor' || (scope && key in scope)) continue;
    parts.push(filterPart(key, value));
  }
  if (scope) for (const key of Object.keys(scope)) parts.push(filterPart(key, scope[key]));
  // Keys are identifiers and each occurs once, so sorting `key=value` texts orders them by key.
  let hash = fnv1a(FNV_OFFSET, `${order.sortColumn ?? ''},${order.idColumn},${order.direction ?? 'ASC'}`);
  for (const part of parts.sort()) hash = fnv1a(hash, part);
  return (hash >>> 0).toString(36);
}

function filterPart(key: string, value: unknown): string {
  const text =
    typeof value === 'string'
      ? value
      : value instanceof Date
        ? String(value.getTime())
        : JSON.stringify(value);
  return `${key}=${text}`;
}

const FNV_OFFSET = 0x811c9dc5;

/** Hashes a NUL before the text, so the parts stay apart ("a=b" + "c" is not "a=bc"). */
function fnv1a(hash: number, text: string): number {
  hash = Math.imul(hash, 0x01000193);
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

function encodeCursor(binding: string, key: { sort?: SortValue | Date; id: string }): string {
  const sort = key.sort instanceof Date ? key.sort.toISOString() : key.sort;
  const parts = sort === undefined ? [binding, key.id] : [binding, sort, key.id];
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

function decodeCursor(cursor: string, binding: string, order: KeysetOrder): [SortValue | undefined, string] {
  const invalid = () =>
    new AppError(
      CommonErrors.invalidCursor,
      'The cursor is not one this list returned; start again without it.',
      {
        errors: [{ path: 'cursor', message: 'cursor is malformed or belongs to another list' }],
      },
    );
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(decoded)) throw invalid();
  const expectedLength = order.sortColumn ? 3 : 2;
  if (decoded.length !== expectedLength) throw invalid();
  if (decoded[0] !== binding)
    throw new AppError(
      CommonErrors.invalidCursor,
      'The cursor belongs to other filters or another list; start again without it.',
      {
        errors: [{ path: 'cursor', message: 'cursor belongs to other filters; start again without it' }],
      },
    );
  const id: unknown = decoded[decoded.length - 1];
  if (typeof id !== 'string' || !isUuid(id)) throw invalid();
  if (!order.sortColumn) return [undefined, id];
  const sort: unknown = decoded[1];
  const sortType = order.sortType ?? 'string';
  const valid =
    sortType === 'int'
      ? Number.isInteger(sort) && Math.abs(sort as number) <= INT32_MAX
      : sortType === 'bigint'
        ? Number.isSafeInteger(sort)
        : typeof sort === 'string' && (sortType === 'string' || !Number.isNaN(Date.parse(sort)));
  if (!valid) throw invalid();
  return [sort as SortValue, id];
}
