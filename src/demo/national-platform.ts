import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { SourceDescription } from '../aggregation/fetch-record.js';
import { CONTRACT_VERSIONS } from '../contracts/registry.js';
import type { Database } from '../db/connection.js';
import { JOURNALEN_HSA_ID } from '../engagement-index/engagement.js';
import { ENGAGEMENT_INDEX_PATHS } from '../engagement-index/routes.js';
import { HSA_INTERACTIONS } from '../national/hsa-messages.js';
import { GET_PERSONS_FOR_PROFILE_NS } from '../national/person-messages.js';
import { grant, upsertRoute } from '../routing/store.js';
import { startSimulatedHsaDirectory, type RunningHsaDirectory } from '../simulators/hsa-directory.js';
import { startAggregatingPlatform, type RunningPlatform } from '../simulators/platform.js';
import { startSimulatedPersonRegister, type SimulatedPersonRegister } from '../simulators/person-register.js';
import { PLATFORM_PATH_TEMPLATE } from '../transport/addresses.js';
import { buildInternalApp } from '../web/internal-app.js';
import { startDemoSources, type DemoSources } from './sources.js';

/**
 * A simulated national platform: what a region connects Journalen to, with our own parts. One
 * VP/AGP server routes every RIV-TA call by its LogicalAddress, exactly as the real platform does,
 * to the seven simulated source systems, the simulated population register (PU), the simulated
 * HSA directory and an engagement index (FindContent). The routing table and the engagement index
 * live in `database`.
 *
 * The demo (`npm start`) runs one on the service's own database, over plain HTTP. The production
 * end-to-end test and `npm run demo:national` run one on a database of its own and serve it over
 * mutual TLS, and Journalen in production mode is pointed at it with nothing but settings.
 */

/**
 * The simulated engagement index's logical address. It is our own index implementation, which
 * answers FindContent only to its own HSA-id (skltp/ei EI003); the national one's address is in
 * the platform's TAK.
 */
export const SIMULATED_ENGAGEMENT_INDEX_ADDRESS = JOURNALEN_HSA_ID;

export interface SimulatedNationalPlatform {
  /** The platform's base URL: contracts are at `platformUrl + pathTemplate`, routed by LogicalAddress. */
  readonly platformUrl: string;
  readonly pathTemplate: string;
  readonly logicalAddresses: {
    readonly aggregator: string;
    readonly personRegister: string;
    readonly hsaDirectory: string;
    readonly engagementIndex: string;
  };
  readonly sources: DemoSources;
  readonly platform: RunningPlatform;
  readonly personRegister: SimulatedPersonRegister;
  readonly hsaDirectory: RunningHsaDirectory;
  /** A source system's name and regions, for the notices of each source. */
  describeSource(logicalAddress: string): SourceDescription | undefined;
  close(): Promise<void>;
}

export async function startSimulatedNationalPlatform(options: {
  /** Where the platform's routing table (TAK) and the engagement index live. */
  readonly database: Database;
  readonly logger: Logger;
  readonly populationSize: number;
  readonly populationSeed: string;
  /** The consumers the platform lets call every contract (TAK anropsbehörighet). */
  readonly consumers: readonly string[];
  /** First of the seven source systems' ports; 0 for free ports. */
  readonly simulatorPort?: number;
  /** Port of the platform (VP/AGP); default 0. */
  readonly platformPort?: number;
  /**
   * The engagement index the source systems report to (Update) and FindContent is answered by.
   * Absent: one is started on `database` (a loopback listener of its own).
   */
  readonly engagementIndexUrl?: string;
  /** Serve the platform over HTTPS, requiring a client certificate of `ca` (its SERIALNUMBER is the consumer). */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer; readonly ca: string | Buffer };
  /** Timeouts of the simulated platform's own fan-out (ms). */
  readonly limits?: { readonly perSourceTimeoutMs?: number; readonly deadlineMs?: number };
}): Promise<SimulatedNationalPlatform> {
  const { database, logger } = options;
  const db = database.db;
  const opened: { close(): Promise<unknown> }[] = [];
  const closeAll = async () => {
    for (const part of opened.reverse()) await part.close().catch(() => {});
  };
  try {
    let eiBase = options.engagementIndexUrl;
    if (eiBase === undefined) {
      const ei: FastifyInstance = await buildInternalApp({ database, logger });
      opened.push(ei);
      await ei.listen({ port: 0, host: '127.0.0.1' });
      eiBase = `http://127.0.0.1:${(ei.server.address() as AddressInfo).port}`;
    }
    const sources = await startDemoSources({
      db,
      logger,
      populationSize: options.populationSize,
      populationSeed: options.populationSeed,
      basePort: options.simulatorPort ?? 0,
      engagementIndexUpdateUrl: `${eiBase}${ENGAGEMENT_INDEX_PATHS.Update}`,
    });
    opened.push(sources);
    const personRegister = await startSimulatedPersonRegister({ population: sources.population });
    opened.push(personRegister);
    const hsaDirectory = await startSimulatedHsaDirectory();
    opened.push(hsaDirectory);

    // The national services are producers like any other: a route (vägval) and a grant (anropsbehörighet) each.
    const national = [
      { logicalAddress: personRegister.logicalAddress, serviceContractNamespace: GET_PERSONS_FOR_PROFILE_NS, endpointUrl: personRegister.url },
      ...Object.values(HSA_INTERACTIONS).map((i) => ({
        logicalAddress: hsaDirectory.logicalAddress,
        serviceContractNamespace: i.responderNamespace,
        endpointUrl: hsaDirectory.endpointFor(i),
      })),
      {
        logicalAddress: SIMULATED_ENGAGEMENT_INDEX_ADDRESS,
        serviceContractNamespace: 'urn:riv:itintegration:engagementindex:FindContentResponder:1',
        endpointUrl: `${eiBase}${ENGAGEMENT_INDEX_PATHS.FindContent}`,
      },
    ];
    for (const route of national) await upsertRoute(db, route);
    const namespaces = new Set(national.map((r) => r.serviceContractNamespace));
    for (const consumer of options.consumers) {
      for (const serviceContractNamespace of namespaces) await grant(db, { consumerHsaId: consumer, serviceContractNamespace, logicalAddress: '*' });
    }
    await grantClinicalContracts(database, options.consumers);

    const platform = await startAggregatingPlatform({
      db,
      logger,
      ...(options.platformPort !== undefined ? { port: options.platformPort } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
    });
    opened.push(platform);
    return {
      platformUrl: platform.baseUrl,
      pathTemplate: PLATFORM_PATH_TEMPLATE,
      logicalAddresses: {
        aggregator: platform.logicalAddress,
        personRegister: personRegister.logicalAddress,
        hsaDirectory: hsaDirectory.logicalAddress,
        engagementIndex: SIMULATED_ENGAGEMENT_INDEX_ADDRESS,
      },
      sources,
      platform,
      personRegister,
      hsaDirectory,
      describeSource: (address) => sources.describeSource(address),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The demo sources grant Journalen's own HSA-id; a production consumer id needs the same grants. */
async function grantClinicalContracts(database: Database, consumers: readonly string[]): Promise<void> {
  for (const consumer of consumers) {
    for (const contract of CONTRACT_VERSIONS) {
      await grant(database.db, { consumerHsaId: consumer, serviceContractNamespace: contract.responderNamespace, logicalAddress: '*' });
    }
  }
}
