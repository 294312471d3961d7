import { BenchContext, loadLine, machineLine, print, request, selected } from '../context';
import { measure, Summary, Target } from '../measure';
import { serverVersion } from '../opsplane';
import { removeBenchWrites, SEED_ACTOR } from '../seed-releases';
import { ReleaseData } from './release-data';

/**
 * Issue 3's write benchmark: `POST /v1/deployments` with every gate, the audit event, the outbox
 * event and a fresh `Idempotency-Key` per request (so every request writes: no replays). To
 * measure the write path rather than refusals, the targets pass every gate: the lowest-rank
 * environments with no window, freeze or approval rule (promotion lets anything into the lowest
 * rank), and releases taken in turn such that consecutive requests are for different services.
 * Non-2xx answers are counted by status and a few are shown. What the runs wrote is removed
 * afterwards (except the append-only audit and outbox events).
 */
export async function requestDeploymentSuite(context: BenchContext, data: ReleaseData): Promise<void> {
  const { options, server, load } = context;
  const { opsplane } = data;
  const dataSource = opsplane.dataSource;
  const targets = await dataSource.query<{ id: string; slug: string }[]>(`
    SELECT e.id, e.slug FROM environments e
     WHERE e.archived_at IS NULL
       AND e.rank = (SELECT min(rank) FROM environments WHERE archived_at IS NULL)
       AND NOT EXISTS (SELECT 1 FROM deploy_windows w WHERE w.environment_id = e.id)
       AND NOT EXISTS (SELECT 1 FROM freeze_periods f WHERE f.environment_id = e.id OR f.environment_id IS NULL)
       AND NOT EXISTS (SELECT 1 FROM environment_approval_rules r WHERE r.environment_id = e.id)
     ORDER BY e.id`);
  if (targets.length === 0)
    throw new Error('no lowest-rank environment without windows, freezes and approval rules to deploy to');
  // Release r of every service, then r + 1 …: neighbouring requests are for different services.
  const releases = await dataSource.query<{ id: string }[]>(`
    SELECT release.id FROM releases release JOIN services service ON service.id = release.service_id
     WHERE service.archived_at IS NULL
     ORDER BY split_part(release.version, '.', 2)::int, release.service_id`);
  const bodies = releases.map((release, i) =>
    JSON.stringify({ release: release.id, environment: targets[i % targets.length]!.id, reason: 'bench' }),
  );
  const token = await opsplane.token('operator');
  const post = request(`${opsplane.url}/v1/deployments`, token, options, {
    method: 'POST',
    body: bodies[0],
    rotate: { bodies, idempotencyKeys: true },
    sampleFailures: 5,
  });
  const probe = await fetch(post.url, {
    method: 'POST',
    headers: { ...post.headers, 'idempotency-key': `bench-probe-${Date.now()}` },
    body: bodies[0],
  });
  if (probe.status !== 201)
    throw new Error(`POST /v1/deployments answered ${probe.status}: ${await probe.text()}`);

  print([
    '',
    `Opsplane benchmark: POST /v1/deployments with gates, audit, outbox and a fresh Idempotency-Key per request (a benchmark, not a test: nothing is asserted)`,
    machineLine(await serverVersion(dataSource, server.embedded)),
    `  requests    ${releases.length.toLocaleString('en-US')} releases in turn into ${targets.map((t) => t.slug).join(', ')} (lowest rank, no windows, freezes or approval rules); gates: promotion, deploy window, freeze, approval rule`,
    loadLine(context),
    '',
  ]);
  const target: Target = { name: 'rest', label: 'opsplane POST', request: post };
  const measurements = await measure(load, selected(options, [target]), {
    ...options,
    settle: () => opsplane.idle(),
    profileTag: 'request-',
  });
  await opsplane.idle();
  const summary = new Summary(measurements);
  const [written] = await dataSource.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM deployments WHERE requested_by <> $1`,
    [SEED_ACTOR],
  );
  const lines = [
    '',
    'Summary (medians of the rounds; p99 is the worst round)',
    ...summary.lines([target.name]),
  ];
  for (const m of measurements) {
    const statuses = Object.entries(m.result.statuses)
      .map(([status, count]) => `${status}: ${count.toLocaleString('en-US')}`)
      .join(', ');
    lines.push(
      `  round ${m.round}: ${m.result.completed.toLocaleString('en-US')} responses (${statuses}), ${m.result.non2xx} non-2xx, ${m.result.errors + m.result.timeouts} errors`,
    );
    for (const failure of m.result.failures) lines.push(`    e.g. ${failure.replace(/\s+/g, ' ')}`);
  }
  lines.push(
    `  deployments written (warm-up and probe included): ${(written?.n ?? 0).toLocaleString('en-US')}; removed again so the next run reads the seeded rows`,
  );
  await removeBenchWrites(dataSource);
  print([...lines, ...summary.warnings(), '']);
}
