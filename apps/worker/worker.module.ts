import { DynamicModule, Module } from '@nestjs/common';
import { CatalogModule } from '@opsplane/catalog';
import { ComplianceModule } from '@opsplane/compliance';
import { AppConfig, CoreModule } from '@opsplane/core';
import { FindingsModule } from '@opsplane/findings';
import { IncidentsModule } from '@opsplane/incidents';
import { IntegrationsModule } from '@opsplane/integrations';
import { ReleasesModule } from '@opsplane/releases';
import { SecurityModule } from '@opsplane/security';
import { MIGRATIONS } from '../../migrations';

/**
 * A worker process: the same feature modules as the API with their jobs, but no API routes (only
 * /health and /metrics). Large installs run N API replicas with JOBS_ENABLED=false and M workers.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot({ config, migrations: MIGRATIONS }),
        CatalogModule,
        IntegrationsModule,
        ReleasesModule,
        FindingsModule,
        IncidentsModule,
        SecurityModule,
        ComplianceModule,
      ],
    };
  }
}
