import {
  activePeriodAt,
  MINUTE_MS,
  periodsBetween,
  type Period,
  type RecurringPeriod,
} from './recurring-period';

/**
 * When deployments may start, from deployment windows and freezes. The caller passes the windows and
 * freezes already scoped to the environment/service and the instant to judge; nothing here reads
 * the clock.
 *
 * Rules (Argo CD sync windows, DOMAIN.md): deny beats allow; once any allow window exists a
 * deployment may start only inside one; no windows at all means no restriction. A freeze blocks
 * like a deny window.
 */
export type WindowKind = 'allow' | 'deny';

export interface DeployWindow {
  id: string;
  kind: WindowKind;
  period: RecurringPeriod;
}

/** A freeze from `startsAt` (included) to `endsAt` (excluded). */
export interface OneOffFreeze {
  id: string;
  reason: string;
  startsAt: Date;
  endsAt: Date;
}

export interface RecurringFreeze {
  id: string;
  reason: string;
  period: RecurringPeriod;
}

export type Freeze = OneOffFreeze | RecurringFreeze;

export interface WindowDecision {
  allowed: boolean;
  reason: string;
  /** The deny windows open at the instant; empty when allowed or when no allow window is open. */
  blockingWindowIds: string[];
}

export interface ActiveFreeze extends Period {
  id: string;
  reason: string;
}

export interface AllowedStart {
  start: Date;
  /** When the allowed stretch closes; null when nothing closes it within what was looked at. */
  end: Date | null;
}

export interface NextAllowedStartOptions {
  freezes?: readonly Freeze[];
  /** How far ahead of `from` a start may lie. */
  horizonDays?: number;
  /** Bound on the periods listed per window or freeze, so a schedule firing every minute stays cheap. */
  maxPeriodsPerWindow?: number;
}

export const DEFAULT_HORIZON_DAYS = 31;

const DAY_MS = 24 * 60 * MINUTE_MS;

export function evaluateWindows(windows: readonly DeployWindow[], instant: Date): WindowDecision {
  if (windows.length === 0) {
    return { allowed: true, reason: 'no deployment window applies', blockingWindowIds: [] };
  }
  const open = windows.filter((window) => activePeriodAt(window.period, instant) !== null);
  const openDenyIds = open.filter((window) => window.kind === 'deny').map((window) => window.id);
  if (openDenyIds.length > 0) {
    return {
      allowed: false,
      reason: `inside deny window ${openDenyIds.join(', ')}`,
      blockingWindowIds: openDenyIds,
    };
  }
  const allowCount = windows.filter((window) => window.kind === 'allow').length;
  if (allowCount === 0) {
    return { allowed: true, reason: 'no deny window is open', blockingWindowIds: [] };
  }
  const openAllowIds = open.filter((window) => window.kind === 'allow').map((window) => window.id);
  if (openAllowIds.length === 0) {
    return {
      allowed: false,
      reason: `outside every allow window (${allowCount} defined)`,
      blockingWindowIds: [],
    };
  }
  return { allowed: true, reason: `inside allow window ${openAllowIds.join(', ')}`, blockingWindowIds: [] };
}

/** The freeze in force at `instant`; when several are, the one that ends last (it decides "until when"). */
export function activeFreezeAt(freezes: readonly Freeze[], instant: Date): ActiveFreeze | null {
  let found: ActiveFreeze | null = null;
  for (const freeze of freezes) {
    const period = isRecurring(freeze)
      ? activePeriodAt(freeze.period, instant)
      : contains(freeze, instant)
        ? { start: freeze.startsAt, end: freeze.endsAt }
        : null;
    if (period !== null && (found === null || period.end.getTime() > found.end.getTime())) {
      found = { id: freeze.id, reason: freeze.reason, ...period };
    }
  }
  return found;
}

/**
 * The earliest instant at or after `from`, and before `from + horizonDays`, at which a deployment
 * may start, with the end of that allowed stretch; null when there is none in the horizon.
 * Consistent with `evaluateWindows` and `activeFreezeAt`: when both allow `from`, the start is `from`.
 * `end` is null when the stretch is still open one longest period past the horizon (nothing known
 * closes it), or when a window fired too often to list that far.
 */
export function nextAllowedStart(
  windows: readonly DeployWindow[],
  from: Date,
  options: NextAllowedStartOptions = {},
): AllowedStart | null {
  const { freezes = [], horizonDays = DEFAULT_HORIZON_DAYS, maxPeriodsPerWindow = 5000 } = options;
  if (!(horizonDays > 0)) throw new RangeError(`horizonDays must be positive, got ${horizonDays}`);
  const begin = from.getTime();
  const horizonEnd = begin + horizonDays * DAY_MS;
  // Looking one longest period past where a start may lie shows that period's real end.
  const longest = Math.max(
    0,
    ...[...windows, ...freezes].map((item) =>
      'period' in item ? item.period.durationMinutes * MINUTE_MS : 0,
    ),
  );
  // Listing firings is the cost (cron-parser steps slowly), and the answer is usually days away:
  // search a growing range instead of the whole horizon at once.
  for (let days = 1; ; days *= 4) {
    const searchEnd = Math.min(begin + days * DAY_MS, horizonEnd);
    const { first, known, cut } = firstOpenSpan(
      windows,
      freezes,
      begin,
      searchEnd + longest,
      maxPeriodsPerWindow,
    );
    const final = searchEnd === horizonEnd || cut;
    // After a cut everything before `known` is still exact, and `first` lies before it.
    const startLimit = cut ? horizonEnd : searchEnd;
    if (first !== undefined && first.start < startLimit && (first.end < known || final)) {
      return { start: new Date(first.start), end: first.end < known ? new Date(first.end) : null };
    }
    if (final) return null;
  }
}

/**
 * The first span within `[begin, until)` where no deny window or freeze is open and, if allow
 * windows exist, one of them is. `known` is where knowledge ends: `until`, or earlier when a
 * window's firings were `cut` at `maxPeriods`, after which nothing can be claimed.
 */
function firstOpenSpan(
  windows: readonly DeployWindow[],
  freezes: readonly Freeze[],
  begin: number,
  until: number,
  maxPeriods: number,
): { first: Span | undefined; known: number; cut: boolean } {
  let known = until;
  let cut = false;
  const spansOf = (definition: RecurringPeriod): Span[] => {
    const periods = periodsBetween(definition, new Date(begin), new Date(until), maxPeriods);
    if (periods.length === maxPeriods) {
      known = Math.min(known, periods[periods.length - 1].start.getTime());
      cut = true;
    }
    return periods.map(toSpan);
  };
  const allowWindows = windows.filter((window) => window.kind === 'allow');
  const allowed =
    allowWindows.length === 0
      ? [{ start: begin, end: Number.POSITIVE_INFINITY }]
      : union(allowWindows.flatMap((window) => spansOf(window.period)));
  const blocked = union([
    ...windows.filter((window) => window.kind === 'deny').flatMap((window) => spansOf(window.period)),
    ...freezes.flatMap((freeze) =>
      isRecurring(freeze) ? spansOf(freeze.period) : [toSpan(freezeAsPeriod(freeze))],
    ),
  ]);
  const first = subtract(allowed, blocked)
    .map((span) => ({ start: Math.max(span.start, begin), end: Math.min(span.end, known) }))
    .find((span) => span.start < span.end);
  return { first, known, cut };
}

/** Milliseconds since the epoch, `[start, end)`. */
interface Span {
  start: number;
  end: number;
}

function toSpan(period: Period): Span {
  return { start: period.start.getTime(), end: period.end.getTime() };
}

function freezeAsPeriod(freeze: OneOffFreeze): Period {
  return { start: freeze.startsAt, end: freeze.endsAt };
}

function isRecurring(freeze: Freeze): freeze is RecurringFreeze {
  return 'period' in freeze;
}

function contains(freeze: OneOffFreeze, instant: Date): boolean {
  return freeze.startsAt.getTime() <= instant.getTime() && instant.getTime() < freeze.endsAt.getTime();
}

/** Sorted, disjoint spans; touching spans merge, so back-to-back periods make one stretch. */
function union(spans: readonly Span[]): Span[] {
  const merged: Span[] = [];
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start >= span.end) continue;
    const last = merged[merged.length - 1];
    if (last !== undefined && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/** `spans` minus `cuts`; both sorted and disjoint (as `union` returns them). */
function subtract(spans: readonly Span[], cuts: readonly Span[]): Span[] {
  const rest: Span[] = [];
  for (const span of spans) {
    let start = span.start;
    for (const cut of cuts) {
      if (cut.end <= start || cut.start >= span.end) continue;
      if (cut.start > start) rest.push({ start, end: cut.start });
      start = cut.end;
      if (start >= span.end) break;
    }
    if (start < span.end) rest.push({ start, end: span.end });
  }
  return rest;
}
