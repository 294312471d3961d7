import { performance } from 'node:perf_hooks';
import { jsonSchemaOf } from '@opsplane/core';
import { FindingModel } from '@opsplane/findings';
import { DataSource } from 'typeorm';
import { BareServer, checkSameBodies, startBareServer } from '../bare-server';
import { bareTypes, BenchContext, loadLine, machineLine, print, request, selected } from '../context';
import { keptDatabase, queryDatabase } from '../database';
import { measure, Summary, Target, versusBare } from '../measure';
import { captureQueries, serverVersion, startOpsplane, theQueryOn } from '../opsplane';

const DATABASE_NAME = 'opsplane_bench_findings';
const LIMIT = 50;
/** Environments the findings are spread over; each request asks for the next one's. */
const SUBJECTS = 1_000;
const listPath = (subjectId: string) =>
  `/v1/findings?subjectType=environment&subjectId=${subjectId}&limit=${LIMIT}`;

/**
 * Issue 12's findings read: `GET /v1/findings?subjectType=environment&subjectId=…&limit=50`
 * (one environment's findings, worst first) through Opsplane against a bare Fastify + pg handler
 * on the SQL Opsplane sent, over `--findings` rows (1,000,000 by default) spread over 1,000
 * environments, kept in database opsplane_bench_findings between runs.
 */
export async function findingsSuite(context: BenchContext): Promise<void> {
  const { options, server, load } = context;
  const total = options.findings;
  const database = await keptDatabase(server.url, DATABASE_NAME, async (url) => {
    if (options.reseed) return false;
    const [row] = await queryDatabase<{ n: number }>(url, 'SELECT count(*)::int AS n FROM findings').catch(
      () => [{ n: -1 }],
    );
    return row?.n === total;
  });
  const opsplane = await startOpsplane(database.url, options.logLevel);
  let bare: BareServer | undefined;
  try {
    const seeded = database.reused ? 'reused' : await seed(database.url, total);
    const subjects = (
      await opsplane.dataSource.query<{ id: string }[]>(
        `SELECT DISTINCT subject_id AS id FROM findings ORDER BY 1 LIMIT ${SUBJECTS}`,
      )
    ).map((row) => row.id);
    const token = await opsplane.token('viewer');
    const paths = subjects.map(listPath);
    const rest = request(`${opsplane.url}${paths[0]}`, token, options, { rotate: { paths } });
    const sql = theQueryOn(
      'findings',
      await captureQueries(opsplane.dataSource, () => fetch(rest.url, { headers: rest.headers })),
    );
    const subjectParam = sql.params.indexOf(subjects[0]);
    if (subjectParam < 0)
      throw new Error(`the list SQL does not take the subject id as a parameter: ${sql.sql}`);
    bare = await startBareServer({
      databaseUrl: database.url,
      poolMax: opsplane.config.database.poolMax,
      types: bareTypes(options),
      routes: [
        {
          path: '/v1/findings',
          query: sql,
          limit: LIMIT,
          itemSchema: jsonSchemaOf(FindingModel),
          boundParams: { [subjectParam]: 'subjectId' },
          // What toFindingModel computes; everything else is served as the driver read it.
          completeRow: (row) => {
            const due = row.slaDueAt as Date | string | null;
            row.overdue =
              (row.status === 'open' || row.status === 'triaged') &&
              due !== null &&
              new Date(due).getTime() <= Date.now();
          },
          order: { sortColumn: 'finding.severityRank', sortType: 'int', idColumn: 'finding.id' },
          keyOf: (row) => ({ sort: row.severityRank as number, id: row.id as string }),
        },
      ],
    });
    const targets: Target[] = [
      { name: 'bare', label: 'bare fastify+pg', request: { ...rest, url: `${bare.url}${paths[0]}` } },
      { name: 'rest', label: 'opsplane REST', request: rest },
    ];
    const bodyBytes = await checkSameBodies(opsplane.url, bare.url, paths.slice(0, 50), token, {
      items: LIMIT,
      what: 'findings',
    });
    const plan = await explain(opsplane.dataSource, sql.sql, sql.params);
    print([
      '',
      `Opsplane benchmark: GET /v1/findings?subjectType=environment&subjectId=…&limit=${LIMIT} (worst first), each request for the next of ${subjects.length} environments (a benchmark, not a test: nothing is asserted)`,
      machineLine(await serverVersion(opsplane.dataSource, server.embedded)),
      `  data        ${total.toLocaleString('en-US')} findings over ${SUBJECTS} environments (${seeded === 'reused' ? `reused from database ${DATABASE_NAME}; --reseed makes it again` : `seeded in ${seeded.toFixed(1)} s`})`,
      `  response    ${(bodyBytes / 1024).toFixed(1)} KiB, byte-identical from both servers`,
      loadLine(context),
      `  SQL         ${sql.sql}  -- params ${JSON.stringify(sql.params)}`,
      '  plan        EXPLAIN (ANALYZE, BUFFERS), first environment, warm:',
      ...plan.map((line) => `              ${line}`),
      '',
    ]);
    const measured = selected(options, targets);
    const summary = new Summary(
      await measure(load, measured, { ...options, settle: () => opsplane.idle(), profileTag: 'findings-' }),
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
          issue: 12,
          settle: () => opsplane.idle(),
        })),
      );
    print([...lines, ...summary.warnings(), '']);
  } finally {
    await bare?.close();
    await opsplane.close();
  }
}

/**
 * `total` findings in one statement: each environment gets total / SUBJECTS of them, a realistic
 * mix of kinds, severities (few critical, many low) and statuses (most resolved, as a year of scans
 * leaves them), with a small evidence document each. Answers the seconds it took.
 */
async function seed(url: string, total: number): Promise<number> {
  process.stdout.write(
    `\nSeeding ${total.toLocaleString('en-US')} findings into ${DATABASE_NAME} (kept for later runs)…\n`,
  );
  const started = performance.now();
  // Outside the app's pool: its statement timeout is for requests, not for a million-row insert.
  await queryDatabase(url, 'TRUNCATE findings CASCADE');
  await queryDatabase(
    url,
    `WITH subjects AS (
       SELECT row_number() OVER () - 1 AS n, gen_random_uuid() AS id FROM generate_series(1, ${SUBJECTS})
     ), rows AS (
       SELECT g, s.id AS subject_id,
              (ARRAY['critical','high','high','medium','medium','medium','low','low','low','info'])[1 + g % 10] AS severity,
              (ARRAY['open','open','triaged','resolved','resolved','resolved','resolved','accepted','false_positive','resolved'])[1 + (g / 10) % 10] AS status,
              (ARRAY['compliance','vulnerability','endpoint','performance'])[1 + (g / 100) % 4] AS kind,
              timestamptz '2026-01-01' + make_interval(mins => g % 500000) AS seen
         FROM generate_series(0, $1 - 1) AS g JOIN subjects s ON s.n = g % ${SUBJECTS}
     )
     INSERT INTO findings (id, kind, source, dedup_key, subject_type, subject_id, title, severity, severity_rank,
                           status, evidence, first_seen_at, last_seen_at, opened_at, resolved_at, sla_due_at,
                           status_changed_by, status_changed_at, accepted_by, accepted_until, version, created_at, updated_at)
     SELECT gen_random_uuid(), kind, kind || '-scan', 'check-' || g, 'environment', subject_id,
            'Check ' || g || ' fails on this environment', severity,
            array_position(ARRAY['critical','high','medium','low','info'], severity) - 1, status,
            jsonb_build_object('check', 'check-' || g, 'inputs', jsonb_build_object('tls', jsonb_build_object('minVersion', '1.0')), 'expression', 'subject.facts.tls.minVersion >= "1.2"'),
            seen, seen + interval '30 days', seen, CASE WHEN status = 'resolved' THEN seen + interval '3 days' END,
            CASE WHEN severity <> 'info' THEN seen + interval '30 days' END,
            'system:' || kind, seen,
            CASE WHEN status = 'accepted' THEN 'Dana Scully' END,
            CASE WHEN status = 'accepted' THEN seen + interval '90 days' END, 1, seen, seen
       FROM rows`,
    [total],
  );
  await queryDatabase(url, 'VACUUM (ANALYZE) findings');
  return (performance.now() - started) / 1000;
}

async function explain(dataSource: DataSource, sql: string, params: unknown[]): Promise<string[]> {
  const run = () => dataSource.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  await run();
  const plan = (await run()).map((row) => row['QUERY PLAN']);
  const sorted = plan.some((line) => /Seq Scan|Sort /.test(line));
  return [
    ...plan,
    sorted ? '→ WARNING: a sequential scan or a sort' : '→ index scan in worst-first order, no sort',
  ];
}
