import { Agent, request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { LoadRequest, LoadResult } from './load';

/**
 * Open-loop load for latency: requests leave on a fixed schedule (`ratePerSecond`, evenly
 * spaced) over at most `connections` keep-alive connections, whatever the server does. Latency is
 * counted from the moment a request was due, not from when a free connection sent it, so a
 * stalled server shows as latency instead of as fewer requests (no coordinated omission).
 *
 * autocannon's own rate option is not this: each connection sends back to back until its quota
 * for the second is used, then waits for the next second, so every second starts with a burst
 * that saturates the server, and the latency it reports is that burst's queue.
 */
export function runPaced(request: LoadRequest): Promise<LoadResult> {
  const rate = request.ratePerSecond!;
  const url = new URL(request.url);
  const agent = new Agent({ keepAlive: true, maxSockets: request.connections });
  const paths = request.rotate?.paths ?? [];
  const bodies = request.rotate?.bodies ?? [];
  const keyPrefix = `bench-${randomBytes(6).toString('hex')}-`;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const failures: string[] = [];
  let errors = 0;
  let bytes = 0;
  let sent = 0;
  let inFlight = 0;
  /** Until the last request due has been sent; the run ends when that is done and all have answered. */
  let scheduling = true;
  let finished = false;

  const started = performance.now();
  const endsAt = started + request.durationSeconds * 1000;
  const intervalMs = 1000 / rate;

  return new Promise((resolve) => {
    const finish = () => {
      if (finished) return;
      finished = true;
      agent.destroy();
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const at = (share: number) =>
        latencies.length === 0
          ? 0
          : round(latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))]!);
      const ok = Object.entries(statuses)
        .filter(([status]) => status.startsWith('2'))
        .reduce((sum, [, count]) => sum + count, 0);
      resolve({
        requestsPerSecond: latencies.length / seconds,
        completed: latencies.length,
        p50: at(0.5),
        p90: at(0.9),
        p99: at(0.99),
        max: round(latencies[latencies.length - 1] ?? 0),
        bytesPerSecond: bytes / seconds,
        okResponses: ok,
        non2xx: latencies.length - ok - errors,
        errors,
        timeouts: 0,
        statuses,
        failures,
      });
    };

    const send = (dueAt: number) => {
      const n = sent++;
      inFlight++;
      const body = bodies.length > 0 ? bodies[n % bodies.length] : request.body;
      const headers: Record<string, string> = { ...request.headers };
      if (request.rotate?.idempotencyKeys) headers['idempotency-key'] = `${keyPrefix}${n}`;
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const done = () => {
        latencies.push(performance.now() - dueAt);
        if (--inFlight === 0 && !scheduling) finish();
      };
      const outgoing = httpRequest(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: request.method,
          path: paths.length > 0 ? paths[n % paths.length] : url.pathname + url.search,
          headers,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (failures.length < (request.sampleFailures ?? 0)) chunks.push(chunk);
          });
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            statuses[status] = (statuses[status] ?? 0) + 1;
            if ((status < 200 || status > 299) && failures.length < (request.sampleFailures ?? 0))
              failures.push(`${status} ${Buffer.concat(chunks).toString('utf8').slice(0, 400)}`);
            done();
          });
        },
      );
      outgoing.on('error', () => {
        errors++;
        done();
      });
      outgoing.end(body);
    };

    // Send whatever has fallen due since the last tick; a late tick sends its backlog at once
    // with the times it was due, which is what the clients would have seen.
    let nextDue = started;
    const tick = () => {
      const now = performance.now();
      while (nextDue <= now && nextDue < endsAt) {
        send(nextDue);
        nextDue += intervalMs;
      }
      if (nextDue < endsAt) return void setTimeout(tick, Math.max(0, nextDue - performance.now()));
      scheduling = false;
      if (inFlight === 0) finish();
    };
    tick();
  });
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
