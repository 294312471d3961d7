import { Module } from '@nestjs/common';
import { DeploymentsController } from './deployments.controller';
import { DeploymentsResolver } from './deployments.resolver';
import { ReleaseLoaders } from './release-loaders';
import { ReleasesModule } from './releases.module';
import { ReleasesController } from './releases.controller';
import { ReleasesResolver } from './releases.resolver';

/** REST and GraphQL for releases and deployments; the API process imports this, the worker only ReleasesModule. */
@Module({
  imports: [ReleasesModule],
  controllers: [ReleasesController, DeploymentsController],
  providers: [ReleasesResolver, DeploymentsResolver, ReleaseLoaders],
})
export class ReleasesApiModule {}
