/**
 * The alert benchmark's load generator, in its own process so the API's event loop only serves:
 * `connections` closed loops POSTing Alertmanager bodies for `durationSeconds`, every latency
 * recorded (percentiles are exact, not histogram buckets). Receives its job over IPC, answers
 * `{ result }` or `{ error }`.
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';

/**
 * What one notification (one webhook POST, what alertmanager_notifications_total counts) carries:
 * - group-repeats: each sender re-sends its own firing group of N alerts (repeat_interval, an HA
 *   pair sending it twice); after the first, nothing changes;
 * - group-new: a group never seen, N new firing alerts: opens an incident each time;
 * - single-repeats: each sender re-sends its own 1-alert group;
 * - single-new: a new alert joining the sender's existing group, whose incident it joins (one
 *   alert row, one timeline entry, one outbox event);
 * - mix: each POST drawn at random from the above, weighted by MIX;
 * - one-group: every sender re-sends the SAME group of N alerts (the worst case of duplicates,
 *   serialised on the group's row lock by design).
 */
export type SenderLoad =
  'group-repeats' | 'group-new' | 'single-repeats' | 'single-new' | 'mix' | 'one-group';

type PureLoad = Exclude<SenderLoad, 'mix'>;

/** A steady state guessed from how Alertmanager notifies: mostly repeats, some new alerts, rarely a new group. */
export const MIX: [PureLoad, number][] = [
  ['single-repeats', 0.6],
  ['group-repeats', 0.2],
  ['single-new', 0.15],
  ['group-new', 0.05],
];

export interface SenderJob {
  url: string;
  secret: string;
  /** Alertmanager bodies with `@GROUP@` where the group's identity goes and `@ALERT@` the alerts'. */
  templates: { group: string; single: string };
  /** Alerts in `templates.group`. */
  groupSize: number;
  load: SenderLoad;
  connections: number;
  durationSeconds: number;
}

export interface SenderResult {
  completed: number;
  ok: number;
  /** Non-2xx answers by status, and `error` for requests that got no answer. */
  failures: Record<string, number>;
  requestsPerSecond: number;
  alertsPerSecond: number;
  /** What the accepted POSTs must have stored: incidents opened and alert rows added. */
  expected: { incidents: number; alerts: number };
  p50: number;
  p99: number;
  max: number;
}

async function run(job: SenderJob): Promise<SenderResult> {
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const expected = { incidents: 0, alerts: 0 };
  let ok = 0;
  let alerts = 0;
  const started = performance.now();
  const deadline = started + job.durationSeconds * 1000;
  const notification = (
    load: PureLoad,
    sender: number,
  ): { body: string; alerts: number; incidents?: number; stored?: number } => {
    const fill = (template: string, group: string, alert: string) =>
      template.replaceAll('@GROUP@', group).replaceAll('@ALERT@', alert);
    const fresh = randomUUID();
    switch (load) {
      case 'group-repeats':
        return {
          body: fill(job.templates.group, `sender-${sender}`, `sender-${sender}`),
          alerts: job.groupSize,
        };
      case 'one-group':
        return { body: fill(job.templates.group, 'shared', 'shared'), alerts: job.groupSize };
      case 'group-new':
        return {
          body: fill(job.templates.group, fresh, fresh),
          alerts: job.groupSize,
          incidents: 1,
          stored: job.groupSize,
        };
      case 'single-repeats':
        return { body: fill(job.templates.single, `single-${sender}`, `single-${sender}`), alerts: 1 };
      case 'single-new':
        return { body: fill(job.templates.single, `joined-${sender}`, fresh), alerts: 1, stored: 1 };
    }
  };
  const pick = (): PureLoad => {
    let draw = Math.random();
    for (const [load, weight] of MIX) if ((draw -= weight) < 0) return load;
    return MIX[0][0];
  };
  const loop = async (sender: number) => {
    while (performance.now() < deadline) {
      const sending = notification(job.load === 'mix' ? pick() : job.load, sender);
      const sent = performance.now();
      try {
        const response = await fetch(job.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${job.secret}` },
          body: sending.body,
        });
        await response.arrayBuffer();
        if (response.ok) {
          ok++;
          expected.incidents += sending.incidents ?? 0;
          expected.alerts += sending.stored ?? 0;
        } else failures[response.status] = (failures[response.status] ?? 0) + 1;
      } catch {
        failures.error = (failures.error ?? 0) + 1;
      }
      alerts += sending.alerts;
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
    failures,
    requestsPerSecond: latencies.length / seconds,
    alertsPerSecond: alerts / seconds,
    expected,
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
