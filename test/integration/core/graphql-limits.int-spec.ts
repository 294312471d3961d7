import { getIntrospectionQuery } from 'graphql';
import { createTestApp, TestApp } from '../../support/test-app';

/** `{ a { b { … } } }`-style nesting: `open` repeated `times`, then `leaf`, then the closing braces. */
function nest(open: string, times: number, leaf: string): string {
  return `${open} { `.repeat(times) + leaf + ' }'.repeat(times);
}

describe('GraphQL limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ GRAPHQL_MAX_DEPTH: '2', GRAPHQL_MAX_COMPLEXITY: '500' });
  });
  afterAll(() => t.close());

  const post = (query: string) => t.http(t.tokens.admin).post('/graphql').send({ query });

  function expectTooDeep(response: { status: number; body: Record<string, never> }, message: RegExp) {
    expect(response.status).toBe(400);
    const errors = response.body.errors as { message: string; extensions: { code: string } }[];
    expect(errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(message),
        extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED', status: 400 }),
      }),
    ]);
  }

  it('refuses a query deeper than the limit before running it', async () => {
    const shallow = await t.graphql(`{ apiKeys { items { id } } }`);
    expect(shallow.errors).toBeUndefined();
    expectTooDeep(
      await post('{ services { items { links { title } } } }'),
      /depth 3 exceeds the maximum depth of 2/,
    );
  });

  it('counts fields, not fragments: fragments add no depth of their own', async () => {
    const viaFragments = await t.graphql(
      `{ apiKeys { ...Page } }
       fragment Page on ApiKeyPage { ... on ApiKeyPage { items { ... on ApiKey { ...Key } } } }
       fragment Key on ApiKey { id name }`,
    );
    expect(viaFragments.errors).toBeUndefined();
  });

  it('counts the depth of fields inside nested inline fragments', async () => {
    const inner = nest('... on Environment', 20, 'currentDeployments { id }');
    expectTooDeep(
      await post(`{ environments { items { ${inner} } } }`),
      /depth 3 exceeds the maximum depth of 2/,
    );
  });

  it('counts the depth of fields inside nested named fragments', async () => {
    expectTooDeep(
      await post(
        `{ environments { ...A } }
         fragment A on EnvironmentPage { items { ...B } }
         fragment B on Environment { ...C }
         fragment C on Environment { currentDeployments { release { id } } }`,
      ),
      /depth 4 exceeds the maximum depth of 2/,
    );
  });

  it('answers a fragment cycle with the validation error, not a crash', async () => {
    const response = await post(
      `{ environments { items { ...A } } }
       fragment A on Environment { ...B }
       fragment B on Environment { id ...A }`,
    );
    expect(response.status).toBe(400);
    expect(response.body.errors[0].message).toMatch(/Cannot spread fragment "A" within itself/);
    expect(response.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it("accepts graphql-js's full introspection query, whatever the operation depth limit", async () => {
    const response = await post(
      getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
        oneOf: true,
      }),
    );
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.__schema.types.length).toBeGreaterThan(50);
  });

  it('bounds introspection: an ofType chain under __schema', async () => {
    expectTooDeep(
      await post(`{ __schema { types { ${nest('ofType', 50, 'name')} } } }`),
      /Introspection depth 52 exceeds the maximum introspection depth of \d+/,
    );
  });

  it('bounds introspection: an ofType chain under __type, also through fragments', async () => {
    expectTooDeep(
      await post(
        `{ ...Root }
         fragment Root on Query { __type(name: "Environment") { fields { type { ...Deep } } } }
         fragment Deep on __Type { ${nest('ofType', 50, 'name')} }`,
      ),
      /Introspection depth 53 exceeds the maximum introspection depth of \d+/,
    );
  });

  it('bounds introspection: lists of types nested in lists of fields', async () => {
    const response = await post(
      '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }',
    );
    expect(response.status).toBe(400);
    expect(response.body.errors[0].message).toMatch(/Maximum introspection depth exceeded/);
  });

  it('refuses a document of more than GRAPHQL_MAX_TOKENS tokens before the parser recurses into it', async () => {
    for (const query of [
      `mutation { createEnvironment(input: {facts: ${'{a:'.repeat(2000)}1${'}'.repeat(2000)}}) { id } }`,
      `{ services(q: ${'['.repeat(3000)}"x"${']'.repeat(3000)}) { nextCursor } }`,
      `{ ${nest('services', 2000, 'nextCursor')} }`,
    ]) {
      const response = await post(query);
      expect(response.status).toBe(400);
      const [error] = response.body.errors as { message: string; extensions: { code: string } }[];
      expect(error.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
      // (graphql-js words it "more that 1000 tokens")
      expect(error.message).toMatch(/1000 tokens/);
    }
  });

  it('refuses a query whose estimated cost (fields × page size) is above the limit', async () => {
    const cheap = await t.graphql(
      `{ environments(limit: 10) { items { id slug name } } }`,
      {},
      t.tokens.viewer,
    );
    expect(cheap.errors).toBeUndefined();
    const costly = await t.graphql(
      `{ environments(limit: 200) { items { id slug name tier rank facts } } }`,
      {},
      t.tokens.viewer,
    );
    expect(costly.errors?.[0]?.extensions).toMatchObject({ code: 'request.too_complex', status: 400 });
    expect(costly.errors?.[0]?.message).toMatch(/too complex/);
  });

  it('judges a document sent again (its cost is remembered) by its variables each time', async () => {
    const query = `query ($limit: Int!) { environments(limit: $limit) { items { id slug name tier rank facts } } }`;
    for (let i = 0; i < 2; i++) {
      expect((await t.graphql(query, { limit: 10 }, t.tokens.viewer)).errors).toBeUndefined();
      const costly = await t.graphql(query, { limit: 200 }, t.tokens.viewer);
      expect(costly.errors?.[0]?.extensions).toMatchObject({ code: 'request.too_complex', status: 400 });
    }
  });
});
