import { AppError } from '../errors/app-error';
import { paginate, toPage } from './pagination';

/** Just enough of a query builder to see what paginate adds. */
function fakeQuery() {
  const calls: { where: [string, Record<string, unknown>][]; order: string[]; limit?: number } = {
    where: [],
    order: [],
  };
  const query = {
    andWhere(sql: string, params: Record<string, unknown>) {
      calls.where.push([sql, params]);
      return query;
    },
    orderBy(column: string, direction: string) {
      calls.order = [`${column} ${direction}`];
      return query;
    },
    addOrderBy(column: string, direction: string) {
      calls.order.push(`${column} ${direction}`);
      return query;
    },
    limit(limit: number) {
      calls.limit = limit;
      return query;
    },
  };
  return { query: query as never, calls };
}

const order = { sortColumn: 'e.rank', sortType: 'int' as const, idColumn: 'e.id' };
const id = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;

describe('keyset pagination', () => {
  it('fetches one extra row and turns it into a cursor that resumes after the last item', () => {
    const rows = [1, 2, 3].map((n) => ({ rank: n, id: id(n) }));
    const page = toPage(
      rows,
      { limit: 2 },
      (row) => ({ sort: row.rank, id: row.id }),
      (row) => row.id,
    );
    expect(page.items).toEqual([id(1), id(2)]);
    expect(page.nextCursor).not.toBeNull();

    const { query, calls } = fakeQuery();
    paginate(query, { limit: 2, cursor: page.nextCursor! }, order);
    expect(calls.where).toEqual([
      ['(e.rank, e.id) > (:cursorSort, :cursorId)', { cursorSort: 2, cursorId: id(2) }],
    ]);
    expect(calls.order).toEqual(['e.rank ASC', 'e.id ASC']);
    expect(calls.limit).toBe(3);
  });

  it('has no next cursor on the last page', () => {
    expect(
      toPage(
        [{ id: id(1) }],
        { limit: 2 },
        (row) => ({ id: row.id }),
        (row) => row,
      ).nextCursor,
    ).toBeNull();
  });

  it.each([
    ['not base64 JSON', 'abc'],
    ['a number', Buffer.from('42').toString('base64url')],
    ['a cursor for another sort', Buffer.from(JSON.stringify(['text', id(1)])).toString('base64url')],
    ['a bad id', Buffer.from(JSON.stringify([1, 'not-a-uuid'])).toString('base64url')],
    ['too many parts', Buffer.from(JSON.stringify([1, 2, id(1)])).toString('base64url')],
  ])('rejects %s as an invalid cursor naming the field', (_label, cursor) => {
    const { query } = fakeQuery();
    try {
      paginate(query, { cursor }, order);
      throw new Error('expected a rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('pagination.invalid_cursor');
      expect((error as AppError).errors).toEqual([{ path: 'cursor', message: expect.any(String) }]);
    }
  });
});
