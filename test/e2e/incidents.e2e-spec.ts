import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOpsplaneClient, OpsplaneClient, Schema, unwrap } from '@opsplane/sdk';
import { unique } from '../support/test-app';
import { ListeningServer, startListeningServer } from './support/listening-server';
import { refusal } from './support/refusal';

/** Real Alertmanager 0.25 deliveries (test/fixtures/alerts/SOURCES.md: captured for this project). */
const CAPTURE = join(__dirname, '../fixtures/alerts/alertmanager-0.25-real/am-accept');
const CAPTURED_STARTS_AT = '2026-11-27T06:15:07.536Z';
const CAPTURED_ENDS_AT = '2026-11-27T06:15:10Z';

/**
 * An on-call night through @opsplane/sdk against a running Opsplane: a deploy goes out,
 * Alertmanager (over plain HTTP, as it really calls) opens an incident, a responder acknowledges,
 * writes and pins a note, finds the deploy that caused it, the alerts resolve, and the incident is
 * resolved and — once its postmortem is published — closed. The metrics, GraphQL and a read-only
 * key see the same incident.
 */
describe('incident response through the SDK', () => {
  let server: ListeningServer;
  let admin: OpsplaneClient;
  let responder: OpsplaneClient;
  let viewer: OpsplaneClient;
  let viewerToken: string;

  beforeAll(async () => {
    server = await startListeningServer('incidents');
    admin = createOpsplaneClient({ baseUrl: server.baseUrl, token: server.adminToken });
    const keyFor = (role: Schema<'Role'>) =>
      unwrap(admin.POST('/v1/api-keys', { body: { name: unique(`on-call ${role}`), role } }));
    responder = createOpsplaneClient({ baseUrl: server.baseUrl, token: (await keyFor('operator')).token });
    viewerToken = (await keyFor('viewer')).token;
    viewer = createOpsplaneClient({ baseUrl: server.baseUrl, token: viewerToken });
  });
  afterAll(() => server.close());

  /**
   * A captured body, labelled with this journey's service and environment and moved to now (the
   * capture is from 06:15; here the deploy goes out just before the alert fires).
   */
  function captured(
    file: string,
    labels: { service: string; environment: string },
    firedAt: Date,
    endedAt?: Date,
  ) {
    return readFileSync(join(CAPTURE, file), 'utf8')
      .replaceAll('"service":"checkout"', `"service":"${labels.service}"`)
      .replaceAll('"environment":"production"', `"environment":"${labels.environment}"`)
      .replaceAll(CAPTURED_STARTS_AT, firedAt.toISOString())
      .replaceAll(CAPTURED_ENDS_AT, (endedAt ?? firedAt).toISOString());
  }

  /** What Alertmanager's webhook_configs does: POST the bytes with the source secret as Bearer. */
  async function alertmanagerPosts(source: Schema<'CreatedAlertSource'>, body: string) {
    const response = await fetch(server.baseUrl + source.ingestPath, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${source.secret}` },
      body,
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { changed: number; incidentIds: string[] };
  }

  /** A GraphQL request as any HTTP client sends it, through the real Apollo server. */
  async function graphql<Data>(token: string, query: string, variables: Record<string, unknown>) {
    const response = await fetch(`${server.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { data: Data; errors?: { extensions: { code: string } }[] };
  }

  const getIncident = (id: string) =>
    unwrap(responder.GET('/v1/incidents/{id}', { params: { path: { id } } }));
  const timelineOf = async (id: string) =>
    (
      await unwrap(
        responder.GET('/v1/incidents/{id}/timeline', { params: { path: { id }, query: { limit: 100 } } }),
      )
    ).items;
  const alertsOf = async (id: string) =>
    (await unwrap(responder.GET('/v1/incidents/{id}/alerts', { params: { path: { id } } }))).items;

  it('takes an alert-opened incident from triggered to closed, with its cause and postmortem', async () => {
    const journeyStartedAt = new Date(Date.now() - 60_000);

    // 1. The platform team has a service in production and a deploy of it just went out.
    const service = await unwrap(
      admin.POST('/v1/services', {
        body: { slug: unique('checkout'), name: 'Checkout', ownerTeam: 'payments' },
      }),
    );
    const production = await unwrap(
      admin.POST('/v1/environments', {
        body: {
          slug: unique('production'),
          name: 'Production',
          tier: 'production',
          // Promotion order does not matter here: the promotion gate is off below.
          rank: 900,
        },
      }),
    );
    await unwrap(
      admin.PUT('/v1/environments/{idOrSlug}/promotion-policy', {
        params: { path: { idOrSlug: production.slug } },
        body: { enabled: false },
      }),
    );
    const release = await unwrap(
      admin.POST('/v1/releases', {
        body: {
          service: service.slug,
          version: '2.4.0',
          commits: [{ sha: 'c0ffee42', message: 'Retry card auth' }],
        },
      }),
    );
    const deployment = await unwrap(
      admin.POST('/v1/deployments', { body: { release: release.id, environment: production.slug } }),
    );
    for (const status of ['running', 'succeeded'] as const)
      await unwrap(
        admin.POST('/v1/deployments/{id}/status', {
          params: { path: { id: deployment.id } },
          body: { status },
        }),
      );
    // Prometheus starts firing once the deploy has landed; Alertmanager delivers after its group
    // wait (a later request), so the alert starts after the deploy and before the incident opens.
    const firedAt = new Date();

    // 2. Alertmanager gets a receiver; the secret is shown this once.
    const source = await unwrap(
      admin.POST('/v1/alert-sources', {
        body: { name: unique('Alertmanager (production)'), kind: 'alertmanager' },
      }),
    );
    expect(source).toMatchObject({
      kind: 'alertmanager',
      ingestPath: `/v1/alert-sources/${source.id}/alertmanager`,
      serviceLabel: 'service',
      environmentLabel: 'environment',
      resolveIncidentTo: 'mitigated',
      secret: expect.any(String),
    });
    const readBack = await unwrap(
      admin.GET('/v1/alert-sources/{id}', { params: { path: { id: source.id } } }),
    );
    expect(readBack).not.toHaveProperty('secret');

    // 3. HighLatency fires on two instances: one incident, scoped from the labels.
    const labels = { service: service.slug, environment: production.slug };
    const firing = captured('01-firing-HighLatency.json', labels, firedAt);
    const opened = await alertmanagerPosts(source, firing);
    expect(opened).toEqual({ changed: 2, incidentIds: [expect.any(String)] });
    const [incidentId] = opened.incidentIds;
    const triggered = await getIncident(incidentId);
    expect(triggered).toMatchObject({
      title: 'HighLatency',
      severity: 'SEV1',
      status: 'triggered',
      serviceIds: [service.id],
      environmentIds: [production.id],
      declaredBy: `integration:${source.id}`,
    });
    const openedTimeline = await timelineOf(incidentId);
    expect(openedTimeline.map((entry) => [entry.kind, entry.actor.kind])).toEqual([
      ['alert_fired', 'integration'],
      ['alert_fired', 'integration'],
      ['status_change', 'integration'],
    ]);

    // The HA peer delivers the same notification: nothing changes.
    expect(await alertmanagerPosts(source, firing)).toEqual({ changed: 0, incidentIds: [incidentId] });
    expect(await getIncident(incidentId)).toEqual(triggered);
    expect(await alertsOf(incidentId)).toHaveLength(2);
    expect(await timelineOf(incidentId)).toEqual(openedTimeline);

    // 4. The responder finds it among the triggered incidents of the service and takes it.
    const inbox = await unwrap(
      responder.GET('/v1/incidents', { params: { query: { status: 'triggered', serviceId: service.id } } }),
    );
    expect(inbox.items.map((incident) => incident.id)).toEqual([incidentId]);
    const acknowledged = await unwrap(
      responder.POST('/v1/incidents/{id}/status', {
        params: { path: { id: incidentId }, header: { 'If-Match': `"${inbox.items[0].version}"` } },
        body: { status: 'acknowledged', reason: 'On it' },
      }),
    );
    expect(acknowledged).toMatchObject({ status: 'acknowledged', acknowledgedAt: expect.any(String) });
    const note = await unwrap(
      responder.POST('/v1/incidents/{id}/timeline', {
        params: { path: { id: incidentId } },
        body: { kind: 'note', body: 'p99 jumped right after checkout 2.4.0 reached production' },
      }),
    );
    const pinned = await unwrap(
      responder.POST('/v1/incidents/{id}/timeline/{entryId}/pin', {
        params: { path: { id: incidentId, entryId: note.id } },
      }),
    );
    expect(pinned).toMatchObject({ id: note.id, isPinned: true, pinnedAt: expect.any(String) });
    const pinnedOnly = await unwrap(
      responder.GET('/v1/incidents/{id}/timeline', {
        params: { path: { id: incidentId }, query: { pinnedOnly: true } },
      }),
    );
    expect(pinnedOnly.items.map((entry) => entry.body)).toEqual([note.body]);

    // 5. What changed just before? The deploy, with why it is listed; the responder blames it.
    const related = await unwrap(
      responder.GET('/v1/incidents/{id}/related-deployments', { params: { path: { id: incidentId } } }),
    );
    expect(related).toMatchObject({ incidentId, anchorBasis: 'detected', hours: 24 });
    expect(related.items).toEqual([
      expect.objectContaining({
        deployment: expect.objectContaining({
          id: deployment.id,
          releaseId: release.id,
          status: 'succeeded',
        }),
        matchKind: 'same_service_and_environment',
        reason: expect.stringMatching(
          new RegExp(
            `^deployed .* before detection to the same service ${service.slug} in ${production.slug}$`,
          ),
        ),
        isCause: false,
      }),
    ]);
    const blamed = await unwrap(
      responder.PUT('/v1/incidents/{id}/cause', {
        params: { path: { id: incidentId } },
        body: { deploymentId: deployment.id },
      }),
    );
    expect(blamed.causedByDeploymentId).toBe(deployment.id);
    const afterBlame = await unwrap(
      responder.GET('/v1/incidents/{id}/related-deployments', { params: { path: { id: incidentId } } }),
    );
    expect(afterBlame.items.map((item) => item.isCause)).toEqual([true]);

    // 6. Latency recovers and Alertmanager says so: the incident is mitigated, not yet resolved.
    const resolved = captured('03-resolved-HighLatency.json', labels, firedAt, new Date());
    expect(await alertmanagerPosts(source, resolved)).toEqual({ changed: 2, incidentIds: [incidentId] });
    expect(await getIncident(incidentId)).toMatchObject({
      status: 'mitigated',
      mitigatedAt: expect.any(String),
    });
    expect((await alertsOf(incidentId)).map((alert) => alert.status)).toEqual(['resolved', 'resolved']);

    // 7. Resolved by a human; a SEV1 does not close without its published postmortem.
    const changeStatus = (status: Schema<'IncidentStatus'>, reason: string) =>
      unwrap(
        responder.POST('/v1/incidents/{id}/status', {
          params: { path: { id: incidentId } },
          body: { status, reason },
        }),
      );
    await changeStatus('resolved', 'Latency at baseline for 30 minutes');
    // Without unwrap, openapi-fetch hands back the typed problem+json body as `error`.
    const refused = await responder.POST('/v1/incidents/{id}/status', {
      params: { path: { id: incidentId } },
      body: { status: 'closed' },
    });
    expect(refused.response.status).toBe(409);
    expect(refused.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.error).toMatchObject({ status: 409, code: 'incident.postmortem_required' });

    const draft = await unwrap(
      responder.POST('/v1/incidents/{id}/postmortem', {
        params: { path: { id: incidentId } },
        body: { summary: 'Checkout p99 above 2 s for 3 minutes after the 2.4.0 deploy' },
      }),
    );
    expect(draft).toMatchObject({ status: 'draft', incidentId });
    const incomplete = await refusal(
      unwrap(
        responder.POST('/v1/incidents/{id}/postmortem/status', {
          params: { path: { id: incidentId } },
          body: { status: 'in_review' },
        }),
      ),
    );
    expect(incomplete.code).toBe('postmortem.incomplete');
    await unwrap(
      responder.PATCH('/v1/incidents/{id}/postmortem', {
        params: { path: { id: incidentId } },
        body: {
          rootCause: 'Card-auth retries in 2.4.0 had no backoff and saturated the connection pool',
          impact: 'About 4% of checkouts timed out',
          actionItems: [
            { title: 'Add backoff to card-auth retries', owner: 'payments team', dueDate: '2026-12-11' },
          ],
        },
      }),
    );
    for (const status of ['in_review', 'published'] as const)
      await unwrap(
        responder.POST('/v1/incidents/{id}/postmortem/status', {
          params: { path: { id: incidentId } },
          body: { status },
        }),
      );
    const postmortem = await unwrap(
      responder.GET('/v1/incidents/{id}/postmortem', { params: { path: { id: incidentId } } }),
    );
    expect(postmortem).toMatchObject({
      status: 'published',
      publishedAt: expect.any(String),
      actionItems: [
        {
          title: 'Add backoff to card-auth retries',
          owner: 'payments team',
          dueDate: '2026-12-11',
          done: false,
        },
      ],
    });
    const closed = await changeStatus('closed', 'Postmortem published');
    expect(closed).toMatchObject({
      status: 'closed',
      closedAt: expect.any(String),
      causedByDeploymentId: deployment.id,
    });

    // 8. The service's numbers for the period count it, with its times to acknowledge and resolve.
    const metrics = await unwrap(
      viewer.GET('/v1/incidents/metrics', {
        params: { query: { serviceId: service.id, from: journeyStartedAt.toISOString() } },
      }),
    );
    const seconds = (from: string, to: string | null) => (Date.parse(to!) - Date.parse(from)) / 1000;
    const mtta = seconds(closed.triggeredAt, closed.acknowledgedAt);
    const mttr = seconds(closed.triggeredAt, closed.resolvedAt);
    expect(metrics.total).toBe(1);
    expect(metrics.bySeverity.find((count) => count.severity === 'SEV1')?.count).toBe(1);
    expect(metrics.byStatus.filter((count) => count.count > 0)).toEqual([{ status: 'closed', count: 1 }]);
    expect(metrics.impactStartKnownCount).toBe(0);
    for (const [stats, exact] of [
      [metrics.mtta, mtta],
      [metrics.mttr, mttr],
    ] as const) {
      expect(stats.count).toBe(1);
      // One incident: mean, median and p95 are the same number, whole seconds rounded in PostgreSQL.
      expect(stats.medianSeconds).toBe(stats.meanSeconds);
      expect(stats.p95Seconds).toBe(stats.meanSeconds);
      expect(Math.abs(stats.meanSeconds! - exact)).toBeLessThanOrEqual(0.5);
    }

    // 9. A dashboard reads the same incident through GraphQL and sees what REST shows.
    const { data, errors } = await graphql<{ incident: Record<string, unknown> }>(
      viewerToken,
      `
        query Incident($id: ID!) {
          incident(id: $id) {
            id
            status
            severity
            acknowledgedAt
            resolvedAt
            closedAt
            version
            services {
              slug
            }
            environments {
              slug
            }
            causedByDeployment {
              id
              releaseId
            }
            postmortem {
              status
              actionItems {
                title
              }
            }
            alerts {
              status
            }
            timeline {
              id
              kind
              body
              toStatus
              isPinned
              actor {
                kind
              }
            }
          }
        }
      `,
      { id: incidentId },
    );
    expect(errors).toBeUndefined();
    const timeline = await timelineOf(incidentId);
    expect(data.incident).toEqual({
      id: incidentId,
      status: 'closed',
      severity: 'SEV1',
      acknowledgedAt: closed.acknowledgedAt,
      resolvedAt: closed.resolvedAt,
      closedAt: closed.closedAt,
      version: closed.version,
      services: [{ slug: service.slug }],
      environments: [{ slug: production.slug }],
      causedByDeployment: { id: deployment.id, releaseId: release.id },
      postmortem: { status: 'published', actionItems: [{ title: 'Add backoff to card-auth retries' }] },
      alerts: [{ status: 'resolved' }, { status: 'resolved' }],
      timeline: timeline.map((entry) => ({
        id: entry.id,
        kind: entry.kind,
        body: entry.body,
        toStatus: entry.toStatus,
        isPinned: entry.isPinned,
        actor: { kind: entry.actor.kind },
      })),
    });
    // The whole story, in order, as the timeline tells it.
    expect(timeline.map((entry) => entry.toStatus ?? entry.kind)).toEqual([
      'alert_fired',
      'alert_fired',
      'triggered',
      'acknowledged',
      'note',
      'deployment',
      'alert_resolved',
      'alert_resolved',
      'mitigated',
      'resolved',
      'closed',
    ]);

    // 10. A read-only key sees the incident but may not act on it.
    expect(
      (await unwrap(viewer.GET('/v1/incidents/{id}', { params: { path: { id: incidentId } } }))).status,
    ).toBe('closed');
    const forbidden = await refusal(
      unwrap(
        viewer.POST('/v1/incidents/{id}/status', {
          params: { path: { id: incidentId } },
          body: { status: 'acknowledged' },
        }),
      ),
    );
    expect(forbidden).toMatchObject({ status: 403, code: 'auth.forbidden' });
    const mutation = await graphql(
      viewerToken,
      `
        mutation Acknowledge($id: ID!) {
          changeIncidentStatus(id: $id, input: { status: acknowledged }) {
            status
          }
        }
      `,
      { id: incidentId },
    );
    expect(mutation.errors?.map((error) => error.extensions.code)).toEqual(['auth.forbidden']);
    expect((await getIncident(incidentId)).status).toBe('closed');
  });
});
