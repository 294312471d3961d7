import { connect, Socket } from 'node:net';
import request from 'supertest';
import { createTestApp, TestApp, unique } from '../../support/test-app';
import { ListeningServer, startListeningServer } from '../../e2e/support/listening-server';

/**
 * Requests built to hurt: bodies nested thousands deep, bytes that are not UTF-8, methods a path
 * does not take, broken HTTP, slow and greedy clients. Each gets a problem+json answer with a code
 * and a request id, from whichever layer refuses it, and nothing is stored.
 */

type Problem = {
  status: number;
  code: string;
  detail: string;
  requestId: string;
  errors: { path: string }[];
};

function expectProblem(response: request.Response, status: number, code: string): Problem {
  const problem = response.body as Problem;
  expect({ status: response.status, code: problem.code }).toEqual({ status, code });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(problem.requestId).toBe(response.headers['x-request-id']);
  return problem;
}

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};
/** Built as text: JSON.stringify itself overflows its stack on values this deep. */
const nestedText = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** A raw HTTP exchange on a real socket: what a broken or malicious client sends, byte for byte. */
function rawExchange(port: number, send: (socket: Socket) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.on('connect', () => send(socket));
  });
}

/** Status line, headers and the problem body of a raw answer. */
function parseRaw(answer: string): { status: number; headers: Record<string, string>; problem: Problem } {
  const [head, body] = answer.split('\r\n\r\n', 2);
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [
      line.slice(0, line.indexOf(':')).toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, problem: JSON.parse(body) as Problem };
}

describe('hostile input', () => {
  let t: TestApp;
  const admin = () => t.http(t.tokens.admin);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('JSON bodies are checked for shape before anything walks them', () => {
    it('refuses a body nested 3,000 deep with 400 naming the limit, on an authenticated write', async () => {
      const slug = unique('deep');
      const response = await admin()
        .post('/v1/services')
        .set('content-type', 'application/json')
        .send(`{"slug":"${slug}","name":"x","extra":${nestedText(3000)}}`);
      const problem = expectProblem(response, 400, 'request.json_limit_exceeded');
      expect(problem.detail).toContain('HTTP_JSON_MAX_DEPTH');
      expect((await admin().get(`/v1/services/${slug}`)).status).toBe(404);
    });

    it.each(['/v2/enqueue', '/v1/alert-sources/00000000-0000-4000-8000-000000000000/pagerduty'])(
      'refuses a deep body without any credential on the public ingest path %s, as a 400',
      async (path) => {
        const response = await t
          .http()
          .post(path)
          .set('content-type', 'application/json')
          .send(`{"routing_key":"x","payload":${nestedText(3000)}}`);
        expect(response.status).toBe(400);
        expect(JSON.stringify(response.body)).toContain('HTTP_JSON_MAX_DEPTH');
      },
    );

    it('refuses facts nested past the limit, and keeps facts within it readable by JSON clients', async () => {
      const slug = unique('env');
      const environment = (facts: unknown) => ({ slug, name: 'Deep', tier: 'development', rank: 1, facts });
      expectProblem(
        await admin()
          .post('/v1/environments')
          .send(environment(nested(2000))),
        400,
        'request.json_limit_exceeded',
      );
      // Under the body's limit, but past the 16 levels a JSON field takes (facts itself is level 1).
      const tooDeep = expectProblem(
        await admin()
          .post('/v1/environments')
          .send(environment(nested(17))),
        400,
        'request.validation_failed',
      );
      expect(tooDeep.errors.map((error) => error.path)).toEqual(['facts']);
      expect((await admin().get(`/v1/environments/${slug}`)).status).toBe(404);

      expect(
        (
          await admin()
            .post('/v1/environments')
            .send(environment(nested(16)))
        ).status,
      ).toBe(201);
      const listed = await admin().get('/v1/environments').query({ q: slug });
      expect(listed.status).toBe(200);
      expect(JSON.parse(listed.text)).toMatchObject({ items: [{ slug }] });
    });

    it('bounds the nesting of a JSON field written as a GraphQL literal, which no body parser sees', async () => {
      const literal = '{a:'.repeat(17) + '1' + '}'.repeat(17);
      const answer = await t.graphql<{ createEnvironment: { id: string } }>(
        `mutation { createEnvironment(input: {slug: "${unique('lit')}", name: "x", tier: development, rank: 2, facts: ${literal}}) { id } }`,
      );
      expect(answer.errors?.[0]?.extensions).toMatchObject({
        code: 'request.validation_failed',
        status: 400,
      });
      expect(answer.errors?.[0]?.extensions.errors?.map((error) => error.path)).toEqual(['facts']);
    });

    it('refuses an object with more members than allowed, and a string longer than allowed', async () => {
      const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}`, i]));
      const tooMany = await admin()
        .post('/v1/services')
        .send({ slug: unique('svc'), name: 'x', labels: many });
      expect(expectProblem(tooMany, 400, 'request.json_limit_exceeded').detail).toContain(
        'HTTP_JSON_MAX_KEYS',
      );

      const long = await admin()
        .post('/v1/services')
        .send({ slug: unique('svc'), name: 'x', description: 'x'.repeat(300_000) });
      expect(expectProblem(long, 400, 'request.json_limit_exceeded').detail).toContain(
        'HTTP_JSON_MAX_STRING_LENGTH',
      );
    });

    it('counts depth through GraphQL variables too', async () => {
      const response = await admin()
        .post('/graphql')
        .set('content-type', 'application/json')
        .send(`{"query":"query($f: JSON) { __typename }","variables":{"f":${nestedText(3000)}}}`);
      expect(response.status).toBe(400);
      expect(response.text).toContain('HTTP_JSON_MAX_DEPTH');
      expect(response.text).not.toContain('    at ');
    });

    it('refuses a JSON body declared in a charset other than UTF-8 with 415', async () => {
      const response = await admin()
        .post('/v1/services')
        .set('content-type', 'application/json; charset=iso-8859-1')
        .send(JSON.stringify({ slug: unique('latin'), name: 'x', ownerTeam: 'ops' }));
      expectProblem(response, 415, 'request.unsupported_media_type');
      const utf8 = await admin()
        .post('/v1/services')
        .set('content-type', 'application/json; charset=UTF-8')
        .send(JSON.stringify({ slug: unique('utf8'), name: 'Zürich', ownerTeam: 'ops' }));
      expect(utf8.status).toBe(201);
    });

    it('takes an empty body on DELETE whatever the content type says', async () => {
      const slug = unique('del');
      expect((await admin().post('/v1/services').send({ slug, name: 'x', ownerTeam: 'ops' })).status).toBe(
        201,
      );
      const response = await admin().delete(`/v1/services/${slug}`).set('content-type', 'application/json');
      expect(response.status).toBe(200);
    });
  });

  describe('methods', () => {
    it('answers a method a known path does not take with 405 and Allow, an unknown path with 404', async () => {
      const response = await admin().put('/v1/environments');
      expectProblem(response, 405, 'request.method_not_allowed');
      expect(response.headers.allow).toBe('GET, HEAD, POST');
      const item = await t.http().put('/v1/services/some-service');
      expectProblem(item, 405, 'request.method_not_allowed');
      expect(item.headers.allow).toBe('GET, HEAD, PATCH, DELETE');
      expectProblem(await admin().get('/v1/nothing-here'), 404, 'request.route_not_found');
    });
  });

  describe('URLs the router cannot decode', () => {
    it('answers a broken percent-encoding with a 400 problem', async () => {
      expectProblem(await admin().get('/v1/services/%E0%A4%A'), 400, 'request.malformed');
    });
  });
});

describe('hostile clients on a real socket', () => {
  let server: ListeningServer;
  let port: number;

  beforeAll(async () => {
    server = await startListeningServer('hostile clients', {
      HTTP_HEADERS_TIMEOUT_MS: '1000',
    });
    port = Number(new URL(server.baseUrl).port);
  });
  afterAll(() => server.close());

  it('refuses a body whose bytes are not UTF-8 with 400 and stores nothing', async () => {
    const slug = unique('utf');
    const headers = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
    const body = Buffer.concat([
      Buffer.from(`{"slug":"${slug}","ownerTeam":"ops","name":"`),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const response = await fetch(`${server.baseUrl}/v1/services`, { method: 'POST', headers, body });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'request.invalid_encoding',
      requestId: response.headers.get('x-request-id'),
    });
    expect((await fetch(`${server.baseUrl}/v1/services/${slug}`, { headers })).status).toBe(404);
  });

  it('answers a malformed request line or header with a 400 problem carrying a request id', async () => {
    for (const bytes of [
      'GET /v1/environments HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
      'NOT HTTP AT ALL\r\n\r\n',
    ]) {
      const { status, headers, problem } = parseRaw(await rawExchange(port, (socket) => socket.write(bytes)));
      expect(status).toBe(400);
      expect(headers['content-type']).toBe('application/problem+json');
      expect(problem).toMatchObject({
        status: 400,
        code: 'request.malformed',
        requestId: headers['x-request-id'],
      });
    }
  });

  it('answers headers larger than Node accepts with 431', async () => {
    const bytes = `GET /v1/environments HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`;
    const { status, problem } = parseRaw(await rawExchange(port, (socket) => socket.write(bytes)));
    expect(status).toBe(431);
    expect(problem.code).toBe('request.headers_too_large');
  });

  it('closes a client that does not finish its headers within HTTP_HEADERS_TIMEOUT_MS with a 408 problem', async () => {
    const { status, problem } = parseRaw(
      await rawExchange(port, (socket) => socket.write('GET /v1/environments HTTP/1.1\r\nHost: x\r\n')),
    );
    expect(status).toBe(408);
    expect(problem.code).toBe('request.timeout');
  });
});

describe('a client holding many sockets', () => {
  let server: ListeningServer;
  let port: number;

  beforeAll(async () => {
    server = await startListeningServer('greedy client', { HTTP_MAX_CONNECTIONS_PER_IP: '4' });
    port = Number(new URL(server.baseUrl).port);
  });
  afterAll(() => server.close());

  it('refuses connections over HTTP_MAX_CONNECTIONS_PER_IP with 503 and Retry-After, and takes new ones once they close', async () => {
    const open = () =>
      new Promise<number>((resolve) => server.app.getHttpServer().getConnections((_, n) => resolve(n)));
    const before = await open();
    const held: Socket[] = [];
    for (let i = before; i < 4; i++) {
      const socket = connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      held.push(socket);
    }
    const { status, headers, problem } = parseRaw(await rawExchange(port, () => undefined));
    expect(status).toBe(503);
    expect(headers['retry-after']).toBe('1');
    expect(problem.code).toBe('request.too_many_connections');

    for (const socket of held) socket.destroy();
    // The server counts a connection gone when its own side closes, a moment after the client's.
    while ((await open()) > before) await new Promise((resolve) => setImmediate(resolve));
    const again = await fetch(`${server.baseUrl}/health/live`);
    expect(again.status).toBe(200);
  });
});

describe('the OpenAPI document says what the server takes', () => {
  let t: TestApp;
  type Parameter = { name: string; in: string; schema: Record<string, unknown> };
  type Operation = {
    parameters?: Parameter[];
    requestBody?: { content: Record<string, { schema: unknown }> };
  };
  let document: {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Record<string, unknown>> };
  };
  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
    );

  beforeAll(async () => {
    t = await createTestApp();
    document = (await t.http().get('/openapi.json')).body as typeof document;
  });
  afterAll(() => t.close());

  it('types every id in a path as a UUID with the pattern the server checks', () => {
    const ids = operations().flatMap(({ path, method, operation }) =>
      (operation.parameters ?? [])
        .filter((parameter) => parameter.in === 'path' && /(^id|Id)$/.test(parameter.name))
        .map((parameter) => ({ at: `${method} ${path} ${parameter.name}`, schema: parameter.schema })),
    );
    expect(ids.length).toBeGreaterThan(30);
    for (const { at, schema } of ids)
      expect({ at, ...schema }).toMatchObject({ at, format: 'uuid', pattern: expect.any(String) });
  });

  it('takes any UUID the format allows: a variant or version no generator uses is a 404, not a 400', async () => {
    for (const id of [
      '01a23856-f9c8-722b-61ad-8c5bf779bdfe',
      '00000000-0000-0000-0000-000000000000',
      '01a23856-f9c8-022b-a1ad-8c5bf779bdfe',
    ]) {
      expectProblem(await t.http(t.tokens.admin).get(`/v1/incidents/${id}`), 404, 'incident.not_found');
      const answer = await t.graphql(`query($id: ID!) { deployment(id: $id) { id } }`, { id });
      expect(answer.errors?.[0]?.extensions.code).toMatch(/not_found$/);
    }
    expectProblem(
      await t.http(t.tokens.admin).get('/v1/incidents/not-a-uuid'),
      400,
      'request.validation_failed',
    );
  });

  it('documents no query parameter as nullable: a query string cannot carry null', () => {
    const nullable = operations().flatMap(({ path, operation }) =>
      (operation.parameters ?? [])
        .filter((p) => p.in === 'query' && p.schema.nullable)
        .map((p) => `${path} ${p.name}`),
    );
    expect(nullable).toEqual([]);
  });

  it('closes every request body schema: members the server would refuse are forbidden in the document', async () => {
    const bodies = operations().filter(({ operation }) => operation.requestBody);
    expect(bodies.length).toBeGreaterThan(20);
    // Documents in another standard's format (OSV records), which the handler checks against that
    // standard's schema one by one: the document says which shape of JSON is taken.
    const foreign = bodies.filter(
      ({ operation }) =>
        !(operation.requestBody!.content['application/json'].schema as { $ref?: string }).$ref,
    );
    expect(foreign.map(({ operation }) => (operation as { operationId?: string }).operationId)).toEqual([
      'importAdvisories',
      'attachSbom',
      'importReleaseVex',
    ]);
    for (const { operation } of bodies.filter((body) => !foreign.includes(body))) {
      const ref = (operation.requestBody!.content['application/json'].schema as { $ref: string }).$ref;
      const schema = document.components.schemas[ref.split('/').pop()!];
      expect({ ref, additionalProperties: schema.additionalProperties }).toEqual({
        ref,
        additionalProperties: false,
      });
    }
    // And the server does refuse them.
    const response = await t
      .http(t.tokens.admin)
      .post('/v1/services')
      .send({ slug: unique('x'), name: 'x', ownerTeam: 'ops', color: 'red' });
    expectProblem(response, 400, 'request.validation_failed');
  });

  it('states the header rules the server enforces', () => {
    const headers = operations().flatMap(({ operation }) =>
      (operation.parameters ?? []).filter((p) => p.in === 'header'),
    );
    const ifMatch = headers.filter((h) => h.name === 'If-Match');
    const idempotency = headers.filter((h) => h.name === 'Idempotency-Key');
    expect(ifMatch.length).toBeGreaterThan(5);
    expect(idempotency.length).toBeGreaterThan(5);
    for (const header of ifMatch) expect(new RegExp(header.schema.pattern as string).test('"3"')).toBe(true);
    for (const header of idempotency)
      expect(new RegExp(header.schema.pattern as string).test('a b')).toBe(false);
  });
});
