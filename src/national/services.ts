import type { Logger } from 'pino';
import type { PopulationRegister } from '../access/register.js';
import { createAggregator, type AggregatedRecord, type RecordQuery, type SourceDescription } from '../aggregation/fetch-record.js';
import { createPlatformAggregator } from '../aggregation/platform.js';
import type { Transport } from '../aggregation/source-call.js';
import type { Db } from '../db/connection.js';
import type { HsaLookup } from '../record/directory.js';
import { contractUrl } from '../transport/addresses.js';
import { createNationalEngagementIndex } from './engagement-index.js';
import { createHsaDirectory } from './hsa-directory.js';
import { GET_PERSONS_FOR_PROFILE_NS } from './person-messages.js';
import { createPersonRegister, type PersonRegister } from './person-register.js';

/**
 * The national services as the record service uses them: the population register (PU), the HSA
 * directory, where a resident has had care (engagement index) and the record itself (direct
 * fan-out or the aggregating services). Production and the demo both come through here; they
 * differ only in the addresses and the transport they pass (the real platform with mutual TLS,
 * or the simulated one), so the demo runs the production code path.
 */

export interface NationalSettings {
  /** Base URL of the platform (VP); every contract is reached at `platformUrl + pathTemplate`. */
  readonly platformUrl: string;
  readonly pathTemplate: string;
  readonly consumerHsaId: string;
  readonly logicalAddresses: {
    readonly aggregator: string;
    readonly personRegister: string;
    readonly hsaDirectory: string;
    /** Needed with `engagementIndex: 'national'`. */
    readonly engagementIndex?: string;
  };
  /** own: our index (kept by Update/ProcessNotification) and our routing table; national: FindContent and VP's routing. */
  readonly engagementIndex: 'own' | 'national';
  readonly aggregationMode: 'direct' | 'platform';
  /** Route direct-mode calls through VP (production) rather than our own routing table (the demo's producers). */
  readonly routeThroughPlatform: boolean;
  readonly timeouts: {
    readonly sourceMs: number;
    readonly deadlineMs: number;
    readonly platformCallMs: number;
    readonly displayMs: number;
    readonly nationalServiceMs: number;
    readonly engagementIndexMs: number;
  };
}

export interface NationalServices {
  readonly register: PersonRegister;
  readonly hsa: HsaLookup;
  readonly aggregate: (query: RecordQuery) => Promise<AggregatedRecord>;
  close(): Promise<void>;
}

export function connectNationalServices(deps: {
  readonly db: Db;
  readonly settings: NationalSettings;
  readonly transport: Transport;
  readonly logger: Logger;
  readonly describeSource?: (logicalAddress: string) => SourceDescription | undefined;
}): NationalServices {
  const { settings: s, transport, logger } = deps;
  const urlOf = (contract: { readonly responderNamespace: string }) => contractUrl(s.platformUrl, s.pathTemplate, contract);
  const register = createPersonRegister({
    url: urlOf({ responderNamespace: GET_PERSONS_FOR_PROFILE_NS }),
    logicalAddress: s.logicalAddresses.personRegister,
    consumerHsaId: s.consumerHsaId,
    transport,
    timeoutMs: s.timeouts.nationalServiceMs,
    logger,
  });
  const hsa = createHsaDirectory({
    url: urlOf,
    logicalAddress: s.logicalAddresses.hsaDirectory,
    consumerHsaId: s.consumerHsaId,
    transport,
    timeoutMs: s.timeouts.nationalServiceMs,
    logger,
  });
  const describeSource = deps.describeSource;

  if (s.aggregationMode === 'platform') {
    const aggregator = s.logicalAddresses.aggregator;
    const viaPlatform = createPlatformAggregator({
      platformUrl: urlOf,
      logicalAddress: aggregator,
      transport,
      logger,
      // Room after a slow aggregated answer for the follow-up pages it offers.
      limits: {
        perCallTimeoutMs: s.timeouts.platformCallMs,
        deadlineMs: Math.max(s.timeouts.deadlineMs, s.timeouts.platformCallMs + 1_000),
        displayDeadlineMs: s.timeouts.displayMs,
      },
      // A contract that fails as a whole is shown under the platform's name.
      describeSource: (a) => (a === aggregator ? { systemName: 'Nationella aggregeringstjänsten' } : describeSource?.(a)),
    });
    return {
      register,
      hsa,
      aggregate: viaPlatform.aggregateRecord,
      async close() {
        register.clear();
        await viaPlatform.close();
      },
    };
  }

  if (s.engagementIndex === 'national' && s.logicalAddresses.engagementIndex === undefined) {
    throw new Error('the national engagement index needs its logical address');
  }
  const engagements =
    s.engagementIndex === 'national'
      ? createNationalEngagementIndex({
          url: urlOf({ responderNamespace: 'urn:riv:itintegration:engagementindex:FindContentResponder:1' }),
          logicalAddress: s.logicalAddresses.engagementIndex!,
          consumerHsaId: s.consumerHsaId,
          transport,
          timeoutMs: s.timeouts.engagementIndexMs,
          ignoredLogicalAddresses: [s.logicalAddresses.aggregator],
        })
      : undefined;
  const aggregator = createAggregator({
    db: deps.db,
    transport,
    logger,
    ...(describeSource ? { describeSource } : {}),
    ...(engagements ? { engagements } : {}),
    ...(s.routeThroughPlatform ? { routing: { kind: 'platform', url: urlOf } } : {}),
    limits: { perSourceTimeoutMs: s.timeouts.sourceMs, deadlineMs: s.timeouts.deadlineMs, displayDeadlineMs: s.timeouts.displayMs },
  });
  return {
    register,
    hsa,
    aggregate: aggregator.aggregateRecord,
    async close() {
      register.clear();
      await aggregator.close();
    },
  };
}
