import { X509Certificate } from 'node:crypto';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from 'node:net';
import {
  connect,
  type ConnectionOptions,
  createServer as createTlsServer,
  type SecureVersion,
  type TlsOptions,
} from 'node:tls';
import { issue, type Issued } from '../../../../test/support/certificates';
import {
  type CheckedTarget,
  isLocalTlsLimitation,
  probeTls,
  type TlsProbe,
  type TlsProbeResult,
} from './tls-probe';

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * OpenSSL verifies certificates against the real clock, so the certificates are dated around the
 * real time; the probe is given the same instant as its `now`. Whole seconds: X.509 dates have no
 * milliseconds.
 */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
/** `days` and `hours` from NOW. Tests use fractions of a day, so that rounding other than down shows. */
const at = (days: number, hours = 0) => new Date(NOW.getTime() + days * DAY_MS + hours * 60 * 60 * 1000);

/** Sockets each test server accepted, so that the probe's closing them can be watched, and stragglers ended. */
const accepted = new Map<Server, Socket[]>();

async function listen(server: Server): Promise<number> {
  accepted.set(server, []);
  server.on('connection', (socket: Socket) => accepted.get(server)?.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function tlsServer(issued: Issued, options: TlsOptions = {}): Server {
  const server = createTlsServer({ key: issued.keyPem, cert: issued.pem, ...options }, (socket) =>
    socket.end(),
  );
  // A handshake the server declines is part of these tests, not an error of theirs.
  server.on('tlsClientError', () => undefined);
  return server;
}

function closed(socket: Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

function target(port: number, host = 'localhost'): CheckedTarget {
  return { url: new URL(`https://${host}:${port}/`), address: '127.0.0.1', family: 4 };
}

function reachable(result: TlsProbeResult): TlsProbe {
  if (!result.reachable)
    throw new Error(`expected a reachable endpoint, got ${result.failure}: ${result.message}`);
  return result;
}

/**
 * Whether this process's OpenSSL starts a `version`-only handshake at all, asked with plain
 * node:tls, independently of the probe (the probe's own answer is what the tests check).
 */
function locallyUntestable(port: number, version: SecureVersion): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      minVersion: version,
      maxVersion: version,
      ciphers: 'DEFAULT@SECLEVEL=0',
      rejectUnauthorized: false,
    });
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      resolve(
        error.code === 'ERR_SSL_NO_PROTOCOLS_AVAILABLE' || error.code === 'ERR_SSL_NO_CIPHERS_AVAILABLE',
      );
    });
  });
}

let ca: Issued;
let valid: Issued;
const ports = {
  valid: 0,
  expired: 0,
  selfSigned: 0,
  wrongHost: 0,
  tls13Only: 0,
  legacy: 0,
  silent: 0,
  closed: 0,
};
/** Server names (SNI) the valid server was sent. */
const servernames: string[] = [];
let silent: Server;
/** TLS 1.0 / 1.1 where this machine's OpenSSL cannot speak them; empty on a usual Node build. */
const untestableHere: string[] = [];
const servers: Server[] = [];

beforeAll(async () => {
  ca = await issue({
    subject: 'CN=Opsplane Test CA, O=Opsplane tests',
    names: {},
    notBefore: at(-1),
    notAfter: at(365),
    ca: true,
  });
  const leaf = (subject: string, names: { dns?: string[]; ip?: string[] }, notBefore: Date, notAfter: Date) =>
    issue({ subject, names, notBefore, notAfter, issuer: ca });
  valid = await leaf('CN=localhost', { dns: ['localhost'], ip: ['127.0.0.1'] }, at(-1), at(90, 20));
  const expired = await leaf('CN=localhost', { dns: ['localhost'] }, at(-30), at(-2, 4));
  const wrongHost = await leaf('CN=other.example', { dns: ['other.example'] }, at(-1), at(90, 1));
  const selfSigned = await issue({
    subject: 'CN=localhost',
    names: { dns: ['localhost'] },
    notBefore: at(-1),
    notAfter: at(90, 1),
  });

  const https = createHttpsServer(
    {
      key: valid.keyPem,
      cert: valid.pem,
      minVersion: 'TLSv1.2',
      // Called for each ClientHello that carries a server name; the default certificate answers.
      SNICallback: (servername, callback) => {
        servernames.push(servername);
        callback(null);
      },
    },
    (_request, response) => response.end('ok'),
  );
  https.on('tlsClientError', () => undefined);
  // Reads (and drops) what the client sends, answers nothing; reading lets it see the client close.
  silent = createNetServer((socket) => socket.resume());
  const closedPort = createNetServer();
  servers.push(https, silent);
  const named: [keyof typeof ports, Server][] = [
    ['valid', https],
    ['expired', tlsServer(expired)],
    ['selfSigned', tlsServer(selfSigned)],
    ['wrongHost', tlsServer(wrongHost)],
    ['tls13Only', tlsServer(valid, { minVersion: 'TLSv1.3' })],
    ['legacy', tlsServer(valid, { minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' })],
    ['silent', silent],
  ];
  for (const [name, server] of named) {
    if (!servers.includes(server)) servers.push(server);
    ports[name] = await listen(server);
  }
  // A port that was just free: nothing listens there.
  ports.closed = await listen(closedPort);
  await new Promise((resolve) => closedPort.close(resolve));

  for (const version of ['TLSv1', 'TLSv1.1'] as const) {
    if (await locallyUntestable(ports.legacy, version)) untestableHere.push(version);
  }
});

afterAll(async () => {
  for (const sockets of accepted.values()) for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

const probe = (port: number, options: { host?: string; ca?: string[] | null; timeoutMs?: number } = {}) =>
  probeTls(target(port, options.host), {
    timeoutMs: options.timeoutMs ?? 10_000,
    now: NOW,
    ...(options.ca !== null && { ca: options.ca ?? [ca.pem] }),
  });

describe('probeTls against real servers', () => {
  it('describes a valid chain: versions offered, names, dates, days to expiry, fingerprint', async () => {
    const result = reachable(await probe(ports.valid));
    expect(result).toEqual({
      reachable: true,
      // The server's minVersion is TLSv1.2: the TLSv1 and TLSv1.1 handshakes are declined.
      protocols: ['TLSv1.2', 'TLSv1.3'],
      untestable: untestableHere,
      certificate: {
        subject: 'CN=localhost',
        issuer: 'CN=Opsplane Test CA, O=Opsplane tests',
        subjectAltNames: ['DNS:localhost', 'IP Address:127.0.0.1'],
        validFrom: at(-1).toISOString(),
        validTo: at(90, 20).toISOString(),
        daysToExpiry: 90,
        notYetValid: false,
        hostnameMatches: true,
        chainValid: true,
        chainError: null,
        selfSigned: false,
        fingerprint256: new X509Certificate(valid.pem).fingerprint256,
      },
    });
  });

  it('sends the URL host name as SNI, and none for an IP literal URL (which the certificate also names)', async () => {
    servernames.length = 0;
    await probe(ports.valid);
    expect(servernames.length).toBeGreaterThan(0);
    expect(new Set(servernames)).toEqual(new Set(['localhost']));

    servernames.length = 0;
    const byAddress = reachable(await probe(ports.valid, { host: '127.0.0.1' }));
    expect(byAddress.protocols).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(servernames).toEqual([]);
    expect(byAddress.certificate?.hostnameMatches).toBe(true);
  });

  it('connects to the checked address and never resolves the URL host (.invalid cannot resolve)', async () => {
    const result = reachable(await probe(ports.valid, { host: 'scan-target.invalid' }));
    expect(result.protocols).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(result.certificate).toMatchObject({ hostnameMatches: false, chainValid: true });
  });

  it("judges the chain against Node's CA store when no test CA is given", async () => {
    const result = reachable(await probe(ports.valid, { ca: null }));
    expect(result.certificate).toMatchObject({
      chainValid: false,
      chainError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      hostnameMatches: true,
    });
  });

  it('reports an expired leaf with negative days to expiry', async () => {
    const { certificate } = reachable(await probe(ports.expired));
    expect(certificate).toMatchObject({
      validTo: at(-2, 4).toISOString(),
      daysToExpiry: -2,
      notYetValid: false,
      chainValid: false,
      chainError: 'CERT_HAS_EXPIRED',
      hostnameMatches: true,
    });
  });

  it('reports a self-signed leaf', async () => {
    const { certificate } = reachable(await probe(ports.selfSigned));
    expect(certificate).toMatchObject({
      subject: 'CN=localhost',
      issuer: 'CN=localhost',
      selfSigned: true,
      chainValid: false,
      chainError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
  });

  it('reports a host name mismatch apart from the chain, which stays valid', async () => {
    const { certificate } = reachable(await probe(ports.wrongHost));
    expect(certificate).toMatchObject({
      subject: 'CN=other.example',
      subjectAltNames: ['DNS:other.example'],
      hostnameMatches: false,
      chainValid: true,
      chainError: null,
    });
    // The same certificate, asked for the name it carries.
    const asNamed = reachable(await probe(ports.wrongHost, { host: 'other.example' }));
    expect(asNamed.certificate?.hostnameMatches).toBe(true);
  });

  it('finds TLSv1.3 only on a server offering nothing older', async () => {
    const result = reachable(await probe(ports.tls13Only));
    expect(result.protocols).toEqual(['TLSv1.3']);
    expect(result.certificate?.chainValid).toBe(true);
  });

  it('finds TLSv1 and TLSv1.1 on a legacy server, or lists them untestable where local OpenSSL cannot speak them', async () => {
    const result = reachable(await probe(ports.legacy));
    for (const version of ['TLSv1', 'TLSv1.1']) {
      if (untestableHere.includes(version)) {
        expect(result.untestable).toContain(version);
        expect(result.protocols).not.toContain(version);
      } else {
        expect(result.protocols).toContain(version);
      }
    }
    expect(result.protocols).toEqual(expect.arrayContaining(['TLSv1.2', 'TLSv1.3']));
    // The certificate is read from the newest handshake.
    expect(result.certificate?.chainValid).toBe(true);
  });
});

describe('probeTls when no handshake completes', () => {
  it('reports a closed port as connection_refused, without throwing', async () => {
    expect(await probe(ports.closed)).toEqual({
      reachable: false,
      failure: 'connection_refused',
      message: expect.stringContaining('ECONNREFUSED') as unknown,
      untestable: untestableHere,
    });
  });

  it('reports a server that accepts TCP but never answers the handshake as timeout, and closes every socket', async () => {
    const before = accepted.get(silent)?.length ?? 0;
    expect(await probe(ports.silent, { timeoutMs: 300 })).toEqual({
      reachable: false,
      failure: 'timeout',
      message: expect.stringContaining('no TLSv1.3 handshake within 300 ms') as unknown,
      untestable: untestableHere,
    });
    const sockets = accepted.get(silent)?.slice(before) ?? [];
    expect(sockets.length).toBeGreaterThan(0);
    // Hangs (and fails at Jest's timeout) if the probe left a connection open.
    await Promise.all(sockets.map(closed));
  });

  it('rejects with the reason when aborted, and closes its sockets', async () => {
    const before = accepted.get(silent)?.length ?? 0;
    const controller = new AbortController();
    silent.once('connection', () => setImmediate(() => controller.abort(new Error('scan cancelled'))));
    await expect(
      probeTls(target(ports.silent), { timeoutMs: 60_000, now: NOW, signal: controller.signal }),
    ).rejects.toThrow('scan cancelled');
    await Promise.all((accepted.get(silent)?.slice(before) ?? []).map(closed));

    await expect(
      probeTls(target(ports.silent), { timeoutMs: 60_000, now: NOW, signal: controller.signal }),
    ).rejects.toThrow('scan cancelled');
  });
});

describe('isLocalTlsLimitation', () => {
  const errorOf = (options: ConnectionOptions) =>
    new Promise<Error>((resolve) => {
      const socket = connect({ host: '127.0.0.1', rejectUnauthorized: false, ...options });
      socket.once('error', (error) => {
        socket.destroy();
        resolve(error);
      });
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve(new Error('unexpected handshake'));
      });
    });

  it('is true for OpenSSL refusing locally to speak a version (TLSv1 above security level 2)', async () => {
    // Security level 3 forbids TLS 1.0: OpenSSL fails before sending a ClientHello.
    const error = await errorOf({
      port: ports.legacy,
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1',
      ciphers: 'DEFAULT@SECLEVEL=3',
    });
    expect(error).toMatchObject({ code: 'ERR_SSL_NO_PROTOCOLS_AVAILABLE' });
    expect(isLocalTlsLimitation(error)).toBe(true);
  });

  it('is false for the server declining a version, and for network errors', async () => {
    const declined = await errorOf({ port: ports.tls13Only, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
    expect(declined).toMatchObject({ code: expect.stringMatching(/^ERR_SSL_/) as unknown });
    expect(isLocalTlsLimitation(declined)).toBe(false);
    expect(isLocalTlsLimitation(await errorOf({ port: ports.closed }))).toBe(false);
  });
});
