import { assessEndpoint, type EndpointProblem } from './endpoint-assessment';
import { assessHeaders, type HeaderCheck } from './header-checks';
import type { CertificateFacts, TlsProbe, TlsUnreachable } from './tls-probe';

const CERTIFICATE: CertificateFacts = {
  subject: 'CN=shop.example.com',
  issuer: "CN=R11, O=Let's Encrypt, C=US",
  subjectAltNames: ['DNS:shop.example.com'],
  validFrom: '2026-10-01T00:00:00.000Z',
  validTo: '2027-01-01T00:00:00.000Z',
  daysToExpiry: 60,
  notYetValid: false,
  hostnameMatches: true,
  chainValid: true,
  chainError: null,
  selfSigned: false,
  fingerprint256: 'AB:CD',
};

const probeWith = (
  certificate: Partial<CertificateFacts> | null,
  protocols = ['TLSv1.2', 'TLSv1.3'],
): TlsProbe => ({
  reachable: true,
  protocols: protocols as TlsProbe['protocols'],
  untestable: [],
  certificate: certificate === null ? null : { ...CERTIFICATE, ...certificate },
});

const GOOD_HEADERS = assessHeaders({
  'strict-transport-security': 'max-age=31536000',
  'content-security-policy': "default-src 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
});

const summary = (problems: EndpointProblem[]) =>
  problems.map(({ code, severity, key }) => [code, severity, key]);

describe('assessEndpoint', () => {
  it('finds nothing wrong with a modern, valid endpoint', () => {
    expect(assessEndpoint(probeWith({}), GOOD_HEADERS)).toEqual([]);
    expect(assessEndpoint(probeWith({}), null)).toEqual([]);
  });

  it('reports each outdated version offered as high, keyed by version', () => {
    const problems = assessEndpoint(probeWith({}, ['TLSv1', 'TLSv1.1', 'TLSv1.2']), GOOD_HEADERS);
    expect(summary(problems)).toEqual([
      ['tls_protocol_outdated', 'high', 'tls:TLSv1'],
      ['tls_protocol_outdated', 'high', 'tls:TLSv1.1'],
    ]);
    expect(problems[0].title).toBe('TLSv1 is offered');
  });

  it('reports an unreachable endpoint: high when TLS itself fails, medium for the network', () => {
    const unreachable = (failure: TlsUnreachable['failure']): TlsUnreachable => ({
      reachable: false,
      failure,
      message: 'details',
      untestable: [],
    });
    expect(assessEndpoint(unreachable('tls'), null)).toEqual([
      {
        code: 'tls_unreachable',
        severity: 'high',
        key: 'tls:unreachable',
        title: 'No TLS handshake succeeds',
        detail: 'tls: details',
      },
    ]);
    expect(summary(assessEndpoint(unreachable('timeout'), null))).toEqual([
      ['tls_unreachable', 'medium', 'tls:unreachable'],
    ]);
    expect(summary(assessEndpoint(unreachable('connection_refused'), null))).toEqual([
      ['tls_unreachable', 'medium', 'tls:unreachable'],
    ]);
  });

  describe('certificate validity, under one key so a finding escalates', () => {
    const thresholds = { expiryWarnDays: 30, expiryFailDays: 14 };
    it.each([
      [30, []],
      [29, [['certificate_expiring', 'medium', 'certificate:validity']]],
      [14, [['certificate_expiring', 'medium', 'certificate:validity']]],
      [13, [['certificate_expiring', 'high', 'certificate:validity']]],
      [0, [['certificate_expiring', 'high', 'certificate:validity']]],
      [-1, [['certificate_expired', 'critical', 'certificate:validity']]],
    ])('%i days to expiry', (daysToExpiry, expected) => {
      expect(summary(assessEndpoint(probeWith({ daysToExpiry }), null, thresholds))).toEqual(expected);
    });

    it('uses the thresholds given', () => {
      const problems = assessEndpoint(probeWith({ daysToExpiry: 50 }), null, {
        expiryWarnDays: 60,
        expiryFailDays: 55,
      });
      expect(summary(problems)).toEqual([['certificate_expiring', 'high', 'certificate:validity']]);
      expect(problems[0].title).toBe('The certificate expires in 50 days');
    });

    it('reports a certificate not valid yet', () => {
      expect(summary(assessEndpoint(probeWith({ notYetValid: true, daysToExpiry: 400 }), null))).toEqual([
        ['certificate_not_yet_valid', 'high', 'certificate:validity'],
      ]);
    });

    it("does not report OpenSSL's expiry error a second time as an invalid chain", () => {
      const expired = probeWith({ daysToExpiry: -3, chainValid: false, chainError: 'CERT_HAS_EXPIRED' });
      expect(summary(assessEndpoint(expired, null))).toEqual([
        ['certificate_expired', 'critical', 'certificate:validity'],
      ]);
    });
  });

  it('reports an untrusted or self-signed chain and a host name mismatch as high', () => {
    const problems = assessEndpoint(
      probeWith({
        chainValid: false,
        chainError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
        selfSigned: true,
        hostnameMatches: false,
        subjectAltNames: ['DNS:other.example'],
      }),
      null,
    );
    expect(summary(problems)).toEqual([
      ['certificate_chain_invalid', 'high', 'certificate:chain'],
      ['certificate_hostname_mismatch', 'high', 'certificate:hostname'],
    ]);
    expect(problems[0].title).toBe('The certificate is self-signed');
    expect(problems[0].detail).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(problems[1].detail).toContain('DNS:other.example');
  });

  it('reports a handshake without a certificate', () => {
    expect(summary(assessEndpoint(probeWith(null), null))).toEqual([
      ['certificate_chain_invalid', 'high', 'certificate:chain'],
    ]);
  });

  it('turns failing header checks into problems: HSTS and CSP medium, the others low, leaks low', () => {
    const checks = assessHeaders({ server: 'nginx/1.18.0', 'x-powered-by': 'Express' });
    expect(summary(assessEndpoint(probeWith({}), checks))).toEqual([
      ['header_missing_or_weak', 'medium', 'header:hsts'],
      ['header_missing_or_weak', 'medium', 'header:csp'],
      ['header_missing_or_weak', 'low', 'header:content_type_options'],
      ['header_missing_or_weak', 'low', 'header:framing'],
      ['header_missing_or_weak', 'low', 'header:referrer_policy'],
      ['header_leaks_version', 'low', 'leak:server'],
      ['header_leaks_version', 'low', 'leak:x-powered-by'],
    ]);
  });

  it("carries a check's message as the problem's detail", () => {
    const weak: HeaderCheck = {
      id: 'hsts',
      status: 'fail',
      header: 'strict-transport-security',
      message: 'max-age too short',
      value: 'max-age=60',
    };
    expect(assessEndpoint(probeWith({}), [weak])).toEqual([
      {
        code: 'header_missing_or_weak',
        severity: 'medium',
        key: 'header:hsts',
        title: 'strict-transport-security is missing or weak',
        detail: 'max-age too short',
      },
    ]);
  });

  it('lists TLS, certificate and header problems together, TLS first', () => {
    const problems = assessEndpoint(
      probeWith({ daysToExpiry: 5, hostnameMatches: false }, ['TLSv1.1', 'TLSv1.2']),
      assessHeaders({ 'x-powered-by': 'PHP/8.1' }),
    );
    expect(problems.map(({ key }) => key)).toEqual([
      'tls:TLSv1.1',
      'certificate:validity',
      'certificate:hostname',
      'header:hsts',
      'header:csp',
      'header:content_type_options',
      'header:framing',
      'header:referrer_policy',
      'leak:x-powered-by',
    ]);
  });
});
