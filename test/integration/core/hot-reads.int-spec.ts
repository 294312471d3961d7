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
 * Hot reads select their columns with `selectColumns` and run through TypeORM's public API
 * (libs/core/src/database/query-helpers.ts). These tests pin what the services rely on: rows keyed
 * by property name with values typed, reads inside the open transaction when the builder comes
 * from its manager, every statement on TypeORM's logger (statement-counting tests watch it), and
 * failures as QueryFailedError carrying PostgreSQL's code.
 */
describe('hot reads', () => {
  let t: TestApp;
  let dataSource: DataSource;
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
  afterAll(() => t.close());

  const select = (manager: EntityManager = dataSource.manager) =>
    selectColumns(manager.getRepository(ApiKeyEntity).createQueryBuilder('key'), COLUMNS);
  const byRole = (query: SelectQueryBuilder<ApiKeyEntity>, role: string) =>
    query
      .where('key.name LIKE :prefix', { prefix: `${team}-%` })
      .andWhere('key.role = :role', { role })
      .orderBy('key.id', 'DESC')
      .limit(10);

  it('answers rows keyed by property name, values typed, per filter', async () => {
    const viewers = await byRole(select(), 'viewer').getRawMany<Row>();
    const operators = await byRole(select(), 'operator').getRawMany<Row>();
    expect(viewers.map((row) => row.id)).toEqual([keyIds[2], keyIds[0]]);
    expect(operators.map((row) => row.id)).toEqual([keyIds[1]]);
    expect(Object.keys(viewers[0]!).sort()).toEqual([...COLUMNS].sort());
    expect(viewers[0]!.createdAt).toBeInstanceOf(Date);
    const one = await select().where('key.id = :id', { id: keyIds[1] }).getRawOne<Row>();
    expect(one).toEqual(operators[0]);
  });

  it('expands `:...list` parameters', async () => {
    const of = (ids: string[]) =>
      select().where('key.id IN (:...ids)', { ids }).orderBy('key.id').getRawMany<Row>();
    expect((await of([keyIds[0]!])).map((row) => row.id)).toEqual([keyIds[0]]);
    expect((await of(keyIds)).map((row) => row.id)).toEqual(keyIds);
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

  it('leaves TypeORM’s builder as TypeORM made it (no method replaced on it)', () => {
    const query = select();
    expect(Object.prototype.hasOwnProperty.call(query, 'getRawMany')).toBe(false);
    expect(query.getRawMany).toBe(SelectQueryBuilder.prototype.getRawMany);
  });
});
