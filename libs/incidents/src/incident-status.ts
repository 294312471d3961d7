import { StateMachine } from '@opsplane/core';
import { IncidentErrors } from './incident.errors';

/**
 * The incident state machine.
 *
 *   triggered ─▶ acknowledged ─▶ mitigated ─▶ resolved ─▶ closed
 *       │              │             ▲            ▲
 *       ├──────────────┴─────────────┘            │   forward skips allowed (an alert may clear
 *       └──────────────────────────────────────────┘   before anyone acknowledges)
 *
 *   mitigated | resolved | closed ─▶ triggered | acknowledged      (reopen)
 *
 * Forward moves may skip steps, never go back except by reopening. Reopening goes to `triggered`
 * (nobody is on it: an alert fired again) or `acknowledged` (a responder reopens it and is on it);
 * mitigated counts as reopenable too, because impact that comes back before resolution is the
 * same story. `closed` is reached only from `resolved`: closing is the review step after it.
 */
export const INCIDENT_STATUSES = ['triggered', 'acknowledged', 'mitigated', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

const NEXT: Record<IncidentStatus, readonly IncidentStatus[]> = {
  triggered: ['acknowledged', 'mitigated', 'resolved'],
  acknowledged: ['mitigated', 'resolved'],
  mitigated: ['resolved', 'triggered', 'acknowledged'],
  resolved: ['closed', 'triggered', 'acknowledged'],
  closed: ['triggered', 'acknowledged'],
};

/** Statuses in which an incident still needs work (the open-incidents gauge counts these). */
export const OPEN_STATUSES: readonly IncidentStatus[] = ['triggered', 'acknowledged', 'mitigated'];

/** The machine `assertTransition` checks an incident's moves against: 409 `incident.illegal_transition`. */
export const INCIDENT_MACHINE: StateMachine<IncidentStatus> = {
  name: (id) => `Incident ${id}`,
  next: NEXT,
  refusal: IncidentErrors.illegalTransition,
};

export function allowedTransitions(from: IncidentStatus): readonly IncidentStatus[] {
  return NEXT[from];
}

export function canTransition(from: IncidentStatus, to: IncidentStatus): boolean {
  return NEXT[from].includes(to);
}

/** A move back to an earlier status: the incident is reopened. */
export function isReopen(from: IncidentStatus, to: IncidentStatus): boolean {
  return INCIDENT_STATUSES.indexOf(to) < INCIDENT_STATUSES.indexOf(from);
}

export function isOpen(status: IncidentStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/** The timestamps a status change touches. */
export interface StatusStamps {
  acknowledgedAt: Date | null;
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  reopenedAt: Date | null;
  reopenCount: number;
}

/**
 * The timestamps after moving `from → to` at `now` (the move must be allowed).
 * - acknowledgedAt is the FIRST acknowledgement: never moved, also not by a reopen (MTTA).
 * - mitigatedAt, resolvedAt, closedAt are the latest time the incident reached that status; a
 *   reopen clears them, so a reopened incident is measured to its final resolution.
 * - Resolving stamps mitigatedAt too when the incident skipped `mitigated`: resolution ends impact.
 * - A reopen stamps reopenedAt and counts.
 */
export function stampsAfter(
  stored: StatusStamps,
  from: IncidentStatus,
  to: IncidentStatus,
  now: Date,
): StatusStamps {
  // Only the stamps: callers pass whole rows.
  const current: StatusStamps = {
    acknowledgedAt: stored.acknowledgedAt,
    mitigatedAt: stored.mitigatedAt,
    resolvedAt: stored.resolvedAt,
    closedAt: stored.closedAt,
    reopenedAt: stored.reopenedAt,
    reopenCount: stored.reopenCount,
  };
  if (isReopen(from, to)) {
    return {
      acknowledgedAt: to === 'acknowledged' ? (current.acknowledgedAt ?? now) : current.acknowledgedAt,
      mitigatedAt: null,
      resolvedAt: null,
      closedAt: null,
      reopenedAt: now,
      reopenCount: current.reopenCount + 1,
    };
  }
  switch (to) {
    case 'triggered':
      return current;
    case 'acknowledged':
      return { ...current, acknowledgedAt: current.acknowledgedAt ?? now };
    case 'mitigated':
      return { ...current, mitigatedAt: now };
    case 'resolved':
      return { ...current, mitigatedAt: current.mitigatedAt ?? now, resolvedAt: now };
    case 'closed':
      return { ...current, closedAt: now };
  }
}

/** SEV1 is the worst; the order of this list is the order of severity. */
export const INCIDENT_SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4', 'SEV5'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

/** True when `a` is as bad as `b` or worse (SEV1 is at least as severe as SEV2). */
export function isAtLeastAsSevere(a: IncidentSeverity, b: IncidentSeverity): boolean {
  return INCIDENT_SEVERITIES.indexOf(a) <= INCIDENT_SEVERITIES.indexOf(b);
}
