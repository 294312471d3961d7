import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OsvRecord, OsvSeverity } from './osv-record';
import { assessSeverity, ratingForDatabaseSeverity, ratingForScore, scoreCvss } from './severity';

const FIXTURES = join(__dirname, '../../../../test/fixtures/security/osv');
const fixture = (file: string): OsvRecord =>
  JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as OsvRecord;

const V3_CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'; // 9.8
const V3_MEDIUM = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L'; // 5.3
const V4_CRITICAL = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'; // 9.3
const V4_MEDIUM = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N'; // 6.9

const record = (fields: Partial<OsvRecord>): OsvRecord => ({
  id: 'OSV-TEST-1',
  modified: '2024-01-01T00:00:00Z',
  ...fields,
});
const v3 = (score: string): OsvSeverity => ({ type: 'CVSS_V3', score });
const v4 = (score: string): OsvSeverity => ({ type: 'CVSS_V4', score });

describe('scoreCvss', () => {
  it.each([
    ['a 3.1 vector', v3('CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H'), '3.1', 7.2, 'high'],
    ['a 3.0 vector', v3('CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H'), '3.0', 7.5, 'high'],
    [
      'a 3.0 vector with changed scope',
      v3('CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H'),
      '3.0',
      10,
      'critical',
    ],
    ['a 3.1 vector with no impact', v3('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N'), '3.1', 0, 'info'],
    ['a 4.0 vector', v4(V4_CRITICAL), '4.0', 9.3, 'critical'],
    ['another 4.0 vector', v4(V4_MEDIUM), '4.0', 6.9, 'medium'],
  ])('scores %s', (_case, entry, version, score, rating) => {
    expect(scoreCvss(entry)).toEqual({
      ok: true,
      score: expect.objectContaining({
        type: entry.type,
        vector: entry.score,
        version,
        score,
        rating,
      }) as unknown,
    });
  });

  it('uses the CVSS 3 base score, not the temporal one', () => {
    // Base 7.5; E:U brings the temporal score to 6.9 (medium).
    expect(scoreCvss(v3('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H/E:U'))).toMatchObject({
      ok: true,
      score: { score: 7.5, rating: 'high', nomenclature: 'CVSS-B' },
    });
  });

  it('uses a CVSS 4 vector’s own score and names its metric groups', () => {
    // Base-only 9.3; with the threat metric E:U the vector's score is 8.1 (CVSS-BT).
    expect(scoreCvss(v4(`${V4_CRITICAL}/E:U`))).toMatchObject({
      ok: true,
      score: { score: 8.1, rating: 'high', nomenclature: 'CVSS-BT' },
    });
    expect(scoreCvss(v4(V4_CRITICAL))).toMatchObject({ ok: true, score: { nomenclature: 'CVSS-B' } });
  });

  it.each([
    ['garbage', v3('garbage'), 'not a CVSS 3.0 or 3.1 vector'],
    ['a 4.0 vector typed CVSS_V3', v3(V4_CRITICAL), 'not a CVSS 3.0 or 3.1 vector'],
    ['a 3.1 vector typed CVSS_V4', v4(V3_CRITICAL), 'not a CVSS 4.0 vector'],
    ['a lower-case prefix', v3(V3_CRITICAL.toLowerCase()), 'not a CVSS 3.0 or 3.1 vector'],
    ['a missing base metric', v3('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H'), 'base metric A missing'],
    ['missing base metrics', v3('CVSS:3.1/AV:N/AC:L'), 'base metrics PR, UI, S, C, I, A missing'],
    [
      'a repeated metric',
      v3('CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'),
      'metric AV is given twice',
    ],
    ['a trailing slash', v3(`${V3_CRITICAL}/`), '"" is not a METRIC:VALUE pair'],
    [
      'an unknown value',
      v3('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Z'),
      'rejected by the CVSS calculator',
    ],
    ['an unknown metric', v3(`${V3_CRITICAL}/ZZ:Q`), 'rejected by the CVSS calculator'],
    ['a base metric not defined', v3('CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), 'not defined'],
    ['a v4 base metric not defined', v4(V4_CRITICAL.replace('AV:N', 'AV:X')), 'not defined'],
    ['a CVSS_V2 vector', { type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' }, 'CVSS_V2 is not scored'],
    ['an Ubuntu priority', { type: 'Ubuntu', score: 'medium' }, 'Ubuntu is not scored'],
  ])('reports %s instead of throwing', (_case, entry, problem) => {
    const result = scoreCvss(entry);
    expect(result).toEqual({ ok: false, problem: expect.stringContaining(problem) as string });
  });
});

describe('ratingForScore', () => {
  it.each([
    [0, 'info'],
    [0.1, 'low'],
    [3.9, 'low'],
    [4.0, 'medium'],
    [6.9, 'medium'],
    [7.0, 'high'],
    [8.9, 'high'],
    [9.0, 'critical'],
    [10, 'critical'],
  ])('rates %d as %s', (score, rating) => {
    expect(ratingForScore(score)).toBe(rating);
  });
});

describe('ratingForDatabaseSeverity', () => {
  it.each([
    ['CRITICAL', 'critical'],
    ['HIGH', 'high'],
    ['MODERATE', 'medium'],
    ['MEDIUM', 'medium'],
    ['LOW', 'low'],
    ['moderate', 'medium'],
  ])('reads %s as %s', (value, rating) => {
    expect(ratingForDatabaseSeverity(value)).toBe(rating);
  });

  it.each(['IMPORTANT', 'UNKNOWN', '', 'constructor'])('does not guess a rating for %j', (value) => {
    expect(ratingForDatabaseSeverity(value)).toBeNull();
  });
});

describe('assessSeverity', () => {
  it('rates GHSA-35jh-r3h4-6jhm (lodash) by its CVSS 3.1 vector', () => {
    expect(assessSeverity(fixture('GHSA-35jh-r3h4-6jhm.json'), [0])).toEqual({
      rating: 'high',
      basis: 'cvss',
      cvss: {
        type: 'CVSS_V3',
        vector: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H',
        version: '3.1',
        score: 7.2,
        nomenclature: 'CVSS-B',
        rating: 'high',
        source: { level: 'record' },
      },
      scores: [expect.objectContaining({ score: 7.2 })],
      unusable: [],
      database: { value: 'HIGH', rating: 'high' },
    });
  });

  it('rates GHSA-6fc8-4gx4-v693 (ws) medium, as its vector and GitHub agree', () => {
    expect(assessSeverity(fixture('GHSA-6fc8-4gx4-v693.json'))).toMatchObject({
      rating: 'medium',
      basis: 'cvss',
      cvss: { score: 5.3 },
      database: { value: 'MODERATE', rating: 'medium' },
    });
  });

  it('rates GHSA-c7hr-j4mj-j2w6 (jsonwebtoken, empty severity array) by GitHub’s rating', () => {
    expect(assessSeverity(fixture('GHSA-c7hr-j4mj-j2w6.json'))).toEqual({
      rating: 'critical',
      basis: 'database',
      cvss: null,
      scores: [],
      unusable: [],
      database: { value: 'CRITICAL', rating: 'critical' },
    });
  });

  it('falls back to medium for a record with neither vector nor rating, and says so', () => {
    expect(assessSeverity(fixture('osv-schema-testdata-npm_greater_than.osv.json'))).toEqual({
      rating: 'medium',
      basis: 'default',
      cvss: null,
      scores: [],
      unusable: [],
      database: null,
    });
  });

  it('falls back to the database rating past an invalid vector, and reports the vector', () => {
    const result = assessSeverity(
      record({ severity: [v3('CVSS:3.1/AV:N')], database_specific: { severity: 'LOW' } }),
    );
    expect(result).toMatchObject({
      rating: 'low',
      basis: 'database',
      unusable: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N', source: { level: 'record' } }],
    });
    expect(result.unusable[0].problem).toContain('missing');
  });

  it('ignores a database rating it does not know, reporting it', () => {
    expect(assessSeverity(record({ database_specific: { severity: 'IMPORTANT' } }))).toMatchObject({
      rating: 'medium',
      basis: 'default',
      database: { value: 'IMPORTANT', rating: null },
    });
  });

  it('ignores a database rating that is not a string', () => {
    expect(assessSeverity(record({ database_specific: { severity: 7 } })).database).toBeNull();
  });

  it('prefers a vector to the database rating', () => {
    expect(
      assessSeverity(record({ severity: [v3(V3_MEDIUM)], database_specific: { severity: 'CRITICAL' } })),
    ).toMatchObject({ rating: 'medium', basis: 'cvss' });
  });

  it('prefers the newest CVSS version, whatever the scores', () => {
    const result = assessSeverity(record({ severity: [v3(V3_CRITICAL), v4(V4_MEDIUM)] }));
    expect(result).toMatchObject({ rating: 'medium', cvss: { version: '4.0', score: 6.9 } });
    expect(result.scores).toHaveLength(2);
  });

  it('prefers 3.1 to 3.0', () => {
    const v30 = 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H'; // 10.0
    expect(assessSeverity(record({ severity: [v3(v30), v3(V3_MEDIUM)] })).cvss).toMatchObject({
      version: '3.1',
    });
  });

  it('takes the highest score among vectors of one version', () => {
    expect(assessSeverity(record({ severity: [v3(V3_MEDIUM), v3(V3_CRITICAL)] }))).toMatchObject({
      rating: 'critical',
      cvss: { score: 9.8 },
    });
  });

  it('uses the matched affected entry’s own severity when it has one', () => {
    const perPackage = record({
      affected: [
        { package: { ecosystem: 'npm', name: 'a' }, severity: [v3(V3_CRITICAL)] },
        { package: { ecosystem: 'npm', name: 'b' }, severity: [v3(V3_MEDIUM)] },
      ],
    });
    expect(assessSeverity(perPackage, [1])).toMatchObject({
      rating: 'medium',
      cvss: { score: 5.3, source: { level: 'affected', affectedIndex: 1 } },
    });
    expect(assessSeverity(perPackage, [0, 1])).toMatchObject({ rating: 'critical' });
  });

  it('uses the record’s severity when the matched entries have none', () => {
    const result = assessSeverity(
      record({ severity: [v3(V3_MEDIUM)], affected: [{ package: { ecosystem: 'npm', name: 'a' } }] }),
      [0],
    );
    expect(result.cvss).toMatchObject({ score: 5.3, source: { level: 'record' } });
  });

  it('reads null severity and affected fields', () => {
    expect(assessSeverity(record({ severity: null, affected: null }), [0])).toMatchObject({
      basis: 'default',
    });
  });
});
