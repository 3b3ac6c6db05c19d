import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONTRACT_VERSIONS, contractVersion } from '../contracts/registry.js';
import { logicalAddressOf, readEnvelope, soapEnvelope } from '../contracts/soap.js';
import type { RecordItem } from '../domain/record.js';
import { region } from '../domain/regions.js';
import { JOURNALEN_HSA_ID } from '../engagement-index/engagement.js';
import { ENGAGEMENT_INDEX_PATHS, registerEngagementIndex } from '../engagement-index/routes.js';
import { createLogger } from '../operations/logger.js';
import { grant, removeRoute, upsertRoute } from '../routing/store.js';
import { createPopulation, TOLVAN, type Population } from '../simulators/population.js';
import { startSimulators, type RunningSimulators, type SimulatorFault } from '../simulators/server.js';
import { describeEachDatabase } from '../testing/databases.js';
import { aggregateRecord, createAggregator, ownEngagementIndex, type AggregationDeps, type EngagementSource, type SourceStatus, type Transport } from './fetch-record.js';

/**
 * Direct mode end to end, wired as `npm start` wires the demo (src/demo/sources.ts): simulators
 * on ephemeral ports, routes for every contract, this service granted '*', engagements reported
 * to our own index over Update. The index is mounted on a bare Fastify, so these tests do not
 * depend on how the web app hosts it. Small pages, so paging is exercised.
 */

const PAGE_SIZE = 20;
const CONSUMER = JOURNALEN_HSA_ID;

describeEachDatabase('aggregation (direct mode)', (getDb) => {
  let app: FastifyInstance;
  let population: Population;
  let simulators: RunningSimulators;
  let describeSource: AggregationDeps['describeSource'];

  beforeAll(async () => {
    app = Fastify();
    await registerEngagementIndex(app, { db: getDb().db });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    population = createPopulation({ seed: 'test', size: 40 });
    simulators = await startSimulators({ population, pageSize: PAGE_SIZE });
    const db = getDb().db;
    for (const system of simulators.systems) {
      for (const contract of CONTRACT_VERSIONS) {
        await upsertRoute(db, { logicalAddress: system.logicalAddress, serviceContractNamespace: contract.responderNamespace, endpointUrl: system.endpointFor(contract) });
      }
    }
    for (const contract of CONTRACT_VERSIONS) {
      await grant(db, { consumerHsaId: CONSUMER, serviceContractNamespace: contract.responderNamespace, logicalAddress: '*' });
    }
    const report = await simulators.reportEngagements({ url: `${base}${ENGAGEMENT_INDEX_PATHS.Update}` });
    expect(report.failures).toEqual([]);
    const directory = new Map(simulators.systems.map((s) => [s.logicalAddress, { systemName: s.name, regionNames: s.regions.map((c) => region(c).name) }]));
    describeSource = (address) => directory.get(address);
  });
  afterAll(async () => {
    await simulators?.close();
    await app?.close();
  });

  const deps = (extra: Partial<AggregationDeps> = {}): AggregationDeps => ({ db: getDb().db, describeSource, ...extra });
  const tolvan = (infoTypes?: RecordItem['infoType'][]) => ({ patientId: TOLVAN, consumerHsaId: CONSUMER, ...(infoTypes ? { infoTypes } : {}) });
  const cosmic = () => simulators.system('cosmic');
  const of = (sources: readonly SourceStatus[], address: string) => sources.filter((s) => s.logicalAddress === address);
  const others = (sources: readonly SourceStatus[]) => sources.filter((s) => s.logicalAddress !== cosmic().logicalAddress);
  const withFault = async <T>(fault: SimulatorFault, run: () => Promise<T>): Promise<T> => {
    await simulators.setFault('cosmic', fault);
    try {
      return await run();
    } finally {
      await simulators.setFault('cosmic', null);
    }
  };
  const timed = async <T>(run: () => Promise<T>) => {
    const start = performance.now();
    const value = await run();
    return { value, ms: performance.now() - start };
  };
  /** What a system holds about Tolvan up to now, as the simulator serves it. */
  const held = (id: Parameters<Population['itemsFor']>[1]) => population.itemsFor(TOLVAN, id).filter((i) => i.time.getTime() <= Date.now());

  it('gathers Tolvan\'s record from all seven source systems, every contract answered, merged and sorted', async () => {
    const { items, sources } = await aggregateRecord(deps(), tolvan());
    expect(new Set(sources.map((s) => s.logicalAddress))).toEqual(new Set(simulators.systems.map((s) => s.logicalAddress)));
    expect(sources.filter((s) => s.status !== 'answered')).toEqual([]);
    for (const system of simulators.systems) {
      const mine = items.filter((i) => i.sourceSystemHsaId === system.logicalAddress);
      expect(mine.length, system.id).toBe(held(system.id).length);
      expect(of(sources, system.logicalAddress)[0]).toMatchObject({ systemName: system.name, regionNames: expect.arrayContaining([expect.any(String)]) });
    }
    expect(items.every((i) => i.patientId === TOLVAN)).toBe(true);
    for (let i = 1; i < items.length; i++) expect(items[i - 1]!.time.getTime()).toBeGreaterThanOrEqual(items[i]!.time.getTime());
    const keys = items.map((i) => `${i.sourceSystemHsaId}|${i.infoType}|${i.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Notes page (GetCareDocumentation 3): wherever Tolvan has more than a page, every page was fetched.
    const paged = sources.filter((s) => s.contract === 'GetCareDocumentation' && s.itemCount > PAGE_SIZE);
    for (const s of paged) expect(s).toMatchObject({ pages: Math.ceil(s.itemCount / PAGE_SIZE), version: '3' });
  });

  it('marks a source partial when it offers more pages than the limit', async () => {
    const { sources } = await aggregateRecord(deps({ limits: { maxPages: 1 } }), tolvan(['note']));
    const big = sources.find((s) => held(simulators.systems.find((x) => x.logicalAddress === s.logicalAddress)!.id).filter((i) => i.infoType === 'note').length > PAGE_SIZE);
    expect(big).toMatchObject({ status: 'answered', partial: true, problem: 'pageLimit', pages: 1, itemCount: PAGE_SIZE });
  });

  const FAULTS: [SimulatorFault, SourceStatus['status'], NonNullable<SourceStatus['problem']>][] = [
    [{ kind: 'down' }, 'failed', 'connection'],
    [{ kind: 'http500' }, 'failed', 'httpStatus'],
    [{ kind: 'soapFault' }, 'failed', 'soapFault'],
    [{ kind: 'malformedXml' }, 'failed', 'malformed'],
    [{ kind: 'oversized', bytes: 4 * 1024 * 1024 }, 'failed', 'tooLarge'],
    [{ kind: 'timeout' }, 'timedOut', 'timeout'],
    [{ kind: 'slow', delayMs: 4000 }, 'timedOut', 'timeout'],
  ];

  it.each(FAULTS)('a source with fault %o is named as %s (%s); the six others still answer', async (fault, status, problem) => {
    // Generous for the healthy sources, which must answer even on a loaded CI machine; short
    // enough that a producer that never answers is cut off well before its 4 s.
    const perSourceTimeoutMs = status === 'timedOut' ? 1500 : 5000;
    const { value, ms } = await timed(() =>
      withFault(fault, () => aggregateRecord(deps({ limits: { perSourceTimeoutMs, maxResponseBytes: 1024 * 1024 } }), tolvan())),
    );
    const failing = of(value.sources, cosmic().logicalAddress);
    expect(failing.length).toBeGreaterThan(0);
    for (const s of failing) expect(s).toMatchObject({ status, problem, systemName: 'Cosmic', itemCount: 0, reason: expect.any(String) });
    expect(others(value.sources).every((s) => s.status === 'answered')).toBe(true);
    expect(new Set(others(value.sources).map((s) => s.logicalAddress)).size).toBe(6);
    expect(value.items.some((i) => i.sourceSystemHsaId === cosmic().logicalAddress)).toBe(false);
    expect(value.items.every((i) => i.patientId === TOLVAN)).toBe(true);
    // Timeouts are the per-source timeout, not the producer's delay.
    if (status === 'timedOut') expect(ms).toBeLessThan(3500);
  });

  it('drops another patient\'s items (otherPatient fault), names the source, keeps the rest', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
    const { items, sources } = await withFault({ kind: 'otherPatient' }, () => aggregateRecord(deps({ logger }), tolvan()));
    expect(items.every((i) => i.patientId === TOLVAN)).toBe(true);
    const wrong = of(sources, cosmic().logicalAddress).filter((s) => s.problem === 'wrongPatient');
    expect(wrong.length).toBeGreaterThan(0);
    for (const s of wrong) expect(s).toMatchObject({ status: 'failed', systemName: 'Cosmic', itemCount: 0, droppedItems: expect.any(Number) });
    expect(others(sources).every((s) => s.status === 'answered')).toBe(true);
    const faults = lines.filter((l) => l.includes('another patient'));
    expect(faults.length).toBe(wrong.length);
    expect(faults[0]).toContain(cosmic().logicalAddress);
    // Not even masked: nothing tried to log a personnummer.
    for (const line of lines) {
      expect(line).not.toMatch(/(?<!\d)(?:19|20)\d{10}(?!\d)/);
      expect(line).not.toContain('[personnummer]');
    }
  });

  it('keeps the patient\'s own items from a mixed answer and drops the stranger\'s', async () => {
    const diagnosis = contractVersion('GetDiagnosis')!;
    const stranger = population.itemsFor(population.residentAt(5).personnummer, 'cosmic', 'diagnosis')[0] ?? { ...held('cosmic').find((i) => i.infoType === 'diagnosis')!, id: 'x', patientId: '195709263080' };
    const own = held('cosmic').filter((i) => i.infoType === 'diagnosis');
    const transport: Transport = async (url, init) =>
      url.startsWith(cosmic().baseUrl) ? new Response(soapEnvelope(diagnosis.writeResponse([...own, stranger]))) : fetch(url, init);
    const { items, sources } = await aggregateRecord(deps({ transport }), tolvan(['diagnosis']));
    expect(of(sources, cosmic().logicalAddress)).toEqual([expect.objectContaining({ status: 'failed', problem: 'wrongPatient', droppedItems: 1, itemCount: own.length })]);
    expect(items.filter((i) => i.sourceSystemHsaId === cosmic().logicalAddress).length).toBe(own.length);
    expect(items.every((i) => i.patientId === TOLVAN)).toBe(true);
  });

  it('a slow source times out at roughly the per-source timeout', async () => {
    const { value, ms } = await timed(() =>
      withFault({ kind: 'slow', delayMs: 4000 }, () => aggregateRecord(deps({ limits: { perSourceTimeoutMs: 600 } }), tolvan())),
    );
    // Margins for a loaded CI machine; still far from the producer's 4 s.
    for (const s of of(value.sources, cosmic().logicalAddress)) {
      expect(s.status).toBe('timedOut');
      expect(s.durationMs).toBeGreaterThanOrEqual(590);
      expect(s.durationMs).toBeLessThan(600 + 1000);
    }
    expect(ms).toBeLessThan(600 + 1800);
  });

  it('answers by the overall deadline, even through a transport that ignores the abort', async () => {
    const { value, ms } = await timed(() =>
      withFault({ kind: 'timeout' }, () => aggregateRecord(deps({ limits: { perSourceTimeoutMs: 10_000, deadlineMs: 1500 } }), tolvan())),
    );
    expect(ms).toBeLessThan(1500 + 1000);
    for (const s of of(value.sources, cosmic().logicalAddress)) expect(s).toMatchObject({ status: 'timedOut', problem: 'deadline' });
    expect(others(value.sources).every((s) => s.status === 'answered')).toBe(true);

    const deaf: Transport = (url, init) => (url.startsWith(cosmic().baseUrl) ? new Promise<Response>(() => {}) : fetch(url, init));
    const deafRun = await timed(() => aggregateRecord(deps({ transport: deaf, limits: { deadlineMs: 1500 } }), tolvan(['diagnosis'])));
    expect(deafRun.ms).toBeLessThan(1500 + 1000);
    expect(of(deafRun.value.sources, cosmic().logicalAddress)).toEqual([expect.objectContaining({ status: 'timedOut', problem: 'deadline' })]);
  });

  it('opens a producer\'s circuit after repeated failures, then skips it at once; a trial after the cool-down closes it', async () => {
    let now = 0;
    const aggregator = createAggregator({ db: getDb().db, describeSource, clock: () => now, limits: { failureThreshold: 3, coolDownMs: 10_000, perSourceTimeoutMs: 1000 } });
    await withFault({ kind: 'down' }, async () => {
      for (let i = 0; i < 3; i++) {
        const { sources } = await aggregator.aggregateRecord(tolvan(['diagnosis']));
        expect(of(sources, cosmic().logicalAddress)[0]).toMatchObject({ status: 'failed', problem: 'connection' });
      }
    });
    expect(aggregator.breakers.state(cosmic().logicalAddress)).toBe('open');
    // Now a producer that would hang for the whole timeout: skipped, not waited for.
    await withFault({ kind: 'timeout' }, async () => {
      const before = simulators.stats('cosmic').requests;
      const skipped = await timed(() => aggregator.aggregateRecord(tolvan(['diagnosis', 'alert'])));
      expect(skipped.ms).toBeLessThan(500);
      for (const s of of(skipped.value.sources, cosmic().logicalAddress)) expect(s).toMatchObject({ status: 'failed', problem: 'circuitOpen', systemName: 'Cosmic' });
      expect(simulators.stats('cosmic').requests).toBe(before);
      expect(others(skipped.value.sources).every((s) => s.status === 'answered')).toBe(true);
    });
    now += 10_000;
    expect(aggregator.breakers.state(cosmic().logicalAddress)).toBe('halfOpen');
    const { sources } = await aggregator.aggregateRecord(tolvan(['diagnosis']));
    expect(of(sources, cosmic().logicalAddress)[0]).toMatchObject({ status: 'answered' });
    expect(aggregator.breakers.state(cosmic().logicalAddress)).toBe('closed');
  });

  it('stops reading an oversized answer instead of downloading it', async () => {
    let bytesRead = 0;
    const counting: Transport = async (url, init) => {
      const response = await fetch(url, init);
      if (!response.body) return response;
      const counted = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            bytesRead += chunk.byteLength;
            controller.enqueue(chunk);
          },
        }),
      );
      return new Response(counted, { status: response.status, headers: response.headers });
    };
    const { value, ms } = await timed(() =>
      withFault({ kind: 'oversized', bytes: 200 * 1024 * 1024 }, () =>
        aggregateRecord(deps({ transport: counting, limits: { maxResponseBytes: 1024 * 1024 } }), tolvan(['diagnosis'])),
      ),
    );
    expect(of(value.sources, cosmic().logicalAddress)).toEqual([expect.objectContaining({ status: 'failed', problem: 'tooLarge' })]);
    // Six small answers plus at most a little of the 200 MB one.
    expect(bytesRead).toBeLessThan(2 * 1024 * 1024);
    expect(ms).toBeLessThan(2000);
  });

  it('keeps to the bound of calls in flight per producer', async () => {
    const inFlight = new Map<string, number>();
    const peak = new Map<string, number>();
    const watching: Transport = async (url, init) => {
      const host = new URL(url).host;
      inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
      peak.set(host, Math.max(peak.get(host) ?? 0, inFlight.get(host)!));
      try {
        const response = await fetch(url, init);
        return new Response(await response.arrayBuffer(), { status: response.status, headers: response.headers });
      } finally {
        inFlight.set(host, inFlight.get(host)! - 1);
      }
    };
    simulators.setDelay(30);
    try {
      const { sources } = await aggregateRecord(deps({ transport: watching, limits: { maxConcurrentPerProducer: 2 } }), tolvan());
      expect(sources.every((s) => s.status === 'answered')).toBe(true);
    } finally {
      simulators.setDelay(0);
    }
    expect(Math.max(...peak.values())).toBe(2);
  });

  it('reports noRoute and notAuthorized per source and contract, and falls back to an older routed major', async () => {
    const db = getDb().db;
    const diagnoses = contractVersion('GetDiagnosis')!;
    const notes3 = contractVersion('GetCareDocumentation', '3')!;
    await removeRoute(db, { logicalAddress: cosmic().logicalAddress, serviceContractNamespace: diagnoses.responderNamespace });
    await removeRoute(db, { logicalAddress: cosmic().logicalAddress, serviceContractNamespace: notes3.responderNamespace });
    try {
      const { sources } = await aggregateRecord(deps(), tolvan(['diagnosis', 'note']));
      const c = of(sources, cosmic().logicalAddress);
      expect(c.find((s) => s.contract === 'GetDiagnosis')).toMatchObject({ status: 'noRoute', problem: 'noRoute', itemCount: 0 });
      expect(c.find((s) => s.contract === 'GetCareDocumentation')).toMatchObject({ status: 'answered', version: '2' });
    } finally {
      await upsertRoute(db, { logicalAddress: cosmic().logicalAddress, serviceContractNamespace: diagnoses.responderNamespace, endpointUrl: cosmic().endpointFor(diagnoses) });
      await upsertRoute(db, { logicalAddress: cosmic().logicalAddress, serviceContractNamespace: notes3.responderNamespace, endpointUrl: cosmic().endpointFor(notes3) });
    }
    // A consumer allowed GetDiagnosis at Cosmic only.
    const other = 'SE0000000099-OTHER';
    await grant(db, { consumerHsaId: other, serviceContractNamespace: contractVersion('GetDiagnosis')!.responderNamespace, logicalAddress: cosmic().logicalAddress });
    const { items, sources } = await aggregateRecord(deps(), { patientId: TOLVAN, consumerHsaId: other, infoTypes: ['diagnosis'] });
    expect(of(sources, cosmic().logicalAddress)).toEqual([expect.objectContaining({ status: 'answered' })]);
    expect(others(sources).length).toBeGreaterThan(0);
    expect(others(sources).every((s) => s.status === 'notAuthorized')).toBe(true);
    expect(items.every((i) => i.sourceSystemHsaId === cosmic().logicalAddress)).toBe(true);
  });

  it('answers a failing source from the cache, without items not approved for the patient', async () => {
    const aggregator = createAggregator({ db: getDb().db, describeSource, cache: { ttlMs: 60_000, maxEntries: 100 } });
    const first = await aggregator.aggregateRecord(tolvan());
    const live = first.items.filter((i) => i.sourceSystemHsaId === cosmic().logicalAddress);
    const second = await withFault({ kind: 'down' }, () => aggregator.aggregateRecord(tolvan()));
    for (const s of of(second.sources, cosmic().logicalAddress)) {
      expect(s).toMatchObject({ status: 'answeredFromCache', problem: 'connection', cacheAgeMs: expect.any(Number) });
    }
    const cached = second.items.filter((i) => i.sourceSystemHsaId === cosmic().logicalAddress);
    expect(cached.every((i) => i.approvedForPatient)).toBe(true);
    expect(cached.map((i) => i.id).sort()).toEqual(live.filter((i) => i.approvedForPatient).map((i) => i.id).sort());
  });

  it('passes the period to the producers', async () => {
    const full = await aggregateRecord(deps(), tolvan(['note', 'diagnosis']));
    const start = new Date(Date.now() - 365 * 24 * 3600 * 1000);
    const recent = await aggregateRecord(deps(), { ...tolvan(['note', 'diagnosis']), period: { start } });
    expect(recent.items.length).toBeLessThan(full.items.length);
    for (const item of recent.items) expect(Math.max(item.time.getTime(), item.period?.end?.getTime() ?? Infinity)).toBeGreaterThanOrEqual(start.getTime());
  });

  it('has nothing to call for someone not in the index, and refuses a malformed patient id', async () => {
    expect(await aggregateRecord(deps(), { patientId: '195709263080', consumerHsaId: CONSUMER })).toEqual({ items: [], sources: [] });
    await expect(aggregateRecord(deps(), { patientId: '1912121212', consumerHsaId: CONSUMER })).rejects.toMatchObject({ code: 'JOURNALEN_INPUT_INVALID', details: { field: 'patientId' } });
    await expect(aggregateRecord(deps(), { ...tolvan(), infoTypes: ['x' as 'note'] })).rejects.toMatchObject({ code: 'JOURNALEN_INPUT_INVALID' });
  });
  // ---- Engagement source, grouping per source system ----------------------------------------------

  it('groups engagements per source system and addresses each call to the system, not to the engagement\'s logical address', async () => {
    const own = ownEngagementIndex(getDb().db);
    const address = cosmic().logicalAddress;
    // Cosmic's engagements as if registered per care unit: several logical addresses, one source system.
    const units: EngagementSource = {
      async find(patientId, domains) {
        const found = await own.find(patientId, domains);
        return found.flatMap((e) => (e.sourceSystem === address ? [{ ...e, logicalAddress: `${address}-unit1` }, { ...e, logicalAddress: `${address}-unit2` }] : [e]));
      },
    };
    const sent: string[] = [];
    const transport: Transport = async (url, init) => {
      if (url.startsWith(cosmic().baseUrl)) sent.push(logicalAddressOf(readEnvelope(init.body).header) ?? '?');
      return fetch(url, init);
    };
    const grouped = await aggregateRecord(deps({ engagements: units, transport }), tolvan(['diagnosis', 'note']));
    const direct = await aggregateRecord(deps(), tolvan(['diagnosis', 'note']));
    expect(of(grouped.sources, address).map((s) => s.contract).sort()).toEqual(['GetCareDocumentation', 'GetDiagnosis']);
    expect(grouped.sources.some((s) => s.logicalAddress.includes('-unit'))).toBe(false);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sent)).toEqual(new Set([address]));
    expect(grouped.items.length).toBe(direct.items.length);
    expect(grouped.sources.map((s) => `${s.logicalAddress} ${s.contract} ${s.status}`).sort()).toEqual(direct.sources.map((s) => `${s.logicalAddress} ${s.contract} ${s.status}`).sort());
  });

  // ---- Routing through VP ---------------------------------------------------------------------------

  it('through VP: one URL per contract, LogicalAddress = source system, and VP\'s fault codes as statuses', async () => {
    const vpBase = 'http://vp.invalid/vp';
    const sys = (id: Parameters<RunningSimulators['system']>[0]) => simulators.system(id).logicalAddress;
    const vpFault = (faultstring: string, detail = '') =>
      new Response(
        `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header/><soapenv:Body><soap:Fault xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><faultcode>soap:Server</faultcode><faultstring>${faultstring}</faultstring><detail>${detail}</detail></soap:Fault></soapenv:Body></soapenv:Envelope>`,
        { status: 500, headers: { 'content-type': 'text/xml' } },
      );
    const seen: string[] = [];
    // A small VP: routes on the message only (LogicalAddress + the contract in the path, as VP's namespace would say).
    const vp: Transport = async (url, init) => {
      if (!url.startsWith(`${vpBase}/`)) return fetch(url, init);
      const [name, major] = url.slice(vpBase.length + 1).split('/');
      const receiver = logicalAddressOf(readEnvelope(init.body).header) ?? '';
      seen.push(`${receiver} ${name} ${major}`);
      if (receiver === sys('melior')) return vpFault('VP007 [NTjP Test] Tjänstekonsumenten saknar behörighet att anropa den logiska adressaten via detta tjänstekontrakt.');
      if (receiver === sys('millennium')) return vpFault('VP004 [NTjP Test] Det finns inget vägval i tjänsteadresseringskatalogen som matchar anropets logiska adressat (ReceiverId) och tjänstekontrakt.');
      if (receiver === sys('ncs-cross')) return vpFault('VP009 [NTjP Test] Fel vid kontakt med tjänsteproducenten.', 'Error connecting to service producer at address http://x. (java.net.ConnectException: Connection refused)');
      if (receiver === sys('pmo')) return vpFault('VP009 [NTjP Test] Fel vid kontakt med tjänsteproducenten.', 'Error connecting to service producer at address http://x. Exception Caught by Camel when contacting producer. Exception information: (io.netty.handler.timeout.ReadTimeoutException: Timeout when waiting on response from producer.)');
      // TakeCare has no route for notes 3 on the platform: the aggregator falls back to notes 2.
      if (receiver === sys('takecare') && name === 'GetCareDocumentation' && major === '3') return vpFault('VP004 [NTjP Test] no route');
      const system = simulators.systems.find((s) => s.logicalAddress === receiver);
      if (!system) return vpFault('VP004 [NTjP Test] no route');
      return fetch(system.endpointFor({ contract: name as 'GetDiagnosis', major: major! }), init);
    };
    // A consumer the routing table knows nothing of: VP, not the table, decides.
    const { items, sources } = await aggregateRecord(
      deps({ transport: vp, routing: { kind: 'platform', url: (c) => `${vpBase}/${c.contract}/${c.major}` } }),
      { patientId: TOLVAN, consumerHsaId: 'SE0000000098-NOBODY', infoTypes: ['diagnosis', 'note'] },
    );
    const by = (id: Parameters<RunningSimulators['system']>[0]) => of(sources, sys(id));
    for (const s of by('cosmic')) expect(s).toMatchObject({ status: 'answered' });
    for (const s of by('melior')) expect(s).toMatchObject({ status: 'notAuthorized', problem: 'notAuthorized', vpCode: 'VP007', systemName: 'Melior' });
    for (const s of by('millennium')) expect(s).toMatchObject({ status: 'noRoute', problem: 'noRoute', vpCode: 'VP004' });
    for (const s of by('ncs-cross')) expect(s).toMatchObject({ status: 'failed', problem: 'connection', vpCode: 'VP009' });
    for (const s of by('pmo')) expect(s).toMatchObject({ status: 'timedOut', problem: 'timeout', vpCode: 'VP009' });
    expect(by('takecare').find((s) => s.contract === 'GetCareDocumentation')).toMatchObject({ status: 'answered', version: '2' });
    for (const id of ['cosmic', 'melior', 'millennium', 'ncs-cross', 'pmo', 'takecare'] as const) expect(by(id).length, id).toBeGreaterThan(0);
    // Every call went to VP, addressed to a source system.
    const addresses = new Set(simulators.systems.map((s) => s.logicalAddress));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((line) => addresses.has(line.split(' ')[0]!))).toBe(true);
    expect(items.some((i) => i.sourceSystemHsaId === sys('cosmic'))).toBe(true);
    expect(items.some((i) => [sys('melior'), sys('millennium'), sys('ncs-cross'), sys('pmo')].includes(i.sourceSystemHsaId ?? ''))).toBe(false);
  });

  // ---- Display deadline, background calls, cache -----------------------------------------------------

  /** Cosmic's diagnoses for Tolvan plus one the producer has not approved, `delayMs` late; honours the abort. */
  const slowCosmic = (delayMs: number, aborted: { count: number } = { count: 0 }): Transport => {
    const diagnosis = contractVersion('GetDiagnosis')!;
    return async (url, init) => {
      if (!url.startsWith(cosmic().baseUrl)) return fetch(url, init);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, delayMs);
        init.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          aborted.count++;
          reject(init.signal.reason);
        }, { once: true });
      });
      const own = held('cosmic').filter((i) => i.infoType === 'diagnosis');
      return new Response(soapEnvelope(diagnosis.writeResponse([...own, { ...own[0]!, id: 'unapproved-1', approvedForPatient: false }])));
    };
  };
  const waitFor = async (condition: () => boolean, ms: number) => {
    const end = performance.now() + ms;
    while (!condition() && performance.now() < end) await new Promise((r) => setTimeout(r, 20));
    return condition();
  };

  it('answers at the display deadline naming a slow source as still answering; its approved items come from the cache at the next view', async () => {
    // Display deadline long enough for the six healthy sources on a loaded machine; Cosmic well after it.
    const aggregator = createAggregator({ db: getDb().db, describeSource, transport: slowCosmic(2500), limits: { displayDeadlineMs: 1000, deadlineMs: 6000, perSourceTimeoutMs: 5500 } });
    try {
      expect(aggregator.cache?.store).toBe('late');
      const first = await timed(() => aggregator.aggregateRecord(tolvan(['diagnosis'])));
      expect(first.ms).toBeGreaterThanOrEqual(950);
      expect(first.ms).toBeLessThan(1000 + 1000);
      expect(of(first.value.sources, cosmic().logicalAddress)).toEqual([
        expect.objectContaining({ status: 'pending', problem: 'stillAnswering', systemName: 'Cosmic', itemCount: 0, reason: expect.stringContaining('still answering') }),
      ]);
      expect(others(first.value.sources).every((s) => s.status === 'answered')).toBe(true);
      expect(first.value.items.some((i) => i.sourceSystemHsaId === cosmic().logicalAddress)).toBe(false);
      // In-time answers are not kept by the default cache; the late one is.
      expect(aggregator.backgroundRequests).toBe(1);
      const keyOf = (logicalAddress: string) => ({ patientId: TOLVAN, logicalAddress, contract: 'GetDiagnosis' });
      expect(aggregator.cache?.has(keyOf(cosmic().logicalAddress))).toBe(false);
      expect(await waitFor(() => aggregator.backgroundRequests === 0, 4000)).toBe(true);
      expect(aggregator.cache?.has(keyOf(cosmic().logicalAddress))).toBe(true);
      expect(aggregator.cache?.has(keyOf(others(first.value.sources)[0]!.logicalAddress))).toBe(false);

      // Still slow: the next view shows what came last time, approved items only.
      const second = await timed(() => aggregator.aggregateRecord(tolvan(['diagnosis'])));
      expect(second.ms).toBeLessThan(1000 + 1000);
      expect(of(second.value.sources, cosmic().logicalAddress)).toEqual([expect.objectContaining({ status: 'answeredFromCache', problem: 'stillAnswering', cacheAgeMs: expect.any(Number) })]);
      const shown = second.value.items.filter((i) => i.sourceSystemHsaId === cosmic().logicalAddress);
      const approved = held('cosmic').filter((i) => i.infoType === 'diagnosis' && i.approvedForPatient);
      expect(approved.length).toBeGreaterThan(0);
      expect(shown.map((i) => i.id).sort()).toEqual(approved.map((i) => i.id).sort());
      expect(shown.some((i) => i.id === 'unapproved-1' || !i.approvedForPatient)).toBe(false);
    } finally {
      await aggregator.close();
    }
  });

  it('a producer slower than the overall deadline ends at the deadline, and nothing is kept', async () => {
    const aborted = { count: 0 };
    const aggregator = createAggregator({ db: getDb().db, describeSource, transport: slowCosmic(5000, aborted), limits: { displayDeadlineMs: 300, deadlineMs: 900, perSourceTimeoutMs: 5000 } });
    try {
      const first = await aggregator.aggregateRecord(tolvan(['diagnosis']));
      expect(of(first.sources, cosmic().logicalAddress)[0]).toMatchObject({ status: 'pending' });
      expect(await waitFor(() => aggregator.backgroundRequests === 0, 2000)).toBe(true);
      expect(aborted.count).toBe(1);
      expect(aggregator.cache?.has({ patientId: TOLVAN, logicalAddress: cosmic().logicalAddress, contract: 'GetDiagnosis' })).toBe(false);
    } finally {
      await aggregator.close();
    }
  });

  it('close() stops the background calls at once and refuses new reads', async () => {
    const aborted = { count: 0 };
    const aggregator = createAggregator({ db: getDb().db, describeSource, transport: slowCosmic(3000, aborted), limits: { displayDeadlineMs: 300, deadlineMs: 10_000, perSourceTimeoutMs: 9000 } });
    const first = await aggregator.aggregateRecord(tolvan(['diagnosis']));
    expect(of(first.sources, cosmic().logicalAddress)[0]).toMatchObject({ status: 'pending' });
    expect(aggregator.backgroundRequests).toBe(1);
    // Whatever else was late on a loaded machine has ended by now; only Cosmic is left to stop.
    await new Promise((r) => setTimeout(r, 400));
    const closing = await timed(() => aggregator.close());
    expect(closing.ms).toBeLessThan(300);
    expect(aborted.count).toBe(1);
    expect(aggregator.backgroundRequests).toBe(0);
    expect(aggregator.cache?.has({ patientId: TOLVAN, logicalAddress: cosmic().logicalAddress, contract: 'GetDiagnosis' })).toBe(false);
    await expect(aggregator.aggregateRecord(tolvan(['diagnosis']))).rejects.toMatchObject({ code: 'JOURNALEN_INTERNAL' });
  });

  it('without a cache, or with the display deadline at the overall one, everything is waited for', async () => {
    const none = createAggregator({ db: getDb().db, describeSource, cache: false, transport: slowCosmic(700), limits: { displayDeadlineMs: 200, deadlineMs: 3000 } });
    const waited = await timed(() => none.aggregateRecord(tolvan(['diagnosis'])));
    expect(waited.ms).toBeGreaterThanOrEqual(650);
    expect(of(waited.value.sources, cosmic().logicalAddress)[0]).toMatchObject({ status: 'answered' });
    expect(none.backgroundRequests).toBe(0);
    const whole = createAggregator({ db: getDb().db, describeSource, transport: slowCosmic(700), limits: { displayDeadlineMs: 3000, deadlineMs: 3000 } });
    const all = await whole.aggregateRecord(tolvan(['diagnosis']));
    expect(of(all.sources, cosmic().logicalAddress)[0]).toMatchObject({ status: 'answered' });
    expect(whole.cache?.size).toBe(0);
    await Promise.all([none.close(), whole.close()]);
  });
});
