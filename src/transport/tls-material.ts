import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { JournalenError } from '../errors/index.js';

/**
 * The function certificate and CA bundle for mutual TLS, read and checked once at start so a
 * wrong file stops the start with one line naming the setting, instead of every call to the
 * platform failing later with an OpenSSL message.
 */

/** Where the material is, as the settings give it (the shape of `Config['tls']`). */
export interface TlsFileSettings {
  /** PEM certificate (the leaf first; intermediates may follow). */
  readonly certFile?: string;
  /** PEM private key of certFile (encrypted keys take the passphrase). */
  readonly keyFile?: string;
  /** PKCS#12 bundle instead of certFile + keyFile. */
  readonly pfxFile?: string;
  readonly passphrase?: string;
  /** PEM bundle of the CA certificates the peer must chain to (one or several). */
  readonly caFile?: string;
}

/** Checked material, directly usable as Node `tls` / undici `connect` options. */
export interface TlsMaterial {
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly pfx?: Buffer;
  readonly passphrase?: string;
  /** One Buffer per CA certificate. */
  readonly ca?: Buffer[];
}

/** The setting each file came from, named in every message. */
export interface TlsSettingNames {
  readonly certFile: string;
  readonly keyFile: string;
  readonly pfxFile: string;
  readonly passphrase: string;
  readonly caFile: string;
}

export const TLS_SETTING_NAMES: TlsSettingNames = {
  certFile: 'TLS_CERT_FILE',
  keyFile: 'TLS_KEY_FILE',
  pfxFile: 'TLS_PFX_FILE',
  passphrase: 'TLS_PFX_PASSPHRASE',
  caFile: 'TLS_CA_FILE',
};

/** The internal listener's server certificate and the CA its clients must chain to. */
export const INTERNAL_TLS_SETTING_NAMES: TlsSettingNames = {
  certFile: 'INTERNAL_TLS_CERT_FILE',
  keyFile: 'INTERNAL_TLS_KEY_FILE',
  pfxFile: 'INTERNAL_TLS_PFX_FILE',
  passphrase: 'INTERNAL_TLS_PFX_PASSPHRASE',
  caFile: 'INTERNAL_TLS_CLIENT_CA_FILE',
};

const problem = (field: string, message: string) => new JournalenError('CONFIG_INVALID', `${field}: ${message}`, { field });

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a folder',
};

function readSetting(path: string, field: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw problem(field, `cannot read ${path} (${READ_ERRORS[code] ?? code})`);
  }
  if (content.length === 0) throw problem(field, `${path} is empty`);
  return content;
}

/** `CN=Journalen, serialNumber=SE...`: enough to tell which certificate a message is about. */
function describe(certificate: X509Certificate): string {
  return certificate.subject.split('\n').join(', ');
}

function checkValidity(certificate: X509Certificate, field: string, where: string, now: Date): void {
  const from = new Date(certificate.validFrom);
  const to = new Date(certificate.validTo);
  if (to.getTime() < now.getTime()) throw problem(field, `the certificate in ${where} (${describe(certificate)}) expired on ${to.toISOString()}`);
  if (from.getTime() > now.getTime()) throw problem(field, `the certificate in ${where} (${describe(certificate)}) is not valid until ${from.toISOString()}`);
}

/** Every certificate of a PEM file, each parsed; the file must hold at least one. */
function pemCertificates(content: Buffer, field: string, path: string): { pem: Buffer; certificate: X509Certificate }[] {
  const blocks = content.toString('latin1').match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw problem(field, `${path} holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)`);
  return blocks.map((block, i) => {
    try {
      return { pem: Buffer.from(block, 'latin1'), certificate: new X509Certificate(block) };
    } catch (error) {
      throw problem(field, `certificate ${i + 1} in ${path} does not parse (${(error as Error).message})`);
    }
  });
}

function privateKey(content: Buffer, passphrase: string | undefined, names: TlsSettingNames, path: string): KeyObject {
  try {
    return createPrivateKey(passphrase === undefined ? { key: content, format: 'pem' } : { key: content, format: 'pem', passphrase });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MISSING_PASSPHRASE') throw problem(names.passphrase, `the key in ${path} is encrypted; set ${names.passphrase}`);
    if (passphrase !== undefined && /bad decrypt/i.test((error as Error).message)) throw problem(names.passphrase, `the passphrase does not open the key in ${path}`);
    throw problem(names.keyFile, `${path} is not a readable PEM private key (${(error as Error).message})`);
  }
}

/** The certificate a secure context presents (the only documented way to look inside a PKCS#12 bundle). */
function contextCertificate(context: tls.SecureContext): X509Certificate | undefined {
  const socket = new tls.TLSSocket(null as unknown as import('node:net').Socket, { secureContext: context });
  try {
    const raw = (socket.getCertificate() as { raw?: Buffer } | null)?.raw;
    return raw === undefined ? undefined : new X509Certificate(raw);
  } finally {
    socket.destroy();
  }
}

function openPfx(pfx: Buffer, passphrase: string | undefined, names: TlsSettingNames, path: string): X509Certificate {
  let context: tls.SecureContext;
  try {
    context = tls.createSecureContext(passphrase === undefined ? { pfx } : { pfx, passphrase });
  } catch (error) {
    const message = (error as Error).message;
    if (/mac verify failure|bad decrypt/i.test(message)) {
      throw passphrase === undefined
        ? problem(names.passphrase, `${path} is protected by a passphrase; set ${names.passphrase}`)
        : problem(names.passphrase, `the passphrase does not open ${path}`);
    }
    throw problem(names.pfxFile, `${path} is not a readable PKCS#12 bundle (${message})`);
  }
  const certificate = contextCertificate(context);
  if (certificate === undefined) throw problem(names.pfxFile, `${path} holds no certificate`);
  return certificate;
}

/**
 * Reads and checks the material: PEM certificate + key, or a PKCS#12 bundle, and a CA bundle.
 * Checked: the files are readable, parse, the key belongs to the certificate, the certificate
 * is valid now, the bundle opens with its passphrase. Every problem is a CONFIG_INVALID
 * JournalenError whose message starts with the setting's name.
 */
export function loadTlsMaterial(
  files: TlsFileSettings,
  options: { readonly names?: Partial<TlsSettingNames>; readonly now?: Date } = {},
): TlsMaterial {
  const names: TlsSettingNames = { ...TLS_SETTING_NAMES, ...options.names };
  const now = options.now ?? new Date();
  if (files.pfxFile !== undefined && (files.certFile !== undefined || files.keyFile !== undefined)) {
    throw problem(names.pfxFile, `give either ${names.pfxFile} or ${names.certFile} with ${names.keyFile}, not both`);
  }
  if ((files.certFile === undefined) !== (files.keyFile === undefined)) {
    throw problem(files.certFile === undefined ? names.certFile : names.keyFile, `${names.certFile} and ${names.keyFile} go together`);
  }
  let identity: Pick<TlsMaterial, 'cert' | 'key' | 'pfx' | 'passphrase'> = {};
  if (files.certFile !== undefined && files.keyFile !== undefined) {
    const cert = readSetting(files.certFile, names.certFile);
    const [leaf] = pemCertificates(cert, names.certFile, files.certFile);
    const key = readSetting(files.keyFile, names.keyFile);
    const keyObject = privateKey(key, files.passphrase, names, files.keyFile);
    let matches: boolean;
    try {
      matches = leaf!.certificate.checkPrivateKey(keyObject);
    } catch {
      matches = false; // a key of another type than the certificate's
    }
    if (!matches) {
      throw problem(names.keyFile, `the key in ${files.keyFile} does not belong to the certificate in ${files.certFile} (${describe(leaf!.certificate)})`);
    }
    checkValidity(leaf!.certificate, names.certFile, files.certFile, now);
    identity = { cert, key, ...(files.passphrase !== undefined ? { passphrase: files.passphrase } : {}) };
  } else if (files.pfxFile !== undefined) {
    const pfx = readSetting(files.pfxFile, names.pfxFile);
    checkValidity(openPfx(pfx, files.passphrase, names, files.pfxFile), names.pfxFile, files.pfxFile, now);
    identity = { pfx, ...(files.passphrase !== undefined ? { passphrase: files.passphrase } : {}) };
  }
  if (files.caFile === undefined) return identity;
  const authorities = pemCertificates(readSetting(files.caFile, names.caFile), names.caFile, files.caFile);
  // A bundle may carry an old CA beside the current one; only a bundle with nothing valid is useless.
  if (authorities.every(({ certificate }) => new Date(certificate.validTo).getTime() < now.getTime())) {
    throw problem(names.caFile, `every certificate in ${files.caFile} has expired`);
  }
  return { ...identity, ca: authorities.map(({ pem }) => pem) };
}

/** The certificate the material presents: the first of `cert`, or the one in `pfx`. */
function presentedCertificate(material: Pick<TlsMaterial, 'cert' | 'pfx' | 'passphrase'>): X509Certificate | undefined {
  try {
    if (material.cert !== undefined) {
      const first = material.cert.toString('latin1').match(PEM_CERTIFICATE)?.[0];
      return first === undefined ? undefined : new X509Certificate(first);
    }
    if (material.pfx !== undefined) {
      const context = tls.createSecureContext(material.passphrase === undefined ? { pfx: material.pfx } : { pfx: material.pfx, passphrase: material.passphrase });
      return contextCertificate(context);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * The subject's SERIALNUMBER (OID 2.5.4.5) of a certificate: the HSA-id the national platform
 * takes as the consumer's identity (NATIONAL-PLATFORM.md §2).
 */
export function subjectHsaId(certificate: X509Certificate): string | undefined {
  const subject = certificate.toLegacyObject().subject as unknown as Record<string, string | string[] | undefined> | undefined;
  const value = subject?.['serialNumber'];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first.trim() === '' ? undefined : first.trim();
}

/** The consumer HSA-id the material's certificate carries, or undefined when it has none (or no certificate). */
export function certificateHsaId(material: Pick<TlsMaterial, 'cert' | 'pfx' | 'passphrase'>): string | undefined {
  const certificate = presentedCertificate(material);
  return certificate === undefined ? undefined : subjectHsaId(certificate);
}
