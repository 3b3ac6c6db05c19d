import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLimited } from '../aggregation/source-call.js';
import { createTestPki, type IssuedCertificate, type TestPki } from '../testing/pki.js';
import { createRivTransport, type RivTransport } from './riv-transport.js';
import type { TlsMaterial } from './tls-material.js';

const HSA_ID = 'SE2321000016-JRNL';
const PASSPHRASE = 'kvarnen';

/** What the producer saw of each call that reached it. */
interface Seen { readonly hsaId: string | undefined; readonly body: string; readonly soapAction: string | undefined }

let pki: TestPki;
let other: TestPki;
let client: IssuedCertificate;
let foreignClient: IssuedCertificate;
const servers: { close(): void }[] = [];
const transports: RivTransport[] = [];

/** A producer requiring a client certificate from `clientCa`, presenting `server`; it echoes what it saw. */
async function producer(server: IssuedCertificate, clientCa: string): Promise<{ url: string; seen: Seen[]; connections: () => number }> {
  const seen: Seen[] = [];
  let connections = 0;
  const httpsServer = https.createServer({ cert: server.certPem, key: server.keyPem, ca: clientCa, requestCert: true, rejectUnauthorized: true }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const peer = (request.socket as TLSSocket).getPeerCertificate();
      const entry = { hsaId: (peer.subject as unknown as Record<string, string | undefined>)['serialNumber'], body: Buffer.concat(chunks).toString(), soapAction: request.headers.soapaction as string | undefined };
      seen.push(entry);
      response.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
      response.end(`<answer hsa="${entry.hsaId}">${entry.body}</answer>`);
    });
  });
  httpsServer.on('secureConnection', () => connections++);
  servers.push(httpsServer);
  await new Promise<void>((resolve) => httpsServer.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${(httpsServer.address() as AddressInfo).port}/GetCareDocumentation/3`, seen, connections: () => connections };
}

function transport(tls: TlsMaterial | undefined, options: Omit<Parameters<typeof createRivTransport>[0] & object, 'tls'> = {}): RivTransport {
  const created = createRivTransport({ ...(tls !== undefined ? { tls } : {}), ...options });
  transports.push(created);
  return created;
}

const post = (t: RivTransport, url: string, body = '<request/>') =>
  t(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: 'urn:test:GetCareDocumentation' }, body, signal: AbortSignal.timeout(10_000) });

/** Why a call failed: undici's own error, or the TLS/socket error under it. */
async function failure(call: Promise<Response>): Promise<string> {
  try {
    await call;
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return `${(error as Error).message} / ${cause?.code ?? ''} ${cause?.message ?? ''}`;
  }
  throw new Error('the call succeeded');
}

const pem = (issued: IssuedCertificate, ca: string): TlsMaterial => ({ cert: Buffer.from(issued.certPem), key: Buffer.from(issued.keyPem), ca: [Buffer.from(ca)] });

let good: Awaited<ReturnType<typeof producer>>;
let impostor: Awaited<ReturnType<typeof producer>>;

beforeAll(async () => {
  [pki, other] = await Promise.all([createTestPki(), createTestPki()]);
  let server: IssuedCertificate;
  let foreignServer: IssuedCertificate;
  [client, foreignClient, server, foreignServer] = await Promise.all([
    pki.issue({ commonName: 'Journalen', serialNumber: HSA_ID, usage: 'client' }),
    other.issue({ commonName: 'Journalen', serialNumber: HSA_ID, usage: 'client' }),
    pki.issue({ commonName: 'producer', usage: 'server' }),
    other.issue({ commonName: 'producer', usage: 'server' }),
  ]);
  good = await producer(server, pki.caPem);
  // A server the client must not trust: right name, certificate from another CA.
  impostor = await producer(foreignServer, pki.caPem);
}, 60_000);

afterAll(async () => {
  await Promise.all(transports.map((t) => t.close()));
  for (const server of servers) server.close();
});

describe('the RIV-TA transport over mutual TLS', () => {
  it('presents the client certificate: the producer answers and sees the HSA-id from SERIALNUMBER', async () => {
    const response = await post(transport(pem(client, pki.caPem)), good.url, '<GetCareDocumentation/>');
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(await response.text()).toBe(`<answer hsa="${HSA_ID}"><GetCareDocumentation/></answer>`);
    expect(good.seen.at(-1)).toEqual({ hsaId: HSA_ID, body: '<GetCareDocumentation/>', soapAction: 'urn:test:GetCareDocumentation' });
  });

  it('works with a PKCS#12 bundle too', async () => {
    const response = await post(transport({ pfx: client.pfx(PASSPHRASE), passphrase: PASSPHRASE, ca: [Buffer.from(pki.caPem)] }), good.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`hsa="${HSA_ID}"`);
  });

  it('keeps the connection for the next call', async () => {
    const t = transport(pem(client, pki.caPem));
    const before = good.connections();
    for (let i = 0; i < 5; i++) {
      expect((await (await post(t, good.url)).text()).length).toBeGreaterThan(0);
      // undici hands a connection back a moment after the body ends; a call at once may open a second one.
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(good.connections() - before).toBeLessThanOrEqual(2);
  });

  it('is refused without a client certificate', async () => {
    const calls = good.seen.length;
    expect(await failure(post(transport({ ca: [Buffer.from(pki.caPem)] }), good.url))).toMatch(/fetch failed \/ .*(CERTIFICATE_REQUIRED|ECONNRESET|socket hang up|closed)/i);
    expect(good.seen.length).toBe(calls);
  });

  it('is refused with a client certificate from another CA', async () => {
    const calls = good.seen.length;
    expect(await failure(post(transport(pem(foreignClient, pki.caPem)), good.url))).toMatch(/fetch failed \/ .*(UNKNOWN_CA|ECONNRESET|socket hang up|closed)/i);
    expect(good.seen.length).toBe(calls);
  });

  it('refuses a server whose certificate is from another CA', async () => {
    expect(await failure(post(transport(pem(client, pki.caPem)), impostor.url))).toMatch(/fetch failed \/ (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
    expect(impostor.seen).toEqual([]);
  });

  it('gives up on a handshake that does not finish within the connect timeout', async () => {
    // Accepts the TCP connection and never says a word.
    const silent = net.createServer(() => {});
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const started = Date.now();
    const why = await failure(post(transport(pem(client, pki.caPem), { connectTimeoutMs: 300 }), `https://127.0.0.1:${(silent.address() as AddressInfo).port}/x`));
    expect(why).toMatch(/UND_ERR_CONNECT_TIMEOUT/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('still speaks plain HTTP (the demo simulators)', async () => {
    const plain = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => response.end(`plain ${request.method}`));
    });
    servers.push(plain);
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const response = await post(transport(pem(client, pki.caPem)), `http://127.0.0.1:${(plain.address() as AddressInfo).port}/GetCareDocumentation/3`);
    expect(await response.text()).toBe('plain POST');
  });

  it("streams the answer, so the aggregator's size limit stops the download", async () => {
    const big = http.createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'text/xml' }); // no content-length: read until the limit
      for (let i = 0; i < 64; i++) response.write(Buffer.alloc(16_384, 0x61));
      response.end();
    });
    servers.push(big);
    await new Promise<void>((resolve) => big.listen(0, '127.0.0.1', resolve));
    const t = transport(undefined);
    const url = `http://127.0.0.1:${(big.address() as AddressInfo).port}/`;
    await expect(readLimited(await post(t, url), 100_000)).rejects.toThrow(/larger than 100000 bytes/);
    expect((await readLimited(await post(t, url), 2_000_000)).length).toBe(64 * 16_384);
  });

  it('passes the caller\'s abort on', async () => {
    const hanging = http.createServer(() => {});
    servers.push(hanging);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const controller = new AbortController();
    const call = transport(undefined)(`http://127.0.0.1:${(hanging.address() as AddressInfo).port}/`, { method: 'POST', headers: {}, body: 'x', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('per-source timeout')), 100);
    await expect(call).rejects.toThrow('per-source timeout');
    hanging.closeAllConnections();
  });
});
