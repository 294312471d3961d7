import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestApp, GraphQLResponse, TestApp, unique } from '../../support/test-app';

/**
 * Bad input on both transports: every case is a 4xx that names the failing fields, never a 500,
 * and leaves nothing half-written. REST answers problem+json; GraphQL puts the same under
 * `extensions` (or, for graphql-js' own parse/validation/coercion errors, an Apollo code).
 */

type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors: { path: string; message: string }[];
  requestId: string;
};

/** A problem+json answer with this status and code, whose `errors` name exactly these fields. */
function expectProblem(response: request.Response, status: number, code: string, paths?: string[]): Problem {
  const problem = response.body as Problem;
  expect({ status: response.status, code: problem.code }).toEqual({ status, code });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(problem).toMatchObject({ type: `urn:opsplane:problem:${code}`, status });
  expect(typeof problem.title).toBe('string');
  expect(typeof problem.detail).toBe('string');
  expect(response.headers['x-request-id']).toBeTruthy();
  expect(problem.requestId).toBe(response.headers['x-request-id']);
  if (paths) expect(pathsOf(problem.errors)).toEqual([...new Set(paths)].sort());
  return problem;
}

const pathsOf = (errors: { path: string }[] = []) => [...new Set(errors.map((e) => e.path))].sort();

interface GraphQLAnswer extends GraphQLResponse {
  status: number;
  requestId: string;
}

/** Our own error from a resolver: the code, its status, the failing fields, and the request id. */
function expectGraphQLProblem(answer: GraphQLAnswer, status: number, code: string, paths?: string[]): void {
  expect(answer.status).not.toBe(500);
  expect(answer.errors?.[0]?.extensions).toMatchObject({ code, status, requestId: answer.requestId });
  if (paths) expect(pathsOf(answer.errors![0].extensions.errors)).toEqual([...new Set(paths)].sort());
}

/** graphql-js refused the document or its variables before any resolver ran: an Apollo code, a 400. */
function expectGraphQLRefusal(
  answer: GraphQLAnswer,
  code: 'GRAPHQL_VALIDATION_FAILED' | 'BAD_USER_INPUT' | 'GRAPHQL_PARSE_FAILED',
  mentions: string[],
): void {
  expect(answer.status).toBe(400);
  expect(answer.errors?.[0]?.extensions).toMatchObject({ code, status: 400 });
  expect(answer.data ?? null).toBeNull();
  for (const text of mentions) expect(answer.errors!.map((e) => e.message).join('\n')).toContain(text);
}

describe('bad input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const admin = () => t.http(t.tokens.admin);
  const gql = async (query: string, variables: Record<string, unknown> = {}): Promise<GraphQLAnswer> => {
    const response = await admin().post('/graphql').send({ query, variables });
    expect(response.headers['x-request-id']).toBeTruthy();
    return {
      ...(response.body as GraphQLResponse),
      status: response.status,
      requestId: response.headers['x-request-id'],
    };
  };
  const validEnvironment = (overrides: Record<string, unknown> = {}) => ({
    slug: unique('bad'),
    name: 'Bad input',
    tier: 'testing',
    rank: 1,
    ...overrides,
  });
  const validService = (overrides: Record<string, unknown> = {}) => ({
    slug: unique('bad'),
    name: 'Bad input',
    ownerTeam: 'qa',
    ...overrides,
  });

  /** What a list filtered by this slug returns (archived included): must be empty after a refused create. */
  const listed = async (collection: 'environments' | 'services', slug: string) => {
    const page = await t
      .http(t.tokens.viewer)
      .get(`/v1/${collection}`)
      .query({ q: slug, includeArchived: true })
      .expect(200);
    return page.body.items as { id: string; slug: string; name: string; version: number }[];
  };
  const versionOf = async (collection: 'environments' | 'services', id: string) =>
    (await t.http(t.tokens.viewer).get(`/v1/${collection}/${id}`).expect(200)).body as {
      version: number;
      name: string;
      archivedAt: string | null;
    };

  const CREATE_ENVIRONMENT = `mutation($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { id } }`;
  const CREATE_SERVICE = `mutation($input: CreateServiceInput!) { createService(input: $input) { id } }`;

  describe('unknown fields', () => {
    it('REST: refuses a body with unknown fields, naming each (nested ones by their path), and creates nothing', async () => {
      const body = validService({
        colour: 'red',
        owner: 'typo',
        links: [{ title: 'Runbook', url: 'https://example.com', icon: 'x' }],
      });
      expectProblem(await admin().post('/v1/services').send(body), 400, 'request.validation_failed', [
        'colour',
        'owner',
        'links.0.icon',
      ]);
      expect(await listed('services', body.slug)).toEqual([]);
    });

    it('REST: refuses unknown query parameters on a list, so a typo cannot widen the query', async () => {
      expectProblem(
        await t.http(t.tokens.viewer).get('/v1/environments').query({ teir: 'production', bogus: 1 }),
        400,
        'request.validation_failed',
        ['bogus', 'teir'],
      );
      expectProblem(
        await t.http(t.tokens.viewer).get('/v1/services').query({ owner: 'x' }),
        400,
        'request.validation_failed',
        ['owner'],
      );
    });

    it('GraphQL: refuses an unknown input field, inline or in variables, and creates nothing', async () => {
      const slug = unique('bad');
      expectGraphQLRefusal(
        await gql(
          `mutation { createEnvironment(input: { slug: "${slug}", name: "x", tier: testing, rank: 1, colour: "red" }) { id } }`,
        ),
        'GRAPHQL_VALIDATION_FAILED',
        ['colour'],
      );
      expectGraphQLRefusal(
        await gql(CREATE_ENVIRONMENT, { input: validEnvironment({ slug, colour: 'red' }) }),
        'BAD_USER_INPUT',
        ['colour'],
      );
      expectGraphQLRefusal(
        await gql(`{ environments(teir: production) { nextCursor } }`),
        'GRAPHQL_VALIDATION_FAILED',
        ['teir'],
      );
      expect(await listed('environments', slug)).toEqual([]);
    });
  });

  describe('wrong types', () => {
    it('REST: refuses a body with several wrongly typed fields, naming every one, and creates nothing', async () => {
      const body = validEnvironment({
        name: 42,
        rank: 'first',
        isProtected: 'yes',
        endpointUrls: 'https://example.com',
        facts: ['not', 'an', 'object'],
      });
      expectProblem(await admin().post('/v1/environments').send(body), 400, 'request.validation_failed', [
        'name',
        'rank',
        'isProtected',
        'endpointUrls',
        'facts',
      ]);
      expect(await listed('environments', body.slug)).toEqual([]);
    });

    it('REST: refuses values of the right type that break the rules (slug shape, lengths, ranges, URLs), all at once', async () => {
      const slug = unique('bad');
      const body = validEnvironment({
        slug: 'Not A Slug',
        name: '',
        rank: 1001,
        endpointUrls: ['ftp://example.com'],
      });
      expectProblem(await admin().post('/v1/environments').send(body), 400, 'request.validation_failed', [
        'slug',
        'name',
        'rank',
        'endpointUrls',
      ]);
      expect(await listed('environments', slug)).toEqual([]);
    });

    it('REST: refuses a body that is JSON but not an object', async () => {
      expectProblem(
        await admin().post('/v1/services').send([validService()]),
        400,
        'request.validation_failed',
      );
      expectProblem(
        await admin().post('/v1/services').set('content-type', 'application/json').send('"just a string"'),
        400,
        'request.validation_failed',
      );
    });

    it('REST: refuses null for a field a PATCH may only change, not clear, and leaves the version as it was', async () => {
      const { body: service } = await admin().post('/v1/services').send(validService()).expect(201);
      expectProblem(
        await admin().patch(`/v1/services/${service.id}`).send({ name: null, ownerTeam: null }),
        400,
        'request.validation_failed',
        ['name', 'ownerTeam'],
      );
      const { body: environment } = await admin()
        .post('/v1/environments')
        .send(validEnvironment())
        .expect(201);
      expectProblem(
        await admin()
          .patch(`/v1/environments/${environment.id}`)
          .send({ tier: null, rank: null, facts: null, isProtected: null, endpointUrls: null }),
        400,
        'request.validation_failed',
        ['tier', 'rank', 'facts', 'isProtected', 'endpointUrls'],
      );
      expect(await versionOf('services', service.id)).toMatchObject({ version: 1, name: 'Bad input' });
      expect(await versionOf('environments', environment.id)).toMatchObject({ version: 1 });
    });

    it('REST: refuses text PostgreSQL cannot store (NUL) in fields, filters, facts and paths with a 400', async () => {
      const body = validService({ name: 'nul\u0000here' });
      expectProblem(await admin().post('/v1/services').send(body), 400, 'request.validation_failed', [
        'name',
      ]);
      expect(await listed('services', body.slug)).toEqual([]);
      const withFacts = validEnvironment({ facts: { tls: ['1.2\u0000'] } });
      expectProblem(
        await admin().post('/v1/environments').send(withFacts),
        400,
        'request.validation_failed',
        ['facts'],
      );
      expect(await listed('environments', withFacts.slug)).toEqual([]);
      expectProblem(
        await t.http(t.tokens.viewer).get('/v1/environments').query({ q: 'a\u0000b' }),
        400,
        'request.validation_failed',
        ['q'],
      );
      expectProblem(await t.http(t.tokens.viewer).get('/v1/environments/a%00b'), 400, 'request.malformed');
    });

    it('GraphQL: a wrongly typed variable is refused before any resolver runs, naming the field', async () => {
      const slug = unique('bad');
      expectGraphQLRefusal(
        await gql(CREATE_ENVIRONMENT, { input: validEnvironment({ slug, rank: 'first' }) }),
        'BAD_USER_INPUT',
        ['rank'],
      );
      expectGraphQLRefusal(
        await gql(
          `mutation { createEnvironment(input: { slug: "${slug}", name: 42, tier: testing, rank: 1 }) { id } }`,
        ),
        'GRAPHQL_VALIDATION_FAILED',
        ['42'],
      );
      expect(await listed('environments', slug)).toEqual([]);
    });

    it('GraphQL: values graphql-js accepts but our rules refuse come back with every failing field, and nothing is created', async () => {
      const slug = unique('bad');
      const answer = await gql(CREATE_ENVIRONMENT, {
        input: {
          slug: 'Not A Slug',
          name: '',
          tier: 'staging',
          rank: 5000,
          endpointUrls: ['nope'],
          facts: { note: 'nul\u0000' },
        },
      });
      expectGraphQLProblem(answer, 400, 'request.validation_failed', [
        'slug',
        'name',
        'rank',
        'endpointUrls',
        'facts',
      ]);
      expect(answer.data).toBeNull();
      expect(await listed('environments', slug)).toEqual([]);
    });

    it('GraphQL: refuses null for a field an update may only change, and leaves the version as it was', async () => {
      const { body: service } = await admin().post('/v1/services').send(validService()).expect(201);
      const answer = await gql(
        `mutation($id: String!) { updateService(idOrSlug: $id, input: { name: null, criticality: null }) { version } }`,
        { id: service.id },
      );
      expectGraphQLProblem(answer, 400, 'request.validation_failed', ['name', 'criticality']);
      expect(await versionOf('services', service.id)).toMatchObject({ version: 1 });
    });
  });

  describe('unknown enum values', () => {
    it('REST: refuses an unknown enum value in a body and in a filter, naming the field', async () => {
      const body = validEnvironment({ tier: 'prod' });
      const refused = expectProblem(
        await admin().post('/v1/environments').send(body),
        400,
        'request.validation_failed',
        ['tier'],
      );
      expect(refused.errors[0].message).toContain('production');
      expect(await listed('environments', body.slug)).toEqual([]);
      expectProblem(
        await t.http(t.tokens.viewer).get('/v1/environments').query({ tier: 'prod' }),
        400,
        'request.validation_failed',
        ['tier'],
      );
      expectProblem(
        await t.http(t.tokens.viewer).get('/v1/services').query({ criticality: 'urgent' }),
        400,
        'request.validation_failed',
        ['criticality'],
      );
      expectProblem(
        await admin()
          .post('/v1/api-keys')
          .send({ name: unique('key'), role: 'root' }),
        400,
        'request.validation_failed',
        ['role'],
      );
    });

    it('GraphQL: refuses an unknown enum value inline and in variables', async () => {
      const slug = unique('bad');
      expectGraphQLRefusal(
        await gql(
          `mutation { createEnvironment(input: { slug: "${slug}", name: "x", tier: prod, rank: 1 }) { id } }`,
        ),
        'GRAPHQL_VALIDATION_FAILED',
        ['prod'],
      );
      expectGraphQLRefusal(
        await gql(CREATE_ENVIRONMENT, { input: validEnvironment({ slug, tier: 'prod' }) }),
        'BAD_USER_INPUT',
        ['prod'],
      );
      expectGraphQLRefusal(
        await gql(`query($c: ServiceCriticality) { services(criticality: $c) { nextCursor } }`, {
          c: 'urgent',
        }),
        'BAD_USER_INPUT',
        ['urgent'],
      );
      expect(await listed('environments', slug)).toEqual([]);
    });
  });

  describe('malformed bodies and media types', () => {
    it('REST: malformed JSON is a 400', async () => {
      expectProblem(
        await admin().post('/v1/environments').set('content-type', 'application/json').send('{"slug": "x", '),
        400,
        'request.malformed',
      );
    });

    it('REST: an empty body declared as JSON is a 400', async () => {
      expectProblem(
        await admin().post('/v1/environments').set('content-type', 'application/json').send(''),
        400,
        'request.malformed',
      );
    });

    it('REST: a body that is not JSON is a 415', async () => {
      expectProblem(
        await admin().post('/v1/environments').set('content-type', 'text/plain').send('slug=x'),
        415,
        'request.unsupported_media_type',
      );
      expectProblem(
        await admin().post('/v1/environments').set('content-type', 'application/xml').send('<environment/>'),
        415,
        'request.unsupported_media_type',
      );
    });

    it('REST: a form-encoded body is a 415, and creates nothing', async () => {
      const form = { slug: unique('form'), name: 'Form', tier: 'testing', rank: '1' };
      const response = await admin().post('/v1/environments').type('form').send(form);
      expect(await listed('environments', form.slug)).toEqual([]);
      expectProblem(response, 415, 'request.unsupported_media_type');
    });

    it('refuses a lone UTF-16 surrogate escape (not Unicode, and PostgreSQL cannot store it), REST and GraphQL', async () => {
      const slug = unique('bad');
      const lone = `{"slug":"${slug}","name":"x\\ud800","ownerTeam":"qa"}`;
      expectProblem(
        await admin().post('/v1/services').set('content-type', 'application/json').send(lone),
        400,
        'request.invalid_encoding',
        ['body'],
      );
      expect(await listed('services', slug)).toEqual([]);
      // In variables, and written inside the GraphQL document itself.
      const variables = `{"query":"mutation($name: String!) { createService(input: {slug: \\"${slug}\\", name: $name, ownerTeam: \\"qa\\"}) { id } }","variables":{"name":"\\udc00"}}`;
      expectProblem(
        await admin().post('/graphql').set('content-type', 'application/json').send(variables),
        400,
        'request.invalid_encoding',
      );
      // graphql-js refuses the escape in a document itself.
      expectGraphQLRefusal(
        await gql(
          `mutation { createService(input: {slug: "${slug}", name: "x\\ud800", ownerTeam: "qa"}) { id } }`,
        ),
        'GRAPHQL_PARSE_FAILED',
        ['Invalid Unicode escape sequence'],
      );
      expect(await listed('services', slug)).toEqual([]);
      // A pair is an ordinary character.
      await admin()
        .post('/v1/services')
        .set('content-type', 'application/json')
        .send(`{"slug":"${slug}","name":"x\\ud83d\\ude00","ownerTeam":"qa"}`)
        .expect(201);
    });

    it('GraphQL: malformed JSON, a non-JSON body and an unparsable document are 4xx, never 500', async () => {
      expectProblem(
        await admin().post('/graphql').set('content-type', 'application/json').send('{"query": '),
        400,
        'request.malformed',
      );
      expectProblem(
        await admin().post('/graphql').set('content-type', 'text/plain').send('{ services { nextCursor } }'),
        415,
        'request.unsupported_media_type',
      );
      expectGraphQLRefusal(await gql('{ services { '), 'GRAPHQL_PARSE_FAILED', ['Syntax Error']);
    });

    it('GraphQL: an over-complex query is refused with 400, not 500', async () => {
      const answer = await gql(
        '{ environments(limit: 200) { items { id slug name tier rank facts } } services(limit: 200) { items { id slug name links { title url } } } }',
      );
      expect(answer.status).toBe(400);
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'request.too_complex', status: 400 });
    });
  });

  describe('environment facts larger than 64 KiB', () => {
    const bigFacts = () => ({ blob: 'x'.repeat(64 * 1024) });

    it('REST: refuses them on create and update, naming facts, and writes nothing', async () => {
      const body = validEnvironment({ facts: bigFacts() });
      expectProblem(await admin().post('/v1/environments').send(body), 400, 'environment.facts_too_large', [
        'facts',
      ]);
      expect(await listed('environments', body.slug)).toEqual([]);

      const { body: environment } = await admin()
        .post('/v1/environments')
        .send(validEnvironment({ facts: { small: true } }))
        .expect(201);
      expectProblem(
        await admin().patch(`/v1/environments/${environment.id}`).send({ facts: bigFacts() }),
        400,
        'environment.facts_too_large',
        ['facts'],
      );
      const after = await t.http(t.tokens.viewer).get(`/v1/environments/${environment.id}`).expect(200);
      expect(after.body).toMatchObject({ version: 1, facts: { small: true } });
    });

    it('GraphQL: refuses them, naming facts, and writes nothing', async () => {
      const input = validEnvironment({ facts: bigFacts() });
      expectGraphQLProblem(await gql(CREATE_ENVIRONMENT, { input }), 400, 'environment.facts_too_large', [
        'facts',
      ]);
      expect(await listed('environments', input.slug)).toEqual([]);
    });
  });

  describe('pagination arguments', () => {
    it.each([
      ['0', 'limit must not be less than 1'],
      ['201', 'limit must not be greater than 200'],
      ['abc', 'limit must be an integer number'],
      ['1.5', 'limit must be an integer number'],
    ])('REST: refuses limit=%s, naming limit', async (limit, message) => {
      const problem = expectProblem(
        await t.http(t.tokens.viewer).get('/v1/environments').query({ limit }),
        400,
        'request.validation_failed',
        ['limit'],
      );
      expect(problem.errors.map((e) => e.message)).toContain(message);
    });

    it('GraphQL: refuses limit 0 and 201 (our rule) and limit "abc" (graphql-js)', async () => {
      expectGraphQLProblem(
        await gql('{ environments(limit: 0) { nextCursor } }'),
        400,
        'request.validation_failed',
        ['limit'],
      );
      expectGraphQLProblem(
        await gql('{ services(limit: 201) { nextCursor } }'),
        400,
        'request.validation_failed',
        ['limit'],
      );
      expectGraphQLRefusal(
        await gql('{ services(limit: "abc") { nextCursor } }'),
        'GRAPHQL_VALIDATION_FAILED',
        ['abc'],
      );
    });
  });

  describe('malformed cursors', () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

    it.each([
      ['not base64 JSON', 'garbage', 'pagination.invalid_cursor'],
      ['outside the base64url alphabet the document states', 'garbage!!', 'request.validation_failed'],
      ['JSON but not an array', encode({ rank: 1 }), 'pagination.invalid_cursor'],
      ['a key without an id', encode([1]), 'pagination.invalid_cursor'],
      ['an id that is not a UUID', encode([1, 'not-a-uuid']), 'pagination.invalid_cursor'],
      ['a sort key of the wrong type', encode(['first', randomUUID()]), 'pagination.invalid_cursor'],
      ['longer than any cursor we hand out', 'a'.repeat(501), 'request.validation_failed'],
    ])('REST: refuses a cursor that is %s, naming cursor', async (_what, cursor, code) => {
      expectProblem(await t.http(t.tokens.viewer).get('/v1/environments').query({ cursor }), 400, code, [
        'cursor',
      ]);
    });

    it('REST: refuses a cursor from another list', async () => {
      const team = unique('cursor');
      for (let i = 0; i < 2; i += 1)
        await admin()
          .post('/v1/services')
          .send(validService({ slug: `${team}-${i}` }))
          .expect(201);
      const page = await t.http(t.tokens.viewer).get('/v1/services').query({ q: team, limit: 1 }).expect(200);
      expect(page.body.nextCursor).toEqual(expect.any(String));
      expectProblem(
        await t.http(t.tokens.viewer).get('/v1/environments').query({ cursor: page.body.nextCursor }),
        400,
        'pagination.invalid_cursor',
        ['cursor'],
      );
    });

    it.each([
      ['a fractional rank', 1.5],
      ['a rank beyond the integer column', 2 ** 31],
      ['a rank beyond any integer column', 1e300],
    ])('REST: refuses a well-formed cursor with %s, naming cursor', async (_what, rank) => {
      // A cursor this list handed out, so its binding to the list and filters holds and only the rank is wrong.
      const q = unique('rank');
      for (let i = 0; i < 2; i += 1)
        await admin()
          .post('/v1/environments')
          .send(validEnvironment({ slug: `${q}-${i}` }))
          .expect(201);
      const page = await t.http(t.tokens.viewer).get('/v1/environments').query({ q, limit: 1 }).expect(200);
      const [binding, , id] = JSON.parse(
        Buffer.from(page.body.nextCursor as string, 'base64url').toString('utf8'),
      ) as unknown[];
      expectProblem(
        await t
          .http(t.tokens.viewer)
          .get('/v1/environments')
          .query({ q, cursor: encode([binding, rank, id]) }),
        400,
        'pagination.invalid_cursor',
        ['cursor'],
      );
    });

    it('GraphQL: refuses a malformed cursor with the same code, naming cursor', async () => {
      const answer = await gql(`query($cursor: String) { environments(cursor: $cursor) { nextCursor } }`, {
        cursor: 'garbage',
      });
      expectGraphQLProblem(answer, 400, 'pagination.invalid_cursor', ['cursor']);
      expect(answer.data).toBeNull();
    });

    it('GraphQL: refuses a cursor outside the documented base64url alphabet as invalid input, naming cursor', async () => {
      const query = `query($cursor: String) { environments(cursor: $cursor) { nextCursor } }`;
      expectGraphQLProblem(await gql(query, { cursor: 'garbage!!' }), 400, 'request.validation_failed', [
        'cursor',
      ]);
    });
  });

  describe('bad UUIDs', () => {
    it('REST: a path id that is not a UUID is a 400 naming id, before anything is looked up or changed', async () => {
      expectProblem(await admin().get('/v1/api-keys/not-a-uuid'), 400, 'request.validation_failed', ['id']);
      expectProblem(await admin().post('/v1/api-keys/12345/revoke'), 400, 'request.validation_failed', [
        'id',
      ]);
    });

    it('REST: a well-formed UUID that matches nothing is a 404, not a 400', async () => {
      expectProblem(await admin().get(`/v1/api-keys/${randomUUID()}`), 404, 'api_key.not_found');
    });

    it('GraphQL: an id argument that is not a UUID is refused naming id', async () => {
      expectGraphQLProblem(
        await gql(`{ apiKey(id: "not-a-uuid") { id } }`),
        400,
        'request.validation_failed',
        ['id'],
      );
      expectGraphQLProblem(
        await gql(`mutation { revokeApiKey(id: "12345") { id } }`),
        400,
        'request.validation_failed',
        ['id'],
      );
    });
  });

  describe('duplicate slugs', () => {
    it('REST: a second create with a taken slug is a 409 naming slug; the first stays the only one', async () => {
      const slug = unique('dup');
      await admin()
        .post('/v1/services')
        .send(validService({ slug, name: 'First' }))
        .expect(201);
      expectProblem(
        await admin()
          .post('/v1/services')
          .send(validService({ slug, name: 'Second' })),
        409,
        'service.slug_taken',
        ['slug'],
      );
      expect((await listed('services', slug)).map((s) => s.name)).toEqual(['First']);
    });

    it('REST: renaming onto a taken slug is a 409 naming slug and changes nothing', async () => {
      const taken = unique('dup');
      await admin()
        .post('/v1/environments')
        .send(validEnvironment({ slug: taken }))
        .expect(201);
      const { body: other } = await admin()
        .post('/v1/environments')
        .send(validEnvironment({ name: 'Other' }))
        .expect(201);
      expectProblem(
        await admin()
          .patch(`/v1/environments/${other.id}`)
          .set('if-match', '"1"')
          .send({ slug: taken, name: 'Renamed' }),
        409,
        'environment.slug_taken',
        ['slug'],
      );
      expect(await versionOf('environments', other.id)).toMatchObject({ version: 1, name: 'Other' });
    });

    it('REST: a refused create does not use up its Idempotency-Key', async () => {
      const slug = unique('dup');
      const key = randomUUID();
      await admin().post('/v1/services').send(validService({ slug })).expect(201);
      expectProblem(
        await admin().post('/v1/services').set('idempotency-key', key).send(validService({ slug })),
        409,
        'service.slug_taken',
        ['slug'],
      );
      const retried = await admin()
        .post('/v1/services')
        .set('idempotency-key', key)
        .send(validService({ slug: `${slug}-2` }));
      expect(retried.status).toBe(201);
    });

    it('GraphQL: a second create with a taken slug is a 409 naming slug; the first stays the only one', async () => {
      const slug = unique('dup');
      const first = await gql(CREATE_SERVICE, { input: validService({ slug, name: 'First' }) });
      expect(first.errors).toBeUndefined();
      expectGraphQLProblem(
        await gql(CREATE_SERVICE, { input: validService({ slug, name: 'Second' }) }),
        409,
        'service.slug_taken',
        ['slug'],
      );
      expect((await listed('services', slug)).map((s) => s.name)).toEqual(['First']);
    });
  });

  describe('If-Match and expected versions', () => {
    it('REST: a stale If-Match on PATCH and DELETE is a 412 and changes nothing', async () => {
      const { body } = await admin().post('/v1/services').send(validService()).expect(201);
      await admin()
        .patch(`/v1/services/${body.id}`)
        .set('if-match', '"1"')
        .send({ name: 'Second' })
        .expect(200);
      expectProblem(
        await admin().patch(`/v1/services/${body.id}`).set('if-match', '"1"').send({ name: 'Third' }),
        412,
        'concurrency.version_mismatch',
      );
      expectProblem(
        await admin().delete(`/v1/services/${body.id}`).set('if-match', '"1"'),
        412,
        'concurrency.version_mismatch',
      );
      expect(await versionOf('services', body.id)).toMatchObject({
        version: 2,
        name: 'Second',
        archivedAt: null,
      });
    });

    it.each(['garbage', '*', '"abc"', '"1', '"12345678901"'])(
      'REST: If-Match: %s is a 400 naming the header, and changes nothing',
      async (ifMatch) => {
        const { body } = await admin().post('/v1/environments').send(validEnvironment()).expect(201);
        expectProblem(
          await admin()
            .patch(`/v1/environments/${body.id}`)
            .set('if-match', ifMatch)
            .send({ name: 'Changed' }),
          400,
          'concurrency.invalid_if_match',
          ['header.if-match'],
        );
        expect(await versionOf('environments', body.id)).toMatchObject({ version: 1, name: 'Bad input' });
      },
    );

    it('GraphQL: a stale expectedVersion is a 412 and changes nothing', async () => {
      const { body } = await admin().post('/v1/environments').send(validEnvironment()).expect(201);
      const answer = await gql(
        `mutation($id: String!) { updateEnvironment(idOrSlug: $id, input: { name: "Changed" }, expectedVersion: 2) { version } }`,
        { id: body.id },
      );
      expectGraphQLProblem(answer, 412, 'concurrency.version_mismatch');
      const archive = await gql(
        `mutation($id: String!) { archiveEnvironment(idOrSlug: $id, expectedVersion: 0) { version } }`,
        { id: body.id },
      );
      expectGraphQLProblem(archive, 412, 'concurrency.version_mismatch');
      expect(await versionOf('environments', body.id)).toMatchObject({
        version: 1,
        name: 'Bad input',
        archivedAt: null,
      });
    });
  });

  describe('unknown routes', () => {
    it('answers an unknown path or method with a 404 problem, with or without a token', async () => {
      expectProblem(await admin().get('/v1/nothing-here'), 404, 'request.route_not_found');
      expectProblem(await t.http().get('/v1/nothing-here'), 404, 'request.route_not_found');
      expectProblem(await admin().put('/v1/nothing-here'), 404, 'request.route_not_found');
    });
  });

  describe('request ids', () => {
    it('echoes a sane caller x-request-id in the header and the problem, and replaces an unsafe one', async () => {
      const given = `trace-${randomUUID()}`;
      const problem = expectProblem(
        await admin().get('/v1/environments').set('x-request-id', given).query({ limit: 0 }),
        400,
        'request.validation_failed',
      );
      expect(problem.requestId).toBe(given);
      const unsafe = expectProblem(
        await admin().get('/v1/environments').set('x-request-id', 'bad id with spaces').query({ limit: 0 }),
        400,
        'request.validation_failed',
      );
      expect(unsafe.requestId).not.toContain(' ');
    });
  });

  describe(`with HTTP_BODY_LIMIT_BYTES=2048`, () => {
    let small: TestApp;
    beforeAll(async () => {
      small = await createTestApp({ HTTP_BODY_LIMIT_BYTES: '2048' });
    });
    afterAll(() => small.close());

    it('REST: accepts a body under the configured limit and refuses one over it with 413, creating nothing', async () => {
      const fits = validEnvironment({ facts: { note: 'x'.repeat(1500) } });
      expect(Buffer.byteLength(JSON.stringify(fits))).toBeLessThan(2048);
      await small.http(small.tokens.admin).post('/v1/environments').send(fits).expect(201);

      const tooBig = validEnvironment({ facts: { note: 'x'.repeat(2100) } });
      expectProblem(
        await small.http(small.tokens.admin).post('/v1/environments').send(tooBig),
        413,
        'request.too_large',
      );
      const page = await small
        .http(small.tokens.viewer)
        .get('/v1/environments')
        .query({ q: tooBig.slug, includeArchived: true })
        .expect(200);
      expect(page.body.items).toEqual([]);
    });

    it('GraphQL: refuses a request over the configured limit with 413, creating nothing', async () => {
      const input = validEnvironment({ facts: { note: 'x'.repeat(2100) } });
      const response = await small
        .http(small.tokens.admin)
        .post('/graphql')
        .send({ query: CREATE_ENVIRONMENT, variables: { input } });
      expectProblem(response, 413, 'request.too_large');
      const page = await small
        .http(small.tokens.viewer)
        .get('/v1/environments')
        .query({ q: input.slug, includeArchived: true })
        .expect(200);
      expect(page.body.items).toEqual([]);
    });
  });
});
