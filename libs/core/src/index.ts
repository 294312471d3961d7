export { CoreModule, CoreModuleOptions } from './core.module';
export { CoreApiModule } from './core-api.module';
export {
  loadConfig,
  AppConfig,
  ConfigError,
  HttpConfig,
  DatabaseConfig,
  AuthConfig,
  JobsConfig,
  LogConfig,
  GraphqlConfig,
  OutboundConfig,
  SecretsConfig,
} from './config/config';
export { Env, EnvReader } from './config/env-reader';
export { defineConfig, ConfigClass, ConfigSections } from './config/sections';
export { SecretBox, SecretBoxError } from './crypto/secret-box';
export {
  openDatabaseServer,
  startEmbeddedPostgres,
  DatabaseServer,
  EmbeddedDatabase,
} from './database/embedded-postgres';
export { dataSourceOptions } from './database/data-source-options';
export { pgTypeParsers } from './database/timestamptz';
export { runMigrationsLocked } from './database/migrate';
export { Transactions } from './database/transactions';
export { insertRows } from './database/bulk-insert';
export { AppError, assertValid, CommonErrors, ErrorCode, errorCode, FieldError } from './errors/app-error';
export { ProblemDetails, PROBLEM_CONTENT_TYPE, toAppError } from './errors/problem-details';
export { ProblemDetailsFilter } from './errors/problem-details.filter';
export { ProblemDetailsModel } from './errors/problem-details.model';
export { Actor, isCaller, ObservationWindow, systemActor } from './auth/actor';
export {
  assertObserved,
  assertObservedDuring,
  isObserved,
  latestObserved,
  observedRange,
} from './auth/observation-window';
export { Role, ROLES, Permission, PERMISSIONS, isAllowed } from './auth/roles';
export { Public, Requires, CurrentActor } from './auth/access.decorators';
export { ApiKeysService } from './auth/api-keys.service';
export { BootstrapAdminKey } from './auth/bootstrap-admin-key';
export { ChangeRecorder, Change, VersionedResource } from './audit/change-recorder.service';
export { AuditLogService } from './audit/audit-log.service';
export { AuditChainVerificationModel } from './audit/audit.models';
export { canonicalJson, toJson } from './audit/canonical-json';
export { OutboxService, OutboxMessage } from './outbox/outbox.service';
export { OutboxEvent, OutboxSubscriber, OutboxSubscribers, matchesType } from './outbox/outbox-subscribers';
export { OutboxRelay, RelayResult } from './outbox/outbox-relay.job';
export {
  Page,
  PageArgs,
  PageOf,
  paginate,
  KeysetOrder,
  toPage,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
} from './pagination/pagination';
export {
  Prop,
  Model,
  Input,
  Args,
  jsonSchemaOf,
  INSTANT_RANGE,
  INSTANT_RANGE_TEXT,
  MAX_INSTANT_SPAN_SECONDS,
  isInInstantRange,
} from './schema/fields';
export { Operation, ApiIfMatch, IfMatchVersion } from './http/rest.decorators';
export type { DocumentBodyOptions, ProviderLookup } from './http/document-body';
export { etagOf } from './http/etag.interceptor';
export { Idempotent } from './http/idempotency.interceptor';
export { IdParam, nullableUuidArg, uuidParam } from './http/params';
export { applyRequestRules } from './http/openapi-rules';
export { createHttpApp, HttpAppOptions } from './http/http-app';
export { OnJob, JobContext, JobResult, JobTypeOptions } from './jobs/on-job.decorator';
export {
  EnqueueOptions,
  installQueueSchema,
  JobQueue,
  JobToEnqueue,
  JobType,
} from './jobs/job-queue.service';
export { JobScheduler } from './jobs/job-scheduler.service';
export { JobsService } from './jobs/jobs.service';
export { JobErrors } from './jobs/job.errors';
export { Metrics } from './observability/metrics';
export { createRootLogger } from './observability/logger';
export { GRAPHQL_PATH, GRAPHQL_IDE_ASSETS } from './graphql/graphql.options';
export { newId } from './ids';
export { PartialOf } from './schema/fields';
export {
  assertSettingVersion,
  loadForUpdate,
  isUniqueViolation,
  onUniqueViolation,
  concurrencyTokenOf,
} from './database/versioning';
export { isUuid, likePattern, selectColumns, definedOnly } from './database/query-helpers';
export { HotSelect } from './database/hot-select';
export { JsonObject, JsonValue } from './json';
export { Clock, SystemClock, FixedClock } from './clock';
export { GraphqlContext, RequestLoader, RequestLoaders } from './graphql/request-loaders';
export { selectedFieldNames, selectsField } from './graphql/selection';
export { EXPECTED_VERSION } from './graphql/args';
export { StateMachine, assertTransition } from './state-machine';
export { findByIdOrSlug, findManyByIds, findManyByIdsOrSlugs } from './database/lookups';
export { SettingResource, putSetting, removeSetting } from './audit/settings';
export {
  OutboundHttp,
  OutboundRequestOptions,
  OutboundResponse,
  OutboundFailure,
  OutboundFailureKind,
  OutboundResult,
} from './outbound/outbound-http.service';
export { OutboundErrors } from './outbound/outbound.errors';
export { classifyAddress, parseCidrList, CidrRange, Refusal, RefusalReason } from './outbound/address-policy';
