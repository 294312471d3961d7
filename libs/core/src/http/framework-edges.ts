import { STATUS_CODES } from 'node:http';
import { Server, Socket } from 'node:net';
import FindMyWay, { HTTPMethod } from 'find-my-way';
import { AppError, CommonErrors, ErrorCode } from '../errors/app-error';
import { PROBLEM_CONTENT_TYPE, toProblemDetails } from '../errors/problem-details';
import { newRequestId } from './request-id';

/**
 * The edges of the HTTP stack where Node or Fastify answer before any Nest code runs: a request
 * Node's parser refuses, a client too slow to send its headers, a URL the router cannot decode,
 * a method a known path does not take, one client holding too many sockets. Each answer is the
 * same problem+json as every other error, with a request id.
 */

/** What Node's HTTP parser reports, by `error.code`, as the status a client should see. */
function clientErrorCode(code: string | undefined): ErrorCode {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return CommonErrors.timeout;
  if (code === 'HPE_HEADER_OVERFLOW') return CommonErrors.headersTooLarge;
  return CommonErrors.malformed;
}

const CLIENT_ERROR_DETAIL: Record<string, string> = {
  [CommonErrors.timeout.code]: 'The request was not received in time; the connection is closed.',
  [CommonErrors.headersTooLarge.code]: 'The request headers are larger than this server accepts.',
  [CommonErrors.malformed.code]: 'The request is not valid HTTP/1.1.',
};

/** Writes a whole HTTP response by hand on a socket no request object exists for, then closes it. */
function endWithProblem(socket: Socket, error: AppError, extraHeaders: Record<string, string> = {}): void {
  const requestId = newRequestId();
  const body = JSON.stringify(toProblemDetails(error, requestId));
  const headers = {
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': String(Buffer.byteLength(body)),
    'x-request-id': requestId,
    connection: 'close',
    ...extraHeaders,
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\n${head}\r\n${body}`);
}

/** Fastify's `clientErrorHandler`: Node's `clientError`, answered as a problem. */
export function onClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset peer, or a socket already answered and closing, has nobody left to tell.
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const code = clientErrorCode(error.code);
  endWithProblem(socket, new AppError(code, CLIENT_ERROR_DETAIL[code.code]));
}

/**
 * Refuses a connection beyond `cap` from one address with 503 before it sends anything, so a
 * single client (or a slow-loris) cannot take every socket. Behind a reverse proxy all
 * connections share the proxy's address: the cap is configurable and 0 turns it off.
 */
export function capConnectionsPerAddress(server: Server, cap: number): void {
  if (cap <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > cap) {
      endWithProblem(
        socket,
        new AppError(
          CommonErrors.tooManyConnections,
          `This address already holds ${cap} open connections (HTTP_MAX_CONNECTIONS_PER_IP); reuse one or retry later.`,
        ),
        { 'retry-after': '1' },
      );
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/** Fastify's `frameworkErrors`: URLs its router refuses before routing. */
export function frameworkErrorFor(error: Error & { code?: string }): AppError {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return new AppError(CommonErrors.uriTooLong, 'A path segment is longer than this server accepts.');
  if (error.code === 'FST_ERR_BAD_URL')
    return new AppError(
      CommonErrors.malformed,
      'The URL is not valid (a percent-encoding does not decode).',
      {
        errors: [{ path: 'url', message: 'is not a valid URL' }],
      },
    );
  return new AppError(CommonErrors.malformed, 'The request could not be routed.');
}

const METHODS: HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Which methods each path takes, so a known path asked with another method answers 405 with
 * `Allow` (RFC 9110 §15.5.6) instead of 404. Fastify's own router cannot be asked "which methods
 * match this URL", so the routes it registers are mirrored into a find-my-way router of the same
 * version, consulted only when Fastify found no route.
 */
export class RouteMethods {
  private readonly router = FindMyWay();

  add(method: string | string[], url: string): void {
    for (const one of Array.isArray(method) ? method : [method])
      if ((METHODS as string[]).includes(one)) this.router.on(one as HTTPMethod, url, () => undefined);
  }

  /** The methods `url` (a request URL, query string allowed) is routed for; empty when none. */
  allowed(url: string): string[] {
    const path = url.split('?', 1)[0];
    return METHODS.filter((method) => this.router.find(method, path) !== null);
  }
}
