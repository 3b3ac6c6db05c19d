import type { Logger } from 'pino';
import { CONTRACT_VERSIONS } from '../contracts/registry.js';
import type { SourceDescription } from '../aggregation/fetch-record.js';
import type { Db } from '../db/connection.js';
import { region } from '../domain/regions.js';
import { JOURNALEN_HSA_ID } from '../engagement-index/engagement.js';
import { upsertCareProviders, upsertCareUnits } from '../record/directory.js';
import { grant, upsertRoute } from '../routing/store.js';
import { CARE_UNITS, careGiverOf, careGivers } from '../simulators/care-units.js';
import { createPopulation, type Population } from '../simulators/population.js';
import { startSimulators, type RunningSimulators } from '../simulators/server.js';

/**
 * The demo's source systems, connected as a real producer would be: each simulator gets routing
 * entries for every contract it answers (its HSA-id is the logical address), this service is
 * allowed to call them, and each reports its engagements to the engagement index over the
 * Update contract. `npm start` runs this unless SIMULATORS=off.
 */

export interface DemoSources {
  readonly population: Population;
  readonly simulators: RunningSimulators;
  /** A source system's name and regions, for the status of each source. */
  describeSource(logicalAddress: string): SourceDescription | undefined;
  close(): Promise<void>;
}

export async function startDemoSources(options: {
  readonly db: Db;
  readonly logger: Logger;
  readonly populationSize: number;
  readonly populationSeed: string;
  /** First of seven fixed ports; 0 or absent for ports the system picks. */
  readonly basePort?: number;
  /** The engagement index's Update endpoint (this service's own). */
  readonly engagementIndexUpdateUrl: string;
}): Promise<DemoSources> {
  const population = createPopulation({ seed: options.populationSeed, size: options.populationSize });
  // Routes first, engagements after: once a source is in the index, the fan-out can reach it.
  const simulators = await startSimulators({ population, ...(options.basePort ? { basePort: options.basePort } : {}) });
  try {
    // What the HSA catalogue would say about the simulators' care providers and units.
    await upsertCareProviders(options.db, careGivers().map((g) => ({ hsaId: g.hsaId, name: g.name, regionCode: g.regionCode })));
    await upsertCareUnits(
      options.db,
      CARE_UNITS.map((u) => ({ hsaId: u.hsaId, name: u.name, careProviderHsaId: careGiverOfUnit(u.regionCode), specialty: u.specialty, inpatient: u.inpatient })),
    );
    for (const system of simulators.systems) {
      for (const contract of CONTRACT_VERSIONS) {
        await upsertRoute(options.db, {
          logicalAddress: system.logicalAddress,
          serviceContractNamespace: contract.responderNamespace,
          endpointUrl: system.endpointFor(contract),
        });
      }
    }
    for (const contract of CONTRACT_VERSIONS) {
      await grant(options.db, { consumerHsaId: JOURNALEN_HSA_ID, serviceContractNamespace: contract.responderNamespace, logicalAddress: '*' });
    }
    const report = await simulators.reportEngagements({ url: options.engagementIndexUpdateUrl });
    if (report.failures.length > 0) {
      options.logger.warn({ failures: report.failures.slice(0, 5) }, 'some engagement updates were refused');
    }
    options.logger.info(
      {
        residents: population.size,
        engagements: report.engagements,
        sources: simulators.systems.map((s) => ({ system: s.name, logicalAddress: s.logicalAddress, url: s.baseUrl })),
      },
      'simulated source systems are running and reported to the engagement index',
    );
  } catch (error) {
    await simulators.close();
    throw error;
  }
  const names = new Map(simulators.systems.map((s) => [s.logicalAddress, { systemName: s.name, regionNames: s.regions.map((c) => region(c).name) }]));
  return { population, simulators, describeSource: (address) => names.get(address), close: () => simulators.close() };
}

const careGiverOfUnit = (code: Parameters<typeof careGiverOf>[0]) => careGiverOf(code).hsaId;
