import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { aggregateRecord, ownEngagementIndex, type AggregationDeps, type FoundEngagement, type Transport } from '../aggregation/fetch-record.js';
import { CONTRACT_VERSIONS } from '../contracts/registry.js';
import { region } from '../domain/regions.js';
import { JOURNALEN_HSA_ID } from '../engagement-index/engagement.js';
import { buildFindContentResponse, readFindContentRequest } from '../engagement-index/messages.js';
import { ENGAGEMENT_INDEX_PATHS, registerEngagementIndex } from '../engagement-index/routes.js';
import { grant, upsertRoute } from '../routing/store.js';
import { createPopulation, TOLVAN } from '../simulators/population.js';
import { startSimulators, type RunningSimulators } from '../simulators/server.js';
import { describeEachDatabase } from '../testing/databases.js';
import { createNationalEngagementIndex } from './engagement-index.js';

/**
 * The national engagement index adapter against our own internal listener's FindContent (the
 * simulated national EI), fed over Update by the simulated source systems, as in the demo.
 */

const CONSUMER = JOURNALEN_HSA_ID;
const DOMAINS = [...new Set(CONTRACT_VERSIONS.map((c) => c.serviceDomain))];

describeEachDatabase('national engagement index (FindContent)', (getDb) => {
  let app: FastifyInstance;
  let simulators: RunningSimulators;
  let findContentUrl: string;
  let describeSource: AggregationDeps['describeSource'];

  beforeAll(async () => {
    const db = getDb().db;
    app = Fastify();
    await registerEngagementIndex(app, { db });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    findContentUrl = `${base}${ENGAGEMENT_INDEX_PATHS.FindContent}`;
    simulators = await startSimulators({ population: createPopulation({ seed: 'test', size: 40 }) });
    for (const system of simulators.systems) {
      for (const contract of CONTRACT_VERSIONS) {
        await upsertRoute(db, { logicalAddress: system.logicalAddress, serviceContractNamespace: contract.responderNamespace, endpointUrl: system.endpointFor(contract) });
      }
    }
    for (const contract of CONTRACT_VERSIONS) await grant(db, { consumerHsaId: CONSUMER, serviceContractNamespace: contract.responderNamespace, logicalAddress: '*' });
    const report = await simulators.reportEngagements({ url: `${base}${ENGAGEMENT_INDEX_PATHS.Update}` });
    expect(report.failures).toEqual([]);
    const directory = new Map(simulators.systems.map((s) => [s.logicalAddress, { systemName: s.name, regionNames: s.regions.map((c) => region(c).name) }]));
    describeSource = (address) => directory.get(address);
  });
  afterAll(async () => {
    await simulators?.close();
    await app?.close();
  });

  const national = (extra: Partial<Parameters<typeof createNationalEngagementIndex>[0]> = {}) =>
    createNationalEngagementIndex({ url: findContentUrl, logicalAddress: JOURNALEN_HSA_ID, consumerHsaId: CONSUMER, ...extra });
  const line = (e: FoundEngagement) => `${e.serviceDomain} ${e.categorization} ${e.logicalAddress} ${e.sourceSystem}`;
  const deps = (extra: Partial<AggregationDeps> = {}): AggregationDeps => ({ db: getDb().db, describeSource, ...extra });
  const tolvan = { patientId: TOLVAN, consumerHsaId: CONSUMER };

  it('finds what our own index finds for Tolvan, one FindContent per service domain', async () => {
    const bodies: string[] = [];
    const counting: Transport = (url, init) => {
      bodies.push(init.body);
      return fetch(url, init);
    };
    const found = await national({ transport: counting }).find(TOLVAN, DOMAINS);
    const own = await ownEngagementIndex(getDb().db).find(TOLVAN, DOMAINS);
    expect(own.length).toBeGreaterThan(0);
    expect(found.map(line).sort()).toEqual(own.map(line).sort());
    expect(bodies.length).toBe(DOMAINS.length);
    expect(bodies.map((b) => readFindContentRequest(b).query.serviceDomain).sort()).toEqual([...DOMAINS].sort());
    for (const body of bodies) expect(readFindContentRequest(body)).toMatchObject({ logicalAddress: JOURNALEN_HSA_ID, query: { registeredResidentIdentification: TOLVAN } });
  });

  it('gives the aggregator the same targets and the same record as our own index', async () => {
    const viaNational = await aggregateRecord(deps({ engagements: national() }), tolvan);
    const viaOwn = await aggregateRecord(deps(), tolvan);
    const targets = (sources: typeof viaOwn.sources) => sources.map((s) => `${s.logicalAddress} ${s.contract} ${s.version}`).sort();
    expect(new Set(viaOwn.sources.map((s) => s.logicalAddress)).size).toBe(simulators.systems.length);
    expect(targets(viaNational.sources)).toEqual(targets(viaOwn.sources));
    expect(viaNational.sources.every((s) => s.status === 'answered')).toBe(true);
    expect(viaNational.items.length).toBe(viaOwn.items.length);
  });

  it('an index that does not answer gives one status line, not an empty record', async () => {
    const closed = Fastify();
    await closed.listen({ port: 0, host: '127.0.0.1' });
    const deadUrl = `http://127.0.0.1:${(closed.server.address() as AddressInfo).port}${ENGAGEMENT_INDEX_PATHS.FindContent}`;
    await closed.close();
    const down = await aggregateRecord(deps({ engagements: national({ url: deadUrl }) }), tolvan);
    expect(down.items).toEqual([]);
    expect(down.sources).toEqual([
      expect.objectContaining({ logicalAddress: JOURNALEN_HSA_ID, status: 'failed', problem: 'connection', systemName: 'Nationella engagemangsindexet', reason: expect.stringContaining('the engagement index did not answer') }),
    ]);

    const deaf: Transport = () => new Promise<Response>(() => {});
    const start = performance.now();
    const slow = await aggregateRecord(deps({ engagements: national({ transport: deaf, timeoutMs: 300 }) }), tolvan);
    expect(performance.now() - start).toBeLessThan(300 + 1000);
    expect(slow.sources).toEqual([expect.objectContaining({ logicalAddress: JOURNALEN_HSA_ID, status: 'timedOut', problem: 'timeout' })]);

    // Our FindContent refuses a call to another logical address with a SOAP Fault.
    const refused = await aggregateRecord(deps({ engagements: national({ logicalAddress: 'SE0000000000-WRONG' }) }), tolvan);
    expect(refused.sources).toEqual([expect.objectContaining({ logicalAddress: 'SE0000000000-WRONG', status: 'failed', problem: 'soapFault' })]);

    const garbage: Transport = async () => new Response('<html>maintenance</html>', { status: 503 });
    const unreadable = await aggregateRecord(deps({ engagements: national({ transport: garbage }) }), tolvan);
    expect(unreadable.sources).toEqual([expect.objectContaining({ status: 'failed', problem: 'httpStatus', reason: expect.stringContaining('503') })]);
  });

  it('drops engagements of the national aggregating service itself and of other residents', async () => {
    const domain = DOMAINS[0]!;
    const base = {
      serviceDomain: domain,
      categorization: 'x',
      businessObjectInstanceIdentifier: 'NA',
      clinicalProcessInterestId: 'NA',
      dataController: 'SE2321000016-0001',
      owner: 'SE0000000000-EI',
      mostRecentContent: null,
      creationTime: new Date(),
      updateTime: null,
      id: 'x',
    };
    const answer = buildFindContentResponse([
      { ...base, registeredResidentIdentification: TOLVAN, logicalAddress: '5565594230', sourceSystem: '5565594230' },
      { ...base, registeredResidentIdentification: TOLVAN, logicalAddress: 'SE2321000016-AAAA', sourceSystem: 'SE2321000016-AAAA' },
      { ...base, registeredResidentIdentification: '195709263080', logicalAddress: 'SE2321000016-BBBB', sourceSystem: 'SE2321000016-BBBB' },
    ]);
    const fake: Transport = async () => new Response(answer, { headers: { 'content-type': 'text/xml' } });
    const found = await national({ transport: fake }).find(TOLVAN, [domain]);
    expect(found.map((e) => e.logicalAddress)).toEqual(['SE2321000016-AAAA']);
  });

  it('refuses settings it cannot use, naming them', () => {
    expect(() => createNationalEngagementIndex({ url: 'ftp://x', logicalAddress: 'A', consumerHsaId: 'B' })).toThrow(expect.objectContaining({ code: 'JOURNALEN_INPUT_INVALID', details: expect.objectContaining({ field: 'url' }) }));
    expect(() => createNationalEngagementIndex({ url: findContentUrl, logicalAddress: ' ', consumerHsaId: 'B' })).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'logicalAddress' }) }));
    expect(() => createNationalEngagementIndex({ url: findContentUrl, logicalAddress: 'A', consumerHsaId: 'B', timeoutMs: 0 })).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'timeoutMs' }) }));
  });
});
