import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretBox } from '@opsplane/core';
import { DataSource } from 'typeorm';
import { AlertSourceSecretsUpgrade } from '../../../libs/incidents/src/alerts/alert-source-secrets.upgrade';
import { AlertSourcesService } from '../../../libs/incidents/src/alerts/alert-sources.service';
import { createTestApp, TestApp, unique } from '../../support/test-app';
import { AlertSource, alertmanagerFiring, createAlertSource } from './fixtures';

const FIXTURES = join(__dirname, '../../fixtures/alerts');
const grafanaBody = readFileSync(
  join(FIXTURES, 'zulip_fixture_grafana_alert_values_v11_firing.json'),
  'utf8',
);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const hmac = (key: string, text: string) => createHmac('sha256', key).update(text).digest('hex');
const SEALED = /^v1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/;
/** What migration 1764231400000 computes in SQL for each existing row. */
const SQL_HASH = `encode(sha256(convert_to($1::text, 'UTF8')), 'hex')`;

describe('alert source secrets at rest', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const create = (kind: string) => createAlertSource(t, kind);
  const rotate = async (source: AlertSource): Promise<AlertSource> =>
    (await t.http(t.tokens.admin).post(`/v1/alert-sources/${source.id}/rotate-secret`).expect(200)).body;
  const row = async (id: string) =>
    (
      await db.query<{ secret_hash: string; sealed_secret: string | null }[]>(
        `SELECT * FROM alert_sources WHERE id = $1`,
        [id],
      )
    )[0];
  /** POSTs the raw bytes with the given headers (no credentials unless given). */
  const send = (source: Pick<AlertSource, 'ingestPath'>, body: string, headers: Record<string, string>) => {
    const call = t.http().post(source.ingestPath).set('content-type', 'application/json');
    for (const [name, value] of Object.entries(headers)) void call.set(name, value);
    return call.send(body);
  };
  const enqueue = (routingKey: string) =>
    t
      .http()
      .post('/v2/enqueue')
      .send({
        routing_key: routingKey,
        event_action: 'trigger',
        dedup_key: unique('dedup'),
        payload: { summary: 'Disk full', source: 'db-1', severity: 'warning' },
      });

  /** Every way a sender can present the secret, each accepted; a wrong secret refused each way. */
  async function expectAuthenticates(
    source: Omit<AlertSource, 'version'>,
    secret = source.secret,
  ): Promise<void> {
    if (source.kind === 'pagerduty') {
      await enqueue(secret).expect(202);
      await t
        .http()
        .post(source.ingestPath)
        .send({
          routing_key: secret,
          event_action: 'trigger',
          payload: { summary: 'Disk full', source: 'db-1', severity: 'warning' },
        })
        .expect(202);
      expect((await enqueue(`${secret}x`).expect(400)).body.errors).toEqual(['Invalid routing key']);
      return;
    }
    const body = source.kind === 'grafana' ? grafanaBody : alertmanagerFiring(unique('Alert'));
    const basic = (password: string) => `Basic ${Buffer.from(`opsplane:${password}`).toString('base64')}`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    await send(source, body, { authorization: `Bearer ${secret}` }).expect(200);
    await send(source, body, { authorization: basic(secret) }).expect(200);
    await send(source, body, { 'x-opsplane-signature': `sha256=${hmac(secret, body)}` }).expect(200);
    await send(source, body, {
      'x-grafana-alerting-signature': hmac(secret, `${timestamp}:${body}`),
      'x-grafana-alerting-signature-timestamp': timestamp,
    }).expect(200);
    const wrong = `${secret}x`;
    for (const headers of <Record<string, string>[]>[
      { authorization: `Bearer ${wrong}` },
      { authorization: basic(wrong) },
      { 'x-opsplane-signature': `sha256=${hmac(wrong, body)}` },
    ])
      expect((await send(source, body, headers).expect(401)).body.code).toBe('alert_source.bad_credentials');
  }

  it('stores only a hash, and the secret sealed for kinds that verify HMAC signatures', async () => {
    for (const kind of ['alertmanager', 'grafana', 'pagerduty']) {
      const source = await create(kind);
      const stored = await row(source.id);
      expect(JSON.stringify(stored)).not.toContain(source.secret);
      expect(stored.secret_hash).toBe(sha256(source.secret));
      if (kind === 'pagerduty') expect(stored.sealed_secret).toBeNull();
      else expect(stored.sealed_secret).toMatch(SEALED);
      await expectAuthenticates(source);
    }
  });

  it('rotation stores the new secret the same way; neither secret is in answers, audit or outbox', async () => {
    for (const kind of ['grafana', 'pagerduty']) {
      const source = await create(kind);
      const before = await row(source.id);
      const rotated = await rotate(source);
      const stored = await row(source.id);
      expect(JSON.stringify(stored)).not.toContain(rotated.secret);
      expect(stored.secret_hash).toBe(sha256(rotated.secret));
      if (kind === 'grafana') {
        expect(stored.sealed_secret).toMatch(SEALED);
        expect(stored.sealed_secret).not.toBe(before.sealed_secret);
      }
      await expectAuthenticates({ ...source, secret: rotated.secret });
      if (kind === 'pagerduty') await enqueue(source.secret).expect(400);
      else await send(source, grafanaBody, { authorization: `Bearer ${source.secret}` }).expect(401);

      const listed = await t.graphql<{ alertSources: { items: { id: string }[] } }>(
        `{ alertSources(limit: 100) { items { id name kind ingestPath } } }`,
      );
      expect(listed.errors).toBeUndefined();
      expect(listed.data!.alertSources.items.map((item) => item.id)).toContain(source.id);
      const answers = [
        (await t.http(t.tokens.admin).get(`/v1/alert-sources/${source.id}`).expect(200)).body,
        (await t.http(t.tokens.admin).get('/v1/alert-sources').query({ limit: 100 }).expect(200)).body,
        listed,
      ];
      const audit = await db.query(`SELECT * FROM audit_events WHERE target_id = $1`, [source.id]);
      expect(audit.map((event: { action: string }) => event.action).sort()).toEqual([
        'alert_source.created',
        'alert_source.secret_rotated',
      ]);
      const outbox = await db.query(`SELECT * FROM outbox_events WHERE aggregate_id = $1`, [source.id]);
      for (const secret of [source.secret, rotated.secret])
        for (const text of [...answers, audit, outbox].map((value) => JSON.stringify(value))) {
          expect(text).not.toContain(secret);
          expect(text).not.toContain(sha256(secret));
        }
    }
  });

  it('seals the clear secrets an older version left, once, even with two processes at it', async () => {
    // Rows as migration 1764231400000 leaves them: the hash computed in SQL; a signing source's
    // secret still clear, a PagerDuty source's dropped.
    const legacy = {
      grafana: `opa_${randomBytes(32).toString('base64url')}`,
      pagerduty: `opa_${randomBytes(32).toString('base64url')}`,
    };
    const ids: Record<string, string> = {};
    for (const [kind, secret] of Object.entries(legacy)) {
      const source = await create(kind);
      ids[kind] = source.id;
      await db.query(
        `UPDATE alert_sources
            SET secret_hash = ${SQL_HASH}, sealed_secret = CASE WHEN kind = 'pagerduty' THEN NULL ELSE $1 END
          WHERE id = $2`,
        [secret, source.id],
      );
    }
    expect((await row(ids.grafana)).sealed_secret).toBe(legacy.grafana);

    // Two processes starting together: each row is sealed by exactly one of them.
    const sources = t.app.get(AlertSourcesService);
    const [first, second] = await Promise.all([sources.sealLegacySecrets(), sources.sealLegacySecrets()]);
    expect(first + second).toBeLessThanOrEqual(1); // another suite's app starting meanwhile may do it
    const upgraded = await row(ids.grafana);
    expect(upgraded.sealed_secret).toMatch(SEALED);
    expect(JSON.stringify(upgraded)).not.toContain(legacy.grafana);
    // Idempotent: a later start finds nothing to do and changes nothing.
    await t.app.get(AlertSourceSecretsUpgrade).onApplicationBootstrap();
    expect((await row(ids.grafana)).sealed_secret).toBe(upgraded.sealed_secret);

    for (const [kind, secret] of Object.entries(legacy))
      await expectAuthenticates({
        id: ids[kind],
        kind,
        secret,
        ingestPath: `/v1/alert-sources/${ids[kind]}/${kind}`,
      });
  });

  it('shares the key between two apps on one database', async () => {
    const other = await createTestApp();
    try {
      const source = await create('alertmanager');
      const body = alertmanagerFiring(unique('Alert'));
      await other
        .http()
        .post(source.ingestPath)
        .set('content-type', 'application/json')
        .set('x-opsplane-signature', hmac(source.secret, body))
        .send(body)
        .expect(200);
    } finally {
      await other.close();
    }
  });

  it('counts secrets sealed under another key (replicas not sharing OPSPLANE_SECRET_KEY)', async () => {
    const sources = t.app.get(AlertSourcesService);
    const source = await create('alertmanager');
    const foreign = new SecretBox(randomBytes(32)).seal(source.secret, source.id);
    const before = await sources.countSealedWithAnotherKey();
    const own = (await row(source.id)).sealed_secret;
    await db.query(`UPDATE alert_sources SET sealed_secret = $1 WHERE id = $2`, [foreign, source.id]);
    try {
      expect(await sources.countSealedWithAnotherKey()).toBe(before + 1);
      // Bearer is checked against the hash, so it still works.
      await send(source, alertmanagerFiring('x'), { authorization: `Bearer ${source.secret}` }).expect(200);
    } finally {
      // Other suites' apps start on this database too: leave nothing that would warn there.
      await db.query(`UPDATE alert_sources SET sealed_secret = $1 WHERE id = $2`, [own, source.id]);
    }
  });
});
