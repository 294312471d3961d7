import { KeysetOrder, toPage } from '@opsplane/core';
import Fastify, { FastifyInstance } from 'fastify';
import pg, { CustomTypesConfig } from 'pg';

export interface CapturedQuery {
  sql: string;
  params: unknown[];
}

type Row = Record<string, unknown>;

/** One list route of the yardstick. */
export interface BareListRoute {
  /** Opsplane's path, e.g. `/v1/environments`. */
  path: string;
  /** The SQL (text and parameters) Opsplane sent for this list. */
  query: CapturedQuery;
  limit: number;
  /** JSON schema of one item: Opsplane's, so both serialise alike. */
  itemSchema: object;
  /** Captured parameters taken from the request's query string instead: parameter index → field. */
  boundParams?: Record<number, string>;
  /** Adds what Opsplane's model computes from the row (e.g. a flag); rows are otherwise served as read. */
  completeRow?: (row: Row) => void;
  /** Opsplane's keyset order of this list: the cursor is bound to it and to the query's filters. */
  order: KeysetOrder;
  /** The keyset of the last row, as Opsplane's service hands it to `toPage`. */
  keyOf: (row: Row) => { sort?: string | number; id: string };
}

export interface BareServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The yardstick: Opsplane's list routes as plain Fastify routes on a plain pg pool, running the
 * very SQL (text and parameters) Opsplane sent for the same request, cutting the `limit + 1`th
 * row into a cursor with Opsplane's own `toPage` (bound to the same filters), and serialising with the same response schema — so the
 * bodies are byte-identical and any difference in throughput is Opsplane's request pipeline.
 * No auth, no request ids, no logs, no metrics, no validation: that is what it measures against.
 */
export async function startBareServer(options: {
  databaseUrl: string;
  poolMax: number;
  routes: BareListRoute[];
  /** The pool's type parsers; pg's defaults when not given. */
  types?: CustomTypesConfig;
}): Promise<BareServer> {
  // Same pool size and session settings as data-source-options.ts gives TypeORM's pool.
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolMax,
    application_name: 'opsplane-bench-bare',
    types: options.types,
    statement_timeout: 30_000,
    idle_in_transaction_session_timeout: 60_000,
  });
  const server: FastifyInstance = Fastify({ logger: false });
  for (const route of options.routes) {
    const { query, limit, order, keyOf, completeRow } = route;
    const bound = Object.entries(route.boundParams ?? {}).map(
      ([index, field]) => [Number(index), field] as const,
    );
    const pageSchema = {
      type: 'object',
      properties: {
        items: { type: 'array', items: route.itemSchema },
        nextCursor: { type: ['string', 'null'] },
      },
      required: ['items', 'nextCursor'],
    };
    server.get(route.path, { schema: { response: { 200: pageSchema } } }, async (request) => {
      let params = query.params;
      if (bound.length > 0) {
        const fields = request.query as Record<string, string>;
        params = [...params];
        for (const [index, field] of bound) params[index] = fields[field];
      }
      const { rows } = await pool.query<Row>(query.sql, params);
      // The query string's filters are text here and typed in Opsplane; the benchmarked lists
      // filter by ids only, which are text in both, so the binding comes out the same.
      const args = { ...(request.query as Record<string, string>), limit };
      return toPage(rows, args, order, keyOf, (row) => {
        completeRow?.(row);
        return row;
      });
    });
  }
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    async close() {
      await server.close();
      await pool.end();
    },
  };
}

/** Each path from both servers: 200, the same bytes; the first a full page. Answers the first page's size. */
export async function checkSameBodies(
  opsplaneUrl: string,
  bareUrl: string,
  paths: string[],
  token: string,
  firstPage: { items: number; what: string },
): Promise<number> {
  let firstSize = 0;
  for (const path of paths) {
    const [ours, theirs] = await Promise.all(
      [opsplaneUrl, bareUrl].map(async (base) => {
        const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
        const text = await response.text();
        if (response.status !== 200)
          throw new Error(`${base}${path} answered ${response.status}: ${text.slice(0, 500)}`);
        return text;
      }),
    );
    if (ours !== theirs)
      throw new Error(
        `the bare handler's body differs from Opsplane's for ${path}:\n  opsplane: ${ours!.slice(0, 300)}…\n  bare:     ${theirs!.slice(0, 300)}…`,
      );
    if (!firstSize) {
      firstSize = Buffer.byteLength(ours!);
      const items = (JSON.parse(ours!) as { items: unknown[] }).items.length;
      if (items !== firstPage.items)
        throw new Error(`expected a full page of ${firstPage.items} ${firstPage.what}, got ${items}`);
    }
  }
  return firstSize;
}
