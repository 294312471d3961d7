import { FRAMEWORK_IDS, FRAMEWORKS, isFrameworkId, requirement } from './frameworks';

/** Counts from the publishers' documents: a dropped or doubled line shows up here first. */
const CIS_SAFEGUARDS_PER_CONTROL: Record<string, number> = {
  '1': 5,
  '2': 7,
  '3': 14,
  '4': 12,
  '5': 6,
  '6': 8,
  '7': 7,
  '8': 12,
  '9': 7,
  '10': 7,
  '11': 5,
  '12': 8,
  '13': 11,
  '14': 9,
  '15': 7,
  '16': 14,
  '17': 9,
  '18': 5,
};

const countBy = <T>(items: readonly T[], key: (item: T) => string): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
};

describe('FRAMEWORKS', () => {
  it('holds every criterion, control and safeguard of each publisher', () => {
    expect(FRAMEWORKS.soc2.requirements).toHaveLength(61);
    expect(FRAMEWORKS.iso27001.requirements).toHaveLength(93);
    expect(FRAMEWORKS['cis_v8'].requirements).toHaveLength(153);
  });

  it('keys each framework by its own id', () => {
    for (const id of FRAMEWORK_IDS) expect(FRAMEWORKS[id].id).toBe(id);
  });

  it('has no id twice within a framework, and no blank title or group', () => {
    for (const id of FRAMEWORK_IDS) {
      const { requirements } = FRAMEWORKS[id];
      expect(new Set(requirements.map((entry) => entry.id)).size).toBe(requirements.length);
      for (const entry of requirements) {
        expect(entry.title.trim()).not.toBe('');
        expect(entry.group.trim()).not.toBe('');
      }
    }
  });

  it('writes ids as each publisher does', () => {
    const formats = {
      soc2: /^(CC[1-9]|A1|C1|PI1|P[1-8])\.\d+$/,
      iso27001: /^A\.[5-8]\.\d+$/,
      cis_v8: /^(1[0-8]|[1-9])\.\d+$/,
    };
    for (const id of FRAMEWORK_IDS)
      for (const entry of FRAMEWORKS[id].requirements) expect(entry.id).toMatch(formats[id]);
  });

  it('numbers each group from 1 without gaps', () => {
    for (const id of FRAMEWORK_IDS) {
      const byPrefix = new Map<string, number[]>();
      for (const entry of FRAMEWORKS[id].requirements) {
        const dot = entry.id.lastIndexOf('.');
        const numbers = byPrefix.get(entry.id.slice(0, dot)) ?? [];
        numbers.push(Number(entry.id.slice(dot + 1)));
        byPrefix.set(entry.id.slice(0, dot), numbers);
      }
      for (const numbers of byPrefix.values())
        expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, index) => index + 1));
    }
  });

  it('has the 37 organizational, 8 people, 14 physical and 34 technological controls of ISO Annex A', () => {
    expect(countBy(FRAMEWORKS.iso27001.requirements, (entry) => entry.group)).toEqual({
      'Organizational controls': 37,
      'People controls': 8,
      'Physical controls': 14,
      'Technological controls': 34,
    });
    expect(countBy(FRAMEWORKS.iso27001.requirements, (entry) => entry.id.split('.')[1])).toEqual({
      '5': 37,
      '6': 8,
      '7': 14,
      '8': 34,
    });
  });

  it('has the CIS safeguards of each of the 18 controls, each control under one title', () => {
    const cis = FRAMEWORKS['cis_v8'].requirements;
    expect(countBy(cis, (entry) => entry.id.split('.')[0])).toEqual(CIS_SAFEGUARDS_PER_CONTROL);
    expect(countBy(cis, (entry) => entry.group)['Data Protection']).toBe(14);
    expect(new Set(cis.map((entry) => entry.group)).size).toBe(18);
  });

  it('puts every CIS safeguard in an Implementation Group, cumulatively: IG1 within IG2 within IG3', () => {
    for (const entry of FRAMEWORKS['cis_v8'].requirements) {
      const groups = entry.implementationGroups ?? [];
      expect(groups.length).toBeGreaterThan(0);
      if (groups.includes(1)) expect(groups).toEqual(expect.arrayContaining([2, 3]));
      if (groups.includes(2)) expect(groups).toContain(3);
    }
  });

  it('counts 56 safeguards in IG1, 130 in IG2 and all 153 in IG3, as CIS does', () => {
    const cis = FRAMEWORKS['cis_v8'].requirements;
    const inGroup = (group: 1 | 2 | 3) =>
      cis.filter((entry) => entry.implementationGroups?.includes(group)).length;
    expect([inGroup(1), inGroup(2), inGroup(3)]).toEqual([56, 130, 153]);
  });

  it('gives Implementation Groups to CIS safeguards only', () => {
    for (const id of ['soc2', 'iso27001'] as const)
      for (const entry of FRAMEWORKS[id].requirements) expect(entry.implementationGroups).toBeUndefined();
  });
});

describe('requirement', () => {
  it('finds a requirement by framework and id', () => {
    expect(requirement('iso27001', 'A.8.24')?.title).toBe('Use of cryptography');
    expect(requirement('soc2', 'CC6.1')).toMatchObject({
      id: 'CC6.1',
      group: 'Common Criteria — Logical and Physical Access Controls',
    });
    expect(requirement('cis_v8', '3.11')).toEqual({
      id: '3.11',
      title: 'Encrypt Sensitive Data at Rest',
      group: 'Data Protection',
      implementationGroups: [2, 3],
    });
  });

  it('answers undefined for an id the framework does not have', () => {
    expect(requirement('iso27001', 'A.8.35')).toBeUndefined();
    expect(requirement('soc2', 'CC10.1')).toBeUndefined();
    expect(requirement('cis_v8', '19.1')).toBeUndefined();
    // Ids are framework-scoped: an ISO id is no SOC 2 criterion.
    expect(requirement('soc2', 'A.8.24')).toBeUndefined();
    expect(requirement('iso27001', 'a.8.24')).toBeUndefined();
  });
});

describe('isFrameworkId', () => {
  it('accepts the known framework ids only', () => {
    for (const id of FRAMEWORK_IDS) expect(isFrameworkId(id)).toBe(true);
    for (const value of ['', 'SOC2', 'iso-27001', 'cis-v7', 'toString'])
      expect(isFrameworkId(value)).toBe(false);
  });
});
