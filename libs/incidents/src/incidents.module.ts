import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@opsplane/catalog';
import { ReleasesModule } from '@opsplane/releases';
import { AlertIngestionMetrics } from './alerts/alert-ingestion.metrics';
import { AlertIngestionService } from './alerts/alert-ingestion.service';
import { AlertSourceEntity } from './alerts/alert-source.entity';
import { AlertSourcesService } from './alerts/alert-sources.service';
import { AlertEntity, AlertGroupEntity } from './alerts/alert.entity';
import { ChangeCorrelationService } from './change-correlation.service';
import { IncidentMetricsService } from './incident-metrics.service';
import { IncidentReferences } from './incident-references.service';
import { IncidentEntity } from './incident.entity';
import { IncidentsService } from './incidents.service';
import { OpenIncidentsGauge } from './open-incidents.gauge';
import { PostmortemEntity } from './postmortem.entity';
import { PostmortemsService } from './postmortems.service';
import { TimelineEntryEntity } from './timeline-entry.entity';
import { TimelineService } from './timeline.service';

/**
 * Incidents, their timelines, postmortems, change correlation and reports, and the alerts that
 * open them (alerts/, driving incidents through the IncidentsService seam). Imported by the
 * worker too (the open-incidents gauge is on every /metrics). The API is in IncidentsApiModule.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      IncidentEntity,
      TimelineEntryEntity,
      PostmortemEntity,
      AlertSourceEntity,
      AlertEntity,
      AlertGroupEntity,
    ]),
    CatalogModule,
    ReleasesModule,
  ],
  providers: [
    IncidentsService,
    TimelineService,
    PostmortemsService,
    ChangeCorrelationService,
    IncidentMetricsService,
    IncidentReferences,
    OpenIncidentsGauge,
    AlertSourcesService,
    AlertIngestionService,
    AlertIngestionMetrics,
  ],
  exports: [
    IncidentsService,
    TimelineService,
    PostmortemsService,
    ChangeCorrelationService,
    IncidentMetricsService,
    AlertSourcesService,
    AlertIngestionService,
  ],
})
export class IncidentsModule {}
