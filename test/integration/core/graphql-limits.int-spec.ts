import { createTestApp, TestApp } from '../../support/test-app';

describe('GraphQL limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ GRAPHQL_MAX_DEPTH: '2', GRAPHQL_MAX_COMPLEXITY: '500' });
  });
  afterAll(() => t.close());

  it('refuses a query deeper than the limit before running it', async () => {
    const shallow = await t.graphql(`{ apiKeys { items { id } } }`);
    expect(shallow.errors).toBeUndefined();
    const deep = await t
      .http(t.tokens.admin)
      .post('/graphql')
      .send({ query: '{ services { items { links { title } } } }' });
    expect(deep.status).toBeLessThan(500);
    expect(deep.body.errors[0].message).toMatch(/exceeds maximum operation depth of 2/);
    expect(deep.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
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
});
