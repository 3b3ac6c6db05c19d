import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFindContentRequest, buildUpdateRequest, readFindContentResponse } from '../engagement-index/messages.js';
import { ENGAGEMENT_INDEX_PATHS } from '../engagement-index/routes.js';
import { createLogger } from '../operations/logger.js';
import { seedRegistry } from '../registry/store.js';
import { describeEachDatabase } from '../testing/databases.js';
import { createTestPki, type IssuedCertificate, type TestPki } from '../testing/pki.js';
import { createRivTransport, type RivTransport } from '../transport/riv-transport.js';
import type { TlsMaterial } from '../transport/tls-material.js';
import { buildInternalApp } from './internal-app.js';

const ENGAGEMENT = {
  registeredResidentIdentification: '191212121212', serviceDomain: 'riv:clinicalprocess:healthcond:description', categorization: 'dia',
  logicalAddress: 'SE2321000016-TC01', sourceSystem: 'SE2321000016-TC01', dataController: 'SE2321000016-0001',
};

describeEachDatabase('internal (platform) app', (getDb) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    await seedRegistry(getDb().db);
    app = await buildInternalApp({ database: getDb(), logger: createLogger({ level: 'silent' }) });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('hosts the engagement index: producers report, consumers find', async () => {
    const post = (url: string, payload: string) => app.inject({ method: 'POST', url, headers: { 'content-type': 'text/xml; charset=utf-8' }, payload });
    expect((await post(ENGAGEMENT_INDEX_PATHS.Update, buildUpdateRequest([ENGAGEMENT]))).statusCode).toBe(200);
    const found = await post(ENGAGEMENT_INDEX_PATHS.FindContent, buildFindContentRequest({ registeredResidentIdentification: '191212121212', serviceDomain: 'riv:clinicalprocess:healthcond:description' }));
    expect(readFindContentResponse(found.body)).toMatchObject({ engagements: [{ logicalAddress: 'SE2321000016-TC01', categorization: 'dia' }] });
  });
});

describeEachDatabase('internal (platform) app over mutual TLS', (getDb) => {
  let app: FastifyInstance;
  let base: string;
  let pki: TestPki;
  let other: TestPki;
  let producer: IssuedCertificate;
  let stranger: IssuedCertificate;
  const transports: RivTransport[] = [];

  const material = (issued: IssuedCertificate | undefined): TlsMaterial => ({
    ...(issued !== undefined ? { cert: Buffer.from(issued.certPem), key: Buffer.from(issued.keyPem) } : {}),
    ca: [Buffer.from(pki.caPem)],
  });
  const post = (issued: IssuedCertificate | undefined, path: string, body: string) => {
    const transport = createRivTransport({ tls: material(issued) });
    transports.push(transport);
    return transport(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body, signal: AbortSignal.timeout(10_000) });
  };
  const findContent = buildFindContentRequest({ registeredResidentIdentification: '191212121212', serviceDomain: 'riv:clinicalprocess:healthcond:description' });

  beforeAll(async () => {
    await seedRegistry(getDb().db);
    [pki, other] = await Promise.all([createTestPki(), createTestPki()]);
    let server: IssuedCertificate;
    [server, producer, stranger] = await Promise.all([
      pki.issue({ commonName: 'journalen internal', usage: 'server' }),
      pki.issue({ commonName: 'TakeCare', serialNumber: 'SE2321000016-TC01', usage: 'client' }),
      other.issue({ commonName: 'TakeCare', serialNumber: 'SE2321000016-TC01', usage: 'client' }),
    ]);
    app = await buildInternalApp({
      database: getDb(),
      logger: createLogger({ level: 'silent' }),
      https: { cert: Buffer.from(server.certPem), key: Buffer.from(server.keyPem), ca: [Buffer.from(pki.caPem)] },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `https://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await Promise.all(transports.map((t) => t.close()));
    await app?.close();
  });

  it('answers a producer presenting a certificate from the clients\' CA', async () => {
    const updated = await post(producer, ENGAGEMENT_INDEX_PATHS.Update, buildUpdateRequest([ENGAGEMENT]));
    expect(updated.status).toBe(200);
    await updated.text();
    const found = await post(producer, ENGAGEMENT_INDEX_PATHS.FindContent, findContent);
    expect(found.status).toBe(200);
    expect(readFindContentResponse(await found.text())).toMatchObject({ engagements: [{ logicalAddress: 'SE2321000016-TC01', categorization: 'dia' }] });
  });

  it('ends the handshake of a client without a certificate, or with one from another CA', async () => {
    for (const client of [undefined, stranger]) {
      const refused = await post(client, ENGAGEMENT_INDEX_PATHS.FindContent, findContent).then(
        () => 'answered',
        (error: Error) => `${error.message}: ${(error.cause as { code?: string } | undefined)?.code}`,
      );
      expect(refused).toMatch(/^fetch failed: (UND_ERR_SOCKET|ECONNRESET|ERR_SSL_)/);
    }
  });
});

describe('internal app options', () => {
  it('refuses HTTPS without a client CA or without its own certificate', async () => {
    const deps = { database: {} as never, logger: createLogger({ level: 'silent' }) };
    await expect(buildInternalApp({ ...deps, https: { cert: Buffer.from('x'), key: Buffer.from('y'), ca: [] } })).rejects.toThrow(/^INTERNAL_TLS_CLIENT_CA_FILE: /);
    await expect(buildInternalApp({ ...deps, https: { cert: Buffer.from('x'), ca: [Buffer.from('z')] } })).rejects.toThrow(/^INTERNAL_TLS_CERT_FILE: /);
  });
});
