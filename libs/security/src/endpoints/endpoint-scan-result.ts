import type { EndpointProblem } from './endpoint-assessment';
import type { HeaderCheck } from './header-checks';
import type { CertificateFacts, TlsVersion } from './tls-probe';

/**
 * What a scan of one URL found, as stored and as compliance reads it (its `EndpointInput`: url,
 * scannedAt, reachable, tls, headers), with the detail behind it.
 */
export interface EndpointScanResult {
  url: string;
  /** ISO 8601. */
  scannedAt: string;
  /** false when nothing answered (or the URL is refused); tls and headers are then null. */
  reachable: boolean;
  /** Why it is not reachable: the outbound failure kind and message. */
  failure: { kind: string; message: string } | null;
  /** Null for a plain http URL, or when unreachable. */
  tls: { protocols: TlsVersion[]; untestable: TlsVersion[]; certificate: CertificateFacts | null } | null;
  /** Response headers of GET on the URL, names lower-case; null when no response was read. */
  headers: Record<string, string> | null;
  /** The HTTP status of that response. */
  status: number | null;
  headerChecks: HeaderCheck[];
  problems: EndpointProblem[];
}
