/**
 * Direct-mode aggregation: the record of one patient, gathered live from every source system
 * that holds something about them.
 *
 *   1. FindContent (`engagements`): our own index by default (one query over every service
 *      domain wanted), or the national engagement index (src/national/engagement-index.ts). An
 *      index that cannot answer gives one status line, never an empty record that looks complete.
 *   2. Keep the engagements whose categorization is one of the wanted information types', and
 *      group them per source system (`engagement.sourceSystem`), as the national aggregating
 *      services do (NATIONAL-PLATFORM.md §4.3); each call's LogicalAddress is that system.
 *   3. Routing (`routing`): one routing-table snapshot (one query) answers route and call
 *      authorization for every (source × contract), per contract the first version routed and
 *      authorized is called; or, as on the national platform, every call goes to VP, which
 *      decides route and authorization and says so with its fault codes (VP004-006 no route,
 *      VP007 not authorized, VP009 producer unreachable or too slow).
 *   4. All calls in parallel, at most `maxConcurrentPerProducer` at a time per producer, each
 *      with a per-source timeout, all under one overall deadline, each producer behind a circuit
 *      breaker; hasMore paging is followed up to `maxPages`. The answer is given at the display
 *      deadline with what has come: the sources still answering are `pending`, their calls go
 *      on in the background until the overall deadline, and what they bring (approved items
 *      only) waits in the response cache for the next view.
 *   5. Items about another patient than the one asked for are dropped, and the source is reported
 *      as failed with `wrongPatient` (logged without the personnummer).
 *   6. Items merged, de-duplicated (same source system, information type and id: the latest
 *      wins) and sorted newest first.
 *
 * The answer always lists every (source × contract) tried with its status, so a page can say
 * exactly what is missing and from where. Nothing a producer does makes this throw; only bad
 * input (INPUT_INVALID) and an unreachable database do.
 *
 * State that must outlive one request (circuit breakers, per-producer concurrency, the response
 * cache, the calls still running in the background) is kept by `createAggregator`, whose
 * `close()` stops the background calls; `aggregateRecord` alone starts fresh each call.
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
import { JournalenError } from '../errors/index.js';
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
  platformFaultVerdict,
  silentLogger,
  startDeadline,
  stateOf,
  withTimeout,
  wrongPatientReason,
  wantedContracts,
  EngagementIndexUnavailable,
  type EngagementSource,
  type FoundEngagement,
  type Settled,
  type WantedContract,
  backgroundCalls,
  type Background,
} from './common.js';
import { ProducerSlots } from './producer-slots.js';
import { ResponseCache, type CacheKey } from './response-cache.js';
import { callSource, checkPatient, type CallOutcome, type SourceProblem, type Transport } from './source-call.js';

export type { SourceProblem, Transport } from './source-call.js';
export type { EngagementSource, FoundEngagement } from './common.js';
export { EngagementIndexUnavailable, platformFaultVerdict } from './common.js';

/**
 * `pending`: the source had not answered by the display deadline and is still being waited for
 * in the background; what it brings is shown at the next view.
 */
export type SourceState = 'answered' | 'answeredFromCache' | 'pending' | 'timedOut' | 'failed' | 'notAuthorized' | 'noRoute';

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
  readonly problem?: SourceProblem | 'noRoute' | 'notAuthorized' | 'pageLimit' | 'invalidItems' | 'producerMessage' | 'stillAnswering';
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
  /** The national platform's fault code (VP004, VP007, VP009, ...) when VP refused or failed the call. */
  readonly vpCode?: string;
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
  /**
   * When the answer is given, from the start of the request (ms). Default 5000. Sources still
   * answering then are `pending` and go on in the background until `deadlineMs` (only with a
   * response cache to keep what they bring). At or above `deadlineMs`, everything is waited for.
   */
  readonly displayDeadlineMs: number;
}

export const DEFAULT_LIMITS: AggregationLimits = {
  perSourceTimeoutMs: 3000,
  deadlineMs: 8000,
  displayDeadlineMs: 5000,
  maxConcurrentPerProducer: CONTRACT_NAMES.length,
  maxResponseBytes: 16 * 1024 * 1024,
  maxPages: 10,
  failureThreshold: DEFAULT_FAILURE_THRESHOLD,
  coolDownMs: DEFAULT_COOL_DOWN_MS,
};

/**
 * The national platform's timeouts (NATIONAL-PLATFORM.md §3): AGP gives each producer 27 s and
 * the whole fan-out 28 s; the resident sees what came within 5 s. For production settings.
 */
export const PLATFORM_TIMEOUTS: Pick<AggregationLimits, 'perSourceTimeoutMs' | 'deadlineMs' | 'displayDeadlineMs'> = {
  perSourceTimeoutMs: 27_000,
  deadlineMs: 28_000,
  displayDeadlineMs: 5_000,
};

/** How the fan-out finds each call's endpoint and whether it may make it. */
export type RoutingMode =
  /** Our routing table (TAK snapshot): route and authorization per (source × contract), default. */
  | { readonly kind: 'table' }
  /** The national platform: every call to VP's URL of the contract; VP routes and authorizes. */
  | { readonly kind: 'platform'; readonly url: (contract: ContractVersion) => string };

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
  /** Last good answers (and late ones); none when absent. */
  readonly cache?: ResponseCache;
  /** Who holds information about the patient; default our own index (the engagement table). */
  readonly engagements?: EngagementSource;
  /** Default `{ kind: 'table' }`. */
  readonly routing?: RoutingMode;
}

export interface ResponseCacheSettings {
  readonly ttlMs: number;
  readonly maxEntries: number;
  /** Default 'every' when the settings are given; DEFAULT_CACHE keeps only late answers. */
  readonly store?: 'every' | 'late';
}

/**
 * The aggregator's cache when none is configured: it keeps what came after the display deadline
 * (approved items only) for ten minutes, so the next view shows it; it does not otherwise change
 * what a failing source shows.
 */
export const DEFAULT_CACHE: ResponseCacheSettings = { ttlMs: 10 * 60_000, maxEntries: 2_000, store: 'late' };

export interface AggregatorOptions extends Omit<AggregationDeps, 'breakers' | 'slots' | 'cache'> {
  /** Default DEFAULT_CACHE; `false` for none (then nothing goes on after the answer is given). */
  readonly cache?: ResponseCacheSettings | false;
}

export interface Aggregator {
  readonly breakers: CircuitBreakers;
  readonly slots: ProducerSlots;
  readonly cache: ResponseCache | undefined;
  aggregateRecord(query: RecordQuery): Promise<AggregatedRecord>;
  /** Record requests whose calls still run in the background. */
  readonly backgroundRequests: number;
  /** Stops every background call (at once) and refuses new requests; resolves when they have ended. */
  close(): Promise<void>;
}

/** A long-lived aggregator: circuit breakers, producer slots, the cache and the background calls survive between requests. */
export function createAggregator(deps: AggregatorOptions): Aggregator {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const clock = deps.clock ?? defaultClock;
  const breakers = new CircuitBreakers({ failureThreshold: limits.failureThreshold, coolDownMs: limits.coolDownMs, now: clock });
  const slots = new ProducerSlots(limits.maxConcurrentPerProducer);
  const settings = deps.cache === undefined ? DEFAULT_CACHE : deps.cache;
  const cache = settings === false ? undefined : new ResponseCache({ ttlMs: settings.ttlMs, maxEntries: settings.maxEntries, store: settings.store ?? 'every', now: clock });
  const { cache: _options, ...rest } = deps;
  const shared: AggregationDeps = { ...rest, clock, breakers, slots, ...(cache ? { cache } : {}) };
  const calls = backgroundCalls();
  return {
    breakers,
    slots,
    cache,
    aggregateRecord: (query: RecordQuery) => {
      if (calls.closed) return Promise.reject(new JournalenError('INTERNAL', 'the record aggregator is closed: the service is shutting down'));
      return aggregate(shared, query, calls.background);
    },
    get backgroundRequests() {
      return calls.size;
    },
    close: () => calls.close(),
  };
}

/** One way to call a contract at a source: the version and its endpoint. */
interface Candidate {
  readonly contract: ContractVersion;
  readonly url: string;
}

/** One (source × contract) to call, or already decided (no route, not authorized). */
interface Plan {
  readonly logicalAddress: string;
  /** The version reported when nothing was called (the preferred one). */
  readonly contract: ContractVersion;
  readonly description: SourceDescription | undefined;
  /** Tried in order; more than one only when VP decides routing (an older major when VP has no route for the newer). */
  readonly candidates?: readonly Candidate[];
  readonly refused?: { readonly status: 'noRoute' | 'notAuthorized'; readonly reason: string };
}

export function aggregateRecord(deps: AggregationDeps, query: RecordQuery): Promise<AggregatedRecord> {
  return aggregate(deps, query, undefined);
}

async function aggregate(deps: AggregationDeps, query: RecordQuery, background: Background | undefined): Promise<AggregatedRecord> {
  const q = checkQuery(query);
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const clock = deps.clock ?? defaultClock;
  const logger = deps.logger ?? silentLogger();
  const breakers = deps.breakers ?? new CircuitBreakers({ failureThreshold: limits.failureThreshold, coolDownMs: limits.coolDownMs, now: clock });
  const slots = deps.slots ?? new ProducerSlots(limits.maxConcurrentPerProducer);
  const started = clock();
  // Real time for the display deadline, as for every timeout.
  const startedAt = performance.now();

  const deadline = startDeadline(limits.deadlineMs);
  let handedOver = false;
  try {
    const contracts = wantedContracts(q.infoTypes);
    let targets: Map<string, Set<ContractName>>;
    try {
      targets = await sourcesOf(deps.engagements ?? ownEngagementIndex(deps.db), q.patientId, contracts, deadline.signal);
    } catch (error) {
      if (error instanceof EngagementIndexUnavailable) return engagementIndexDown(error, contracts, deps, logger, clock() - started);
      throw error;
    }
    if (targets.size === 0) {
      logger.info({ sources: 0, items: 0, durationMs: Math.round(clock() - started) }, 'record: no source holds anything of the kinds asked for');
      return { items: [], sources: [] };
    }
    const routing = deps.routing ?? { kind: 'table' };
    const plans =
      routing.kind === 'platform'
        ? planPlatformCalls(targets, contracts, routing.url, deps.describeSource)
        : planCalls(
            targets,
            contracts,
            await loadRoutingTable(deps.db, deps.environment ?? 'production', {
              serviceContractNamespaces: [...new Set(contracts.flatMap((c) => c.versions.map((v) => v.responderNamespace)))],
              logicalAddresses: [...targets.keys()],
            }),
            q.consumerHsaId,
            deps.describeSource,
          );
    // Every call listens to the deadline (one listener while queued, one while running).
    setMaxListeners(Math.max(10, plans.length * 2 + 2), deadline.signal);

    let late = false;
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
      late: () => late,
    };
    // Going on after the answer is worth it only with a cache to keep what comes.
    const keepGoing = limits.displayDeadlineMs < limits.deadlineMs && deps.cache !== undefined && (background?.open ?? true);
    let settled: Settled[];
    if (!keepGoing) {
      const results = await deadline.settle(plans, (plan) => runPlan(plan, context));
      settled = plans.map((plan, i) => results[i] ?? unfinished(plan, context));
    } else {
      const displayMs = limits.displayDeadlineMs - (performance.now() - startedAt);
      const { results, rest } = await deadline.settleBy(plans, (plan) => runPlan(plan, context), displayMs);
      // From here on, whatever arrives is late: it goes to the cache for the next view.
      late = true;
      const fell = deadline.signal.aborted;
      settled = plans.map((plan, i) => results[i] ?? (fell ? unfinished(plan, context) : stillAnswering(plan, context)));
      if (!fell && results.some((r) => r === undefined)) {
        handedOver = true;
        const done = rest.finally(() => deadline.end());
        background?.track(done, () => deadline.end());
      }
    }

    const items = merge(settled);
    const sources = settled.map((s) => s.status);
    logSummary(logger, sources, items.length, clock() - started);
    return { items, sources };
  } finally {
    // Calls still running after the answer is given stop now, unless they go on in the background.
    if (!handedOver) deadline.end();
  }
}

/** The engagement index could not say where the patient's information is: one status saying so. */
function engagementIndexDown(
  error: EngagementIndexUnavailable,
  contracts: readonly WantedContract[],
  deps: AggregationDeps,
  logger: Logger,
  durationMs: number,
): AggregatedRecord {
  const first = contracts[0]!.versions[0]!;
  const description = deps.describeSource?.(error.logicalAddress);
  const systemName = description?.systemName ?? error.systemName;
  const status: SourceStatus = {
    logicalAddress: error.logicalAddress,
    ...(systemName !== undefined ? { systemName } : {}),
    ...(description?.regionNames !== undefined ? { regionNames: description.regionNames } : {}),
    contract: first.contract,
    version: first.major,
    infoType: first.infoType,
    status: stateOf(error.problem),
    problem: error.problem,
    reason: error.message,
    itemCount: 0,
    durationMs: Math.max(0, Math.round(durationMs)),
  };
  logUnanswered(logger, status);
  logSummary(logger, [status], 0, durationMs);
  return { items: [], sources: [status] };
}


// ---- Engagement index ----------------------------------------------------------------------------

const kindKey = (serviceDomain: string, categorization: string) => `${serviceDomain}\u001f${categorization}`;

/**
 * Source system → the wanted contracts it holds something for. FindContent over every wanted
 * service domain, the categorizations filtered here, as AGP does; grouped per source system
 * (AGP's distinct `engagement.sourceSystem`), which is also each call's LogicalAddress.
 */
async function sourcesOf(
  engagements: EngagementSource,
  patientId: string,
  contracts: readonly WantedContract[],
  signal: AbortSignal,
): Promise<Map<string, Set<ContractName>>> {
  const byKind = new Map<string, Set<ContractName>>();
  const domains = new Set<string>();
  for (const c of contracts) {
    for (const v of c.versions) {
      const key = kindKey(v.serviceDomain, v.categorization);
      byKind.set(key, (byKind.get(key) ?? new Set()).add(c.name));
      domains.add(v.serviceDomain);
    }
  }
  const found = await engagements.find(patientId, [...domains], { signal });
  const targets = new Map<string, Set<ContractName>>();
  for (const engagement of found) {
    const names = byKind.get(kindKey(engagement.serviceDomain, engagement.categorization));
    const system = engagement.sourceSystem;
    // An engagement pointing at this service itself would make it call itself.
    if (!names || system === '' || system === JOURNALEN_HSA_ID || engagement.logicalAddress === JOURNALEN_HSA_ID) continue;
    const set = targets.get(system) ?? new Set<ContractName>();
    for (const name of names) set.add(name);
    targets.set(system, set);
  }
  return targets;
}

/**
 * Our own engagement index (the engagement table, kept by Update and ProcessNotification):
 * FindContent's query (resident and service domain, on the same index) for several domains at
 * once; only what the fan-out needs.
 */
export function ownEngagementIndex(db: Db): EngagementSource {
  return {
    async find(patientId: string, serviceDomains: readonly string[]): Promise<FoundEngagement[]> {
      if (serviceDomains.length === 0) return [];
      return db
        .select({
          serviceDomain: engagementTable.serviceDomain,
          categorization: engagementTable.categorization,
          logicalAddress: engagementTable.logicalAddress,
          sourceSystem: engagementTable.sourceSystem,
        })
        .from(engagementTable)
        .where(and(eq(engagementTable.registeredResidentIdentification, patientId), inArray(engagementTable.serviceDomain, [...serviceDomains])));
    },
  };
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
        plans.push({ logicalAddress, contract: callable.version, description, candidates: [{ contract: callable.version, url: callable.url }] });
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

/** Through VP: every version of each contract, preferred first; VP says which are routed and authorized. */
function planPlatformCalls(
  targets: ReadonlyMap<string, ReadonlySet<ContractName>>,
  contracts: readonly WantedContract[],
  url: (contract: ContractVersion) => string,
  describeSource: AggregationDeps['describeSource'],
): Plan[] {
  const plans: Plan[] = [];
  for (const logicalAddress of [...targets.keys()].sort()) {
    const names = targets.get(logicalAddress)!;
    const description = describeSource?.(logicalAddress);
    for (const contract of contracts) {
      if (!names.has(contract.name)) continue;
      plans.push({ logicalAddress, contract: contract.versions[0]!, description, candidates: contract.versions.map((v) => ({ contract: v, url: url(v) })) });
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
  /** True once the answer has been given: what arrives now is kept for the next view. */
  readonly late: () => boolean;
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

function baseStatus(plan: Plan, context: TaskContext, contract: ContractVersion = plan.contract) {
  return {
    logicalAddress: plan.logicalAddress,
    ...(plan.description?.systemName !== undefined ? { systemName: plan.description.systemName } : {}),
    ...(plan.description?.regionNames !== undefined ? { regionNames: plan.description.regionNames } : {}),
    contract: contract.contract,
    version: contract.major,
    infoType: contract.infoType,
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

  const candidates = plan.candidates ?? [];
  let outcome: CallOutcome;
  let contract = candidates[0]?.contract ?? plan.contract;
  let release: (() => void) | undefined;
  try {
    release = await context.slots.acquire(plan.logicalAddress, context.deadline);
    outcome = await withTimeout(context.deadline, context.limits.perSourceTimeoutMs, async (signal) => {
      // Through VP: an older major when VP has no route or authorization for the newer; the first refusal is reported.
      let refusal: { outcome: CallOutcome; contract: ContractVersion; notAuthorized: boolean } | undefined;
      for (const candidate of candidates) {
        const answer = await callSource({
          url: candidate.url,
          logicalAddress: plan.logicalAddress,
          contract: candidate.contract,
          request: requestFor(context.query, plan.logicalAddress),
          consumerHsaId: context.query.consumerHsaId,
          correlationId: context.correlationId,
          transport: context.deps.transport ?? defaultTransport,
          signal,
          maxResponseBytes: context.limits.maxResponseBytes,
          maxPages: context.limits.maxPages,
        });
        const verdict = !answer.ok && answer.vp ? platformFaultVerdict(answer.vp.code, answer.vp.timeout) : undefined;
        if (verdict?.status !== 'noRoute' && verdict?.status !== 'notAuthorized') {
          contract = candidate.contract;
          return answer;
        }
        // Not authorized says more than no route (as planCalls reports from the table).
        const notAuthorized = verdict.status === 'notAuthorized';
        if (!refusal || (notAuthorized && !refusal.notAuthorized)) refusal = { outcome: answer, contract: candidate.contract, notAuthorized };
      }
      contract = refusal?.contract ?? contract;
      return refusal?.outcome ?? { ok: false, problem: 'connection', reason: 'no endpoint to call' };
    });
  } catch {
    // Only the wait for a slot throws here: the deadline came while queued.
    outcome = { ok: false, problem: 'deadline', reason: 'the record request reached its deadline before this source could be called' };
  } finally {
    release?.();
  }

  if (!outcome.ok) {
    if (outcome.vp) {
      const verdict = platformFaultVerdict(outcome.vp.code, outcome.vp.timeout);
      const vpCode = outcome.vp.code;
      if (verdict.status === 'noRoute' || verdict.status === 'notAuthorized') {
        // The platform's configuration, not the producer's health.
        breakers.onAbandon(plan.logicalAddress, permit);
        const status: SourceStatus = { ...baseStatus(plan, context, contract), status: verdict.status, problem: verdict.problem, reason: verdict.reason, itemCount: 0, vpCode };
        logUnanswered(logger, status);
        return { status, items: [] };
      }
      const problem = verdict.problem as SourceProblem;
      recordVerdict(breakers, plan.logicalAddress, permit, problem);
      return fallBack(plan, context, problem, verdict.reason, verdict.status, contract, vpCode);
    }
    recordVerdict(breakers, plan.logicalAddress, permit, outcome.problem);
    return fallBack(plan, context, outcome.problem, outcome.reason, stateOf(outcome.problem), contract);
  }

  const { kept, dropped } = checkPatient(outcome.items, context.query.patientId, contract);
  const details = {
    pages: outcome.pages,
    ...(outcome.partial ? { partial: true } : {}),
    ...(outcome.invalidItems > 0 ? { invalidItems: outcome.invalidItems } : {}),
  };
  if (dropped > 0) {
    recordVerdict(breakers, plan.logicalAddress, permit, 'wrongPatient');
    logWrongPatient(logger, { logicalAddress: plan.logicalAddress, contract: contract.contract, version: contract.major, droppedItems: dropped, keptItems: kept.length });
    const reason = wrongPatientReason(dropped);
    const cached = fromCache(plan, context, 'wrongPatient', reason, contract);
    if (cached) return cached;
    return {
      status: { ...baseStatus(plan, context, contract), status: 'failed', problem: 'wrongPatient', reason, itemCount: kept.length, droppedItems: dropped, ...details },
      items: kept,
    };
  }
  recordVerdict(breakers, plan.logicalAddress, permit, undefined);
  if (!outcome.partial) remember(plan, context, kept);
  const problem = outcome.partial ? 'pageLimit' : outcome.invalidItems > 0 ? 'invalidItems' : outcome.producerMessage !== undefined ? 'producerMessage' : undefined;
  const reason = outcome.partial
    ? `only the newest ${outcome.pages} pages were fetched; older items may be missing`
    : outcome.invalidItems > 0
      ? `${outcome.invalidItems} item${outcome.invalidItems === 1 ? '' : 's'} could not be read`
      : outcome.producerMessage;
  return {
    status: {
      ...baseStatus(plan, context, contract),
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

// Per contract, not per major: through VP the major answering is known only once it has answered.
const cacheKey = (plan: Plan, context: TaskContext): CacheKey => ({
  patientId: context.query.patientId,
  logicalAddress: plan.logicalAddress,
  contract: plan.contract.contract,
  ...(context.query.period ? { period: context.query.period } : {}),
});

/** A complete answer into the cache (the cache keeps approved items only): every one, or only late ones and refreshes. */
function remember(plan: Plan, context: TaskContext, items: readonly RecordItem[]): void {
  const cache = context.deps.cache;
  if (!cache) return;
  const key = cacheKey(plan, context);
  if (cache.store === 'every' || context.late() || cache.has(key)) {
    cache.put(key, items);
    if (context.late()) context.logger.debug({ logicalAddress: plan.logicalAddress, contract: plan.contract.contract }, 'late answer kept for the next view');
  }
}

function fromCache(plan: Plan, context: TaskContext, problem: NonNullable<SourceStatus['problem']>, reason: string, contract: ContractVersion = plan.contract): Settled | undefined {
  const cached = context.deps.cache?.get(cacheKey(plan, context));
  if (!cached) return undefined;
  const cacheAgeMs = Math.max(0, Math.round(context.clock() - cached.storedAt));
  return {
    status: { ...baseStatus(plan, context, contract), status: 'answeredFromCache', problem, reason, itemCount: cached.items.length, cacheAgeMs },
    items: cached.items,
  };
}

function fallBack(
  plan: Plan,
  context: TaskContext,
  problem: SourceProblem,
  reason: string,
  status: 'failed' | 'timedOut',
  contract: ContractVersion = plan.contract,
  vpCode?: string,
): Settled {
  const vp = vpCode !== undefined ? { vpCode } : {};
  const cached = fromCache(plan, context, problem, reason, contract);
  const settled = cached
    ? { ...cached, status: { ...cached.status, ...vp } }
    : { status: { ...baseStatus(plan, context, contract), status, problem, reason, itemCount: 0, ...vp }, items: [] };
  logUnanswered(context.logger, settled.status);
  return settled;
}

/** A call still running at the display deadline: shown from the cache if it can be, else pending. */
function stillAnswering(plan: Plan, context: TaskContext): Settled {
  const cached = fromCache(plan, context, 'stillAnswering', 'still answering; the last answer is shown');
  const settled = cached ?? {
    status: { ...baseStatus(plan, context), status: 'pending', problem: 'stillAnswering', reason: 'still answering; shown at the next view', itemCount: 0 },
    items: [],
  };
  context.logger.info({ logicalAddress: plan.logicalAddress, system: plan.description?.systemName, contract: plan.contract.contract, status: settled.status.status }, 'source still answering at the display deadline');
  return settled;
}

/** A call still running when the overall deadline fell: it counts as timed out (or from cache). */
function unfinished(plan: Plan, context: TaskContext): Settled {
  return fallBack(plan, context, 'deadline', 'the record request reached its deadline', 'timedOut');
}
