import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

export interface ReceivedDelivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

/**
 * An HTTP server on 127.0.0.1 standing in for webhook receivers, one behaviour per path:
 * `/ok` answers 204 at once, `/fail` 500, `/flaky` fails the first two requests and then answers
 * 200, `/slow` never answers, `/close` drops the connection, `/redirect` answers 302. Every request
 * is recorded (with the path's query string cut off).
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  private server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly counts = new Map<string, number>();
  base = '';

  private readonly behaviours: Record<string, (request: IncomingMessage, response: ServerResponse) => void> =
    {
      '/ok': (_request, response) => {
        response.statusCode = 204;
        response.end();
      },
      '/fail': (_request, response) => {
        response.statusCode = 500;
        response.end('boom');
      },
      '/flaky': (request, response) => {
        const seen = this.count(request.url ?? '');
        response.statusCode = seen <= 2 ? 503 : 200;
        response.end(seen <= 2 ? 'not yet' : 'thanks');
      },
      '/slow': () => {
        // Never answers.
      },
      '/close': (request) => request.socket.destroy(),
      '/redirect': (_request, response) => {
        response.writeHead(302, { location: `${this.base}/ok` });
        response.end();
      },
    };

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = new URL(request.url ?? '/', 'http://receiver').pathname;
        this.received.push({
          path: request.url ?? '/',
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          receivedAt: Date.now(),
        });
        const behaviour = this.behaviours[path];
        if (behaviour) behaviour(request, response);
        else {
          response.statusCode = 404;
          response.end();
        }
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** A URL of `behaviour` no other test uses (the query string tells deliveries apart). */
  url(behaviour: 'ok' | 'fail' | 'flaky' | 'slow' | 'close' | 'redirect', tag: string): string {
    return `${this.base}/${behaviour}?hook=${encodeURIComponent(tag)}`;
  }

  /** The requests sent to `url`. */
  to(url: string): ReceivedDelivery[] {
    const path = url.slice(this.base.length);
    return this.received.filter((delivery) => delivery.path === path);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private count(key: string): number {
    const seen = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, seen);
    return seen;
  }
}
