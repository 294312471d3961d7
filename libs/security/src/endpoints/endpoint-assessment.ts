import type { FindingSeverity } from '@opsplane/findings';
import type { HeaderCheck, HeaderCheckId } from './header-checks';
import type { CertificateFacts, TlsProbeResult } from './tls-probe';

export type EndpointProblemCode =
  | 'endpoint_refused'
  | 'tls_missing'
  | 'tls_protocol_outdated'
  | 'tls_unreachable'
  | 'certificate_expired'
  | 'certificate_expiring'
  | 'certificate_not_yet_valid'
  | 'certificate_chain_invalid'
  | 'certificate_hostname_mismatch'
  | 'header_missing_or_weak'
  | 'header_leaks_version';

export interface EndpointProblem {
  code: EndpointProblemCode;
  severity: FindingSeverity;
  /**
   * What the problem is about, stable from scan to scan, for deduplicating findings: `tls:TLSv1.1`,
   * `certificate:validity`, `header:hsts`, `leak:x-powered-by`. It names the subject, not the
   * verdict, so a certificate going from expiring to expired stays one finding whose severity rises.
   */
  key: string;
  title: string;
  detail: string;
}

/** Days before `validTo` at which a certificate counts as expiring. */
export interface ExpiryThresholds {
  /** Below this, a medium problem: time to renew. */
  expiryWarnDays: number;
  /** Below this, a high one: renewal is late. */
  expiryFailDays: number;
}

export const DEFAULT_EXPIRY_THRESHOLDS: ExpiryThresholds = { expiryWarnDays: 30, expiryFailDays: 14 };

/**
 * The problems of one endpoint, from its TLS probe (null for a plain `http:` URL, which has no
 * TLS to probe) and the checks of its response headers (null when no response was read; then only
 * TLS is judged). Pure: the dates were judged by the probe, at the scan's time. Passing checks
 * give no problem; an endpoint with none returns `[]`.
 */
export function assessEndpoint(
  probe: TlsProbeResult | null,
  headerChecks: readonly HeaderCheck[] | null,
  thresholds: ExpiryThresholds = DEFAULT_EXPIRY_THRESHOLDS,
): EndpointProblem[] {
  const tls = probe ? tlsProblems(probe, thresholds) : [PLAIN_HTTP];
  return [...tls, ...headerProblems(headerChecks ?? [])];
}

const PLAIN_HTTP: EndpointProblem = {
  code: 'tls_missing',
  severity: 'high',
  key: 'tls:missing',
  title: 'The endpoint is served without TLS',
  detail:
    'The URL is http: traffic, credentials and cookies cross the network in clear text. Serve it over https.',
};

/** A URL the outbound policy refuses to contact (metadata ranges, the service itself, private ranges not allowed). */
export function refusedEndpoint(reason: string): EndpointProblem {
  return {
    code: 'endpoint_refused',
    severity: 'medium',
    key: 'endpoint:refused',
    title: 'The endpoint URL is refused by the outbound policy',
    detail: `${reason}. Fix the environment's endpointUrls, or allow the range with OUTBOUND_ALLOW_CIDRS.`,
  };
}

/** TLS 1.0 and 1.1: deprecated by RFC 8996, refused by current browsers. */
const OUTDATED_PROTOCOLS = new Set(['TLSv1', 'TLSv1.1']);

function tlsProblems(probe: TlsProbeResult, thresholds: ExpiryThresholds): EndpointProblem[] {
  if (!probe.reachable) {
    // A server that answers but completes no handshake turns every client away: a TLS defect. A
    // refused connection or a timeout may be an outage, and says nothing about its security.
    const tlsDefect = probe.failure === 'tls';
    return [
      {
        code: 'tls_unreachable',
        severity: tlsDefect ? 'high' : 'medium',
        key: 'tls:unreachable',
        title: tlsDefect ? 'No TLS handshake succeeds' : 'The endpoint could not be reached',
        detail: `${probe.failure}: ${probe.message}`,
      },
    ];
  }
  const problems: EndpointProblem[] = probe.protocols
    .filter((version) => OUTDATED_PROTOCOLS.has(version))
    .map((version) => ({
      code: 'tls_protocol_outdated',
      severity: 'high',
      key: `tls:${version}`,
      title: `${version} is offered`,
      detail: `${version} is deprecated (RFC 8996): it lacks modern cipher suites and is refused by current browsers. Offer TLSv1.2 and TLSv1.3 only.`,
    }));
  if (probe.certificate === null) {
    problems.push({
      code: 'certificate_chain_invalid',
      severity: 'high',
      key: 'certificate:chain',
      title: 'No certificate is presented',
      detail:
        'The server completed the handshake without a certificate, so clients cannot tell who they talk to.',
    });
    return problems;
  }
  return [...problems, ...certificateProblems(probe.certificate, thresholds)];
}

/**
 * OpenSSL reports a single reason for a chain that does not verify, and the validity period is
 * checked last: an expired certificate says only CERT_HAS_EXPIRED, trusted chain or not. That
 * case is the expiry problem; whether the chain is trusted shows once the certificate is renewed.
 */
const VALIDITY_PERIOD_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

function certificateProblems(certificate: CertificateFacts, thresholds: ExpiryThresholds): EndpointProblem[] {
  const problems: EndpointProblem[] = [];
  const validity = validityProblem(certificate, thresholds);
  if (validity) problems.push(validity);
  if (!certificate.chainValid && !VALIDITY_PERIOD_ERRORS.has(certificate.chainError ?? '')) {
    problems.push({
      code: 'certificate_chain_invalid',
      severity: 'high',
      key: 'certificate:chain',
      title: certificate.selfSigned
        ? 'The certificate is self-signed'
        : 'The certificate chain is not trusted',
      detail: `Verification failed with ${certificate.chainError ?? 'an unknown error'} (issuer ${certificate.issuer}): clients refuse the connection or teach users to click through warnings.`,
    });
  }
  if (!certificate.hostnameMatches) {
    problems.push({
      code: 'certificate_hostname_mismatch',
      severity: 'high',
      key: 'certificate:hostname',
      title: 'The certificate is not issued for this host',
      detail: `The certificate names ${certificate.subjectAltNames.join(', ') || certificate.subject}, not the endpoint's host.`,
    });
  }
  return problems;
}

function validityProblem(
  certificate: CertificateFacts,
  thresholds: ExpiryThresholds,
): EndpointProblem | null {
  const { daysToExpiry, validFrom, validTo } = certificate;
  const key = 'certificate:validity';
  if (daysToExpiry < 0) {
    return {
      code: 'certificate_expired',
      severity: 'critical',
      key,
      title: 'The certificate has expired',
      detail: `It expired on ${validTo}; clients refuse the connection.`,
    };
  }
  if (certificate.notYetValid) {
    return {
      code: 'certificate_not_yet_valid',
      severity: 'high',
      key,
      title: 'The certificate is not valid yet',
      detail: `It is valid from ${validFrom}; until then clients refuse the connection.`,
    };
  }
  if (daysToExpiry < thresholds.expiryWarnDays) {
    const late = daysToExpiry < thresholds.expiryFailDays;
    return {
      code: 'certificate_expiring',
      severity: late ? 'high' : 'medium',
      key,
      title: `The certificate expires in ${daysToExpiry} days`,
      detail: `It expires on ${validTo}; renew it ${late ? 'now' : 'soon'} (warning below ${thresholds.expiryWarnDays} days, high below ${thresholds.expiryFailDays}).`,
    };
  }
  return null;
}

/** HSTS and CSP defend against downgrades and script injection; the others harden at the margins. */
const HEADER_SEVERITY: Record<Exclude<HeaderCheckId, 'leaking_header'>, FindingSeverity> = {
  hsts: 'medium',
  csp: 'medium',
  content_type_options: 'low',
  framing: 'low',
  referrer_policy: 'low',
};

function headerProblems(checks: readonly HeaderCheck[]): EndpointProblem[] {
  return checks
    .filter((check) => check.status === 'fail')
    .map((check): EndpointProblem => {
      if (check.id === 'leaking_header') {
        return {
          code: 'header_leaks_version',
          severity: 'low',
          key: `leak:${check.header}`,
          title: `The ${check.header} header gives away what runs behind the site`,
          detail: check.message,
        };
      }
      return {
        code: 'header_missing_or_weak',
        severity: HEADER_SEVERITY[check.id],
        key: `header:${check.id}`,
        title: `${check.header} is missing or weak`,
        detail: check.message,
      };
    });
}
