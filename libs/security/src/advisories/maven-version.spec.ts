import { compareMavenVersions, parseMavenVersion, type MavenVersion } from './maven-version';

// Orderings and equalities from Apache Maven's ComparableVersionTest (maven-artifact, Maven 3.9).

const parse = (text: string): MavenVersion => {
  const version = parseMavenVersion(text);
  if (version === null) throw new Error(`${text} did not parse`);
  return version;
};
const compare = (a: string, b: string): number => compareMavenVersions(parse(a), parse(b));

/** Every pair in ascending order compares below, and the other way round above. */
const expectAscending = (versions: string[]): void => {
  for (let low = 0; low < versions.length; low++) {
    for (let high = low + 1; high < versions.length; high++) {
      expect([versions[low], '<', versions[high], Math.sign(compare(versions[low], versions[high]))]).toEqual(
        [versions[low], '<', versions[high], -1],
      );
      expect(Math.sign(compare(versions[high], versions[low]))).toBe(1);
    }
  }
};

const expectEqual = (...versions: string[]): void => {
  for (const left of versions) {
    for (const right of versions)
      expect([left, '=', right, compare(left, right)]).toEqual([left, '=', right, 0]);
  }
};

const VERSIONS_QUALIFIER = [
  '1-alpha2snapshot',
  '1-alpha2',
  '1-alpha-123',
  '1-beta-2',
  '1-beta123',
  '1-m2',
  '1-m11',
  '1-rc',
  '1-cr2',
  '1-rc123',
  '1-SNAPSHOT',
  '1',
  '1-sp',
  '1-sp2',
  '1-sp123',
  '1-abc',
  '1-def',
  '1-pom-1',
  '1-1-snapshot',
  '1-1',
  '1-2',
  '1-123',
];

// Maven 3.9's order, after MNG-7644 made "2.0.a" equal to "2-a" (older Maven put 2-1 before 2.0.a).
const VERSIONS_NUMBER = [
  '2.0',
  '2.0.a',
  '2-1',
  '2.0.2',
  '2.0.123',
  '2.1.0',
  '2.1-a',
  '2.1b',
  '2.1-c',
  '2.1-1',
  '2.1.0.1',
  '2.2',
  '2.123',
  '11.a2',
  '11.a11',
  '11.b2',
  '11.b11',
  '11.m2',
  '11.m11',
  '11',
  '11.a',
  '11b',
  '11c',
  '11m',
];

describe('Maven ComparableVersion order', () => {
  it('orders qualifiers: alpha < beta < milestone < rc < snapshot < release < sp < others (VERSIONS_QUALIFIER)', () => {
    expectAscending(VERSIONS_QUALIFIER);
  });

  it('orders numbers numerically, a qualifier before the number at its place (VERSIONS_NUMBER)', () => {
    expectAscending(VERSIONS_NUMBER);
  });

  it('sorts a shuffled list back into Maven order', () => {
    const shuffled = [...VERSIONS_QUALIFIER].reverse();
    shuffled.push(shuffled.shift()!);
    expect(shuffled.sort(compare)).toEqual(VERSIONS_QUALIFIER);
  });

  it.each([
    ['trailing zeros', ['1', '1.0', '1.0.0', '1-0', '1.0-0']],
    ['a letter right after a number', ['1a', '1-a', '1.0-a', '1.0.0-a', '1.0a', '1.0.0a']],
    ['an unknown qualifier', ['1x', '1-x', '1.0-x', '1.0.0-x', '1.0x', '1.0.0x']],
    [
      'ga, final and release as the release itself',
      ['1', '1-ga', '1ga', '1-final', '1final', '1-release', '1.0.0.RELEASE'],
    ],
    ['cr as rc', ['1cr', '1rc', '1-rc', '1-cr', '1.RC']],
    ['a1 as alpha-1', ['1a1', '1-a1', '1-alpha-1', '1alpha1']],
    ['1.0-alpha1 and 1.0-a1', ['1.0-alpha1', '1.0-a1', '1.0-alpha-1']],
    ['b2 as beta-2', ['1b2', '1-b2', '1-beta-2', '1beta2']],
    ['m3 as milestone-3', ['1m3', '1-m3', '1-milestone-3', '1milestone3', '1.0.0.M3']],
    ['an unknown qualifier in any case', ['1X', '1x']],
    ['a release qualifier in any case', ['1Ga', '1GA', '1FinaL', '1RELeaSE', '1']],
    ['rc and cr in any case', ['1Cr', '1Rc', '1cR', '1rC']],
    ['every letter in any case', ['1-abcdefghijklmnopqrstuvwxyz', '1-ABCDEFGHIJKLMNOPQRSTUVWXYZ']],
    ['snapshot spellings', ['1-SNAPSHOT', '1-snapshot', '1.0-SNAPSHOT']],
    ['big numbers', ['12345678901234567890', '12345678901234567890.0']],
  ])('reads as equal: %s', (_case, versions) => {
    expectEqual(...versions);
  });

  it.each([
    ['1', '2'],
    ['1.5', '2'],
    ['1', '2.5'],
    ['1.0', '1.1'],
    ['1.1', '1.2'],
    ['1.0.0', '1.1'],
    ['1.0.1', '1.1'],
    ['1.1', '1.2.0'],
    ['1.0-alpha-1', '1.0'],
    ['1.0-alpha-1', '1.0-alpha-2'],
    ['1.0-alpha-1', '1.0-beta-1'],
    ['1.0-beta-1', '1.0-SNAPSHOT'],
    ['1.0-SNAPSHOT', '1.0'],
    ['1.0-alpha-1-SNAPSHOT', '1.0-alpha-1'],
    ['1.0', '1.0-1'],
    ['1.0-1', '1.0-2'],
    ['1.0.0', '1.0-1'],
    ['2.0-1', '2.0.1'],
    ['2.0.1-klm', '2.0.1-lmn'],
    ['2.0.1', '2.0.1-xyz'],
    ['2.0.1', '2.0.1-123'],
    ['2.0.1-xyz', '2.0.1-123'],
    ['1.9', '1.10'],
    ['0.7', '2'],
    ['0.2', '1.0.7'],
  ])('orders %s < %s', (low, high) => {
    expect(Math.sign(compare(low, high))).toBe(-1);
    expect(Math.sign(compare(high, low))).toBe(1);
  });

  it('stays transitive on an unusual version (MNG-5568)', () => {
    expectAscending(['6.1.0rc3', '6.1.0', '6.1H.5-beta']);
  });

  it('compares numbers of any length by value (MNG-6572)', () => {
    expectAscending([
      '20190126.230843',
      '1234567890.12345',
      '123456789012345.1H.5-beta',
      '12345678901234567890.1H.5-beta',
    ]);
  });

  it('ignores leading zeros, also past 64 bits', () => {
    expectEqual('0000000000000000001', '000000001', '01', '1');
    expectEqual('0000000000000000000', '00', '0');
  });

  it('compares a whole sub-list with nothing, not only its first item (MNG-6964)', () => {
    expectAscending(['1-0.alpha', '1-0.beta', '1']);
    expect(Math.sign(compare('1-0.1', '1'))).toBe(1);
    expect(Math.sign(compare('1-0-alpha', '1'))).toBe(-1);
  });

  it.each(['abc', 'alpha', 'a', 'beta', 'b', 'def', 'milestone', 'm', 'RC'])(
    'reads a qualifier %s after a dot as after a hyphen (MNG-7644)',
    (x) => {
      expect(Math.sign(compare(`1.0.0.${x}1`, `1.0.0-${x}2`))).toBe(-1);
      expectEqual(`2-${x}`, `2.0.${x}`, `2.0.0.${x}`);
    },
  );

  it('puts a service pack after its release and before the next one', () => {
    expectAscending([
      '1.17.0-alpha',
      '1.17.0-RC1',
      '1.17.0-SNAPSHOT',
      '1.17.0',
      '1.17.0.RELEASE-sp',
      '1.17.1',
    ]);
  });

  it.each([
    ['the empty string', ''],
    ['a leading blank', ' 1.0'],
    ['a trailing blank', '1.0 '],
    ['a blank inside', '1 .0'],
    ['a newline', '1.0\n'],
    ['a control character', '1\u00000'],
    ['more than 256 characters', '1.'.repeat(129)],
  ])('refuses %s as a version', (_case, text) => {
    expect(parseMavenVersion(text)).toBeNull();
  });

  it('accepts 256 characters', () => {
    expect(parseMavenVersion('1.'.repeat(127) + '10')).not.toBeNull();
  });

  it('keeps the text it parsed', () => {
    expect(parse('1.0-SNAPSHOT').text).toBe('1.0-SNAPSHOT');
  });
});
