import { isIP } from 'node:net';
import {
  checkServerIdentity,
  connect,
  type PeerCertificate,
  type SecureVersion,
  type TLSSocket,
} from 'node:tls';

/** The versions probed, oldest first. SSLv3 is not among them: OpenSSL 3 cannot speak it at all. */
export const TLS_VERSIONS = [
  'TLSv1',
  'TLSv1.1',
  'TLSv1.2',
  'TLSv1.3',
] as const satisfies readonly SecureVersion[];
export type TlsVersion = (typeof TLS_VERSIONS)[number];

/**
 * An endpoint as the caller checked it: `OutboundHttp`'s SSRF policy has passed the URL and the
 * address its host resolved to. The probe connects to `address` and never resolves `url` again, so
 * DNS cannot lead it elsewhere between the check and the connection.
 */
export interface CheckedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

export interface TlsProbeOptions {
  /** Time for one handshake, TCP connect included. */
  timeoutMs: number;
  /** The scan's time (the app's `Clock`): days to expiry and "not yet valid" are judged at it. */
  now: Date;
  /**
   * Aborting stops every handshake and rejects with the signal's reason: a cancelled scan has
   * learnt nothing about the endpoint, so it must not report it unreachable.
   */
  signal?: AbortSignal;
  /**
   * For tests only: the PEM certificates to trust instead of Node's CA store. A scan judges chains
   * against the public roots, as browsers do.
   */
  ca?: string[];
}

export interface TlsProbe {
  reachable: true;
  /** The versions a handshake completed with, oldest first. */
  protocols: TlsVersion[];
  /**
   * The versions this process's OpenSSL cannot speak at all (it refused to start the handshake):
   * whether the endpoint offers them is unknown, and they are not in `protocols`.
   */
  untestable: TlsVersion[];
  /** The certificate presented in the handshake of the newest version; null when none was presented. */
  certificate: CertificateFacts | null;
}

export interface CertificateFacts {
  /** The distinguished name as `CN=…, O=…`, in the certificate's order. */
  subject: string;
  issuer: string;
  /** As OpenSSL prints them: `DNS:example.com`, `IP Address:192.0.2.1`. */
  subjectAltNames: string[];
  /** ISO 8601. */
  validFrom: string;
  validTo: string;
  /** Whole days from `now` to `validTo`, rounded down: negative once expired. */
  daysToExpiry: number;
  /** `validFrom` is after `now`. */
  notYetValid: boolean;
  /** The URL's host name (or IP literal) is among the names the certificate is issued for. */
  hostnameMatches: boolean;
  /** OpenSSL verified the chain up to a trusted root. The host name plays no part in this. */
  chainValid: boolean;
  /**
   * OpenSSL's reason when the chain is not valid (`CERT_HAS_EXPIRED`, `DEPTH_ZERO_SELF_SIGNED_CERT`,
   * `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, …). OpenSSL reports one reason, the last it found: an expired
   * certificate says `CERT_HAS_EXPIRED` whether or not its chain is trusted.
   */
  chainError: string | null;
  /** Issuer and subject are the same name. */
  selfSigned: boolean;
  /** SHA-256 of the certificate, `AB:CD:…`. */
  fingerprint256: string;
}

export type TlsFailureKind =
  'timeout' | 'connection_refused' | 'connection_reset' | 'unreachable' | 'tls' | 'network';

export interface TlsUnreachable {
  reachable: false;
  failure: TlsFailureKind;
  /** For people: what went wrong with the handshake of the newest version tried. */
  message: string;
  untestable: TlsVersion[];
}

export type TlsProbeResult = TlsProbe | TlsUnreachable;

/** What one handshake, for one version, found. */
type Handshake = Offered | NotOffered;

interface Offered {
  version: TlsVersion;
  offered: true;
  certificate: CertificateFacts | null;
}

interface NotOffered {
  version: TlsVersion;
  offered: false;
  untestable: boolean;
  failure: TlsFailureKind;
  message: string;
}

/**
 * Which TLS versions an endpoint offers, and what its certificate is worth. One handshake per
 * version, each allowing that version only (a client offering several would learn only the newest
 * the server accepts); the four run at once. A version the server declines, for whatever reason
 * (protocol alert, no common cipher, reset), counts as not offered. When no version completes, the
 * endpoint is reported unreachable with the failure of the newest version tried. Network problems
 * are results, never exceptions; only an aborted `signal` rejects.
 *
 * TLS 1.0 and 1.1 are tried with OpenSSL's security level 0: at the default level OpenSSL 3 refuses
 * the SHA-1 signatures and ciphers those versions need, and the server would look as if it did not
 * offer them. A version the local OpenSSL cannot speak at all (built or configured without it) is
 * listed in `untestable`, not passed off as "not offered".
 *
 * The certificate is read without rejecting it (`rejectUnauthorized: false`), so that an invalid
 * chain is described rather than failing the handshake.
 */
export async function probeTls(target: CheckedTarget, options: TlsProbeOptions): Promise<TlsProbeResult> {
  options.signal?.throwIfAborted();
  const handshakes = await Promise.all(TLS_VERSIONS.map((version) => handshake(target, version, options)));
  options.signal?.throwIfAborted();

  const untestable = handshakes
    .filter((each) => !each.offered && each.untestable)
    .map((each) => each.version);
  const offered = handshakes.filter((each): each is Offered => each.offered);
  const newestOffered = offered.at(-1);
  if (newestOffered) {
    return {
      reachable: true,
      protocols: offered.map((each) => each.version),
      untestable,
      certificate: newestOffered.certificate,
    };
  }
  // A refused connection or a timeout fails every version alike. When they differ, the newest
  // version's failure is the one a current client would meet.
  const newestTried = handshakes
    .filter((each): each is NotOffered => !each.offered && !each.untestable)
    .at(-1);
  if (!newestTried) {
    return {
      reachable: false,
      failure: 'tls',
      message: `this process's OpenSSL can speak none of ${TLS_VERSIONS.join(', ')}`,
      untestable,
    };
  }
  return { reachable: false, failure: newestTried.failure, message: newestTried.message, untestable };
}

/** OpenSSL 3's default level refuses what TLS 1.0 and 1.1 servers use; level 0 allows it (see probeTls). */
const LEGACY_CIPHERS = 'DEFAULT@SECLEVEL=0';

function handshake(target: CheckedTarget, version: TlsVersion, options: TlsProbeOptions): Promise<Handshake> {
  const hostname = bareHostname(target.url);
  return new Promise((resolve) => {
    let socket: TLSSocket;
    try {
      socket = connect({
        // An IP literal: net connects to it without a lookup.
        host: target.address,
        port: httpsPort(target.url),
        // SNI carries a host name only (RFC 6066); an IP literal URL sends none.
        servername: isIP(hostname) === 0 ? hostname : undefined,
        minVersion: version,
        maxVersion: version,
        ...((version === 'TLSv1' || version === 'TLSv1.1') && { ciphers: LEGACY_CIPHERS }),
        rejectUnauthorized: false,
        // Node would otherwise fold a host name mismatch into `authorized`; the probe reports the
        // chain and the host name separately.
        checkServerIdentity: () => undefined,
        ...(options.ca && { ca: options.ca }),
      });
    } catch (error) {
      // Only bad options throw here (e.g. a `ca` that is not PEM).
      resolve(notOffered(version, error));
      return;
    }

    let settled = false;
    const finish = (result: Handshake) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // Always: the probe only looks at the handshake, and an open socket would keep the process busy.
      socket.destroy();
      resolve(result);
    };
    const onAbort = () =>
      finish({ version, offered: false, untestable: false, failure: 'network', message: 'aborted' });
    const timer = setTimeout(
      () =>
        finish({
          version,
          offered: false,
          untestable: false,
          failure: 'timeout',
          message: `no ${version} handshake within ${options.timeoutMs} ms`,
        }),
      options.timeoutMs,
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });

    socket.once('secureConnect', () => {
      try {
        finish({ version, offered: true, certificate: certificateFacts(socket, hostname, options.now) });
      } catch (error) {
        // Not expected (Node's certificate fields have one format); a throw here would be uncaught.
        finish(notOffered(version, error));
      }
    });
    // Kept after `finish`: an error event without a listener would crash the process.
    socket.on('error', (error) => finish(notOffered(version, error)));
  });
}

function certificateFacts(socket: TLSSocket, hostname: string, now: Date): CertificateFacts | null {
  const peer = socket.getPeerCertificate(true);
  // An empty object when the server presented no certificate.
  if (!peer.raw) return null;
  const validFrom = certificateDate(peer.valid_from);
  const validTo = certificateDate(peer.valid_to);
  const subject = distinguishedName(peer.subject);
  const issuer = distinguishedName(peer.issuer);
  return {
    subject,
    issuer,
    subjectAltNames: peer.subjectaltname ? peer.subjectaltname.split(', ') : [],
    validFrom: validFrom.toISOString(),
    validTo: validTo.toISOString(),
    daysToExpiry: Math.floor((validTo.getTime() - now.getTime()) / DAY_MS),
    notYetValid: validFrom.getTime() > now.getTime(),
    hostnameMatches: checkServerIdentity(hostname, peer) === undefined,
    chainValid: socket.authorized,
    chainError: socket.authorized ? null : authorizationErrorOf(socket),
    selfSigned: subject === issuer,
    fingerprint256: peer.fingerprint256,
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** `CN=localhost, O=Example`; an attribute with several values (two OUs) as `OU=a+b`. */
function distinguishedName(name: PeerCertificate['subject'] | undefined): string {
  const attributes = Object.entries((name ?? {}) as Record<string, string | string[]>);
  return attributes
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Node gives certificate dates as OpenSSL prints them, `Dec  7 01:50:19 2026 GMT` (day padded with
 * a space, seconds possibly with a fraction). Read explicitly rather than by `Date`'s lenient
 * parser, whose handling of such strings the language does not define.
 */
function certificateDate(text: string): Date {
  const match = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? (\d{4}) GMT$/.exec(text);
  const month = match ? MONTHS.indexOf(match[1]) : -1;
  if (!match || month === -1) throw new Error(`unreadable certificate date "${text}"`);
  const [, , day, hours, minutes, seconds, year] = match.map(Number);
  return new Date(Date.UTC(year, month, day, hours, minutes, seconds));
}

/** Node's `authorizationError` is OpenSSL's code as a string at run time, though typed as an Error. */
function authorizationErrorOf(socket: TLSSocket): string {
  const error: unknown = socket.authorizationError;
  if (typeof error === 'string') return error;
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return 'unknown verification error';
}

const FAILURE_BY_CODE: Record<string, TlsFailureKind> = {
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  ETIMEDOUT: 'timeout',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EADDRNOTAVAIL: 'unreachable',
};

/**
 * Errors OpenSSL raises before sending anything, because it will not speak the version asked for
 * with the ciphers allowed: a fact about this process, not about the endpoint.
 */
const LOCAL_LIMITATIONS = new Set(['ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'ERR_SSL_NO_CIPHERS_AVAILABLE']);

/** Whether a handshake failed on this side, before reaching the endpoint (see LOCAL_LIMITATIONS). */
export function isLocalTlsLimitation(error: unknown): boolean {
  return LOCAL_LIMITATIONS.has(errorCode(error));
}

function notOffered(version: TlsVersion, error: unknown): NotOffered {
  const code = errorCode(error);
  // OpenSSL's `reason` ("no protocols available") reads better than its message, which carries
  // addresses and source file names.
  const reason = (error as { reason?: unknown } | undefined)?.reason;
  const text = typeof reason === 'string' ? reason : error instanceof Error ? error.message : String(error);
  const failure =
    FAILURE_BY_CODE[code] ?? (/SSL|TLS|CERT/.test(code) || /SSL|TLS/.test(text) ? 'tls' : 'network');
  return {
    version,
    offered: false,
    untestable: isLocalTlsLimitation(error),
    failure,
    message: code ? `${code}: ${text}` : text,
  };
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : '';
}

/** `url.hostname` without the brackets of an IPv6 literal, as `checkServerIdentity` wants it. */
function bareHostname(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function httpsPort(url: URL): number {
  return url.port === '' ? 443 : Number(url.port);
}
