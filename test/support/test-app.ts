import { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  ApiKeysService,
  Clock,
  createRootLogger,
  Env,
  loadConfig,
  Role,
  ROLES,
  systemActor,
} from '@opsplane/core';
import request from 'supertest';
import { createApiApp } from '../../apps/api/api-app';
import { recordAnswers, undocumentedAnswers } from './openapi-responses';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: {
    message: string;
    path?: string[];
    extensions: {
      code: string;
      status?: number;
      errors?: { path: string; message: string }[];
      requestId?: string;
    };
  }[];
}

export interface TestApp {
  app: NestFastifyApplication;
  /** A bearer token per role, minted for this app. */
  tokens: Record<Role, string>;
  /** supertest against the app's server, optionally authenticated. */
  http(token?: string): request.Agent;
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/**
 * The real API application (Fastify, Apollo, the test file's own database), not listening on a port.
 * `clock` pins "now" for rules that depend on time (pass a FixedClock and move it in the test).
 */
const NEVER = '0 0 29 2 *';

export async function createTestApp(env: Env = {}, options: { clock?: Clock } = {}): Promise<TestApp> {
  // The starter library of controls only where a test asks for it: elsewhere its 30-odd audited
  // creates would be noise in every file's audit log and outbox.
  // The security scans' schedules never come unless a test sets them (29 February at midnight): at
  // their real times (04:00, 03:30, :15) they would scan every test's environments and releases.
  const config = loadConfig({
    ...process.env,
    JOBS_ENABLED: 'false',
    COMPLIANCE_STARTER_LIBRARY: 'false',
    SECURITY_VULNERABILITY_SCAN_CRON: NEVER,
    SECURITY_ENDPOINT_SCAN_CRON: NEVER,
    SECURITY_ADVISORY_SYNC_CRON: NEVER,
    ...env,
  });
  const app = await createApiApp(config, createRootLogger(config.log), { clock: options.clock });
  const fastify = app.getHttpAdapter().getInstance();
  const answers = recordAnswers(fastify);
  await app.init();
  await fastify.ready();
  const apiKeys = app.get(ApiKeysService);
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    tokens[role] = (
      await apiKeys.create(systemActor('tests', 'test-setup'), { name: `test ${role}`, role })
    ).token;
  }
  const http = (token?: string) => {
    const agent = request.agent(app.getHttpServer());
    return token ? agent.set('authorization', `Bearer ${token}`) : agent;
  };
  return {
    app,
    tokens,
    http,
    async graphql(query, variables = {}, token = tokens.admin) {
      const response = await http(token).post('/graphql').send({ query, variables });
      return response.body as never;
    },
    async close() {
      const document = (await fastify.inject({ url: '/openapi.json' })).json();
      await app.close();
      const problems = undocumentedAnswers(document, answers);
      if (problems.length > 0)
        throw new Error(`Answers that disagree with the OpenAPI document:\n  ${problems.join('\n  ')}`);
    },
  };
}

/** A name no other test in the file has used (a file's tests share its database). */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}
