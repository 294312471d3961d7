import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Logger } from '@nestjs/common';
import { renderAltair } from 'altair-static';
import { DocumentNode, GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { GraphqlConfig } from '../config/config';
import { describeError } from '../errors/problem-details.filter';
import { DEFAULT_PAGE_SIZE } from '../pagination/pagination';
import { compiledExecution } from './compiled-execution';
import { maxDepthRule } from './max-depth.rule';
import { withSpecDeprecatedDirective } from './spec-directives';

export const GRAPHQL_PATH = '/graphql';
/** Where the GraphQL IDE's files are served from (from the installed altair-static package). */
export const GRAPHQL_IDE_ASSETS = '/graphql-ide/';

const logger = new Logger('GraphQL');

type ApolloServerPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

export function graphqlOptions(config: GraphqlConfig): ApolloDriverConfig {
  return {
    driver: ApolloDriver,
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    transformSchema: withSpecDeprecatedDirective,
    introspection: true,
    // Apollo adds each error's stack to the response unless NODE_ENV is production or test, so a
    // plain `npm start` would hand clients file paths and internals.
    includeStacktraceInErrorResponses: false,
    // Nest's GraphiQL and Apollo's landing page both load from a CDN; ours works offline.
    graphiql: false,
    // graphql-js parses recursively: a list literal nested ~2,000 deep overflows its stack, sooner
    // inside a request. 1,000 tokens by default (the full introspection query has 183).
    parseOptions: { maxTokens: config.maxTokens },
    validationRules: [maxDepthRule(config.maxDepth)],
    plugins: [
      offlineIdeLandingPage(),
      withRequestIds(),
      complexityLimit(config.maxComplexity),
      compiledExecution() as unknown as ApolloServerPlugin,
      // Apollo installs its cache-control plugin unless told not to. It hooks every field's resolver
      // (wrapping each in instrumentation that allocates per field) to compute HTTP cache hints,
      // which responses of this API never carry: a 50-environment nested read resolves ~60,000 fields.
      // (Typed from Apollo's ESM declarations, the driver's from its CJS ones: the same object.)
      ApolloServerPluginCacheControlDisabled() as unknown as ApolloServerPlugin,
    ],
    formatError,
  };
}

/**
 * Errors raised in root resolvers were already shaped by the problem-details filter. Field
 * resolvers run without it (they bind directly, see RequestLoaders), so what they throw (an
 * AppError from a loader, a refused argument) is shaped here the same way. What is left are
 * graphql-js parse/validation errors (kept with Apollo's code, plus a status) and anything
 * unexpected, whose message must not leak. The request id is added by `withRequestIds`.
 */
function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? error.originalError : undefined;
  if (original && !(original instanceof GraphQLError)) {
    // The request id is not known here; an unexpected error is logged with the field's path instead.
    const problem = describeError(original, `(GraphQL field ${formatted.path?.join('.') ?? '?'})`, logger);
    return {
      message: problem.detail,
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code: problem.code,
        status: problem.status,
        title: problem.title,
        errors: problem.errors,
      },
    };
  }
  const code = formatted.extensions?.code;
  // Ours carry their status already (`<area>.<reason>`, and also `internal` / `unavailable` from the
  // problem-details filter, which logged them): keep it, or a 500 would be reported as a 400.
  if (typeof code === 'string' && (code.includes('.') || typeof formatted.extensions?.status === 'number'))
    return formatted;
  if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
    logger.error(
      `Unhandled GraphQL error: ${String(error)}`,
      error instanceof Error ? error.stack : undefined,
    );
    return {
      message: 'An unexpected error occurred.',
      path: formatted.path,
      extensions: { code: 'internal', status: 500 },
    };
  }
  return { ...formatted, extensions: { ...formatted.extensions, status: 400 } };
}

/** Every error of a GraphQL answer carries the request's id, as every problem+json answer does. */
function withRequestIds(): ApolloServerPlugin {
  return {
    requestDidStart() {
      return Promise.resolve({
        willSendResponse({ response, contextValue }) {
          const requestId = (contextValue as { req?: { id?: unknown } }).req?.id;
          if (response.body.kind !== 'single' || typeof requestId !== 'string') return Promise.resolve();
          const errors = response.body.singleResult.errors;
          if (errors?.some((error) => !error.extensions?.requestId))
            response.body.singleResult.errors = errors.map((error) =>
              error.extensions?.requestId
                ? error
                : { ...error, extensions: { ...error.extensions, requestId } },
            );
          return Promise.resolve();
        },
      });
    },
  };
}

function offlineIdeLandingPage(): ApolloServerPlugin {
  return {
    serverWillStart() {
      const html = renderAltair({
        baseURL: GRAPHQL_IDE_ASSETS,
        endpointURL: GRAPHQL_PATH,
        initialName: 'Opsplane',
        initialQuery:
          '# Set the Authorization header to "Bearer opk_…" (Headers, top left), then:\n{\n  environments(limit: 10) {\n    items { id slug name tier rank }\n    nextCursor\n  }\n}\n',
        disableAccount: true,
      });
      return Promise.resolve({ renderLandingPage: () => Promise.resolve({ html }) });
    },
  };
}

function complexityOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
): number {
  try {
    return getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables,
      estimators: [
        ({ args, childComplexity }) =>
          'limit' in args || 'cursor' in args
            ? 1 + childComplexity * (typeof args.limit === 'number' ? args.limit : DEFAULT_PAGE_SIZE)
            : undefined,
        simpleEstimator({ defaultComplexity: 1 }),
      ],
    });
  } catch (error) {
    // getComplexity coerces the variables before execution does; a wrong type, unknown enum
    // value or unknown input field there is the client's mistake (400 BAD_USER_INPUT, as
    // execution would report it), not an unexpected 500.
    if (!(error instanceof GraphQLError)) throw error;
    throw new GraphQLError(error.message, {
      nodes: error.nodes,
      extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
    });
  }
}

/**
 * Refuses operations whose estimated cost is above the limit before running them. A field's
 * cost is 1 plus its children's, times the page size for list fields taking `limit`.
 */
function complexityLimit(maximum: number): ApolloServerPlugin {
  // Apollo keeps each parsed document (its document store), so a query sent again arrives as the
  // same DocumentNode: its cost, which depends only on the document, the operation and the
  // variables, is computed once. (Walking a 10-alias document with the schema's type info is a
  // few percent of such a request's CPU.)
  const known = new WeakMap<DocumentNode, Map<string, number>>();
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ request, document, schema }) {
          const key = `${request.operationName ?? ''}\u0000${JSON.stringify(request.variables ?? {})}`;
          let byRequest = known.get(document);
          let complexity = byRequest?.get(key);
          if (complexity === undefined) {
            complexity = complexityOf(schema, document, request.operationName, request.variables);
            // Large variables (a mutation's input) are not worth keeping; a list's few are.
            if (key.length <= 2000) {
              if (!byRequest) known.set(document, (byRequest = new Map<string, number>()));
              if (byRequest.size >= 100) byRequest.clear();
              byRequest.set(key, complexity);
            }
          }
          if (complexity > maximum) {
            // Errors thrown from didResolveOperation default to HTTP 500 in Apollo; `http` sets the real one.
            throw new GraphQLError(
              `Query is too complex: ${complexity} > ${maximum}. Ask for fewer fields or smaller pages.`,
              {
                extensions: { code: 'request.too_complex', status: 400, http: { status: 400 } },
              },
            );
          }
          return Promise.resolve();
        },
      });
    },
  };
}
