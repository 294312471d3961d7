import { ApiKeysService, HotSelect, selectColumns, systemActor, Transactions } from '@opsplane/core';
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
 * Hot reads (`selectColumns`, libs/core/src/database/hot-select.ts) have TypeORM build their SQL
 * once per query shape and only bind values afterwards. These tests check that the rows are
 * exactly what TypeORM's own `getRawMany` returns for each shape, that the SQL is built once,
 * that shapes are kept apart, and what the services rely on: reads inside the open transaction
 * when given its manager, every statement on TypeORM's logger (statement-counting tests watch
 * it), and failures as QueryFailedError carrying PostgreSQL's code.
 */
describe('hot reads', () => {
  let t: TestApp;
  let dataSource: DataSource;
  let getQuery: jest.SpyInstance;
  const team = unique('hot');
  const keyIds: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    dataSource = t.app.get(DataSource);
    const apiKeys = t.app.get(ApiKeysService);
    for (const [i, role] of (['viewer', 'operator', 'viewer'] as const).entries()) {
      const created = await apiKeys.create(systemActor('tests', 'hot'), { name: `${team}-${i}`, role });
      keyIds.push(created.apiKey.id);
    }
  });
  beforeEach(() => {
    getQuery = jest.spyOn(SelectQueryBuilder.prototype, 'getQuery');
  });
  afterEach(() => getQuery.mockRestore());
  afterAll(() => t.close());

  const select = (manager: EntityManager = dataSource.manager) =>
    selectColumns(manager, ApiKeyEntity, 'key', COLUMNS);
  /** The same query as TypeORM's builder: TypeORM's own answer to compare with. */
  const reference = () => {
    const query = dataSource.manager.getRepository(ApiKeyEntity).createQueryBuilder('key');
    query.select(`key.${COLUMNS[0]}`, COLUMNS[0]);
    for (const column of COLUMNS.slice(1)) query.addSelect(`key.${column}`, column);
    return query;
  };
  const byRole = <Q extends HotSelect<ApiKeyEntity> | SelectQueryBuilder<ApiKeyEntity>>(
    query: Q,
    role: string,
  ) =>
    query
      .where('key.name LIKE :prefix', { prefix: `${team}-%` })
      .andWhere('key.role = :role', { role })
      .orderBy('key.id', 'DESC')
      .limit(10);

  it('builds the SQL of a shape once and answers every request with the rows TypeORM would', async () => {
    const viewers = await byRole(select(), 'viewer').getRawMany<Row>();
    const operators = await byRole(select(), 'operator').getRawMany<Row>();
    const viewersAgain = await byRole(select(), 'viewer').getRawMany<Row>();
    const built = getQuery.mock.calls.length;

    expect(viewers).toEqual(await byRole(reference(), 'viewer').getRawMany<Row>());
    expect(operators).toEqual(await byRole(reference(), 'operator').getRawMany<Row>());
    expect(viewersAgain).toEqual(viewers);
    expect(viewers.map((row) => row.id)).toEqual([keyIds[2], keyIds[0]]);
    expect(operators.map((row) => row.id)).toEqual([keyIds[1]]);
    expect(Object.keys(viewers[0]!).sort()).toEqual([...COLUMNS].sort());
    expect(viewers[0]!.createdAt).toBeInstanceOf(Date);
    expect(built).toBe(1);
  });

  it('keeps shapes apart: other conditions, another limit, another order, a missing parameter', async () => {
    const prefixed = (order: 'ASC' | 'DESC', limit: number) =>
      select()
        .where('key.name LIKE :prefix', { prefix: `${team}-%` })
        .orderBy('key.id', order)
        .limit(limit)
        .getRawMany<Row>();
    expect((await prefixed('ASC', 2)).map((row) => row.id)).toEqual(keyIds.slice(0, 2));
    expect((await prefixed('ASC', 3)).map((row) => row.id)).toEqual(keyIds);
    expect((await prefixed('DESC', 3)).map((row) => row.id)).toEqual([...keyIds].reverse());
    const one = await select().where('key.id = :id', { id: keyIds[1] }).getRawOne<Row>();
    expect(one).toEqual((await reference().where('key.id = :id', { id: keyIds[1] }).getRawMany<Row>())[0]);
    // The first test's shape with the role parameter missing: TypeORM leaves `:role` in the SQL.
    // It must not be served that shape's statement (which would quietly bind NULL and find nothing).
    await byRole(select(), 'viewer').getRawMany();
    const withoutRole = select()
      .where('key.name LIKE :prefix', { prefix: `${team}-%` })
      .andWhere('key.role = :role')
      .orderBy('key.id', 'DESC')
      .limit(10);
    await expect(withoutRole.getRawMany()).rejects.toThrow(/syntax error/);
  });

  it('refuses where() after a condition, which TypeORM would have replaced', () => {
    expect(() =>
      select().andWhere('key.role = :role', { role: 'viewer' }).where('key.id = :id', { id: keyIds[0] }),
    ).toThrow(/andWhere/);
  });

  it('expands `:...list` parameters', async () => {
    const of = (ids: string[]) =>
      select().where('key.id IN (:...ids)', { ids }).orderBy('key.id').getRawMany<Row>();
    expect((await of([keyIds[0]!])).map((row) => row.id)).toEqual([keyIds[0]]);
    expect((await of(keyIds)).map((row) => row.id)).toEqual(keyIds);
    expect((await of([keyIds[2]!, keyIds[1]!])).map((row) => row.id)).toEqual([keyIds[1], keyIds[2]]);
  });

  it('logs every statement to TypeORM’s logger and fails as QueryFailedError with PostgreSQL’s code', async () => {
    const logQuery = jest.spyOn(dataSource.logger, 'logQuery');
    try {
      const rows = await select().where('key.id = :id', { id: keyIds[2] }).getRawMany<Row>();
      expect(rows.map((row) => row.id)).toEqual([keyIds[2]]);
      expect(logQuery).toHaveBeenCalledWith(
        expect.stringContaining('FROM "api_keys"'),
        [keyIds[2]],
        expect.anything(), // the query runner
      );
    } finally {
      logQuery.mockRestore();
    }
    const failure = await select()
      .where('key.id = :id', { id: 'not-a-uuid' })
      .getRawMany()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect((failure as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('22P02');
  });

  it('reads inside the open transaction when the builder comes from its manager', async () => {
    const id = keyIds[0]!;
    const renamed = unique('renamed');
    await t.app
      .get(Transactions)
      .run(async (manager) => {
        await manager.update(ApiKeyEntity, { id }, { name: renamed });
        const inside = await select(manager).where('key.id = :id', { id }).getRawOne<Row>();
        const outside = await select().where('key.id = :id', { id }).getRawOne<Row>();
        expect(inside?.name).toBe(renamed);
        expect(outside?.name).toBe(`${team}-0`);
        throw new Error('roll back');
      })
      .catch((error: Error) => expect(error.message).toBe('roll back'));
    expect((await select().where('key.id = :id', { id }).getRawOne<Row>())?.name).toBe(`${team}-0`);
  });
});
