import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateAgainstSchema } from '../contracts/schema-validation.js';
import { readEnvelope } from '../contracts/soap.js';
import type { Db } from '../db/connection.js';
import { describeEachDatabase } from '../testing/databases.js';
import { RIVTA_DIR, SAMPLES_DIR } from '../testing/rivta.js';
import { JOURNALEN_HSA_ID, type EngagementInput } from './engagement.js';
import {
  buildFindContentRequest,
  buildProcessNotificationRequest,
  buildUpdateRequest,
  ENGAGEMENT_INDEX_INTERACTIONS,
  readFindContentResponse,
  readProcessNotificationResponse,
  readUpdateResponse,
  type EngagementIndexOperation,
} from './messages.js';
import { ENGAGEMENT_INDEX_PATHS, engagementIndexCaller, registerEngagementIndex, type EngagementIndexOptions } from './routes.js';

const DESCRIPTION = 'riv:clinicalprocess:healthcond:description';
const TAKECARE = 'SE2321000016-TC01';
const COSMIC = 'SE2321000032-CO01';
const NOW = new Date('2026-11-23T12:00:00+01:00');

let residents = 0;
const nextResident = () => `19121212${String(++residents).padStart(4, '0')}`;
const dia = (resident: string, source = TAKECARE, extra: Partial<EngagementInput> = {}): EngagementInput => ({
  registeredResidentIdentification: resident,
  serviceDomain: DESCRIPTION,
  categorization: 'dia',
  logicalAddress: source,
  sourceSystem: source,
  dataController: 'SE2321000016-0001',
  ...extra,
});

const post = (app: FastifyInstance, operation: EngagementIndexOperation, payload: string, contentType = 'text/xml; charset=utf-8') =>
  app.inject({ method: 'POST', url: ENGAGEMENT_INDEX_PATHS[operation], headers: { 'content-type': contentType, soapaction: ENGAGEMENT_INDEX_INTERACTIONS[operation].soapAction }, payload });

const schema = (operation: EngagementIndexOperation) => path.join(RIVTA_DIR, ENGAGEMENT_INDEX_INTERACTIONS[operation].responderXsd);

async function bareApp(db: Db, options: Partial<Omit<EngagementIndexOptions, 'db'>> = {}): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(registerEngagementIndex, { db, now: () => NOW, ...options });
  await app.ready();
  return app;
}

/** The fault of a response: HTTP 500 and text/xml, as WS-I BP requires, with a readable reason. */
function faultOf(res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  expect(res.statusCode).toBe(500);
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  const envelope = readEnvelope(res.body);
  if (envelope.kind !== 'fault' || envelope.fault.kind !== 'soapFault') throw new Error(`not a fault: ${res.body}`);
  expect(res.body).not.toMatch(/\bat .*\.(ts|js):\d+/);
  return envelope.fault;
}

describeEachDatabase('engagement index over HTTP', (getDb) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await bareApp(getDb().db);
  });
  afterAll(async () => {
    await app?.close();
  });

  const find = async (resident: string, extra: object = {}) => {
    const res = await post(app, 'FindContent', buildFindContentRequest({ registeredResidentIdentification: resident, serviceDomain: DESCRIPTION, ...extra }));
    expect(res.statusCode).toBe(200);
    expect(validateAgainstSchema(res.body, schema('FindContent'))).toEqual({ valid: true, errors: [] });
    const answer = readFindContentResponse(res.body);
    if (answer.kind !== 'engagements') throw new Error('fault');
    return answer.engagements;
  };

  it('stores an Update and answers FindContent with it, in schema-valid messages', async () => {
    const r = nextResident();
    const res = await post(app, 'Update', buildUpdateRequest([dia(r, TAKECARE, { mostRecentContent: new Date('2026-11-20T08:00:00Z') }), dia(r, COSMIC)]));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(validateAgainstSchema(res.body, schema('Update'))).toEqual({ valid: true, errors: [] });
    expect(readUpdateResponse(res.body)).toEqual({ kind: 'result', resultCode: 'OK', comment: '2 created, 0 updated, 0 deleted, 0 unchanged' });
    const found = await find(r);
    expect(found.map((e) => [e.sourceSystem, e.owner, e.creationTime])).toEqual([
      [TAKECARE, JOURNALEN_HSA_ID, NOW],
      [COSMIC, JOURNALEN_HSA_ID, NOW],
    ]);
    expect(found[0]?.mostRecentContent).toEqual(new Date('2026-11-20T08:00:00Z'));
  });

  it('is idempotent, deletes, and answers only the resident asked about', async () => {
    const r = nextResident();
    const other = nextResident();
    const update = buildUpdateRequest([dia(r, TAKECARE), dia(r, COSMIC), dia(other, TAKECARE)]);
    await post(app, 'Update', update);
    const again = readUpdateResponse((await post(app, 'Update', update)).body);
    expect(again).toEqual({ kind: 'result', resultCode: 'OK', comment: '0 created, 0 updated, 0 deleted, 3 unchanged' });
    expect((await find(r)).map((e) => e.sourceSystem)).toEqual([TAKECARE, COSMIC]);
    expect((await find(r, { sourceSystem: COSMIC })).map((e) => e.sourceSystem)).toEqual([COSMIC]);
    expect(await find(r, { categorization: 'voo' })).toEqual([]);

    const deleted = readUpdateResponse((await post(app, 'Update', buildUpdateRequest([dia(r, TAKECARE)], { deleteFlags: true }))).body);
    expect(deleted).toMatchObject({ resultCode: 'OK', comment: '0 created, 0 updated, 1 deleted, 0 unchanged' });
    expect((await find(r)).map((e) => e.sourceSystem)).toEqual([COSMIC]);
    expect((await find(other)).map((e) => e.registeredResidentIdentification)).toEqual([other]);
  });

  it('answers ResultCode ERROR naming the rule, and stores nothing from that message', async () => {
    const r = nextResident();
    const res = await post(app, 'Update', buildUpdateRequest([dia(r, TAKECARE), dia(r, COSMIC, { categorization: 'lab' })]));
    expect(res.statusCode).toBe(200);
    expect(validateAgainstSchema(res.body, schema('Update'))).toEqual({ valid: true, errors: [] });
    const answer = readUpdateResponse(res.body);
    expect(answer).toMatchObject({ kind: 'result', resultCode: 'ERROR' });
    expect(answer.kind === 'result' && answer.comment).toContain(`engagementTransaction[2]: rule "Domain ${DESCRIPTION}": categorization value for ${DESCRIPTION} must be one of:`);
    expect(await find(r)).toEqual([]);
  });

  it('refuses an Update addressed to another index (EI003) or with an owner', async () => {
    const r = nextResident();
    const elsewhere = readUpdateResponse((await post(app, 'Update', buildUpdateRequest([dia(r)], { logicalAddress: '5565594230' }))).body);
    expect(elsewhere).toMatchObject({ resultCode: 'ERROR', comment: expect.stringContaining('rule "EI003"') });
    const owned = readUpdateResponse((await post(app, 'Update', buildUpdateRequest([{ ...dia(r), owner: 'SE2321000016-EI01' }]))).body);
    expect(owned).toMatchObject({ resultCode: 'ERROR', comment: expect.stringContaining('rule "No forbidden elements": owner MUST NOT be given') });
    expect(await find(r)).toEqual([]);
  });

  it('takes ProcessNotification from another index, and refuses the official negative example', async () => {
    const r = nextResident();
    const notification = buildProcessNotificationRequest([{ ...dia(r), owner: 'SE2321000016-EI01' }], { logicalAddress: JOURNALEN_HSA_ID });
    const res = await post(app, 'ProcessNotification', notification);
    expect(validateAgainstSchema(res.body, schema('ProcessNotification'))).toEqual({ valid: true, errors: [] });
    expect(readProcessNotificationResponse(res.body)).toMatchObject({ resultCode: 'OK', comment: '1 created, 0 updated, 0 deleted, 0 unchanged' });
    expect((await find(r)).map((e) => e.owner)).toEqual(['SE2321000016-EI01']);

    const circular = buildProcessNotificationRequest([dia(r, COSMIC)], { logicalAddress: JOURNALEN_HSA_ID });
    expect(readProcessNotificationResponse((await post(app, 'ProcessNotification', circular)).body)).toMatchObject({
      resultCode: 'OK',
      comment: expect.stringContaining("1 about this index's own engagements ignored"),
    });

    const negative = readFileSync(path.join(SAMPLES_DIR, 'engagementindex', 'ProcessNotification.xml'), 'utf8');
    const fault = faultOf(await post(app, 'ProcessNotification', negative));
    expect(fault).toMatchObject({ code: 'soapenv:Client' });
    expect(fault.message).toMatch(/^engagementTransaction\[1\]\/engagement\/registeredResidentIdentification: must be 12 characters/);
  });

  it('answers bad XML, a DTD, a wrong namespace or a bare element with a SOAP Fault', async () => {
    const update = buildUpdateRequest([dia(nextResident())]);
    const cases: [string, string, RegExp][] = [
      ['malformed', update.slice(0, -40), /^XML is malformed/],
      ['empty', '', /malformed|not a SOAP message/],
      ['DTD', `<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>${update.replace(/^<\?xml[^>]*>/, '')}`, /DOCTYPE/],
      ['wrong namespace', update.replace(':UpdateResponder:1"', ':UpdateResponder:9"'), /must be in namespace urn:riv:itintegration:engagementindex:UpdateResponder:1/],
      ['other interaction', buildFindContentRequest({ registeredResidentIdentification: '191212121212', serviceDomain: DESCRIPTION }), /expected a <Update> request/],
      ['bare element', update.replace(/^.*<soapenv:Body>/, '').replace(/<\/soapenv:Body>.*$/, ''), /must be a SOAP 1\.1 envelope/],
    ];
    for (const [name, payload, reason] of cases) {
      const fault = faultOf(await post(app, 'Update', payload));
      expect({ name, code: fault.code }).toEqual({ name, code: 'soapenv:Client' });
      expect(fault.message, name).toMatch(reason);
    }
  });

  it('refuses JSON, forms and SOAP 1.2 with a SOAP Fault rather than parsing them', async () => {
    for (const contentType of ['application/json', 'application/x-www-form-urlencoded', 'application/soap+xml']) {
      const payload = contentType === 'application/json' ? '{"engagementTransaction":[]}' : 'x=1';
      const fault = faultOf(await post(app, 'Update', payload, contentType));
      expect(fault).toEqual({ kind: 'soapFault', code: 'soapenv:Client', message: 'the request must be SOAP 1.1: Content-Type text/xml' });
    }
  });

  it('refuses FindContent addressed elsewhere or for a malformed resident id', async () => {
    const elsewhere = buildFindContentRequest({ registeredResidentIdentification: nextResident(), serviceDomain: DESCRIPTION }, { logicalAddress: '5565594230' });
    expect(faultOf(await post(app, 'FindContent', elsewhere)).message).toBe(`LogicalAddress: must be this index's HSA-id ${JOURNALEN_HSA_ID}; it is "5565594230"`);
    const bad = buildFindContentRequest({ registeredResidentIdentification: '191212121212', serviceDomain: DESCRIPTION }).replace('>191212121212<', '>19121212-1212<');
    expect(faultOf(await post(app, 'FindContent', bad)).message).toMatch(/^FindContent\/registeredResidentIdentification: must be 12 characters/);
  });
});

describe('engagement index over HTTP, at its limits', () => {
  it('refuses a body over the limit before parsing it', async () => {
    const app = await bareApp({} as Db, { bodyLimit: 2048 });
    try {
      const big = buildUpdateRequest(Array.from({ length: 10 }, (_, i) => dia(`1912121200${String(i).padStart(2, '0')}`)));
      expect(Buffer.byteLength(big)).toBeGreaterThan(2048);
      expect(faultOf(await post(app, 'Update', big))).toEqual({ kind: 'soapFault', code: 'soapenv:Client', message: 'request body is larger than 2048 bytes' });
    } finally {
      await app.close();
    }
  });

  it.each(['registered', 'called'])('keeps its parsers and fault answers to itself when %s', async (how) => {
    const app = Fastify();
    app.post('/api/echo', async (request) => request.body);
    if (how === 'registered') await app.register(registerEngagementIndex, { db: {} as Db });
    else await registerEngagementIndex(app, { db: {} as Db });
    try {
      const res = await app.inject({ method: 'POST', url: '/api/echo', payload: { a: 1 } });
      expect(res.json()).toEqual({ a: 1 });
      const xml = await app.inject({ method: 'POST', url: '/api/echo', headers: { 'content-type': 'text/xml' }, payload: '<a/>' });
      expect([xml.statusCode, xml.headers['content-type']]).toEqual([415, 'application/json; charset=utf-8']);
      const fault = await post(app, 'FindContent', '<a/>');
      expect(fault.statusCode).toBe(500);
      expect(fault.body).toContain('<faultcode>soapenv:Client</faultcode>');
    } finally {
      await app.close();
    }
  });

  it('answers a failure of its own with a Server fault that tells nothing of the inside', async () => {
    const failing = new Proxy({} as Db, {
      get: () => () => {
        throw new Error('connection to 10.0.0.7 refused, password=hunter2');
      },
    });
    const app = await bareApp(failing);
    try {
      const fault = faultOf(await post(app, 'Update', buildUpdateRequest([dia('191212121212')])));
      expect(fault).toEqual({ kind: 'soapFault', code: 'soapenv:Server', message: 'the engagement index could not answer; try again later' });
      const find = buildFindContentRequest({ registeredResidentIdentification: '191212121212', serviceDomain: DESCRIPTION });
      expect(faultOf(await post(app, 'FindContent', find)).code).toBe('soapenv:Server');
    } finally {
      await app.close();
    }
  });
});

describe('engagement index callers', () => {
  it('refuses every operation from a caller without a verified certificate where one is required', async () => {
    // app.inject's socket is not TLS: the second lock behind the listener's handshake.
    const app = await bareApp({} as Db, { requireClientCertificate: true, notifiers: ['SE2321000016-EI01'] });
    try {
      const r = '191212121212';
      const requests = {
        Update: buildUpdateRequest([dia(r)]),
        ProcessNotification: buildProcessNotificationRequest([{ ...dia(r), owner: 'SE2321000016-EI01' }], { logicalAddress: JOURNALEN_HSA_ID }),
        FindContent: buildFindContentRequest({ registeredResidentIdentification: r, serviceDomain: DESCRIPTION }),
      };
      for (const [operation, payload] of Object.entries(requests) as [EngagementIndexOperation, string][]) {
        expect({ operation, fault: faultOf(await post(app, operation, payload)) }).toEqual({
          operation,
          fault: { kind: 'soapFault', code: 'soapenv:Client', message: "the engagement index answers only callers presenting a client certificate from the platform's CA" },
        });
      }
    } finally {
      await app.close();
    }
  });

  const requestOn = (socket: object) => ({ raw: { socket } }) as unknown as FastifyRequest;
  const tls = (certificate: object, authorized = true) => ({ encrypted: true, authorized, getPeerCertificate: () => certificate });
  const certificate = (subject: object) => ({ raw: Buffer.from('der'), subject });

  it('names the caller by the SERIALNUMBER of a verified client certificate', () => {
    expect(engagementIndexCaller(requestOn(tls(certificate({ CN: 'TakeCare', serialNumber: ' SE2321000016-TC01 ' }))))).toEqual({ kind: 'certified', hsaId: 'SE2321000016-TC01' });
  });

  it('names no one for plain HTTP, an unverified or absent certificate, and no or two SERIALNUMBERs', () => {
    expect(engagementIndexCaller(requestOn({ encrypted: undefined }))).toEqual({ kind: 'anonymous' });
    expect(engagementIndexCaller(requestOn(tls(certificate({ serialNumber: 'SE2321000016-TC01' }), false)))).toEqual({ kind: 'anonymous' });
    expect(engagementIndexCaller(requestOn(tls({})))).toEqual({ kind: 'anonymous' });
    expect(engagementIndexCaller(requestOn(tls(certificate({ CN: 'x' }))))).toEqual({ kind: 'certified', hsaId: undefined });
    expect(engagementIndexCaller(requestOn(tls(certificate({ serialNumber: ['SE2321000016-TC01', 'SE2321000032-CO01'] }))))).toEqual({ kind: 'certified', hsaId: undefined });
    expect(engagementIndexCaller(requestOn(tls(certificate({ serialNumber: '  ' }))))).toEqual({ kind: 'certified', hsaId: undefined });
  });
});
