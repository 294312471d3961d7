import { FixedClock } from '@opsplane/core';
import { createTestApp, TestApp, unique } from '../../support/test-app';
import { createEnvironment, createService } from '../releases/fixtures';

const DAY = 86_400_000;

/** Waivers: an approver other than the requester, an expiry, revocation; audited. */
describe('compliance waivers', () => {
  const clock = new FixedClock(new Date('2033-05-01T08:00:00.000Z'));
  let t: TestApp;
  let control: { id: string; slug: string };
  beforeAll(async () => {
    t = await createTestApp({}, { clock });
    control = (
      await t
        .http(t.tokens.admin)
        .post('/v1/compliance/controls')
        .send({
          slug: unique('hsts'),
          title: 'HSTS set',
          severity: 'medium',
          subjectType: 'environment',
          expression: 'endpoints.all(e, e.headers != null && "strict-transport-security" in e.headers)',
        })
        .expect(201)
    ).body;
  });
  afterAll(() => t.close());

  const inDays = (days: number) => new Date(clock.now().getTime() + days * DAY).toISOString();
  const waive = (fields: Record<string, unknown>, token = t.tokens.admin) =>
    t
      .http(token)
      .post('/v1/compliance/waivers')
      .send({
        control: control.slug,
        reason: 'Legacy endpoint',
        approvedBy: 'Dana Scully',
        expiresAt: inDays(30),
        ...fields,
      });

  it('waives a control for one environment until a date, approved by someone else', async () => {
    const environment = await createEnvironment(t, 0);
    const created = await waive({ subject: environment.slug }).expect(201);
    expect(created.body).toMatchObject({
      controlId: control.id,
      subjectType: 'environment',
      subjectId: environment.id,
      approvedBy: 'Dana Scully',
      active: true,
      revokedAt: null,
      version: 1,
    });
    const listed = (
      await t
        .http(t.tokens.auditor)
        .get('/v1/compliance/waivers')
        .query({ subjectId: environment.id })
        .expect(200)
    ).body.items;
    expect(listed.map((w: { id: string }) => w.id)).toEqual([created.body.id]);

    clock.advance(31 * DAY);
    expect(
      (await t.http(t.tokens.viewer).get(`/v1/compliance/waivers/${created.body.id}`).expect(200)).body
        .active,
    ).toBe(false);
    const ended = (
      await t
        .http(t.tokens.auditor)
        .get('/v1/compliance/waivers')
        .query({ subjectId: environment.id, active: false })
        .expect(200)
    ).body.items;
    expect(ended).toHaveLength(1);
    await t
      .http(t.tokens.admin)
      .post(`/v1/compliance/waivers/${created.body.id}/revoke`)
      .send({ reason: 'late' })
      .expect(409);
  });

  it('refuses waivers without a future bounded expiry, approved by their requester, or for unknown things', async () => {
    const environment = await createEnvironment(t, 0);
    const own = await waive({
      subject: environment.id,
      approvedBy: 'test admin',
      expiresAt: inDays(-1),
    }).expect(400);
    expect(own.body.errors).toEqual([
      { path: 'approvedBy', message: 'must be someone other than the caller' },
      { path: 'expiresAt', message: 'must be in the future' },
    ]);
    const tooLong = await waive({ subject: environment.id, expiresAt: inDays(400) }).expect(400);
    expect(tooLong.body.errors[0].path).toBe('expiresAt');
    const missing = await t
      .http(t.tokens.admin)
      .post('/v1/compliance/waivers')
      .send({ control: control.slug, subject: environment.id, reason: 'x', approvedBy: 'Dana Scully' })
      .expect(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toContain('expiresAt');
    const unknownControl = await waive({ control: 'no-such-control', subject: environment.id }).expect(400);
    expect(unknownControl.body.errors).toEqual([
      { path: 'control', message: 'no control has id or slug "no-such-control"' },
    ]);
    // A service is not a subject of an environment control.
    const service = await createService(t);
    const wrongKind = await waive({ subject: service.slug }).expect(400);
    expect(wrongKind.body.errors[0].path).toBe('subject');
    await waive({ subject: environment.id }, t.tokens.operator).expect(403);
  });

  it('is revoked with a reason, audited, through REST and GraphQL alike', async () => {
    const environment = await createEnvironment(t, 0);
    const { body: waiver } = await waive({ subject: environment.id }).expect(201);
    await t
      .http(t.tokens.admin)
      .post(`/v1/compliance/waivers/${waiver.id}/revoke`)
      .set('if-match', '"9"')
      .send({ reason: 'Fixed' })
      .expect(412);
    const revoked = await t.graphql<{
      revokeWaiver: { active: boolean; revokedReason: string; version: number };
    }>(
      `mutation ($id: ID!) { revokeWaiver(id: $id, input: { reason: "Endpoint fixed" }, expectedVersion: 1) { active revokedReason version } }`,
      { id: waiver.id },
      t.tokens.admin,
    );
    expect(revoked.data?.revokeWaiver).toEqual({
      active: false,
      revokedReason: 'Endpoint fixed',
      version: 2,
    });
    const audit = (
      await t.http(t.tokens.auditor).get('/v1/audit-events').query({ targetId: waiver.id }).expect(200)
    ).body.items.map((e: { action: string; reason: string }) => [e.action, e.reason]);
    expect(audit).toEqual([
      ['compliance_waiver.created', 'Legacy endpoint'],
      ['compliance_waiver.revoked', 'Endpoint fixed'],
    ]);
    const denied = await t.graphql(
      `mutation ($input: CreateWaiverInput!) { createWaiver(input: $input) { id } }`,
      {
        input: {
          control: control.slug,
          subject: environment.id,
          reason: 'x',
          approvedBy: 'y',
          expiresAt: inDays(1),
        },
      },
      t.tokens.viewer,
    );
    expect(denied.errors?.[0].extensions.code).toBe('auth.forbidden');
  });
});
