import { createOpsplaneClient, unwrap } from '@opsplane/sdk';
import { createHmac } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unique } from '../support/test-app';
import { ApiProcess, freePort, spawnApi, stopIfRunning, waitUntilReady } from './support/api-process';

// Two cold starts of the real process (source compiled on the fly, PostgreSQL created once).
jest.setTimeout(120_000);

const KEY_BANNER = 'Opsplane admin API key';

/**
 * `npm start` on a fresh machine: no DATABASE_URL, so the process runs its own PostgreSQL in a
 * data directory, prints the first admin key once, and on SIGTERM stops cleanly, PostgreSQL
 * included. Started again on the same directory, everything is still there.
 */
describe('npm start: the API process with its embedded PostgreSQL', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let api: ApiProcess | undefined;
  /** Carried from the first start to the restart. */
  let firstStart:
    | {
        adminKey: string;
        environmentSlug: string;
        secretKey: string;
        source: { ingestPath: string; secret: string };
      }
    | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'opsplane-e2e-start-'));
    chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when the tests run as root
    // The test run's own database, token and key must not leak in: this is a machine with nothing set
    // up, running `npm start` (no NODE_ENV, which jest sets to `test`).
    const {
      DATABASE_URL: _database,
      OPSPLANE_BOOTSTRAP_TOKEN: _token,
      OPSPLANE_SECRET_KEY: _secretKey,
      NODE_ENV: _nodeEnv,
      ...inherited
    } = process.env;
    env = {
      ...inherited,
      DB_EMBEDDED_DIR: join(dir, 'postgres'),
      SWC_NODE_IGNORE_DYNAMIC: '1',
      LOG_LEVEL: 'info',
    };
  });

  afterAll(async () => {
    await stopIfRunning(api);
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<ApiProcess> {
    const port = await freePort();
    api = spawnApi({ ...env, PORT: String(port) }, port);
    await waitUntilReady(api);
    return api;
  }

  /** SIGTERM, as an orchestrator sends it: the process must exit 0 with its PostgreSQL stopped. */
  async function stop(running: ApiProcess, postgres: { pid: number; dataDir: string }): Promise<void> {
    running.child.kill('SIGTERM');
    const exit = await running.exited;
    expect({ exit, output: exit.code === 0 ? '' : running.output() }).toEqual({
      exit: { code: 0, signal: null },
      output: '',
    });
    expect(running.stdout()).toContain('"msg":"Stopped"');
    // PostgreSQL removes its pid file only after a clean shutdown; the process itself is gone too.
    expect(existsSync(join(postgres.dataDir, 'postmaster.pid'))).toBe(false);
    expect(isAlive(postgres.pid)).toBe(false);
  }

  it('first start: creates the database, prints an admin key once, and stops cleanly on SIGTERM', async () => {
    const running = await start();
    const postgres = embeddedPostgresOf(running);

    // Printed just after listening, so it may reach the pipe a moment after /health/ready answers.
    await outputContaining(running, 'Try it:');
    const adminKey = printedAdminKey(running.stdout());
    expect(running.stdout().split(KEY_BANNER)).toHaveLength(2);
    // The key is what a person reads last: after the listening line, framed, with no per-route or
    // per-module lines (Nest's wiring, debug level) above it to scroll through.
    const listeningAt = running.stdout().indexOf('"msg":"Opsplane API listening on');
    expect(listeningAt).toBeGreaterThan(-1);
    expect(running.stdout().indexOf(KEY_BANNER)).toBeGreaterThan(listeningAt);
    expect(running.stdout()).toMatch(new RegExp(`={20,}\\s*\\n\\s*\\n\\s*${KEY_BANNER}`));
    const contexts = logLines(running.stdout()).map(
      (line) => (JSON.parse(line) as { context?: string }).context,
    );
    expect(
      contexts.filter((context) => /^(RouterExplorer|RoutesResolver|InstanceLoader)$/.test(String(context))),
    ).toEqual([]);
    expect(logLines(running.stdout()).filter((line) => line.includes('Mapped {'))).toEqual([]);
    // Printed for the operator's eyes only: no structured log line carries it.
    expect(logLines(running.stdout()).filter((line) => line.includes(adminKey))).toEqual([]);

    const client = createOpsplaneClient({ baseUrl: running.baseUrl, token: adminKey });
    const initial = await unwrap(client.GET('/v1/environments'));
    expect(initial.items).toEqual([]);
    const environmentSlug = unique('production');
    const created = await unwrap(
      client.POST('/v1/environments', {
        body: { slug: environmentSlug, name: 'Production', tier: 'production', rank: 1 },
      }),
    );
    expect(created).toMatchObject({ slug: environmentSlug, version: 1 });

    // A GraphQL error says what went wrong and nothing of the server's insides (Apollo adds stack
    // traces outside NODE_ENV=production|test unless told not to).
    const graphql = await fetch(`${running.baseUrl}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ environment(idOrSlug: "no-such-environment") { id } }' }),
    });
    const { errors } = (await graphql.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(errors).toHaveLength(1);
    expect(errors[0].extensions.code).toEqual(expect.any(String));
    expect(errors[0].extensions).not.toHaveProperty('stacktrace');

    // No OPSPLANE_SECRET_KEY: a key was generated beside the data, private, announced but never shown.
    const keyFile = join(dir, 'secret.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const secretKey = readFileSync(keyFile, 'utf8').trim();
    expect(running.stdout()).not.toContain(secretKey);
    expect(logLines(running.stdout()).filter((line) => line.includes('generated a secret key'))).toHaveLength(
      1,
    );
    const source = await unwrap(
      client.POST('/v1/alert-sources', { body: { name: unique('alertmanager'), kind: 'alertmanager' } }),
    );
    expect(running.stdout()).not.toContain(source.secret);

    await stop(running, postgres);
    firstStart = { adminKey, environmentSlug, secretKey, source };
  });

  it('restart on the same data: the environment and the key survive, and no new key is printed', async () => {
    if (!firstStart) throw new Error('the first start did not complete; see the test above');
    const running = await start();
    const postgres = embeddedPostgresOf(running);

    expect(running.stdout()).not.toContain(KEY_BANNER);
    expect(running.stdout()).not.toContain('opk_');

    const client = createOpsplaneClient({ baseUrl: running.baseUrl, token: firstStart.adminKey });
    const environment = await unwrap(
      client.GET('/v1/environments/{idOrSlug}', {
        params: { path: { idOrSlug: firstStart.environmentSlug } },
      }),
    );
    expect(environment).toMatchObject({
      slug: firstStart.environmentSlug,
      name: 'Production',
      tier: 'production',
      version: 1,
    });
    const listed = await unwrap(client.GET('/v1/environments'));
    expect(listed.items.map((item) => item.slug)).toEqual([firstStart.environmentSlug]);

    // The same key again, silently: the sealed HMAC key of the first start's alert source opens.
    expect(readFileSync(join(dir, 'secret.key'), 'utf8').trim()).toBe(firstStart.secretKey);
    expect(running.stdout()).not.toContain('generated a secret key');
    const { ingestPath, secret } = firstStart.source;
    const body = JSON.stringify({
      version: '4',
      groupKey: '{}:{alertname="Restarted"}',
      status: 'firing',
      receiver: 'opsplane',
      groupLabels: { alertname: 'Restarted' },
      commonLabels: { alertname: 'Restarted' },
      commonAnnotations: {},
      externalURL: 'http://alertmanager:9093',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'Restarted' },
          annotations: {},
          startsAt: '2026-11-27T06:00:00Z',
          endsAt: '0001-01-01T00:00:00Z',
          fingerprint: 'aa11bb22cc33dd44',
        },
      ],
    });
    const delivery = await fetch(`${running.baseUrl}${ingestPath}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-opsplane-signature': createHmac('sha256', secret).update(body).digest('hex'),
      },
      body,
    });
    expect(delivery.status).toBe(200);

    await stop(running, postgres);
  });
});

/** The key from the one-time banner (`Opsplane admin API key (shown once, …):` then the key alone on a line). */
function printedAdminKey(stdout: string): string {
  const match = new RegExp(`${KEY_BANNER}[^\\n]*\\n\\s*\\n\\s*(opk_[A-Za-z0-9_-]+)\\s*\\n`).exec(stdout);
  if (!match) throw new Error(`no admin key banner on stdout:\n${stdout}`);
  return match[1];
}

async function outputContaining(running: ApiProcess, text: string): Promise<void> {
  for (let attempt = 0; attempt < 100 && !running.stdout().includes(text); attempt++)
    await new Promise((resolve) => setTimeout(resolve, 50));
}

function logLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith('{'));
}

/**
 * Where the process says its PostgreSQL keeps its data (as root it may choose another directory
 * than DB_EMBEDDED_DIR), and the postmaster's pid from the pid file PostgreSQL keeps there.
 */
function embeddedPostgresOf(running: ApiProcess): { pid: number; dataDir: string } {
  const messages = logLines(running.stdout()).map((line) => (JSON.parse(line) as { msg?: string }).msg ?? '');
  const listening = messages
    .map((message) => /^Embedded PostgreSQL listening on \S+ \(data in (.+)\)$/.exec(message))
    .find(Boolean);
  if (!listening) throw new Error(`the process did not say where PostgreSQL runs:\n${running.output()}`);
  const dataDir = listening[1];
  const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  expect(isAlive(pid)).toBe(true);
  return { pid, dataDir };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
