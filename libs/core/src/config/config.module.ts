import { DynamicModule, Global, Module } from '@nestjs/common';
import {
  AppConfig,
  AuthConfig,
  DatabaseConfig,
  GraphqlConfig,
  HttpConfig,
  JobsConfig,
  LogConfig,
  OutboundConfig,
  SecretsConfig,
} from './config';
import { definedSections } from './sections';

/**
 * Makes each config area injectable by its class: `constructor(private readonly jobs: JobsConfig)`,
 * core's areas and every lib's section (`defineConfig`) alike, so a lib's module declares nothing
 * for its config.
 */
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
      { provide: OutboundConfig, useValue: config.outbound },
      // Throws, naming the class, for a section defined after this config was loaded.
      ...definedSections().map((type) => ({ provide: type, useValue: config.sections.get(type) })),
    ];
    return { module: ConfigModule, providers, exports: providers };
  }
}
