import { DynamicModule, Module } from '@nestjs/common';
import { CatalogApiModule } from '@opsplane/catalog';
import { ComplianceApiModule } from '@opsplane/compliance';
import { AppConfig, Clock, CoreApiModule, CoreModule } from '@opsplane/core';
import { FindingsApiModule } from '@opsplane/findings';
import { IncidentsApiModule } from '@opsplane/incidents';
import { IntegrationsApiModule } from '@opsplane/integrations';
import { ReleasesApiModule } from '@opsplane/releases';
import { SecurityApiModule } from '@opsplane/security';
import { MIGRATIONS } from '../../migrations';

/** The API process: every feature's REST + GraphQL surface, plus its jobs (one process is a whole install). */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, options: { clock?: Clock } = {}): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot({ config, migrations: MIGRATIONS, clock: options.clock }),
        CoreApiModule,
        CatalogApiModule,
        IntegrationsApiModule,
        ReleasesApiModule,
        FindingsApiModule,
        IncidentsApiModule,
        SecurityApiModule,
        ComplianceApiModule,
      ],
    };
  }
}
