import { dataSourceOptions } from '@opsplane/core';
import { DataSource } from 'typeorm';

/**
 * Timestamps come back from PostgreSQL as the instants they are, whatever the session's time zone,
 * through the pool settings the app uses (libs/core/src/database/timestamptz.ts reads them). The
 * instant is checked against PostgreSQL's own epoch, not against another parser.
 */
describe('timestamptz values read back', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource(
      dataSourceOptions({ url: process.env.DATABASE_URL!, poolMax: 2, entities: [], migrations: [] }),
    );
    await dataSource.initialize();
  });
  afterAll(() => dataSource.destroy());

  const INSTANTS = [
    '2026-11-27 16:03:10.123456+00',
    '2026-11-27 16:03:10.5+00',
    '2026-11-27 16:03:10+00',
    // Both DST changes of 2026 in Berlin and New York, a second either side.
    '2026-03-29 00:59:59.999+00',
    '2026-03-29 01:00:00+00',
    '2026-10-25 00:59:59+00',
    '2026-10-25 01:00:00.001+00',
    '2026-03-08 06:59:59+00',
    '2026-03-08 07:00:00+00',
    '2026-11-01 05:59:59+00',
    '2026-11-01 06:00:00+00',
    // Local mean time before time zones: offsets with seconds in Amsterdam and Kolkata.
    '1900-01-01 12:00:00+00',
    '1850-06-30 23:59:59.999999+00',
    '0050-01-01 00:00:00+00',
    '9999-12-31 23:59:59.999+00',
  ];

  it.each([
    'UTC',
    'Europe/Berlin',
    'America/New_York',
    'Asia/Kolkata',
    'Asia/Kathmandu',
    'America/St_Johns',
    'Europe/Amsterdam',
    'Pacific/Kiritimati',
  ])('in a session whose TimeZone is %s', async (zone) => {
    const rows = await dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('TimeZone', $1, true)`, [zone]);
      return manager.query<{ value: Date; text: string; epochMs: string }[]>(
        `SELECT t AS value, t::text AS text, floor(extract(epoch FROM t) * 1000)::bigint AS "epochMs"
           FROM unnest($1::timestamptz[]) AS t`,
        [INSTANTS],
      );
    });
    expect(rows).toHaveLength(INSTANTS.length);
    for (const row of rows) {
      expect(row.value).toBeInstanceOf(Date);
      expect({ text: row.text, time: row.value.getTime() }).toEqual({
        text: row.text,
        time: Number(row.epochMs),
      });
    }
  });

  it('writes each value read in a UTC session as its instant, as any Date of that time writes itself', async () => {
    const rows = await dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('TimeZone', 'UTC', true)`);
      return manager.query<{ value: Date }[]>(`SELECT t AS value FROM unnest($1::timestamptz[]) AS t`, [
        INSTANTS,
      ]);
    });
    for (const row of rows) expect(row.value.toISOString()).toBe(new Date(row.value.getTime()).toISOString());
  });

  it('reads infinity as pg does', async () => {
    const [row] = await dataSource.query<{ future: unknown; past: unknown }[]>(
      `SELECT 'infinity'::timestamptz AS future, '-infinity'::timestamptz AS past`,
    );
    expect(row).toEqual({ future: Infinity, past: -Infinity });
  });
});
