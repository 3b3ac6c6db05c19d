/**
 * Direct-mode aggregation: the record of one patient, gathered live from every source system
 * that holds something about them.
 *
 *   1. FindContent in our own engagement index: one query over every service domain wanted.
 *   2. Keep the engagements whose categorization is one of the wanted information types', and
 *      group them by logical address (= source system).
 *   3. One routing-table snapshot (one query) answers route and call authorization for every
 *      (source × contract); per contract the first version routed and authorized is called.
 *   4. All calls in parallel, at most `maxConcurrentPerProducer` at a time per producer, each
 *      with a per-source timeout, all under one overall deadline, each producer behind a circuit
 *      breaker; hasMore paging is followed up to `maxPages`.
 *   5. Items about another patient than the one asked for are dropped, and the source is reported
 *      as failed with `wrongPatient` (logged without the personnummer).
 *   6. Items merged, de-duplicated (same source system, information type and id: the latest
 *      wins) and sorted newest first.
 *
 * The answer always lists every (source × contract) tried with its status, so a page can say
 * exactly what is missing and from where. Nothing a producer does makes this throw; only bad
 * input (INPUT_INVALID) and an unreachable database do.
 *
 * State that must outlive one request (circuit breakers, per-producer concurrency, the optional
 * response cache) is kept by `createAggregator`; `aggregateRecord` alone starts fresh each call.
 */

import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { and, eq, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import { CONTRACT_NAMES, type ContractName, type ContractRequest, type ContractVersion } from '../contracts/types.js';
import type { Db } from '../db/connection.js';
import { engagement as engagementTable } from '../db/schema.js';
import type { InfoType, RecordItem } from '../domain/record.js';
import { JOURNALEN_HSA_ID } from '../engagement-index/engagement.js';
import { loadRoutingTable, type RoutingEnvironment, type RoutingTable } from '../routing/store.js';
import { CircuitBreakers, DEFAULT_COOL_DOWN_MS, DEFAULT_FAILURE_THRESHOLD, type Permit } from './circuit-breaker.js';
import {
  checkQuery,
  defaultClock,
  defaultTransport,
  logSummary,
  logUnanswered,
  logWrongPatient,
  merge,
  silentLogger,
  startDeadline,
  stateOf,
  withTimeout,
  wrongPatientReason,
  wantedContracts,
  type Settled,
  type WantedContract,
} from './common.js';
import { ProducerSlots } from './producer-slots.js';
import { ResponseCache, type CacheKey } from './response-cache.js';
import { callSource, checkPatient, type CallOutcome, type SourceProblem, type Transport } from './source-call.js';

export type { SourceProblem, Transport } from './source-call.js';

export type SourceState = 'answered' | 'answeredFromCache' | 'timedOut' | 'failed' | 'notAuthorized' | 'noRoute';

/** What became of one contract at one source system. */
export interface SourceStatus {
  readonly logicalAddress: string;
  readonly systemName?: string;
  readonly regionNames?: readonly string[];
  readonly contract: ContractName;
  /** Major version called (or, for noRoute/notAuthorized, the preferred one). */
  readonly version: string;
  readonly infoType: InfoType;
  readonly status: SourceState;
  /** Why it is not a plain `answered` (also set for answeredFromCache: why the live call failed). */
  readonly problem?: SourceProblem | 'noRoute' | 'notAuthorized' | 'pageLimit' | 'invalidItems' | 'producerMessage';
  /** The same in words (English, for logs and operators); never a personnummer. */
  readonly reason?: string;
  /** Items of this source and contract in the answer (before de-duplication). */
  readonly itemCount: number;
  readonly durationMs: number;
  /** Pages fetched (contracts that page). */
  readonly pages?: number;
  /** Only the newest pages were fetched (maxPages reached): older items may be missing. */
  readonly partial?: boolean;
  /** Items about someone else that were dropped. */
  readonly droppedItems?: number;
  /** Items the producer sent that could not be read. */
  readonly invalidItems?: number;
  /** answeredFromCache: age of the cached answer (ms). */
  readonly cacheAgeMs?: number;
}

export interface RecordQuery {
  /** Personnummer or samordningsnummer, 12 characters without separator. */
  readonly patientId: string;
  /** Default: every information type. */
  readonly infoTypes?: readonly InfoType[];
  /** Passed to the producers, which filter (the contracts' timePeriod/datePeriod). */
  readonly period?: { readonly start?: Date; readonly end?: Date };
  /** Whose call this is, for the routing table's authorization and the RIV-TA header. */
  readonly consumerHsaId: string;
}

export interface AggregatedRecord {
  readonly items: RecordItem[];
  readonly sources: SourceStatus[];
}

export interface AggregationLimits {
  /** One (source × contract), all its pages, from the moment it is sent (ms). Default 3000. */
  readonly perSourceTimeoutMs: number;
  /** The whole request, database included (ms). Default 8000. */
  readonly deadlineMs: number;
  /**
   * Calls in flight to one producer (shared across requests under createAggregator). Default:
   * the number of contracts, so one resident's record goes out in one wave; queued calls spend
   * the deadline, and three waves of a 2-second producer would eat most of it.
   */
  readonly maxConcurrentPerProducer: number;
  /** Largest answer read from a producer, per page (bytes). Default 16 MiB. */
  readonly maxResponseBytes: number;
  /** Pages followed per (source × contract). Default 10. */
  readonly maxPages: number;
  /** Consecutive failures that open a producer's circuit. Default 5. */
  readonly failureThreshold: number;
  /** How long an open circuit skips the producer before one trial call (ms). Default 30 000. */
  readonly coolDownMs: number;
}

export const DEFAULT_LIMITS: AggregationLimits = {
  perSourceTimeoutMs: 3000,
  deadlineMs: 8000,
  maxConcurrentPerProducer: CONTRACT_NAMES.length,
  maxResponseBytes: 16 * 1024 * 1024,
  maxPages: 10,
  failureThreshold: DEFAULT_FAILURE_THRESHOLD,
  coolDownMs: DEFAULT_COOL_DOWN_MS,
};

/** A source system's name and regions, for the status a page shows. */
export interface SourceDescription {
  readonly systemName?: string;
  readonly regionNames?: readonly string[];
}

export interface AggregationDeps {
  readonly db: Db;
  /** Default: global fetch. */
  readonly transport?: Transport;
  /** Milliseconds on a monotonic scale, for durations, circuit cool-downs and cache age. Timeouts use real timers. */
  readonly clock?: () => number;
  readonly limits?: Partial<AggregationLimits>;
  /** Default: silent. */
  readonly logger?: Logger;
  /** Routing-table environment; default production. */
  readonly environment?: RoutingEnvironment;
  /** Names a logical address for the status (system and regions). */
  readonly describeSource?: (logicalAddress: string) => SourceDescription | undefined;
  /** Shared across requests; a fresh one per call when absent (then it never opens across calls). */
  readonly breakers?: CircuitBreakers;
  /** Shared across requests; a fresh one per call when absent. */
  readonly slots?: ProducerSlots;
  /** Last good answers; none when absent. */
  readonly cache?: ResponseCache;
}

/** A long-lived aggregator: circuit breakers, producer slots and the optional cache survive between requests. */
export function createAggregator(
  deps: Omit<AggregationDeps, 'breakers' | 'slots' | 'cache'> & { readonly cache?: { readonly ttlMs: number; readonly maxEntries: number } },
) {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const clock = deps.clock ?? defaultClock;
  const breakers = new CircuitBreakers({ failureThreshold: limits.failureThreshold, coolDownMs: limits.coolDownMs, now: clock });
  const slots = new ProducerSlots(limits.maxConcurrentPerProducer);
  const cache = deps.cache ? new ResponseCache({ ...deps.cache, now: clock }) : undefined;
  const { cache: _options, ...rest } = deps;
  const shared: AggregationDeps = { ...rest, clock, breakers, slots, ...(cache ? { cache } : {}) };
  return {
    breakers,
    slots,
    cache,
    aggregateRecord: (query: RecordQuery) => aggregateRecord(shared, query),
  };
}

/** One (source × contract) to call, or already decided (no route, not authorized). */
interface Plan {
  readonly logicalAddress: string;
  readonly contract: ContractVersion;
  readonly description: SourceDescription | undefined;
  readonly url?: string;
  readonly refused?: { readonly status: 'noRoute' | 'notAuthorized'; readonly reason: string };
}

export async function aggregateRecord(deps: AggregationDeps, query: RecordQuery): Promise<AggregatedRecord> {
  const q = checkQuery(query);
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const clock = deps.clock ?? defaultClock;
  const logger = deps.logger ?? silentLogger();
  const breakers = deps.breakers ?? new CircuitBreakers({ failureThreshold: limits.failureThreshold, coolDownMs: limits.coolDownMs, now: clock });
  const slots = deps.slots ?? new ProducerSlots(limits.maxConcurrentPerProducer);
  const started = clock();

  const deadline = startDeadline(limits.deadlineMs);
  try {
    const contracts = wantedContracts(q.infoTypes);
    const targets = await sourcesOf(deps.db, q.patientId, contracts);
    if (targets.size === 0) {
      logger.info({ sources: 0, items: 0, durationMs: Math.round(clock() - started) }, 'record: no source holds anything of the kinds asked for');
      return { items: [], sources: [] };
    }
    const table = await loadRoutingTable(deps.db, deps.environment ?? 'production', {
      serviceContractNamespaces: [...new Set(contracts.flatMap((c) => c.versions.map((v) => v.responderNamespace)))],
      logicalAddresses: [...targets.keys()],
    });
    const plans = planCalls(targets, contracts, table, q.consumerHsaId, deps.describeSource);
    // Every call listens to the deadline (one listener while queued, one while running).
    setMaxListeners(Math.max(10, plans.length * 2 + 2), deadline.signal);

    const context: TaskContext = {
      deps,
      query: q,
      limits,
      clock,
      logger,
      breakers,
      slots,
      deadline: deadline.signal,
      correlationId: randomUUID(),
      fanOutStarted: clock(),
    };
    const results = await deadline.settle(plans, (plan) => runPlan(plan, context));
    const settled = plans.map((plan, i) => results[i] ?? unfinished(plan, context));

    const items = merge(settled);
    const sources = settled.map((s) => s.status);
    logSummary(logger, sources, items.length, clock() - started);
    return { items, sources };
  } finally {
    // Calls still running after the answer is given stop now.
    deadline.end();
  }
}


// ---- Engagement index ----------------------------------------------------------------------------

const kindKey = (serviceDomain: string, categorization: string) => `${serviceDomain}\u001f${categorization}`;

/**
 * Logical address → the wanted contracts it holds something for. FindContent over every wanted
 * service domain at once (one query on the resident's index rather than one per domain), the
 * categorizations filtered here, as AGP does.
 */
async function sourcesOf(db: Db, patientId: string, contracts: readonly WantedContract[]): Promise<Map<string, Set<ContractName>>> {
  const byKind = new Map<string, Set<ContractName>>();
  const domains = new Set<string>();
  for (const c of contracts) {
    for (const v of c.versions) {
      const key = kindKey(v.serviceDomain, v.categorization);
      byKind.set(key, (byKind.get(key) ?? new Set()).add(c.name));
      domains.add(v.serviceDomain);
    }
  }
  const found = await findContentInDomains(db, patientId, [...domains]);
  const targets = new Map<string, Set<ContractName>>();
  for (const engagement of found) {
    const names = byKind.get(kindKey(engagement.serviceDomain, engagement.categorization));
    // An engagement pointing at this service itself would make it call itself.
    if (!names || engagement.logicalAddress === JOURNALEN_HSA_ID) continue;
    const set = targets.get(engagement.logicalAddress) ?? new Set<ContractName>();
    for (const name of names) set.add(name);
    targets.set(engagement.logicalAddress, set);
  }
  return targets;
}

/** FindContent's query (resident and service domain, on the same index) for several domains; only what the fan-out needs. */
async function findContentInDomains(db: Db, patientId: string, serviceDomains: readonly string[]) {
  if (serviceDomains.length === 0) return [];
  return db
    .select({ serviceDomain: engagementTable.serviceDomain, categorization: engagementTable.categorization, logicalAddress: engagementTable.logicalAddress })
    .from(engagementTable)
    .where(and(eq(engagementTable.registeredResidentIdentification, patientId), inArray(engagementTable.serviceDomain, serviceDomains)));
}

// ---- Routing -------------------------------------------------------------------------------------

function planCalls(
  targets: ReadonlyMap<string, ReadonlySet<ContractName>>,
  contracts: readonly WantedContract[],
  table: RoutingTable,
  consumerHsaId: string,
  describeSource: AggregationDeps['describeSource'],
): Plan[] {
  const plans: Plan[] = [];
  for (const logicalAddress of [...targets.keys()].sort()) {
    const names = targets.get(logicalAddress)!;
    const description = describeSource?.(logicalAddress);
    for (const contract of contracts) {
      if (!names.has(contract.name)) continue;
      const routed = contract.versions.flatMap((v) => {
        const route = table.resolve(logicalAddress, v.responderNamespace);
        return route.found ? [{ version: v, url: route.endpointUrl }] : [];
      });
      const callable = routed.find((r) => table.isAuthorized(consumerHsaId, r.version.responderNamespace, logicalAddress));
      if (callable) {
        plans.push({ logicalAddress, contract: callable.version, description, url: callable.url });
      } else if (routed.length > 0) {
        plans.push({
          logicalAddress,
          contract: routed[0]!.version,
          description,
          refused: { status: 'notAuthorized', reason: `this consumer is not authorized for ${contract.name} at ${logicalAddress}` },
        });
      } else {
        const preferred = contract.versions[0]!;
        const route = table.resolve(logicalAddress, preferred.responderNamespace);
        plans.push({ logicalAddress, contract: preferred, description, refused: { status: 'noRoute', reason: route.found ? 'no route' : route.message } });
      }
    }
  }
  return plans;
}

// ---- The calls -----------------------------------------------------------------------------------

interface TaskContext {
  readonly deps: AggregationDeps;
  readonly query: RecordQuery;
  readonly limits: AggregationLimits;
  readonly clock: () => number;
  readonly logger: Logger;
  readonly breakers: CircuitBreakers;
  readonly slots: ProducerSlots;
  readonly deadline: AbortSignal;
  readonly correlationId: string;
  readonly fanOutStarted: number;
}

const FAILURES: ReadonlySet<SourceProblem> = new Set<SourceProblem>([
  'timeout',
  'connection',
  'httpStatus',
  'soapFault',
  'resultError',
  'malformed',
  'tooLarge',
  'unexpectedContract',
  'wrongPatient',
]);

function baseStatus(plan: Plan, context: TaskContext) {
  return {
    logicalAddress: plan.logicalAddress,
    ...(plan.description?.systemName !== undefined ? { systemName: plan.description.systemName } : {}),
    ...(plan.description?.regionNames !== undefined ? { regionNames: plan.description.regionNames } : {}),
    contract: plan.contract.contract,
    version: plan.contract.major,
    infoType: plan.contract.infoType,
    durationMs: Math.max(0, Math.round(context.clock() - context.fanOutStarted)),
  };
}

async function runPlan(plan: Plan, context: TaskContext): Promise<Settled> {
  if (plan.refused) {
    return { status: { ...baseStatus(plan, context), status: plan.refused.status, problem: plan.refused.status, reason: plan.refused.reason, itemCount: 0 }, items: [] };
  }
  const { breakers, logger } = context;
  const permit = breakers.tryAcquire(plan.logicalAddress);
  if (!permit.allowed) {
    const seconds = Math.ceil(permit.retryInMs / 1000);
    const reason = permit.retryInMs > 0 ? `skipped: the producer failed repeatedly; next try in ${seconds} s` : 'skipped: a trial call to the producer is under way';
    return fallBack(plan, context, 'circuitOpen', reason, 'failed');
  }

  let outcome: CallOutcome;
  let release: (() => void) | undefined;
  try {
    release = await context.slots.acquire(plan.logicalAddress, context.deadline);
    outcome = await withTimeout(context.deadline, context.limits.perSourceTimeoutMs, (signal) => callSource({
      url: plan.url!,
      logicalAddress: plan.logicalAddress,
      contract: plan.contract,
      request: requestFor(context.query, plan.logicalAddress),
      consumerHsaId: context.query.consumerHsaId,
      correlationId: context.correlationId,
      transport: context.deps.transport ?? defaultTransport,
      signal,
      maxResponseBytes: context.limits.maxResponseBytes,
      maxPages: context.limits.maxPages,
    }));
  } catch {
    // Only the wait for a slot throws here: the deadline came while queued.
    outcome = { ok: false, problem: 'deadline', reason: 'the record request reached its deadline before this source could be called' };
  } finally {
    release?.();
  }

  if (!outcome.ok) {
    recordVerdict(breakers, plan.logicalAddress, permit, outcome.problem);
    return fallBack(plan, context, outcome.problem, outcome.reason, stateOf(outcome.problem));
  }

  const { kept, dropped } = checkPatient(outcome.items, context.query.patientId, plan.contract);
  const details = {
    pages: outcome.pages,
    ...(outcome.partial ? { partial: true } : {}),
    ...(outcome.invalidItems > 0 ? { invalidItems: outcome.invalidItems } : {}),
  };
  if (dropped > 0) {
    recordVerdict(breakers, plan.logicalAddress, permit, 'wrongPatient');
    logWrongPatient(logger, { logicalAddress: plan.logicalAddress, contract: plan.contract.contract, version: plan.contract.major, droppedItems: dropped, keptItems: kept.length });
    const reason = wrongPatientReason(dropped);
    const cached = fromCache(plan, context, 'wrongPatient', reason);
    if (cached) return cached;
    return {
      status: { ...baseStatus(plan, context), status: 'failed', problem: 'wrongPatient', reason, itemCount: kept.length, droppedItems: dropped, ...details },
      items: kept,
    };
  }
  recordVerdict(breakers, plan.logicalAddress, permit, undefined);
  if (!outcome.partial) context.deps.cache?.put(cacheKey(plan, context), kept);
  const problem = outcome.partial ? 'pageLimit' : outcome.invalidItems > 0 ? 'invalidItems' : outcome.producerMessage !== undefined ? 'producerMessage' : undefined;
  const reason = outcome.partial
    ? `only the newest ${outcome.pages} pages were fetched; older items may be missing`
    : outcome.invalidItems > 0
      ? `${outcome.invalidItems} item${outcome.invalidItems === 1 ? '' : 's'} could not be read`
      : outcome.producerMessage;
  return {
    status: {
      ...baseStatus(plan, context),
      status: 'answered',
      ...(problem !== undefined ? { problem } : {}),
      ...(reason !== undefined ? { reason } : {}),
      itemCount: kept.length,
      ...details,
    },
    items: kept,
  };
}

function recordVerdict(breakers: CircuitBreakers, logicalAddress: string, permit: Permit, problem: SourceProblem | undefined): void {
  if (problem === undefined) breakers.onSuccess(logicalAddress);
  else if (FAILURES.has(problem)) breakers.onFailure(logicalAddress);
  // Our own deadline says nothing about the producer.
  else breakers.onAbandon(logicalAddress, permit);
}

function requestFor(query: RecordQuery, logicalAddress: string): ContractRequest {
  return {
    patientId: query.patientId,
    // Direct addressing: the source system asked is the one named (TKB: must equal LogicalAddress).
    sourceSystemHsaId: logicalAddress,
    ...(query.period ? { period: query.period } : {}),
  };
}

const cacheKey = (plan: Plan, context: TaskContext): CacheKey => ({
  patientId: context.query.patientId,
  logicalAddress: plan.logicalAddress,
  contract: `${plan.contract.contract} ${plan.contract.major}`,
  ...(context.query.period ? { period: context.query.period } : {}),
});

function fromCache(plan: Plan, context: TaskContext, problem: SourceProblem, reason: string): Settled | undefined {
  const cached = context.deps.cache?.get(cacheKey(plan, context));
  if (!cached) return undefined;
  const cacheAgeMs = Math.max(0, Math.round(context.clock() - cached.storedAt));
  return {
    status: { ...baseStatus(plan, context), status: 'answeredFromCache', problem, reason, itemCount: cached.items.length, cacheAgeMs },
    items: cached.items,
  };
}

function fallBack(plan: Plan, context: TaskContext, problem: SourceProblem, reason: string, status: 'failed' | 'timedOut'): Settled {
  const settled = fromCache(plan, context, problem, reason) ?? { status: { ...baseStatus(plan, context), status, problem, reason, itemCount: 0 }, items: [] };
  logUnanswered(context.logger, settled.status);
  return settled;
}

/** A call still running when the deadline fell: it counts as timed out (or from cache). */
function unfinished(plan: Plan, context: TaskContext): Settled {
  return fallBack(plan, context, 'deadline', 'the record request reached its deadline', 'timedOut');
}
