import { EnvironmentsService, ServicesService } from '@opsplane/catalog';
import { systemActor } from '@opsplane/core';
import { ReleasesService } from '@opsplane/releases';
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { PromotionGate } from '../../../libs/releases/src/gates/promotion.gate';
import { createTestApp, TestApp, unique } from '../../support/test-app';
import { createEnvironment, createRelease, createService, reportStatus, requestDeployment } from './fixtures';

/**
 * The gate looks at every environment of the "highest rank below" in this file's database, so each
 * test takes a block of ranks of its own: the rank below each target here is always this test's.
 */
let nextRank = 1;
function rankBlock(size: number): number {
  const base = nextRank;
  nextRank += size + 1;
  if (nextRank > 1000) throw new Error('promotion-policy tests ran out of ranks (max 1000)');
  return base;
}

describe('promotion policies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const policyPath = (environment: string) => `/v1/environments/${environment}/promotion-policy`;
  const setPolicy = (environment: string, body: Record<string, unknown>, token = t.tokens.admin) =>
    t.http(token).put(policyPath(environment)).send(body);

  /** An environment that accepts any release, so tests can put releases where they need them. */
  async function sourceEnvironment(rank: number, prefix = 'src') {
    const environment = await createEnvironment(t, rank, prefix);
    await setPolicy(environment.slug, { enabled: false }).expect(200);
    return environment;
  }

  async function succeed(release: string, environment: string): Promise<string> {
    const deployment = (await requestDeployment(t, release, environment).expect(201)).body as { id: string };
    await reportStatus(t, deployment.id, 'running').expect(200);
    await reportStatus(t, deployment.id, 'succeeded').expect(200);
    return deployment.id;
  }

  async function promotionRefusal(release: string, environment: string): Promise<string> {
    const refused = await requestDeployment(t, release, environment).expect(409);
    expect(refused.body.code).toBe('deployment.gates_failed');
    const promotion = (refused.body.errors as { path: string; message: string }[]).find(
      (error) => error.path === 'gate.promotion',
    );
    expect(promotion).toBeDefined();
    return promotion!.message;
  }

  /**
   * The promotion gate's own decision, passing or not (a pass's reason is not shown over HTTP),
   * checking on the way that the gate asks the database once.
   */
  async function gateDecision(releaseId: string, environment: string) {
    const release = await t.app.get(ReleasesService).get(releaseId);
    const context = {
      phase: 'request' as const,
      release,
      service: await t.app.get(ServicesService).get(release.serviceId),
      environment: await t.app.get(EnvironmentsService).get(environment),
      deployment: null,
      now: new Date(),
      actor: systemActor('tests', 'promotion-policy'),
      overrides: {},
    };
    const queries = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    try {
      const decision = await t.app.get(PromotionGate).evaluate(context);
      expect(queries).toHaveBeenCalledTimes(1);
      return decision;
    } finally {
      queries.mockRestore();
    }
  }

  describe('the policy resource', () => {
    it('sets, reads, replaces and removes a policy with versions and If-Match, each audited', async () => {
      const environment = await createEnvironment(t, rankBlock(1) + 1);
      const none = await t.http(t.tokens.viewer).get(policyPath(environment.slug)).expect(404);
      expect(none.body.code).toBe('promotion_policy.not_found');

      const created = await setPolicy(environment.slug, {}).expect(200);
      expect(created.body).toEqual({
        environmentId: environment.id,
        enabled: true,
        fromRanks: null,
        minimumSuccesses: 1,
        version: 1,
        updatedAt: expect.any(String),
        updatedBy: expect.any(String),
      });
      const read = await t.http(t.tokens.auditor).get(policyPath(environment.id)).expect(200);
      expect(read.body).toEqual(created.body);
      expect(read.headers.etag).toBe('"1"');

      const stale = await setPolicy(environment.slug, { minimumSuccesses: 2 })
        .set('if-match', '"7"')
        .expect(412);
      expect(stale.body.code).toBe('concurrency.version_mismatch');
      const replaced = await setPolicy(environment.id, {
        fromRanks: [environment.rank - 1, 0],
        minimumSuccesses: 2,
      })
        .set('if-match', '"1"')
        .expect(200);
      // Stored in rank order.
      expect(replaced.body).toMatchObject({
        enabled: true,
        fromRanks: [0, environment.rank - 1],
        minimumSuccesses: 2,
        version: 2,
      });

      await t.http(t.tokens.admin).delete(policyPath(environment.slug)).set('if-match', '"1"').expect(412);
      const removed = await t
        .http(t.tokens.admin)
        .delete(policyPath(environment.slug))
        .set('if-match', '"2"')
        .expect(200);
      expect(removed.body).toEqual(replaced.body);
      await t.http(t.tokens.viewer).get(policyPath(environment.slug)).expect(404);
      const again = await t.http(t.tokens.admin).delete(policyPath(environment.slug)).expect(404);
      expect(again.body.code).toBe('promotion_policy.not_found');

      const db = t.app.get(DataSource);
      const audit = await db.query(
        `SELECT action FROM audit_events WHERE target_type = 'environment' AND target_id = $1 AND action LIKE 'promotion_policy.%' ORDER BY seq`,
        [environment.id],
      );
      expect(audit.map((row: { action: string }) => row.action)).toEqual([
        'promotion_policy.created',
        'promotion_policy.updated',
        'promotion_policy.removed',
      ]);
      const outbox = await db.query(
        `SELECT type FROM outbox_events WHERE aggregate_type = 'environment' AND aggregate_id = $1 AND type LIKE 'promotion_policy.%' ORDER BY id`,
        [environment.id],
      );
      expect(outbox).toHaveLength(3);
    });

    it('validates the policy, naming every failing field', async () => {
      const environment = await createEnvironment(t, rankBlock(1) + 1);
      const types = await setPolicy(environment.slug, {
        enabled: 'yes',
        fromRanks: [1.5, -1],
        minimumSuccesses: 0,
      }).expect(400);
      expect(types.body.code).toBe('request.validation_failed');
      expect(types.body.errors).toEqual(
        expect.arrayContaining([
          { path: 'enabled', message: 'enabled must be a boolean value' },
          { path: 'fromRanks', message: 'each value in fromRanks must be an integer number' },
          { path: 'fromRanks', message: 'each value in fromRanks must not be less than 0' },
          { path: 'minimumSuccesses', message: 'minimumSuccesses must not be less than 1' },
        ]),
      );
      expect(types.body.errors).toHaveLength(4);
      const notArray = await setPolicy(environment.slug, { fromRanks: 3 }).expect(400);
      expect(notArray.body.errors).toContainEqual({
        path: 'fromRanks',
        message: 'fromRanks must be an array',
      });
      expect(new Set(notArray.body.errors.map((e: { path: string }) => e.path))).toEqual(
        new Set(['fromRanks']),
      );
      await setPolicy(environment.slug, { minimumSuccesses: 101 }).expect(400);
      await setPolicy(environment.slug, { fromRanks: Array.from({ length: 21 }, (_, i) => i) }).expect(400);

      const empty = await setPolicy(environment.slug, { fromRanks: [] }).expect(400);
      expect(empty.body).toMatchObject({
        code: 'promotion_policy.invalid',
        errors: [{ path: 'fromRanks', message: expect.stringContaining('enabled to false') }],
      });
      const ranks = await setPolicy(environment.slug, {
        fromRanks: [environment.rank, 3, 3, environment.rank + 5],
      }).expect(400);
      expect(ranks.body.code).toBe('promotion_policy.invalid');
      expect(ranks.body.errors).toEqual([
        {
          path: 'fromRanks.0',
          message: `fromRanks.0 must be below the environment's rank ${environment.rank}`,
        },
        { path: 'fromRanks.2', message: 'fromRanks.2 repeats rank 3' },
        {
          path: 'fromRanks.3',
          message: `fromRanks.3 must be below the environment's rank ${environment.rank}`,
        },
      ]);
      await t.http(t.tokens.viewer).get(policyPath(environment.slug)).expect(404);

      const missing = await setPolicy(unique('nowhere'), {}).expect(404);
      expect(missing.body.code).toBe('environment.not_found');
    });

    it('lets only admins write it and every role read it', async () => {
      const environment = await createEnvironment(t, rankBlock(1) + 1);
      for (const token of [t.tokens.operator, t.tokens.viewer, t.tokens.auditor]) {
        const refused = await setPolicy(environment.slug, {}, token).expect(403);
        expect(refused.body.code).toBe('auth.forbidden');
      }
      await setPolicy(environment.slug, { minimumSuccesses: 1 }).expect(200);
      for (const token of [t.tokens.operator, t.tokens.viewer, t.tokens.auditor])
        await t.http(token).get(policyPath(environment.slug)).expect(200);
      await t.http(t.tokens.operator).delete(policyPath(environment.slug)).expect(403);
      await t.http().get(policyPath(environment.slug)).expect(401);
    });

    it('works the same through GraphQL, errors included', async () => {
      const environment = await createEnvironment(t, rankBlock(1) + 1);
      const set = await t.graphql<{ setPromotionPolicy: Record<string, unknown> }>(
        `mutation($environment: String!, $input: SetPromotionPolicyInput!) {
           setPromotionPolicy(environment: $environment, input: $input) {
             environmentId enabled fromRanks minimumSuccesses version
           }
         }`,
        { environment: environment.slug, input: { fromRanks: [environment.rank - 1], minimumSuccesses: 2 } },
        t.tokens.admin,
      );
      expect(set.errors).toBeUndefined();
      expect(set.data?.setPromotionPolicy).toEqual({
        environmentId: environment.id,
        enabled: true,
        fromRanks: [environment.rank - 1],
        minimumSuccesses: 2,
        version: 1,
      });

      const read = await t.graphql(
        `query($environment: String!) { promotionPolicy(environment: $environment) { minimumSuccesses version } }`,
        { environment: environment.id },
        t.tokens.viewer,
      );
      expect(read.data).toEqual({ promotionPolicy: { minimumSuccesses: 2, version: 1 } });

      const invalid = await t.graphql(
        `mutation($environment: String!) {
           setPromotionPolicy(environment: $environment, input: { minimumSuccesses: 0, fromRanks: [-1] }) { version }
         }`,
        { environment: environment.slug },
        t.tokens.admin,
      );
      expect(invalid.errors?.[0]?.extensions).toMatchObject({
        code: 'request.validation_failed',
        status: 400,
        errors: [{ path: 'fromRanks' }, { path: 'minimumSuccesses' }],
      });
      const notBelow = await t.graphql(
        `mutation($environment: String!, $ranks: [Int!]) {
           setPromotionPolicy(environment: $environment, input: { fromRanks: $ranks }) { version }
         }`,
        { environment: environment.slug, ranks: [environment.rank] },
        t.tokens.admin,
      );
      expect(notBelow.errors?.[0]?.extensions).toMatchObject({
        code: 'promotion_policy.invalid',
        status: 400,
        errors: [{ path: 'fromRanks.0' }],
      });

      const forbidden = await t.graphql(
        `mutation($environment: String!) { removePromotionPolicy(environment: $environment) { version } }`,
        { environment: environment.slug },
        t.tokens.operator,
      );
      expect(forbidden.errors?.[0]?.extensions.code).toBe('auth.forbidden');
      const stale = await t.graphql(
        `mutation($environment: String!) { removePromotionPolicy(environment: $environment, expectedVersion: 5) { version } }`,
        { environment: environment.slug },
        t.tokens.admin,
      );
      expect(stale.errors?.[0]?.extensions.code).toBe('concurrency.version_mismatch');
      const removed = await t.graphql(
        `mutation($environment: String!) { removePromotionPolicy(environment: $environment, expectedVersion: 1) { version } }`,
        { environment: environment.slug },
        t.tokens.admin,
      );
      expect(removed.data).toEqual({ removePromotionPolicy: { version: 1 } });
      const gone = await t.graphql(
        `query($environment: String!) { promotionPolicy(environment: $environment) { version } }`,
        { environment: environment.slug },
        t.tokens.viewer,
      );
      expect(gone.errors?.[0]?.extensions).toMatchObject({ code: 'promotion_policy.not_found', status: 404 });
    });
  });

  describe('the gate', () => {
    it('asks for a minimum of distinct environments, naming the ones that succeeded and the ones missing', async () => {
      const base = rankBlock(2);
      const eu = await sourceEnvironment(base, 'stage-eu');
      const us = await sourceEnvironment(base, 'stage-us');
      const prod = await createEnvironment(t, base + 1, 'prod');
      await setPolicy(prod.slug, { minimumSuccesses: 2 }).expect(200);
      const service = await createService(t);
      const release = await createRelease(t, service.id);

      await succeed(release.id, eu.slug);
      // A second success in the same environment is not a second environment.
      await succeed(release.id, eu.slug);
      expect(await promotionRefusal(release.id, prod.slug)).toBe(
        `Release ${release.version} cannot go to ${prod.slug} (rank ${base + 1}) yet: succeeded in 1 of 2 ` +
          `required environments of rank ${base}: ${eu.slug}; missing: ${us.slug}.`,
      );

      await succeed(release.id, us.slug);
      await requestDeployment(t, release.id, prod.slug).expect(201);
    });

    it('takes the ranks the policy names instead of the rank below, pooling them', async () => {
      const base = rankBlock(3);
      const qa = await sourceEnvironment(base, 'qa');
      const stage = await sourceEnvironment(base + 1, 'stage');
      const prod = await createEnvironment(t, base + 2, 'prod');
      const service = await createService(t);
      const release = await createRelease(t, service.id);
      await succeed(release.id, qa.slug);

      // By default only the rank right below counts.
      expect(await promotionRefusal(release.id, prod.slug)).toContain(`rank ${base + 1} (${stage.slug})`);
      await setPolicy(prod.slug, { fromRanks: [base] }).expect(200);
      expect(await gateDecision(release.id, prod.slug)).toEqual({
        passed: true,
        reason: `Release ${release.version} succeeded in 1 environment(s) of rank ${base} (1 required): ${qa.slug}.`,
      });

      await setPolicy(prod.slug, { fromRanks: [base + 1, base], minimumSuccesses: 2 }).expect(200);
      expect(await promotionRefusal(release.id, prod.slug)).toBe(
        `Release ${release.version} cannot go to ${prod.slug} (rank ${base + 2}) yet: succeeded in 1 of 2 ` +
          `required environments of ranks ${base} and ${base + 1}: ${qa.slug}; missing: ${stage.slug}.`,
      );
      await succeed(release.id, stage.slug);
      await requestDeployment(t, release.id, prod.slug).expect(201);
    });

    it('skips rank gaps and archived environments by default, and does not count successes in archived ones', async () => {
      const base = rankBlock(4);
      const qa = await sourceEnvironment(base, 'qa');
      const retired = await sourceEnvironment(base + 1, 'retired');
      // base + 2 is a gap.
      const prod = await createEnvironment(t, base + 3, 'prod');
      const service = await createService(t);
      const release = await createRelease(t, service.id);
      await succeed(release.id, retired.slug);
      await t.http(t.tokens.admin).delete(`/v1/environments/${retired.slug}`).expect(200);

      // The archived rank is skipped, and its success no longer counts.
      expect(await promotionRefusal(release.id, prod.slug)).toBe(
        `Release ${release.version} must first succeed in an environment of rank ${base} (${qa.slug}) ` +
          `before it can go to ${prod.slug} (rank ${base + 3}).`,
      );
      await succeed(release.id, qa.slug);
      await requestDeployment(t, release.id, prod.slug).expect(201);
    });

    it('refuses when the policy names a rank without environments in use', async () => {
      const base = rankBlock(4);
      const qa = await sourceEnvironment(base, 'qa');
      const archived = await sourceEnvironment(base + 1, 'old');
      await t.http(t.tokens.admin).delete(`/v1/environments/${archived.slug}`).expect(200);
      const prod = await createEnvironment(t, base + 3, 'prod');
      const service = await createService(t);
      const release = await createRelease(t, service.id);
      await succeed(release.id, qa.slug);

      // base + 1 has only an archived environment, base + 2 none at all; qa alone would meet the minimum.
      await setPolicy(prod.slug, { fromRanks: [base, base + 1, base + 2] }).expect(200);
      expect(await promotionRefusal(release.id, prod.slug)).toBe(
        `The promotion policy of ${prod.slug} (rank ${base + 3}) names ranks ${base + 1} and ${base + 2}, ` +
          'with no environment in use; nothing can be promoted into it until the policy or the environments change.',
      );
      await setPolicy(prod.slug, { fromRanks: [base] }).expect(200);
      await requestDeployment(t, release.id, prod.slug).expect(201);
    });

    it('refuses while a named rank is no longer below the environment, after its rank changed', async () => {
      const base = rankBlock(3);
      const qa = await sourceEnvironment(base, 'qa');
      const prod = await createEnvironment(t, base + 2, 'prod');
      await setPolicy(prod.slug, { fromRanks: [base] }).expect(200);
      await t.http(t.tokens.admin).patch(`/v1/environments/${prod.slug}`).send({ rank: base }).expect(200);
      const service = await createService(t);
      const release = await createRelease(t, service.id);
      await succeed(release.id, qa.slug);
      expect(await promotionRefusal(release.id, prod.slug)).toBe(
        `The promotion policy of ${prod.slug} (rank ${base}) names rank ${base}, not below its own rank; ` +
          'nothing can be promoted into it until the policy changes.',
      );
    });

    it('says so when the minimum is more than the environments in use', async () => {
      const base = rankBlock(2);
      const one = await sourceEnvironment(base, 'stage-a');
      const two = await sourceEnvironment(base, 'stage-b');
      const prod = await createEnvironment(t, base + 1, 'prod');
      await setPolicy(prod.slug, { minimumSuccesses: 2 }).expect(200);
      const service = await createService(t);
      const release = await createRelease(t, service.id);
      await succeed(release.id, one.slug);
      await succeed(release.id, two.slug);
      await t.http(t.tokens.admin).delete(`/v1/environments/${two.slug}`).expect(200);

      const reason = await promotionRefusal(release.id, prod.slug);
      expect(reason).toContain(`succeeded in 1 of 2 required environments of rank ${base}: ${one.slug}`);
      expect(reason).toContain(`Only 1 environment(s) of rank ${base} are in use`);
    });

    it('accepts anything into an environment whose policy is switched off', async () => {
      const base = rankBlock(2);
      await createEnvironment(t, base, 'stage');
      const hotfix = await createEnvironment(t, base + 1, 'hotfix');
      const service = await createService(t);
      const release = await createRelease(t, service.id);
      await promotionRefusal(release.id, hotfix.slug);

      await setPolicy(hotfix.slug, { enabled: false, minimumSuccesses: 3 }).expect(200);
      expect(await gateDecision(release.id, hotfix.slug)).toEqual({
        passed: true,
        reason: `The promotion policy of ${hotfix.slug} (rank ${base + 1}) is switched off; it accepts any release.`,
      });
      await requestDeployment(t, release.id, hotfix.slug).expect(201);
    });

    it('always lets a release back into an environment it already succeeded in (redeploys and rollbacks)', async () => {
      const base = rankBlock(2);
      const stage = await sourceEnvironment(base, 'stage');
      const prod = await createEnvironment(t, base + 1, 'prod');
      const service = await createService(t);
      const old = await createRelease(t, service.id);
      await succeed(old.id, stage.slug);
      await succeed(old.id, prod.slug);

      // The policy tightens and stage goes away: a new release cannot be promoted, the old one can return.
      await setPolicy(prod.slug, { minimumSuccesses: 2 }).expect(200);
      await t.http(t.tokens.admin).delete(`/v1/environments/${stage.slug}`).expect(200);
      const fresh = await createRelease(t, service.id);
      await promotionRefusal(fresh.id, prod.slug);
      expect(await gateDecision(old.id, prod.slug)).toEqual({
        passed: true,
        reason: `Release ${old.version} already succeeded in ${prod.slug} (rank ${base + 1}); a redeploy or rollback is not a promotion.`,
      });
      await requestDeployment(t, old.id, prod.slug).expect(201);
    });

    it('applies a policy changed after the request when the deployment starts', async () => {
      const base = rankBlock(2);
      const a = await sourceEnvironment(base, 'stage-a');
      await sourceEnvironment(base, 'stage-b');
      const prod = await createEnvironment(t, base + 1, 'prod');
      const service = await createService(t);
      const release = await createRelease(t, service.id);
      await succeed(release.id, a.slug);
      const deployment = (await requestDeployment(t, release.id, prod.slug).expect(201)).body as {
        id: string;
      };

      await setPolicy(prod.slug, { minimumSuccesses: 2 }).expect(200);
      const refused = await reportStatus(t, deployment.id, 'running').expect(409);
      expect(refused.body.errors).toEqual([
        { path: 'gate.promotion', message: expect.stringContaining('succeeded in 1 of 2 required') },
      ]);
      await t.http(t.tokens.admin).delete(policyPath(prod.slug)).expect(200);
      await reportStatus(t, deployment.id, 'running').expect(200);
    });
  });
});
