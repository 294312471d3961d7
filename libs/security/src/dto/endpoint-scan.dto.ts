import { Model, Prop } from '@opsplane/core';
import { FINDING_SEVERITIES, FindingSeverity } from '@opsplane/findings';

@Model('EndpointScanRequest', 'An endpoint scan queued.')
export class EndpointScanRequestModel {
  @Prop.uuid()
  environmentId: string;

  @Prop.uuid({
    nullable: true,
    description: 'The scan’s job (GET /v1/jobs/{id}); null when one is queued already, which this joins.',
  })
  jobId: string | null;
}

@Model('EndpointFailure', 'Why an endpoint was not reached.')
export class EndpointFailureModel {
  @Prop.string({
    maxLength: 100_000,
    description: '`refused_by_policy`, `timeout`, `connection_refused`, `dns`, `tls`, `network`, …',
  })
  kind: string;

  @Prop.string({ maxLength: 100_000 })
  message: string;
}

@Model('EndpointCertificate', 'The certificate an endpoint presented.')
export class EndpointCertificateModel {
  @Prop.string({ maxLength: 100_000 })
  subject: string;

  @Prop.string({ maxLength: 100_000 })
  issuer: string;

  @Prop.string({
    maxLength: 100_000,
    isArray: true,
    description: 'As OpenSSL prints them: `DNS:example.com`, `IP Address:192.0.2.1`.',
  })
  subjectAltNames: string[];

  @Prop.string({ maxLength: 100_000, description: 'ISO 8601.' })
  validFrom: string;

  @Prop.string({ maxLength: 100_000, description: 'ISO 8601.' })
  validTo: string;

  @Prop.int({ description: 'Whole days from the scan to validTo; negative once expired.' })
  daysToExpiry: number;

  @Prop.bool()
  notYetValid: boolean;

  @Prop.bool({ description: 'The URL’s host is among the names it is issued for.' })
  hostnameMatches: boolean;

  @Prop.bool({
    description: 'The chain verifies to a trusted root (public, or SECURITY_ENDPOINT_SCAN_CA_FILE).',
  })
  chainValid: boolean;

  @Prop.string({
    maxLength: 100_000,
    nullable: true,
    description: 'OpenSSL’s reason when it does not, e.g. `CERT_HAS_EXPIRED`.',
  })
  chainError: string | null;

  @Prop.bool()
  selfSigned: boolean;

  @Prop.string({ maxLength: 100_000 })
  fingerprint256: string;
}

@Model('EndpointTls', 'What the TLS probe found.')
export class EndpointTlsModel {
  @Prop.string({
    maxLength: 100_000,
    isArray: true,
    description: 'Versions offered, oldest first, e.g. `["TLSv1.2", "TLSv1.3"]`.',
  })
  protocols: string[];

  @Prop.string({
    maxLength: 100_000,
    isArray: true,
    description: 'Versions this server’s OpenSSL cannot speak, so could not test.',
  })
  untestable: string[];

  @Prop.nested(() => EndpointCertificateModel, { nullable: true })
  certificate: EndpointCertificateModel | null;
}

@Model('EndpointHeaderCheck', 'One check of the response headers.')
export class EndpointHeaderCheckModel {
  @Prop.string({
    maxLength: 100_000,
    description: '`hsts`, `csp`, `content_type_options`, `framing`, `referrer_policy` or `leaking_header`.',
  })
  id: string;

  @Prop.string({ maxLength: 100_000, description: '`pass` or `fail`.' })
  status: string;

  @Prop.string({
    maxLength: 100_000,
    minLength: 0,
    description: 'The header judged (lower-case); empty for a passing leak check.',
  })
  header: string;

  @Prop.string({ maxLength: 100_000 })
  message: string;

  @Prop.string({ maxLength: 100_000, nullable: true })
  value: string | null;
}

@Model(
  'EndpointProblem',
  'A problem of an endpoint: each is a finding of kind `endpoint` on the environment.',
)
export class EndpointProblemModel {
  @Prop.string({
    maxLength: 100_000,
    description:
      '`endpoint_refused`, `tls_missing`, `tls_protocol_outdated`, `tls_unreachable`, `certificate_expired`, ' +
      '`certificate_expiring`, `certificate_not_yet_valid`, `certificate_chain_invalid`, ' +
      '`certificate_hostname_mismatch`, `header_missing_or_weak`, `header_leaks_version`.',
  })
  code: string;

  @Prop.enum(FINDING_SEVERITIES, 'FindingSeverity')
  severity: FindingSeverity;

  @Prop.string({
    maxLength: 100_000,
    description: 'Stable from scan to scan (the finding’s dedup key, with the URL).',
  })
  key: string;

  @Prop.string({ maxLength: 100_000 })
  title: string;

  @Prop.string({ maxLength: 100_000 })
  detail: string;
}

@Model('EndpointScanResult', 'The latest scan of one URL of an environment.')
export class EndpointScanResultModel {
  @Prop.string({ maxLength: 100_000 })
  url: string;

  @Prop.date()
  scannedAt: Date;

  @Prop.bool({ description: 'false when nothing answered, or the URL is refused by the outbound policy.' })
  reachable: boolean;

  @Prop.nested(() => EndpointFailureModel, { nullable: true })
  failure: EndpointFailureModel | null;

  @Prop.nested(() => EndpointTlsModel, { nullable: true, description: 'Null for a plain http URL.' })
  tls: EndpointTlsModel | null;

  @Prop.json({ nullable: true, description: 'Response headers of GET on the URL, names lower-case.' })
  headers: Record<string, string> | null;

  @Prop.int({ nullable: true })
  status: number | null;

  @Prop.nested(() => EndpointHeaderCheckModel, { isArray: true })
  headerChecks: EndpointHeaderCheckModel[];

  @Prop.nested(() => EndpointProblemModel, { isArray: true })
  problems: EndpointProblemModel[];
}

@Model('EndpointScanResultList', 'The latest scan of each of the environment’s endpointUrls, in their order.')
export class EndpointScanResultList {
  @Prop.nested(() => EndpointScanResultModel, { isArray: true })
  items: EndpointScanResultModel[];
}
