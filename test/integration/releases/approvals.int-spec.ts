import { FixedClock } from '@opsplane/core';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp, unique } from '../../support/test-app';
import { createEnvironment, createRelease, createService, reportStatus, requestDeployment } from './fixtures';

describe('deployment approvals', () => {
  const clock = new FixedClock(new Date('2031-04-01T10:00:00.000Z'));
  let t: TestApp;
  /** A second and third operator key: approvals need people other than the requester. */
  let operator2: string;
  let operator3: string;

  beforeAll(async () => {
    t = await createTestApp({}, { clock });
    const key = async (role: string) =>
      (
        await t
          .http(t.tokens.admin)
          .post('/v1/api-keys')
          .send({ name: unique('approver'), role })
          .expect(201)
      ).body.token as string;
    operator2 = await key('operator');
    operator3 = await key('operator');
  });
  afterAll(() => t.close());

  const setRule = (environment: string, body: Record<string, unknown>, token = t.tokens.admin) =>
    t.http(token).put(`/v1/environments/${environment}/approval-rule`).send(body);
  const approve = (id: string, token: string, body: Record<string, unknown> = {}) =>
    t.http(token).post(`/v1/deployments/${id}/approve`).send(body);
  const reject = (id: string, token: string, body: Record<string, unknown>) =>
    t.http(token).post(`/v1/deployments/${id}/reject`).send(body);
  const queue = (id: string, token = t.tokens.operator) =>
    t.http(token).post(`/v1/deployments/${id}/queue`).send({});

  /** A fresh rank-0 environment with `rule`, and a deployment requested into it by the shared operator key. */
  async function pendingDeployment(rule: Record<string, unknown>) {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    await setRule(environment.slug, rule).expect(200);
    const release = await createRelease(t, service.id);
    const response = await requestDeployment(t, release.id, environment.slug).expect(201);
    return { environment, deployment: response.body as { id: string; version: number } };
  }

  describe('rules', () => {
    it('takes If-Match on replace and remove: a stale version is 412 and changes nothing', async () => {
      const environment = await createEnvironment(t, 0);
      const rulePath = `/v1/environments/${environment.slug}/approval-rule`;
      const stale = await setRule(environment.slug, { requiredApprovals: 1, approverRole: 'operator' })
        .set('if-match', '"1"')
        .expect(412);
      expect(stale.body.detail).toContain('no approval rule now');

      const created = await setRule(environment.slug, {
        requiredApprovals: 1,
        approverRole: 'operator',
      }).expect(200);
      const read = await t.http(t.tokens.viewer).get(rulePath).expect(200);
      expect(read.headers.etag).toBe('"1"');
      await setRule(environment.slug, { requiredApprovals: 2, approverRole: 'operator' })
        .set('if-match', read.headers.etag as string)
        .expect(200);
      const lost = await setRule(environment.slug, { requiredApprovals: 3, approverRole: 'admin' })
        .set('if-match', read.headers.etag as string)
        .expect(412);
      expect(lost.body.code).toBe('concurrency.version_mismatch');
      await t.http(t.tokens.admin).delete(rulePath).set('if-match', '"1"').expect(412);
      expect((await t.http(t.tokens.viewer).get(rulePath).expect(200)).body).toMatchObject({
        requiredApprovals: 2,
        version: created.body.version + 1,
      });

      const graphql = await t.graphql<{ removeApprovalRule: unknown }>(
        'mutation ($e: String!) { removeApprovalRule(environment: $e, expectedVersion: 1) { version } }',
        { e: environment.slug },
        t.tokens.admin,
      );
      expect(graphql.errors?.[0]?.extensions?.code).toBe('concurrency.version_mismatch');
      await t.http(t.tokens.admin).delete(rulePath).set('if-match', '"2"').expect(200);
    });

    it('sets, reads, replaces and removes a rule, each audited', async () => {
      const environment = await createEnvironment(t, 0);
      const none = await t
        .http(t.tokens.viewer)
        .get(`/v1/environments/${environment.slug}/approval-rule`)
        .expect(404);
      expect(none.body.code).toBe('approval_rule.not_found');

      const created = await setRule(environment.slug, {
        requiredApprovals: 2,
        approverRole: 'operator',
      }).expect(200);
      expect(created.body).toMatchObject({
        environmentId: environment.id,
        requiredApprovals: 2,
        approverRole: 'operator',
        allowSelfApproval: false,
        version: 1,
        updatedAt: clock.now().toISOString(),
      });
      const read = await t
        .http(t.tokens.viewer)
        .get(`/v1/environments/${environment.id}/approval-rule`)
        .expect(200);
      expect(read.body).toEqual(created.body);

      const replaced = await setRule(environment.id, {
        requiredApprovals: 1,
        approverRole: 'admin',
        allowSelfApproval: true,
      }).expect(200);
      expect(replaced.body).toMatchObject({
        requiredApprovals: 1,
        approverRole: 'admin',
        allowSelfApproval: true,
        version: 2,
      });

      const removed = await t
        .http(t.tokens.admin)
        .delete(`/v1/environments/${environment.slug}/approval-rule`)
        .expect(200);
      expect(removed.body).toEqual(replaced.body);
      await t.http(t.tokens.viewer).get(`/v1/environments/${environment.slug}/approval-rule`).expect(404);
      const again = await t
        .http(t.tokens.admin)
        .delete(`/v1/environments/${environment.slug}/approval-rule`)
        .expect(404);
      expect(again.body.code).toBe('approval_rule.not_found');

      const audit = await t.app
        .get(DataSource)
        .query(
          `SELECT action FROM audit_events WHERE target_type = 'environment' AND target_id = $1 AND action LIKE 'approval_rule.%' ORDER BY seq`,
          [environment.id],
        );
      expect(audit.map((row: { action: string }) => row.action)).toEqual([
        'approval_rule.created',
        'approval_rule.updated',
        'approval_rule.removed',
      ]);
    });

    it('validates the rule and needs administer', async () => {
      const environment = await createEnvironment(t, 0);
      const bad = await setRule(environment.slug, { requiredApprovals: 11, approverRole: 'boss' }).expect(
        400,
      );
      expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
        'approverRole',
        'requiredApprovals',
      ]);
      await setRule(environment.slug, { requiredApprovals: 0, approverRole: 'operator' }).expect(400);
      await setRule(
        environment.slug,
        { requiredApprovals: 1, approverRole: 'operator' },
        t.tokens.operator,
      ).expect(403);
      const missing = await setRule(unique('nowhere'), {
        requiredApprovals: 1,
        approverRole: 'operator',
      }).expect(404);
      expect(missing.body.code).toBe('environment.not_found');
    });
  });

  it('queues at once without a rule, and waits in pending_approval with one', async () => {
    const service = await createService(t);
    const free = await createEnvironment(t, 0);
    const release = await createRelease(t, service.id);
    const queued = await requestDeployment(t, release.id, free.slug).expect(201);
    expect(queued.body).toMatchObject({
      status: 'queued',
      approvalsRequired: null,
      approverRole: null,
      approvalsReceived: 0,
      isApproved: false,
    });

    const { deployment } = await pendingDeployment({ requiredApprovals: 2, approverRole: 'operator' });
    expect(deployment).toMatchObject({
      status: 'pending_approval',
      queuedAt: null,
      approvalsRequired: 2,
      approverRole: 'operator',
      allowSelfApproval: false,
      approvalsReceived: 0,
      isApproved: false,
    });
    // Approval does not allow skipping to running.
    const skipped = await reportStatus(t, deployment.id, 'running').expect(409);
    expect(skipped.body.code).toBe('deployment.illegal_transition');
  });

  it('needs two different approvers for 2-of-2, then an explicit queue, then it runs', async () => {
    const { deployment } = await pendingDeployment({ requiredApprovals: 2, approverRole: 'operator' });
    const missing = await queue(deployment.id).expect(409);
    expect(missing.body.code).toBe('approval.missing');

    clock.advance(60_000);
    const first = await approve(deployment.id, operator2, { comment: 'Looks good' }).expect(200);
    expect(first.body).toMatchObject({ status: 'pending_approval', approvalsReceived: 1, isApproved: false });
    const twice = await approve(deployment.id, operator2).expect(409);
    expect(twice.body.code).toBe('approval.already_decided');

    clock.advance(60_000);
    const second = await approve(deployment.id, operator3, { comment: 'Ship it' }).expect(200);
    // Approved is not queued: approve ≠ run unless asked.
    expect(second.body).toMatchObject({
      status: 'pending_approval',
      approvalsReceived: 2,
      isApproved: true,
      queuedAt: null,
    });

    const queued = await queue(deployment.id).expect(200);
    expect(queued.body).toMatchObject({
      status: 'queued',
      queuedAt: clock.now().toISOString(),
      isApproved: true,
    });
    await reportStatus(t, deployment.id, 'running').expect(200);

    const decisions = await t
      .http(t.tokens.viewer)
      .get(`/v1/deployments/${deployment.id}/approvals`)
      .expect(200);
    expect(decisions.body.items).toEqual([
      expect.objectContaining({
        deploymentId: deployment.id,
        decision: 'approved',
        actorRole: 'operator',
        comment: 'Looks good',
        decidedAt: new Date(clock.now().getTime() - 60_000).toISOString(),
      }),
      expect.objectContaining({
        decision: 'approved',
        comment: 'Ship it',
        decidedAt: clock.now().toISOString(),
      }),
    ]);
    expect(decisions.body.items[0].actorId).not.toBe(decisions.body.items[1].actorId);

    const audit = await t.app
      .get(DataSource)
      .query(
        `SELECT action, reason FROM audit_events WHERE target_type = 'deployment' AND target_id = $1 ORDER BY seq`,
        [deployment.id],
      );
    expect(audit).toEqual([
      { action: 'deployment.requested', reason: null },
      { action: 'deployment.approved', reason: 'Looks good' },
      { action: 'deployment.approved', reason: 'Ship it' },
      { action: 'deployment.queued', reason: null },
      { action: 'deployment.started', reason: null },
    ]);
    const outbox = await t.app
      .get(DataSource)
      .query(
        `SELECT type FROM outbox_events WHERE aggregate_type = 'deployment' AND aggregate_id = $1 ORDER BY id`,
        [deployment.id],
      );
    expect(outbox.map((row: { type: string }) => row.type)).toContain('deployment.approved');
  });

  it('queues directly when the completing approval asks for it (approveAndQueue)', async () => {
    const { deployment } = await pendingDeployment({ requiredApprovals: 2, approverRole: 'operator' });
    // queue: true before the last approval only records the approval.
    const first = await approve(deployment.id, operator2, { queue: true }).expect(200);
    expect(first.body).toMatchObject({ status: 'pending_approval', approvalsReceived: 1 });
    const last = await approve(deployment.id, operator3, { queue: true }).expect(200);
    expect(last.body).toMatchObject({ status: 'queued', approvalsReceived: 2, isApproved: true });
    const late = await approve(deployment.id, t.tokens.admin).expect(409);
    expect(late.body.code).toBe('deployment.illegal_transition');
  });

  it('refuses self-approval unless the rule allows it', async () => {
    const refused = await pendingDeployment({ requiredApprovals: 1, approverRole: 'operator' });
    const self = await approve(refused.deployment.id, t.tokens.operator).expect(403);
    expect(self.body.code).toBe('approval.self_approval');

    const allowed = await pendingDeployment({
      requiredApprovals: 1,
      approverRole: 'operator',
      allowSelfApproval: true,
    });
    const own = await approve(allowed.deployment.id, t.tokens.operator, { queue: true }).expect(200);
    expect(own.body).toMatchObject({ status: 'queued', isApproved: true });
  });

  it('refuses approvers without the rule’s role; admins always qualify; viewers cannot reach the route', async () => {
    const { deployment } = await pendingDeployment({ requiredApprovals: 2, approverRole: 'admin' });
    const wrongRole = await approve(deployment.id, operator2).expect(403);
    expect(wrongRole.body.code).toBe('approval.role_required');
    const viewer = await approve(deployment.id, t.tokens.viewer).expect(403);
    expect(viewer.body.code).toBe('auth.forbidden');
    const byAdmin = await approve(deployment.id, t.tokens.admin).expect(200);
    expect(byAdmin.body.approvalsReceived).toBe(1);
  });

  it('keeps the rule a deployment was requested under when the rule changes', async () => {
    const { environment, deployment } = await pendingDeployment({
      requiredApprovals: 1,
      approverRole: 'operator',
    });
    await setRule(environment.slug, { requiredApprovals: 3, approverRole: 'admin' }).expect(200);
    const approved = await approve(deployment.id, operator2).expect(200);
    expect(approved.body).toMatchObject({ approvalsRequired: 1, approverRole: 'operator', isApproved: true });
  });

  it('ends the deployment at the first rejection, which needs a comment', async () => {
    const { deployment } = await pendingDeployment({ requiredApprovals: 2, approverRole: 'operator' });
    await approve(deployment.id, operator2).expect(200);
    const noComment = await reject(deployment.id, operator3, {}).expect(400);
    expect(new Set(noComment.body.errors.map((e: { path: string }) => e.path))).toEqual(new Set(['comment']));
    const blank = await reject(deployment.id, operator3, { comment: '  ' }).expect(400);
    expect(blank.body.code).toBe('deployment.reason_required');

    const rejected = await reject(deployment.id, operator3, { comment: 'Not during the sale' }).expect(200);
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      statusReason: 'Not during the sale',
      finishedAt: clock.now().toISOString(),
    });
    const after = await approve(deployment.id, t.tokens.admin).expect(409);
    expect(after.body.code).toBe('deployment.illegal_transition');
    await queue(deployment.id).expect(409);

    const decisions = await t
      .http(t.tokens.viewer)
      .get(`/v1/deployments/${deployment.id}/approvals`)
      .expect(200);
    expect(decisions.body.items.map((d: { decision: string }) => d.decision)).toEqual([
      'approved',
      'rejected',
    ]);
    const audit = await t.app
      .get(DataSource)
      .query(
        `SELECT reason FROM audit_events WHERE target_type = 'deployment' AND target_id = $1 AND action = 'deployment.rejected'`,
        [deployment.id],
      );
    expect(audit).toEqual([{ reason: 'Not during the sale' }]);
  });

  it('refuses decisions on a deployment that never needed approval', async () => {
    const service = await createService(t);
    const environment = await createEnvironment(t, 0);
    const release = await createRelease(t, service.id);
    const { body } = await requestDeployment(t, release.id, environment.slug).expect(201);
    const response = await approve(body.id, operator2).expect(409);
    expect(response.body.code).toBe('deployment.illegal_transition');
    await t.http(t.tokens.viewer).get(`/v1/deployments/${body.id}/approvals`).expect(200, { items: [] });
  });

  it('approves and rejects through GraphQL, with the decisions on Deployment.approvals', async () => {
    const environment = await createEnvironment(t, 0);
    const rule = await t.graphql(
      `mutation($env: String!) { setApprovalRule(environment: $env, input: { requiredApprovals: 1, approverRole: operator }) { requiredApprovals approverRole allowSelfApproval } }`,
      { env: environment.slug },
    );
    expect(rule.data?.setApprovalRule).toEqual({
      requiredApprovals: 1,
      approverRole: 'operator',
      allowSelfApproval: false,
    });
    const read = await t.graphql(`query($env: String!) { approvalRule(environment: $env) { version } }`, {
      env: environment.id,
    });
    expect(read.data?.approvalRule).toEqual({ version: 1 });

    const service = await createService(t);
    const first = await createRelease(t, service.id);
    const second = await createRelease(t, service.id);
    const a = (await requestDeployment(t, first.id, environment.slug).expect(201)).body.id as string;
    const b = (await requestDeployment(t, second.id, environment.slug).expect(201)).body.id as string;

    const approved = await t.graphql(
      `mutation($id: ID!) { approveDeployment(id: $id, comment: "LGTM", queue: true) { status isApproved approvals { decision comment actorRole } } }`,
      { id: a },
      operator2,
    );
    expect(approved.data?.approveDeployment).toEqual({
      status: 'queued',
      isApproved: true,
      approvals: [{ decision: 'approved', comment: 'LGTM', actorRole: 'operator' }],
    });

    const rejected = await t.graphql(
      `mutation($id: ID!) { rejectDeployment(id: $id, comment: "wrong build") { status statusReason } }`,
      { id: b },
      operator2,
    );
    expect(rejected.data?.rejectDeployment).toEqual({ status: 'rejected', statusReason: 'wrong build' });
    const again = await t.graphql(
      `mutation($id: ID!) { approveDeployment(id: $id) { status } }`,
      { id: b },
      operator3,
    );
    expect(again.errors?.[0].extensions).toMatchObject({
      code: 'deployment.illegal_transition',
      status: 409,
    });

    const removed = await t.graphql(
      `mutation($env: String!) { removeApprovalRule(environment: $env) { version } }`,
      {
        env: environment.slug,
      },
    );
    expect(removed.data?.removeApprovalRule).toEqual({ version: 1 });
  });
});
