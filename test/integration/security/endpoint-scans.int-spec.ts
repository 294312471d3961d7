import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issue, Issued } from '../../support/certificates';
import { eventually } from '../../support/eventually';
import { createTestApp, TestApp, unique } from '../../support/test-app';

const DAY = 86_400_000;
/** OpenSSL judges certificates by the real clock, so they are dated around it (and so is the app's). */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const at = (days: number) => new Date(NOW.getTime() + days * DAY);

/** Every security header the scan looks for, set well. */
const GOOD_HEADERS = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

interface Result {
  url: string;
  reachable: boolean;
  failure: { kind: string; message: string } | null;
  tls: {
    protocols: string[];
    certificate: {
      daysToExpiry: number;
      chainValid: boolean;
      hostnameMatches: boolean;
      selfSigned: boolean;
    } | null;
  } | null;
  headers: Record<string, string> | null;
  problems: { code: string; severity: string; key: string }[];
}

describe('endpoint scans', () => {
  const servers: (HttpServer | HttpsServer)[] = [];
  const urls: Record<string, string> = {};
  let t: TestApp;

  async function serve(server: HttpServer | HttpsServer, scheme: 'http' | 'https'): Promise<string> {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }
  const https = (leaf: Issued, headers: Record<string, string>, tls: object = {}) =>
    createHttpsServer({ key: leaf.keyPem, cert: leaf.pem, ...tls }, (_request, response) =>
      response.writeHead(200, headers).end('ok'),
    );

  beforeAll(async () => {
    const ca = await issue({
      subject: 'CN=Opsplane Test CA',
      names: {},
      notBefore: at(-10),
      notAfter: at(365),
      ca: true,
    });
    const leaf = (notAfter: Date, ip = '127.0.0.1') =>
      issue({ subject: 'CN=shop.test', names: { ip: [ip] }, notBefore: at(-5), notAfter, issuer: ca });
    urls.good = await serve(https(await leaf(at(200)), GOOD_HEADERS, { minVersion: 'TLSv1.2' }), 'https');
    urls.expiring = await serve(
      https(
        await leaf(at(10)),
        { ...GOOD_HEADERS, 'x-powered-by': 'Express 4.17.1' },
        { minVersion: 'TLSv1.2' },
      ),
      'https',
    );
    urls.expired = await serve(https(await leaf(at(-2)), GOOD_HEADERS), 'https');
    const selfSigned = await issue({
      subject: 'CN=other.test',
      names: { dns: ['other.test'] },
      notBefore: at(-1),
      notAfter: at(90),
    });
    urls.selfSigned = await serve(https(selfSigned, {}, { minVersion: 'TLSv1.2' }), 'https');
    urls.plain = await serve(
      createHttpServer((_request, response) => response.writeHead(200, GOOD_HEADERS).end('ok')),
      'http',
    );
    urls.metadata = 'http://169.254.169.254/latest/meta-data';
    const dir = mkdtempSync(join(tmpdir(), 'opsplane-ca-'));
    writeFileSync(join(dir, 'ca.pem'), ca.pem);
    t = await createTestApp({
      JOBS_ENABLED: 'true',
      JOBS_POLL_INTERVAL_MS: '500',
      OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
      SECURITY_ENDPOINT_SCAN_CA_FILE: join(dir, 'ca.pem'),
      SECURITY_ENDPOINT_SCAN_TIMEOUT_MS: '3000',
      SECURITY_ENDPOINT_SCAN_CRON: '0 0 29 2 *',
      COMPLIANCE_SCAN_CRON: '0 0 29 2 *',
      SECURITY_VULNERABILITY_SCAN_CRON: '0 0 29 2 *',
    });
  });
  afterAll(async () => {
    await t.close();
    for (const server of servers) server.close();
  });

  async function scanned(environment: string): Promise<Record<string, Result>> {
    const queued = await t
      .http(t.tokens.operator)
      .post(`/v1/environments/${environment}/endpoint-scans`)
      .expect(202);
    expect(queued.body.jobId).toEqual(expect.any(String));
    let results: Result[] = [];
    await eventually(async () => {
      const job = (await t.http(t.tokens.admin).get(`/v1/jobs/${queued.body.jobId}`).expect(200)).body;
      if (job.status === 'failed') throw new Error(`the scan failed: ${JSON.stringify(job)}`);
      if (job.status !== 'succeeded') return false;
      results = (
        await t.http(t.tokens.viewer).get(`/v1/environments/${environment}/endpoint-scans`).expect(200)
      ).body.items;
      return true;
    }, 'the endpoint scan done');
    return Object.fromEntries(
      results.map((result) => [Object.entries(urls).find(([, url]) => url === result.url)![0], result]),
    );
  }
  const codes = (result: Result) => result.problems.map((problem) => problem.code).sort();

  it('judges TLS, certificates and headers of each URL, and refuses what the outbound policy refuses', async () => {
    const environment = (
      await t
        .http(t.tokens.admin)
        .post('/v1/environments')
        .send({
          slug: unique('env'),
          name: 'Shop',
          tier: 'production',
          rank: 0,
          endpointUrls: Object.values(urls),
        })
        .expect(201)
    ).body as { id: string; slug: string };
    const results = await scanned(environment.slug);

    expect(results.good).toMatchObject({ reachable: true, tls: { protocols: ['TLSv1.2', 'TLSv1.3'] } });
    expect(results.good.tls!.certificate).toMatchObject({
      chainValid: true,
      hostnameMatches: true,
      selfSigned: false,
    });
    expect(results.good.problems).toEqual([]);
    expect(results.good.headers!['strict-transport-security']).toBe(
      GOOD_HEADERS['strict-transport-security'],
    );

    expect(results.expiring.tls!.certificate!.daysToExpiry).toBe(9);
    expect(codes(results.expiring)).toEqual(['certificate_expiring', 'header_leaks_version']);
    expect(results.expiring.problems.find((p) => p.code === 'certificate_expiring')!.severity).toBe('high');

    expect(codes(results.expired)).toContain('certificate_expired');
    expect(results.expired.problems.find((p) => p.code === 'certificate_expired')!.severity).toBe('critical');

    expect(codes(results.selfSigned)).toEqual(
      expect.arrayContaining([
        'certificate_chain_invalid',
        'certificate_hostname_mismatch',
        'header_missing_or_weak',
      ]),
    );
    expect(results.selfSigned.tls!.certificate).toMatchObject({ selfSigned: true, hostnameMatches: false });
    // The headers of an endpoint with a bad certificate are read all the same.
    expect(results.selfSigned.headers).not.toBeNull();

    expect(results.plain).toMatchObject({ reachable: true, tls: null });
    expect(codes(results.plain)).toEqual(['tls_missing']);

    expect(results.metadata).toMatchObject({
      reachable: false,
      tls: null,
      headers: null,
      failure: { kind: 'refused_by_policy' },
    });
    expect(codes(results.metadata)).toEqual(['endpoint_refused']);

    // Each problem is a finding of kind endpoint on the environment.
    const findings = (
      await t
        .http(t.tokens.viewer)
        .get('/v1/findings')
        .query({ subjectType: 'environment', subjectId: environment.id, kind: 'endpoint', limit: 100 })
        .expect(200)
    ).body.items as { dedupKey: string; severity: string; status: string }[];
    expect(findings.map((f) => f.dedupKey)).toEqual(
      expect.arrayContaining([
        `${urls.expired}|certificate:validity`,
        `${urls.plain}|tls:missing`,
        `${urls.metadata}|endpoint:refused`,
      ]),
    );
    expect(findings.find((f) => f.dedupKey === `${urls.expired}|certificate:validity`)!.severity).toBe(
      'critical',
    );

    // A URL taken off the environment: its findings resolve on the next scan, and it is no longer listed.
    await t
      .http(t.tokens.admin)
      .patch(`/v1/environments/${environment.id}`)
      .send({ endpointUrls: [urls.good, urls.plain] })
      .expect(200);
    const again = await scanned(environment.slug);
    expect(Object.keys(again).sort()).toEqual(['good', 'plain']);
    const open = (
      await t
        .http(t.tokens.viewer)
        .get('/v1/findings')
        .query({
          subjectType: 'environment',
          subjectId: environment.id,
          kind: 'endpoint',
          unresolved: true,
          limit: 100,
        })
        .expect(200)
    ).body.items as { dedupKey: string }[];
    expect(open.map((f) => f.dedupKey)).toEqual([`${urls.plain}|tls:missing`]);
  });

  it('feeds compliance controls: a TLS control passes on the good endpoint and fails on the plain one', async () => {
    const make = async (endpointUrls: string[]) =>
      (
        await t
          .http(t.tokens.admin)
          .post('/v1/environments')
          .send({ slug: unique('env'), name: 'Env', tier: 'production', rank: 0, endpointUrls })
          .expect(201)
      ).body as { id: string; slug: string };
    const good = await make([urls.good]);
    const plain = await make([urls.plain]);
    await scanned(good.slug);
    await scanned(plain.slug);
    const control = (
      await t
        .http(t.tokens.admin)
        .post('/v1/compliance/controls')
        .send({
          slug: unique('tls'),
          title: 'Endpoints offer only TLS 1.2 or newer',
          severity: 'high',
          subjectType: 'environment',
          expression:
            'endpoints.size() > 0 && endpoints.all(e, e.reachable && e.tls != null && e.tls.protocols.all(p, p in ["TLSv1.2", "TLSv1.3"]))',
        })
        .expect(201)
    ).body as { slug: string };
    const outcome = async (environment: { slug: string }) => {
      const scan = (
        await t
          .http(t.tokens.admin)
          .post('/v1/compliance/scans')
          .send({ control: control.slug, subject: environment.slug })
          .expect(201)
      ).body;
      let status = '';
      await eventually(async () => {
        const results = (
          await t.http(t.tokens.auditor).get(`/v1/compliance/scans/${scan.id}/results`).expect(200)
        ).body.items;
        status = results[0]?.outcome ?? '';
        return status !== '';
      }, 'the compliance scan done');
      return status;
    };
    expect(await outcome(good)).toBe('passed');
    expect(await outcome(plain)).toBe('failed');
  });
});
