import { jsonSchemaOf } from '@opsplane/core';
import { DeploymentModel } from '@opsplane/releases';
import { BareServer, CapturedQuery, checkSameBodies, startBareServer } from '../bare-server';
import { bareTypes, BenchContext, loadLine, machineLine, print, request, selected } from '../context';
import { measure, Summary, Target, versusBare } from '../measure';
import { captureQueries, serverVersion, theQueryOn } from '../opsplane';
import { ReleaseData } from './release-data';

const LIMIT = 50;
const listPath = (environmentId: string) => `/v1/deployments?environmentId=${environmentId}&limit=${LIMIT}`;

/**
 * Issue 3's read benchmark: `GET /v1/deployments?environmentId=…&limit=50` through Opsplane
 * against a bare Fastify + pg handler on the SQL Opsplane sent, each request for the next
 * environment in turn (so no single index range stays hot in every cache), plus the plan
 * PostgreSQL chose for that SQL.
 */
export async function deploymentsSuite(context: BenchContext, data: ReleaseData): Promise<void> {
  const { options, server, load } = context;
  const { opsplane, environments } = data;
  const token = await opsplane.token('viewer');
  const paths = environments.map((environment) => listPath(environment.id));
  const first = environments[0]!.id;
  const rest = request(`${opsplane.url}${paths[0]}`, token, options, { rotate: { paths } });

  const sql = theQueryOn(
    'deployments',
    await captureQueries(opsplane.dataSource, () => fetch(rest.url, { headers: rest.headers })),
  );
  const environmentParam = sql.params.indexOf(first);
  if (environmentParam < 0)
    throw new Error(`the list SQL does not take the environment id as a parameter: ${sql.sql}`);

  let bare: BareServer | undefined;
  try {
    bare = await startBareServer({
      databaseUrl: data.databaseUrl,
      poolMax: opsplane.config.database.poolMax,
      types: bareTypes(options),
      routes: [
        {
          path: '/v1/deployments',
          query: sql,
          limit: LIMIT,
          itemSchema: jsonSchemaOf(DeploymentModel),
          boundParams: { [environmentParam]: 'environmentId' },
          // What toDeploymentModel computes; everything else is served as the driver read it.
          completeRow: (row) => {
            row.isApproved =
              row.approvalsRequired !== null &&
              (row.approvalsReceived as number) >= (row.approvalsRequired as number);
            row.isRolledBack = row.rolledBackAt !== null;
          },
          order: { idColumn: 'deployment.id', direction: 'DESC' },
          keyOf: (row) => ({ id: row.id as string }),
        },
      ],
    });
    const targets: Target[] = [
      { name: 'bare', label: 'bare fastify+pg', request: { ...rest, url: `${bare.url}${paths[0]}` } },
      { name: 'rest', label: 'opsplane REST', request: rest },
    ];
    const bodyBytes = await checkSameBodies(opsplane.url, bare.url, paths, token, {
      items: LIMIT,
      what: 'deployments',
    });

    print([
      '',
      `Opsplane benchmark: GET /v1/deployments?environmentId=…&limit=${LIMIT}, each request for the next of ${environments.length} environments (a benchmark, not a test: nothing is asserted)`,
      machineLine(await serverVersion(opsplane.dataSource, server.embedded)),
      `  response    ${(bodyBytes / 1024).toFixed(1)} KiB, byte-identical from both servers for every environment`,
      loadLine(context),
      `  SQL         ${sql.sql}  -- params ${JSON.stringify(sql.params)} ($${environmentParam + 1} = the request's environmentId)`,
      '  plan        EXPLAIN (ANALYZE, BUFFERS), first environment:',
      ...(await explain(data, sql)).map((line) => `              ${line}`),
      '',
    ]);

    const measured = selected(options, targets);
    const summary = new Summary(
      await measure(load, measured, {
        ...options,
        settle: () => opsplane.idle(),
        profileTag: 'deployments-',
      }),
    );
    const lines = [
      '',
      'Summary (medians of the rounds; p99 is the worst round)',
      ...summary.lines(measured.map((t) => t.name)),
    ];
    if (measured.length === 2)
      lines.push(
        ...(await versusBare(load, measured, summary, {
          ...options,
          issue: 3,
          settle: () => opsplane.idle(),
        })),
      );
    print([...lines, ...summary.warnings(), '']);
  } finally {
    await bare?.close();
  }
}

/**
 * The plan of the list SQL for the first environment (the one whose newest deployments lie
 * furthest back), run twice so the second shows a warm cache, and a one-line verdict.
 */
async function explain(data: ReleaseData, sql: CapturedQuery): Promise<string[]> {
  const run = () =>
    data.opsplane.dataSource.query<{ 'QUERY PLAN': string }[]>(
      `EXPLAIN (ANALYZE, BUFFERS) ${sql.sql}`,
      sql.params,
    );
  await run();
  const plan = (await run()).map((row) => row['QUERY PLAN']);
  const indexes = [
    ...new Set(
      plan.flatMap((line) => /Index (?:Only )?Scan(?: Backward)? using (\S+)/.exec(line)?.[1] ?? []),
    ),
  ];
  const filtered = plan.map((line) => /Rows Removed by Filter: (\d+)/.exec(line)?.[1]).find(Boolean);
  const verdict =
    plan.some((line) => /Seq Scan|Sort /.test(line)) || indexes.length === 0
      ? '→ WARNING: no index scan in keyset order (a sequential scan or a sort)'
      : `→ index scan in keyset order on ${indexes.join(', ')}${filtered ? `, ${filtered} rows of other environments skipped` : ''}, no sort`;
  return [...plan, verdict];
}
