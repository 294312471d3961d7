import { Temporal } from '@js-temporal/polyfill';

/**
 * The instant a wall-clock time in an IANA zone names ("02:00 Europe/Berlin"). Across DST the
 * rule is Temporal's `compatible` disambiguation, the same one recurring periods follow: a time
 * the clocks skip moves forward by the gap (02:30 on the spring-forward night is 03:30), and a
 * time that happens twice is the first of the two. Null when the text is no calendar date-time
 * (e.g. 2026-02-30T10:00); the zone must have been validated with `timeZoneProblem`.
 */
export function localTimeToInstant(localTime: string, timeZone: string): Date | null {
  let local: Temporal.PlainDateTime;
  try {
    local = Temporal.PlainDateTime.from(localTime, { overflow: 'reject' });
  } catch {
    return null;
  }
  const zoned = local.toZonedDateTime(timeZone, { disambiguation: 'compatible' });
  return new Date(zoned.epochMilliseconds);
}
