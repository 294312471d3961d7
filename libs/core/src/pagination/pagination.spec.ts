import { AppError } from '../errors/app-error';
import { KeysetOrder, PageArgs, paginate, toPage } from './pagination';

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

const order: KeysetOrder = { sortColumn: 'e.rank', sortType: 'int', idColumn: 'e.id' };
const id = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;

/** The cursor of a first page of two read with these args, for this list. */
function cursorFor(args: PageArgs & Record<string, unknown>, list: KeysetOrder = order): string {
  const rows = [1, 2, 3].map((n) => ({ rank: n, id: id(n) }));
  return toPage(
    rows,
    { ...args, limit: 2 },
    list,
    (row) => ({ sort: list.sortColumn ? row.rank : undefined, id: row.id }),
    (row) => row,
  ).nextCursor!;
}

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a rejection');
}

describe('keyset pagination', () => {
  it('fetches one extra row and turns it into a cursor that resumes after the last item', () => {
    const rows = [1, 2, 3].map((n) => ({ rank: n, id: id(n) }));
    const page = toPage(
      rows,
      { limit: 2 },
      order,
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
        order,
        (row) => ({ id: row.id }),
        (row) => row,
      ).nextCursor,
    ).toBeNull();
  });

  it.each([
    ['not base64 JSON', 'abc'],
    ['a number', Buffer.from('42').toString('base64url')],
    ['a cursor of the unbound format', Buffer.from(JSON.stringify([2, id(2)])).toString('base64url')],
    ['a cursor for another sort', retyped(cursorFor({}), 'text')],
    [
      'a bad id',
      Buffer.from(JSON.stringify([bindingOf(cursorFor({})), 1, 'not-a-uuid'])).toString('base64url'),
    ],
    [
      'too many parts',
      Buffer.from(JSON.stringify([bindingOf(cursorFor({})), 1, 2, id(1)])).toString('base64url'),
    ],
  ])('rejects %s as an invalid cursor naming the field', (_label, cursor) => {
    const { query } = fakeQuery();
    const error = refusal(() => paginate(query, { cursor }, order));
    expect(error.code).toBe('pagination.invalid_cursor');
    expect(error.errors).toEqual([{ path: 'cursor', message: expect.any(String) }]);
  });

  describe('binding to the list and its filters', () => {
    const filters = { status: 'open', environmentId: id(7), from: new Date('2026-01-01T00:00:00Z') };

    it('resumes with the same filters, in any key order and with another limit', () => {
      const cursor = cursorFor(filters);
      const { query, calls } = fakeQuery();
      paginate(
        query,
        {
          from: new Date('2026-01-01T00:00:00Z'),
          environmentId: id(7),
          status: 'open',
          limit: 50,
          cursor,
        } as PageArgs,
        order,
      );
      expect(calls.where).toEqual([
        ['(e.rank, e.id) > (:cursorSort, :cursorId)', { cursorSort: 2, cursorId: id(2) }],
      ]);
      expect(calls.limit).toBe(51);
    });

    it('treats a filter sent as null (GraphQL) like one left out (REST)', () => {
      const cursor = cursorFor({ status: 'open' });
      const { query, calls } = fakeQuery();
      paginate(query, { status: 'open', environmentId: null, cursor } as PageArgs, order);
      expect(calls.where).toHaveLength(1);
    });

    it.each([
      ['another value of a filter', { ...filters, environmentId: id(8) }, order],
      ['a filter dropped', { status: 'open', environmentId: id(7) }, order],
      ['a filter added', { ...filters, severity: 'sev1' }, order],
      ['another instant', { ...filters, from: new Date('2026-01-01T00:00:00.001Z') }, order],
      ['another direction', filters, { ...order, direction: 'DESC' as const }],
      ['another list with the same key types', filters, { ...order, idColumn: 'other.id' }],
      ['another scope (path parameter)', filters, { ...order, scope: { incidentId: id(9) } }],
    ])('refuses a cursor resumed with %s, saying it belongs to other filters', (_what, args, list) => {
      const cursor = cursorFor(filters);
      const { query, calls } = fakeQuery();
      const error = refusal(() => paginate(query, { ...args, cursor } as PageArgs, list));
      expect(error.code).toBe('pagination.invalid_cursor');
      expect(error.status).toBe(400);
      expect(error.errors).toEqual([
        { path: 'cursor', message: 'cursor belongs to other filters; start again without it' },
      ]);
      expect(calls.where).toEqual([]);
    });

    it('binds scoped lists to their scope', () => {
      const scoped = { ...order, scope: { environmentId: id(5) } };
      const cursor = cursorFor({}, scoped);
      expect(() => paginate(fakeQuery().query, { cursor }, scoped)).not.toThrow();
      expect(() =>
        paginate(fakeQuery().query, { cursor }, { ...order, scope: { environmentId: id(6) } }),
      ).toThrow(AppError);
    });

    it('stays short: an id-only cursor under three filters is under 80 characters', () => {
      const cursor = cursorFor(filters, { idColumn: 'e.id', direction: 'DESC' });
      expect(cursor.length).toBeLessThan(80);
    });
  });
});

function decoded(cursor: string): unknown[] {
  return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
}

function bindingOf(cursor: string): unknown {
  return decoded(cursor)[0];
}

/** The same cursor (binding intact) with another sort value, as a tampering client would send it. */
function retyped(cursor: string, sort: unknown): string {
  const [binding, , key] = decoded(cursor);
  return Buffer.from(JSON.stringify([binding, sort, key])).toString('base64url');
}
