import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildFindContentRequest,
  buildProcessNotificationRequest,
  buildUpdateRequest,
  JOURNALEN_HSA_ID,
  readFindContentResponse,
  readProcessNotificationResponse,
  readUpdateResponse,
  type EngagementInput,
} from '../engagement-index/messages.js';
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

const TAKECARE = 'SE2321000016-TC01';
const COSMIC = 'SE2321000032-CO01';
const NATIONAL_EI = 'SE2321000016-EI01';
const DESCRIPTION = 'riv:clinicalprocess:healthcond:description';

let residents = 0;
const nextResident = () => `19121213${String(++residents).padStart(4, '0')}`;
/** A producer's engagement: its own HSA-id as logicalAddress and sourceSystem, as the domain rules say. */
const dia = (resident: string, source: string, extra: Partial<EngagementInput> = {}): EngagementInput => ({
  registeredResidentIdentification: resident, serviceDomain: DESCRIPTION, categorization: 'dia',
  logicalAddress: source, sourceSystem: source, dataController: 'SE2321000016-0001', ...extra,
});

describeEachDatabase('internal (platform) app', (getDb) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    await seedRegistry(getDb().db);
    // A notifier list changes nothing over plain HTTP: there callers have no identity.
    app = await buildInternalApp({ database: getDb(), logger: createLogger({ level: 'silent' }), engagementIndex: { notifiers: [NATIONAL_EI] } });
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

  it('over plain HTTP takes any source\'s Update and ProcessNotification from anyone, as before', async () => {
    const post = (url: string, payload: string) => app.inject({ method: 'POST', url, headers: { 'content-type': 'text/xml; charset=utf-8' }, payload });
    const r = nextResident();
    const updated = await post(ENGAGEMENT_INDEX_PATHS.Update, buildUpdateRequest([dia(r, TAKECARE), dia(r, COSMIC)]));
    expect(readUpdateResponse(updated.body)).toEqual({ kind: 'result', resultCode: 'OK', comment: '2 created, 0 updated, 0 deleted, 0 unchanged' });
    const deleted = await post(ENGAGEMENT_INDEX_PATHS.Update, buildUpdateRequest([dia(r, COSMIC)], { deleteFlags: true }));
    expect(readUpdateResponse(deleted.body)).toMatchObject({ resultCode: 'OK', comment: '0 created, 0 updated, 1 deleted, 0 unchanged' });
    const notified = await post(ENGAGEMENT_INDEX_PATHS.ProcessNotification, buildProcessNotificationRequest([dia(r, COSMIC, { owner: 'SE2321000016-EI99' })], { logicalAddress: JOURNALEN_HSA_ID }));
    expect(readProcessNotificationResponse(notified.body)).toMatchObject({ resultCode: 'OK', comment: '1 created, 0 updated, 0 deleted, 0 unchanged' });
    const found = await post(ENGAGEMENT_INDEX_PATHS.FindContent, buildFindContentRequest({ registeredResidentIdentification: r, serviceDomain: DESCRIPTION }));
    const answer = readFindContentResponse(found.body);
    expect(answer.kind === 'engagements' && answer.engagements.map((e) => [e.sourceSystem, e.owner])).toEqual([[TAKECARE, JOURNALEN_HSA_ID], [COSMIC, 'SE2321000016-EI99']]);
  });
});

describeEachDatabase('internal (platform) app over mutual TLS', (getDb) => {
  let app: FastifyInstance;
  let closedApp: FastifyInstance;
  let readersApp: FastifyInstance;
  let readersBase: string;
  let base: string;
  let closedBase: string;
  let pki: TestPki;
  let other: TestPki;
  let producer: IssuedCertificate;
  let cosmic: IssuedCertificate;
  let notifier: IssuedCertificate;
  let anonymous: IssuedCertificate;
  let stranger: IssuedCertificate;
  const transports: RivTransport[] = [];

  const material = (issued: IssuedCertificate | undefined): TlsMaterial => ({
    ...(issued !== undefined ? { cert: Buffer.from(issued.certPem), key: Buffer.from(issued.keyPem) } : {}),
    ca: [Buffer.from(pki.caPem)],
  });
  const post = (issued: IssuedCertificate | undefined, path: string, body: string, to = base) => {
    const transport = createRivTransport({ tls: material(issued) });
    transports.push(transport);
    return transport(`${to}${path}`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body, signal: AbortSignal.timeout(10_000) });
  };
  const findContent = buildFindContentRequest({ registeredResidentIdentification: '191212121212', serviceDomain: 'riv:clinicalprocess:healthcond:description' });
  const update = async (issued: IssuedCertificate, engagements: EngagementInput[], deleteFlags?: boolean) => {
    const res = await post(issued, ENGAGEMENT_INDEX_PATHS.Update, buildUpdateRequest(engagements, deleteFlags === undefined ? {} : { deleteFlags }));
    return { status: res.status, answer: readUpdateResponse(await res.text()) };
  };
  const notify = async (issued: IssuedCertificate, engagements: EngagementInput[], to = base) => {
    const res = await post(issued, ENGAGEMENT_INDEX_PATHS.ProcessNotification, buildProcessNotificationRequest(engagements, { logicalAddress: JOURNALEN_HSA_ID }), to);
    return { status: res.status, answer: readProcessNotificationResponse(await res.text()) };
  };
  /** What the index holds about a resident, as [sourceSystem, owner], asked with a producer's certificate. */
  const held = async (resident: string) => {
    const res = await post(producer, ENGAGEMENT_INDEX_PATHS.FindContent, buildFindContentRequest({ registeredResidentIdentification: resident, serviceDomain: DESCRIPTION }));
    expect(res.status).toBe(200);
    const answer = readFindContentResponse(await res.text());
    if (answer.kind !== 'engagements') throw new Error(`FindContent fault: ${JSON.stringify(answer)}`);
    return answer.engagements.map((e) => [e.sourceSystem, e.owner]).sort();
  };

  beforeAll(async () => {
    await seedRegistry(getDb().db);
    [pki, other] = await Promise.all([createTestPki(), createTestPki()]);
    let server: IssuedCertificate;
    [server, producer, cosmic, notifier, anonymous, stranger] = await Promise.all([
      pki.issue({ commonName: 'journalen internal', usage: 'server' }),
      pki.issue({ commonName: 'TakeCare', serialNumber: TAKECARE, usage: 'client' }),
      pki.issue({ commonName: 'Cosmic', serialNumber: COSMIC, usage: 'client' }),
      pki.issue({ commonName: 'Nationellt engagemangsindex', serialNumber: NATIONAL_EI, usage: 'client' }),
      pki.issue({ commonName: 'No HSA-id', usage: 'client' }),
      other.issue({ commonName: 'TakeCare', serialNumber: TAKECARE, usage: 'client' }),
    ]);
    const https = { cert: Buffer.from(server.certPem), key: Buffer.from(server.keyPem), ca: [Buffer.from(pki.caPem)] };
    const logger = createLogger({ level: 'silent' });
    app = await buildInternalApp({ database: getDb(), logger, https, engagementIndex: { notifiers: [NATIONAL_EI] } });
    // The same listener with no notifier configured, and one answering FindContent only for the service itself.
    closedApp = await buildInternalApp({ database: getDb(), logger, https });
    readersApp = await buildInternalApp({ database: getDb(), logger, https, engagementIndex: { readers: [COSMIC] } });
    await Promise.all([app.listen({ host: '127.0.0.1', port: 0 }), closedApp.listen({ host: '127.0.0.1', port: 0 }), readersApp.listen({ host: '127.0.0.1', port: 0 })]);
    readersBase = `https://127.0.0.1:${(readersApp.server.address() as AddressInfo).port}`;
    base = `https://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    closedBase = `https://127.0.0.1:${(closedApp.server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await Promise.all(transports.map((t) => t.close()));
    await Promise.all([app?.close(), closedApp?.close(), readersApp?.close()]);
  });

  it('answers a producer presenting a certificate from the clients\' CA', async () => {
    const updated = await post(producer, ENGAGEMENT_INDEX_PATHS.Update, buildUpdateRequest([ENGAGEMENT]));
    expect(updated.status).toBe(200);
    expect(readUpdateResponse(await updated.text())).toMatchObject({ kind: 'result', resultCode: 'OK' });
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

  it('stores a producer\'s Update of its own engagements, and deletes them at its word', async () => {
    const r = nextResident();
    expect(await update(producer, [dia(r, TAKECARE)])).toEqual({ status: 200, answer: { kind: 'result', resultCode: 'OK', comment: '1 created, 0 updated, 0 deleted, 0 unchanged' } });
    expect(await update(cosmic, [dia(r, COSMIC)])).toMatchObject({ answer: { resultCode: 'OK', comment: '1 created, 0 updated, 0 deleted, 0 unchanged' } });
    expect(await held(r)).toEqual([[TAKECARE, JOURNALEN_HSA_ID], [COSMIC, JOURNALEN_HSA_ID]]);
    expect(await update(cosmic, [dia(r, COSMIC)], true)).toMatchObject({ answer: { resultCode: 'OK', comment: '0 created, 0 updated, 1 deleted, 0 unchanged' } });
    expect(await held(r)).toEqual([[TAKECARE, JOURNALEN_HSA_ID]]);
  });

  it('refuses a producer\'s Update of another producer\'s engagements: the delete flag deletes nothing, nothing is stored', async () => {
    const r = nextResident();
    expect(await update(cosmic, [dia(r, COSMIC)])).toMatchObject({ answer: { resultCode: 'OK' } });

    // The attack: TakeCare's certificate, Cosmic's engagement, deleteFlag true.
    const attack = await update(producer, [dia(r, COSMIC)], true);
    expect(attack.status).toBe(200);
    expect(attack.answer).toMatchObject({ kind: 'result', resultCode: 'ERROR' });
    const comment = attack.answer.kind === 'result' ? attack.answer.comment : undefined;
    expect(comment).toContain(`engagementTransaction[1]: rule "Own engagements only": the caller ${TAKECARE} (its client certificate's SERIALNUMBER) may report only its own engagements`);
    expect(comment).toContain(`this one has sourceSystem "${COSMIC}"`);
    expect(await held(r)).toEqual([[COSMIC, JOURNALEN_HSA_ID]]);

    // Its own engagement alongside another's: the whole message is refused, the first offender named.
    const mixed = await update(producer, [dia(r, TAKECARE), dia(r, COSMIC, { categorization: 'voo' }), dia(r, COSMIC, { categorization: 'upp' })]);
    expect(mixed.answer).toMatchObject({ resultCode: 'ERROR', comment: expect.stringContaining(`engagementTransaction[2]: rule "Own engagements only": the caller ${TAKECARE}`) });
    expect(mixed.answer.kind === 'result' && mixed.answer.comment).toContain('(2 engagements point elsewhere)');
    expect(await held(r)).toEqual([[COSMIC, JOURNALEN_HSA_ID]]);

    // Its own logicalAddress with another's sourceSystem, in a domain whose rules do not tie the two.
    const logistics = { serviceDomain: 'riv:clinicalprocess:logistics:logistics', categorization: 'cll-cp', logicalAddress: TAKECARE, sourceSystem: COSMIC };
    const halfway = await update(producer, [dia(r, TAKECARE, logistics)]);
    expect(halfway.answer).toMatchObject({ resultCode: 'ERROR', comment: expect.stringContaining(`this one has sourceSystem "${COSMIC}"`) });
    const other = await post(producer, ENGAGEMENT_INDEX_PATHS.FindContent, buildFindContentRequest({ registeredResidentIdentification: r, serviceDomain: logistics.serviceDomain }));
    expect(readFindContentResponse(await other.text())).toEqual({ kind: 'engagements', engagements: [] });
  });

  it('refuses Update from a certificate without an HSA-id, and lets it read', async () => {
    const r = nextResident();
    const res = await post(anonymous, ENGAGEMENT_INDEX_PATHS.Update, buildUpdateRequest([dia(r, TAKECARE)]));
    expect(res.status).toBe(500);
    expect(readUpdateResponse(await res.text())).toMatchObject({ kind: 'fault', fault: { code: 'soapenv:Client', message: expect.stringMatching(/^Update needs the caller's HSA-id as the SERIALNUMBER/) } });
    const found = await post(anonymous, ENGAGEMENT_INDEX_PATHS.FindContent, buildFindContentRequest({ registeredResidentIdentification: r, serviceDomain: DESCRIPTION }));
    expect(found.status).toBe(200);
    expect(readFindContentResponse(await found.text())).toEqual({ kind: 'engagements', engagements: [] });
  });

  it('takes ProcessNotification only from a listed notifier', async () => {
    const r = nextResident();
    expect(await notify(notifier, [dia(r, COSMIC, { owner: NATIONAL_EI })])).toEqual({
      status: 200,
      answer: { kind: 'result', resultCode: 'OK', comment: '1 created, 0 updated, 0 deleted, 0 unchanged' },
    });
    expect(await held(r)).toEqual([[COSMIC, NATIONAL_EI]]);

    // A producer may not, not even about itself; and a delete from it removes nothing.
    for (const [issued, caller] of [[producer, TAKECARE], [cosmic, COSMIC]] as const) {
      const refused = await notify(issued, [dia(r, COSMIC, { owner: NATIONAL_EI })]);
      expect(refused).toEqual({
        status: 500,
        answer: { kind: 'fault', fault: { kind: 'soapFault', code: 'soapenv:Client', message: `ProcessNotification is taken only from the national engagement index (${NATIONAL_EI}); the caller is ${caller}` } },
      });
    }
    const res = await post(producer, ENGAGEMENT_INDEX_PATHS.ProcessNotification, buildProcessNotificationRequest([dia(r, COSMIC, { owner: NATIONAL_EI })], { logicalAddress: JOURNALEN_HSA_ID, deleteFlags: true }));
    expect(res.status).toBe(500);
    await res.text();
    expect(await held(r)).toEqual([[COSMIC, NATIONAL_EI]]);
  });

  it('answers FindContent only for the listed readers when a list is given', async () => {
    const asked = buildFindContentRequest({ registeredResidentIdentification: '191212121212', serviceDomain: DESCRIPTION });
    const allowed = await post(cosmic, ENGAGEMENT_INDEX_PATHS.FindContent, asked, readersBase);
    expect(allowed.status).toBe(200);
    expect(readFindContentResponse(await allowed.text())).toMatchObject({ kind: 'engagements' });
    for (const [issued, who] of [[producer, TAKECARE], [anonymous, undefined]] as const) {
      const refused = await post(issued, ENGAGEMENT_INDEX_PATHS.FindContent, asked, readersBase);
      expect(refused.status).toBe(500);
      const answer = readFindContentResponse(await refused.text());
      expect(answer).toMatchObject({ kind: 'fault', fault: { code: 'soapenv:Client' } });
      if (who !== undefined) expect(JSON.stringify(answer)).toContain(`FindContent is answered only for ${COSMIC}; the caller is ${who}`);
    }
  });

  it('refuses every ProcessNotification over HTTPS when no notifier is configured', async () => {
    const r = nextResident();
    const refused = await notify(notifier, [dia(r, COSMIC, { owner: NATIONAL_EI })], closedBase);
    expect(refused.status).toBe(500);
    expect(refused.answer).toMatchObject({ kind: 'fault', fault: { code: 'soapenv:Client', message: expect.stringMatching(/^ProcessNotification is refused: this index takes notifications from no one over TLS .* the caller is SE2321000016-EI01$/) } });
    expect(await held(r)).toEqual([]);
  });
});

describe('internal app options', () => {
  it('refuses HTTPS without a client CA or without its own certificate', async () => {
    const deps = { database: {} as never, logger: createLogger({ level: 'silent' }) };
    await expect(buildInternalApp({ ...deps, https: { cert: Buffer.from('x'), key: Buffer.from('y'), ca: [] } })).rejects.toThrow(/^INTERNAL_TLS_CLIENT_CA_FILE: /);
    await expect(buildInternalApp({ ...deps, https: { cert: Buffer.from('x'), ca: [Buffer.from('z')] } })).rejects.toThrow(/^INTERNAL_TLS_CERT_FILE: /);
  });

  it('refuses an empty or spaced notifier HSA-id', async () => {
    const deps = { database: {} as never, logger: createLogger({ level: 'silent' }) };
    await expect(buildInternalApp({ ...deps, engagementIndex: { notifiers: ['SE2321000016-EI01', ' '] } })).rejects.toThrow(/^ENGAGEMENT_INDEX_NOTIFIERS: entry 2 must be an HSA-id/);
    await expect(buildInternalApp({ ...deps, engagementIndex: { notifiers: ['SE2321000016 EI01'] } })).rejects.toThrow(/^ENGAGEMENT_INDEX_NOTIFIERS: entry 1 /);
  });
});
