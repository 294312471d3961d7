/** What a timeline entry is about. */
export const TIMELINE_ENTRY_KINDS = [
  'note',
  'status_change',
  'severity_change',
  'alert_fired',
  'alert_resolved',
  'deployment',
  'impact_detected',
  'impact_mitigated',
  'action',
] as const;
export type TimelineEntryKind = (typeof TIMELINE_ENTRY_KINDS)[number];

/**
 * What a client may write through the API. Status and severity changes are written by the
 * incident itself, in the transaction that changes it; alert entries by alert ingestion.
 */
export const POSTABLE_TIMELINE_ENTRY_KINDS = [
  'note',
  'action',
  'deployment',
  'impact_detected',
  'impact_mitigated',
] as const satisfies readonly TimelineEntryKind[];
export type PostableTimelineEntryKind = (typeof POSTABLE_TIMELINE_ENTRY_KINDS)[number];

/**
 * Who wrote an entry: a person signed in (`user`, once OIDC sign-in exists), an API key, an alert
 * integration, or Opsplane itself.
 */
export const TIMELINE_ACTOR_KINDS = ['user', 'api_key', 'integration', 'system'] as const;
export type TimelineActorKind = (typeof TIMELINE_ACTOR_KINDS)[number];

export interface TimelineActor {
  kind: TimelineActorKind;
  id: string;
  name: string;
}
