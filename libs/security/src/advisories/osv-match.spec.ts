import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackageVersion } from '../packages';
import { matchAdvisory, type MatchResult, type RangeEvidence } from './osv-match';
import type { OsvAffected, OsvEvent, OsvRecord } from './osv-record';

const FIXTURES = join(__dirname, '../../../../test/fixtures/security/osv');
const fixture = (file: string): OsvRecord =>
  JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as OsvRecord;

const SEMVER_REDOS = fixture('GHSA-c2qf-rxjj-qqgw.json');
const LODASH = fixture('GHSA-35jh-r3h4-6jhm.json');
const WS = fixture('GHSA-6fc8-4gx4-v693.json');
const MOMENT = fixture('GHSA-8hfj-j24r-96c4.json');
const JSONWEBTOKEN = fixture('GHSA-c7hr-j4mj-j2w6.json');
const JQUERY = fixture('osv-schema-testdata-npm_greater_than.osv.json');

const npm = (name: string, version: string | null): PackageVersion => ({ ecosystem: 'npm', name, version });

const outcome = (record: OsvRecord, pkg: PackageVersion): MatchResult['outcome'] =>
  matchAdvisory(record, pkg).outcome;

/** The range evidence of an affected result; fails the test when the result is anything else. */
const rangeEvidence = (result: MatchResult): RangeEvidence[] => {
  expect(result.outcome).toBe('affected');
  if (result.outcome !== 'affected') return [];
  return result.evidence.flatMap((evidence) => (evidence.source === 'range' ? [evidence] : []));
};

/** A record with one affected entry per `affected` given. */
const advisory = (...affected: OsvAffected[]): OsvRecord => ({
  id: 'OSV-TEST-1',
  modified: '2024-01-01T00:00:00Z',
  affected,
});

const range = (type: string, ...events: OsvEvent[]) => ({ type, events });

const npmEntry = (...events: OsvEvent[]): OsvAffected => ({
  package: { ecosystem: 'npm', name: 'pkg' },
  ranges: [range('ECOSYSTEM', ...events)],
});

describe('matchAdvisory on real GitHub advisories', () => {
  describe('GHSA-c2qf-rxjj-qqgw (semver; three entries, one per release line)', () => {
    it.each([
      ['5.7.1', 2],
      ['6.3.0', 1],
      ['7.3.2', 0],
      ['7.3.8', 0],
    ])('affects semver %s through affected[%i]', (version, affectedIndex) => {
      const [evidence] = rangeEvidence(matchAdvisory(SEMVER_REDOS, npm('semver', version)));
      expect(evidence.affectedIndex).toBe(affectedIndex);
    });

    it.each(['7.5.2', '6.3.1', '5.7.2', '7.6.0', '8.0.0'])('does not affect semver %s', (version) => {
      expect(matchAdvisory(SEMVER_REDOS, npm('semver', version))).toEqual({
        outcome: 'not_affected',
        reason: 'version_not_affected',
        affectedIndexes: [0, 1, 2],
        skippedRanges: [],
      });
    });

    it('says why 7.3.2 is affected', () => {
      expect(matchAdvisory(SEMVER_REDOS, npm('semver', '7.3.2'))).toEqual({
        outcome: 'affected',
        evidence: [
          {
            source: 'range',
            affectedIndex: 0,
            rangeIndex: 0,
            rangeType: 'ECOSYSTEM',
            scheme: 'semver',
            events: [
              { kind: 'introduced', version: '7.0.0' },
              { kind: 'fixed', version: '7.5.2' },
            ],
            introduced: { kind: 'introduced', version: '7.0.0' },
            until: { kind: 'fixed', version: '7.5.2' },
            limit: null,
            explanation:
              'semver 7.3.2 is affected: introduced 7.0.0 ≤ 7.3.2 < fixed 7.5.2 (affected[0].ranges[0], ECOSYSTEM, SemVer 2.0).',
          },
        ],
        skippedRanges: [],
      });
    });

    it('affects a pre-release of the fixed version, which precedes it', () => {
      const [evidence] = rangeEvidence(matchAdvisory(SEMVER_REDOS, npm('semver', '7.5.2-beta.1')));
      expect(evidence.explanation).toContain('introduced 7.0.0 ≤ 7.5.2-beta.1 < fixed 7.5.2');
    });

    it('does not affect a pre-release of the introducing version, which precedes it', () => {
      // 7.0.0-rc.1 < 7.0.0, and above 6.3.1 and 5.7.2: outside all three ranges.
      expect(outcome(SEMVER_REDOS, npm('semver', '7.0.0-rc.1'))).toBe('not_affected');
    });

    it('affects a version carrying build metadata, which precedence ignores', () => {
      expect(outcome(SEMVER_REDOS, npm('semver', '7.3.2+build.7'))).toBe('affected');
    });

    it('matches the package name exactly', () => {
      expect(matchAdvisory(SEMVER_REDOS, npm('Semver', '7.3.2'))).toEqual({
        outcome: 'not_affected',
        reason: 'package_not_named',
      });
      expect(outcome(SEMVER_REDOS, { ecosystem: 'PyPI', name: 'semver', version: '7.3.2' })).toBe(
        'not_affected',
      );
    });
  });

  describe('GHSA-35jh-r3h4-6jhm (lodash; last_affected entries)', () => {
    it.each([
      ['lodash', '4.17.19', true],
      ['lodash', '2.4.2', true],
      ['lodash', '4.17.21', false],
      ['lodash-es', '4.17.20', true],
      ['lodash.template', '4.5.0', true],
      ['lodash.template', '4.5.1', false],
      ['lodash-template', '1.0.0', true],
      ['lodash-template', '1.0.1', false],
    ])('%s %s affected: %s', (name, version, affected) => {
      expect(outcome(LODASH, npm(name, version))).toBe(affected ? 'affected' : 'not_affected');
    });

    it('names last_affected as the bound, inclusive', () => {
      const [evidence] = rangeEvidence(matchAdvisory(LODASH, npm('lodash.template', '4.5.0')));
      expect(evidence.affectedIndex).toBe(2);
      expect(evidence.until).toEqual({ kind: 'last_affected', version: '4.5.0' });
      expect(evidence.explanation).toContain('introduced 0 ≤ 4.5.0 ≤ last_affected 4.5.0');
    });
  });

  describe('GHSA-6fc8-4gx4-v693 (ws; three backport entries)', () => {
    it.each([
      ['6.1.4', 1],
      ['7.3.1', 0],
      ['6.2.1', 1],
      ['5.0.0', 2],
    ])('affects ws %s through affected[%i]', (version, affectedIndex) => {
      expect(rangeEvidence(matchAdvisory(WS, npm('ws', version))).map((e) => e.affectedIndex)).toEqual([
        affectedIndex,
      ]);
    });

    it.each(['7.4.6', '6.2.2', '5.2.3', '4.4.0', '8.0.0'])('does not affect ws %s', (version) => {
      expect(outcome(WS, npm('ws', version))).toBe('not_affected');
    });
  });

  describe('GHSA-8hfj-j24r-96c4 (moment; npm and NuGet)', () => {
    it.each(['2.0.0', '2.27.0', '2.29.1'])('affects npm moment %s', (version) => {
      expect(outcome(MOMENT, npm('moment', version))).toBe('affected');
    });

    it('does not affect npm moment 2.29.2', () => {
      expect(outcome(MOMENT, npm('moment', '2.29.2'))).toBe('not_affected');
    });

    it('answers unsupported for NuGet, whose version order is not implemented, instead of not affected', () => {
      const result = matchAdvisory(MOMENT, { ecosystem: 'NuGet', name: 'Moment.js', version: '2.0.0' });
      expect(result).toEqual({
        outcome: 'unsupported',
        reason: {
          kind: 'no_comparator',
          ecosystem: 'NuGet',
          affectedIndex: 1,
          rangeIndex: 0,
          type: 'ECOSYSTEM',
          message: expect.stringContaining('no version order') as string,
        },
        reasons: [expect.objectContaining({ kind: 'no_comparator' })],
        skippedRanges: [],
      });
    });
  });

  it('GHSA-c7hr-j4mj-j2w6 affects jsonwebtoken 0.1.0 and 0.4.0, not 4.2.2', () => {
    expect(outcome(JSONWEBTOKEN, npm('jsonwebtoken', '0.1.0'))).toBe('affected');
    expect(outcome(JSONWEBTOKEN, npm('jsonwebtoken', '0.4.0'))).toBe('affected');
    expect(outcome(JSONWEBTOKEN, npm('jsonwebtoken', '4.2.2'))).toBe('not_affected');
  });

  // The components SOURCES.md lists as affected, from the juice-shop and cern SBOMs.
  it.each([
    ['GHSA-xvch-5gv4-984h.json', 'minimist', ['0.0.8', '0.2.1', '0.2.3', '1.2.5']],
    ['GHSA-9c47-m6qq-7p4h.json', 'json5', ['2.1.3']],
    ['GHSA-6g6m-m6h5-w9gf.json', 'express-jwt', ['0.1.3']],
  ])('%s affects %s %j', (file, name, versions) => {
    const record = fixture(file);
    for (const version of versions)
      expect([version, outcome(record, npm(name, version))]).toEqual([version, 'affected']);
  });

  describe('osv-schema npm_greater_than (jquery; SEMVER introduced 2.1.1-0 for "> 2.1.0")', () => {
    it.each([
      // 2.1.1-0 has the lowest precedence of all 2.1.1 pre-releases: numeric identifiers sort
      // below alphanumeric ones, so 2.1.1-0 < 2.1.1-beta.
      ['2.1.1-beta', 'affected'],
      ['2.1.1-0', 'affected'],
      ['2.1.1', 'affected'],
      ['2.2.4', 'affected'],
      // A pre-release of the fix precedes it.
      ['3.0.0-rc1', 'affected'],
      ['3.0.0', 'not_affected'],
      ['2.1.0', 'not_affected'],
      // Build metadata does not lift 2.1.0 above it.
      ['2.1.0+build', 'not_affected'],
      ['2.1.0-rc1', 'not_affected'],
    ])('jquery %s is %s', (version, expected) => {
      expect(outcome(JQUERY, npm('jquery', version))).toBe(expected);
    });

    it('reports the SEMVER range it matched with', () => {
      const [evidence] = rangeEvidence(matchAdvisory(JQUERY, npm('jquery', '2.1.1-beta')));
      expect(evidence).toMatchObject({ rangeType: 'SEMVER', scheme: 'semver' });
      expect(evidence.explanation).toContain('introduced 2.1.1-0 ≤ 2.1.1-beta < fixed 3.0.0');
    });
  });
});

describe('matchAdvisory, event by event', () => {
  const check = (entry: OsvAffected, version: string): MatchResult['outcome'] =>
    outcome(advisory(entry), npm('pkg', version));

  it.each([
    ['introduced "0" is below every version', [{ introduced: '0' }], '0.0.0-alpha', 'affected'],
    ['introduced alone leaves the range open', [{ introduced: '1.0.0' }], '99.0.0', 'affected'],
    ['introduced is inclusive', [{ introduced: '1.0.0' }], '1.0.0', 'affected'],
    ['below introduced is not affected', [{ introduced: '1.0.0' }], '0.9.9', 'not_affected'],
    ['fixed is exclusive', [{ introduced: '0' }, { fixed: '1.0.2' }], '1.0.2', 'not_affected'],
    ['below fixed is affected', [{ introduced: '0' }, { fixed: '1.0.2' }], '1.0.1', 'affected'],
    [
      'last_affected is inclusive',
      [{ introduced: '0' }, { last_affected: '2.1.214' }],
      '2.1.214',
      'affected',
    ],
    [
      'above last_affected is not',
      [{ introduced: '0' }, { last_affected: '2.1.214' }],
      '2.1.215',
      'not_affected',
    ],
    [
      'a pre-release above last_affected is not',
      [{ introduced: '0' }, { last_affected: '2.1.0' }],
      '2.1.1-rc.1',
      'not_affected',
    ],
    ['no introduced at all affects nothing', [{ fixed: '2.0.0' }], '1.0.0', 'not_affected'],
  ] as [string, OsvEvent[], string, string][])('%s', (_case, events, version, expected) => {
    expect(check(npmEntry(...events), version)).toBe(expected);
  });

  describe('limit', () => {
    const limited = npmEntry({ introduced: '1.0.0' }, { limit: '2.0.0' });

    it('bounds the range from above, exclusively', () => {
      expect(check(limited, '1.5.0')).toBe('affected');
      expect(check(limited, '2.0.0')).toBe('not_affected');
      expect(check(limited, '2.5.0')).toBe('not_affected');
      expect(check(limited, '0.5.0')).toBe('not_affected');
    });

    it('cuts a range short even before its fix', () => {
      const entry = npmEntry({ introduced: '0' }, { fixed: '3.0.0' }, { limit: '2.0.0' });
      expect(check(entry, '2.5.0')).toBe('not_affected');
      expect(check(entry, '1.5.0')).toBe('affected');
    });

    it('admits a version below any one of several limits', () => {
      const entry = npmEntry({ introduced: '1.0.0' }, { limit: '1.2.0' }, { limit: '3.0.0' });
      expect(check(entry, '2.0.0')).toBe('affected');
      expect(check(entry, '3.0.0')).toBe('not_affected');
    });

    it('reads a limit containing * as infinity', () => {
      expect(check(npmEntry({ introduced: '1.0.0' }, { limit: '*' }), '99.0.0')).toBe('affected');
    });

    it('names the lowest limit above the version as evidence', () => {
      const entry = npmEntry(
        { limit: '3.0.0' },
        { introduced: '1.0.0' },
        { limit: '1.2.0' },
        { limit: '2.5.0' },
      );
      const [evidence] = rangeEvidence(matchAdvisory(advisory(entry), npm('pkg', '2.0.0')));
      expect(evidence.limit).toEqual({ kind: 'limit', version: '2.5.0' });
      expect(evidence.explanation).toContain('introduced 1.0.0 ≤ 2.0.0 < limit 2.5.0');
    });
  });

  describe('unsorted events', () => {
    // The spec's multiple-range example, [1.0.0, 1.0.2) and [3.0.0, 3.2.5), written out of order.
    const shuffled = npmEntry(
      { fixed: '3.2.5' },
      { introduced: '3.0.0' },
      { fixed: '1.0.2' },
      { introduced: '1.0.0' },
    );

    it.each([
      ['0.9.0', 'not_affected'],
      ['1.0.0', 'affected'],
      ['1.0.1', 'affected'],
      ['1.0.2', 'not_affected'],
      ['2.0.0', 'not_affected'],
      ['3.0.0', 'affected'],
      ['3.2.4', 'affected'],
      ['3.2.5', 'not_affected'],
    ])('are sorted before the walk: %s is %s', (version, expected) => {
      expect(check(shuffled, version)).toBe(expected);
    });

    it('are reported sorted, with the interval that applied', () => {
      const [evidence] = rangeEvidence(matchAdvisory(advisory(shuffled), npm('pkg', '3.1.0')));
      expect(evidence.events.map((event) => `${event.kind} ${event.version}`)).toEqual([
        'introduced 1.0.0',
        'fixed 1.0.2',
        'introduced 3.0.0',
        'fixed 3.2.5',
      ]);
      expect(evidence.introduced).toEqual({ kind: 'introduced', version: '3.0.0' });
      expect(evidence.until).toEqual({ kind: 'fixed', version: '3.2.5' });
    });

    it('put introduced "0" first', () => {
      const entry = npmEntry({ fixed: '1.0.0' }, { introduced: '0' });
      expect(check(entry, '0.5.0')).toBe('affected');
      expect(check(entry, '1.0.0')).toBe('not_affected');
    });

    it('keep the record order between events of equal version', () => {
      // An empty interval [2.0.0, 2.0.0) affects nothing …
      expect(check(npmEntry({ introduced: '2.0.0' }, { fixed: '2.0.0' }), '2.0.0')).toBe('not_affected');
      // … and back-to-back intervals [1.0.0, 2.0.0) [2.0.0, 3.0.0) leave no gap at 2.0.0.
      const adjoining = npmEntry(
        { introduced: '1.0.0' },
        { fixed: '2.0.0' },
        { introduced: '2.0.0' },
        { fixed: '3.0.0' },
      );
      expect(check(adjoining, '2.0.0')).toBe('affected');
    });

    it('compare versions by precedence, not by text', () => {
      expect(check(npmEntry({ fixed: '1.10.0' }, { introduced: '1.9.0' }), '1.9.5')).toBe('affected');
    });
  });

  describe('several entries and ranges', () => {
    it('lists every entry and range that contains the version', () => {
      const record = advisory(
        npmEntry({ introduced: '1.0.0' }, { fixed: '2.0.0' }),
        { package: { ecosystem: 'npm', name: 'other' }, ranges: [range('ECOSYSTEM', { introduced: '0' })] },
        {
          package: { ecosystem: 'npm', name: 'pkg' },
          ranges: [range('ECOSYSTEM', { introduced: '3.0.0' }), range('SEMVER', { introduced: '1.5.0' })],
        },
      );
      const evidence = rangeEvidence(matchAdvisory(record, npm('pkg', '1.7.0')));
      expect(evidence.map((e) => [e.affectedIndex, e.rangeIndex, e.rangeType])).toEqual([
        [0, 0, 'ECOSYSTEM'],
        [2, 1, 'SEMVER'],
      ]);
    });

    it('names only the entries for the package when it is not affected', () => {
      const record = advisory(
        { package: { ecosystem: 'npm', name: 'other' }, ranges: [range('ECOSYSTEM', { introduced: '0' })] },
        npmEntry({ introduced: '1.0.0' }, { fixed: '2.0.0' }),
      );
      expect(matchAdvisory(record, npm('pkg', '2.0.0'))).toMatchObject({ affectedIndexes: [1] });
    });
  });

  describe('versions lists', () => {
    const listed: OsvAffected = { package: { ecosystem: 'npm', name: 'pkg' }, versions: ['1.0.0', '1.0.1'] };

    it('affects a listed version, with a record that has no ranges', () => {
      expect(matchAdvisory(advisory(listed), npm('pkg', '1.0.1'))).toEqual({
        outcome: 'affected',
        evidence: [
          {
            source: 'versions',
            affectedIndex: 0,
            listed: '1.0.1',
            explanation: 'pkg 1.0.1 is listed in affected[0].versions.',
          },
        ],
        skippedRanges: [],
      });
    });

    it('does not affect a version not listed', () => {
      expect(outcome(advisory(listed), npm('pkg', '1.0.2'))).toBe('not_affected');
    });

    it('compares listed versions in the ecosystem order', () => {
      const record = advisory({ package: { ecosystem: 'PyPI', name: 'pkg' }, versions: ['1.0'] });
      const result = matchAdvisory(record, { ecosystem: 'PyPI', name: 'pkg', version: '1.0.0' });
      expect(result).toMatchObject({
        outcome: 'affected',
        evidence: [{ source: 'versions', listed: '1.0' }],
      });
    });

    it('compares listed versions as exact strings where the ecosystem has no order', () => {
      const record = advisory({ package: { ecosystem: 'RubyGems', name: 'rack' }, versions: ['2.2.3'] });
      expect(outcome(record, { ecosystem: 'RubyGems', name: 'rack', version: '2.2.3' })).toBe('affected');
      expect(outcome(record, { ecosystem: 'RubyGems', name: 'rack', version: '2.2.4' })).toBe('not_affected');
    });

    it('count beside ranges: either one affects', () => {
      const entry: OsvAffected = { ...npmEntry({ introduced: '2.0.0' }), versions: ['1.0.0'] };
      expect(check(entry, '1.0.0')).toBe('affected');
      expect(check(entry, '2.1.0')).toBe('affected');
      expect(check(entry, '1.5.0')).toBe('not_affected');
    });

    it('answer even when the ranges cannot be evaluated', () => {
      const entry: OsvAffected = {
        package: { ecosystem: 'NuGet', name: 'Pkg' },
        versions: ['1.0.0'],
        ranges: [range('ECOSYSTEM', { introduced: '0' })],
      };
      expect(outcome(advisory(entry), { ecosystem: 'NuGet', name: 'Pkg', version: '1.0.0' })).toBe(
        'affected',
      );
      expect(outcome(advisory(entry), { ecosystem: 'NuGet', name: 'Pkg', version: '2.0.0' })).toBe(
        'unsupported',
      );
    });
  });

  describe('GIT and unknown range types', () => {
    const git = {
      type: 'GIT',
      repo: 'https://github.com/owner/repo',
      events: [{ introduced: '0' }, { fixed: 'a'.repeat(40) }],
    };

    it('are skipped without hiding an ECOSYSTEM range beside them', () => {
      const record = advisory({
        package: { ecosystem: 'npm', name: 'pkg' },
        ranges: [git, range('ECOSYSTEM', { introduced: '1.0.0' }, { fixed: '1.2.0' })],
      });
      const result = matchAdvisory(record, npm('pkg', '1.1.0'));
      expect(result).toMatchObject({
        outcome: 'affected',
        evidence: [{ affectedIndex: 0, rangeIndex: 1, rangeType: 'ECOSYSTEM' }],
        skippedRanges: [{ affectedIndex: 0, rangeIndex: 0, type: 'GIT', reason: 'git' }],
      });
    });

    it('are reported beside a not-affected answer', () => {
      const record = advisory({
        package: { ecosystem: 'npm', name: 'pkg' },
        ranges: [range('ECOSYSTEM', { introduced: '1.0.0' }, { fixed: '1.2.0' }), git],
      });
      expect(matchAdvisory(record, npm('pkg', '1.2.0'))).toEqual({
        outcome: 'not_affected',
        reason: 'version_not_affected',
        affectedIndexes: [0],
        skippedRanges: [{ affectedIndex: 0, rangeIndex: 1, type: 'GIT', reason: 'git' }],
      });
    });

    it('skip a range type the schema does not define', () => {
      const record = advisory({
        package: { ecosystem: 'npm', name: 'pkg' },
        ranges: [range('CALVER', { introduced: '2024.1' }), range('SEMVER', { introduced: '0' })],
      });
      expect(matchAdvisory(record, npm('pkg', '1.0.0'))).toMatchObject({
        outcome: 'affected',
        skippedRanges: [{ rangeIndex: 0, type: 'CALVER', reason: 'unknown_type' }],
      });
    });
  });

  it('never matches a withdrawn record, and says so', () => {
    const withdrawn = { ...SEMVER_REDOS, withdrawn: '2023-07-01T00:00:00Z' };
    expect(matchAdvisory(withdrawn, npm('semver', '7.3.2'))).toEqual({
      outcome: 'not_affected',
      reason: 'withdrawn',
      withdrawn: '2023-07-01T00:00:00Z',
    });
  });

  describe('a package without a version', () => {
    it('is of unknown status when the record names it', () => {
      expect(matchAdvisory(WS, npm('ws', null))).toEqual({
        outcome: 'unknown_version',
        affectedIndexes: [0, 1, 2],
      });
    });

    it('is not affected when the record does not name it', () => {
      expect(outcome(WS, npm('left-pad', null))).toBe('not_affected');
    });
  });

  it('cannot be named without an ecosystem', () => {
    expect(matchAdvisory(WS, { ecosystem: null, name: 'ws', version: '6.1.4' })).toEqual({
      outcome: 'not_affected',
      reason: 'package_not_named',
    });
  });

  it('skips an entry without a package', () => {
    const record = advisory(
      { ranges: [range('ECOSYSTEM', { introduced: '0' })] },
      npmEntry({ introduced: '0' }),
    );
    expect(matchAdvisory(record, npm('pkg', '1.0.0'))).toMatchObject({
      outcome: 'affected',
      evidence: [{ affectedIndex: 1 }],
    });
  });

  it('reads a record with no affected entries at all', () => {
    expect(
      outcome({ id: 'OSV-TEST-2', modified: '2024-01-01T00:00:00Z', affected: null }, npm('pkg', '1.0.0')),
    ).toBe('not_affected');
  });
});

describe('matchAdvisory on versions it cannot compare', () => {
  it.each(['v7.3.2', '7.3', 'latest', '^7.0.0', '7.x', ''])(
    'answers unsupported for semver %j, naming the version and scheme',
    (version) => {
      const result = matchAdvisory(SEMVER_REDOS, npm('semver', version));
      expect(result).toMatchObject({
        outcome: 'unsupported',
        reason: { kind: 'invalid_version', version, scheme: 'semver', affectedIndex: 0, rangeIndex: 0 },
      });
      if (result.outcome === 'unsupported') {
        expect(result.reasons).toHaveLength(3);
        expect(result.reason.message).toContain('is not a SemVer 2.0 version');
      }
    },
  );

  it('answers unsupported for an event version the scheme cannot read', () => {
    const result = matchAdvisory(
      advisory(npmEntry({ introduced: '0' }, { fixed: '2.0' })),
      npm('pkg', '3.0.0'),
    );
    expect(result).toMatchObject({
      outcome: 'unsupported',
      reason: { kind: 'invalid_event', event: { fixed: '2.0' }, scheme: 'semver' },
    });
  });

  it.each([
    ['two kinds in one event', { introduced: '1.0.0', fixed: '2.0.0' }],
    ['no kind at all', {}],
    ['a version that is not a string', { fixed: 2 }],
  ])('answers unsupported for a malformed event: %s', (_case, event) => {
    const entry = npmEntry({ introduced: '0' }, event as unknown as OsvEvent);
    expect(matchAdvisory(advisory(entry), npm('pkg', '3.0.0'))).toMatchObject({
      outcome: 'unsupported',
      reason: { kind: 'invalid_event', message: expect.stringContaining('not exactly one of') as string },
    });
  });

  it('still answers affected when another range shows the version affected', () => {
    const record = advisory(
      npmEntry({ introduced: '0' }, { fixed: 'garbage' }),
      npmEntry({ introduced: '2.0.0' }),
    );
    expect(outcome(record, npm('pkg', '3.0.0'))).toBe('affected');
  });

  it('answers unsupported, not not_affected, when the only other range says no', () => {
    const record = advisory(
      npmEntry({ introduced: '0' }, { fixed: 'garbage' }),
      npmEntry({ introduced: '5.0.0' }),
    );
    expect(outcome(record, npm('pkg', '3.0.0'))).toBe('unsupported');
  });

  it('evaluates SEMVER ranges of an ecosystem without its own order', () => {
    const record = advisory({
      package: { ecosystem: 'crates.io', name: 'smallvec' },
      ranges: [range('SEMVER', { introduced: '0.6.10' }, { fixed: '0.6.14' })],
    });
    expect(outcome(record, { ecosystem: 'crates.io', name: 'smallvec', version: '0.6.13' })).toBe('affected');
    expect(outcome(record, { ecosystem: 'crates.io', name: 'smallvec', version: '0.6.14' })).toBe(
      'not_affected',
    );
  });

  it('names the ecosystem that has no order', () => {
    const record = advisory({
      package: { ecosystem: 'RubyGems', name: 'rack' },
      ranges: [range('ECOSYSTEM', { introduced: '0' }, { fixed: '2.2.4' })],
    });
    expect(matchAdvisory(record, { ecosystem: 'RubyGems', name: 'rack', version: '2.2.3' })).toMatchObject({
      outcome: 'unsupported',
      reason: { kind: 'no_comparator', ecosystem: 'RubyGems' },
    });
  });
});

describe('matchAdvisory per ecosystem', () => {
  describe('PyPI', () => {
    const record = advisory({
      package: { ecosystem: 'PyPI', name: 'Django_Rest.framework' },
      ranges: [
        range('ECOSYSTEM', { introduced: '0' }, { fixed: '1.0' }),
        range('ECOSYSTEM', { introduced: '1.0' }, { fixed: '1.0.post1' }),
      ],
    });
    const pypi = (name: string, version: string): PackageVersion => ({ ecosystem: 'PyPI', name, version });

    it('orders 1.0rc1 < 1.0 < 1.0.post1 (PEP 440)', () => {
      expect(
        rangeEvidence(matchAdvisory(record, pypi('django-rest-framework', '1.0rc1')))[0].rangeIndex,
      ).toBe(0);
      expect(rangeEvidence(matchAdvisory(record, pypi('django-rest-framework', '1.0')))[0].rangeIndex).toBe(
        1,
      );
      expect(outcome(record, pypi('django-rest-framework', '1.0.post1'))).toBe('not_affected');
      expect(outcome(record, pypi('django-rest-framework', '1.1'))).toBe('not_affected');
    });

    it('compares PEP 503-normalised names', () => {
      for (const name of [
        'django-rest-framework',
        'Django-REST-Framework',
        'django_rest__framework',
        'django.rest-framework',
      ]) {
        expect([name, outcome(record, pypi(name, '0.9'))]).toEqual([name, 'affected']);
      }
      expect(outcome(record, pypi('djangorestframework', '0.9'))).toBe('not_affected');
    });

    it('reports a version PEP 440 cannot read', () => {
      expect(matchAdvisory(record, pypi('django-rest-framework', 'one point oh'))).toMatchObject({
        outcome: 'unsupported',
        reason: { kind: 'invalid_version', scheme: 'pep440' },
      });
    });
  });

  describe('Go', () => {
    // golang.org/x/crypto, fixed in a pseudo-version (as in GO-2020-0012).
    const record = advisory({
      package: { ecosystem: 'Go', name: 'golang.org/x/crypto' },
      ranges: [range('SEMVER', { introduced: '0' }, { fixed: '0.0.0-20200220183623-bac4c82f6975' })],
    });
    const go = (name: string, version: string): PackageVersion => ({ ecosystem: 'Go', name, version });

    it.each([
      ['v0.0.0-20191109021931-daa7c04131f5', 'affected'],
      ['v0.0.0-20200220183623-bac4c82f6975', 'not_affected'],
      ['v0.0.0-20201203163018-be400aefbc4c', 'not_affected'],
      ['v0.1.0', 'not_affected'],
    ])('orders pseudo-versions by commit time: %s is %s', (version, expected) => {
      expect(outcome(record, go('golang.org/x/crypto', version))).toBe(expected);
    });

    it('reads +incompatible as build metadata', () => {
      const docker = advisory({
        package: { ecosystem: 'Go', name: 'github.com/docker/docker' },
        ranges: [range('ECOSYSTEM', { introduced: '0' }, { fixed: '20.10.11+incompatible' })],
      });
      expect(outcome(docker, go('github.com/docker/docker', 'v20.10.0+incompatible'))).toBe('affected');
      expect(outcome(docker, go('github.com/docker/docker', 'v20.10.11+incompatible'))).toBe('not_affected');
    });
  });

  describe('Maven', () => {
    // Log4Shell (GHSA-jfh8-c2jp-5v3q): introduced 2.0-beta9, fixed 2.15.0.
    const record = advisory({
      package: { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core' },
      ranges: [range('ECOSYSTEM', { introduced: '2.0-beta9' }, { fixed: '2.15.0' })],
    });
    const maven = (name: string, version: string): PackageVersion => ({ ecosystem: 'Maven', name, version });

    it.each([
      ['2.0-beta9', 'affected'],
      ['2.0-rc1', 'affected'],
      ['2.0', 'affected'],
      ['2.14.1', 'affected'],
      ['2.15.0-rc1', 'affected'],
      ['2.0-beta8', 'not_affected'],
      ['2.0-alpha1', 'not_affected'],
      ['2.15.0', 'not_affected'],
      ['2.15.0.RELEASE', 'not_affected'],
      ['2.15.0-sp1', 'not_affected'],
      ['2.17.1', 'not_affected'],
    ])('orders by qualifier: %s is %s', (version, expected) => {
      expect(outcome(record, maven('org.apache.logging.log4j:log4j-core', version))).toBe(expected);
    });

    it('names a package by group:artifact only', () => {
      expect(outcome(record, maven('log4j-core', '2.14.1'))).toBe('not_affected');
      expect(outcome(record, maven('org.apache.logging.log4j:log4j-api', '2.14.1'))).toBe('not_affected');
    });
  });
});
