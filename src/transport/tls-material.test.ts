import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isJournalenError } from '../errors/index.js';
import { createTestPki, type TestPki, type TestPkiFiles } from '../testing/pki.js';
import { certificateHsaId, INTERNAL_TLS_SETTING_NAMES, loadTlsMaterial, type TlsFileSettings } from './tls-material.js';

const HSA_ID = 'SE2321000016-JRNL';
const PASSPHRASE = 'correct horse battery staple';

let dir: string;
let pki: TestPki;
let other: TestPki;
let good: TestPkiFiles;
let plain: TestPkiFiles;
let expired: TestPkiFiles;
let stranger: TestPkiFiles;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'journalen-tls-'));
  [pki, other] = await Promise.all([createTestPki(), createTestPki()]);
  const day = 24 * 3_600_000;
  const [client, noHsaId, old, foreign] = await Promise.all([
    pki.issue({ commonName: 'Journalen', serialNumber: HSA_ID, usage: 'client' }),
    pki.issue({ commonName: 'no serial', usage: 'server' }),
    pki.issue({ commonName: 'old', serialNumber: HSA_ID, usage: 'client', notBefore: new Date(Date.now() - 30 * day), notAfter: new Date(Date.now() - day) }),
    other.issue({ commonName: 'someone else', usage: 'client' }),
  ]);
  good = pki.writeFiles(dir, 'good', client, PASSPHRASE);
  plain = pki.writeFiles(dir, 'plain', noHsaId);
  expired = pki.writeFiles(dir, 'expired', old, PASSPHRASE);
  stranger = other.writeFiles(dir, 'stranger', foreign);
  writeFileSync(path.join(dir, 'garbage'), 'this is not a certificate\n');
  writeFileSync(path.join(dir, 'empty'), '');
  writeFileSync(path.join(dir, 'broken.crt'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  writeFileSync(path.join(dir, 'bundle.crt'), `${pki.caPem}${other.caPem}`);
}, 60_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** The CONFIG_INVALID message of loading these files, failing the test if loading succeeds. */
function problemOf(files: TlsFileSettings, options?: Parameters<typeof loadTlsMaterial>[1]): { message: string; field: unknown } {
  try {
    loadTlsMaterial(files, options);
  } catch (error) {
    expect(isJournalenError(error, 'CONFIG_INVALID'), String(error)).toBe(true);
    return { message: (error as Error).message, field: (error as { details: { field?: unknown } }).details.field };
  }
  throw new Error('loadTlsMaterial accepted the files');
}

const file = (name: string) => path.join(dir, name);

describe('loadTlsMaterial: good material', () => {
  it('reads a PEM certificate, key and CA, usable as tls options, and finds the HSA-id', () => {
    const material = loadTlsMaterial({ certFile: good.certFile, keyFile: good.keyFile, caFile: good.caFile });
    expect(material.cert?.toString()).toContain('BEGIN CERTIFICATE');
    expect(material.key?.toString()).toContain('BEGIN PRIVATE KEY');
    expect(material.ca).toHaveLength(1);
    expect(material.pfx).toBeUndefined();
    expect(certificateHsaId(material)).toBe(HSA_ID);
  });

  it('reads a PKCS#12 bundle with its passphrase, and finds the HSA-id inside it', () => {
    const material = loadTlsMaterial({ pfxFile: good.pfxFile!, passphrase: PASSPHRASE, caFile: good.caFile });
    expect(material.pfx?.length).toBeGreaterThan(500);
    expect(material.passphrase).toBe(PASSPHRASE);
    expect(material.cert).toBeUndefined();
    expect(certificateHsaId(material)).toBe(HSA_ID);
  });

  it('keeps every certificate of a CA bundle', () => {
    const material = loadTlsMaterial({ caFile: file('bundle.crt') });
    expect(material.ca?.map((b) => b.toString())).toEqual([pki.caPem.trim(), other.caPem.trim()]);
  });

  it('has no HSA-id for a certificate without SERIALNUMBER, or no certificate', () => {
    expect(certificateHsaId(loadTlsMaterial({ certFile: plain.certFile, keyFile: plain.keyFile }))).toBeUndefined();
    expect(certificateHsaId({})).toBeUndefined();
  });
});

describe('loadTlsMaterial: each problem named by its setting', () => {
  it('a key that belongs to another certificate', () => {
    const { message, field } = problemOf({ certFile: good.certFile, keyFile: stranger.keyFile });
    expect(field).toBe('TLS_KEY_FILE');
    expect(message).toBe(`TLS_KEY_FILE: the key in ${stranger.keyFile} does not belong to the certificate in ${good.certFile} (CN=Journalen, O=Journalen test, serialNumber=${HSA_ID})`);
  });

  it('a file that is no certificate at all, an unparsable PEM block, an empty file', () => {
    expect(problemOf({ certFile: file('garbage'), keyFile: good.keyFile }).message).toBe(`TLS_CERT_FILE: ${file('garbage')} holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)`);
    expect(problemOf({ certFile: file('broken.crt'), keyFile: good.keyFile }).message).toMatch(/^TLS_CERT_FILE: certificate 1 in .*broken\.crt does not parse \(/);
    expect(problemOf({ certFile: file('empty'), keyFile: good.keyFile }).message).toBe(`TLS_CERT_FILE: ${file('empty')} is empty`);
  });

  it('a key file that holds no key', () => {
    expect(problemOf({ certFile: good.certFile, keyFile: file('garbage') }).message).toMatch(/^TLS_KEY_FILE: .*garbage is not a readable PEM private key \(/);
    expect(problemOf({ certFile: good.certFile, keyFile: good.certFile }).field).toBe('TLS_KEY_FILE');
  });

  it('a missing file', () => {
    expect(problemOf({ certFile: file('nowhere.crt'), keyFile: good.keyFile }).message).toBe(`TLS_CERT_FILE: cannot read ${file('nowhere.crt')} (no such file)`);
    expect(problemOf({ certFile: good.certFile, keyFile: dir }).message).toBe(`TLS_KEY_FILE: cannot read ${dir} (it is a folder)`);
    expect(problemOf({ caFile: file('nowhere-ca.crt') }).message).toBe(`TLS_CA_FILE: cannot read ${file('nowhere-ca.crt')} (no such file)`);
  });

  it('a PKCS#12 bundle with the wrong passphrase, without one, or that is not a bundle', () => {
    expect(problemOf({ pfxFile: good.pfxFile!, passphrase: 'wrong' })).toEqual({ message: `TLS_PFX_PASSPHRASE: the passphrase does not open ${good.pfxFile}`, field: 'TLS_PFX_PASSPHRASE' });
    expect(problemOf({ pfxFile: good.pfxFile! }).message).toBe(`TLS_PFX_PASSPHRASE: ${good.pfxFile} is protected by a passphrase; set TLS_PFX_PASSPHRASE`);
    expect(problemOf({ pfxFile: file('garbage'), passphrase: PASSPHRASE }).message).toMatch(/^TLS_PFX_FILE: .*garbage is not a readable PKCS#12 bundle \(/);
  });

  it('an expired certificate, in PEM and in PKCS#12, and one not yet valid', () => {
    expect(problemOf({ certFile: expired.certFile, keyFile: expired.keyFile }).message).toMatch(/^TLS_CERT_FILE: the certificate in .*expired\.crt \(CN=old, .*\) expired on \d{4}-\d\d-\d\dT/);
    expect(problemOf({ pfxFile: expired.pfxFile!, passphrase: PASSPHRASE }).message).toMatch(/^TLS_PFX_FILE: the certificate in .*expired\.p12 \(CN=old, .*\) expired on /);
    const lastYear = new Date(Date.now() - 365 * 24 * 3_600_000);
    expect(problemOf({ certFile: good.certFile, keyFile: good.keyFile }, { now: lastYear }).message).toMatch(/^TLS_CERT_FILE: the certificate in .* is not valid until /);
  });

  it('a CA file that holds no certificate', () => {
    expect(problemOf({ caFile: file('garbage') }).message).toBe(`TLS_CA_FILE: ${file('garbage')} holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)`);
  });

  it('two ways of giving the certificate at once, or a certificate without its key', () => {
    expect(problemOf({ certFile: good.certFile, keyFile: good.keyFile, pfxFile: good.pfxFile! }).message).toBe('TLS_PFX_FILE: give either TLS_PFX_FILE or TLS_CERT_FILE with TLS_KEY_FILE, not both');
    expect(problemOf({ certFile: good.certFile }).message).toBe('TLS_KEY_FILE: TLS_CERT_FILE and TLS_KEY_FILE go together');
    expect(problemOf({ keyFile: good.keyFile }).message).toBe('TLS_CERT_FILE: TLS_CERT_FILE and TLS_KEY_FILE go together');
  });

  it("names the internal listener's settings when asked to", () => {
    expect(problemOf({ caFile: file('garbage') }, { names: INTERNAL_TLS_SETTING_NAMES }).message).toMatch(/^INTERNAL_TLS_CLIENT_CA_FILE: /);
    expect(problemOf({ certFile: good.certFile, keyFile: stranger.keyFile }, { names: INTERNAL_TLS_SETTING_NAMES }).field).toBe('INTERNAL_TLS_KEY_FILE');
  });
});
