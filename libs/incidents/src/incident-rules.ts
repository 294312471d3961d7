import { FieldError } from '@opsplane/core';
import { IncidentEntity } from './incident.entity';

/** Client clocks drift; a timestamp this far ahead of ours still counts as "now". */
export const CLOCK_SKEW_MS = 60_000;

/** A problem for each given timestamp that lies in the future. */
export function futureProblems(now: Date, times: Record<string, Date | null | undefined>): FieldError[] {
  return Object.entries(times)
    .filter(([, at]) => at != null && at.getTime() > now.getTime() + CLOCK_SKEW_MS)
    .map(([path]) => ({ path, message: 'must not be in the future' }));
}

/** `from` before `to` when both are given. */
export function rangeProblems(from: Date | undefined, to: Date | undefined): FieldError[] {
  return from && to && from.getTime() >= to.getTime() ? [{ path: 'to', message: 'must be after from' }] : [];
}

/**
 * Impact cannot start after it was detected, and neither lies in the future. Future checks apply
 * only to the fields being set (`sent`), so an old value never blocks an unrelated change.
 */
export function timeProblems(
  now: Date,
  impactStartedAt: Date | null,
  detectedAt: Date | null,
  sent: { impactStartedAt?: Date | null; detectedAt?: Date | null },
): FieldError[] {
  const problems = futureProblems(now, {
    impactStartedAt: sent.impactStartedAt,
    detectedAt: sent.detectedAt,
  });
  if (impactStartedAt && detectedAt && impactStartedAt.getTime() > detectedAt.getTime())
    problems.push({
      path: sent.impactStartedAt !== undefined ? 'impactStartedAt' : 'detectedAt',
      message: 'impactStartedAt must not be after detectedAt',
    });
  return problems;
}

/** Trimmed, blank ones dropped, each name once. */
export function cleanNames(names: readonly string[]): string[] {
  return [...new Set(names.map((name) => name.trim()).filter(Boolean))];
}

type Editable = Partial<IncidentEntity>;

/** The wanted changes that differ from what is stored (dates by instant, arrays by content). */
export function differences<T extends Editable>(entity: IncidentEntity, wanted: T): Partial<T> {
  const same = (a: unknown, b: unknown) =>
    a instanceof Date && b instanceof Date
      ? a.getTime() === b.getTime()
      : Array.isArray(a) && Array.isArray(b)
        ? a.length === b.length && a.every((value, index) => value === b[index])
        : a === b;
  return Object.fromEntries(
    Object.entries(wanted).filter(([key, value]) => !same(entity[key as keyof IncidentEntity], value)),
  ) as Partial<T>;
}
