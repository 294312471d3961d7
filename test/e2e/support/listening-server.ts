import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiKeysService, createRootLogger, Env, loadConfig, systemActor } from '@opsplane/core';
import { AddressInfo } from 'node:net';
import { createApiApp } from '../../../apps/api/api-app';

export interface ListeningServer {
  app: NestFastifyApplication;
  /** e.g. `http://127.0.0.1:41234`: what an SDK user would configure. */
  baseUrl: string;
  /** An admin key minted for this server, the way an operator would hold the bootstrap key. */
  adminToken: string;
  close(): Promise<void>;
}

/**
 * The real API on a real port (the test file's own database), so SDK calls cross an actual
 * socket like they do for users, not supertest's injected requests.
 */
export async function startListeningServer(name: string, env: Env = {}): Promise<ListeningServer> {
  const config = loadConfig({ ...process.env, JOBS_ENABLED: 'false', ...env });
  const app = await createApiApp(config, createRootLogger(config.log));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as AddressInfo;
  const { token } = await app
    .get(ApiKeysService)
    .create(systemActor('tests', 'e2e'), { name: `e2e admin (${name})`, role: 'admin' });
  return { app, baseUrl: `http://127.0.0.1:${port}`, adminToken: token, close: () => app.close() };
}
