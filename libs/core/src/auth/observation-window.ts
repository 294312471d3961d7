import { AppError } from '../errors/app-error';
import { Actor, ObservationWindow } from './actor';
import { AuthErrors } from './auth.errors';

/**
 * Observation windows: an auditor key may be limited to a period, as audit platforms do for an
 * external auditor. Compliance and audit reads ask these helpers; an actor without a window sees
 * everything.
 */

/** Whether the actor may see what happened at `instant`. */
export function isObserved(actor: Actor, instant: Date): boolean {
  const window = actor.observationWindow;
  return !window || (instant >= window.from && instant < window.to);
}

/** 403 `auth.outside_observation_window` naming `path` unless the actor may see `instant`. */
export function assertObserved(actor: Actor, instant: Date, path: string): void {
  if (isObserved(actor, instant)) return;
  throw outside(actor.observationWindow!, path);
}

/** 403 unless something that lasted [from, to) was there at some point of the actor's window. */
export function assertObservedDuring(actor: Actor, from: Date, to: Date, path: string): void {
  const window = actor.observationWindow;
  if (window && !(from < window.to && to > window.from)) throw outside(window, path);
}

/**
 * A range [from, to) as the actor may see it: narrowed to the window; a range the window does not
 * overlap at all is refused (403), so an auditor is told rather than shown an empty report.
 */
export function observedRange(
  actor: Actor,
  from: Date | undefined,
  to: Date | undefined,
): { from: Date | undefined; to: Date | undefined } {
  const window = actor.observationWindow;
  if (!window) return { from, to };
  const narrowedFrom = from && from > window.from ? from : window.from;
  const narrowedTo = to && to < window.to ? to : window.to;
  if (narrowedFrom >= narrowedTo) throw outside(window, from && from >= window.to ? 'from' : 'to');
  return { from: narrowedFrom, to: narrowedTo };
}

/** The latest instant the actor may see, not after `now`. */
export function latestObserved(actor: Actor, now: Date): Date {
  const window = actor.observationWindow;
  return window && window.to <= now ? new Date(window.to.getTime() - 1) : now;
}

function outside(window: ObservationWindow, path: string): AppError {
  return new AppError(
    AuthErrors.outsideObservationWindow,
    `This key observes ${window.from.toISOString()} to ${window.to.toISOString()} only.`,
    { errors: [{ path, message: 'outside the key’s observation window' }] },
  );
}
