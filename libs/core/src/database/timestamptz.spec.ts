import { types as pgTypes } from 'pg';
import { parseTimestamptz } from './timestamptz';

/** pg's own timestamptz parser (postgres-date), the reference: the fast path must agree with it everywhere. */
const pgParse = pgTypes.getTypeParser(1184, 'text') as (text: string) => Date | number;

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** A small deterministic generator, so a failure names an input that can be run again. */
function* randomTimestamps(count: number): Generator<string> {
  let seed = 20261127;
  const next = (below: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % below;
  };
  for (let i = 0; i < count; i++) {
    const date = `${pad(100 + next(9900), 4)}-${pad(1 + next(12), 2)}-${pad(1 + next(28), 2)}`;
    const time = `${pad(next(24), 2)}:${pad(next(60), 2)}:${pad(next(60), 2)}`;
    // PostgreSQL prints 0–6 fraction digits, trailing zeros dropped.
    const digits = next(7);
    const fraction = digits === 0 ? '' : `.${pad(next(10 ** digits), digits).replace(/0+$/, '') || '1'}`;
    const sign = next(2) ? '+' : '-';
    const zone = [
      `${sign}${pad(next(15), 2)}`,
      `${sign}${pad(next(15), 2)}:${pad(next(60), 2)}`,
      `${sign}${pad(next(15), 2)}:${pad(next(60), 2)}:${pad(next(60), 2)}`,
    ][next(3)]!;
    yield `${date} ${time}${fraction}${zone}`;
  }
}

describe('parseTimestamptz', () => {
  it('reads what PostgreSQL prints exactly as pg does, to the millisecond', () => {
    for (const text of randomTimestamps(20_000)) {
      const ours = parseTimestamptz(text);
      expect(ours).toBeInstanceOf(Date);
      expect({ text, time: (ours as Date).getTime() }).toEqual({
        text,
        time: (pgParse(text) as Date).getTime(),
      });
    }
  });

  it('writes what it read in UTC as any Date of that time writes itself (toISOString, JSON)', () => {
    for (const text of randomTimestamps(20_000)) {
      const utcText = text.replace(/[+-][\d:]+$/, '+00');
      const ours = parseTimestamptz(utcText) as Date;
      const plain = new Date(ours.getTime());
      expect({ utcText, iso: ours.toISOString(), json: JSON.stringify({ at: ours }) }).toEqual({
        utcText,
        iso: plain.toISOString(),
        json: JSON.stringify({ at: plain }),
      });
    }
  });

  it('formats a changed Date by its new time', () => {
    const read = parseTimestamptz('2026-11-27 16:03:10.123+00') as Date;
    read.setTime(Date.UTC(2027, 0, 1));
    expect(read.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it.each([
    ['2026-11-27 16:03:10+00', '2026-11-27T16:03:10.000Z'],
    ['2026-11-27 16:03:10.5+00', '2026-11-27T16:03:10.500Z'],
    ['2026-11-27 16:03:10.05+00', '2026-11-27T16:03:10.050Z'],
    // Microseconds are cut off, not rounded: a Date holds milliseconds.
    ['2026-11-27 16:03:10.999999+00', '2026-11-27T16:03:10.999Z'],
    ['2026-03-29 03:30:00+02', '2026-03-29T01:30:00.000Z'],
    ['2026-11-27 11:03:10-05', '2026-11-27T16:03:10.000Z'],
    ['2026-11-27 21:48:10+05:45', '2026-11-27T16:03:10.000Z'],
    ['2026-11-27 12:33:10-03:30', '2026-11-27T16:03:10.000Z'],
    // Amsterdam before 1937 kept local mean time: an offset in seconds.
    ['1900-01-01 12:19:32+00:19:32', '1900-01-01T12:00:00.000Z'],
  ])('%s is %s', (text, iso) => {
    expect((parseTimestamptz(text) as Date).toISOString()).toBe(iso);
  });

  it.each([
    'infinity',
    '-infinity',
    '0099-06-01 00:00:00+00',
    '0001-01-01 00:00:00+00 BC',
    '12026-11-27 16:03:10+00',
    '2026-11-27 16:03:10.1234567+00',
    '2026-11-27T16:03:10+00',
    '2026-11-27 16:03:10Z',
    '2026-11-27 16:03:10+0',
    '2026-11-27 16:03:10+05:3',
    '2026-11-27 16:03:1x+00',
  ])('leaves the form %s to pg and answers what pg answers', (text) => {
    // A Date (maybe an invalid one) as its time, infinity as a number: the same value either way.
    const valueOf = (parsed: Date | number) => (parsed instanceof Date ? ['date', parsed.getTime()] : parsed);
    expect(valueOf(parseTimestamptz(text))).toEqual(valueOf(pgParse(text)));
  });
});
