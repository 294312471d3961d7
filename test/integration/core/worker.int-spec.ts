import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp, createRootLogger, JobQueue, loadConfig } from '@opsplane/core';
import request from 'supertest';
import { WorkerModule } from '../../../apps/worker/worker.module';

describe('worker process', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    // Jobs on, but scheduled where no test run reaches: the two-process job test counts every
    // housekeeping slot in the shared database and must not see this process win one.
    const config = loadConfig({ ...process.env, JOBS_ENABLED: 'true', JOBS_HOUSEKEEPING_CRON: '0 0 29 2 *' });
    app = await createHttpApp(WorkerModule.forRoot(config), { config, logger: createRootLogger(config.log) });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  it('runs the jobs and serves health and metrics, but no API', async () => {
    expect(
      app
        .get(JobQueue)
        .jobTypes()
        .map((type) => type.type),
    ).toContain('core.housekeeping');
    await request(app.getHttpServer()).get('/health/ready').expect(200);
    await request(app.getHttpServer()).get('/metrics').expect(200);
    const api = await request(app.getHttpServer()).get('/v1/environments').expect(404);
    expect(api.body.code).toBe('request.route_not_found');
    await request(app.getHttpServer()).post('/graphql').send({ query: '{ __typename }' }).expect(404);
  });
});
