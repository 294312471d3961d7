import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CoreModule, createHttpApp, createRootLogger, loadConfig } from '@opsplane/core';
import { MIGRATIONS } from '../../migrations';
import { TestJobsModule } from '../support/test-jobs';

/** A cron that never fires in a bench run (29 February only). */
export const NEVER = '0 0 29 2 *';

@Module({})
class BenchCoreModule {
  static forRoot(config: ReturnType<typeof loadConfig>, providers: Provider[]): DynamicModule {
    return {
      module: BenchCoreModule,
      imports: [CoreModule.forRoot({ config, migrations: MIGRATIONS }), TestJobsModule],
      providers,
    };
  }
}

/**
 * Core alone (queue, outbox, relay) with the test job types and `providers` (a bench's outbox
 * subscriber), on `databaseUrl`, which its start migrates. Not listening: the benches call it.
 */
export async function startCoreApp(
  databaseUrl: string,
  env: Record<string, string>,
  providers: Provider[] = [],
): Promise<NestFastifyApplication> {
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    JOBS_HOUSEKEEPING_CRON: NEVER,
    LOG_LEVEL: 'warn',
    ...env,
  });
  const app = await createHttpApp(BenchCoreModule.forRoot(config, providers), {
    config,
    logger: createRootLogger(config.log),
  });
  await app.init();
  return app;
}

export interface WorkerProcess {
  pid: number;
  stop(): Promise<void>;
}

/**
 * A real worker process (test/support/worker-process.ts: apps/worker's modules plus the test job
 * types) on `databaseUrl`, already migrated; resolves once it processes jobs.
 */
export async function startWorkerProcess(
  databaseUrl: string,
  env: Record<string, string>,
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'test/support/worker-process.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DB_MIGRATIONS: 'false',
      JOBS_ENABLED: 'true',
      // Only the bench's jobs: no scheduled work beside them.
      JOBS_OUTBOX_RELAY_CRON: NEVER,
      JOBS_HOUSEKEEPING_CRON: NEVER,
      JOBS_DEPLOYMENT_SCHEDULER_CRON: NEVER,
      LOG_LEVEL: 'warn',
      OPSPLANE_BOOTSTRAP_TOKEN: `opk_${randomBytes(32).toString('base64url')}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('"ready":true')) resolve();
    });
  });
  return {
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
