import { CATALOG_MIGRATIONS } from './catalog';
import { combineMigrations, MigrationClass } from './combine';
import { COMPLIANCE_MIGRATIONS } from './compliance';
import { CORE_MIGRATIONS } from './core';
import { FINDINGS_MIGRATIONS } from './findings';
import { INCIDENTS_MIGRATIONS } from './incidents';
import { INTEGRATIONS_MIGRATIONS } from './integrations';
import { RELEASES_MIGRATIONS } from './releases';
import { SECURITY_MIGRATIONS } from './security';

/**
 * Every migration, in the order they run. Each lib keeps its own list in `migrations/<lib>/index.ts`
 * with its files beside it; this merges them by timestamp and refuses, at load, a list out of order
 * or a timestamp used twice (combine.ts). TypeORM records a migration by its name and timestamp in
 * `schema_migrations`, never by its file's path, so a database migrated before the files moved into
 * per-lib folders finds nothing to do.
 */
export const MIGRATIONS: MigrationClass[] = combineMigrations({
  core: CORE_MIGRATIONS,
  catalog: CATALOG_MIGRATIONS,
  releases: RELEASES_MIGRATIONS,
  incidents: INCIDENTS_MIGRATIONS,
  integrations: INTEGRATIONS_MIGRATIONS,
  findings: FINDINGS_MIGRATIONS,
  security: SECURITY_MIGRATIONS,
  compliance: COMPLIANCE_MIGRATIONS,
});
