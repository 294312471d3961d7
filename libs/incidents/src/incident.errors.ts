import { errorCode } from '@opsplane/core';

/** Error codes of the incidents context (incidents, timeline, correlation, postmortems, reports). */
export const IncidentErrors = {
  incidentNotFound: errorCode('incident.not_found', 'not_found', 'Incident not found'),
  illegalTransition: errorCode(
    'incident.illegal_transition',
    'conflict',
    'Illegal incident status transition',
  ),
  unknownReference: errorCode(
    'incident.unknown_reference',
    'invalid',
    'A referenced service, environment or deployment does not exist',
  ),
  postmortemRequired: errorCode(
    'incident.postmortem_required',
    'conflict',
    'Closing this incident needs a published postmortem',
  ),
  timelineEntryNotFound: errorCode(
    'incident.timeline_entry_not_found',
    'not_found',
    'Timeline entry not found',
  ),
  postmortemNotFound: errorCode('postmortem.not_found', 'not_found', 'Postmortem not found'),
  postmortemExists: errorCode('postmortem.exists', 'conflict', 'The incident already has a postmortem'),
  postmortemIllegalTransition: errorCode(
    'postmortem.illegal_transition',
    'conflict',
    'Illegal postmortem status transition',
  ),
  postmortemIncomplete: errorCode(
    'postmortem.incomplete',
    'conflict',
    'A postmortem needs a summary, root cause and impact before review or publication',
  ),
  postmortemPublished: errorCode(
    'postmortem.published',
    'conflict',
    'A published postmortem’s narrative no longer changes',
  ),
  alertSourceNotFound: errorCode('alert_source.not_found', 'not_found', 'Alert source not found'),
  alertSourceBadCredentials: errorCode(
    'alert_source.bad_credentials',
    'unauthenticated',
    'Missing or wrong alert source token or signature',
  ),
  alertSourceState: errorCode(
    'alert_source.state',
    'conflict',
    'The alert source is already enabled or disabled',
  ),
  unknownRoutingKey: errorCode(
    'alert_source.unknown_routing_key',
    'invalid',
    'No PagerDuty-events alert source has this routing key',
  ),
  unsupportedPayloadVersion: errorCode(
    'alert.unsupported_version',
    'invalid',
    'The payload version is not the one this endpoint takes',
  ),
} as const;
