import net from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_VERSIONS, contractVersion, parseContractResponse } from '../contracts/registry.js';
import { responderSchemaFile, validateAgainstSchema } from '../contracts/schema-validation.js';
import { soapEnvelope } from '../contracts/soap.js';
import type { ContractRequest, ContractVersion } from '../contracts/types.js';
import { openDatabase, type Database } from '../db/connection.js';
import { buildFindContentRequest, readFindContentResponse } from '../engagement-index/messages.js';
import { ENGAGEMENT_INDEX_PATHS, registerEngagementIndex } from '../engagement-index/routes.js';
import { isJournalenError } from '../errors/index.js';
import { RIVTA_DIR } from '../testing/rivta.js';
import { careGivers, SIMULATOR_SYSTEM_IDS, SOURCE_SYSTEM_HSA_IDS } from './care-units.js';
import { createPopulation, TOLVAN } from './population.js';
import { startSimulators, type RunningSimulators, type SimulatorInfo } from './server.js';

const NOW = new Date('2026-11-23T10:00:00+01:00');
const population = createPopulation({ seed: 'server-test', size: 300, now: NOW });

interface Call {
  readonly status: number;
  readonly contentType: string | null;
  readonly xml: string;
}

async function call(system: SimulatorInfo, contract: ContractVersion, request: ContractRequest, options: { signal?: AbortSignal; logicalAddress?: string } = {}): Promise<Call> {
  const res = await fetch(system.endpointFor(contract), {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    body: soapEnvelope(contract.buildRequest(request), { logicalAddress: options.logicalAddress ?? system.logicalAddress }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { status: res.status, contentType: res.headers.get('content-type'), xml: await res.text() };
}

const post = async (url: string, body: string) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  return { status: res.status, xml: await res.text() };
};

/** Reads every page of an answer (contracts that page), returning all items. */
async function allPages(system: SimulatorInfo, contract: ContractVersion, request: ContractRequest) {
  const items = [];
  let continuation: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = parseContractResponse((await call(system, contract, { ...request, ...(continuation ? { continuation } : {}) })).xml);
    items.push(...r.items);
    continuation = r.hasMore?.reference;
    if (!continuation) return items;
  }
  throw new Error('no end of pages');
}

const expectedItems = (personnummer: string, system: SimulatorInfo, contract: ContractVersion) => population.itemsFor(personnummer, system.id, contract.infoType);

const clientFault = (r: Pick<Call, 'status' | 'xml'>) => {
  expect(r.status).toBe(500);
  const parsed = parseContractResponse(r.xml);
  expect(parsed.contract).toBeNull();
  expect(parsed.faults[0]).toMatchObject({ kind: 'soapFault', code: 'soapenv:Client' });
  return parsed.faults[0]!.message;
};

describe('source-system simulators', () => {
  let sims: RunningSimulators;
  const gcc = contractVersion('GetCareContacts')!;

  beforeAll(async () => {
    sims = await startSimulators({ population, now: () => NOW });
  });
  afterAll(async () => {
    await sims.close();
  });

  it('runs one server per system on loopback, TakeCare answering for AsynjaVisph', () => {
    expect(sims.systems.map((s) => s.id).sort()).toEqual([...SIMULATOR_SYSTEM_IDS].sort());
    for (const s of sims.systems) {
      expect(s.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(s.logicalAddress).toBe(SOURCE_SYSTEM_HSA_IDS[s.id]);
      expect(s.regions.length).toBeGreaterThan(0);
    }
    expect(new Set(sims.systems.map((s) => s.port)).size).toBe(sims.systems.length);
    expect(sims.system('asynjavisph')).toBe(sims.system('takecare'));
    expect(sims.system('takecare').regions).toContain('14');
  });

  it.each(CONTRACT_VERSIONS.map((c) => [`${c.contract} ${c.version}`, c] as const))('answers %s for Tolvan from every system, valid against the schema', async (_name, contract) => {
    const schema = responderSchemaFile(RIVTA_DIR, contract);
    let total = 0;
    for (const system of sims.systems) {
      const r = await call(system, contract, { patientId: TOLVAN });
      expect(r.status).toBe(200);
      expect(r.contentType).toBe('text/xml; charset=utf-8');
      expect(validateAgainstSchema(r.xml, schema), `${system.id}`).toEqual({ valid: true, errors: [] });
      const parsed = parseContractResponse(r.xml);
      expect(parsed).toMatchObject({ contract: contract.contract, version: contract.major, faults: [] });
      expect(parsed.items.every((i) => i.patientId === TOLVAN && i.sourceSystemHsaId === system.logicalAddress && i.infoType === contract.infoType)).toBe(true);
      const all = parsed.hasMore ? await allPages(system, contract, { patientId: TOLVAN }) : parsed.items;
      expect(all.map((i) => i.id).sort(), system.id).toEqual(expectedItems(TOLVAN, system, contract).map((i) => i.id).sort());
      total += all.length;
    }
    expect(total).toBeGreaterThan(0);
  });

  it('answers the samordningsnummer holder, the protected child and every special case', async () => {
    for (const which of ['samordningsnummer', 'protectedChild', 'deceased', 'child13to15', 'multiRegion'] as const) {
      const resident = population.special(which);
      for (const id of population.systemsOf(resident.personnummer)) {
        const parsed = parseContractResponse((await call(sims.system(id), gcc, { patientId: resident.personnummer, patientIdType: resident.patientIdType })).xml);
        expect(parsed.items.length, `${which} in ${id}`).toBe(expectedItems(resident.personnummer, sims.system(id), gcc).length);
        expect(parsed.items.every((i) => i.patientId === resident.personnummer)).toBe(true);
      }
    }
  });

  it('honours the care unit, care giver, period, source system and care contact filters', async () => {
    const takecare = sims.system('takecare');
    const mine = expectedItems(TOLVAN, takecare, gcc);
    const unit = mine[0]!.careUnit.hsaId!;
    const byUnit = parseContractResponse((await call(takecare, gcc, { patientId: TOLVAN, careUnitHsaIds: [unit] })).xml).items;
    expect(byUnit.length).toBe(mine.filter((i) => i.careUnit.hsaId === unit).length);
    expect(byUnit.every((i) => i.careUnit.hsaId === unit)).toBe(true);
    expect(parseContractResponse((await call(takecare, gcc, { patientId: TOLVAN, careUnitHsaIds: ['SE2321000016-NONE'] })).xml).items).toEqual([]);

    const vgr = careGivers().find((g) => g.regionCode === '14')!.hsaId;
    const contracts3 = contractVersion('GetCareContacts', '3')!;
    const byGiver = parseContractResponse((await call(takecare, contracts3, { patientId: TOLVAN, careGiverHsaIds: [vgr] })).xml).items;
    expect(byGiver.length).toBeGreaterThan(0);
    expect(byGiver.length).toBeLessThan(mine.length);
    expect(byGiver.every((i) => i.careGiver.hsaId === vgr)).toBe(true);

    const start = new Date('2026-01-01T00:00:00+01:00');
    const end = new Date('2026-11-30T00:00:00+01:00');
    const inPeriod = parseContractResponse((await call(takecare, gcc, { patientId: TOLVAN, period: { start, end } })).xml).items;
    expect(inPeriod.length).toBeGreaterThan(0);
    expect(inPeriod.length).toBeLessThan(mine.length);
    expect(inPeriod.every((i) => i.time >= start || (i.period?.end ?? i.time) >= start)).toBe(true);

    expect(parseContractResponse((await call(takecare, gcc, { patientId: TOLVAN, sourceSystemHsaId: takecare.logicalAddress })).xml).items.length).toBe(mine.length);
    expect(parseContractResponse((await call(takecare, gcc, { patientId: TOLVAN, sourceSystemHsaId: SOURCE_SYSTEM_HSA_IDS.cosmic })).xml).items).toEqual([]);

    const contact = mine[0]!.careContactId!;
    const diagnoses = contractVersion('GetDiagnosis')!;
    const byContact = parseContractResponse((await post(takecare.endpointFor(diagnoses), soapEnvelope(diagnoses.buildRequest({ patientId: TOLVAN }).replace('</GetDiagnosis>', `<careContactId>${contact}</careContactId></GetDiagnosis>`)))).xml).items;
    expect(byContact.every((i) => i.careContactId === contact)).toBe(true);
  });

  it('pages contracts whose request carries a continuation, newest first', async () => {
    const pagingContract = CONTRACT_VERSIONS.find((c) => c.buildRequest({ patientId: TOLVAN, continuation: 'x-probe' }).includes('x-probe'));
    if (!pagingContract) return; // no paging contract registered
    const small = await startSimulators({ population, now: () => NOW, systems: ['takecare'], pageSize: 3 });
    try {
      const system = small.system('takecare');
      const first = parseContractResponse((await call(system, pagingContract, { patientId: TOLVAN })).xml);
      expect(first.items).toHaveLength(3);
      expect(first.hasMore?.reference).toBeDefined();
      const times = first.items.map((i) => i.time.getTime());
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      const all = await allPages(system, pagingContract, { patientId: TOLVAN });
      const expected = expectedItems(TOLVAN, system, pagingContract).map((i) => i.id);
      expect(all.map((i) => i.id).sort()).toEqual([...expected].sort());
      expect(clientFault(await call(system, pagingContract, { patientId: TOLVAN, continuation: 'not-mine' }))).toMatch(/hasMoreReference/);
    } finally {
      await small.close();
    }
  });

  it('answers an unknown patient with an empty answer, not a fault', async () => {
    for (const patientId of ['199001011239', '20121212P123']) {
      const r = await call(sims.system('cosmic'), gcc, { patientId });
      expect(r.status).toBe(200);
      expect(parseContractResponse(r.xml)).toMatchObject({ contract: 'GetCareContacts', items: [], faults: [] });
    }
  });

  it('answers bad requests with a SOAP Fault (Client), never a crash', async () => {
    const cosmic = sims.system('cosmic');
    const url = cosmic.endpointFor(gcc);
    expect(clientFault(await call(cosmic, gcc, { patientId: '1912' }))).toMatch(/patientId/);
    expect(clientFault(await call(cosmic, gcc, { patientId: TOLVAN }, { logicalAddress: 'SE0000000009-OTHER' }))).toMatch(/LogicalAddress/);
    expect(clientFault(await post(url, 'not xml at all'))).toBeTruthy();
    expect(clientFault(await post(url, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'))).toMatch(/DOCTYPE|entity/i);
    expect(clientFault(await post(url, '<a><b></a>'))).toBeTruthy();
    expect(clientFault(await post(url, soapEnvelope('<Nonsense xmlns="urn:riv:nothing:1"/>')))).toMatch(/not a request/);
    expect(clientFault(await post(url, soapEnvelope(gcc.buildRequest({ patientId: TOLVAN }).replace(/<patientId>.*<\/patientId>/s, ''))))).toMatch(/patientId/);
    const diagnoses = contractVersion('GetDiagnosis')!;
    expect(clientFault(await post(url, soapEnvelope(diagnoses.buildRequest({ patientId: TOLVAN }))))).toMatch(/served at/);
    const badPeriod = soapEnvelope(gcc.buildRequest({ patientId: TOLVAN, period: { start: new Date('2020-01-01'), end: new Date('2021-01-01') } }).replace(/20200101/, '2020-01-01'));
    expect(clientFault(await post(url, badPeriod))).toMatch(/Period|period/);
    const huge = await fetch(url, { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    await huge.text();
    const get = await fetch(`${cosmic.baseUrl}/`);
    expect(await get.json()).toMatchObject({ system: 'cosmic', logicalAddress: cosmic.logicalAddress });
    expect((await fetch(url)).status).toBe(405);
    // Still serving after all that.
    expect(parseContractResponse((await call(cosmic, gcc, { patientId: TOLVAN })).xml).faults).toEqual([]);
    expect(sims.stats('cosmic').clientFaults).toBeGreaterThanOrEqual(10);
  });

  describe('fault modes', () => {
    const system = () => sims.system('takecare');
    const withFault = async (fault: Parameters<RunningSimulators['setFault']>[1], check: () => Promise<void>) => {
      await sims.setFault('takecare', fault);
      try {
        await check();
      } finally {
        await sims.setFault('takecare', null);
      }
    };

    it('slow answers after the delay', () =>
      withFault({ kind: 'slow', delayMs: 300 }, async () => {
        const t0 = performance.now();
        const r = await call(system(), gcc, { patientId: TOLVAN });
        expect(performance.now() - t0).toBeGreaterThanOrEqual(280);
        expect(parseContractResponse(r.xml).items.length).toBeGreaterThan(0);
      }));

    it('down refuses connections, and comes back on the same port', async () => {
      await withFault({ kind: 'down' }, async () => {
        // Open connections are cut (a pooled one fails as a socket error), new ones are refused.
        expect(await call(system(), gcc, { patientId: TOLVAN }).catch((e: unknown) => e)).toBeInstanceOf(Error);
        const refused = await new Promise<string | undefined>((resolve) => {
          const socket = net.connect(system().port, '127.0.0.1');
          socket.on('connect', () => {
            socket.destroy();
            resolve('connected');
          });
          socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code));
        });
        expect(refused).toBe('ECONNREFUSED');
      });
      expect((await call(system(), gcc, { patientId: TOLVAN })).status).toBe(200);
    });

    it('http500 answers HTTP 500 that is not SOAP', () =>
      withFault({ kind: 'http500' }, async () => {
        const r = await call(system(), gcc, { patientId: TOLVAN });
        expect(r.status).toBe(500);
        expect(r.contentType).toMatch(/^text\/plain/);
        expect(() => parseContractResponse(r.xml)).toThrow(expect.objectContaining({ code: 'JOURNALEN_INPUT_INVALID' }));
      }));

    it('soapFault answers a SOAP Fault from the server', () =>
      withFault({ kind: 'soapFault' }, async () => {
        const r = await call(system(), gcc, { patientId: TOLVAN });
        expect(r.status).toBe(500);
        expect(parseContractResponse(r.xml)).toMatchObject({ contract: null, items: [], faults: [{ kind: 'soapFault', code: 'soapenv:Server' }] });
      }));

    it('malformedXml makes the answer unreadable (INPUT_INVALID)', () =>
      withFault({ kind: 'malformedXml' }, async () => {
        const r = await call(system(), gcc, { patientId: TOLVAN });
        expect(r.status).toBe(200);
        let thrown: unknown;
        try {
          parseContractResponse(r.xml);
        } catch (error) {
          thrown = error;
        }
        expect(isJournalenError(thrown, 'INPUT_INVALID')).toBe(true);
      }));

    it('oversized pads a well-formed answer past a consumer limit', () =>
      withFault({ kind: 'oversized', bytes: 3 * 1024 * 1024 }, async () => {
        const r = await call(system(), gcc, { patientId: TOLVAN });
        expect(Buffer.byteLength(r.xml)).toBe(3 * 1024 * 1024);
        expect(parseContractResponse(r.xml).items.length).toBeGreaterThan(0);
        expect(() => parseContractResponse(r.xml, { maxBytes: 1024 * 1024, maxDepth: 64 })).toThrow(expect.objectContaining({ code: 'JOURNALEN_INPUT_INVALID', details: { reason: 'tooLarge' } }));
      }));

    it('timeout never answers', () =>
      withFault({ kind: 'timeout' }, async () => {
        const error = await call(system(), gcc, { patientId: TOLVAN }, { signal: AbortSignal.timeout(300) }).catch((e: unknown) => e as Error);
        expect((error as Error).name).toBe('TimeoutError');
      }));

    it('otherPatient answers with items about someone else', () =>
      withFault({ kind: 'otherPatient' }, async () => {
        const parsed = parseContractResponse((await call(system(), gcc, { patientId: TOLVAN })).xml);
        expect(parsed.items.length).toBeGreaterThan(0);
        expect(parsed.items.every((i) => i.patientId !== TOLVAN)).toBe(true);
      }));

    it('a fault on one system leaves the others alone', () =>
      withFault({ kind: 'down' }, async () => {
        expect((await call(sims.system('cosmic'), gcc, { patientId: TOLVAN })).status).toBe(200);
      }));

    it('a global delay slows every system', async () => {
      sims.setDelay(200);
      try {
        const t0 = performance.now();
        await call(sims.system('vas'), gcc, { patientId: TOLVAN });
        expect(performance.now() - t0).toBeGreaterThanOrEqual(180);
      } finally {
        sims.setDelay(0);
      }
    });
  });
});

describe('closing', () => {
  it('stops every server, ends hanging answers and leaves no handles', async () => {
    const count = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    // libuv releases a closed handle on a later turn of the event loop (earlier suites' too).
    const settle = () => new Promise((r) => setTimeout(r, 20));
    await settle();
    const servers = count();
    const sims = await startSimulators({ population, now: () => NOW, systems: ['cosmic', 'pmo'] });
    expect(count()).toBe(servers + 2);
    const gcc = contractVersion('GetCareContacts')!;
    await sims.setFault('pmo', { kind: 'timeout' });
    const hanging = call(sims.system('pmo'), gcc, { patientId: TOLVAN }).catch((e: unknown) => e);
    await sims.setFault('cosmic', { kind: 'slow', delayMs: 10_000 });
    const slow = call(sims.system('cosmic'), gcc, { patientId: TOLVAN }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    await sims.close();
    expect(await hanging).toBeInstanceOf(Error);
    expect(await slow).toBeInstanceOf(Error);
    await settle();
    expect(count()).toBe(servers);
    expect(await call(sims.system('cosmic'), gcc, { patientId: TOLVAN }).catch((e: unknown) => e)).toBeInstanceOf(Error);
    await sims.close(); // idempotent
  });
});

describe('engagement reporting to the engagement index', () => {
  let database: Database;
  let index: FastifyInstance;
  let indexUrl: string;
  let sims: RunningSimulators;

  beforeAll(async () => {
    database = await openDatabase({ inMemory: true });
    index = Fastify();
    await registerEngagementIndex(index, { db: database.db, now: () => NOW });
    indexUrl = await index.listen({ host: '127.0.0.1', port: 0 });
    sims = await startSimulators({ population, now: () => NOW, reportEngagementsTo: `${indexUrl}${ENGAGEMENT_INDEX_PATHS.Update}`, engagementBatchSize: 200 });
  });
  afterAll(async () => {
    await sims?.close();
    await index?.close();
    await database?.close();
  });

  const findContent = async (personnummer: string) => {
    const res = await post(`${indexUrl}${ENGAGEMENT_INDEX_PATHS.FindContent}`, buildFindContentRequest({ registeredResidentIdentification: personnummer, serviceDomain: 'riv:clinicalprocess:logistics:logistics' }));
    const answer = readFindContentResponse(res.xml);
    if (answer.kind !== 'engagements') throw new Error(`FindContent fault: ${answer.fault.message}`);
    return answer.engagements;
  };

  it("reports every system's engagements in batches the index accepts", () => {
    expect(sims.engagements.failures).toEqual([]);
    expect(sims.engagements.messages).toBeGreaterThan(sims.systems.length);
    expect(sims.engagements.engagements).toBeGreaterThan(population.size);
    expect(sims.engagements.residents).toBe(population.size);
  });

  it("lets the index find which systems hold a resident's care contacts", async () => {
    const tolvan = await findContent(TOLVAN);
    expect(new Set(tolvan.map((e) => e.sourceSystem))).toEqual(new Set(Object.values(SOURCE_SYSTEM_HSA_IDS)));
    for (const e of tolvan) {
      expect(e).toMatchObject({ categorization: 'vko', businessObjectInstanceIdentifier: 'NA', clinicalProcessInterestId: 'NA' });
      expect(e.logicalAddress).toBe(e.sourceSystem);
      expect(careGivers().map((g) => g.hsaId)).toContain(e.dataController);
      expect(e.mostRecentContent!.getTime()).toBeLessThanOrEqual(NOW.getTime());
    }
    const child = population.special('child0to12');
    expect(new Set((await findContent(child.personnummer)).map((e) => e.sourceSystem))).toEqual(new Set(population.systemsOf(child.personnummer).map((s) => SOURCE_SYSTEM_HSA_IDS[s])));
    expect(await findContent('199001011239')).toEqual([]);
  });

  it('reports further residents on request, idempotently', async () => {
    const again = await sims.reportEngagements({ from: 0, to: 20 });
    expect(again.failures).toEqual([]);
    expect(again.residents).toBe(20);
    expect(again.engagements).toBeGreaterThan(0);
  });
});
