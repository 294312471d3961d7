// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { KeyObject, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/**
 * Test only: X.509 certificates made on the spot (ECDSA P-256), for TLS servers tests start on
 * 127.0.0.1: a CA and leaves it signs, self-signed ones, any validity period and names.
 */
x509.cryptoProvider.set(webcrypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

export interface Issued {
  certificate: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
  pem: string;
  keyPem: string;
}

export async function issue(options: {
  subject: string;
  names: { dns?: string[]; ip?: string[] };
  notBefore: Date;
  notAfter: Date;
  /** Signed by this CA; self-signed without one. */
  issuer?: Issued;
  ca?: boolean;
}): Promise<Issued> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const names = [
    ...(options.names.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.names.ip ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const extensions = options.ca
    ? [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ]
    : [new x509.SubjectAlternativeNameExtension(names)];
  const common = {
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    signingAlgorithm: ALGORITHM,
    extensions,
  };
  const certificate = options.issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject: options.subject,
        issuer: options.issuer.certificate.subject,
        publicKey: keys.publicKey,
        signingKey: options.issuer.keys.privateKey,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: options.subject, keys });
  const keyPem = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certificate, keys, pem: certificate.toString('pem'), keyPem };
}
