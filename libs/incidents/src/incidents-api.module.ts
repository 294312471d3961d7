import { Module } from '@nestjs/common';
import { CatalogModule } from '@opsplane/catalog';
import { ReleasesModule } from '@opsplane/releases';
import { AlertIngestController } from './alerts/alert-ingest.controller';
import { AlertSourceSecretsUpgrade } from './alerts/alert-source-secrets.upgrade';
import { PagerDutyEnqueueController } from './alerts/pagerduty-enqueue.controller';
import { AlertSourcesController } from './alerts/alert-sources.controller';
import { AlertSourcesResolver, IncidentAlertsResolver } from './alerts/alert-sources.resolver';
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
  controllers: [
    IncidentsController,
    TimelineController,
    PostmortemsController,
    AlertSourcesController,
    AlertIngestController,
    PagerDutyEnqueueController,
  ],
  providers: [
    IncidentsResolver,
    TimelineResolver,
    PostmortemsResolver,
    AlertSourcesResolver,
    IncidentAlertsResolver,
    // In the API only: the processes that check alert secrets (and so hold the key that matters).
    AlertSourceSecretsUpgrade,
  ],
})
export class IncidentsApiModule {}
