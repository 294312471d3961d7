import { createTestApp, TestApp, unique } from '../../support/test-app';

const TLS_CHECK = 'endpoints.all(e, !e.reachable || e.tls.protocols.all(p, p in ["TLSv1.2", "TLSv1.3"]))';

/** Controls as code: checked when saved, versioned on every edit, and the starter library loaded once. */
describe('compliance controls', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ COMPLIANCE_STARTER_LIBRARY: 'true' });
  });
  afterAll(() => t.close());

  const body = (fields: Record<string, unknown> = {}) => ({
    slug: unique('tls'),
    title: 'TLS 1.2 or later only',
    severity: 'high',
    subjectType: 'environment',
    scope: { tiers: ['production'] },
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.24' },
      { framework: 'cis_v8', requirement: '3.10' },
    ],
    expression: TLS_CHECK,
    ...fields,
  });
  const create = (fields: Record<string, unknown> = {}) =>
    t.http(t.tokens.admin).post('/v1/compliance/controls').send(body(fields));

  it('loads the starter library on first start, once, as a system actor', async () => {
    const page = (
      await t.http(t.tokens.viewer).get('/v1/compliance/controls').query({ limit: 200 }).expect(200)
    ).body as { items: { slug: string; origin: string; version: number; createdBy: string }[] };
    const starter = page.items.filter((control) => control.origin === 'starter');
    expect(starter.length).toBeGreaterThanOrEqual(25);
    expect(starter.every((c) => c.version === 1 && c.createdBy === 'system:compliance')).toBe(true);
    const slugs = page.items.map((c) => c.slug);
    expect([...slugs].sort()).toEqual(slugs);
    // Edited or not, a second start loads nothing.
    const again = await createTestApp({ COMPLIANCE_STARTER_LIBRARY: 'true' });
    try {
      const count = (
        (
          await again
            .http(again.tokens.viewer)
            .get('/v1/compliance/controls')
            .query({ limit: 200 })
            .expect(200)
        ).body as { items: unknown[] }
      ).items.length;
      expect(count).toBe(page.items.length);
    } finally {
      await again.close();
    }
  });

  it('creates a control at version 1 with framework titles, and finds it by slug', async () => {
    const created = await create().expect(201);
    expect(created.body).toMatchObject({
      title: 'TLS 1.2 or later only',
      mode: 'report',
      origin: 'custom',
      version: 1,
      scope: { tiers: ['production'], slugs: [], protected: null, criticalities: [] },
      frameworks: [
        { framework: 'iso27001', requirement: 'A.8.24', title: 'Use of cryptography' },
        { framework: 'cis_v8', requirement: '3.10', title: expect.stringMatching(/Transit/) },
      ],
    });
    const bySlug = await t
      .http(t.tokens.viewer)
      .get(`/v1/compliance/controls/${created.body.slug}`)
      .expect(200);
    expect(bySlug.body.id).toBe(created.body.id);
    expect(bySlug.headers.etag).toBe('"1"');
    await create({ slug: created.body.slug }).expect(409);
  });

  it('refuses a check that does not parse, type-check or fit the budget, naming line and column', async () => {
    const syntax = await create({ expression: 'endpoints.all(e,\n  e.reachable &&)' }).expect(400);
    expect(syntax.body.errors).toEqual([
      { path: 'expression', message: expect.stringMatching(/^line 2, column \d+: syntax: /) },
    ]);
    const typo = await create({ expression: 'environment.protectd' }).expect(400);
    expect(typo.body.errors[0]).toEqual({
      path: 'expression',
      message: 'line 1, column 13: No such key: protectd',
    });
    const notBool = await create({ expression: 'environment.rank + 1' }).expect(400);
    expect(notBool.body.errors[0].message).toBe('line 1, column 1: must be a bool; this expression is a int');
    const serviceVariable = await create({ expression: 'service.criticality == "high"' }).expect(400);
    expect(serviceVariable.body.errors[0].message).toContain('Unknown variable: service');
    const costly = await create({
      expression: 'findings.all(a, findings.all(b, findings.all(c, a.title == c.title)))',
    }).expect(400);
    expect(costly.body.errors[0].message).toMatch(/over the limit/);
  });

  it('refuses unknown framework requirements and scope fields of the other subject type', async () => {
    const wrong = await create({
      frameworks: [
        { framework: 'iso27001', requirement: 'A.9.1' },
        { framework: 'nist', requirement: 'AC-2' },
      ],
      scope: { criticalities: ['high'] },
    }).expect(400);
    expect(wrong.body.errors.map((e: { path: string }) => e.path)).toEqual(['frameworks.1.framework']);
    const unknown = await create({
      frameworks: [{ framework: 'iso27001', requirement: 'A.9.1' }],
      scope: { criticalities: ['high'] },
    }).expect(400);
    expect(unknown.body.errors).toEqual([
      {
        path: 'frameworks.0.requirement',
        message: expect.stringContaining('A.9.1 is not a requirement of ISO/IEC 27001'),
      },
      {
        path: 'scope.criticalities',
        message: 'does not apply to environment controls (they take tiers, slugs, protected)',
      },
    ]);
    await t.http(t.tokens.operator).post('/v1/compliance/controls').send(body()).expect(403);
  });

  it('makes a new version on every edit, keeps the old ones, and honours If-Match', async () => {
    const { body: control } = await create().expect(201);
    const url = `/v1/compliance/controls/${control.id}`;
    const same = await t.http(t.tokens.admin).patch(url).send({ title: control.title }).expect(200);
    expect(same.body.version).toBe(1);
    const edited = await t
      .http(t.tokens.admin)
      .patch(url)
      .set('if-match', '"1"')
      .send({ mode: 'enforce', expression: `${TLS_CHECK} && environment.protected` })
      .expect(200);
    expect(edited.body).toMatchObject({ version: 2, mode: 'enforce' });
    await t.http(t.tokens.admin).patch(url).set('if-match', '"1"').send({ mode: 'report' }).expect(412);
    const broken = await t.http(t.tokens.admin).patch(url).send({ expression: 'nope(' }).expect(400);
    expect(broken.body.errors[0].path).toBe('expression');

    const versions = (await t.http(t.tokens.auditor).get(`${url}/versions`).expect(200)).body;
    expect(versions.items.map((v: { version: number; mode: string }) => [v.version, v.mode])).toEqual([
      [2, 'enforce'],
      [1, 'report'],
    ]);
    const first = await t.http(t.tokens.auditor).get(`${url}/versions/1`).expect(200);
    expect(first.body.expression).toBe(TLS_CHECK);
    await t.http(t.tokens.auditor).get(`${url}/versions/3`).expect(404);
    await t.http(t.tokens.auditor).get(`${url}/versions/zero`).expect(400);

    const audit = (
      await t.http(t.tokens.auditor).get('/v1/audit-events').query({ targetId: control.id }).expect(200)
    ).body.items.map((event: { action: string }) => event.action);
    expect(audit).toEqual(['compliance_control.created', 'compliance_control.updated']);
  });

  it('lists by framework and requirement, mode and subject type', async () => {
    const { body: mine } = await create({
      frameworks: [{ framework: 'soc2', requirement: 'CC8.1' }],
      mode: 'enforce',
    }).expect(201);
    const byRequirement = (
      await t
        .http(t.tokens.viewer)
        .get('/v1/compliance/controls')
        .query({ framework: 'soc2', requirement: 'CC8.1', limit: 200 })
        .expect(200)
    ).body.items as { id: string; frameworks: { requirement: string }[] }[];
    expect(byRequirement.map((c) => c.id)).toContain(mine.id);
    expect(byRequirement.every((c) => c.frameworks.some((f) => f.requirement === 'CC8.1'))).toBe(true);
    await t.http(t.tokens.viewer).get('/v1/compliance/controls').query({ requirement: 'CC8.1' }).expect(400);
    const services = (
      await t
        .http(t.tokens.viewer)
        .get('/v1/compliance/controls')
        .query({ subjectType: 'service' })
        .expect(200)
    ).body.items as { subjectType: string }[];
    expect(services.every((c) => c.subjectType === 'service')).toBe(true);
  });

  it('works through GraphQL with the same checks and codes', async () => {
    const created = await t.graphql<{ createControl: { slug: string; version: number } }>(
      `mutation ($input: CreateControlInput!) { createControl(input: $input) { slug version } }`,
      { input: body() },
      t.tokens.admin,
    );
    expect(created.data?.createControl.version).toBe(1);
    const refused = await t.graphql(
      `mutation ($input: CreateControlInput!) { createControl(input: $input) { slug } }`,
      { input: body({ expression: 'environment.tierr == "production"' }) },
      t.tokens.admin,
    );
    expect(refused.errors?.[0].extensions.code).toBe('request.validation_failed');
    const read = await t.graphql<{
      control: { frameworks: { title: string }[] };
      controlVersion: { version: number };
    }>(
      `query ($slug: String!) { control(control: $slug) { frameworks { title } } controlVersion(control: $slug, version: 1) { version } }`,
      { slug: created.data!.createControl.slug },
      t.tokens.viewer,
    );
    expect(read.data?.control.frameworks[0].title).toBe('Use of cryptography');
    expect(read.data?.controlVersion.version).toBe(1);
  });
});
