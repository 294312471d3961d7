/**
 * A worker process for tests: apps/worker's WorkerModule plus the test job types, on the
 * DATABASE_URL it is given. Prints one line `{"ready":true}` on stdout once it processes jobs.
 *
 *   node -r @swc-node/register test/support/worker-process.ts
 */
import { DynamicModule, Module } from '@nestjs/common';
import { createHttpApp, createRootLogger, loadConfig } from '@opsplane/core';
import { WorkerModule } from '../../apps/worker/worker.module';
import { TestJobsModule } from './test-jobs';

@Module({})
class TestWorkerModule {
  static forRoot(config: ReturnType<typeof loadConfig>): DynamicModule {
    return { module: TestWorkerModule, imports: [WorkerModule.forRoot(config), TestJobsModule] };
  }
}

async function main(): Promise<void> {
  const config = loadConfig(undefined, { PORT: '0', HOST: '127.0.0.1' });
  const app = await createHttpApp(TestWorkerModule.forRoot(config), {
    config,
    logger: createRootLogger(config.log),
  });
  await app.listen({ port: config.http.port, host: config.http.host });
  process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid })}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
