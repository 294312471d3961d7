import {
  DataSource,
  EntityMetadata,
  ObjectLiteral,
  QueryFailedError,
  QueryRunner,
  SelectQueryBuilder,
} from 'typeorm';

/** The part of pg's pool (TypeORM's `driver.master`) a read uses. */
interface PgPool {
  query(sql: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * The SQL TypeORM generates for a hot read, kept per query shape so that each request only binds
 * its parameters.
 *
 * Turning a query builder into SQL is most of what TypeORM costs on a list request (it walks
 * every column of the entity and rewrites property paths with a regular expression built per
 * call), yet the text depends only on the shape of the query — which columns, which conditions
 * in which order, the ordering, the limit — never on the values. So the first request of a shape
 * pays for the generation and later ones look the statement up by a key made of that shape.
 *
 * Only plain builders are cached: one entity, string selections and conditions, no joins,
 * grouping, locks, CTEs, DISTINCT, skip/take, query-result cache or find options. Anything else
 * runs through TypeORM as usual, so a shape the key cannot describe is never served a wrong
 * statement.
 */
interface Statement {
  sql: string;
  /** For each positional parameter, the named parameter it takes and, for `:...list`, the element. */
  slots: { name: string; element: number }[];
}

/** Shapes kept per entity and selection; lists have a handful (filters × limits), so this bound is never reached in practice. */
const MAX_SHAPES = 500;

/** Entity → selection key → the rest of the shape's key → statement. */
const statements = new WeakMap<EntityMetadata, Map<string, Map<string, Statement>>>();

/**
 * The key of a `selectColumns` selection, made once per column list and alias: the columns are
 * most of a shape's key, and most hot reads pass the same constant list every time.
 */
const selectionKeys = new WeakMap<readonly string[], Map<string, string>>();

/** What `selectColumns` selected: the select entries it added, and their key. */
interface Selection {
  entries: readonly unknown[];
  key: string;
}

/** A positional parameter's origin, recognisable in what the driver's placeholder rewrite returns. */
class Slot {
  constructor(
    readonly name: string,
    readonly element: number,
  ) {}
}

type Builder = SelectQueryBuilder<ObjectLiteral>;

/**
 * Makes the builder's raw reads (`getRawMany`, and `getRawOne`, which TypeORM runs through it) use
 * the statement cache; `columns` are those `selectColumns` has just selected. The rows are what
 * `getRawMany` would return: the same SQL, on the open transaction's query runner when the builder
 * was made from its manager, otherwise on a pooled connection (`queryPool`).
 */
export function useStatementCache<E extends ObjectLiteral>(
  query: SelectQueryBuilder<E>,
  columns: readonly string[],
): SelectQueryBuilder<E> {
  const builder = query as unknown as Builder;
  const selection: Selection = {
    entries: [...builder.expressionMap.selects],
    key: selectionKey(columns, builder.alias),
  };
  const uncached: () => Promise<unknown[]> = builder.getRawMany.bind(builder);
  builder.getRawMany = (() => rawMany(builder, selection, uncached)) as Builder['getRawMany'];
  return query;
}

function selectionKey(columns: readonly string[], alias: string): string {
  let byAlias = selectionKeys.get(columns);
  if (!byAlias) {
    byAlias = new Map<string, string>();
    selectionKeys.set(columns, byAlias);
  }
  let key = byAlias.get(alias);
  if (key === undefined) {
    key = `${alias}:${columns.join(',')}`;
    byAlias.set(alias, key);
  }
  return key;
}

async function rawMany(
  query: Builder,
  selection: Selection,
  uncached: () => Promise<unknown[]>,
): Promise<unknown[]> {
  const parameters = query.getParameters();
  const metadata = query.expressionMap.mainAlias?.metadata;
  const selects = selectsKey(query, selection);
  const rest = selects === undefined ? undefined : shapeKey(query, parameters);
  if (!metadata || selects === undefined || rest === undefined) return uncached();
  let bySelection = statements.get(metadata);
  if (!bySelection) {
    bySelection = new Map<string, Map<string, Statement>>();
    statements.set(metadata, bySelection);
  }
  let byShape = bySelection.get(selects);
  if (!byShape) {
    byShape = new Map<string, Statement>();
    bySelection.set(selects, byShape);
  }
  let statement = byShape.get(rest);
  if (!statement) {
    statement = prepare(query, parameters);
    if (byShape.size >= MAX_SHAPES) byShape.clear();
    byShape.set(rest, statement);
  }
  const values = statement.slots.map(({ name, element }): unknown =>
    element < 0 ? parameters[name] : (parameters[name] as unknown[])[element],
  );
  // The builder's own runner inside a transaction; otherwise straight from the pool.
  const runner = (query as unknown as { queryRunner?: QueryRunner }).queryRunner;
  if (runner) return query.dataSource.query<unknown[]>(statement.sql, values, runner);
  return queryPool(query.dataSource, statement.sql, values);
}

/**
 * A read outside any transaction, on the pool: what `DataSource.query` does, less what a hot
 * read never needs. TypeORM makes a query runner per statement, takes a connection for it
 * and hangs an error listener on it, announces the query to subscribers before and after
 * (there are none) and wraps the rows in a result object — about 15 µs a request in a profile
 * of GET /v1/deployments. The query is still logged to TypeORM's logger (statement-counting
 * tests watch it), and a failure still arrives as TypeORM's QueryFailedError.
 */
async function queryPool(dataSource: DataSource, sql: string, values: unknown[]): Promise<unknown[]> {
  const pool = (dataSource.driver as unknown as { master?: PgPool }).master;
  if (!pool) return dataSource.query<unknown[]>(sql, values);
  dataSource.logger.logQuery(sql, values);
  try {
    return (await pool.query(sql, values)).rows;
  } catch (error) {
    dataSource.logger.logQueryError(error as Error, sql, values);
    throw new QueryFailedError(sql, values, error as Error);
  }
}

/** The SQL with positional placeholders, and where each placeholder's value comes from. */
function prepare(query: Builder, parameters: ObjectLiteral): Statement {
  const probe: Record<string, Slot | Slot[]> = {};
  for (const [name, value] of Object.entries(parameters))
    probe[name] = Array.isArray(value) ? value.map((_, i) => new Slot(name, i)) : new Slot(name, -1);
  const [sql, slots] = query.dataSource.driver.escapeQueryWithParameters(query.getQuery(), probe);
  return {
    sql,
    slots: (slots as unknown[]).map((slot) => {
      if (!(slot instanceof Slot)) throw new Error('statement cache: a placeholder came from no parameter');
      return { name: slot.name, element: slot.element };
    }),
  };
}

/**
 * The selection's key: the one made when `selectColumns` selected, if the selection is still
 * exactly what it selected; else made from the select entries now (undefined if one is not a string).
 */
function selectsKey(query: Builder, selection: Selection): string | undefined {
  const selects = query.expressionMap.selects;
  if (
    selects.length === selection.entries.length &&
    selects.every((entry, i) => entry === selection.entries[i])
  )
    return selection.key;
  const parts: string[] = [query.alias];
  for (const select of selects) {
    if (typeof select.selection !== 'string') return undefined;
    parts.push(`${select.selection} AS ${select.aliasName ?? ''}`);
  }
  return `\u0000${parts.join('\u0001')}`;
}

/**
 * Everything else the generated SQL depends on, or undefined when the builder uses a feature
 * outside what this key describes.
 */
function shapeKey(query: Builder, parameters: ObjectLiteral): string | undefined {
  const map = query.expressionMap;
  const findOptions = (query as unknown as { findOptions?: object }).findOptions;
  if (
    map.queryType !== 'select' ||
    !map.mainAlias?.hasMetadata ||
    map.aliases.length !== 1 ||
    map.subQuery ||
    map.joinAttributes.length > 0 ||
    map.relationIdAttributes.length > 0 ||
    map.groupBys.length > 0 ||
    map.havings.length > 0 ||
    map.commonTableExpressions.length > 0 ||
    map.selectDistinct ||
    map.selectDistinctOn.length > 0 ||
    map.lockMode !== undefined ||
    map.onLocked !== undefined ||
    map.lockTables !== undefined ||
    map.skip !== undefined ||
    map.take !== undefined ||
    map.offset !== undefined ||
    map.useIndex !== undefined ||
    Boolean(map.timeTravel) ||
    map.comment !== undefined ||
    map.maxExecutionTime > 0 ||
    map.cache === true ||
    map.useTransaction ||
    map.options.length > 0 ||
    map.extraAppendedAndWhereCondition !== '' ||
    !map.disableEscaping ||
    !map.aliasNamePrefixingEnabled ||
    (findOptions !== undefined && Object.keys(findOptions).length > 0)
  )
    return undefined;
  let key = `${map.withDeleted ? 'D' : ''}${map.limit ?? ''}`;
  for (const where of map.wheres) {
    if (typeof where.condition !== 'string') return undefined;
    key += `\u0001${where.type}\u0002${where.condition}`;
  }
  for (const [column, order] of Object.entries(map.orderBys))
    key += `\u0003${column}\u0002${typeof order === 'string' ? order : `${order.order} ${order.nulls ?? ''}`}`;
  // Names decide which `:name`s become placeholders; a `:...list` becomes one per element.
  for (const [name, value] of Object.entries(parameters)) {
    if (typeof value === 'function') return undefined;
    key += `\u0004${name}${Array.isArray(value) ? `\u0002${value.length}` : ''}`;
  }
  return key;
}
