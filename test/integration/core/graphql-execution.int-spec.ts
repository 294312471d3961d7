import { EnvironmentsService } from '@opsplane/catalog';
import request from 'supertest';
import { createTestApp, TestApp } from '../../support/test-app';

/** Queries run compiled (core/graphql/compiled-execution.ts); what a client sees must not change. */
describe('compiled GraphQL execution', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const LIST = `query ($limit: Int) { environments(limit: $limit) { items { id slug } nextCursor } }`;

  it('answers a query by running its resolvers once', async () => {
    const list = jest.spyOn(t.app.get(EnvironmentsService), 'list');
    try {
      for (let i = 0; i < 2; i++) {
        const answer = await t.graphql(LIST, { limit: 5 }, t.tokens.viewer);
        expect(answer.errors).toBeUndefined();
        expect(answer.data).toEqual({ environments: { items: expect.any(Array), nextCursor: null } });
      }
      expect(list).toHaveBeenCalledTimes(2);
    } finally {
      list.mockRestore();
    }
  });

  it('answers a failing query with the same error as ever: code, status and request id', async () => {
    const answer = await t.graphql(
      `{ environments(cursor: "not-a-cursor") { items { id } } }`,
      {},
      t.tokens.viewer,
    );
    expect(answer.errors?.[0]).toMatchObject({
      path: ['environments'],
      extensions: { code: 'pagination.invalid_cursor', status: 400, requestId: expect.any(String) },
    });
  });

  it('refuses variables of the wrong type with 400, as graphql-js does', async () => {
    const response = await request(t.app.getHttpServer())
      .post('/graphql')
      .set('authorization', `Bearer ${t.tokens.viewer}`)
      .send({ query: LIST, variables: { limit: 'five' } });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it("answers a query whose one non-null field fails as graphql-js does: no data, that field's error", async () => {
    const answer = await t.graphql(
      `{ ok: environments(limit: 1) { items { id } } bad: environment(idOrSlug: "no-such-environment") { id } }`,
      {},
      t.tokens.viewer,
    );
    expect(answer.data).toEqual(null);
    expect(answer.errors?.[0]?.extensions).toMatchObject({
      code: 'environment.not_found',
      status: 404,
    });
  });
});
