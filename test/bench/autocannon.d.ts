// autocannon ships no types and @types/autocannon is not a dependency; this declares just the
// part of its programmatic API the benchmark uses.
declare module 'autocannon' {
  function autocannon(
    options: autocannon.Options,
    callback: (error: Error | null, result: autocannon.Result) => void,
  ): unknown;

  namespace autocannon {
    interface Options {
      url: string;
      method?: 'GET' | 'POST';
      headers?: Record<string, string>;
      body?: string;
      connections?: number;
      duration?: number;
      timeout?: number;
      /** Taken in turn by each connection; `setupRequest` may change a request just before it is sent. */
      requests?: RequestSpec[];
    }

    interface RequestFields {
      method: string;
      path: string;
      headers: Record<string, string>;
      body?: string | Buffer;
    }

    interface RequestSpec {
      setupRequest?: (request: RequestFields, context: object) => RequestFields;
      onResponse?: (status: number, body: string, context: object, headers: Record<string, string>) => void;
    }

    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
    }

    interface Result {
      requests: Histogram;
      latency: Histogram;
      throughput: Histogram;
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      '2xx': number;
      statusCodeStats?: Record<string, { count: number }>;
    }
  }

  export = autocannon;
}
