import {
  ecosystemComparator,
  GO,
  MAVEN,
  PEP440,
  rangeComparator,
  SEMVER,
  type VersionComparator,
} from './versions';

const sign = (comparator: VersionComparator, a: string, b: string): number | null => {
  const result = comparator.compare(a, b);
  return result === null ? null : Math.sign(result);
};

describe('SEMVER (SemVer 2.0 precedence)', () => {
  it.each([
    ['1.0.0', '2.0.0'],
    ['2.0.0', '2.1.0'],
    ['2.1.0', '2.1.1'],
    ['1.9.0', '1.10.0'],
    // The spec's own example chain (semver.org, item 11).
    ['1.0.0-alpha', '1.0.0-alpha.1'],
    ['1.0.0-alpha.1', '1.0.0-alpha.beta'],
    ['1.0.0-alpha.beta', '1.0.0-beta'],
    ['1.0.0-beta', '1.0.0-beta.2'],
    ['1.0.0-beta.2', '1.0.0-beta.11'],
    ['1.0.0-beta.11', '1.0.0-rc.1'],
    ['1.0.0-rc.1', '1.0.0'],
    ['7.5.2-beta.1', '7.5.2'],
    ['2.1.1-0', '2.1.1-beta'],
  ])('orders %s < %s', (low, high) => {
    expect(sign(SEMVER, low, high)).toBe(-1);
    expect(sign(SEMVER, high, low)).toBe(1);
  });

  it('ignores build metadata', () => {
    expect(sign(SEMVER, '1.0.0+build.1', '1.0.0')).toBe(0);
    expect(sign(SEMVER, '1.0.0+a', '1.0.0+b')).toBe(0);
  });

  it.each([
    ['a leading v', 'v1.2.3'],
    ['a leading =', '=1.2.3'],
    ['surrounding blanks', ' 1.2.3 '],
    ['two parts', '1.2'],
    ['a leading zero', '01.2.3'],
    ['a leading zero in a numeric pre-release', '1.2.3-01'],
    ['an x range', '1.x'],
    ['a tag', 'latest'],
    ['the empty string', ''],
  ])('refuses %s (%s), and compares nothing with it', (_case, version) => {
    expect(SEMVER.isValid(version)).toBe(false);
    expect(SEMVER.compare(version, '1.2.3')).toBeNull();
    expect(SEMVER.compare('1.2.3', version)).toBeNull();
  });

  it('accepts build metadata and pre-releases as written', () => {
    expect(SEMVER.isValid('1.2.3-rc.1+build.5')).toBe(true);
  });
});

describe('GO (module versions)', () => {
  it('takes versions with and without the v', () => {
    expect(sign(GO, 'v1.2.3', '1.2.3')).toBe(0);
    expect(sign(GO, 'v1.2.3', 'v1.10.0')).toBe(-1);
  });

  it.each([
    // A pseudo-version for a commit before any tag sorts below every release.
    ['v0.0.0-20191109021931-daa7c04131f5', 'v0.0.1'],
    // Pseudo-versions of the same base order by commit time.
    ['v0.0.0-20191109021931-daa7c04131f5', 'v0.0.0-20200220183623-bac4c82f6975'],
    // After v1.2.3, before v1.2.4.
    ['v1.2.3', 'v1.2.4-0.20191109021931-daa7c04131f5'],
    ['v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.4'],
    // After the pre-release v1.2.4-pre, before v1.2.4.
    ['v1.2.4-pre', 'v1.2.4-pre.0.20191109021931-daa7c04131f5'],
    ['v1.2.4-pre.0.20191109021931-daa7c04131f5', 'v1.2.4'],
  ])('orders %s < %s', (low, high) => {
    expect(sign(GO, low, high)).toBe(-1);
    expect(sign(GO, high, low)).toBe(1);
  });

  it('treats +incompatible as build metadata', () => {
    expect(sign(GO, 'v2.0.0+incompatible', '2.0.0')).toBe(0);
    expect(sign(GO, 'v20.10.0+incompatible', '20.10.11')).toBe(-1);
  });

  it.each(['v1', 'v1.2', 'vv1.2.3', 'V1.2.3', 'master'])('refuses %s', (version) => {
    expect(GO.isValid(version)).toBe(false);
    expect(GO.compare(version, 'v1.0.0')).toBeNull();
  });
});

describe('PEP440 (PyPI)', () => {
  it.each([
    ['1.0.dev0', '1.0a1'],
    ['1.0a1', '1.0b1'],
    ['1.0b1', '1.0rc1'],
    ['1.0rc1', '1.0'],
    ['1.0', '1.0.post1'],
    ['1.0.post1', '1.1'],
    ['1.9', '1.10'],
    ['1!0.1', '1!1.0'],
    ['2.0', '1!0.1'],
  ])('orders %s < %s', (low, high) => {
    expect(sign(PEP440, low, high)).toBe(-1);
    expect(sign(PEP440, high, low)).toBe(1);
  });

  it('treats 1.0 and 1.0.0 as the same version', () => {
    expect(sign(PEP440, '1.0', '1.0.0')).toBe(0);
  });

  it('reads normalised spellings as the same version', () => {
    expect(sign(PEP440, '1.0RC1', '1.0rc1')).toBe(0);
    expect(sign(PEP440, '1.0-post1', '1.0.post1')).toBe(0);
  });

  it.each(['not a version', '1.0-beta-gamma', '', '1.0 '])('refuses %j', (version) => {
    expect(PEP440.isValid(version)).toBe(false);
    expect(PEP440.compare(version, '1.0')).toBeNull();
  });
});

describe('MAVEN', () => {
  it('orders as ComparableVersion', () => {
    expect(sign(MAVEN, '2.15.0-rc1', '2.15.0')).toBe(-1);
    expect(sign(MAVEN, '2.0-beta9', '2.0')).toBe(-1);
    expect(sign(MAVEN, '5.3.0.RELEASE', '5.3.0')).toBe(0);
  });

  it('refuses what it cannot read as a version', () => {
    expect(MAVEN.isValid('')).toBe(false);
    expect(MAVEN.compare('1.0 beta', '1.0')).toBeNull();
  });
});

describe('ecosystemComparator', () => {
  it.each([
    ['npm', 'semver'],
    ['PyPI', 'pep440'],
    ['Go', 'go'],
    ['Maven', 'maven'],
  ])('orders %s with %s', (ecosystem, scheme) => {
    expect(ecosystemComparator(ecosystem)?.scheme).toBe(scheme);
  });

  it.each(['NuGet', 'crates.io', 'RubyGems', 'Debian:11', 'pypi', 'NPM', 'toString', '__proto__'])(
    'has no comparator for %s',
    (ecosystem) => {
      expect(ecosystemComparator(ecosystem)).toBeNull();
    },
  );
});

describe('rangeComparator', () => {
  it('reads SEMVER ranges as SemVer 2.0 whatever the ecosystem', () => {
    expect(rangeComparator('SEMVER', 'npm')?.scheme).toBe('semver');
    expect(rangeComparator('SEMVER', 'crates.io')?.scheme).toBe('semver');
    expect(rangeComparator('SEMVER', 'PyPI')?.scheme).toBe('semver');
  });

  it('drops the v of Go versions in SEMVER ranges', () => {
    expect(rangeComparator('SEMVER', 'Go')?.scheme).toBe('go');
  });

  it('reads ECOSYSTEM ranges in the ecosystem order, when there is one', () => {
    expect(rangeComparator('ECOSYSTEM', 'PyPI')?.scheme).toBe('pep440');
    expect(rangeComparator('ECOSYSTEM', 'NuGet')).toBeNull();
  });

  it('has none for GIT and unknown range types', () => {
    expect(rangeComparator('GIT', 'npm')).toBeNull();
    expect(rangeComparator('SEMVER2', 'npm')).toBeNull();
  });
});
