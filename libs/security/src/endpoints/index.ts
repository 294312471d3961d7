/**
 * The endpoint part of a security scan, without Nest or a database: which TLS versions an HTTPS
 * endpoint offers and what its certificate is worth (`probeTls`, given a target `OutboundHttp`
 * has checked and resolved), how its response headers rate (`assessHeaders`), and the problems
 * both add up to (`assessEndpoint`).
 */
export {
  probeTls,
  TLS_VERSIONS,
  type CertificateFacts,
  type CheckedTarget,
  type TlsFailureKind,
  type TlsProbe,
  type TlsProbeOptions,
  type TlsProbeResult,
  type TlsUnreachable,
  type TlsVersion,
} from './tls-probe';
export {
  assessHeaders,
  HSTS_MIN_MAX_AGE_SECONDS,
  type HeaderCheck,
  type HeaderCheckId,
} from './header-checks';
export {
  assessEndpoint,
  DEFAULT_EXPIRY_THRESHOLDS,
  refusedEndpoint,
  type EndpointProblem,
  type EndpointProblemCode,
  type ExpiryThresholds,
} from './endpoint-assessment';
