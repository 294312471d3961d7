import { DataSourceOptions, MixedList } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { pgTypeParsers } from './timestamptz';

type MigrationClass = new () => unknown;

export interface DatabaseOptions {
  url: string;
  poolMax: number;
  entities: MixedList<Function>;
  migrations: MigrationClass[];
  applicationName?: string;
}

/** The one place connection settings are decided, for the app, the worker and the migration CLI. */
export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName: options.applicationName ?? 'opsplane',
    extra: {
      max: options.poolMax,
      // Queries that never finish are worse than errors: cap them, and idle-in-transaction too.
      statement_timeout: 30_000,
      idle_in_transaction_session_timeout: 60_000,
      // No JIT: PostgreSQL compiles any plan estimated above jit_above_cost, and for this API's
      // statements (index look-ups, even thousands of them) compiling costs more than it saves:
      // 145 of 575 ms of a compliance posture over 3,000 pairs was JIT on PostgreSQL 15.
      options: '-c jit=off',
      // pg's parsers, but a faster one for timestamptz (timestamptz.ts); this pool's, not pg's global ones.
      types: pgTypeParsers,
    },
  };
}
