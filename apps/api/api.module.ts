import { DynamicModule, Module } from '@nestjs/common';
import { CatalogApiModule } from '@opsplane/catalog';
import { AppConfig, CoreApiModule, CoreModule } from '@opsplane/core';
import { MIGRATIONS } from '../../migrations';

/** The API process: every feature's REST + GraphQL surface, plus its jobs (one process is a whole install). */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [CoreModule.forRoot({ config, migrations: MIGRATIONS }), CoreApiModule, CatalogApiModule],
    };
  }
}
