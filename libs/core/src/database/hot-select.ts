import { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * A hot read: the model's columns of one entity, conditions, order and limit, as raw rows keyed by
 * property name (no entity hydration), ready for the `toXModel` mappers.
 *
 * Turning a TypeORM query builder into SQL is most of what TypeORM costs on a list request (it
 * walks every column of the entity and rewrites property paths per call: 120–160 µs of CPU for the
 * deployment list, measured), yet the text depends only on the query's shape, never on its values.
 * So this records the calls made on it, and the shape — every call with its strings and parameter
 * names — is the cache key. The first request of a shape has TypeORM build the SQL through its
 * public API (`getQueryAndParameters`, with a marker in place of each value to learn which value
 * each placeholder takes); later requests only bind their values. Since the key is made of
 * everything this class was asked, nothing TypeORM would see can be left out of it. Queries that
 * need more than these calls use TypeORM's builder directly.
 *
 * The statement runs through `EntityManager.query`: on the open transaction's runner when the
 * manager is a transaction's, else on a pooled connection; TypeORM's logger sees it (statement
 * counting tests watch it) and a failure is TypeORM's QueryFailedError with PostgreSQL's code.
 */
export class HotSelect<E extends ObjectLiteral> {
  private key: string;
  private readonly steps: Step[] = [];
  private readonly parameters: ObjectLiteral = {};

  constructor(
    private readonly manager: EntityManager,
    private readonly entity: EntityTarget<E>,
    readonly alias: string,
    private readonly columns: readonly string[],
  ) {
    this.key = `${alias}\u0001${selectionKey(columns)}`;
  }

  /** The first condition; unlike TypeORM's `where`, it does not replace earlier ones, so it refuses to follow one. */
  where(condition: string, parameters?: ObjectLiteral): this {
    if (this.steps.some((step) => step.kind === 'andWhere'))
      throw new Error('hot read: where() after another condition; use andWhere()');
    return this.andWhere(condition, parameters);
  }

  andWhere(condition: string, parameters?: ObjectLiteral): this {
    return this.step({ kind: 'andWhere', condition }, `W${condition}`, parameters);
  }

  orderBy(sort: string, order: 'ASC' | 'DESC' = 'ASC'): this {
    return this.step({ kind: 'orderBy', sort, order }, `O${sort} ${order}`);
  }

  addOrderBy(sort: string, order: 'ASC' | 'DESC' = 'ASC'): this {
    return this.step({ kind: 'addOrderBy', sort, order }, `A${sort} ${order}`);
  }

  limit(limit: number): this {
    return this.step({ kind: 'limit', limit }, `L${limit}`);
  }

  /** An inner join on an entity, for conditions and order only (its columns are not selected). */
  innerJoin(target: Function, alias: string, condition: string): this {
    return this.step(
      { kind: 'innerJoin', target, alias, condition },
      `J${target.name} ${alias} ${condition}`,
    );
  }

  async getRawMany<R = E>(): Promise<R[]> {
    const statement = this.statement();
    return this.manager.query<R[]>(statement.sql, this.values(statement));
  }

  /**
   * This query once for each of `keys`, with `<alias>.<column> = key` added, in one statement: the
   * query becomes the LATERAL side of a nested loop over `unnest(keys)`, so its order and limit
   * hold per key ("the 5 newest deployments of each of these 10 environments" is one round trip,
   * each key read through its index). Answers one list of rows per key, in the order of `keys`.
   */
  async getRawManyPerKey<R = E>(column: string, keys: readonly string[]): Promise<R[][]> {
    if (keys.length === 0) return [];
    this.step({ kind: 'perKey', column }, `K${column}`);
    const statement = this.statement();
    const rows = await this.manager.query<(R & { [PER_KEY]: string })[]>(statement.sql, [
      ...this.values(statement),
      keys,
    ]);
    // Within one key the rows arrive in the LATERAL query's order: a nested loop emits the inner
    // rows of one outer row together and as the inner plan produced them.
    const byKey = new Map<string, R[]>(keys.map((key) => [key.toLowerCase(), []]));
    for (const row of rows) {
      const key = row[PER_KEY];
      delete (row as Partial<typeof row>)[PER_KEY];
      byKey.get(key)?.push(row);
    }
    return keys.map((key) => byKey.get(key.toLowerCase())!);
  }

  /** Like TypeORM's getRawOne: the first row of the same query (no LIMIT added). */
  async getRawOne<R = E>(): Promise<R | undefined> {
    return (await this.getRawMany<R>())[0];
  }

  private statement(): Statement {
    const metadata = this.manager.connection.getMetadata(this.entity);
    // The parameters' names (and lists' lengths) decide the placeholders, so they are part of the shape.
    let key = this.key;
    for (const [name, value] of Object.entries(this.parameters))
      key += `\u0001P${name}${Array.isArray(value) ? `[${value.length}]` : ''}`;
    let byShape = statements.get(metadata);
    if (!byShape) {
      byShape = new Map();
      statements.set(metadata, byShape);
    }
    let statement = byShape.get(key);
    if (!statement) {
      statement = this.prepare();
      if (byShape.size >= MAX_SHAPES) byShape.clear();
      byShape.set(key, statement);
    }
    return statement;
  }

  private values(statement: Statement): unknown[] {
    return statement.slots.map(({ name, element }): unknown =>
      element < 0 ? this.parameters[name] : (this.parameters[name] as unknown[])[element],
    );
  }

  private step(step: Step, key: string, parameters?: ObjectLiteral): this {
    this.steps.push(step);
    this.key += `\u0001${key}`;
    if (parameters) Object.assign(this.parameters, parameters);
    return this;
  }

  /** TypeORM builds the SQL; each value is a marker, so the placeholders tell where each value goes. */
  private prepare(): Statement {
    const query = this.manager.getRepository(this.entity).createQueryBuilder(this.alias);
    const [first, ...rest] = this.columns;
    query.select(`${this.alias}.${first}`, first);
    for (const column of rest) query.addSelect(`${this.alias}.${column}`, column);
    let perKey: string | undefined;
    for (const step of this.steps) {
      if (step.kind === 'perKey') {
        perKey = step.column;
        query.andWhere(`${this.alias}.${step.column} = "${PER_KEY_SOURCE}"."key"`);
      } else if (step.kind === 'andWhere') query.andWhere(step.condition);
      else if (step.kind === 'orderBy') query.orderBy(step.sort, step.order);
      else if (step.kind === 'addOrderBy') query.addOrderBy(step.sort, step.order);
      else if (step.kind === 'limit') query.limit(step.limit);
      else query.innerJoin(step.target, step.alias, step.condition);
    }
    const markers: ObjectLiteral = {};
    for (const [name, value] of Object.entries(this.parameters))
      markers[name] = Array.isArray(value) ? value.map((_, i) => new Slot(name, i)) : new Slot(name, -1);
    query.setParameters(markers);
    const [inner, slots] = query.getQueryAndParameters();
    // The keys are the last parameter; the column's type (from the entity) types the array.
    const keyType = perKey
      ? this.manager.connection.getMetadata(this.entity).findColumnWithPropertyPath(perKey)?.type
      : undefined;
    if (perKey && keyType !== 'uuid' && keyType !== 'text' && keyType !== 'varchar')
      throw new Error(
        `hot read: per-key reads take uuid or text columns, not ${String(keyType)} (${perKey})`,
      );
    const sql = perKey
      ? `SELECT "${PER_KEY_SOURCE}"."key" AS "${PER_KEY}", "per_key_rows".* ` +
        `FROM unnest($${slots.length + 1}::${keyType === 'uuid' ? 'uuid' : 'text'}[]) AS "${PER_KEY_SOURCE}"("key") ` +
        `CROSS JOIN LATERAL (${inner}) AS "per_key_rows"`
      : inner;
    return {
      sql,
      slots: slots.map((slot: unknown) => {
        if (!(slot instanceof Slot)) throw new Error('hot read: a placeholder came from no parameter');
        return { name: slot.name, element: slot.element };
      }),
    };
  }
}

type Step =
  | { kind: 'andWhere'; condition: string }
  | { kind: 'orderBy'; sort: string; order: 'ASC' | 'DESC' }
  | { kind: 'addOrderBy'; sort: string; order: 'ASC' | 'DESC' }
  | { kind: 'limit'; limit: number }
  | { kind: 'innerJoin'; target: Function; alias: string; condition: string }
  | { kind: 'perKey'; column: string };

/** The per-key read's source of keys and the column that tells each row's key. */
const PER_KEY_SOURCE = 'per_key';
const PER_KEY = '__perKey';

interface Statement {
  sql: string;
  /** For each positional parameter, the named parameter it takes and, for `:...list`, the element. */
  slots: { name: string; element: number }[];
}

/** A positional parameter's origin, recognisable in what getQueryAndParameters returns. */
class Slot {
  constructor(
    readonly name: string,
    readonly element: number,
  ) {}
}

/** Shapes kept per entity; lists have a handful (filters × limits), so this bound is never reached in practice. */
const MAX_SHAPES = 500;

/** Entity → shape key → statement. */
const statements = new WeakMap<EntityMetadata, Map<string, Statement>>();

/** Most hot reads pass the same constant column list every time: its part of the key is made once. */
const selectionKeys = new WeakMap<readonly string[], string>();

function selectionKey(columns: readonly string[]): string {
  let key = selectionKeys.get(columns);
  if (key === undefined) {
    key = columns.join(',');
    selectionKeys.set(columns, key);
  }
  return key;
}
