import { DynamicModule, Global, Module } from '@nestjs/common';
import {
  AppConfig,
  AuthConfig,
  DatabaseConfig,
  GraphqlConfig,
  HttpConfig,
  IncidentsConfig,
  JobsConfig,
  LogConfig,
  SecretsConfig,
} from './config';

/** Makes each config area injectable by its class: `constructor(private readonly jobs: JobsConfig)`. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    const providers = [
      { provide: HttpConfig, useValue: config.http },
      { provide: DatabaseConfig, useValue: config.database },
      { provide: AuthConfig, useValue: config.auth },
      { provide: SecretsConfig, useValue: config.secrets },
      { provide: JobsConfig, useValue: config.jobs },
      { provide: LogConfig, useValue: config.log },
      { provide: GraphqlConfig, useValue: config.graphql },
      { provide: IncidentsConfig, useValue: config.incidents },
    ];
    return { module: ConfigModule, providers, exports: providers };
  }
}
