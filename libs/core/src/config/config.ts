import { dirname, join } from 'node:path';
import { CidrRange, parseCidrList } from '../outbound/address-policy';
import { Env, envReader } from './env-reader';
import { ConfigSections, readSections } from './sections';

/**
 * Typed configuration, one class per area: core's areas here, each lib's own section in the lib
 * (`defineConfig`, sections.ts). Values come only from the environment (and the overrides tests
 * pass); nothing else in the code base reads `process.env`.
 * Every variable is documented with its default in `.env.example`.
 */
export class HttpConfig {
  port: number;
  host: string;
  /** Largest request body accepted, in bytes; larger ones get 413. */
  bodyLimitBytes: number;
  /** Trust X-Forwarded-* from a reverse proxy. */
  trustProxy: boolean;
  /** How long an Idempotency-Key and its response are remembered. */
  idempotencyTtlHours: number;
  /** Shape limits of JSON bodies, checked before parsing (400 `request.json_limit_exceeded`). */
  jsonMaxDepth: number;
  jsonMaxKeys: number;
  jsonMaxStringLength: number;
  /** A client must have sent all its headers within this time (then 408). */
  headersTimeoutMs: number;
  /** …and its whole request, body included (then 408). */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Open connections one client address may hold; more are refused with 503 (0: no cap). */
  maxConnectionsPerIp: number;
}

export class DatabaseConfig {
  /** External PostgreSQL; when unset an embedded PostgreSQL is started in `embeddedDir`. */
  url: string | undefined;
  embeddedDir: string;
  runMigrations: boolean;
  poolMax: number;
}

export class AuthConfig {
  /**
   * Token for the admin key made at a start that finds no active admin key (the first start);
   * generated and printed when unset or already used.
   */
  bootstrapToken: string | undefined;
  /** How long a verified API key is trusted from memory before it is looked up again. */
  keyCacheMs: number;
}

export class SecretsConfig {
  /**
   * The key sealing secrets the server must read back (alert sources' HMAC keys), from
   * OPSPLANE_SECRET_KEY; when unset, the key in `keyFile`, generated there on the first start.
   */
  key: Buffer | undefined;
  /** Beside the embedded PostgreSQL data: `.data/secret.key` by default. */
  keyFile: string;
}

export class JobsConfig {
  /** Process queued work and fire the schedules in this process; false: enqueue only. */
  enabled: boolean;
  housekeepingCron: string;
  /** When the whole audit chain is rehashed and the checkpoint moved (other verifications start there). */
  auditVerifyCron: string;
  /** When the outbox relay looks for committed events (6 fields: to the second). */
  outboxRelayCron: string;
  /**
   * Also relay as soon as an outbox write commits (LISTEN on a connection of its own), the cron
   * staying the fallback. Off where LISTEN cannot work, e.g. behind a transaction-pooling proxy.
   */
  outboxRelayNotify: boolean;
  /** Finished jobs, job runs and published outbox events are deleted this many days after they end. */
  retentionDays: number;
  /** On shutdown, running jobs get this long to finish; any still running are handed back for retry. */
  drainTimeoutSeconds: number;
  /** Connections of the queue's own pool (pg-boss), beside DB_POOL_MAX. */
  poolMax: number;
  /** How often an idle worker looks for work when no notification woke it. */
  pollIntervalMs: number;
  /** How often a processing process checks for jobs past their timeout (a dead worker's) and retries them. */
  superviseIntervalSeconds: number;
}

export class LogConfig {
  level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class GraphqlConfig {
  maxDepth: number;
  maxComplexity: number;
  /** Most lexical tokens in one document; bounds the parser's recursion before it runs. */
  maxTokens: number;
}

export class OutboundConfig {
  /**
   * Ranges outbound requests may reach although the SSRF policy refuses them (loopback, private,
   * link-local, …); empty by default. Never lifts the refusal of the service's own address.
   */
  allowCidrs: CidrRange[];
  /** Total time of one outbound request, connection and DNS included. */
  timeoutMs: number;
  /** Time to establish the connection (TCP, and TLS for https), within the total. */
  connectTimeoutMs: number;
  /** Bytes of a response body kept; the rest is dropped and the result marked truncated. */
  maxResponseBytes: number;
}

export interface AppConfig {
  http: HttpConfig;
  database: DatabaseConfig;
  auth: AuthConfig;
  secrets: SecretsConfig;
  jobs: JobsConfig;
  log: LogConfig;
  graphql: GraphqlConfig;
  outbound: OutboundConfig;
  /** The libs' own sections (`defineConfig`), by class; ConfigModule provides each. */
  sections: ConfigSections;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * Reads and validates the whole configuration at once, core's areas and every lib section defined
 * by then (those of the libs the process imports), reporting every bad variable together.
 * `defaults` lets a process change a default (the worker listens on 3001) without reading the
 * environment itself.
 */
export function loadConfig(env: Env = process.env, defaults: Env = {}): AppConfig {
  env = { ...defaults, ...env };
  const problems: string[] = [];
  const read = envReader(env, problems);
  const embeddedDir = read.string('DB_EMBEDDED_DIR', '.data/postgres');
  const allowCidrs = parseCidrList(read.optional('OUTBOUND_ALLOW_CIDRS'));
  if (allowCidrs.invalid.length > 0) {
    problems.push(
      `OUTBOUND_ALLOW_CIDRS must be a comma-separated list of CIDRs such as 127.0.0.1/32,10.20.0.0/16; ` +
        `not CIDRs: ${allowCidrs.invalid.map((entry) => `"${entry}"`).join(', ')}`,
    );
  }
  const config: AppConfig = {
    http: {
      port: read.int('PORT', 3000, 0, 65535),
      host: read.string('HOST', '0.0.0.0'),
      bodyLimitBytes: read.int('HTTP_BODY_LIMIT_BYTES', 1_048_576, 1024),
      trustProxy: read.bool('HTTP_TRUST_PROXY', false),
      idempotencyTtlHours: read.int('IDEMPOTENCY_TTL_HOURS', 24, 1, 24 * 30),
      jsonMaxDepth: read.int('HTTP_JSON_MAX_DEPTH', 32, 2, 1000),
      jsonMaxKeys: read.int('HTTP_JSON_MAX_KEYS', 1000, 1),
      jsonMaxStringLength: read.int('HTTP_JSON_MAX_STRING_LENGTH', 262_144, 1),
      headersTimeoutMs: read.int('HTTP_HEADERS_TIMEOUT_MS', 10_000, 1000),
      requestTimeoutMs: read.int('HTTP_REQUEST_TIMEOUT_MS', 30_000, 1000),
      keepAliveTimeoutMs: read.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 72_000, 1000),
      maxConnectionsPerIp: read.int('HTTP_MAX_CONNECTIONS_PER_IP', 256, 0),
    },
    database: {
      url: read.optional('DATABASE_URL'),
      embeddedDir,
      runMigrations: read.bool('DB_MIGRATIONS', true),
      poolMax: read.int('DB_POOL_MAX', 10, 1, 1000),
    },
    auth: {
      bootstrapToken: read.optional('OPSPLANE_BOOTSTRAP_TOKEN'),
      keyCacheMs: read.int('AUTH_KEY_CACHE_MS', 5000, 0, 300_000),
    },
    secrets: {
      key: read.secretKey('OPSPLANE_SECRET_KEY'),
      keyFile: join(dirname(embeddedDir), 'secret.key'),
    },
    jobs: {
      enabled: read.bool('JOBS_ENABLED', true),
      housekeepingCron: read.string('JOBS_HOUSEKEEPING_CRON', '*/5 * * * *'),
      auditVerifyCron: read.string('AUDIT_VERIFY_CRON', '*/30 * * * *'),
      outboxRelayCron: read.string('JOBS_OUTBOX_RELAY_CRON', '* * * * * *'),
      outboxRelayNotify: read.bool('JOBS_OUTBOX_RELAY_NOTIFY', true),
      retentionDays: read.int('JOBS_RETENTION_DAYS', 14, 1, 3650),
      drainTimeoutSeconds: read.int('JOBS_DRAIN_TIMEOUT_SECONDS', 30, 1, 3600),
      poolMax: read.int('JOBS_POOL_MAX', 4, 2, 100),
      pollIntervalMs: read.int('JOBS_POLL_INTERVAL_MS', 2000, 500, 60_000),
      superviseIntervalSeconds: read.int('JOBS_SUPERVISE_INTERVAL_SECONDS', 30, 1, 3600),
    },
    log: {
      level: read.oneOf('LOG_LEVEL', 'info', [
        'fatal',
        'error',
        'warn',
        'info',
        'debug',
        'trace',
        'silent',
      ] as const),
    },
    graphql: {
      maxDepth: read.int('GRAPHQL_MAX_DEPTH', 10, 1, 100),
      maxComplexity: read.int('GRAPHQL_MAX_COMPLEXITY', 2000, 10),
      maxTokens: read.int('GRAPHQL_MAX_TOKENS', 1000, 100, 100_000),
    },
    outbound: {
      allowCidrs: allowCidrs.ranges,
      timeoutMs: read.int('OUTBOUND_TIMEOUT_MS', 10_000, 100, 300_000),
      connectTimeoutMs: read.int('OUTBOUND_CONNECT_TIMEOUT_MS', 10_000, 100, 300_000),
      maxResponseBytes: read.int('OUTBOUND_MAX_RESPONSE_BYTES', 65_536, 0, 16_777_216),
    },
    sections: readSections(read),
  };
  const token = config.auth.bootstrapToken;
  if (token !== undefined && !/^opk_[A-Za-z0-9_-]{32,}$/.test(token)) {
    problems.push(
      'OPSPLANE_BOOTSTRAP_TOKEN must look like opk_ followed by at least 32 letters, digits, _ or -',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
