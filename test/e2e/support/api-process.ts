import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ApiProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Everything the process wrote to stdout so far (JSON log lines and the one-time key banner). */
  stdout(): string;
  /** stdout and stderr, for failure messages. */
  output(): string;
  exited: Promise<ProcessExit>;
}

/**
 * `npm start` as a user runs it (`apps/api/main.ts`, from source), in a process of its own: its
 * own embedded PostgreSQL, its own signals, its own exit code. `env` is the whole environment.
 */
export function spawnApi(env: NodeJS.ProcessEnv, port: number): ApiProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/api/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    output += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<ProcessExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, baseUrl: `http://127.0.0.1:${port}`, stdout: () => stdout, output: () => output, exited };
}

/**
 * Resolves once /health/ready answers 200 (database reachable, routes up). Rejects with the
 * process output if it exits first or never gets there; the deadline only keeps a hung start
 * from hiding behind Jest's timeout without its logs.
 */
export async function waitUntilReady(api: ApiProcess, deadlineMs = 100_000): Promise<void> {
  let exit: ProcessExit | undefined;
  void api.exited.then((result) => (exit = result));
  const giveUpAt = Date.now() + deadlineMs;
  while (Date.now() < giveUpAt) {
    if (exit)
      throw new Error(`API process exited (${JSON.stringify(exit)}) before it was ready:\n${api.output()}`);
    const ready = await fetch(`${api.baseUrl}/health/ready`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`API process did not become ready:\n${api.output()}`);
}

/** Stops a process left running by a failed test, so no PostgreSQL outlives the run. */
export async function stopIfRunning(api: ApiProcess | undefined): Promise<void> {
  if (!api || api.child.exitCode !== null || api.child.signalCode !== null) return;
  api.child.kill('SIGTERM');
  const stopped = await Promise.race([
    api.exited.then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 30_000)),
  ]);
  if (!stopped) api.child.kill('SIGKILL');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port')),
      );
    });
  });
}
