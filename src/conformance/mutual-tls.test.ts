import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, main } from '../cli/main.js';
import { createTestPki, type TestPkiFiles } from '../testing/pki.js';
import { startReplayProducer, type ReplayProducer } from '../testing/replay-producer.js';
import { RIVTA_DIR } from '../testing/rivta.js';
import type { ConformanceReport } from './index.js';

/**
 * `journalen verify-producer` against a producer that requires a client certificate, as a real
 * producer's test environment does: the replay of the official samples behind HTTPS with
 * `requestCert`. With our certificate it passes; without it, or with one from another CA, every
 * call is a clear connection failure in the report (exit 1), never a crash.
 */

let dir: string;
let producer: ReplayProducer;
let client: TestPkiFiles;
let stranger: TestPkiFiles;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'journalen-verify-mtls-'));
  const [pki, otherPki] = await Promise.all([createTestPki(), createTestPki()]);
  const [server, ours, theirs] = await Promise.all([
    pki.issue({ commonName: 'replay producer', usage: 'server' }),
    pki.issue({ commonName: 'Journalen', serialNumber: 'SE2321000016-JRNL', usage: 'client' }),
    otherPki.issue({ commonName: 'Someone else', serialNumber: 'SE2321000016-XXXX', usage: 'client' }),
  ]);
  client = pki.writeFiles(dir, 'client', ours, 'secret');
  stranger = otherPki.writeFiles(dir, 'stranger', theirs);
  producer = await startReplayProducer({
    rivtaDir: RIVTA_DIR,
    https: { cert: server.certPem, key: server.keyPem, ca: pki.caPem, requestCert: true, rejectUnauthorized: true },
  });
}, 60_000);

afterAll(async () => {
  await producer?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough().on('data', (c) => out.push(String(c)));
  const stderr = new PassThrough().on('data', (c) => err.push(String(c)));
  const code = await main(args, { stdin: Readable.from(['']), stdout, stderr });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const verify = (...tls: string[]) =>
  cli(['verify-producer', '--endpoint', producer.baseUrl, '--path-template', 'simulator', '--logical-address', producer.logicalAddress, '--contract', 'GetDiagnosis', '--timeout-ms', '10000', ...tls]);

/** Every check's message, over all contract versions. */
const problems = (report: ConformanceReport) => report.contracts.flatMap((c) => c.checks.map((k) => k.message));

describe('verify-producer over mutual TLS', () => {
  it('passes the producer with our client certificate (PEM, and as PKCS#12)', async () => {
    expect(producer.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    for (const tls of [
      ['--cert', client.certFile, '--key', client.keyFile, '--ca', client.caFile],
      ['--pfx', client.pfxFile!, '--passphrase', 'secret', '--ca', client.caFile],
    ]) {
      const r = await verify(...tls);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(EXIT.ok);
      const report = JSON.parse(r.stdout) as ConformanceReport;
      expect(report.ok).toBe(true);
      expect(report.summary.passed).toBeGreaterThan(0);
      expect(report.summary.noData).toBe(0);
    }
  });

  it('without a client certificate, or with one the producer does not trust, reports connection failures (exit 1)', async () => {
    for (const tls of [['--ca', client.caFile], ['--cert', stranger.certFile, '--key', stranger.keyFile, '--ca', client.caFile]]) {
      const r = await verify(...tls);
      expect(r.code).toBe(EXIT.input);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.stderr).toMatch(/^journalen: the producer failed \d+ checks: GetDiagnosis 2 /);
      const report = JSON.parse(r.stdout) as ConformanceReport;
      expect(report.ok).toBe(false);
      expect(report.summary.passed).toBe(0);
      const named = problems(report);
      expect(named.length).toBeGreaterThan(0);
      expect(named.some((p) => /connection failed \(/.test(p))).toBe(true);
    }
  });

  it('without our CA the producer\'s certificate is refused: a connection failure too', async () => {
    const r = await verify('--cert', client.certFile, '--key', client.keyFile);
    expect(r.code).toBe(EXIT.input);
    const report = JSON.parse(r.stdout) as ConformanceReport;
    expect(report.ok).toBe(false);
    expect(problems(report).some((p) => /connection failed \(/.test(p))).toBe(true);
  });

  it('names the option of a file that cannot be used, before any call', async () => {
    const missing = await verify('--cert', path.join(dir, 'nothing.crt'), '--key', client.keyFile);
    expect(missing.code).toBe(EXIT.input);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^journalen: --cert: cannot read .*nothing\.crt \(no such file\)\n$/);
    const wrongKey = await verify('--cert', client.certFile, '--key', stranger.keyFile);
    expect(wrongKey.code).toBe(EXIT.input);
    expect(wrongKey.stderr).toMatch(/^journalen: --key: the key in .* does not belong to the certificate/);
    const locked = await verify('--pfx', client.pfxFile!, '--ca', client.caFile);
    expect(locked.code).toBe(EXIT.input);
    expect(locked.stderr).toMatch(/^journalen: --passphrase: .* is protected by a passphrase; set --passphrase/);
  });
});
