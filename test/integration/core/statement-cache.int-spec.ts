import { ApiKeysService, selectColumns, systemActor, Transactions } from '@opsplane/core';
import { DataSource, EntityManager, QueryFailedError, SelectQueryBuilder } from 'typeorm';
import { ApiKeyEntity } from '../../../libs/core/src/auth/api-key.entity';
import { createTestApp, TestApp, unique } from '../../support/test-app';

const COLUMNS = ['id', 'name', 'role', 'createdAt'] as const;

interface Row {
  id: string;
  name: string;
  role: string;
  createdAt: Date;
}

/**
 * Hot reads built with `selectColumns` generate their SQL once per query shape and only bind
 * parameters afterwards (libs/core/src/database/statement-cache.ts). These tests check that the
 * rows are exactly what TypeORM's own `getRawMany` returns for every shape, that the SQL is really
 * generated once, and that what the cache cannot describe still runs through TypeORM.
 */
describe('statement cache of hot reads', () => {
  let t: TestApp;
  let dataSource: DataSource;
  let getQuery: jest.SpyInstance;
  const team = unique('cache');
  const keyIds: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    dataSource = t.app.get(DataSource);
    const apiKeys = t.app.get(ApiKeysService);
    for (const [i, role] of (['viewer', 'operator', 'viewer'] as const).entries()) {
      const created = await apiKeys.create(systemActor('tests', 'cache'), { name: `${team}-${i}`, role });
      keyIds.push(created.apiKey.id);
    }
  });
  beforeEach(() => {
    getQuery = jest.spyOn(SelectQueryBuilder.prototype, 'getQuery');
  });
  afterEach(() => getQuery.mockRestore());
  afterAll(() => t.close());

  const cached = (manager: EntityManager = dataSource.manager) =>
    selectColumns(manager.getRepository(ApiKeyEntity).createQueryBuilder('key'), COLUMNS);
  /** The same query without the cache: TypeORM's own answer to compare with. */
  const reference = (manager: EntityManager = dataSource.manager) => {
    const query = manager.getRepository(ApiKeyEntity).createQueryBuilder('key');
    query.select(`key.${COLUMNS[0]}`, COLUMNS[0]);
    for (const column of COLUMNS.slice(1)) query.addSelect(`key.${column}`, column);
    return query;
  };
  const byRole = (query: SelectQueryBuilder<ApiKeyEntity>, role: string) =>
    query
      .where('key.name LIKE :prefix', { prefix: `${team}-%` })
      .andWhere('key.role = :role', { role })
      .orderBy('key.id', 'DESC')
      .limit(10);

  it('generates the SQL of a shape once and answers every request with the rows TypeORM would', async () => {
    const viewers = await byRole(cached(), 'viewer').getRawMany<Row>();
    const operators = await byRole(cached(), 'operator').getRawMany<Row>();
    const viewersAgain = await byRole(cached(), 'viewer').getRawMany<Row>();
    const generatedByCache = getQuery.mock.calls.length;

    expect(viewers).toEqual(await byRole(reference(), 'viewer').getRawMany<Row>());
    expect(operators).toEqual(await byRole(reference(), 'operator').getRawMany<Row>());
    expect(viewersAgain).toEqual(viewers);
    expect(viewers.map((row) => row.id)).toEqual([keyIds[2], keyIds[0]]);
    expect(operators.map((row) => row.id)).toEqual([keyIds[1]]);
    expect(viewers[0]!.createdAt).toBeInstanceOf(Date);
    // At most once for the three requests (zero if an earlier test already made this shape).
    expect(generatedByCache).toBeLessThanOrEqual(1);
  });

  it('keeps shapes apart: other conditions, another limit, another order, getRawOne', async () => {
    const noRole = await cached()
      .where('key.name LIKE :prefix', { prefix: `${team}-%` })
      .orderBy('key.id', 'ASC')
      .limit(2)
      .getRawMany<Row>();
    expect(noRole.map((row) => row.id)).toEqual(keyIds.slice(0, 2));
    const three = await cached()
      .where('key.name LIKE :prefix', { prefix: `${team}-%` })
      .orderBy('key.id', 'ASC')
      .limit(3)
      .getRawMany<Row>();
    expect(three.map((row) => row.id)).toEqual(keyIds);
    const one = await cached().where('key.id = :id', { id: keyIds[1] }).getRawOne<Row>();
    expect(one).toEqual((await reference().where('key.id = :id', { id: keyIds[1] }).getRawMany<Row>())[0]);
    // The first test's shape with the role parameter missing: TypeORM leaves `:role` in the SQL.
    // It must not be served that shape's statement (which would quietly bind NULL and find nothing).
    await byRole(cached(), 'viewer').getRawMany();
    const withoutRole = cached()
      .where('key.name LIKE :prefix', { prefix: `${team}-%` })
      .andWhere('key.role = :role')
      .orderBy('key.id', 'DESC')
      .limit(10);
    await expect(withoutRole.getRawMany()).rejects.toThrow(/syntax error/);
  });

  it('expands `:...list` parameters per length', async () => {
    const of = (ids: string[]) =>
      cached().where('key.id IN (:...ids)', { ids }).orderBy('key.id').getRawMany<Row>();
    expect((await of([keyIds[0]!])).map((row) => row.id)).toEqual([keyIds[0]]);
    expect((await of(keyIds)).map((row) => row.id)).toEqual(keyIds);
    expect((await of([keyIds[2]!, keyIds[1]!])).map((row) => row.id)).toEqual([keyIds[1], keyIds[2]]);
  });

  it('reads outside a transaction straight from the pool, logged and failing as TypeORM would', async () => {
    const logQuery = jest.spyOn(dataSource.logger, 'logQuery');
    try {
      const rows = await cached().where('key.id = :id', { id: keyIds[2] }).getRawMany<Row>();
      expect(rows.map((row) => row.id)).toEqual([keyIds[2]]);
      expect(logQuery).toHaveBeenCalledWith(expect.stringContaining('FROM "api_keys"'), [keyIds[2]]);
    } finally {
      logQuery.mockRestore();
    }
    const failure = await cached()
      .where('key.id = :id', { id: 'not-a-uuid' })
      .getRawMany()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QueryFailedError);
    // PostgreSQL's own error, with its code, as TypeORM's query runner would have wrapped it.
    expect((failure as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('22P02');
  });

  it('reads inside the open transaction when the builder comes from its manager', async () => {
    const id = keyIds[0]!;
    const renamed = unique('renamed');
    await t.app
      .get(Transactions)
      .run(async (manager) => {
        await manager.update(ApiKeyEntity, { id }, { name: renamed });
        const inside = await cached(manager).where('key.id = :id', { id }).getRawOne<Row>();
        const outside = await cached().where('key.id = :id', { id }).getRawOne<Row>();
        expect(inside?.name).toBe(renamed);
        expect(outside?.name).toBe(`${team}-0`);
        throw new Error('roll back');
      })
      .catch((error: Error) => expect(error.message).toBe('roll back'));
    expect((await cached().where('key.id = :id', { id }).getRawOne<Row>())?.name).toBe(`${team}-0`);
  });

  it('leaves to TypeORM what the cache cannot describe: DISTINCT, locks', async () => {
    const query = () =>
      cached()
        .distinct(true)
        .where('key.name LIKE :prefix', { prefix: `${team}-%` })
        .orderBy('key.id');
    expect((await query().getRawMany<Row>()).map((row) => row.id)).toEqual(keyIds);
    expect((await query().getRawMany<Row>()).map((row) => row.id)).toEqual(keyIds);
    expect(getQuery).toHaveBeenCalledTimes(2);

    getQuery.mockClear();
    await t.app.get(Transactions).run(async (manager) => {
      const locked = await cached(manager)
        .where('key.id = :id', { id: keyIds[1] })
        .setLock('pessimistic_read')
        .getRawOne<Row>();
      expect(locked?.id).toBe(keyIds[1]);
    });
    expect(getQuery).toHaveBeenCalledTimes(1);
  });
});
