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
      // pg's parsers, but a faster one for timestamptz (timestamptz.ts); this pool's, not pg's global ones.
      types: pgTypeParsers,
    },
  };
}
