import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assessHeaders, type HeaderCheck, type HeaderCheckId } from './header-checks';

/** mozilla.org's HTTPS response headers as the HTTP Observatory captured them (see the fixture's README). */
const MOZILLA_ORG = (
  JSON.parse(
    readFileSync(
      join(__dirname, '../../../../test/fixtures/security/web-headers/mozilla-org.https-headers.json'),
      'utf8',
    ),
  ) as { responses: { https: { headers: Record<string, string> } } }
).responses.https.headers;

/** A response passing every check; each failing case below changes one thing. */
const GOOD: Record<string, string> = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'content-security-policy': "default-src 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

const checkOf = (headers: Record<string, string>, id: HeaderCheckId): HeaderCheck => {
  const found = assessHeaders(headers).filter((check) => check.id === id);
  if (found.length !== 1) throw new Error(`expected one ${id} check, got ${found.length}`);
  return found[0];
};
const statusOf = (headers: Record<string, string>, id: HeaderCheckId) => checkOf(headers, id).status;
const without = (name: string) => Object.fromEntries(Object.entries(GOOD).filter(([key]) => key !== name));

describe('assessHeaders on mozilla.org (captured)', () => {
  it('passes every check, reading framing from CSP frame-ancestors', () => {
    expect(assessHeaders(MOZILLA_ORG)).toEqual([
      {
        id: 'hsts',
        status: 'pass',
        header: 'strict-transport-security',
        message: 'Strict-Transport-Security max-age is 31536000 s (365 days).',
        value: 'max-age=31536000',
      },
      {
        id: 'csp',
        status: 'pass',
        header: 'content-security-policy',
        message: 'Content-Security-Policy is set.',
        value: MOZILLA_ORG['content-security-policy'],
      },
      {
        id: 'content_type_options',
        status: 'pass',
        header: 'x-content-type-options',
        message: 'X-Content-Type-Options is nosniff.',
        value: 'nosniff',
      },
      {
        id: 'framing',
        status: 'pass',
        // frame-ancestors 'none' is in its CSP; browsers obey it over X-Frame-Options: DENY.
        header: 'content-security-policy',
        message: "Content-Security-Policy frame-ancestors limits who may frame the page ('none').",
        value: MOZILLA_ORG['content-security-policy'],
      },
      {
        id: 'referrer_policy',
        status: 'pass',
        header: 'referrer-policy',
        message: 'Referrer-Policy is strict-origin-when-cross-origin.',
        value: 'strict-origin-when-cross-origin',
      },
      // `server: granian` names the product without a version; x-backend-server and via are not on
      // the OWASP list.
      expect.objectContaining({ id: 'leaking_header', status: 'pass', header: '' }) as unknown,
    ]);
  });

  it('flags the same response once it leaks versions', () => {
    const checks = assessHeaders({ ...MOZILLA_ORG, server: 'granian/1.7.4', 'x-powered-by': 'Express' });
    expect(checks.filter((check) => check.id === 'leaking_header')).toEqual([
      {
        id: 'leaking_header',
        status: 'fail',
        header: 'server',
        message: 'server: "granian/1.7.4" tells anyone what runs behind the site.',
        value: 'granian/1.7.4',
      },
      expect.objectContaining({ header: 'x-powered-by', status: 'fail', value: 'Express' }) as unknown,
    ]);
  });
});

describe('assessHeaders: Strict-Transport-Security', () => {
  it.each([
    ['max-age=15552000', 'pass'],
    ['max-age="31536000"; preload', 'pass'],
    ['includeSubDomains; MAX-AGE=63072000', 'pass'],
    ['max-age=15551999', 'fail'],
    ['max-age=0', 'fail'],
    ['includeSubDomains', 'fail'],
    ['max-age=abc', 'fail'],
    ['max-age=-1', 'fail'],
    ['max-age=31536000; max-age=31536000', 'fail'],
    // Two headers, joined by Node: not one valid directive list.
    ['max-age=31536000, max-age=31536000', 'fail'],
  ])('%s: %s', (value, status) => {
    expect(statusOf({ ...GOOD, 'strict-transport-security': value }, 'hsts')).toBe(status);
  });

  it('says what is wrong', () => {
    expect(checkOf(without('strict-transport-security'), 'hsts')).toMatchObject({
      status: 'fail',
      value: null,
      message: expect.stringContaining('not set') as unknown,
    });
    expect(checkOf({ ...GOOD, 'strict-transport-security': 'max-age=86400' }, 'hsts').message).toBe(
      'Strict-Transport-Security max-age is 86400 s (1 day), below the 180 days that protect returning visitors.',
    );
    expect(checkOf({ ...GOOD, 'strict-transport-security': 'preload' }, 'hsts').message).toContain(
      'no max-age directive',
    );
  });
});

describe('assessHeaders: Content-Security-Policy', () => {
  it('fails when absent, empty, or only report-only', () => {
    expect(statusOf(GOOD, 'csp')).toBe('pass');
    expect(statusOf(without('content-security-policy'), 'csp')).toBe('fail');
    expect(statusOf({ ...GOOD, 'content-security-policy': '   ' }, 'csp')).toBe('fail');
    expect(statusOf({ ...GOOD, 'content-security-policy': ' ; ' }, 'csp')).toBe('fail');
    const reportOnly = checkOf(
      { ...without('content-security-policy'), 'content-security-policy-report-only': "default-src 'self'" },
      'csp',
    );
    expect(reportOnly).toMatchObject({ status: 'fail', value: null });
    expect(reportOnly.message).toContain('enforces nothing');
  });
});

describe('assessHeaders: X-Content-Type-Options', () => {
  it.each([
    ['nosniff', 'pass'],
    ['NoSniff', 'pass'],
    ['nosniff, nosniff', 'pass'],
    ['sniff', 'fail'],
    ['no-sniff', 'fail'],
  ])('%s: %s', (value, status) => {
    expect(statusOf({ ...GOOD, 'x-content-type-options': value }, 'content_type_options')).toBe(status);
  });

  it('fails when absent', () => {
    expect(statusOf(without('x-content-type-options'), 'content_type_options')).toBe('fail');
  });
});

describe('assessHeaders: framing', () => {
  it.each([
    ['DENY', 'pass'],
    ['sameorigin', 'pass'],
    ['DENY, DENY', 'pass'],
    ['DENY, SAMEORIGIN', 'fail'],
    ['ALLOW-FROM https://example.com', 'fail'],
    ['ALLOWALL', 'fail'],
  ])('X-Frame-Options %s: %s', (value, status) => {
    expect(statusOf({ ...GOOD, 'x-frame-options': value }, 'framing')).toBe(status);
  });

  it('fails with neither X-Frame-Options nor frame-ancestors', () => {
    expect(checkOf(without('x-frame-options'), 'framing')).toMatchObject({
      status: 'fail',
      header: 'x-frame-options',
      value: null,
    });
  });

  it('takes CSP frame-ancestors over X-Frame-Options, as browsers do', () => {
    const noXfo = without('x-frame-options');
    const withAncestors = (policy: string) => ({ ...noXfo, 'content-security-policy': policy });
    expect(checkOf(withAncestors("default-src 'self'; frame-ancestors 'self'"), 'framing')).toMatchObject({
      status: 'pass',
      header: 'content-security-policy',
    });
    expect(
      statusOf(withAncestors("default-src 'self'; frame-ancestors https://app.example.com"), 'framing'),
    ).toBe('pass');
    // An empty source list allows no one.
    expect(statusOf(withAncestors("default-src 'self'; frame-ancestors"), 'framing')).toBe('pass');
    // Any site may frame: X-Frame-Options: DENY beside it does not help.
    expect(statusOf({ ...GOOD, 'content-security-policy': 'frame-ancestors *' }, 'framing')).toBe('fail');
    expect(statusOf(withAncestors('frame-ancestors https:'), 'framing')).toBe('fail');
    // Two policies (two headers, joined): the restricting one decides.
    expect(statusOf(withAncestors("frame-ancestors *, frame-ancestors 'none'"), 'framing')).toBe('pass');
  });
});

describe('assessHeaders: Referrer-Policy', () => {
  it.each([
    ['no-referrer', 'pass'],
    ['strict-origin', 'pass'],
    ['no-referrer-when-downgrade', 'pass'],
    ['unsafe-url', 'fail'],
    ['always', 'fail'],
    // The last valid token applies; unknown ones are skipped.
    ['no-referrer, some-future-policy', 'pass'],
    ['no-referrer, unsafe-url', 'fail'],
    ['unsafe-url, strict-origin-when-cross-origin', 'pass'],
  ])('%s: %s', (value, status) => {
    expect(statusOf({ ...GOOD, 'referrer-policy': value }, 'referrer_policy')).toBe(status);
  });

  it('fails when absent', () => {
    expect(checkOf(without('referrer-policy'), 'referrer_policy')).toMatchObject({
      status: 'fail',
      value: null,
    });
  });
});

describe('assessHeaders: leaking headers (OWASP Secure Headers remove list)', () => {
  it('flags each listed header with a value, in the list order', () => {
    const leaks = assessHeaders({
      ...GOOD,
      'x-powered-by': 'PHP/8.1.2',
      'x-aspnet-version': '4.0.30319',
      'x-generator': 'Drupal 10',
      // Listed but empty: reveals nothing.
      'x-cms': '',
    }).filter((check) => check.id === 'leaking_header');
    expect(leaks.map(({ header, status }) => [header, status])).toEqual([
      ['x-aspnet-version', 'fail'],
      ['x-generator', 'fail'],
      ['x-powered-by', 'fail'],
    ]);
  });

  it('flags Server only with a version in it', () => {
    const leakOf = (server: string) =>
      assessHeaders({ ...GOOD, server }).filter((check) => check.id === 'leaking_header');
    expect(leakOf('nginx')).toEqual([expect.objectContaining({ status: 'pass' })]);
    expect(leakOf('cloudflare')).toEqual([expect.objectContaining({ status: 'pass' })]);
    expect(leakOf('nginx/1.18.0')).toEqual([expect.objectContaining({ status: 'fail', header: 'server' })]);
    expect(leakOf('Apache/2.4.41 (Ubuntu)')).toEqual([expect.objectContaining({ status: 'fail' })]);
  });

  it('compares header names case-insensitively', () => {
    const checks = assessHeaders({
      'Strict-Transport-Security': 'max-age=31536000',
      'X-Powered-By': 'Express',
    });
    expect(checks.find((check) => check.id === 'hsts')?.status).toBe('pass');
    expect(checks.find((check) => check.id === 'leaking_header')).toMatchObject({
      status: 'fail',
      header: 'x-powered-by',
    });
  });
});

describe('assessHeaders on an empty response', () => {
  it('fails the five security header checks and finds no leak', () => {
    expect(assessHeaders({}).map(({ id, status }) => [id, status])).toEqual([
      ['hsts', 'fail'],
      ['csp', 'fail'],
      ['content_type_options', 'fail'],
      ['framing', 'fail'],
      ['referrer_policy', 'fail'],
      ['leaking_header', 'pass'],
    ]);
  });
});
