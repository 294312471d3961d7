import { EnvironmentModel } from '@opsplane/catalog';
import { jsonSchemaOf } from '@opsplane/core';
import { DataSource } from 'typeorm';
import { BareServer, startBareServer } from '../bare-server';
import { bareTypes, BenchContext, loadLine, machineLine, print, request, selected } from '../context';
import { scratchDatabase } from '../database';
import { LoadRequest } from '../load';
import { measure, Summary, Target, versusBare } from '../measure';
import {
  captureQueries,
  Opsplane,
  serverVersion,
  startOpsplane,
  theQueryOn,
  watchResponseSchemas,
} from '../opsplane';
import { seedEnvironments } from '../seed';

const LIMIT = 50;
const LIST_PATH = `/v1/environments?limit=${LIMIT}`;
const GRAPHQL_QUERY = `{ environments(limit: ${LIMIT}) { items { id slug name tier rank isProtected endpointUrls facts version createdAt updatedAt archivedAt } nextCursor } }`;

/**
 * Issue 2's benchmark: `GET /v1/environments?limit=50` through Opsplane against a bare Fastify +
 * pg handler on the same SQL (`rest`), and the same page through GraphQL as a share of REST
 * (`graphql`). Seeds environments into a database of its own, dropped afterwards.
 */
export async function environmentsSuite(
  context: BenchContext,
  names: ('bare' | 'rest' | 'graphql')[],
): Promise<void> {
  const { options, server, load } = context;
  const database = await scratchDatabase(server.url);
  let opsplane: Opsplane | undefined;
  let bare: BareServer | undefined;
  try {
    let schemaOf: ReturnType<typeof watchResponseSchemas> = () => '?';
    const app = await startOpsplane(
      database.url,
      options.logLevel,
      (nest) => (schemaOf = watchResponseSchemas(nest)),
    );
    opsplane = app;
    const token = await opsplane.token('viewer');
    await seedEnvironments(opsplane.dataSource, options.environments, options.facts);

    const rest = request(`${opsplane.url}${LIST_PATH}`, token, options);
    const sql = theQueryOn('environments', await captureQueries(opsplane.dataSource, () => send(rest)));
    const targets: Target[] = [];
    for (const name of names) {
      if (name === 'bare') {
        bare = await startBareServer({
          databaseUrl: database.url,
          poolMax: opsplane.config.database.poolMax,
          types: bareTypes(options),
          routes: [
            {
              path: '/v1/environments',
              query: sql,
              limit: LIMIT,
              itemSchema: jsonSchemaOf(EnvironmentModel),
              order: { sortColumn: 'environment.rank', sortType: 'int', idColumn: 'environment.id' },
              keyOf: (row) => ({ sort: row.rank as number, id: row.id as string }),
            },
          ],
        });
        targets.push({
          name,
          label: 'bare fastify+pg',
          request: { ...rest, url: `${bare.url}${LIST_PATH}` },
        });
      } else if (name === 'rest') {
        targets.push({ name, label: 'opsplane REST', request: rest });
      } else {
        targets.push({
          name,
          label: 'opsplane GraphQL',
          request: {
            ...rest,
            url: `${opsplane.url}/graphql`,
            method: 'POST',
            body: JSON.stringify({ query: GRAPHQL_QUERY }),
          },
        });
      }
    }
    const bodyBytes = await checkResponses(targets);
    const graphqlOnly = !names.includes('bare');
    print([
      '',
      `Opsplane benchmark: ${graphqlOnly ? `the ${LIMIT} environments of GET ${LIST_PATH} through REST and GraphQL` : `GET ${LIST_PATH}`} (a benchmark, not a test: nothing is asserted)`,
      machineLine(await serverVersion(opsplane.dataSource, server.embedded)),
      `  data        ${options.environments} environments (${await listedCount(opsplane.dataSource)} not archived), ${options.facts} facts, response body ${(bodyBytes / 1024).toFixed(1)} KiB`,
      loadLine(context),
      `  schema      Opsplane's response schema for GET /v1/environments: ${schemaOf('GET', '/v1/environments')}`,
      `  SQL         ${sql.sql}${sql.params.length ? `  -- params ${JSON.stringify(sql.params)}` : ''}`,
      '',
    ]);

    const measured = selected(options, targets);
    const summary = new Summary(
      await measure(load, measured, { ...options, settle: () => app.idle(), profileTag: 'environments-' }),
    );
    const has = (name: string) => measured.some((target) => target.name === name);
    const lines = [
      '',
      'Summary (medians of the rounds; p99 is the worst round)',
      ...summary.lines(measured.map((t) => t.name)),
    ];
    if (has('bare') && has('rest'))
      lines.push(
        ...(await versusBare(load, measured, summary, { ...options, issue: 2, settle: () => app.idle() })),
      );
    if (has('graphql') && has('rest')) lines.push(summary.ratio('graphql', 'rest').line);
    print([...lines, ...summary.warnings(), '']);
  } finally {
    await bare?.close();
    await opsplane?.close();
    await database.drop();
  }
}

function send({ url, method, headers, body }: LoadRequest): Promise<Response> {
  return fetch(url, { method, headers, body });
}

/** Every target answers 200, the bare handler the same bytes as Opsplane, GraphQL the same items. */
async function checkResponses(targets: Target[]): Promise<number> {
  const bodies = new Map<string, string>();
  for (const target of targets) {
    const response = await send(target.request);
    const text = await response.text();
    if (response.status !== 200)
      throw new Error(`${target.label} answered ${response.status}: ${text.slice(0, 500)}`);
    bodies.set(target.name, text);
  }
  const rest = bodies.get('rest') ?? (await (await send(targets[0]!.request)).text());
  const bare = bodies.get('bare');
  if (bare !== undefined && bare !== rest) {
    throw new Error(
      `the bare handler's body differs from Opsplane's:\n  opsplane: ${rest.slice(0, 300)}…\n  bare:     ${bare.slice(0, 300)}…`,
    );
  }
  const graphql = bodies.get('graphql');
  if (graphql !== undefined && bodies.has('rest')) {
    const parsed = JSON.parse(graphql) as {
      data?: { environments?: { items: { id: string }[] } };
      errors?: unknown;
    };
    const ids = (JSON.parse(rest) as { items: { id: string }[] }).items.map((item) => item.id).join();
    if (parsed.errors || parsed.data?.environments?.items.map((item) => item.id).join() !== ids) {
      throw new Error(`GraphQL does not answer the REST page: ${graphql.slice(0, 500)}`);
    }
  }
  return Buffer.byteLength(rest);
}

async function listedCount(dataSource: DataSource): Promise<number> {
  const [row] = await dataSource.query<{ n: number }[]>(
    'SELECT count(*)::int AS n FROM environments WHERE archived_at IS NULL',
  );
  return row?.n ?? 0;
}
