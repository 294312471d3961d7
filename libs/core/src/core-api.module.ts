import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { AuditController } from './audit/audit.controller';
import { AuditResolver } from './audit/audit.resolver';
import { ApiKeysController } from './auth/api-keys.controller';
import { ApiKeysResolver } from './auth/api-keys.resolver';
import { BootstrapAdminKey } from './auth/bootstrap-admin-key';
import { GraphqlConfig } from './config/config';
import { graphqlOptions } from './graphql/graphql.options';
import { JobsController } from './jobs/jobs.controller';
import { JobsResolver } from './jobs/jobs.resolver';

/** The API surface of the core (API keys, audit log, job runs) and the GraphQL server itself. */
@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      inject: [GraphqlConfig],
      useFactory: (config: GraphqlConfig) => graphqlOptions(config),
    }),
  ],
  controllers: [ApiKeysController, AuditController, JobsController],
  providers: [ApiKeysResolver, AuditResolver, JobsResolver, BootstrapAdminKey],
})
export class CoreApiModule {}
