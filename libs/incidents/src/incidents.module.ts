import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@opsplane/catalog';
import { ReleasesModule } from '@opsplane/releases';
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
 * Incidents, their timelines, postmortems, change correlation and reports. Imported by the worker
 * too (the open-incidents gauge is on every /metrics) and by alert ingestion, which drives
 * incidents through IncidentsService. The API is in IncidentsApiModule.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([IncidentEntity, TimelineEntryEntity, PostmortemEntity]),
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
  ],
  exports: [
    IncidentsService,
    TimelineService,
    PostmortemsService,
    ChangeCorrelationService,
    IncidentMetricsService,
  ],
})
export class IncidentsModule {}
