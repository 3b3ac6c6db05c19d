import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractVersion, parseContractResponse } from '../contracts/registry.js';
import { soapEnvelope, soapFault } from '../contracts/soap.js';
import type { ContractVersion } from '../contracts/types.js';
import type { RecordItem } from '../domain/record.js';
import { JOURNALEN_HSA_ID } from '../engagement-index/engagement.js';
import { createLogger } from '../operations/logger.js';
import { grant, upsertRoute } from '../routing/store.js';
import { startAggregatingPlatform, writeProcessingStatus, type AggregatingPlatformOptions, type ProcessingStatusRecord, type RunningPlatform } from '../simulators/platform.js';
import { createPopulation, TOLVAN } from '../simulators/population.js';
import { startSimulators, type SimulatorFault } from '../simulators/server.js';
import { describeEachDatabase } from '../testing/databases.js';
import { SAMPLES_DIR } from '../testing/rivta.js';
import { startWorld, type World } from '../testing/world.js';
import { aggregateRecord, type AggregatedRecord, type AggregationLimits, type SourceStatus } from './fetch-record.js';
import { aggregateViaPlatform, createPlatformAggregator, NATIONAL_AGGREGATOR_LOGICAL_ADDRESS, type PlatformDeps } from './platform.js';
import { PlatformAnswerCache } from './platform-cache.js';
import type { Transport } from './source-call.js';

/**
 * Platform mode against a simulated national aggregating service in front of the same seven
 * simulated source systems direct mode uses, so the two can be compared item for item.
 */

const CONSUMER = JOURNALEN_HSA_ID;
const PLATFORM = NATIONAL_AGGREGATOR_LOGICAL_ADDRESS;
const keys = (record: AggregatedRecord) => record.items.map((i) => `${i.sourceSystemHsaId}|${i.infoType}|${i.id}`);
const query = (patientId: string, infoTypes?: RecordItem['infoType'][]) => ({ patientId, consumerHsaId: CONSUMER, ...(infoTypes ? { infoTypes } : {}) });
const of = (sources: readonly SourceStatus[], address: string) => sources.filter((s) => s.logicalAddress === address);
const timed = async <T>(run: () => Promise<T>) => {
  const start = performance.now();
  const value = await run();
  return { value, ms: performance.now() - start };
};
const waitFor = async (condition: () => boolean, ms: number) => {
  const end = performance.now() + ms;
  while (!condition() && performance.now() < end) await new Promise((r) => setTimeout(r, 20));
  return condition();
};
/** Waits `delayMs` before `answer`, unless the call is aborted first (counted). */
const delayed = (delayMs: number, answer: Transport, aborted: { count: number } = { count: 0 }): Transport => async (url, init) => {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, delayMs);
    init.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      aborted.count++;
      reject(init.signal.reason);
    }, { once: true });
  });
  return answer(url, init);
};

/** Every log line of a run, to check that no personnummer reached them. */
function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
  const expectNoIdentity = () => {
    for (const line of lines) {
      expect(line).not.toMatch(/(?<!\d)(?:19|20)\d{10}(?!\d)/);
      expect(line).not.toContain('[personnummer]');
    }
  };
  return { lines, logger, expectNoIdentity };
}

describeEachDatabase('aggregation (platform mode)', (getDb) => {
  let world: World;
  const platforms: RunningPlatform[] = [];
  // Short waits: VP's retry after a refused connection would otherwise cost 2 s per source.
  const startPlatform = async (options: Omit<AggregatingPlatformOptions, 'db'> = {}) => {
    const started = await startAggregatingPlatform({ db: getDb().db, ...options, timeouts: { producerRetryDelayMs: 20, ...options.timeouts } });
    platforms.push(started);
    return started;
  };
  const fx = {
    get population() {
      return world.sources.population;
    },
    get simulators() {
      return world.sources.simulators;
    },
    get platform() {
      return platforms[0]!;
    },
    describeSource: (address: string) => (address === PLATFORM ? { systemName: 'Nationella plattformen' } : world.sources.describeSource(address)),
  };

  beforeAll(async () => {
    world = await startWorld(getDb());
    await startPlatform();
  });
  afterAll(async () => {
    await Promise.all(platforms.map((p) => p.close()));
    await world?.close();
  });

  // Small limits keep the suite fast; DEFAULT_PLATFORM_LIMITS are the platform's 30 s.
  const deps = (extra: Partial<PlatformDeps> = {}): PlatformDeps => ({
    platformUrl: (c) => fx.platform.endpointFor(c),
    describeSource: fx.describeSource,
    ...extra,
    limits: { perCallTimeoutMs: 6000, deadlineMs: 8000, ...extra.limits },
  });
  const direct = (patientId: string, limits: Partial<AggregationLimits> = {}, infoTypes?: RecordItem['infoType'][]) =>
    aggregateRecord({ db: getDb().db, describeSource: fx.describeSource, limits }, query(patientId, infoTypes));
  const cosmic = () => fx.simulators.system('cosmic');
  const others = (sources: readonly SourceStatus[]) => sources.filter((s) => s.logicalAddress !== cosmic().logicalAddress);
  const withFault = async <T>(fault: SimulatorFault, run: () => Promise<T>): Promise<T> => {
    await fx.simulators.setFault('cosmic', fault);
    try {
      return await run();
    } finally {
      await fx.simulators.setFault('cosmic', null);
    }
  };
  /** A transport that keeps the first raw platform answer of each contract. */
  const recording = () => {
    const answers = new Map<string, string>();
    const transport: Transport = async (url, init) => {
      const response = await fetch(url, init);
      const xml = await response.text();
      // The first answer per contract: the aggregated one (follow-up pages come after it).
      const key = parseContractResponse(xml).contract ?? new URL(url).pathname;
      if (!answers.has(key)) answers.set(key, xml);
      return new Response(xml, { status: response.status, headers: response.headers });
    };
    return { answers, transport };
  };

  it.each([
    ['Tolvan', () => TOLVAN],
    ['a resident with care in three regions', () => fx.population.special('multiRegion').personnummer],
  ])('gives the same items as direct mode for %s, every source answered and named', async (_who, patient) => {
    const patientId = patient();
    const [viaPlatform, viaSources] = await Promise.all([aggregateViaPlatform(deps(), query(patientId)), direct(patientId)]);
    expect(viaPlatform.items.length).toBeGreaterThan(0);
    expect(keys(viaPlatform)).toEqual(keys(viaSources));
    expect(viaPlatform.items.every((i) => i.patientId === patientId)).toBe(true);
    expect(viaPlatform.sources.filter((s) => s.status !== 'answered')).toEqual([]);
    // The same sources and contracts, with the same item counts.
    const summary = (r: AggregatedRecord) => r.sources.map((s) => `${s.logicalAddress} ${s.contract} ${s.version} ${s.itemCount}`);
    expect(summary(viaPlatform)).toEqual(summary(viaSources));
    for (const s of viaPlatform.sources) expect(s).toMatchObject({ systemName: expect.any(String), regionNames: expect.arrayContaining([expect.any(String)]) });
    if (patientId !== TOLVAN) expect(new Set(viaPlatform.sources.flatMap((s) => s.regionNames ?? [])).size).toBeGreaterThanOrEqual(3);
  });

  it('carries each source\'s ProcessingStatus: one entry per source in every answer, matching its status', async () => {
    const { answers, transport } = recording();
    const { sources } = await aggregateViaPlatform(deps({ transport }), query(TOLVAN));
    expect(answers.size).toBe(9);
    for (const [contract, xml] of answers) {
      const parsed = parseContractResponse(xml);
      const entries = parsed.processingStatus ?? [];
      const mine = sources.filter((s) => s.contract === contract);
      expect(entries.length, contract).toBeGreaterThan(0);
      expect(entries.map((e) => e.logicalAddress).sort(), contract).toEqual(mine.map((s) => s.logicalAddress).sort());
      for (const entry of entries) expect(entry).toMatchObject({ statusCode: 'DataFromSource', isResponseFromCache: false, isResponseInSynch: true, lastSuccessfulSynch: expect.stringMatching(/^\d{14}$/) });
    }
  });

  // What the real AGP writes for each (code: the SOAP fault's HTTP status, else 43000), and what we make of it.
  const FAULTS: [SimulatorFault, SourceStatus['status'], NonNullable<SourceStatus['problem']>, string, RegExp][] = [
    [{ kind: 'down' }, 'failed', 'connection', '500', /^VP009 /],
    [{ kind: 'http500' }, 'failed', 'connection', '500', /^VP009 /],
    [{ kind: 'soapFault' }, 'failed', 'soapFault', '500', /simulated/i],
    [{ kind: 'malformedXml' }, 'failed', 'malformed', '43000', /^Unmarshalling Error/],
  ];

  it.each(FAULTS)('a source with fault %o is %s (%s) with its name, and the six others answer', async (fault, status, problem, code, text) => {
    const { answers, transport } = recording();
    const { lines, logger, expectNoIdentity } = capture();
    const { items, sources } = await withFault(fault, () => aggregateViaPlatform(deps({ transport, logger }), query(TOLVAN)));
    const failing = of(sources, cosmic().logicalAddress);
    expect(failing.length).toBeGreaterThan(1);
    for (const s of failing) expect(s).toMatchObject({ status, problem, systemName: 'Cosmic', itemCount: 0, reason: expect.any(String) });
    expect(others(sources).every((s) => s.status === 'answered')).toBe(true);
    expect(new Set(others(sources).map((s) => s.logicalAddress)).size).toBe(6);
    expect(items.some((i) => i.sourceSystemHsaId === cosmic().logicalAddress)).toBe(false);
    expect(items.length).toBeGreaterThan(0);
    // What the platform said about Cosmic.
    const entry = parseContractResponse(answers.get('GetDiagnosis')!).processingStatus!.find((e) => e.logicalAddress === cosmic().logicalAddress);
    expect(entry).toMatchObject({ statusCode: 'NoDataSynchFailed', isResponseFromCache: false, isResponseInSynch: false, lastUnsuccessfulSynchError: { causingAgent: 'virtualization_platform', code } });
    expect(entry!.lastUnsuccessfulSynchError!.text).toMatch(text);
    // AGP leaves lastSuccessfulSynch out for a failure.
    expect(entry!.lastSuccessfulSynch).toBeUndefined();
    if (code === '500' && problem === 'connection') expect(failing.every((s) => s.vpCode === 'VP009')).toBe(true);
    expect(lines.some((l) => l.includes('source did not answer') && l.includes(cosmic().logicalAddress))).toBe(true);
    expectNoIdentity();
  });

  it('a source that times out at the platform is timedOut, named, while the rest answer', async () => {
    // Margins for a loaded CI machine: the healthy sources must answer within the per-source timeout.
    const quick = await startPlatform({ timeouts: { agpSourceMs: 1200 } });
    const started = performance.now();
    const { answers, transport } = recording();
    const { sources } = await withFault({ kind: 'timeout' }, () => aggregateViaPlatform(deps({ transport, platformUrl: (c) => quick.endpointFor(c) }), query(TOLVAN, ['diagnosis', 'note'])));
    expect(performance.now() - started).toBeLessThan(3500);
    const entry = parseContractResponse(answers.get('GetDiagnosis')!).processingStatus!.find((e) => e.logicalAddress === cosmic().logicalAddress);
    expect(entry).toMatchObject({ statusCode: 'NoDataSynchFailed', lastUnsuccessfulSynchError: { causingAgent: 'virtualization_platform', code: '504' } });
    expect(of(sources, cosmic().logicalAddress)).toEqual([
      expect.objectContaining({ contract: 'GetCareDocumentation', status: 'timedOut', problem: 'timeout', systemName: 'Cosmic' }),
      expect.objectContaining({ contract: 'GetDiagnosis', status: 'timedOut', problem: 'timeout', systemName: 'Cosmic' }),
    ]);
    expect(others(sources).every((s) => s.status === 'answered')).toBe(true);
  });

  it('answers a failing source from the platform\'s cache, without items not approved for the patient', async () => {
    const cached = await startPlatform({ cache: { ttlMs: 60_000, maxEntries: 100 } });
    const viaCache = deps({ platformUrl: (c) => cached.endpointFor(c) });
    const first = await aggregateViaPlatform(viaCache, query(TOLVAN));
    const live = first.items.filter((i) => i.sourceSystemHsaId === cosmic().logicalAddress);
    const second = await withFault({ kind: 'down' }, () => aggregateViaPlatform(viaCache, query(TOLVAN)));
    const fromCache = of(second.sources, cosmic().logicalAddress);
    expect(fromCache.length).toBeGreaterThan(1);
    for (const s of fromCache) expect(s).toMatchObject({ status: 'answeredFromCache', problem: 'connection', systemName: 'Cosmic', cacheAgeMs: expect.any(Number) });
    const items = second.items.filter((i) => i.sourceSystemHsaId === cosmic().logicalAddress);
    expect(items.every((i) => i.approvedForPatient)).toBe(true);
    expect(items.map((i) => i.id).sort()).toEqual(live.filter((i) => i.approvedForPatient).map((i) => i.id).sort());
  });

  it('drops items about another patient, names the source, keeps the rest; no personnummer in the logs', async () => {
    const stranger = fx.population.residentAt(5).personnummer;
    const { lines, logger, expectNoIdentity } = capture();
    fx.platform.setFault({ kind: 'otherPatient', patientId: stranger });
    let record: AggregatedRecord;
    try {
      record = await aggregateViaPlatform(deps({ logger }), query(TOLVAN, ['diagnosis', 'labResult']));
    } finally {
      fx.platform.setFault(null);
    }
    expect(record.items.length).toBeGreaterThan(0);
    expect(record.items.every((i) => i.patientId === TOLVAN)).toBe(true);
    const wrong = record.sources.filter((s) => s.problem === 'wrongPatient');
    expect(wrong.length).toBe(2);
    for (const s of wrong) expect(s).toMatchObject({ status: 'failed', itemCount: 0, droppedItems: expect.any(Number), systemName: expect.any(String) });
    expect(record.sources.filter((s) => s.problem !== 'wrongPatient').every((s) => s.status === 'answered')).toBe(true);
    expect(lines.filter((l) => l.includes('another patient')).length).toBe(2);
    expectNoIdentity();
  });

  it.each([
    [{ kind: 'soapFault' } as const, 'failed', 'soapFault'],
    [{ kind: 'malformedXml' } as const, 'failed', 'malformed'],
    [{ kind: 'http500' } as const, 'failed', 'httpStatus'],
    [{ kind: 'timeout' } as const, 'timedOut', 'timeout'],
  ])('a platform answering with %o gives every contract %s (%s), without throwing', async (fault, status, problem) => {
    fx.platform.setFault(fault);
    let record: AggregatedRecord;
    try {
      record = await aggregateViaPlatform(deps({ limits: { perCallTimeoutMs: fault.kind === 'timeout' ? 300 : 6000 } }), query(TOLVAN));
    } finally {
      fx.platform.setFault(null);
    }
    expect(record.items).toEqual([]);
    expect(record.sources.length).toBe(9);
    for (const s of record.sources) expect(s).toMatchObject({ logicalAddress: PLATFORM, systemName: 'Nationella plattformen', status, problem, itemCount: 0, reason: expect.any(String) });
  });

  it('a platform that cannot be reached gives every contract failed (connection)', async () => {
    const { sources, items } = await aggregateViaPlatform(deps({ platformUrl: (c) => `http://127.0.0.1:1/${c.contract}/${c.major}` }), query(TOLVAN, ['diagnosis', 'alert']));
    expect(items).toEqual([]);
    expect(sources).toEqual([
      expect.objectContaining({ logicalAddress: PLATFORM, contract: 'GetDiagnosis', status: 'failed', problem: 'connection' }),
      expect.objectContaining({ logicalAddress: PLATFORM, contract: 'GetAlertInformation', status: 'failed', problem: 'connection' }),
    ]);
  });

  it('answers by the deadline even through a transport that ignores the abort', async () => {
    const deaf: Transport = () => new Promise<Response>(() => {});
    const started = performance.now();
    const { sources } = await aggregateViaPlatform(deps({ transport: deaf, limits: { deadlineMs: 300 } }), query(TOLVAN, ['diagnosis']));
    expect(performance.now() - started).toBeLessThan(1500);
    expect(sources).toEqual([expect.objectContaining({ logicalAddress: PLATFORM, status: 'timedOut', problem: 'deadline' })]);
  });

  it('calls the version the platform has, and says noRoute for a contract it has none for', async () => {
    const platformUrl = (c: ContractVersion) => (c.contract === 'GetCareDocumentation' && c.major === '2') || c.contract === 'GetDiagnosis' ? fx.platform.endpointFor(c) : undefined;
    const { sources, items } = await aggregateViaPlatform(deps({ platformUrl }), query(TOLVAN, ['note', 'diagnosis', 'alert']));
    expect(sources.filter((s) => s.contract === 'GetCareDocumentation').every((s) => s.version === '2' && s.status === 'answered')).toBe(true);
    expect(of(sources, PLATFORM)).toEqual([expect.objectContaining({ contract: 'GetAlertInformation', status: 'noRoute', problem: 'noRoute', itemCount: 0 })]);
    expect(items.some((i) => i.infoType === 'note')).toBe(true);
    expect(items.some((i) => i.infoType === 'alert')).toBe(false);
  });

  it('a source still out when the platform\'s own fan-out ends is timedOut ("Unknown error", 43000)', async () => {
    const hasty = await startPlatform({ timeouts: { agpSourceMs: 5000, aggregateMs: 800 } });
    const { answers, transport } = recording();
    const { sources } = await withFault({ kind: 'timeout' }, () => aggregateViaPlatform(deps({ transport, platformUrl: (c) => hasty.endpointFor(c) }), query(TOLVAN, ['diagnosis'])));
    const entry = parseContractResponse(answers.get('GetDiagnosis')!).processingStatus!.find((e) => e.logicalAddress === cosmic().logicalAddress);
    expect(entry).toMatchObject({ statusCode: 'NoDataSynchFailed', lastUnsuccessfulSynchError: { causingAgent: 'virtualization_platform', code: '43000', text: 'Unknown error' } });
    expect(of(sources, cosmic().logicalAddress)).toEqual([expect.objectContaining({ status: 'timedOut', problem: 'timeout', systemName: 'Cosmic' })]);
    expect(others(sources).every((s) => s.status === 'answered')).toBe(true);
  });

  it('leaves out, without a status, the sources the consumer may not call; VP007 when it may not call the aggregating service', async () => {
    const other = 'SE0000000099-PLATFORM';
    const diagnosis = contractVersion('GetDiagnosis')!.responderNamespace;
    const ask = () => aggregateViaPlatform(deps(), { patientId: TOLVAN, consumerHsaId: other, infoTypes: ['diagnosis'] });
    // Not even the aggregating service: VP refuses the call as a whole.
    const refused = await ask();
    expect(refused.items).toEqual([]);
    expect(refused.sources).toEqual([expect.objectContaining({ logicalAddress: PLATFORM, contract: 'GetDiagnosis', status: 'notAuthorized', problem: 'notAuthorized', vpCode: 'VP007' })]);
    // The aggregating service and Cosmic only: AGP drops the rest silently (TakCacheServiceImpl).
    await grant(getDb().db, { consumerHsaId: other, serviceContractNamespace: diagnosis, logicalAddress: PLATFORM });
    await grant(getDb().db, { consumerHsaId: other, serviceContractNamespace: diagnosis, logicalAddress: cosmic().logicalAddress });
    const { sources, items } = await ask();
    expect(sources).toEqual([expect.objectContaining({ logicalAddress: cosmic().logicalAddress, status: 'answered' })]);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.sourceSystemHsaId === cosmic().logicalAddress)).toBe(true);
  });

  it('fetches the further pages of a GetCareDocumentation 3 source from that system through the platform, without duplicates', async () => {
    const db = getDb().db;
    const notes3 = contractVersion('GetCareDocumentation', '3')!;
    // A Cosmic answering two notes a page, routed for GetCareDocumentation 3 in place of the world's.
    const paged = await startSimulators({ population: fx.population, systems: ['cosmic'], pageSize: 2 });
    const address = cosmic().logicalAddress;
    await upsertRoute(db, { logicalAddress: address, serviceContractNamespace: notes3.responderNamespace, endpointUrl: paged.system('cosmic').endpointFor(notes3) });
    try {
      const { answers, transport } = recording();
      const calls: string[] = [];
      const counting: Transport = async (url, init) => {
        calls.push(/<(?:\w+:)?LogicalAddress[^>]*>([^<]*)</.exec(init.body)?.[1] ?? '?');
        return transport(url, init);
      };
      const [viaPlatform, viaSources] = await Promise.all([
        aggregateViaPlatform(deps({ transport: counting, limits: { maxPages: 100 } }), query(TOLVAN, ['note'])),
        direct(TOLVAN, { maxPages: 100 }, ['note']),
      ]);
      const first = parseContractResponse(answers.get('GetCareDocumentation')!);
      const cosmicNotes = viaSources.items.filter((i) => i.sourceSystemHsaId === address);
      expect(cosmicNotes.length).toBeGreaterThan(4);
      // The aggregated answer held Cosmic's first page and said there is more, naming Cosmic.
      expect(first.items.filter((i) => i.sourceSystemHsaId === address).length).toBe(2);
      expect(first.hasMore).toMatchObject({ logicalAddress: address });
      // Then one call per further page, addressed to Cosmic itself.
      expect(calls[0]).toBe(PLATFORM);
      expect(calls.slice(1)).toEqual(Array.from({ length: Math.ceil(cosmicNotes.length / 2) - 1 }, () => address));
      expect(keys(viaPlatform)).toEqual(keys(viaSources));
      expect(new Set(keys(viaPlatform)).size).toBe(viaPlatform.items.length);
      expect(of(viaPlatform.sources, address)).toEqual([expect.objectContaining({ status: 'answered', pages: Math.ceil(cosmicNotes.length / 2), itemCount: cosmicNotes.length })]);
      // With fewer pages allowed, what came is kept and the source says older items may be missing.
      const capped = await aggregateViaPlatform(deps({ limits: { maxPages: 2 } }), query(TOLVAN, ['note']));
      expect(of(capped.sources, address)).toEqual([expect.objectContaining({ status: 'answered', problem: 'pageLimit', partial: true, pages: 2, itemCount: 4 })]);
    } finally {
      await upsertRoute(db, { logicalAddress: address, serviceContractNamespace: notes3.responderNamespace, endpointUrl: cosmic().endpointFor(notes3) });
      await paged.close();
    }
  });

  it('answers at the display deadline with a slow contract pending on the platform\'s line; the next view shows its sources from the cache', async () => {
    // GetDiagnosis's aggregated call comes back well after the display deadline; the rest go straight through.
    const slowDiagnosis: Transport = (url, init) => (init.body.includes('GetDiagnosis') ? delayed(1800, fetch)(url, init) : fetch(url, init));
    const aggregator = createPlatformAggregator({ ...deps({ transport: slowDiagnosis }), limits: { displayDeadlineMs: 700, deadlineMs: 4000, perCallTimeoutMs: 3500 } });
    try {
      const reference = await aggregateViaPlatform(deps(), query(TOLVAN, ['diagnosis']));
      const approved = reference.items.filter((i) => i.approvedForPatient);
      expect(approved.length).toBeGreaterThan(0);
      const first = await timed(() => aggregator.aggregateRecord(query(TOLVAN, ['diagnosis', 'alert'])));
      expect(first.ms).toBeGreaterThanOrEqual(650);
      expect(first.ms).toBeLessThan(1700);
      const diagnosis = (r: AggregatedRecord) => r.sources.filter((s) => s.contract === 'GetDiagnosis');
      expect(diagnosis(first.value)).toEqual([
        expect.objectContaining({ logicalAddress: PLATFORM, systemName: 'Nationella plattformen', status: 'pending', problem: 'stillAnswering', itemCount: 0, reason: expect.stringContaining('still answering') }),
      ]);
      expect(first.value.items.some((i) => i.infoType === 'diagnosis')).toBe(false);
      expect(first.value.sources.filter((s) => s.contract === 'GetAlertInformation').every((s) => s.status === 'answered')).toBe(true);
      expect(aggregator.backgroundRequests).toBe(1);
      const key = { patientId: TOLVAN, contract: 'GetDiagnosis' };
      expect(aggregator.cache?.has(key)).toBe(false);
      expect(await waitFor(() => aggregator.backgroundRequests === 0, 4000)).toBe(true);
      expect(aggregator.cache?.has(key)).toBe(true);
      // In-time answers are not kept.
      expect(aggregator.cache?.has({ patientId: TOLVAN, contract: 'GetAlertInformation' })).toBe(false);

      // Still slow: the next view shows each source's last answer, approved items only.
      const second = await timed(() => aggregator.aggregateRecord(query(TOLVAN, ['diagnosis'])));
      expect(second.ms).toBeLessThan(1700);
      expect(diagnosis(second.value).map((s) => s.logicalAddress)).toEqual(reference.sources.map((s) => s.logicalAddress));
      for (const s of diagnosis(second.value)) expect(s).toMatchObject({ status: 'answeredFromCache', problem: 'stillAnswering', systemName: expect.any(String), cacheAgeMs: expect.any(Number) });
      expect(second.value.items.map((i) => `${i.sourceSystemHsaId}|${i.id}`).sort()).toEqual(approved.map((i) => `${i.sourceSystemHsaId}|${i.id}`).sort());
      expect(aggregator.backgroundRequests).toBe(1);
    } finally {
      await aggregator.close();
    }
    expect(aggregator.backgroundRequests).toBe(0);
  });

  it('has nothing for someone no source holds anything about, and refuses a malformed query', async () => {
    expect(await aggregateViaPlatform(deps(), query('195709263080'))).toEqual({ items: [], sources: [] });
    await expect(aggregateViaPlatform(deps(), query('1912121212'))).rejects.toMatchObject({ code: 'JOURNALEN_INPUT_INVALID', details: { field: 'patientId' } });
  });
});

// ---- Hostile or unusual platform answers, without a network ------------------------------------

describe('reading a platform answer', () => {
  const population = createPopulation({ seed: 'test', size: 40, now: new Date('2026-11-23T12:00:00Z') });
  const diagnosis = contractVersion('GetDiagnosis')!;
  const A = 'SE0000000001-AAAA';
  const B = 'SE0000000002-BBBB';
  const own = population.itemsFor(TOLVAN, 'cosmic', 'diagnosis');
  const from = (address: string, items = own) => items.map((i) => ({ ...i, sourceSystemHsaId: address }));
  const answering = (xml: string, status = 200): Transport => async () => new Response(xml, { status, headers: { 'content-type': 'text/xml' } });
  const run = (transport: Transport, extra: Partial<PlatformDeps> = {}) =>
    aggregateViaPlatform({ platformUrl: () => 'http://platform.invalid/x', transport, now: () => new Date('2026-11-23T12:00:00+01:00'), ...extra }, query(TOLVAN, ['diagnosis']));
  const ok = (address: string): ProcessingStatusRecord => ({ logicalAddress: address, statusCode: 'DataFromSource', isResponseFromCache: false, isResponseInSynch: true, lastSuccessfulSynch: '20261123130000' });

  it('reads the real platform\'s failure codes: VP004 no route, VP007 not authorized, others failed', async () => {
    const header = readFileSync(path.join(SAMPLES_DIR, 'agp', 'processingstatus_with_failures.xml'), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
    const { sources } = await run(answering(soapEnvelope(diagnosis.writeResponse([]), { header })));
    expect(sources.map((s) => [s.logicalAddress, s.status, s.problem])).toEqual([
      ['HSATEST2-CRS', 'notAuthorized', 'notAuthorized'],
      ['SE2321000016-A2BF', 'noRoute', 'noRoute'],
      ['TEST-HSAID-99', 'noRoute', 'noRoute'],
    ]);
    expect(sources.map((s) => s.vpCode)).toEqual(['VP007', 'VP006', 'VP004']);
    expect(sources[1]!.reason).toMatch(/^VP006 More than one/);
  });

  it('reads cache codes, unknown codes and timeouts in the error text', async () => {
    const header = writeProcessingStatus([
      { ...ok(A), statusCode: 'DataFromCache', isResponseFromCache: true, lastSuccessfulSynch: '20261123115000' },
      {
        logicalAddress: B,
        statusCode: 'NoDataSynchFailed',
        isResponseFromCache: false,
        isResponseInSynch: false,
        lastSuccessfulSynch: '',
        lastUnsuccessfulSynchError: { causingAgent: 'service_producer', code: '43000', text: 'Read timed out for 19121212-1212' },
      },
    ]).replace('NoDataSynchFailed', 'NoDataSynchUnavailable');
    const { sources, items } = await run(answering(soapEnvelope(diagnosis.writeResponse(from(A)), { header })));
    expect(sources[0]).toMatchObject({ logicalAddress: A, status: 'answeredFromCache', cacheAgeMs: 10 * 60 * 1000, itemCount: own.length });
    expect(sources[1]).toMatchObject({ logicalAddress: B, status: 'timedOut', problem: 'timeout' });
    // Producer text is masked before it is shown or logged.
    expect(sources[1]!.reason).not.toMatch(/19121212/);
    expect(items.length).toBe(own.length);
  });

  it('keeps items from a source the header does not list, and says the header is missing when it is', async () => {
    const listed = await run(answering(soapEnvelope(diagnosis.writeResponse([...from(A), ...from(B)]), { header: writeProcessingStatus([ok(A)]) })));
    expect(listed.sources).toEqual([
      expect.objectContaining({ logicalAddress: A, status: 'answered', itemCount: own.length }),
      expect.objectContaining({ logicalAddress: B, status: 'answered', itemCount: own.length, reason: expect.stringContaining('without listing it') }),
    ]);
    const bare = await run(answering(soapEnvelope(diagnosis.writeResponse(from(A)))));
    expect(bare.items.length).toBe(own.length);
    expect(of(bare.sources, PLATFORM)).toEqual([expect.objectContaining({ status: 'answered', problem: 'producerMessage', reason: expect.stringContaining('ProcessingStatus') })]);
  });

  it('leaves out unreadable, duplicate and control-character addresses', async () => {
    const header = writeProcessingStatus([ok(A), { ...ok(A), statusCode: 'NoDataSynchFailed' }, ok(' '), ok('x'.repeat(65)), ok('SE1\tX')]);
    const { sources } = await run(answering(soapEnvelope(diagnosis.writeResponse([]), { header })));
    expect(sources).toEqual([expect.objectContaining({ logicalAddress: A, status: 'answered' })]);
  });

  it('drops a stranger\'s items from a mixed answer and keeps the patient\'s own', async () => {
    const stranger = { ...from(A)[0]!, id: 'stranger', patientId: '195709263080' };
    const { sources, items } = await run(answering(soapEnvelope(diagnosis.writeResponse([...from(A), stranger]), { header: writeProcessingStatus([ok(A)]) })));
    expect(sources).toEqual([expect.objectContaining({ logicalAddress: A, status: 'failed', problem: 'wrongPatient', droppedItems: 1, itemCount: own.length })]);
    expect(items.every((i) => i.patientId === TOLVAN)).toBe(true);
  });

  it('turns every failure of the call itself into the contract\'s status', async () => {
    const cases: [Transport, string][] = [
      [answering(soapFault('soapenv:Server', 'VP009 [NTjP] boom for 19121212-1212'), 500), 'connection'],
      [answering(soapFault('soapenv:Server', 'boom for 19121212-1212'), 500), 'soapFault'],
      [answering('<not xml', 200), 'malformed'],
      [answering('Bad Gateway', 502), 'httpStatus'],
      [answering(soapEnvelope(contractVersion('GetAlertInformation')!.writeResponse([]))), 'unexpectedContract'],
      [async () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })), 'connection'],
    ];
    for (const [transport, problem] of cases) {
      const { sources } = await run(transport);
      expect(sources, problem).toEqual([expect.objectContaining({ logicalAddress: PLATFORM, status: 'failed', problem })]);
      expect(sources[0]!.reason).not.toMatch(/19121212/);
    }
  });

  it('a platformUrl that throws or gives no URL counts as no route', async () => {
    const throwing = await run(answering(''), { platformUrl: () => { throw new Error('config'); } });
    const bad = await run(answering(''), { platformUrl: () => 'ftp://x' });
    for (const r of [throwing, bad]) expect(r.sources).toEqual([expect.objectContaining({ logicalAddress: PLATFORM, status: 'noRoute' })]);
  });
});

// ---- The display deadline, without a network ------------------------------------------------------

describe('platform mode\'s display deadline', () => {
  const population = createPopulation({ seed: 'test', size: 40, now: new Date('2026-11-23T12:00:00Z') });
  const diagnosis = contractVersion('GetDiagnosis')!;
  const A = 'SE0000000001-AAAA';
  const own = population.itemsFor(TOLVAN, 'cosmic', 'diagnosis').map((i) => ({ ...i, sourceSystemHsaId: A, approvedForPatient: true }));
  const unapproved = { ...own[0]!, id: 'unapproved-1', approvedForPatient: false };
  const header = writeProcessingStatus([{ logicalAddress: A, statusCode: 'DataFromSource', isResponseFromCache: false, isResponseInSynch: true, lastSuccessfulSynch: '20261123130000' }]);
  // The platform's answer: A's diagnoses and one its producer has not approved for the patient.
  const answer: Transport = async () => new Response(soapEnvelope(diagnosis.writeResponse([...own, unapproved]), { header }), { status: 200, headers: { 'content-type': 'text/xml' } });
  const deps = (transport: Transport, limits: Partial<PlatformDeps['limits']> = {}): PlatformDeps => ({
    platformUrl: () => 'http://platform.invalid/x',
    transport,
    limits: { displayDeadlineMs: 300, deadlineMs: 3000, perCallTimeoutMs: 2500, ...limits },
  });
  const ask = () => query(TOLVAN, ['diagnosis']);
  const key = { patientId: TOLVAN, contract: 'GetDiagnosis' };

  it('never keeps or shows from the cache an item not approved for the patient', async () => {
    expect(own.length).toBeGreaterThan(0);
    // Fresh, the answer carries the unapproved item (the record service decides what is shown).
    const fresh = await aggregateViaPlatform(deps(answer), ask());
    expect(fresh.items.some((i) => i.id === 'unapproved-1')).toBe(true);
    const aggregator = createPlatformAggregator(deps(delayed(600, answer)));
    try {
      const first = await timed(() => aggregator.aggregateRecord(ask()));
      expect(first.ms).toBeLessThan(550);
      expect(first.value).toEqual({ items: [], sources: [expect.objectContaining({ logicalAddress: PLATFORM, status: 'pending', problem: 'stillAnswering' })] });
      expect(await waitFor(() => aggregator.backgroundRequests === 0, 3000)).toBe(true);
      const held = aggregator.cache!.get(key)!;
      expect(held.lines).toEqual([{ status: expect.objectContaining({ logicalAddress: A, status: 'answered', itemCount: own.length }), items: expect.any(Array) }]);
      expect(held.lines[0]!.items.map((i) => i.id).sort()).toEqual(own.map((i) => i.id).sort());
      const second = await aggregator.aggregateRecord(ask());
      expect(second.sources).toEqual([expect.objectContaining({ logicalAddress: A, status: 'answeredFromCache', problem: 'stillAnswering', itemCount: own.length })]);
      expect(second.items.map((i) => i.id).sort()).toEqual(own.map((i) => i.id).sort());
      expect(second.items.every((i) => i.approvedForPatient)).toBe(true);
    } finally {
      await aggregator.close();
    }
  });

  it('an answer in time replaces the one held; a late failure or a call past the deadline keeps nothing', async () => {
    const aborted = { count: 0 };
    let mode: 'slow' | 'fast' | 'failing' | 'deaf' = 'slow';
    const transport: Transport = (url, init) =>
      mode === 'fast'
        ? answer(url, init)
        : mode === 'slow'
          ? delayed(500, answer)(url, init)
          : mode === 'failing'
            ? delayed(500, async () => new Response(soapFault('soapenv:Server', 'boom'), { status: 500 }))(url, init)
            : delayed(10_000, answer, aborted)(url, init);
    const aggregator = createPlatformAggregator(deps(transport, { deadlineMs: 1500, perCallTimeoutMs: 10_000 }));
    try {
      await aggregator.aggregateRecord(ask());
      expect(await waitFor(() => aggregator.backgroundRequests === 0, 3000)).toBe(true);
      const stored = aggregator.cache!.get(key)!.storedAt;
      mode = 'fast';
      const fresh = await aggregator.aggregateRecord(ask());
      expect(fresh.sources).toEqual([expect.objectContaining({ status: 'answered' })]);
      expect(aggregator.cache!.get(key)!.storedAt).toBeGreaterThan(stored);
      aggregator.cache!.clear();
      for (const next of ['failing', 'deaf'] as const) {
        mode = next;
        const late = await aggregator.aggregateRecord(ask());
        expect(late.sources).toEqual([expect.objectContaining({ status: 'pending' })]);
        expect(await waitFor(() => aggregator.backgroundRequests === 0, 3000)).toBe(true);
        expect(aggregator.cache!.size).toBe(0);
      }
      // The deaf call was stopped by the overall deadline.
      expect(aborted.count).toBe(1);
    } finally {
      await aggregator.close();
    }
  });

  it('close() stops the background calls at once and refuses new reads', async () => {
    const aborted = { count: 0 };
    const aggregator = createPlatformAggregator(deps(delayed(3000, answer, aborted), { deadlineMs: 10_000, perCallTimeoutMs: 9000 }));
    const first = await aggregator.aggregateRecord(ask());
    expect(first.sources).toEqual([expect.objectContaining({ status: 'pending' })]);
    expect(aggregator.backgroundRequests).toBe(1);
    const closing = await timed(() => aggregator.close());
    expect(closing.ms).toBeLessThan(300);
    expect(aborted.count).toBe(1);
    expect(aggregator.backgroundRequests).toBe(0);
    expect(aggregator.cache!.size).toBe(0);
    await expect(aggregator.aggregateRecord(ask())).rejects.toMatchObject({ code: 'JOURNALEN_INTERNAL' });
  });

  it('without a cache, with the display deadline at the overall one, or without the aggregator, everything is waited for', async () => {
    const slow = delayed(700, answer);
    const none = createPlatformAggregator({ ...deps(slow), cache: false });
    const whole = createPlatformAggregator(deps(slow, { displayDeadlineMs: 3000, deadlineMs: 3000 }));
    try {
      for (const read of [() => none.aggregateRecord(ask()), () => whole.aggregateRecord(ask()), () => aggregateViaPlatform(deps(slow), ask())]) {
        const waited = await timed(read);
        expect(waited.ms).toBeGreaterThanOrEqual(650);
        expect(waited.value.sources).toEqual([expect.objectContaining({ logicalAddress: A, status: 'answered', itemCount: own.length + 1 })]);
      }
      expect(none.backgroundRequests + whole.backgroundRequests).toBe(0);
      expect(none.cache).toBeUndefined();
      expect(whole.cache!.size).toBe(0);
    } finally {
      await Promise.all([none.close(), whole.close()]);
    }
  });

  it('the cache keeps approved items only, for its time, and at most its entries', () => {
    let now = 0;
    const cache = new PlatformAnswerCache({ ttlMs: 1000, maxEntries: 2, now: () => now });
    const line = { status: { logicalAddress: A, contract: 'GetDiagnosis' as const, version: '2', infoType: 'diagnosis' as const, status: 'answered' as const, itemCount: own.length + 1, durationMs: 1 }, items: [...own, unapproved] };
    cache.put(key, [line]);
    expect(cache.get(key)!.lines[0]!.items.some((i) => !i.approvedForPatient)).toBe(false);
    expect(cache.get(key)!.lines[0]!.status.itemCount).toBe(own.length);
    // The period is part of the key.
    const period = { ...key, period: { start: new Date('2026-01-01T00:00:00Z') } };
    expect(cache.has(period)).toBe(false);
    cache.put(period, [line]);
    cache.put({ ...key, contract: 'GetAlertInformation' }, [line]);
    expect(cache.size).toBe(2);
    expect(cache.has(key)).toBe(false);
    now = 1001;
    expect(cache.get(period)).toBeUndefined();
    expect(() => new PlatformAnswerCache({ ttlMs: 0, maxEntries: 1, now: () => 0 })).toThrow(RangeError);
    expect(() => new PlatformAnswerCache({ ttlMs: 1, maxEntries: 0, now: () => 0 })).toThrow(RangeError);
  });
});
