import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** One entry of OUTBOUND_ALLOW_CIDRS, parsed: `127.0.0.1/32`, `10.20.0.0/16`, `fd00::/8`. */
export interface CidrRange {
  /** As written in the configuration, normalised (`10.20.0.0/16`). */
  text: string;
  range: [Address, number];
}

/** Why an outbound URL or address is refused; each has a sentence for humans in `REFUSAL_MESSAGES`. */
export type RefusalReason =
  | 'invalid_url'
  | 'scheme'
  | 'credentials'
  | 'loopback'
  | 'link_local'
  | 'private'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'carrier_grade_nat'
  | 'reserved'
  | 'own_address'
  | 'unresolvable';

export const REFUSAL_MESSAGES: Record<RefusalReason, string> = {
  invalid_url: 'is not a valid absolute URL',
  scheme: 'must use http or https',
  credentials: 'must not carry credentials (user:password@)',
  loopback: 'resolves to a loopback address',
  link_local: 'resolves to a link-local address (this includes cloud metadata endpoints)',
  private: 'resolves to a private address',
  unspecified: 'resolves to an unspecified address',
  multicast: 'resolves to a multicast address',
  broadcast: 'resolves to the broadcast address',
  carrier_grade_nat: 'resolves to a carrier-grade NAT address (100.64.0.0/10)',
  reserved: 'resolves to a reserved or non-global address',
  own_address: "is this service's own address",
  unresolvable: 'has a host name that does not resolve',
};

export interface Refusal {
  reason: RefusalReason;
  /** The offending address, when the refusal is about one. */
  address?: string;
}

/**
 * Parses a comma-separated CIDR list. Returns the ranges and, separately, each entry that is not a
 * CIDR (a bare address counts as /32 or /128), so configuration can report them all at once.
 */
export function parseCidrList(text: string | undefined): { ranges: CidrRange[]; invalid: string[] } {
  const ranges: CidrRange[] = [];
  const invalid: string[] = [];
  for (const entry of (text ?? '').split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const withPrefix = entry.includes('/') ? entry : `${entry}/${entry.includes(':') ? 128 : 32}`;
    const [host] = withPrefix.split('/');
    // isIP: only the canonical forms (no `127.1`, no octal) are accepted in configuration.
    if (isIP(host) === 0) {
      invalid.push(entry);
      continue;
    }
    try {
      const [address, bits] = ipaddr.parseCIDR(withPrefix);
      const normalised = ipaddr.process(address.toString());
      const prefix = normalised.kind() !== address.kind() ? bits - 96 : bits;
      if (prefix < 0) throw new Error('prefix');
      ranges.push({ text: `${normalised.toString()}/${prefix}`, range: [normalised, prefix] });
    } catch {
      invalid.push(entry);
    }
  }
  return { ranges, invalid };
}

/** The IANA global unicast block; every other IPv6 address is refused unless allowed. */
const IPV6_GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

const REASON_BY_RANGE: Record<string, RefusalReason> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link_local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier_grade_nat',
  private: 'private',
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'private',
};

/**
 * Why connecting to `address` (an IP literal) is refused by the default policy, or undefined when it
 * is a global unicast address. IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is judged as the IPv4 address
 * it maps. Only the allow list (`OutboundPolicy`) lifts a refusal.
 */
export function classifyAddress(address: string): RefusalReason | undefined {
  const parsed = parseAddress(address);
  if (!parsed) return 'reserved';
  const range = parsed.range();
  if (range === 'unicast') {
    if (parsed.kind() === 'ipv6' && !parsed.match(IPV6_GLOBAL_UNICAST)) return 'reserved';
    return undefined;
  }
  return REASON_BY_RANGE[range] ?? 'reserved';
}

/** An IP literal (no brackets) as ipaddr's object, IPv4-mapped IPv6 turned into its IPv4. */
function parseAddress(address: string): Address | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  // Zone ids (fe80::1%eth0) are link-local by definition.
  const unzoned = bare.split('%')[0];
  if (isIP(unzoned) === 0) return undefined;
  return ipaddr.process(unzoned);
}

/**
 * The SSRF policy every outbound request of Opsplane follows (OutboundHttp, and the save-time
 * check of user-given URLs): http(s) only, no credentials in the URL, and every address the host
 * resolves to must be global unicast, or inside an allowed CIDR; never the service's own listening
 * address (address and port), whatever the allow list says.
 */
export class OutboundPolicy {
  constructor(
    private readonly allowed: readonly CidrRange[],
    /** host:port pairs this process listens on; `ownAddresses()` computes them from HttpConfig. */
    private readonly own: ReadonlySet<string> = new Set(),
  ) {}

  /** What the URL alone tells (scheme, credentials), before any resolution. */
  checkUrl(raw: string): { url: URL } | { refusal: Refusal } {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { refusal: { reason: 'invalid_url' } };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { refusal: { reason: 'scheme' } };
    if (url.username !== '' || url.password !== '') return { refusal: { reason: 'credentials' } };
    if (url.hostname === '') return { refusal: { reason: 'invalid_url' } };
    return { url };
  }

  /** Whether connecting to `address` on `port` is allowed. */
  checkAddress(address: string, port: number): Refusal | undefined {
    const parsed = parseAddress(address);
    if (!parsed) return { reason: 'reserved', address };
    const text = parsed.toString();
    if (this.own.has(`${text}:${port}`)) return { reason: 'own_address', address: text };
    const reason = classifyAddress(text);
    if (reason === undefined) return undefined;
    if (this.allowed.some(({ range }) => range[0].kind() === parsed.kind() && parsed.match(range))) {
      return undefined;
    }
    return { reason, address: text };
  }
}

/** The URL's host as a bare IP literal when it is one (WHATWG has normalised `0x7f.1`, `2130706433`). */
export function literalHost(url: URL): string | undefined {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) === 0 ? undefined : host;
}

/** The URL's port, defaulted from its scheme. */
export function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/**
 * The host:port pairs the service listens on, for `OutboundPolicy`'s own-address refusal: the
 * configured host, or with a wildcard host (0.0.0.0, ::) every local interface address.
 */
export function ownAddresses(host: string, port: number): Set<string> {
  const addresses = new Set<string>();
  if (port === 0) return addresses;
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  const literal = parseAddress(host);
  if (literal && !wildcard) {
    addresses.add(`${literal.toString()}:${port}`);
    return addresses;
  }
  const interfaces = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  for (const { address } of [...interfaces, { address: '127.0.0.1' }, { address: '::1' }]) {
    const parsed = parseAddress(address);
    if (parsed) addresses.add(`${parsed.toString()}:${port}`);
  }
  // A wildcard, or a host name (e.g. `localhost`): whichever it resolves to is among these.
  return addresses;
}
