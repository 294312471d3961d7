import { Module } from '@nestjs/common';
import { CatalogModule } from '@opsplane/catalog';
import { ReleasesModule } from '@opsplane/releases';
import { IncidentsController } from './incidents.controller';
import { IncidentsModule } from './incidents.module';
import { IncidentsResolver } from './incidents.resolver';
import { PostmortemsController } from './postmortems.controller';
import { PostmortemsResolver } from './postmortems.resolver';
import { TimelineController } from './timeline.controller';
import { TimelineResolver } from './timeline.resolver';

/** REST and GraphQL for incidents; the API process imports this, the worker only IncidentsModule. */
@Module({
  // Catalog and releases for the GraphQL relations (incident.services, .causedByDeployment).
  imports: [IncidentsModule, CatalogModule, ReleasesModule],
  controllers: [IncidentsController, TimelineController, PostmortemsController],
  providers: [IncidentsResolver, TimelineResolver, PostmortemsResolver],
})
export class IncidentsApiModule {}
