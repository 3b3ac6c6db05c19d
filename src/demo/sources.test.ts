import { seedRegistry } from '../registry/store.js';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { contractVersion, parseContractResponse } from '../contracts/registry.js';
import { soapEnvelope } from '../contracts/soap.js';
import { buildFindContentRequest, readFindContentResponse } from '../engagement-index/messages.js';
import { ENGAGEMENT_INDEX_PATHS } from '../engagement-index/routes.js';
import { createLogger } from '../operations/logger.js';
import { loadRoutingTable } from '../routing/store.js';
import { TOLVAN } from '../simulators/population.js';
import { describeEachDatabase } from '../testing/databases.js';
import { buildInternalApp } from '../web/internal-app.js';
import { startDemoSources, type DemoSources } from './sources.js';

/**
 * The producer side end to end, as `npm start` runs it: simulators report to the engagement
 * index over Update, the routing table knows them, and a consumer that follows index → routing →
 * contract gets the resident's record from each source.
 */
describeEachDatabase('demo source systems', (getDb) => {
  let app: FastifyInstance;
  let sources: DemoSources;
  let base: string;

  beforeAll(async () => {
    const logger = createLogger({ level: 'silent' });
    await seedRegistry(getDb().db);
    app = await buildInternalApp({ database: getDb(), logger });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    sources = await startDemoSources({ db: getDb().db, logger, populationSize: 40, populationSeed: 'test', engagementIndexUpdateUrl: `${base}${ENGAGEMENT_INDEX_PATHS.Update}` });
  });
  afterAll(async () => {
    await sources?.close();
    await app?.close();
  });

  const soap = (url: string, body: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body }).then(async (r) => ({ status: r.status, body: await r.text() }));

  it('finds Tolvan in all seven source systems through the engagement index', async () => {
    const found = await soap(`${base}${ENGAGEMENT_INDEX_PATHS.FindContent}`, buildFindContentRequest({ registeredResidentIdentification: TOLVAN, serviceDomain: 'riv:clinicalprocess:healthcond:description' }));
    const answer = readFindContentResponse(found.body);
    const addresses = new Set(answer.kind === 'engagements' ? answer.engagements.map((e) => e.logicalAddress) : []);
    expect(addresses).toEqual(new Set(sources.simulators.systems.map((s) => s.logicalAddress)));
  });

  it('routes each source and contract to the simulator, which answers with Tolvan\'s record only', async () => {
    const table = await loadRoutingTable(getDb().db, 'production');
    const contract = contractVersion('GetDiagnosis')!;
    let items = 0;
    for (const system of sources.simulators.systems) {
      const route = table.resolve(system.logicalAddress, contract.responderNamespace);
      expect(route).toMatchObject({ found: true, endpointUrl: system.endpointFor(contract) });
      if (!route.found) continue;
      const res = await soap(route.endpointUrl, soapEnvelope(contract.buildRequest({ patientId: TOLVAN }), { logicalAddress: system.logicalAddress }));
      const parsed = parseContractResponse(res.body);
      expect(parsed.faults).toEqual([]);
      for (const item of parsed.items) expect(item).toMatchObject({ patientId: TOLVAN, infoType: 'diagnosis', sourceSystemHsaId: system.logicalAddress });
      items += parsed.items.length;
    }
    expect(items).toBeGreaterThan(0);
    expect(table.resolve('SE0000000000-NOPE', contract.responderNamespace)).toMatchObject({ found: false, reason: 'unknownLogicalAddress' });
  });

  it('lets a source fail on its own: a SOAP fault from one system is that system\'s fault', async () => {
    const cosmic = sources.simulators.system('cosmic');
    const contract = contractVersion('GetCareDocumentation')!;
    await sources.simulators.setFault('cosmic', { kind: 'soapFault' });
    try {
      const res = await soap(cosmic.endpointFor(contract), soapEnvelope(contract.buildRequest({ patientId: TOLVAN })));
      expect(parseContractResponse(res.body)).toMatchObject({ contract: null, faults: [{ kind: 'soapFault' }] });
      const other = sources.simulators.system('takecare');
      const ok = parseContractResponse((await soap(other.endpointFor(contract), soapEnvelope(contract.buildRequest({ patientId: TOLVAN })))).body);
      expect(ok.items.length).toBeGreaterThan(0);
    } finally {
      await sources.simulators.setFault('cosmic', null);
    }
  });
});
