import { JsonObject } from '@opsplane/core';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { IncidentEntity } from './incident.entity';
import { TIMELINE_ACTOR_KINDS, TIMELINE_ENTRY_KINDS, TimelineActorKind, TimelineEntryKind } from './timeline';

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');

/**
 * One thing that happened during an incident. `occurredAt` is when it happened (a note about a
 * graph seen ten minutes ago is back-dated); `createdAt` is when it was written down. Entries
 * are never edited or deleted, only pinned and unpinned.
 */
@Entity({ name: 'incident_timeline_entries' })
@Index('incident_timeline_entries_incident_idx', ['incidentId', 'occurredAt', 'id'])
@Check('incident_timeline_entries_kind_check', `kind IN (${quoted(TIMELINE_ENTRY_KINDS)})`)
@Check('incident_timeline_entries_actor_kind_check', `actor_kind IN (${quoted(TIMELINE_ACTOR_KINDS)})`)
@Check('incident_timeline_entries_pin_check', '(pinned_at IS NULL) = (pinned_by IS NULL)')
export class TimelineEntryEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  incidentId: string;

  @ManyToOne(() => IncidentEntity)
  @JoinColumn({ name: 'incident_id', foreignKeyConstraintName: 'incident_timeline_entries_incident_id_fkey' })
  incident?: object;

  @Column('text')
  kind: TimelineEntryKind;

  @Column('timestamptz')
  occurredAt: Date;

  @Column('timestamptz')
  createdAt: Date;

  @Column('text')
  actorKind: TimelineActorKind;

  @Column('text')
  actorId: string;

  /** The actor's name at the time: keys are renamed and revoked, the record must not change. */
  @Column('text')
  actorName: string;

  @Column('text', { nullable: true })
  body: string | null;

  /** status_change: from and to. */
  @Column('text', { nullable: true })
  fromStatus: string | null;

  @Column('text', { nullable: true })
  toStatus: string | null;

  /** severity_change: from and to. */
  @Column('text', { nullable: true })
  fromSeverity: string | null;

  @Column('text', { nullable: true })
  toSeverity: string | null;

  /** deployment: the deployment it is about (no foreign key: releases may archive, and history stays). */
  @Column('uuid', { nullable: true })
  deploymentId: string | null;

  /** Kind-specific details, e.g. an alert's labels and fingerprint. */
  @Column('jsonb', { default: () => "'{}'" })
  data: JsonObject;

  /** Pinned entries are the highlights a postmortem starts from. */
  @Column('timestamptz', { nullable: true })
  pinnedAt: Date | null;

  @Column('text', { nullable: true })
  pinnedBy: string | null;
}
