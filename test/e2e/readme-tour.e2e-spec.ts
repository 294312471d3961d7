import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { ListeningServer, startListeningServer } from './support/listening-server';
import { readTour, stepEndingAt, Tour } from './support/readme-tour';

const README = join(__dirname, '../../README.md');

/**
 * The README's five-minute tour, pasted into bash as a new user would, against a fresh server:
 * an empty database of its own, so the tour's slugs, ranks and metrics meet nothing from other
 * suites. Every `# → status text` the README states is checked; the first that differs fails
 * the test with the README step and the server's answer.
 */
describe('the README tour', () => {
  const tour: Tour = readTour(readFileSync(README, 'utf8'));
  let database: OwnDatabase;
  let server: ListeningServer;

  beforeAll(async () => {
    database = await createOwnDatabase();
    server = await startListeningServer('readme tour', { DATABASE_URL: database.url });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('states an answer for every step and sets up with the variables the test provides', () => {
    expect(tour.setupVariables).toEqual(['OPSPLANE_URL', 'OPSPLANE_TOKEN']);
    expect(tour.checks.length).toBeGreaterThan(40);
  });

  it('answers every step as the README says', async () => {
    const run = await bash(tour.script, {
      OPSPLANE_URL: server.baseUrl,
      OPSPLANE_TOKEN: server.adminToken,
    });
    const failed = /tour: (?:FAILED|stopped by a failing command at) README\.md:(\d+)/.exec(run.stderr);
    const passed = run.stdout.match(/^tour: ok /gm)?.length ?? 0;
    if (run.code !== 0 || passed !== tour.checks.length) {
      const step = failed ? stepEndingAt(tour, Number(failed[1])) : '(no step named)';
      throw new Error(
        `The tour stopped after ${passed} of ${tour.checks.length} checks (bash exit ${run.code}).\n\n` +
          `Step:\n${step}\n\n${run.stderr.trim()}\n\nLast output:\n${run.stdout.slice(-3000)}`,
      );
    }
  }, 90_000);
});

/**
 * Runs the script in one bash process (variables carry over from step to step), with only the
 * environment a user's shell would have: no test settings leak into the tour. Asynchronous, since
 * the server answering it runs in this process.
 */
function bash(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', script],
      {
        // The tour's `field` helper runs node: the one running the tests.
        env: { PATH: `${dirname(process.execPath)}:${process.env.PATH}`, HOME: process.env.HOME, ...env },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

interface OwnDatabase {
  url: string;
  drop(): Promise<void>;
}

/** An empty database on the run's server; the server started on it migrates it. */
async function createOwnDatabase(): Promise<OwnDatabase> {
  const serverUrl = process.env.DATABASE_URL!;
  const name = `opsplane_tour_${Date.now()}_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
