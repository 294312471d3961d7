/**
 * The alert benchmark's load generator, in its own process so the API's event loop only serves:
 * `connections` closed loops POSTing Alertmanager bodies for `durationSeconds`, every latency
 * recorded (percentiles are exact, not histogram buckets). Receives its job over IPC, answers
 * `{ result }` or `{ error }`.
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';

export type SenderLoad = 'repeats' | 'one-group' | 'new-groups';

export interface SenderJob {
  url: string;
  secret: string;
  /** An Alertmanager body with `@GROUP@` where the group's identity goes. */
  template: string;
  load: SenderLoad;
  connections: number;
  durationSeconds: number;
}

export interface SenderResult {
  completed: number;
  ok: number;
  failed: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
}

async function run(job: SenderJob): Promise<SenderResult> {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + job.durationSeconds * 1000;
  // repeats: each sender re-sends its own group; one-group: all send the same one (an HA pair's
  // worst case, serialised on the group's lock); new-groups: a group never seen, every time.
  const bodyFor = (sender: number) =>
    job.load === 'new-groups'
      ? job.template.replaceAll('@GROUP@', randomUUID())
      : job.template.replaceAll('@GROUP@', job.load === 'one-group' ? 'shared' : `sender-${sender}`);
  const loop = async (sender: number) => {
    while (performance.now() < deadline) {
      const body = bodyFor(sender);
      const sent = performance.now();
      try {
        const response = await fetch(job.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${job.secret}` },
          body,
        });
        await response.arrayBuffer();
        if (response.ok) ok++;
        else failed++;
      } catch {
        failed++;
      }
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: job.connections }, (_unused, sender) => loop(sender)));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (share: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))] ?? 0);
  return {
    completed: latencies.length,
    ok,
    failed,
    requestsPerSecond: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    max: Math.round(latencies[latencies.length - 1] ?? 0),
  };
}

process.on('message', (job: SenderJob) => {
  run(job).then(
    (result) => process.send?.({ result }),
    (error: unknown) => process.send?.({ error: String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
