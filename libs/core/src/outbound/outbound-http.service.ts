import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { createWriteStream } from 'node:fs';
import {
  Agent as HttpAgent,
  ClientRequest,
  IncomingHttpHeaders,
  IncomingMessage,
  request as httpRequest,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { LookupFunction } from 'node:net';
import { Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { HttpConfig, OutboundConfig } from '../config/config';
import { AppError } from '../errors/app-error';
import {
  literalHost,
  OutboundPolicy,
  ownAddresses,
  portOf,
  Refusal,
  REFUSAL_MESSAGES,
} from './address-policy';
import { OutboundErrors } from './outbound.errors';

export interface OutboundRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Total time, DNS and connection included; default OUTBOUND_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Time to connect (TCP, and TLS for https); default OUTBOUND_CONNECT_TIMEOUT_MS. */
  connectTimeoutMs?: number;
  /** Bytes of the body kept; default OUTBOUND_MAX_RESPONSE_BYTES. */
  maxResponseBytes?: number;
  /**
   * Write the body to this file instead of keeping it as text (a download too large for memory:
   * an advisory export). `body` is then empty; past `maxResponseBytes` the download stops and
   * `truncated` says so.
   */
  saveTo?: string;
  /**
   * For https, certificates other than the public roots: `ca` (PEM) to trust instead of Node's
   * store, or `acceptInvalidCertificates` to read the answer of a server whose certificate does not
   * verify (an endpoint scan reads the headers of a self-signed endpoint, having reported the
   * certificate). Such a request gets a connection of its own, never a pooled one.
   */
  tls?: { ca?: string[]; acceptInvalidCertificates?: boolean };
}

export interface OutboundResponse {
  ok: true;
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as UTF-8 text, cut at `maxResponseBytes`. */
  body: string;
  truncated: boolean;
  durationMs: number;
}

export type OutboundFailureKind =
  | 'refused_by_policy'
  | 'dns'
  | 'timeout'
  | 'connection_refused'
  | 'connection_reset'
  | 'unreachable'
  | 'tls'
  | 'protocol'
  | 'network';

export interface OutboundFailure {
  ok: false;
  failure: OutboundFailureKind;
  /** For people: what went wrong, without headers or bodies. */
  message: string;
  /** Set when `failure` is `refused_by_policy`. */
  refusal?: Refusal;
  durationMs: number;
}

export type OutboundResult = OutboundResponse | OutboundFailure;

/** Connection pools kept (one per receiver address). */
const MAX_POOLS = 256;

class OutboundError extends Error {
  constructor(
    readonly failure: OutboundFailureKind,
    message: string,
    readonly refusal?: Refusal,
  ) {
    super(message);
  }
}

/**
 * Every outbound HTTP request of Opsplane (webhook deliveries, later metric pulls, advisory syncs,
 * JWKS) goes through here, under one SSRF policy (`OutboundPolicy`): the host is resolved here,
 * every address checked, and the socket connects to the checked address (a `lookup` that answers
 * with it), so DNS cannot change between check and connect. Connections are kept alive in a pool
 * per checked address, so a reused one leads where the check said too. Redirects are not followed; bodies are
 * read up to a limit; one deadline covers DNS, connect and the whole response. Failures are
 * returned, typed, never thrown. Logs name the host and outcome only (headers and bodies may carry
 * secrets).
 */
@Injectable()
export class OutboundHttp implements OnApplicationShutdown {
  private readonly logger = new Logger(OutboundHttp.name);
  private readonly policy: OutboundPolicy;
  /**
   * Keep-alive connection pools, one per checked address (and scheme): a socket is reused only for
   * a request whose host resolved, and was checked, to the very address it is connected to.
   * Reusing connections spares a TCP (and TLS) handshake per request to a busy receiver.
   */
  private readonly agents = new Map<string, HttpAgent>();

  constructor(
    private readonly config: OutboundConfig,
    @Optional() http?: HttpConfig,
  ) {
    this.policy = new OutboundPolicy(
      config.allowCidrs,
      http ? ownAddresses(http.host, http.port) : new Set(),
    );
  }

  /**
   * Refuses (400 `outbound.url_refused`, naming `field`) a URL outbound requests would refuse, for a
   * URL a user saves; the request itself checks again, since DNS can change.
   */
  async assertOutboundUrl(url: string, field: string): Promise<void> {
    let refusal: Refusal | undefined;
    try {
      await this.resolve(url);
    } catch (error) {
      if (!(error instanceof OutboundError)) throw error;
      refusal = error.refusal ?? { reason: 'unresolvable' };
    }
    if (refusal) {
      const message = REFUSAL_MESSAGES[refusal.reason] + (refusal.address ? ` (${refusal.address})` : '');
      throw new AppError(OutboundErrors.urlRefused, `${field} ${message}.`, {
        errors: [{ path: field, message }],
      });
    }
  }

  /**
   * The URL checked by the policy and its host resolved to one checked address, for a caller that
   * connects itself (the endpoint scan's TLS handshakes): connect to `address`, never resolve the
   * host again. Failures are returned, as `request` returns them.
   */
  async checkedTarget(
    url: string,
  ): Promise<{ ok: true; url: URL; address: string; family: 4 | 6 } | OutboundFailure> {
    const started = performance.now();
    try {
      return { ok: true, ...(await this.resolve(url)) };
    } catch (error) {
      return { ok: false, ...toFailure(error), durationMs: elapsed(started) };
    }
  }

  async request(url: string, options: OutboundRequestOptions = {}): Promise<OutboundResult> {
    const started = performance.now();
    const timeoutMs = options.timeoutMs ?? this.config.timeoutMs;
    const maxBytes = options.maxResponseBytes ?? this.config.maxResponseBytes;
    const abort = new AbortController();
    const timer = setTimeout(
      () => abort.abort(new OutboundError('timeout', `no complete response within ${timeoutMs} ms`)),
      timeoutMs,
    );
    let host = '?';
    try {
      const target = await withAbort(this.resolve(url), abort.signal);
      host = target.url.host;
      const connectTimeoutMs = Math.min(options.connectTimeoutMs ?? this.config.connectTimeoutMs, timeoutMs);
      const response = await this.send(target, options, { maxBytes, connectTimeoutMs }, abort.signal);
      const result: OutboundResponse = { ok: true, ...response, durationMs: elapsed(started) };
      this.logger.debug(`${options.method ?? 'GET'} ${host}: ${result.status} in ${result.durationMs} ms`);
      return result;
    } catch (error) {
      const failure = toFailure(error);
      if (host === '?') host = safeHost(url);
      this.logger.debug(`${options.method ?? 'GET'} ${host}: ${failure.failure} (${failure.message})`);
      return { ok: false, ...failure, durationMs: elapsed(started) };
    } finally {
      clearTimeout(timer);
    }
  }

  onApplicationShutdown(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private agentFor(protocol: string, address: string): HttpAgent {
    const key = `${protocol}//${address}`;
    let agent = this.agents.get(key);
    if (!agent) {
      // Bounded: the oldest pool goes when there are many receivers.
      if (this.agents.size >= MAX_POOLS) {
        const [oldestKey, oldest] = this.agents.entries().next().value as [string, HttpAgent];
        oldest.destroy();
        this.agents.delete(oldestKey);
      }
      const options = { keepAlive: true, maxSockets: 32, maxFreeSockets: 8, scheduling: 'lifo' as const };
      agent = protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** The URL checked and its host resolved to one checked address. */
  private async resolve(raw: string): Promise<{ url: URL; address: string; family: 4 | 6 }> {
    const checked = this.policy.checkUrl(raw);
    if ('refusal' in checked) {
      throw new OutboundError('refused_by_policy', REFUSAL_MESSAGES[checked.refusal.reason], checked.refusal);
    }
    const { url } = checked;
    const port = portOf(url);
    const literal = literalHost(url);
    const addresses: LookupAddress[] = literal
      ? [{ address: literal, family: literal.includes(':') ? 6 : 4 }]
      : await lookupAll(url.hostname);
    if (addresses.length === 0) throw new OutboundError('dns', `${url.hostname} has no address`);
    // Every address must pass: a host answering with one public and one private address is refused.
    for (const { address } of addresses) {
      const refusal = this.policy.checkAddress(address, port);
      if (refusal) {
        throw new OutboundError(
          'refused_by_policy',
          `${url.hostname} ${REFUSAL_MESSAGES[refusal.reason]} (${refusal.address})`,
          refusal,
        );
      }
    }
    const [first] = addresses;
    return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
  }

  private send(
    target: { url: URL; address: string; family: 4 | 6 },
    options: OutboundRequestOptions,
    limits: { maxBytes: number; connectTimeoutMs: number },
    signal: AbortSignal,
  ): Promise<Omit<OutboundResponse, 'ok' | 'durationMs'>> {
    const { maxBytes, connectTimeoutMs } = limits;
    const { url, address, family } = target;
    // The socket connects to the address checked above, never to a second resolution.
    const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
      if (lookupOptions.all) callback(null, [{ address, family }]);
      else callback(null, address, family);
    };
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const headers: Record<string, string> = { ...options.headers };
    if (body !== undefined) headers['content-length'] = String(body.length);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(asError(signal.reason));
      let request: ClientRequest;
      const onAbort = () => request.destroy(asError(signal.reason));
      try {
        request = send(url, {
          method: options.method ?? 'GET',
          headers,
          lookup,
          ...(options.tls && url.protocol === 'https:'
            ? {
                agent: false,
                ...(options.tls.ca && { ca: options.tls.ca }),
                rejectUnauthorized: !options.tls.acceptInvalidCertificates,
              }
            : { agent: this.agentFor(url.protocol, address) }),
          // Redirects are not followed (node:http never does); no decompression either.
        });
      } catch (error) {
        return reject(asError(error));
      }
      signal.addEventListener('abort', onAbort, { once: true });
      // A host that never answers the handshake fails at the connect deadline, not the total one.
      const connectTimer = setTimeout(
        () => request.destroy(new OutboundError('timeout', `no connection within ${connectTimeoutMs} ms`)),
        connectTimeoutMs,
      );
      const connected = () => clearTimeout(connectTimer);
      request.on('socket', (socket) => {
        // A pooled socket is connected already.
        if (!socket.connecting) connected();
        else socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', connected);
      });
      const done = () => {
        connected();
        signal.removeEventListener('abort', onAbort);
      };
      request.on('error', (error) => {
        done();
        reject(error);
      });
      request.on('response', (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        const file = options.saveTo ? createWriteStream(options.saveTo) : undefined;
        let kept = 0;
        let truncated = false;
        const finish = () => {
          done();
          const answer = {
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            truncated,
          };
          if (!file) return resolve(answer);
          file.end(() => resolve(answer));
        };
        file?.on('error', (error) => {
          response.destroy();
          request.destroy();
          done();
          reject(new OutboundError('network', `could not save the response: ${error.message}`));
        });
        response.on('data', (chunk: Buffer) => {
          if (truncated) return;
          const room = maxBytes - kept;
          const keep = (part: Buffer) => {
            if (!file) return void chunks.push(part);
            // Back-pressure: a slow disk pauses the download rather than filling memory.
            if (!file.write(part)) {
              response.pause();
              file.once('drain', () => response.resume());
            }
          };
          if (chunk.length > room) {
            keep(chunk.subarray(0, room));
            kept = maxBytes;
            truncated = true;
            // Enough read: drop the rest and the connection.
            response.destroy();
            request.destroy();
            finish();
            return;
          }
          keep(chunk);
          kept += chunk.length;
        });
        response.on('end', finish);
        response.on('error', (error) => {
          if (truncated) return;
          done();
          reject(error);
        });
        response.on('aborted', () => {
          if (truncated) return;
          done();
          reject(new OutboundError('connection_reset', 'the connection closed before the response ended'));
        });
      });
      request.end(body);
    });
  }
}

function lookupAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error)
        reject(new OutboundError('dns', `${hostname} does not resolve (${error.code ?? error.message})`));
      else resolve(addresses);
    });
  });
}

function withAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(asError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(asError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(asError(error));
      },
    );
  });
}

const FAILURE_BY_CODE: Record<string, OutboundFailureKind> = {
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  ETIMEDOUT: 'timeout',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EADDRNOTAVAIL: 'unreachable',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  HPE_INVALID_CONSTANT: 'protocol',
  HPE_INVALID_STATUS: 'protocol',
  HPE_HEADER_OVERFLOW: 'protocol',
};

function toFailure(error: unknown): Omit<OutboundFailure, 'ok' | 'durationMs'> {
  if (error instanceof OutboundError) {
    return {
      failure: error.failure,
      message: error.message,
      ...(error.refusal && { refusal: error.refusal }),
    };
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  const failure =
    FAILURE_BY_CODE[code] ??
    (code.startsWith('HPE_')
      ? 'protocol'
      : /CERT|SSL|TLS/.test(code) || /certificate|TLS/i.test(message)
        ? 'tls'
        : 'network');
  return { failure, message: code ? `${code}: ${message}` : message };
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}
