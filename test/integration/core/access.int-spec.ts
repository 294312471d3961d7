import { randomUUID } from 'node:crypto';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { ApiKeysService, isAllowed, Permission, PERMISSIONS, Role, ROLES, systemActor } from '@opsplane/core';
import {
  getNamedType,
  GraphQLField,
  GraphQLInputType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { IS_PUBLIC, REQUIRED_PERMISSION } from '../../../libs/core/src/auth/access.decorators';
import { createTestApp, GraphQLResponse, TestApp, unique } from '../../support/test-app';

/**
 * Closed by default, one permission check for both transports: walks every REST operation of the
 * OpenAPI document and every GraphQL Query/Mutation field, without a token, with a bogus one and
 * with each role, against the matrix in roles.ts. New routes and operations are walked without
 * touching this file; one without a permission fails it.
 */

const isPermission = (value: unknown): value is Permission =>
  typeof value === 'string' && Object.hasOwn(PERMISSIONS, value);

interface OpenApiParameter {
  name: string;
  in: string;
  schema?: { format?: string };
}
interface RestOperation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  operationId: string;
  permission: unknown;
  parameters: OpenApiParameter[];
}

function restOperationsOf(document: {
  paths: Record<string, Record<string, Record<string, unknown>>>;
}): RestOperation[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([method]) => ['get', 'post', 'patch', 'put', 'delete'].includes(method))
      .map(([method, operation]) => ({
        method: method as RestOperation['method'],
        path,
        operationId: operation.operationId as string,
        permission: operation['x-permission'],
        parameters: (operation.parameters as OpenApiParameter[] | undefined) ?? [],
      })),
  );
}

/** The operation with each path parameter filled in: a fresh UUID for ids, a fresh slug otherwise. */
function callRest(agent: request.Agent, operation: RestOperation): request.Test {
  const url = operation.path.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
    const parameter = operation.parameters.find((p) => p.in === 'path' && p.name === name);
    const wantsUuid = parameter?.schema?.format === 'uuid' || name === 'id' || name.endsWith('Id');
    return wantsUuid ? randomUUID() : unique('walk');
  });
  const call = agent[operation.method](url);
  return operation.method === 'post' || operation.method === 'patch' || operation.method === 'put'
    ? call.send({})
    : call;
}

const describeRest = (operation: RestOperation) =>
  `${operation.method.toUpperCase()} ${operation.path} (${operation.operationId})`;

interface GraphQLOperation {
  kind: 'query' | 'mutation';
  field: GraphQLField<unknown, unknown>;
  permission: unknown;
}

function graphqlOperationsOf(schema: GraphQLSchema): GraphQLOperation[] {
  const of = (kind: GraphQLOperation['kind'], fields: Record<string, GraphQLField<unknown, unknown>> = {}) =>
    Object.values(fields).map((field) => ({ kind, field, permission: field.extensions.permission }));
  return [
    ...of('query', schema.getQueryType()?.getFields()),
    ...of('mutation', schema.getMutationType()?.getFields()),
  ];
}

/** A value of this input type that graphql-js accepts: required input fields filled recursively. */
function dummyValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return dummyValue(type.ofType);
  if (isListType(type)) return [dummyValue(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((field) => isNonNullType(field.type))
        .map((field) => [field.name, dummyValue(field.type)]),
    );
  }
  switch (type.name) {
    case 'ID':
      return randomUUID();
    case 'String':
      return unique('walk');
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'DateTime':
      return new Date(Date.now() + 86_400_000).toISOString();
    case 'JSON':
    case 'JSONObject':
      return {};
    default:
      throw new Error(`The access walk has no dummy value for the GraphQL type ${type.name}; add one.`);
  }
}

/** The smallest valid document for one field: required arguments as variables, `__typename` selected. */
function minimalOperation({ kind, field }: GraphQLOperation): {
  query: string;
  variables: Record<string, unknown>;
} {
  const required = field.args.filter((arg) => isNonNullType(arg.type));
  const definitions = required.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const args = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
  return {
    query: `${kind}${definitions ? `(${definitions})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`,
    variables: Object.fromEntries(required.map((arg) => [arg.name, dummyValue(arg.type)])),
  };
}

const describeGraphQL = (operation: GraphQLOperation) => `${operation.kind} ${operation.field.name}`;

type Problem = { code: string; status: number; requestId: string };

describe('access', () => {
  let t: TestApp;
  let restOperations: RestOperation[];
  let graphqlOperations: GraphQLOperation[];

  beforeAll(async () => {
    t = await createTestApp();
    const document = await t.http().get('/openapi.json').expect(200);
    restOperations = restOperationsOf(document.body);
    graphqlOperations = graphqlOperationsOf(t.app.get(GraphQLSchemaHost).schema);
  });
  afterAll(() => t.close());

  const graphql = async (operation: GraphQLOperation, token?: string) => {
    const response = await t.http(token).post('/graphql').send(minimalOperation(operation));
    return { status: response.status, body: response.body as GraphQLResponse };
  };

  /** An answer that is a 401/403 problem with this code: status, media type, code, request id. */
  function problemMismatch(response: request.Response, status: number, code: string): string | null {
    const problem = response.body as Problem;
    if (response.status !== status || problem.code !== code)
      return `got ${response.status} ${problem.code ?? ''}, expected ${status} ${code}`;
    if (!/^application\/problem\+json/.test(response.headers['content-type'] ?? ''))
      return `content-type ${response.headers['content-type']}`;
    if (!response.headers['x-request-id'] || problem.requestId !== response.headers['x-request-id'])
      return 'requestId does not match x-request-id';
    return null;
  }

  describe('REST', () => {
    it('publishes every operation in the OpenAPI document with a permission the matrix knows', () => {
      expect(restOperations.length).toBeGreaterThanOrEqual(16);
      const undeclared = restOperations
        .filter((operation) => !isPermission(operation.permission))
        .map(describeRest);
      expect(undeclared).toEqual([]);
    });

    it('has no route outside the walk: each controller route is @Public or requires a permission, and each closed one is in the document', () => {
      const reflector = t.app.get(Reflector);
      const undeclared: string[] = [];
      const closed: string[] = [];
      for (const wrapper of t.app.get(DiscoveryService).getControllers()) {
        const { metatype, instance } = wrapper as { metatype?: new () => unknown; instance?: object };
        if (!metatype || !instance) continue;
        const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
        for (const name of Object.getOwnPropertyNames(prototype)) {
          const handler = prototype[name];
          if (
            name === 'constructor' ||
            typeof handler !== 'function' ||
            Reflect.getMetadata(PATH_METADATA, handler) === undefined
          )
            continue;
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
          const path = `/${[
            Reflect.getMetadata(PATH_METADATA, metatype) as string,
            Reflect.getMetadata(PATH_METADATA, handler) as string,
          ]
            .map((part) => part.replace(/^\/|\/$/g, ''))
            .filter(Boolean)
            .join('/')}`.replace(/:(\w+)/g, '{$1}');
          const route = `${method} ${path}`;
          const targets = [handler as () => unknown, metatype];
          if (reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) continue;
          if (!isPermission(reflector.getAllAndOverride<unknown>(REQUIRED_PERMISSION, targets)))
            undeclared.push(`${metatype.name}.${name} (${route})`);
          closed.push(route);
        }
      }
      expect(undeclared).toEqual([]);
      const documented = restOperations.map(
        (operation) => `${operation.method.toUpperCase()} ${operation.path}`,
      );
      expect([...closed].sort()).toEqual([...documented].sort());
    });

    it('answers every operation with 401 when no token is sent', async () => {
      const failures: string[] = [];
      for (const operation of restOperations) {
        const mismatch = problemMismatch(await callRest(t.http(), operation), 401, 'auth.unauthenticated');
        if (mismatch) failures.push(`${describeRest(operation)}: ${mismatch}`);
      }
      expect(failures).toEqual([]);
    });

    it('answers every operation with 401 for a token that looks right but is no key', async () => {
      const bogus = `opk_${randomUUID().replace(/-/g, '')}${randomUUID().replace(/-/g, '')}`;
      const failures: string[] = [];
      for (const operation of restOperations) {
        const mismatch = problemMismatch(
          await callRest(t.http(bogus), operation),
          401,
          'auth.unauthenticated',
        );
        if (mismatch) failures.push(`${describeRest(operation)}: ${mismatch}`);
      }
      expect(failures).toEqual([]);
    });

    it.each(ROLES)(
      'lets %s through exactly the operations its role has the permission for (403 elsewhere)',
      async (role: Role) => {
        const failures: string[] = [];
        for (const operation of restOperations) {
          const response = await callRest(t.http(t.tokens[role]), operation);
          if (isAllowed(role, operation.permission as Permission)) {
            if ([401, 403].includes(response.status) || response.status >= 500)
              failures.push(
                `${describeRest(operation)}: allowed but got ${response.status} ${response.body?.code ?? ''}`,
              );
          } else {
            const mismatch = problemMismatch(response, 403, 'auth.forbidden');
            if (mismatch) failures.push(`${describeRest(operation)}: ${mismatch}`);
          }
        }
        expect(failures).toEqual([]);
      },
    );

    it('refuses credentials that are not a Bearer API key in the Authorization header', async () => {
      const refused = (response: request.Response) =>
        expect(problemMismatch(response, 401, 'auth.unauthenticated')).toBeNull();
      refused(await t.http().get('/v1/environments').set('authorization', 'Basic YWRtaW46YWRtaW4='));
      refused(await t.http().get('/v1/environments').set('authorization', 'Bearer '));
      refused(
        await t
          .http()
          .get('/v1/environments')
          .set('authorization', `Bearer opk_${'a'.repeat(4000)}`),
      );
      refused(
        await t
          .http()
          .get('/v1/environments')
          .set('authorization', `Bearer ${t.tokens.admin.slice(0, -1)}`),
      );
      // A token in the URL or body ends up in access logs and proxies (RFC 6750 §5.3); it is not taken.
      refused(await t.http().get('/v1/audit-events/verify').query({ access_token: t.tokens.admin }));
      refused(
        await t
          .http()
          .post('/v1/services')
          .send({ access_token: t.tokens.admin, slug: unique('svc'), name: 'x', ownerTeam: 'x' }),
      );
    });
  });

  describe('GraphQL', () => {
    it('declares a permission the matrix knows on every Query and Mutation field', () => {
      expect(graphqlOperations.length).toBeGreaterThanOrEqual(16);
      const undeclared = graphqlOperations
        .filter((operation) => !isPermission(operation.permission))
        .map(describeGraphQL);
      expect(undeclared).toEqual([]);
    });

    it('requires the same permission as the REST operation that does the same thing', () => {
      // createX ↔ createX, getX ↔ x, listXs ↔ xs: one matrix, one decision per action.
      const restByName = new Map(
        restOperations.map((operation) => [
          operation.operationId.replace(/^(get|list)(\w)/, (_w, _verb, first: string) => first.toLowerCase()),
          operation,
        ]),
      );
      const pairs = graphqlOperations.filter((operation) => restByName.has(operation.field.name));
      expect(pairs.length).toBeGreaterThanOrEqual(16);
      const differing = pairs
        .filter((operation) => restByName.get(operation.field.name)!.permission !== operation.permission)
        .map(
          (operation) =>
            `${describeGraphQL(operation)} needs ${String(operation.permission)}, REST ${restByName.get(operation.field.name)!.permission as string}`,
        );
      expect(differing).toEqual([]);
    });

    it('answers every operation with auth.unauthenticated when no token or a bogus one is sent', async () => {
      const failures: string[] = [];
      for (const token of [undefined, `opk_${randomUUID()}`]) {
        for (const operation of graphqlOperations) {
          const { status, body } = await graphql(operation, token);
          const error = body.errors?.[0]?.extensions;
          if (
            status >= 500 ||
            error?.code !== 'auth.unauthenticated' ||
            error.status !== 401 ||
            body.data?.[operation.field.name] != null
          ) {
            failures.push(
              `${describeGraphQL(operation)} (${token ? 'bogus token' : 'no token'}): ${status} ${JSON.stringify(body.errors ?? body.data)}`,
            );
          }
        }
      }
      expect(failures).toEqual([]);
    });

    it.each(ROLES)(
      'lets %s run exactly the operations its role has the permission for (auth.forbidden elsewhere)',
      async (role: Role) => {
        const failures: string[] = [];
        for (const operation of graphqlOperations) {
          const { status, body } = await graphql(operation, t.tokens[role]);
          const codes = (body.errors ?? []).map((error) => error.extensions.code);
          if (status >= 500 || codes.includes('internal') || codes.includes('INTERNAL_SERVER_ERROR')) {
            failures.push(`${describeGraphQL(operation)}: ${status} ${JSON.stringify(body.errors)}`);
          } else if (isAllowed(role, operation.permission as Permission)) {
            if (codes.some((code) => code.startsWith('auth.')))
              failures.push(`${describeGraphQL(operation)}: allowed but got ${codes.join(', ')}`);
          } else if (
            codes[0] !== 'auth.forbidden' ||
            body.errors![0].extensions.status !== 403 ||
            body.data?.[operation.field.name] != null
          ) {
            failures.push(
              `${describeGraphQL(operation)}: expected auth.forbidden, got ${JSON.stringify(body.errors ?? body.data)}`,
            );
          }
        }
        expect(failures).toEqual([]);
      },
    );

    it('does not take a token from the request body', async () => {
      const response = await t
        .http()
        .post('/graphql')
        .send({ query: '{ verifyAuditChain { isIntact } }', access_token: t.tokens.admin });
      expect((response.body as GraphQLResponse).errors?.[0]?.extensions.code).toBe('auth.unauthenticated');
    });
  });

  describe('public routes', () => {
    it.each([
      ['/health/live', /json/],
      ['/health/ready', /json/],
      ['/metrics', /text\/plain/],
      ['/docs', /text\/html/],
      ['/openapi.json', /json/],
    ])('answers GET %s without a token, and with a bogus one', async (path, contentType) => {
      for (const token of [undefined, 'opk_not-a-key']) {
        const response = await t.http(token).get(path);
        expect(response.status).toBe(200);
        expect(response.headers['content-type']).toMatch(contentType);
      }
    });

    it('serves the GraphQL IDE landing page on GET /graphql without a token', async () => {
      const response = await t.http().get('/graphql').set('accept', 'text/html');
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/text\/html/);
    });
  });

  describe('key lifecycle', () => {
    const verify = (app: TestApp, token: string) =>
      app.http(token).get('/v1/environments').query({ limit: 1 });
    const verifyGraphQL = async (app: TestApp, token: string) =>
      (
        (await app.http(token).post('/graphql').send({ query: '{ environments(limit: 1) { nextCursor } }' }))
          .body as GraphQLResponse
      ).errors?.[0]?.extensions.code;

    it('refuses a revoked key at once, although it was just verified and cached', async () => {
      const { token, apiKey } = await t.app
        .get(ApiKeysService)
        .create(systemActor('tests', 'access'), { name: unique('revoked'), role: 'viewer' });
      await verify(t, token).expect(200);
      await t.http(t.tokens.admin).post(`/v1/api-keys/${apiKey.id}/revoke`).expect(200);
      expect(problemMismatch(await verify(t, token), 401, 'auth.unauthenticated')).toBeNull();
      expect(await verifyGraphQL(t, token)).toBe('auth.unauthenticated');
    });

    it('refuses a cached key once its expiry passes', async () => {
      const expiresAt = new Date(Date.now() + 1_000);
      const { token } = await t.app
        .get(ApiKeysService)
        .create(systemActor('tests', 'access'), { name: unique('expiring'), role: 'viewer', expiresAt });
      await verify(t, token).expect(200);
      // Waits for the expiry (a wall-clock fact), asserts nothing about how long anything took.
      await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 50));
      expect(problemMismatch(await verify(t, token), 401, 'auth.unauthenticated')).toBeNull();
      expect(await verifyGraphQL(t, token)).toBe('auth.unauthenticated');
    });

    describe('with AUTH_KEY_CACHE_MS=0', () => {
      let uncached: TestApp;
      beforeAll(async () => {
        uncached = await createTestApp({ AUTH_KEY_CACHE_MS: '0' });
      });
      afterAll(() => uncached.close());

      it('refuses a key whose expiry was moved into the past in the database', async () => {
        const { token, apiKey } = await uncached.app
          .get(ApiKeysService)
          .create(systemActor('tests', 'access'), {
            name: unique('expired'),
            role: 'operator',
            expiresAt: new Date(Date.now() + 3_600_000),
          });
        await verify(uncached, token).expect(200);
        await uncached.app
          .get(DataSource)
          .query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [apiKey.id]);
        expect(problemMismatch(await verify(uncached, token), 401, 'auth.unauthenticated')).toBeNull();
        expect(await verifyGraphQL(uncached, token)).toBe('auth.unauthenticated');
      });
    });
  });
});
