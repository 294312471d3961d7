import { DeployWindowModel } from './dto/deploy-window.model';
import { FreezePeriodModel } from './dto/freeze-period.model';
import {
  ActiveFreeze,
  AllowedStart,
  DeployWindow,
  evaluateWindows,
  Freeze,
  RecurringPeriod,
  WindowDecision,
} from './schedule';

/*
 * Glue between stored windows/freezes and the pure rules in `schedule/`, and the words refusals
 * use. Shared by the two gates and the `next` endpoint so all three describe the same facts alike.
 */

export function toDeployWindow(window: DeployWindowModel): DeployWindow {
  return {
    id: window.id,
    kind: window.kind,
    period: {
      schedule: window.schedule,
      durationMinutes: window.durationMinutes,
      timeZone: window.timeZone,
    },
  };
}

/** The check constraint guarantees one complete shape; a recurring row has all three fields. */
export function toFreeze(freeze: FreezePeriodModel): Freeze {
  const period = recurringPeriodOf(freeze);
  if (period) return { id: freeze.id, reason: freeze.reason, period };
  return { id: freeze.id, reason: freeze.reason, startsAt: freeze.startsAt!, endsAt: freeze.endsAt! };
}

export function recurringPeriodOf(freeze: {
  schedule: string | null;
  durationMinutes: number | null;
  timeZone: string | null;
}): RecurringPeriod | null {
  if (freeze.schedule === null || freeze.durationMinutes === null || freeze.timeZone === null) return null;
  return { schedule: freeze.schedule, durationMinutes: freeze.durationMinutes, timeZone: freeze.timeZone };
}

export function iso(instant: Date): string {
  return instant.toISOString();
}

/** Why the windows refuse `decision` (not allowed), naming the windows by id and description. */
export function describeWindowRefusal(
  windows: readonly DeployWindowModel[],
  decision: WindowDecision,
): string {
  if (decision.blockingWindowIds.length > 0) {
    const blocking = windows.filter((window) => decision.blockingWindowIds.includes(window.id));
    return `inside deny window ${blocking.map(nameOf).join(', ')}`;
  }
  const allow = windows.filter((window) => window.kind === 'allow');
  return `outside every allow window (${allow.map(nameOf).join(', ')})`;
}

export function describeFreeze(freeze: ActiveFreeze): string {
  return `freeze ${freeze.id} ("${freeze.reason}") until ${iso(freeze.end)}`;
}

/** The `reason` of the `next` answer: what blocks `from`, or what allows it. */
export function describeNext(
  windows: readonly DeployWindowModel[],
  activeFreeze: ActiveFreeze | null,
  from: Date,
  next: AllowedStart | null,
  horizonDays: number,
): string {
  const decision = evaluateWindows(windows.map(toDeployWindow), from);
  const blockers = [
    ...(decision.allowed ? [] : [describeWindowRefusal(windows, decision)]),
    ...(activeFreeze ? [`frozen by ${describeFreeze(activeFreeze)}`] : []),
  ];
  if (next === null) {
    const why = blockers.length > 0 ? `; at ${iso(from)}: ${blockers.join('; ')}` : '';
    return `No allowed start within ${horizonDays} days of ${iso(from)}${why}.`;
  }
  if (blockers.length === 0) {
    return `Allowed at ${iso(from)}: ${decision.reason}${next.end ? `, until ${iso(next.end)}` : ''}.`;
  }
  return `Blocked at ${iso(from)}: ${blockers.join('; ')}. Next allowed start ${iso(next.start)}.`;
}

function nameOf(window: DeployWindowModel): string {
  return window.description ? `${window.id} ("${window.description}")` : window.id;
}
