import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import Fastify from 'fastify';
import pg from 'pg';
import { bareTypes, BenchContext, loadLine, machineLine, print, request, selected } from '../context';
import { measure, percent, Summary, Target } from '../measure';
import { serverVersion } from '../opsplane';
import { ReleaseData } from './release-data';

const ENVIRONMENTS = 10;
const PER_ENVIRONMENT = 5;
const FLAT_LIMIT = 50;

/** What a portal shows of each deployment in these reads. */
const DEPLOYMENT_FIELDS = 'id status requestedAt release { version service { slug } }';
const FLAT_FIELDS = 'id releaseId serviceId environmentId status requestedAt startedAt finishedAt version';

type Row = Record<string, unknown>;

/**
 * Issue 10's GraphQL reads at a peer's speed: three queries a portal sends, each through
 * Opsplane's GraphQL and through a bare Fastify + pg handler that answers the same JSON (checked
 * byte for byte) from one SQL statement.
 *
 * - nested: the first 10 environments, each with its 5 newest deployments, each with release and
 *   service (`environments { items { deployments(limit: 5) { … } } }`);
 * - aliased: the same through 10 aliased root `deployments(environmentId: …, limit: 5)` fields;
 * - flat: the 50 newest deployments, ten scalar fields each.
 *
 * Targets (issue 10, measured against PostGraphile 5.1.5 on this machine): nested ≥ 30 % of the
 * bare handler, flat ≥ 45 %, p99 below PostGraphile's (99–102 ms nested at 50 connections), RSS
 * ≤ 300 MiB under that load.
 */
export async function graphqlListsSuite(context: BenchContext, data: ReleaseData): Promise<void> {
  const { options, server, load } = context;
  const { opsplane } = data;
  const environments = data.environments.slice(0, ENVIRONMENTS);
  const token = await opsplane.token('viewer');
  const queries = [
    {
      name: 'nested',
      query: `{ environments(limit: ${ENVIRONMENTS}) { items { slug deployments(limit: ${PER_ENVIRONMENT}) { items { ${DEPLOYMENT_FIELDS} } } } } }`,
      target: 0.3,
      postgraphile: '27 % of bare, p99 99–102 ms',
    },
    {
      name: 'aliased',
      query: `{ ${environments
        .map(
          (environment, index) =>
            `e${index}: deployments(environmentId: "${environment.id}", limit: ${PER_ENVIRONMENT}) { items { ${DEPLOYMENT_FIELDS} } }`,
        )
        .join(' ')} }`,
      target: 0.3,
      postgraphile: '(the nested query’s 27 %)',
    },
    {
      name: 'flat',
      query: `{ deployments(limit: ${FLAT_LIMIT}) { items { ${FLAT_FIELDS} } } }`,
      target: 0.45,
      postgraphile: '42 % of bare',
    },
  ];
  const bare = await startBareGraphqlServer(
    data,
    environments.map((environment) => environment.id),
    options,
  );
  try {
    print([
      '',
      `Opsplane benchmark: GraphQL reads a portal sends, Opsplane vs a bare Fastify + pg handler answering the same JSON from one SQL statement (a benchmark, not a test: nothing is asserted)`,
      machineLine(await serverVersion(opsplane.dataSource, server.embedded)),
      loadLine(context),
    ]);
    for (const { name, query, target, postgraphile } of queries) {
      const body = JSON.stringify({ query });
      const graphql = request(`${opsplane.url}/graphql`, token, options, { method: 'POST', body });
      const ours = await answer(graphql.url, graphql.headers, body);
      const theirs = await answer(`${bare.url}/${name}`, graphql.headers, body);
      if (ours !== theirs) {
        let at = 0;
        while (ours[at] === theirs[at]) at++;
        const around = (text: string) => text.slice(Math.max(0, at - 200), at + 200);
        throw new Error(
          `the bare handler's ${name} answer differs from Opsplane's at character ${at}:\n  opsplane: …${around(ours)}…\n  bare:     …${around(theirs)}…`,
        );
      }
      print([
        '',
        `${name}: ${query.length > 200 ? `${query.slice(0, 200)}…` : query}`,
        `  answer ${(Buffer.byteLength(ours) / 1024).toFixed(1)} KiB, byte-identical from both servers`,
        `  bare SQL: ${bare.sql[name]}`,
        '',
      ]);
      const targets: Target[] = [
        {
          name: 'bare',
          label: `bare ${name}`,
          request: { ...graphql, url: `${bare.url}/${name}` },
        },
        { name: 'graphql', label: `opsplane ${name}`, request: graphql },
      ];
      const measured = selected(options, targets);
      const summary = new Summary(
        await measure(load, measured, {
          ...options,
          settle: () => opsplane.idle(),
          profileTag: `gql-${name}-`,
        }),
      );
      const lines = ['', `Summary of ${name} (medians of the rounds; p99 is the worst round)`];
      lines.push(...summary.lines(measured.map((t) => t.name)));
      if (measured.length === 2) {
        const ratio = summary.ratio('graphql', 'bare');
        lines.push(
          ratio.line,
          `  issue 10 target: ≥ ${percent(target)} of bare (PostGraphile: ${postgraphile}) → ${ratio.value >= target ? 'met' : 'not met'}`,
          `  RSS ${Math.round(summary.rssPeakMib('graphql'))} MiB is this whole process's (both servers, seeding, the bench); Opsplane alone is measured as npm start runs it (README)`,
        );
      }
      print([...lines, ...summary.warnings()]);
    }
    await measureAlone(context, data, token, queries[0]!.query);
    print(['']);
  } finally {
    await bare.close();
  }
}

/**
 * The RSS target concerns Opsplane, not this process (which holds both servers and the bench):
 * the built API started as `npm start` starts it, in a process of its own on the same data,
 * loaded with the nested query at the same connections, its resident set sampled every 100 ms.
 */
async function measureAlone(context: BenchContext, data: ReleaseData, token: string, query: string) {
  const main = join(__dirname, '..', '..', '..', 'dist', 'apps', 'api', 'main.js');
  if (!existsSync(main)) {
    print(['', 'Opsplane alone: SKIPPED — run `npm run build` first (it starts dist/apps/api/main.js)']);
    return;
  }
  const start = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const nodeFlags = (/node ((?:--\S+ )*)dist/.exec(start.scripts.start)?.[1] ?? '')
    .split(' ')
    .filter(Boolean);
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeFlags, main], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: data.databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      JOBS_ENABLED: 'false',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if ((await fetch(`${url}/health/live`).catch(() => undefined))?.ok) break;
      if (i > 600 || child.exitCode !== null) throw new Error('the API process did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const graphql = request(`${url}/graphql`, token, context.options, {
      method: 'POST',
      body: JSON.stringify({ query }),
    });
    await context.load.run({ ...graphql, durationSeconds: context.options.warmupSeconds || 1 });
    let peak = 0;
    const sample = () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      peak = Math.max(peak, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    };
    const sampler = setInterval(sample, 100);
    const result = await context.load.run(graphql);
    clearInterval(sampler);
    print([
      '',
      `Opsplane alone (node ${nodeFlags.join(' ')} dist/apps/api/main.js, as npm start runs it), nested query, ${graphql.connections} connections, ${graphql.durationSeconds} s:`,
      `  ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, peak RSS ${Math.round(peak)} MiB (issue 10 target ≤ 300 → ${peak <= 300 ? 'met' : 'not met'})`,
    ]);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) =>
      child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve),
    );
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function answer(url: string, headers: Record<string, string>, body: string): Promise<string> {
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  if (response.status !== 200 || text.includes('"errors"'))
    throw new Error(`${url} answered ${response.status}: ${text.slice(0, 500)}`);
  return text;
}

/**
 * The yardstick: one route per query, each one SQL statement and JSON assembled by hand, as a
 * person would write a handler for exactly that screen. No auth, no validation, no logs. Answers
 * end with a newline, as Apollo's do.
 */
async function startBareGraphqlServer(
  data: ReleaseData,
  environmentIds: string[],
  options: BenchContext['options'],
): Promise<{ url: string; sql: Record<string, string>; close(): Promise<void> }> {
  const pool = new pg.Pool({
    connectionString: data.databaseUrl,
    max: data.opsplane.config.database.poolMax,
    application_name: 'opsplane-bench-bare',
    types: bareTypes(options),
  });
  const deploymentJson = (row: Row) => ({
    id: row.id,
    status: row.status,
    requestedAt: (row.requested_at as Date).toISOString(),
    release: { version: row.version, service: { slug: row.service_slug } },
  });
  const perEnvironment = `SELECT d.id, d.status, d.requested_at, r.version, s.slug AS service_slug
      FROM deployments d JOIN releases r ON r.id = d.release_id JOIN services s ON s.id = r.service_id
      WHERE d.environment_id = e.id ORDER BY d.id DESC LIMIT ${PER_ENVIRONMENT}`;
  const sql = {
    nested: `SELECT e.id AS environment_id, e.slug AS environment_slug, d.*
      FROM (SELECT id, slug, rank FROM environments WHERE archived_at IS NULL ORDER BY rank, id LIMIT ${ENVIRONMENTS}) e
      LEFT JOIN LATERAL (${perEnvironment}) d ON true ORDER BY e.rank, e.id, d.id DESC`,
    aliased: `SELECT e.ordinality AS alias, d.*
      FROM unnest($1::uuid[]) WITH ORDINALITY AS e(id, ordinality)
      CROSS JOIN LATERAL (${perEnvironment}) d ORDER BY e.ordinality, d.id DESC`,
    flat: `SELECT id, release_id, service_id, environment_id, status, requested_at, started_at, finished_at, version
      FROM deployments ORDER BY id DESC LIMIT ${FLAT_LIMIT}`,
  };
  const server = Fastify({ logger: false });
  server.post('/nested', async (_request, reply) => {
    const { rows } = await pool.query<Row>(sql.nested);
    const items: { slug: unknown; deployments: { items: unknown[] } }[] = [];
    let last: unknown;
    for (const row of rows) {
      if (row.environment_id !== last) {
        items.push({ slug: row.environment_slug, deployments: { items: [] } });
        last = row.environment_id;
      }
      if (row.id !== null) items[items.length - 1]!.deployments.items.push(deploymentJson(row));
    }
    return reply.type('application/json').send(`${JSON.stringify({ data: { environments: { items } } })}\n`);
  });
  server.post('/aliased', async (_request, reply) => {
    const { rows } = await pool.query<Row>(sql.aliased, [environmentIds]);
    const answer: Record<string, { items: unknown[] }> = {};
    environmentIds.forEach((_, index) => (answer[`e${index}`] = { items: [] }));
    for (const row of rows) answer[`e${Number(row.alias) - 1}`]!.items.push(deploymentJson(row));
    return reply.type('application/json').send(`${JSON.stringify({ data: answer })}\n`);
  });
  server.post('/flat', async (_request, reply) => {
    const { rows } = await pool.query<Row>(sql.flat);
    const items = rows.map((row) => ({
      id: row.id,
      releaseId: row.release_id,
      serviceId: row.service_id,
      environmentId: row.environment_id,
      status: row.status,
      requestedAt: (row.requested_at as Date).toISOString(),
      startedAt: (row.started_at as Date | null)?.toISOString() ?? null,
      finishedAt: (row.finished_at as Date | null)?.toISOString() ?? null,
      version: row.version,
    }));
    return reply.type('application/json').send(`${JSON.stringify({ data: { deployments: { items } } })}\n`);
  });
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    sql: Object.fromEntries(Object.entries(sql).map(([name, text]) => [name, text.replace(/\s+/g, ' ')])),
    async close() {
      await server.close();
      await pool.end();
    },
  };
}
