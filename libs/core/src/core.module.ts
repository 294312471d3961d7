import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, DiscoveryModule } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditEventEntity } from './audit/audit-event.entity';
import { AuditLogService } from './audit/audit-log.service';
import { ChangeRecorder } from './audit/change-recorder.service';
import { AccessGuard } from './auth/access.guard';
import { Clock, SystemClock } from './clock';
import { ApiKeyEntity } from './auth/api-key.entity';
import { ApiKeysService } from './auth/api-keys.service';
import { AppConfig, DatabaseConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { SecretBox } from './crypto/secret-box';
import { secretBoxProvider } from './crypto/secret-box.provider';
import { dataSourceOptions } from './database/data-source-options';
import { runMigrationsLocked } from './database/migrate';
import { Transactions } from './database/transactions';
import { ProblemDetailsFilter } from './errors/problem-details.filter';
import { RequestLoaders } from './graphql/request-loaders';
import { IdempotencyKeyEntity } from './http/idempotency-key.entity';
import { createValidationPipe } from './http/validation';
import { HousekeepingJob } from './jobs/housekeeping.job';
import { AuditChainCheckpointEntity } from './audit/audit-checkpoint.entity';
import { AuditVerifyJob } from './audit/audit-verify.job';
import { JobRunEntity } from './jobs/job-run.entity';
import { installQueueSchema, JobQueue } from './jobs/job-queue.service';
import { JobScheduler } from './jobs/job-scheduler.service';
import { JobsService } from './jobs/jobs.service';
import { Metrics } from './observability/metrics';
import { OperationsController } from './observability/operations.controller';
import { OutboxEventEntity } from './outbox/outbox-event.entity';
import { OutboundHttp } from './outbound/outbound-http.service';
import { OutboxPositionEntity } from './outbox/outbox-position.entity';
import { OutboxRelay } from './outbox/outbox-relay.job';
import { OutboxRelayWakeup } from './outbox/outbox-relay-wakeup';
import { OutboxSubscribers } from './outbox/outbox-subscribers';
import { OutboxService } from './outbox/outbox.service';

export interface CoreModuleOptions {
  config: AppConfig;
  /** Migration classes, in order; they run at start unless DB_MIGRATIONS=false. */
  migrations: (new () => unknown)[];
  /** Replaces the system clock (tests pin time with a FixedClock). */
  clock?: Clock;
}

const CORE_SERVICES = [
  RequestLoaders,
  Transactions,
  ChangeRecorder,
  AuditLogService,
  OutboxService,
  OutboxSubscribers,
  OutboxRelay,
  OutboxRelayWakeup,
  ApiKeysService,
  Metrics,
  JobQueue,
  JobScheduler,
  JobsService,
  OutboundHttp,
];

/**
 * Infrastructure every process needs (API and worker): config, database and migrations, audit
 * and outbox, API keys and the access guard, the secret box, jobs, health and metrics. Feature
 * modules use its exports; they never build a second version of any of these.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(options: CoreModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(options.config),
        DiscoveryModule,
        ScheduleModule.forRoot(),
        TypeOrmModule.forRootAsync({
          inject: [DatabaseConfig],
          useFactory: (database: DatabaseConfig) => ({
            ...dataSourceOptions({
              url: requireUrl(database),
              poolMax: database.poolMax,
              entities: [],
              migrations: options.migrations,
            }),
            autoLoadEntities: true,
            retryAttempts: 3,
          }),
          // Migrate before anything else touches the database (start-up work, jobs, requests).
          dataSourceFactory: async (dataSourceOptions) => {
            const dataSource = await new DataSource(dataSourceOptions!).initialize();
            if (options.config.database.runMigrations) {
              await runMigrationsLocked(dataSource);
              // The queue's schema is pg-boss's own, installed (or upgraded) by pg-boss itself.
              await installQueueSchema(requireUrl(options.config.database));
            }
            return dataSource;
          },
        }),
        TypeOrmModule.forFeature([
          AuditEventEntity,
          AuditChainCheckpointEntity,
          OutboxEventEntity,
          OutboxPositionEntity,
          ApiKeyEntity,
          IdempotencyKeyEntity,
          JobRunEntity,
        ]),
      ],
      controllers: [OperationsController],
      providers: [
        ...CORE_SERVICES,
        { provide: Clock, useValue: options.clock ?? new SystemClock() },
        secretBoxProvider,
        HousekeepingJob,
        AuditVerifyJob,
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
      exports: [...CORE_SERVICES, Clock, SecretBox, TypeOrmModule],
    };
  }
}

function requireUrl(database: DatabaseConfig): string {
  if (!database.url) throw new Error('DATABASE_URL is not set and no embedded PostgreSQL was started');
  return database.url;
}
