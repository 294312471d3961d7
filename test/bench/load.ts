import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { runPaced } from './paced-load';

export interface LoadRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  durationSeconds: number;
  /**
   * Requests per second over all connections, evenly spaced (open loop, see paced-load.ts), to
   * measure latency below saturation. Unset: closed loop with autocannon, each connection sending
   * as soon as it hears back.
   */
  ratePerSecond?: number;
  /**
   * Per-request variation, as plain data so it crosses to the load generator's process. Requests
   * take these in turn (shared by all connections): `paths` replace the URL's path and query,
   * `bodies` the body. `idempotencyKeys` gives every request a fresh `Idempotency-Key`.
   */
  rotate?: { paths?: string[]; bodies?: string[]; idempotencyKeys?: boolean };
  /** Keep the status and body of the first few non-2xx responses, to say why they failed. */
  sampleFailures?: number;
}

/** What one autocannon run measured; latencies in milliseconds. */
export interface LoadResult {
  requestsPerSecond: number;
  /** Responses received, whatever their status. */
  completed: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  bytesPerSecond: number;
  okResponses: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Responses by HTTP status. */
  statuses: Record<string, number>;
  /** The first few non-2xx responses (`status body`), when asked for. */
  failures: string[];
}

export interface LoadGenerator {
  run(request: LoadRequest): Promise<LoadResult>;
  /** Where the load comes from, for the report. */
  describe(): string;
  close(): void;
}

/** Runs one load: paced when the request names a rate, otherwise autocannon's closed loop. */
export function runLoad(request: LoadRequest): Promise<LoadResult> {
  return request.ratePerSecond === undefined ? runAutocannon(request) : runPaced(request);
}

function runAutocannon(request: LoadRequest): Promise<LoadResult> {
  const failures: string[] = [];
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: request.url,
        method: request.method,
        headers: request.headers,
        body: request.body,
        connections: request.connections,
        duration: request.durationSeconds,
        timeout: 30,
        requests: varied(request, failures),
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          requestsPerSecond: result.requests.average,
          completed: result.requests.total,
          p50: result.latency.p50,
          p90: result.latency.p90,
          p99: result.latency.p99,
          max: result.latency.max,
          bytesPerSecond: result.throughput.average,
          okResponses: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statuses: Object.fromEntries(
            Object.entries(result.statusCodeStats ?? {}).map(([status, { count }]) => [status, count]),
          ),
          failures,
        });
      },
    );
  });
}

/**
 * autocannon's `requests` for the per-request variation of `rotate` and `sampleFailures`, or
 * undefined when every request is the same (autocannon then builds the request bytes once).
 */
function varied(request: LoadRequest, failures: string[]): autocannon.RequestSpec[] | undefined {
  const { rotate, sampleFailures = 0 } = request;
  if (!rotate && sampleFailures === 0) return undefined;
  const paths = rotate?.paths ?? [];
  const bodies = rotate?.bodies ?? [];
  // Unique across runs and processes without coordination: a random prefix and a counter.
  const keyPrefix = `bench-${randomBytes(6).toString('hex')}-`;
  let next = 0;
  return [
    {
      setupRequest(spec) {
        const n = next++;
        if (paths.length > 0) spec.path = paths[n % paths.length]!;
        if (bodies.length > 0) spec.body = bodies[n % bodies.length]!;
        if (rotate?.idempotencyKeys)
          spec.headers = { ...spec.headers, 'idempotency-key': `${keyPrefix}${n}` };
        return spec;
      },
      onResponse:
        sampleFailures > 0
          ? (status, body) => {
              if ((status < 200 || status > 299) && failures.length < sampleFailures)
                failures.push(`${status} ${body.slice(0, 400)}`);
            }
          : undefined,
    },
  ];
}

/**
 * autocannon in the servers' own process: its client work then shares their event loop and adds
 * the same cost to every request of both servers, which pulls the ratio towards 1.
 */
export function inProcessLoad(): LoadGenerator {
  return { run: runLoad, describe: () => 'autocannon in the servers’ process', close: () => undefined };
}

/**
 * autocannon in a child process, so the servers' event loop does nothing but serve. One child is
 * kept for every run, so its JIT is as warm in the last run as in the first.
 */
export function childProcessLoad(): LoadGenerator {
  const child: ChildProcess = fork(join(__dirname, 'load-generator.ts'), [], {
    execArgv: ['-r', '@swc-node/register'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  const pending = new Map<
    number,
    { resolve: (result: LoadResult) => void; reject: (error: Error) => void }
  >();
  child.on('message', (message: { id: number; result?: LoadResult; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.result) waiter?.resolve(message.result);
    else waiter?.reject(new Error(`load generator: ${message.error ?? 'no result'}`));
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values())
      waiter.reject(new Error(`load generator exited with code ${code}`));
    pending.clear();
  });
  return {
    run(request) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, request });
      });
    },
    describe: () => 'autocannon in a child process',
    close: () => void child.kill(),
  };
}
