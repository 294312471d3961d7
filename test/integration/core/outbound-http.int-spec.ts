import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, createServer as createNetServer, Socket } from 'node:net';
import { AppError, loadConfig, OutboundFailure, OutboundHttp, OutboundResponse } from '@opsplane/core';

/**
 * OutboundHttp against HTTP servers this file starts on 127.0.0.1, with 127.0.0.1/32 allowed (and
 * not, for the refusals). Timeouts are short options, so nothing waits longer than it tests.
 */
describe('OutboundHttp', () => {
  let server: Server;
  let base: string;
  let port: number;
  const sockets = new Set<Socket>();
  const received: { method?: string; body: string; headers: IncomingMessage['headers'] }[] = [];

  const routes: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {
    '/fast': (_request, response) => {
      response.setHeader('content-type', 'text/plain');
      response.end('hello');
    },
    '/echo': (request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ method: request.method, body, headers: request.headers });
        response.statusCode = 202;
        response.end('ok');
      });
    },
    '/slow': () => {
      // Never answers.
    },
    '/slow-body': (_request, response) => {
      response.writeHead(200);
      response.write('partial');
      // …and never ends.
    },
    '/fail': (_request, response) => {
      response.statusCode = 500;
      response.end('boom');
    },
    '/close': (request) => request.socket.destroy(),
    '/close-mid-body': (request, response) => {
      response.writeHead(200, { 'content-length': '1000' });
      response.write('only a part', () => request.socket.destroy());
    },
    '/redirect': (_request, response) => {
      response.writeHead(302, { location: `${base}/fast` });
      response.end();
    },
    '/huge': (_request, response) => {
      response.writeHead(200);
      const chunk = 'x'.repeat(64 * 1024);
      // 4 MiB, more than a client should keep.
      for (let i = 0; i < 64; i++) response.write(chunk);
      response.end();
    },
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      const route = routes[new URL(request.url ?? '/', 'http://x').pathname];
      if (route) route(request, response);
      else {
        response.statusCode = 404;
        response.end();
      }
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  function outbound(env: Record<string, string> = { OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32' }): OutboundHttp {
    const config = loadConfig(env);
    return new OutboundHttp(config.outbound, config.http);
  }

  const allowed = outbound();

  function response(result: Awaited<ReturnType<OutboundHttp['request']>>): OutboundResponse {
    if (!result.ok) throw new Error(`expected a response, got ${result.failure}: ${result.message}`);
    return result;
  }

  function failure(result: Awaited<ReturnType<OutboundHttp['request']>>): OutboundFailure {
    if (result.ok) throw new Error(`expected a failure, got ${result.status}`);
    return result;
  }

  it('returns a fast 200 with its headers, body and duration', async () => {
    const result = response(await allowed.request(`${base}/fast`));
    expect(result).toMatchObject({ status: 200, body: 'hello', truncated: false });
    expect(result.headers['content-type']).toBe('text/plain');
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('sends the method, headers and body', async () => {
    const result = response(
      await allowed.request(`${base}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signature': 'v1,abc' },
        body: '{"a":"é"}',
      }),
    );
    expect(result.status).toBe(202);
    expect(received.at(-1)).toMatchObject({
      method: 'POST',
      body: '{"a":"é"}',
      headers: { 'content-type': 'application/json', 'x-signature': 'v1,abc', 'content-length': '10' },
    });
  });

  it('returns a 500 as a response', async () => {
    expect(response(await allowed.request(`${base}/fail`))).toMatchObject({ status: 500, body: 'boom' });
  });

  it('does not follow a redirect', async () => {
    const result = response(await allowed.request(`${base}/redirect`));
    expect(result.status).toBe(302);
    expect(result.headers.location).toBe(`${base}/fast`);
  });

  it('times out a server that never answers, within the deadline', async () => {
    const result = failure(await allowed.request(`${base}/slow`, { timeoutMs: 300 }));
    expect(result.failure).toBe('timeout');
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
  });

  it('times out a connection whose TLS handshake never completes at the connect deadline', async () => {
    // Accepts TCP and then says nothing: the https client waits for a ServerHello that never comes.
    const silent = createNetServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const silentPort = (silent.address() as AddressInfo).port;
      const result = failure(
        await allowed.request(`https://127.0.0.1:${silentPort}/`, {
          connectTimeoutMs: 300,
          timeoutMs: 60_000,
        }),
      );
      expect(result.failure).toBe('timeout');
      expect(result.message).toBe('no connection within 300 ms');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('times out a body that never ends: the deadline covers the whole response', async () => {
    expect(failure(await allowed.request(`${base}/slow-body`, { timeoutMs: 300 })).failure).toBe('timeout');
  });

  it('reports a closed socket as connection_reset', async () => {
    expect(failure(await allowed.request(`${base}/close`)).failure).toBe('connection_reset');
    expect(failure(await allowed.request(`${base}/close-mid-body`)).failure).toBe('connection_reset');
  });

  it('reports a closed port as connection_refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(failure(await allowed.request(`http://127.0.0.1:${closedPort}/`)).failure).toBe(
      'connection_refused',
    );
  });

  it('keeps a huge body up to the limit and flags it truncated', async () => {
    const result = response(await allowed.request(`${base}/huge`, { maxResponseBytes: 1000 }));
    expect(result).toMatchObject({ status: 200, truncated: true });
    expect(result.body).toBe('x'.repeat(1000));
    // The default limit (64 KiB) applies without the option.
    const byDefault = response(await allowed.request(`${base}/huge`));
    expect(byDefault.body.length).toBe(65_536);
    expect(byDefault.truncated).toBe(true);
  });

  describe('without 127.0.0.1 allowed', () => {
    const closed = outbound({});

    it.each([
      () => `${base}/fast`,
      () => `http://localhost:${port}/fast`,
      () => `http://2130706433:${port}/fast`,
      () => `http://0x7f.1:${port}/fast`,
      () => `http://[::ffff:127.0.0.1]:${port}/fast`,
    ])('refuses the loopback target %#, reaching no server', async (url) => {
      const before = received.length;
      const result = failure(await closed.request(url()));
      expect(result.failure).toBe('refused_by_policy');
      expect(result.refusal?.reason).toBe('loopback');
      expect(received.length).toBe(before);
    });

    it('refuses the cloud metadata address', async () => {
      const result = failure(
        await closed.request('http://169.254.169.254/latest/meta-data/', { timeoutMs: 300 }),
      );
      expect(result).toMatchObject({ failure: 'refused_by_policy', refusal: { reason: 'link_local' } });
    });

    it('refuses at save time with a 400 naming the field', async () => {
      const error = await closed
        .assertOutboundUrl(`http://localhost:${port}/hook`, 'url')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({
        status: 400,
        code: 'outbound.url_refused',
        errors: [{ path: 'url', message: expect.stringContaining('loopback') }],
      });
    });
  });

  it('refuses non-http schemes and credentials at save time', async () => {
    await expect(allowed.assertOutboundUrl('ftp://example.com/', 'target')).rejects.toMatchObject({
      code: 'outbound.url_refused',
      errors: [{ path: 'target', message: 'must use http or https' }],
    });
    await expect(allowed.assertOutboundUrl(`http://u:p@127.0.0.1:${port}/`, 'target')).rejects.toMatchObject({
      errors: [{ path: 'target', message: expect.stringContaining('credentials') }],
    });
    await expect(allowed.assertOutboundUrl(`${base}/fast`, 'target')).resolves.toBeUndefined();
  });

  it("refuses the service's own address even when its range is allowed", async () => {
    const config = loadConfig({
      OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
      HOST: '127.0.0.1',
      PORT: String(port),
    });
    const self = new OutboundHttp(config.outbound, config.http);
    const result = failure(await self.request(`${base}/fast`));
    expect(result.refusal).toEqual({ reason: 'own_address', address: '127.0.0.1' });
    await expect(self.assertOutboundUrl(`${base}/fast`, 'url')).rejects.toMatchObject({
      errors: [{ path: 'url', message: expect.stringContaining('own address') }],
    });
  });
});
