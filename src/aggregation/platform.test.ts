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
import { aggregateViaPlatform, NATIONAL_AGGREGATOR_LOGICAL_ADDRESS, type PlatformDeps } from './platform.js';
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
