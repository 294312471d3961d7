import { FixedClock } from '@opsplane/core';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../support/test-app';
import { createRelease, reportStatus, requestDeployment } from '../releases/fixtures';
import { createEnvironment, createService, declareIncident } from './fixtures';

interface Related {
  deployment: { id: string };
  matchKind: string;
  referenceAt: string;
  secondsBeforeImpact: number;
  reason: string;
  isCause: boolean;
}

describe('change correlation', () => {
  const impact = new Date('2032-08-10T12:00:00.000Z');
  const clock = new FixedClock(impact);
  const minutes = (offset: number) => new Date(impact.getTime() + offset * 60_000);
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { clock });
  });
  afterAll(() => t.close());

  /** A deployment of a fresh release of `service` into `environment`, started and (optionally) finished at these minutes from impact. */
  async function deploy(
    service: string,
    environment: string,
    startedAt: number,
    finishedAt: number | null,
    outcome: 'succeeded' | 'failed' = 'succeeded',
  ): Promise<string> {
    clock.set(minutes(startedAt - 1));
    const release = await createRelease(t, service);
    const { id } = (await requestDeployment(t, release.id, environment).expect(201)).body;
    clock.set(minutes(startedAt));
    await reportStatus(t, id, 'running').expect(200);
    if (finishedAt !== null) {
      clock.set(minutes(finishedAt));
      await reportStatus(t, id, outcome, outcome === 'failed' ? 'health checks red' : undefined).expect(200);
    }
    return id;
  }

  let scenario: {
    incidentId: string;
    service: { id: string; slug: string };
    other: { id: string; slug: string };
    third: { id: string; slug: string };
    production: { id: string; slug: string };
    staging: { id: string; slug: string };
    deployments: Record<string, string>;
  };

  beforeAll(async () => {
    const service = await createService(t);
    const other = await createService(t);
    const third = await createService(t);
    const production = await createEnvironment(t, 0, 'prod');
    const staging = await createEnvironment(t, 0, 'stage');
    const deployments = {
      old: await deploy(service.id, production.id, -30 * 60, -30 * 60 + 5),
      sameEnvironment: await deploy(other.id, production.id, -130, -120),
      failed: await deploy(third.id, production.id, -70, -60, 'failed'),
      sameService: await deploy(service.id, staging.id, -35, -30),
      unrelated: await deploy(other.id, staging.id, -12, -10),
      exact: await deploy(service.id, production.id, -20, -14),
      running: await deploy(service.id, production.id, -5, null),
      after: await deploy(service.id, staging.id, 10, 15),
    };
    clock.set(minutes(20));
    const incident = await declareIncident(t, {
      severity: 'SEV2',
      services: [service.id],
      environments: [production.slug],
      impactStartedAt: impact.toISOString(),
    });
    scenario = { incidentId: incident.id, service, other, third, production, staging, deployments };
  });

  const related = async (incidentId: string, query: Record<string, unknown> = {}) =>
    (
      await t
        .http(t.tokens.viewer)
        .get(`/v1/incidents/${incidentId}/related-deployments`)
        .query(query)
        .expect(200)
    ).body as {
      anchorAt: string;
      anchorBasis: string;
      hours: number;
      windowStartsAt: string;
      items: Related[];
    };

  it('lists the deployments before impact start to the incident’s services and environments, newest first, with reasons', async () => {
    const { deployments, service, other, third, production, staging } = scenario;
    const answer = await related(scenario.incidentId);
    expect(answer).toMatchObject({
      anchorAt: impact.toISOString(),
      anchorBasis: 'impact_started',
      hours: 24,
      windowStartsAt: minutes(-24 * 60).toISOString(),
    });
    expect(
      answer.items.map((item) => [item.deployment.id, item.matchKind, item.secondsBeforeImpact, item.reason]),
    ).toEqual([
      [
        deployments.running,
        'same_service_and_environment',
        300,
        `started deploying 5 min before impact to the same service ${service.slug} in ${production.slug} (still in progress then)`,
      ],
      [
        deployments.exact,
        'same_service_and_environment',
        840,
        `deployed 14 min before impact to the same service ${service.slug} in ${production.slug}`,
      ],
      [
        deployments.sameService,
        'same_service',
        1800,
        `deployed 30 min before impact to the same service ${service.slug} in another environment, ${staging.slug}`,
      ],
      [
        deployments.failed,
        'same_environment',
        3600,
        `${third.slug} deployed 1 h before impact to the same environment ${production.slug} (the deployment failed)`,
      ],
      [
        deployments.sameEnvironment,
        'same_environment',
        7200,
        `${other.slug} deployed 2 h before impact to the same environment ${production.slug}`,
      ],
    ]);
    expect(answer.items[1].referenceAt).toBe(minutes(-14).toISOString());
    expect(answer.items.every((item) => !item.isCause)).toBe(true);

    const wider = await related(scenario.incidentId, { hours: 48 });
    expect(wider.items.map((item) => item.deployment.id)).toEqual([
      ...answer.items.map((item) => item.deployment.id),
      deployments.old,
    ]);
    expect(wider.items[5].reason).toBe(
      `deployed 29 h 55 min before impact to the same service ${service.slug} in ${production.slug}`,
    );
    expect((await related(scenario.incidentId, { hours: 1 })).items).toHaveLength(4);
  });

  it('falls back to detection, then declaration, when the impact start is unknown', async () => {
    const { service, production, deployments } = scenario;
    clock.set(minutes(30));
    const detected = await declareIncident(t, {
      services: [service.id],
      environments: [production.id],
      detectedAt: minutes(-10).toISOString(),
    });
    const byDetection = await related(detected.id);
    expect(byDetection).toMatchObject({ anchorAt: minutes(-10).toISOString(), anchorBasis: 'detected' });
    expect(byDetection.items[0]).toMatchObject({
      deployment: { id: deployments.exact },
      reason: `deployed 4 min before detection to the same service ${service.slug} in ${production.slug}`,
    });
    const declared = await declareIncident(t, { services: [service.id] });
    const byDeclaration = await related(declared.id);
    expect(byDeclaration).toMatchObject({ anchorAt: minutes(30).toISOString(), anchorBasis: 'triggered' });
    // Only the service: the staging deployment after impact is now before the anchor, and counts.
    expect(byDeclaration.items.map((item) => [item.deployment.id, item.matchKind])[0]).toEqual([
      deployments.after,
      'same_service',
    ]);
    const nothing = await declareIncident(t, {});
    expect((await related(nothing.id)).items).toEqual([]);
  });

  it('marks a deployment as the cause and clears it, on the timeline and in the outbox', async () => {
    const incident = await declareIncident(t, {
      services: [scenario.service.id],
      impactStartedAt: impact.toISOString(),
    });
    const { exact } = scenario.deployments;
    const cause = (body: object, version?: number) => {
      const call = t.http(t.tokens.operator).put(`/v1/incidents/${incident.id}/cause`);
      return (version ? call.set('if-match', `"${version}"`) : call).send(body);
    };
    const set = await cause({ deploymentId: exact }, 1).expect(200);
    expect(set.body).toMatchObject({ causedByDeploymentId: exact, version: 2 });
    await cause({ deploymentId: exact }, 1).expect(412);
    const listed = await related(incident.id);
    expect(listed.items.filter((item) => item.isCause).map((item) => item.deployment.id)).toEqual([exact]);

    const cleared = await cause({ deploymentId: null }).expect(200);
    expect(cleared.body).toMatchObject({ causedByDeploymentId: null, version: 3 });
    const timeline = await t
      .http(t.tokens.viewer)
      .get(`/v1/incidents/${incident.id}/timeline`)
      .query({ kind: 'deployment' })
      .expect(200);
    expect(
      timeline.body.items.map((entry: { deploymentId: string; body: string }) => [
        entry.deploymentId,
        entry.body,
      ]),
    ).toEqual([
      [exact, 'Marked as the cause of this incident'],
      [exact, 'No longer marked as the cause'],
    ]);
    const events = await t.app
      .get(DataSource)
      .query(`SELECT type, payload FROM outbox_events WHERE aggregate_id = $1 ORDER BY id`, [incident.id]);
    expect(events.map((event: { type: string }) => event.type)).toEqual([
      'incident.triggered',
      'incident.cause_set',
      'incident.cause_cleared',
    ]);
    expect(events[1].payload.after.causedByDeploymentId).toBe(exact);
  });

  it('refuses bad hours, bad and unknown deployments, and viewers, on both transports', async () => {
    const id = scenario.incidentId;
    const hours = async (value: unknown) =>
      (
        await t
          .http(t.tokens.viewer)
          .get(`/v1/incidents/${id}/related-deployments`)
          .query({ hours: value })
          .expect(400)
      ).body;
    for (const value of [0, 169, 'abc', 1.5]) expect((await hours(value)).errors[0].path).toBe('hours');
    await t
      .http(t.tokens.viewer)
      .get('/v1/incidents/00000000-0000-4000-8000-000000000000/related-deployments')
      .expect(404);

    const unknown = await t
      .http(t.tokens.operator)
      .put(`/v1/incidents/${id}/cause`)
      .send({ deploymentId: '00000000-0000-4000-8000-000000000000' })
      .expect(400);
    expect(unknown.body).toMatchObject({
      code: 'incident.unknown_reference',
      errors: [{ path: 'deploymentId', message: 'no such deployment' }],
    });
    const malformed = await t
      .http(t.tokens.operator)
      .put(`/v1/incidents/${id}/cause`)
      .send({ deploymentId: 'latest' })
      .expect(400);
    expect(malformed.body.errors.map((error: { path: string }) => error.path)).toEqual(['deploymentId']);
    await t.http(t.tokens.operator).put(`/v1/incidents/${id}/cause`).send({}).expect(400);
    await t.http(t.tokens.viewer).put(`/v1/incidents/${id}/cause`).send({ deploymentId: null }).expect(403);

    const gqlHours = await t.graphql(
      `query($id: ID!) { relatedDeployments(incidentId: $id, hours: 0) { hours } }`,
      { id },
      t.tokens.viewer,
    );
    expect(gqlHours.errors?.[0]?.extensions).toMatchObject({
      code: 'request.validation_failed',
      errors: [{ path: 'hours' }],
    });
    const gqlCause = await t.graphql(
      `mutation($id: ID!) { setIncidentCause(id: $id, deploymentId: "00000000-0000-4000-8000-000000000000") { id } }`,
      { id },
      t.tokens.operator,
    );
    expect(gqlCause.errors?.[0]?.extensions).toMatchObject({
      code: 'incident.unknown_reference',
      errors: [{ path: 'deploymentId' }],
    });
    const gqlMalformed = await t.graphql(
      `mutation($id: ID!) { setIncidentCause(id: $id, deploymentId: "latest") { id } }`,
      { id },
      t.tokens.operator,
    );
    expect(gqlMalformed.errors?.[0]?.extensions).toMatchObject({
      code: 'request.validation_failed',
      errors: [{ path: 'deploymentId' }],
    });
  });

  it('answers the same over GraphQL, with the cause resolved to its deployment', async () => {
    const incident = await declareIncident(t, {
      services: [scenario.service.id],
      environments: [scenario.production.id],
      impactStartedAt: impact.toISOString(),
    });
    const set = await t.graphql<{ setIncidentCause: { causedByDeployment: { id: string; status: string } } }>(
      `mutation($id: ID!, $deploymentId: ID) { setIncidentCause(id: $id, deploymentId: $deploymentId, expectedVersion: 1) { causedByDeployment { id status } } }`,
      { id: incident.id, deploymentId: scenario.deployments.exact },
      t.tokens.operator,
    );
    expect(set.errors).toBeUndefined();
    expect(set.data!.setIncidentCause.causedByDeployment).toEqual({
      id: scenario.deployments.exact,
      status: 'succeeded',
    });
    const rest = await related(incident.id);
    const graphql = await t.graphql<{
      relatedDeployments: { items: (Related & { deployment: { id: string } })[] };
    }>(
      `query($id: ID!) { relatedDeployments(incidentId: $id) { items { deployment { id } matchKind referenceAt secondsBeforeImpact reason isCause } } }`,
      { id: incident.id },
      t.tokens.viewer,
    );
    expect(graphql.errors).toBeUndefined();
    expect(graphql.data!.relatedDeployments.items).toEqual(
      rest.items.map((item) => ({ ...item, deployment: { id: item.deployment.id } })),
    );
    expect(graphql.data!.relatedDeployments.items.find((item) => item.isCause)?.deployment.id).toBe(
      scenario.deployments.exact,
    );

    // Omitting deploymentId is refused, as in REST: only an explicit null clears the cause.
    const omitted = await t.graphql(
      `mutation($id: ID!) { setIncidentCause(id: $id) { causedByDeploymentId } }`,
      { id: incident.id },
      t.tokens.operator,
    );
    expect(omitted.errors?.[0]?.extensions).toMatchObject({ code: 'request.validation_failed' });
    expect(omitted.errors?.[0]?.message).toBe('deploymentId is required (null clears it).');
    expect((await related(incident.id)).items.find((item) => item.isCause)?.deployment.id).toBe(
      scenario.deployments.exact,
    );

    // null clears the cause, as in REST.
    const cleared = await t.graphql<{ setIncidentCause: { causedByDeploymentId: string | null } }>(
      `mutation($id: ID!) { setIncidentCause(id: $id, deploymentId: null) { causedByDeploymentId } }`,
      { id: incident.id },
      t.tokens.operator,
    );
    expect(cleared.errors).toBeUndefined();
    expect(cleared.data!.setIncidentCause.causedByDeploymentId).toBeNull();
    expect((await related(incident.id)).items.some((item) => item.isCause)).toBe(false);
  });
});
