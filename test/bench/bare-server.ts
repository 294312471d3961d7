import { EnvironmentModel } from '@opsplane/catalog';
import { jsonSchemaOf } from '@opsplane/core';
import Fastify, { FastifyInstance } from 'fastify';
import pg from 'pg';

export interface CapturedQuery {
  sql: string;
  params: unknown[];
}

export interface BareServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The yardstick: `GET /v1/environments` as a plain Fastify route on a plain pg pool, running the
 * very SQL (text and parameters) Opsplane sent for the same request, cutting the `limit + 1`th
 * row into a cursor the same way, and serialising with the same response schema — so the two
 * bodies are byte-identical and any difference in throughput is Opsplane's request pipeline.
 * No auth, no request ids, no logs, no metrics, no validation: that is what it measures against.
 */
export async function startBareServer(options: {
  databaseUrl: string;
  poolMax: number;
  query: CapturedQuery;
  limit: number;
}): Promise<BareServer> {
  const { query, limit } = options;
  // Same pool size and session settings as data-source-options.ts gives TypeORM's pool.
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolMax,
    application_name: 'opsplane-bench-bare',
    statement_timeout: 30_000,
    idle_in_transaction_session_timeout: 60_000,
  });
  const pageSchema = {
    type: 'object',
    properties: {
      items: { type: 'array', items: jsonSchemaOf(EnvironmentModel) },
      nextCursor: { type: ['string', 'null'] },
    },
    required: ['items', 'nextCursor'],
  };
  const server: FastifyInstance = Fastify({ logger: false });
  server.get('/v1/environments', { schema: { response: { 200: pageSchema } } }, async () => {
    const { rows } = await pool.query<{ id: string; rank: number }>(query.sql, query.params);
    const hasMore = rows.length > limit;
    const items = hasMore ? rows.slice(0, limit) : rows;
    const last = items[items.length - 1];
    const nextCursor =
      hasMore && last ? Buffer.from(JSON.stringify([last.rank, last.id])).toString('base64url') : null;
    return { items, nextCursor };
  });
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    async close() {
      await server.close();
      await pool.end();
    },
  };
}
