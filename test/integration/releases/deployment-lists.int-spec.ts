import { DataSource } from 'typeorm';
import { createTestApp, TestApp, unique } from '../../support/test-app';
import { createRelease, createService, finishedDeployment, requestDeployment } from './fixtures';

interface Page {
  items: Record<string, unknown>[];
  nextCursor: string | null;
}

describe('deployments of environments, services and releases over GraphQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  /**
   * `count` environments found by one search term, each with `perEnvironment` deployments of
   * releases of two services (alternating), oldest first; the last one of each is only queued.
   */
  async function family(count: number, perEnvironment: number) {
    const term = unique('lists');
    const services = [await createService(t), await createService(t)];
    const environments: { id: string; slug: string; deployments: { id: string; serviceId: string }[] }[] = [];
    for (let i = 0; i < count; i++) {
      const environment = (
        await t
          .http(t.tokens.admin)
          .post('/v1/environments')
          .send({ slug: `${term}-${i}`, name: `${term} ${i}`, tier: 'testing', rank: 0 })
          .expect(201)
      ).body as { id: string; slug: string };
      const deployments = [];
      for (let d = 0; d < perEnvironment; d++) {
        const service = services[d % 2];
        const release = await createRelease(t, service.id);
        const deployment =
          d === perEnvironment - 1
            ? (await requestDeployment(t, release.id, environment.id).expect(201)).body
            : await finishedDeployment(t, release.id, environment.id);
        deployments.push({ id: deployment.id as string, serviceId: service.id, releaseId: release.id });
      }
      environments.push({ ...environment, deployments });
    }
    return { term, services, environments };
  }

  /** Runs a query as a viewer and counts the SQL statements sent for it, by table read. */
  async function run<T>(query: string, variables: Record<string, unknown> = {}) {
    const dataSource = t.app.get(DataSource);
    await t.graphql('{ __typename }', {}, t.tokens.viewer);
    const spy = jest.spyOn(dataSource.logger, 'logQuery');
    try {
      const response = await t.graphql<T>(query, variables, t.tokens.viewer);
      const statements = spy.mock.calls
        .map(([sql]) => String(sql))
        .filter((sql) => !sql.includes('api_keys'));
      return { ...response, statements };
    } finally {
      spy.mockRestore();
    }
  }

  const onDeployments = (statements: string[]) =>
    statements.filter((sql) => /FROM "deployments"/.test(sql)).length;

  it("reads each environment's newest deployments, with releases and services, in one statement per level", async () => {
    const small = await family(2, 4);
    const large = await family(5, 4);
    const query = `query ($q: String!) { environments(q: $q, limit: 50) { items {
      slug deployments(limit: 3) { items { id status release { version service { slug } } } nextCursor }
    } } }`;
    type Answer = { environments: { items: { slug: string; deployments: Page }[] } };
    const few = await run<Answer>(query, { q: small.term });
    const many = await run<Answer>(query, { q: large.term });
    expect(few.errors).toBeUndefined();
    expect(many.errors).toBeUndefined();
    // environments, deployments, releases, services.
    expect(many.statements).toHaveLength(few.statements.length);
    expect(many.statements.map((sql) => /FROM "(\w+)"/.exec(sql)?.[1] ?? sql.slice(0, 60))).toEqual([
      'environments',
      'deployments',
      'releases',
      'services',
    ]);
    expect(onDeployments(many.statements)).toBe(1);

    const items = many.data!.environments.items;
    expect(items.map((item) => item.slug)).toEqual(large.environments.map((e) => e.slug));
    for (const [index, item] of items.entries()) {
      const newestFirst = [...large.environments[index].deployments].reverse();
      expect(item.deployments.items.map((d) => d.id)).toEqual(newestFirst.slice(0, 3).map((d) => d.id));
      expect(item.deployments.items[0]).toMatchObject({
        status: 'queued',
        release: { version: expect.any(String), service: { slug: expect.any(String) } },
      });
      expect(item.deployments.nextCursor).toEqual(expect.any(String));
    }
  });

  it('continues a nested page through the root list with the same filters', async () => {
    const { environments } = await family(1, 5);
    const [environment] = environments;
    const first = await run<{ environments: { items: { deployments: Page }[] } }>(
      `query ($q: String!) { environments(q: $q) { items { deployments(limit: 2, status: succeeded) { items { id } nextCursor } } } }`,
      { q: environment.slug },
    );
    expect(first.errors).toBeUndefined();
    const page = first.data!.environments.items[0].deployments;
    const succeeded = environments[0].deployments.slice(0, 4).reverse();
    expect(page.items.map((d) => d.id)).toEqual(succeeded.slice(0, 2).map((d) => d.id));

    const rest = await t.graphql<{ deployments: Page }>(
      `query ($e: ID!, $c: String!) { deployments(environmentId: $e, status: succeeded, limit: 2, cursor: $c) { items { id } nextCursor } }`,
      { e: environment.id, c: page.nextCursor },
      t.tokens.viewer,
    );
    expect(rest.errors).toBeUndefined();
    expect(rest.data!.deployments.items.map((d) => d.id)).toEqual(succeeded.slice(2).map((d) => d.id));
    expect(rest.data!.deployments.nextCursor).toBeNull();

    // …and the same cursor with other filters is refused, as on REST.
    const other = await t.graphql(
      `query ($e: ID!, $c: String!) { deployments(environmentId: $e, limit: 2, cursor: $c) { items { id } } }`,
      { e: environment.id, c: page.nextCursor },
      t.tokens.viewer,
    );
    expect(other.errors?.[0].extensions.code).toBe('pagination.invalid_cursor');
  });

  it('batches root lists asked under aliases into one statement, each answering as it would alone', async () => {
    const { environments } = await family(3, 3);
    const aliases = environments
      .map(
        (e, i) =>
          `e${i}: deployments(environmentId: "${e.id}", limit: 2) { items { id environmentId } nextCursor }`,
      )
      .join('\n');
    const together = await run<Record<string, Page>>(`{ ${aliases} }`);
    expect(together.errors).toBeUndefined();
    expect(onDeployments(together.statements)).toBe(1);
    for (const [index, environment] of environments.entries()) {
      const alone = await t.graphql<{ deployments: Page }>(
        `{ deployments(environmentId: "${environment.id}", limit: 2) { items { id environmentId } nextCursor } }`,
        {},
        t.tokens.viewer,
      );
      expect(together.data![`e${index}`]).toEqual(alone.data!.deployments);
      expect(alone.data!.deployments.items).toHaveLength(2);
    }
  });

  it("filters a service's deployments by environment and lists a release's", async () => {
    const { services, environments } = await family(2, 3);
    const [first, second] = environments;
    const answer = await run<{
      service: { deployments: Page };
    }>(
      `query ($s: String!, $e: ID!) { service(idOrSlug: $s) { deployments(environmentId: $e) { items { id environmentId serviceId } } } }`,
      { s: services[0].id, e: second.id },
    );
    expect(answer.errors).toBeUndefined();
    const expected = second.deployments.filter((d) => d.serviceId === services[0].id).reverse();
    expect(answer.data!.service.deployments.items).toEqual(
      expected.map((d) => ({ id: d.id, environmentId: second.id, serviceId: services[0].id })),
    );

    const deployment = first.deployments[0] as { id: string; releaseId?: string };
    const release = await t.graphql<{ release: { deployments: Page } }>(
      `query ($r: ID!) { release(id: $r) { deployments { items { id } nextCursor } } }`,
      { r: deployment.releaseId },
      t.tokens.viewer,
    );
    expect(release.errors).toBeUndefined();
    expect(release.data!.release.deployments).toEqual({ items: [{ id: deployment.id }], nextCursor: null });
  });

  it('refuses out-of-range arguments of a nested list with a validation error naming them', async () => {
    const { environments } = await family(1, 1);
    const answer = await t.graphql(
      `query ($q: String!) { environments(q: $q) { items { deployments(limit: 0, from: "1900-01-01T00:00:00Z") { items { id } } } } }`,
      { q: environments[0].slug },
      t.tokens.viewer,
    );
    expect(answer.errors?.[0].extensions).toMatchObject({
      code: 'request.validation_failed',
      status: 400,
      requestId: expect.any(String),
    });
    expect(answer.errors?.[0].extensions.errors?.map((e) => e.path).sort()).toEqual(['from', 'limit']);
  });
});
