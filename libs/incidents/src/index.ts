export { IncidentsModule } from './incidents.module';
export { IncidentsApiModule } from './incidents-api.module';
export { IncidentsConfig } from './incidents.config';
export { IncidentsService, AlertSource, FiringAlert, IntegrationEntry } from './incidents.service';
export { TimelineService } from './timeline.service';
export { PostmortemsService } from './postmortems.service';
export { ChangeCorrelationService } from './change-correlation.service';
export { IncidentMetricsService } from './incident-metrics.service';
export { IncidentModel } from './dto/incident.model';
export { TimelineEntryModel, TimelineActorModel } from './dto/timeline-entry.model';
export { PostmortemModel, ActionItemModel } from './dto/postmortem.dto';
export { RelatedDeploymentModel, RelatedDeploymentListModel } from './dto/related-deployment.model';
export { IncidentMetricsModel, DurationStatsModel, METRIC_DEFINITIONS } from './dto/incident-metrics.dto';
export {
  IncidentStatus,
  IncidentSeverity,
  INCIDENT_STATUSES,
  INCIDENT_SEVERITIES,
  OPEN_STATUSES,
  allowedTransitions,
  canTransition,
  isOpen,
} from './incident-status';
export { TimelineEntryKind, TIMELINE_ENTRY_KINDS, TimelineActor } from './timeline';
export { IncidentErrors } from './incident.errors';
export { AlertSourcesService } from './alerts/alert-sources.service';
export { AlertIngestionService } from './alerts/alert-ingestion.service';
export { AlertSourceModel, CreatedAlertSourceModel } from './alerts/alert-source.dto';
export { AlertModel } from './alerts/alert.model';
