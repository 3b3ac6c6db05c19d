import { generateKeyPair, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';

/**
 * A throwaway certificate authority for tests: a CA and the certificates it issues are made at
 * test run time, so no key is ever committed. Keys are generated natively (node:crypto) and the
 * certificates and PKCS#12 bundles are built with node-forge, which is why the keys are RSA.
 *
 * Call createTestPki() twice for two unrelated CAs (the "wrong certificate" cases).
 */

export interface IssueOptions {
  readonly commonName: string;
  /** The subject's SERIALNUMBER (OID 2.5.4.5): where the national platform reads the consumer's HSA-id. */
  readonly serialNumber?: string;
  /** subjectAltName entries, DNS names or IP addresses; default localhost and 127.0.0.1. */
  readonly hosts?: readonly string[];
  /** Extended key usage: TLS server, TLS client, or both. */
  readonly usage: 'server' | 'client' | 'both';
  /** Validity; default from an hour ago to a year from now (set both in the past for an expired certificate). */
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

export interface IssuedCertificate {
  readonly certPem: string;
  /** PKCS#8 PEM, unencrypted. */
  readonly keyPem: string;
  /** The key and certificate (with the CA's) as a PKCS#12 bundle under the passphrase. */
  pfx(passphrase: string): Buffer;
}

export interface TestPkiFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** Only when a passphrase for the bundle was given. */
  readonly pfxFile?: string;
  readonly caFile: string;
}

export interface TestPki {
  /** The CA's own certificate: what a peer trusts. */
  readonly caPem: string;
  issue(options: IssueOptions): Promise<IssuedCertificate>;
  /** Writes `<name>.crt`, `<name>.key`, `<name>-ca.crt` and, with a passphrase, `<name>.p12` into dir. */
  writeFiles(dir: string, name: string, issued: IssuedCertificate, pfxPassphrase?: string): TestPkiFiles;
}

const generateRsa = promisify(generateKeyPair);

async function newKey(): Promise<{ pem: string; forgeKey: forge.pki.rsa.PrivateKey; forgePublic: forge.pki.rsa.PublicKey }> {
  const { privateKey } = await generateRsa('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey);
  return { pem: privateKey, forgeKey, forgePublic: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

/** A positive random serial (a leading 0x01 byte keeps the DER integer positive). */
const serial = () => `01${randomBytes(15).toString('hex')}`;

const HOUR = 3_600_000;
const IP = /^(\d{1,3}\.){3}\d{1,3}$|:/;

export async function createTestPki(options: { readonly commonName?: string } = {}): Promise<TestPki> {
  const caKey = await newKey();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKey.forgePublic;
  ca.serialNumber = serial();
  ca.validity.notBefore = new Date(Date.now() - HOUR);
  ca.validity.notAfter = new Date(Date.now() + 10 * 365 * 24 * HOUR);
  const caName = [
    { shortName: 'CN', value: options.commonName ?? `Journalen test CA ${randomBytes(4).toString('hex')}` },
    { shortName: 'O', value: 'Journalen test' },
  ];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKey.forgeKey, forge.md.sha256.create());
  const caPem = forge.pki.certificateToPem(ca);

  async function issue(o: IssueOptions): Promise<IssuedCertificate> {
    const key = await newKey();
    const cert = forge.pki.createCertificate();
    cert.publicKey = key.forgePublic;
    cert.serialNumber = serial();
    cert.validity.notBefore = o.notBefore ?? new Date(Date.now() - HOUR);
    cert.validity.notAfter = o.notAfter ?? new Date(Date.now() + 365 * 24 * HOUR);
    cert.setSubject([
      { shortName: 'CN', value: o.commonName },
      { shortName: 'O', value: 'Journalen test' },
      ...(o.serialNumber !== undefined ? [{ name: 'serialNumber', value: o.serialNumber }] : []),
    ]);
    cert.setIssuer(ca.subject.attributes);
    const hosts = o.hosts ?? ['localhost', '127.0.0.1'];
    cert.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: o.usage !== 'client', clientAuth: o.usage !== 'server' },
      ...(hosts.length > 0 ? [{ name: 'subjectAltName', altNames: hosts.map((h) => (IP.test(h) ? { type: 7, ip: h } : { type: 2, value: h })) }] : []),
      { name: 'subjectKeyIdentifier' },
    ]);
    cert.sign(caKey.forgeKey, forge.md.sha256.create());
    return {
      certPem: forge.pki.certificateToPem(cert),
      keyPem: key.pem,
      pfx(passphrase: string): Buffer {
        // AES-256 (PBES2) for the key bag: what OpenSSL 3 opens without its legacy provider.
        const asn1 = forge.pkcs12.toPkcs12Asn1(key.forgeKey, [cert, ca], passphrase, { algorithm: 'aes256', friendlyName: o.commonName });
        return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
      },
    };
  }

  return {
    caPem,
    issue,
    writeFiles(dir, name, issued, pfxPassphrase) {
      mkdirSync(dir, { recursive: true });
      const file = (suffix: string) => path.join(dir, `${name}${suffix}`);
      writeFileSync(file('.crt'), issued.certPem);
      writeFileSync(file('.key'), issued.keyPem, { mode: 0o600 });
      writeFileSync(file('-ca.crt'), caPem);
      if (pfxPassphrase !== undefined) writeFileSync(file('.p12'), issued.pfx(pfxPassphrase), { mode: 0o600 });
      return {
        certFile: file('.crt'),
        keyFile: file('.key'),
        ...(pfxPassphrase !== undefined ? { pfxFile: file('.p12') } : {}),
        caFile: file('-ca.crt'),
      };
    },
  };
}
