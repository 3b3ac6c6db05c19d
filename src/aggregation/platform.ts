/**
 * Platform mode: the same record as direct mode (fetch-record.ts), asked of the national
 * platform's aggregating services instead of each source system.
 *
 *   1. One call per contract wanted, addressed to the national aggregating service (LogicalAddress
 *      = its HSA-id / organisation number, no sourceSystemHSAId: that would mean "do not
 *      aggregate"). The platform looks up the engagement index, calls every source and merges.
 *   2. The answer's ProcessingStatus header gives a status per source (logical address):
 *      DataFromSource → answered; DataFromCache… → answeredFromCache; NoDataSynchFailed (and any
 *      code we do not know) → failed / timedOut / noRoute / notAuthorized, by the error it carries.
 *   3. Items are grouped by their sourceSystemHSAId; items about another patient are dropped and
 *      that source is reported failed (`wrongPatient`), as in direct mode.
 *   4. Merged, de-duplicated and sorted exactly as direct mode does.
 *
 *   5. Paging is not the aggregating service's (NATIONAL-PLATFORM.md §4): when the answer says a
 *      source has more (GetCareDocumentation 3 `hasMore`, one per source, its logicalAddress
 *      naming the source), the remaining pages are asked of that source system directly, through
 *      the same platform endpoint with LogicalAddress = sourceSystemHSAId = that system and the
 *      continuation reference; duplicates are removed by record id.
 *
 * What the real AGP writes for a failed source: causingAgent virtualization_platform and code =
 * the HTTP status of the SOAP fault it got (500, with VP's code, e.g. VP007, in the text), 504
 * for a receive timeout, 43000 otherwise ("Unknown error" when its own fan-out deadline fell);
 * lastSuccessfulSynch left out. Those are mapped to our statuses (problemOf).
 *
 * A call that fails as a whole (no answer, timeout, SOAP Fault, bad XML, another contract) gives
 * one status for that contract, under the platform's own logical address; a VP fault there (VP007:
 * this consumer may not call the aggregating service) is read with the platform's fault codes.
 * Nothing the platform sends makes this throw; only bad input (INPUT_INVALID) does.
 *
 * The display deadline (`createPlatformAggregator`): the answer is given at `displayDeadlineMs`
 * with the contracts that have come back; a contract whose aggregated call is still out is one
 * `pending` line (`stillAnswering`) on the platform's address, or, when the last answer for it is
 * held, that answer's sources as `answeredFromCache`. The call goes on in the background until the
 * overall deadline and what it brings (items approved for the patient only, platform-cache.ts) is
 * kept per patient, contract and period for the next view. Only answers that came late, and fresher
 * answers of contracts already held, are kept: the platform may have its own cache (and says so
 * with DataFromCache…), and ours is not a second place where a failing source's items linger.
 * `aggregateViaPlatform` alone keeps no state: it waits for every call, up to the deadline.
 * No circuit breaker or per-producer slots: there is one producer, and its per-source failures
 * arrive as statuses, not as failed calls. Nothing here touches the database.
 */

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { readEnvelope } from '../contracts/soap.js';
import type { ContractVersion, ProcessingStatusEntry } from '../contracts/types.js';
import { children, DEFAULT_LIMITS as DEFAULT_XML_LIMITS, rivTime, text } from '../contracts/xml.js';
import type { RecordItem } from '../domain/record.js';
import { keyFieldProblem } from '../engagement-index/engagement.js';
import { JournalenError } from '../errors/index.js';
import {
  checkQuery,
  compare,
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
  wantedContracts,
  withTimeout,
  wrongPatientReason,
  type Settled,
  backgroundCalls,
  type Background,
} from './common.js';
import type { AggregatedRecord, RecordQuery, SourceDescription, SourceState, SourceStatus } from './fetch-record.js';
import { PlatformAnswerCache, type PlatformCacheKey } from './platform-cache.js';
import { callSource, checkPatient, producerText, readLimited, type CallOutcome, type SourceProblem, type Transport } from './source-call.js';

/**
 * Inera's organisation number, the logical address of the national aggregating services in the
 * SKLTP test material (AGP `agp.logicalAddress`). Production uses the value in each TKB's
 * "Adressering" section; pass it as `logicalAddress`.
 */
export const NATIONAL_AGGREGATOR_LOGICAL_ADDRESS = '5565594230';

export interface PlatformLimits {
  /**
   * One call to the aggregating service, and the follow-up pages of one source (ms). A little
   * above the platform's own 27-29 s, so it can still answer with what it has. Default 30 000.
   */
  readonly perCallTimeoutMs: number;
  /** The whole request, follow-up pages included (ms). Default 40 000. */
  readonly deadlineMs: number;
  /** Largest answer read, per contract (bytes): it holds every source's items. Default 64 MiB. */
  readonly maxResponseBytes: number;
  /** Pages read per source and contract, the aggregated answer's own included. Default 10. */
  readonly maxPages: number;
  /**
   * When the answer is given, from the start of the request (ms). Default 5000. Contracts still
   * out then are `pending` and go on in the background until `deadlineMs` (createPlatformAggregator
   * with a cache only; aggregateViaPlatform waits for everything). At or above `deadlineMs`,
   * everything is waited for.
   */
  readonly displayDeadlineMs: number;
}

/** The platform's values (NATIONAL-PLATFORM.md §3): AGP answers within 28 s; we wait 30 s for it. */
export const DEFAULT_PLATFORM_LIMITS: PlatformLimits = {
  perCallTimeoutMs: 30_000,
  deadlineMs: 40_000,
  maxResponseBytes: 64 * 1024 * 1024,
  maxPages: 10,
  displayDeadlineMs: 5_000,
};

export interface PlatformDeps {
  /** The aggregating service's endpoint for a contract version; undefined when the platform has none. */
  readonly platformUrl: (contract: ContractVersion) => string | undefined;
  /** LogicalAddress of the national aggregating service. Default NATIONAL_AGGREGATOR_LOGICAL_ADDRESS. */
  readonly logicalAddress?: string;
  /** Default: global fetch. */
  readonly transport?: Transport;
  /** Milliseconds on a monotonic scale, for durations. Timeouts use real timers. */
  readonly clock?: () => number;
  /** Wall-clock time, for the age of the platform's cached answers. Default: now. */
  readonly now?: () => Date;
  readonly limits?: Partial<PlatformLimits>;
  /** Default: silent. */
  readonly logger?: Logger;
  /** Names a logical address for the status (system and regions); also asked for the platform's own address. */
  readonly describeSource?: (logicalAddress: string) => SourceDescription | undefined;
}

/** ProcessingStatus entries read per answer; a larger list is a hostile or broken platform. */
const MAX_STATUS_ENTRIES = 1000;

/** One contract to ask the platform for, with its endpoint (or why there is none). */
interface PlatformPlan {
  readonly contract: ContractVersion;
  readonly url?: string;
  readonly refused?: string;
}

interface Context {
  readonly deps: PlatformDeps;
  readonly query: RecordQuery;
  readonly platform: string;
  readonly limits: PlatformLimits;
  readonly clock: () => number;
  readonly logger: Logger;
  readonly deadline: AbortSignal;
  readonly correlationId: string;
  readonly started: number;
}

export interface PlatformCacheSettings {
  /** How long a late answer is shown at the next view (ms). */
  readonly ttlMs: number;
  /** Most answers kept (one per patient, contract and period); the least recently used goes first. */
  readonly maxEntries: number;
}

/** What came after the display deadline, kept ten minutes for the next view. */
export const DEFAULT_PLATFORM_CACHE: PlatformCacheSettings = { ttlMs: 10 * 60_000, maxEntries: 2_000 };

export interface PlatformAggregatorOptions extends PlatformDeps {
  /** Default DEFAULT_PLATFORM_CACHE; `false` for none (then every call is waited for, up to the deadline). */
  readonly cache?: PlatformCacheSettings | false;
}

export interface PlatformAggregator {
  aggregateRecord(query: RecordQuery): Promise<AggregatedRecord>;
  readonly cache: PlatformAnswerCache | undefined;
  /** Record requests whose calls still run in the background. */
  readonly backgroundRequests: number;
  /** Stops every background call (at once) and refuses new requests; resolves when they have ended. */
  close(): Promise<void>;
}


/** What outlives one request: the cache of late answers and the calls still out. */
interface Shared {
  readonly cache: PlatformAnswerCache | undefined;
  readonly background: Background;
}

/** The record of one patient through the aggregating services, every call waited for (up to the deadline); no state kept. */
export function aggregateViaPlatform(deps: PlatformDeps, query: RecordQuery): Promise<AggregatedRecord> {
  return aggregate(deps, query, undefined);
}

/**
 * A long-lived platform-mode aggregator: the answer is given at the display deadline, calls still
 * out go on in the background and what they bring is shown at the next view. `close()` stops them.
 */
export function createPlatformAggregator(deps: PlatformAggregatorOptions): PlatformAggregator {
  const clock = deps.clock ?? defaultClock;
  const settings = deps.cache === undefined ? DEFAULT_PLATFORM_CACHE : deps.cache;
  const cache = settings === false ? undefined : new PlatformAnswerCache({ ttlMs: settings.ttlMs, maxEntries: settings.maxEntries, now: clock });
  const { cache: _settings, ...rest } = deps;
  const platformDeps: PlatformDeps = { ...rest, clock };
  const calls = backgroundCalls();
  const shared: Shared = { cache, background: calls.background };
  return {
    cache,
    aggregateRecord: (query: RecordQuery) => {
      if (calls.closed) return Promise.reject(new JournalenError('INTERNAL', 'the record aggregator is closed: the service is shutting down'));
      return aggregate(platformDeps, query, shared);
    },
    get backgroundRequests() {
      return calls.size;
    },
    close: () => calls.close(),
  };
}

async function aggregate(deps: PlatformDeps, query: RecordQuery, shared: Shared | undefined): Promise<AggregatedRecord> {
  const q = checkQuery(query);
  const limits = { ...DEFAULT_PLATFORM_LIMITS, ...deps.limits };
  const clock = deps.clock ?? defaultClock;
  const logger = deps.logger ?? silentLogger();
  const platform = deps.logicalAddress ?? NATIONAL_AGGREGATOR_LOGICAL_ADDRESS;
  const started = clock();
  // Real time for the display deadline, as for every timeout.
  const startedAt = performance.now();
  const deadline = startDeadline(limits.deadlineMs);
  let handedOver = false;
  try {
    const plans = wantedContracts(q.infoTypes).map((wanted) => planFor(wanted.versions, deps.platformUrl));
    const context: Context = { deps, query: q, platform, limits, clock, logger, deadline: deadline.signal, correlationId: randomUUID(), started };
    const cache = shared?.cache;
    const calls = new Map<PlatformPlan, Promise<ContractResult>>();
    const run = (plan: PlatformPlan) => {
      const call = runContract(plan, context);
      calls.set(plan, call);
      return call;
    };
    // An answer that came in time replaces a held one, so the next slow view shows the freshest.
    const onTime = (plan: PlatformPlan, result: ContractResult) => {
      if (cache && result.answered && cache.has(cacheKey(plan, context))) cache.put(cacheKey(plan, context), result.settled);
      return result.settled;
    };
    // Going on after the answer is worth it only with a cache to keep what comes.
    const keepGoing = shared !== undefined && cache !== undefined && shared.background.open && limits.displayDeadlineMs < limits.deadlineMs;
    let settled: Settled[];
    if (!keepGoing) {
      const results = await deadline.settle(plans, run);
      settled = plans.flatMap((plan, i) => (results[i] ? onTime(plan, results[i]) : [unfinished(plan, context)]));
    } else {
      const displayMs = limits.displayDeadlineMs - (performance.now() - startedAt);
      const { results, rest } = await deadline.settleBy(plans, run, displayMs);
      const fell = deadline.signal.aborted;
      settled = plans.flatMap((plan, i) => (results[i] ? onTime(plan, results[i]) : fell ? [unfinished(plan, context)] : stillAnswering(plan, context, cache)));
      const late = plans.filter((_, i) => results[i] === undefined);
      if (!fell && late.length > 0) {
        handedOver = true;
        // Each late call is kept as it comes back; `rest` ends the wait when the deadline falls (or close() ends it).
        const kept = Promise.all(late.map((plan) => calls.get(plan)!.then((result) => keepLate(plan, result, context, cache, shared.background))));
        const done = Promise.race([kept, rest])
          .then(
            () => undefined,
            () => undefined,
          )
          .finally(() => deadline.end());
        shared.background.track(done, () => deadline.end());
      }
    }
    // Address first, then contract: the order direct mode gives.
    const order = new Map(plans.map((p, i) => [p.contract.contract, i]));
    settled.sort((a, b) => compare(a.status.logicalAddress, b.status.logicalAddress) || order.get(a.status.contract)! - order.get(b.status.contract)!);
    const items = merge(settled);
    const sources = settled.map((s) => s.status);
    logSummary(logger, sources, items.length, clock() - started, 'platform');
    return { items, sources };
  } finally {
    // Calls still running after the answer is given stop now, unless they go on in the background.
    if (!handedOver) deadline.end();
  }
}

/** The first version (preferred first) the platform has an endpoint for. */
function planFor(versions: readonly ContractVersion[], platformUrl: PlatformDeps['platformUrl']): PlatformPlan {
  for (const contract of versions) {
    let url: unknown;
    try {
      url = platformUrl(contract);
    } catch {
      url = undefined;
    }
    if (typeof url === 'string' && /^https?:\/\/\S+$/.test(url)) return { contract, url };
  }
  return { contract: versions[0]!, refused: `the national platform has no aggregating service configured for ${versions[0]!.contract}` };
}

/** One contract's lines; `answered` when the platform gave an answer (what may be kept for the next view). */
interface ContractResult {
  readonly settled: Settled[];
  readonly answered: boolean;
}

async function runContract(plan: PlatformPlan, context: Context): Promise<ContractResult> {
  if (plan.url === undefined) {
    return { settled: [platformStatus(plan.contract, context, { status: 'noRoute', problem: 'noRoute', reason: plan.refused ?? 'no route' })], answered: false };
  }
  const { query, limits } = context;
  const url = plan.url;
  // The raw answer is kept for its hasMore list (one per source; the contract parser reads the first).
  let raw: Buffer | undefined;
  const inner = context.deps.transport ?? defaultTransport;
  const keeping: Transport = async (to, init) => {
    const response = await inner(to, init);
    raw = await readLimited(response, limits.maxResponseBytes);
    const empty = response.status === 204 || response.status === 205 || response.status === 304;
    return new Response(empty ? null : new Uint8Array(raw), { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  const outcome = await withTimeout(context.deadline, limits.perCallTimeoutMs, (signal) =>
    callSource({
      url,
      logicalAddress: context.platform,
      contract: plan.contract,
      // No sourceSystemHSAId: that would ask the platform for that one system only.
      request: { patientId: query.patientId, ...(query.period ? { period: query.period } : {}) },
      consumerHsaId: query.consumerHsaId,
      correlationId: context.correlationId,
      transport: keeping,
      signal,
      maxResponseBytes: limits.maxResponseBytes,
      // The aggregating service does not page; the sources' further pages are asked of them (below).
      maxPages: 1,
    }),
  );
  if (!outcome.ok) {
    const verdict = outcome.vp ? platformFaultVerdict(outcome.vp.code, outcome.vp.timeout) : undefined;
    const failed = platformStatus(
      plan.contract,
      context,
      verdict
        ? { status: verdict.status, problem: verdict.problem, reason: `national platform: ${verdict.reason} (${outcome.reason})`, vpCode: outcome.vp!.code }
        : { status: stateOf(outcome.problem), problem: outcome.problem, reason: `national platform: ${outcome.reason}` },
    );
    logUnanswered(context.logger, failed.status);
    return { settled: [failed], answered: false };
  }
  const offers = outcome.partial && raw !== undefined ? hasMoreOf(raw, limits.maxResponseBytes) : [];
  const paging = await followPages(plan.contract, url, offers, outcome, context);
  return { settled: readAnswer(plan.contract, outcome, context, paging), answered: true };
}

// ---- Paging --------------------------------------------------------------------------------------

interface MoreOffer {
  readonly logicalAddress?: string;
  readonly reference: string;
}

/** What the follow-up pages of one source brought. */
interface Followed {
  readonly items: readonly RecordItem[];
  /** Pages read after the aggregated answer's. */
  readonly pages: number;
  /** More were on offer than maxPages allowed, or a follow-up failed: older items may be missing. */
  readonly partial: boolean;
  readonly invalidItems: number;
  /** Why the pages stopped early, in words. */
  readonly failure?: string;
}

interface Paging {
  readonly bySource: ReadonlyMap<string, Followed>;
  /** hasMore entries that named no usable source: the platform's line says so. */
  readonly unusable: number;
}

/** Every hasMore of an aggregated answer (HasMoreType is 0..*). Nothing here throws. */
function hasMoreOf(raw: Buffer, maxBytes: number): MoreOffer[] {
  try {
    const envelope = readEnvelope(raw, { maxBytes, maxDepth: DEFAULT_XML_LIMITS.maxDepth });
    if (envelope.kind !== 'body') return [];
    return children(envelope.element, 'hasMore').flatMap((entry): MoreOffer[] => {
      const reference = text(entry, 'reference');
      const address = text(entry, 'logicalAddress')?.trim();
      if (reference === undefined) return [];
      return [{ reference, ...(address !== undefined && address !== '' ? { logicalAddress: address } : {}) }];
    });
  } catch {
    return [];
  }
}

/**
 * The remaining pages of each source that has more, asked of that source system through the
 * platform (LogicalAddress = sourceSystemHSAId = the system, the continuation reference), all at
 * once, each chain under the per-call timeout and the request's deadline.
 */
async function followPages(contract: ContractVersion, url: string, offers: readonly MoreOffer[], outcome: Extract<CallOutcome, { ok: true }>, context: Context): Promise<Paging> {
  const answered = (outcome.processingStatus ?? []).filter((e) => e.statusCode.trim() === 'DataFromSource').map((e) => e.logicalAddress.trim());
  const chains = new Map<string, string>();
  let unusable = 0;
  for (const offer of offers) {
    // Without a logicalAddress the offer can only be the one source that answered.
    const address = offer.logicalAddress ?? (answered.length === 1 ? answered[0] : undefined);
    if (address === undefined || address === context.platform || keyFieldProblem('logicalAddress', address) !== undefined || chains.has(address)) {
      unusable++;
      continue;
    }
    chains.set(address, offer.reference);
  }
  const { query, limits } = context;
  const entries = [...chains];
  const results = await Promise.all(
    entries.map(async ([address, reference]): Promise<Followed> => {
      if (limits.maxPages <= 1) return { items: [], pages: 0, partial: true, invalidItems: 0, failure: `only ${limits.maxPages} page is read per source` };
      const next = await withTimeout(context.deadline, limits.perCallTimeoutMs, (signal) =>
        callSource({
          url,
          logicalAddress: address,
          contract,
          request: { patientId: query.patientId, ...(query.period ? { period: query.period } : {}), sourceSystemHsaId: address, continuation: reference },
          consumerHsaId: query.consumerHsaId,
          correlationId: context.correlationId,
          transport: context.deps.transport ?? defaultTransport,
          signal,
          maxResponseBytes: limits.maxResponseBytes,
          maxPages: limits.maxPages - 1,
        }),
      );
      if (next.ok) return { items: next.items, pages: next.pages, partial: next.partial, invalidItems: next.invalidItems };
      const verdict = next.vp ? platformFaultVerdict(next.vp.code, next.vp.timeout) : undefined;
      context.logger.warn({ logicalAddress: address, contract: contract.contract, version: contract.major, problem: verdict?.problem ?? next.problem, vpCode: next.vp?.code }, 'national platform: further pages of a source could not be fetched');
      return { items: [], pages: 0, partial: true, invalidItems: 0, failure: verdict?.reason ?? next.reason };
    }),
  );
  return { bySource: new Map(entries.map(([address], i) => [address, results[i]!])), unusable };
}

/** Items of one source with duplicates (same record id, e.g. across pages) removed, the latest kept. */
function distinct(items: readonly RecordItem[]): RecordItem[] {
  const byId = new Map<string, RecordItem>();
  for (const item of items) {
    const key = `${item.infoType}\u001f${item.id}`;
    const seen = byId.get(key);
    if (!seen || item.time.getTime() >= seen.time.getTime()) byId.set(key, item);
  }
  return [...byId.values()];
}

// ---- One answer ----------------------------------------------------------------------------------

type Verdict = Pick<SourceStatus, 'status' | 'problem' | 'reason' | 'cacheAgeMs' | 'vpCode'>;

function readAnswer(contract: ContractVersion, outcome: Extract<CallOutcome, { ok: true }>, context: Context, paging: Paging): Settled[] {
  const { platform, logger } = context;
  const entries = statusEntries(outcome.processingStatus ?? [], context, contract);
  const bySource = new Map<string, RecordItem[]>();
  const followed = [...paging.bySource].flatMap(([, f]) => f.items);
  for (const item of [...outcome.items, ...followed]) {
    // An item that does not say where it is from stays with the platform that sent it.
    const source = item.sourceSystemHsaId !== undefined && keyFieldProblem('logicalAddress', item.sourceSystemHsaId) === undefined ? item.sourceSystemHsaId : platform;
    const list = bySource.get(source);
    if (list) list.push(item);
    else bySource.set(source, [item]);
  }

  // What the answer as a whole says, on the platform's own line.
  const notes: { problem: NonNullable<SourceStatus['problem']>; reason: string }[] = [];
  if (outcome.processingStatus === undefined) {
    notes.push({ problem: 'producerMessage', reason: 'the national platform did not say which sources it asked (no ProcessingStatus); some may be missing' });
  }
  if (outcome.partial && paging.unusable > 0) {
    notes.push({ problem: 'pageLimit', reason: `the national platform offered more pages without naming a source system it asked (${paging.unusable}); older items may be missing` });
  }
  if (outcome.invalidItems > 0) notes.push({ problem: 'invalidItems', reason: `${outcome.invalidItems} item${outcome.invalidItems === 1 ? '' : 's'} could not be read` });
  if (outcome.producerMessage !== undefined) notes.push({ problem: 'producerMessage', reason: outcome.producerMessage });

  const addresses = new Set([...entries.keys(), ...bySource.keys()]);
  if (notes.length > 0) addresses.add(platform);
  return [...addresses].sort(compare).map((address) => {
    const entry = entries.get(address);
    const verdict: Verdict = entry
      ? verdictOf(entry, context)
      : address === platform
        ? { status: 'answered', ...(notes[0] ? { problem: notes[0].problem, reason: notes.map((n) => n.reason).join('; ') } : {}) }
        : { status: 'answered', reason: 'the national platform sent items from this source without listing it in ProcessingStatus' };
    const pages = paging.bySource.get(address);
    const extra =
      address === platform
        ? { ...(outcome.partial && paging.unusable > 0 ? { partial: true } : {}), ...(outcome.invalidItems > 0 ? { invalidItems: outcome.invalidItems } : {}) }
        : pages
          ? { pages: 1 + pages.pages, ...(pages.partial ? { partial: true } : {}), ...(pages.invalidItems > 0 ? { invalidItems: pages.invalidItems } : {}) }
          : {};
    const { kept, dropped } = checkPatient(distinct(bySource.get(address) ?? []), context.query.patientId, contract);
    if (dropped > 0) {
      logWrongPatient(logger, { logicalAddress: address, contract: contract.contract, version: contract.major, droppedItems: dropped, keptItems: kept.length });
      return sourceStatus(address, contract, context, { status: 'failed', problem: 'wrongPatient', reason: wrongPatientReason(dropped) }, kept, { droppedItems: dropped, ...extra });
    }
    const paged: Verdict =
      pages?.partial && verdict.status === 'answered' && verdict.problem === undefined
        ? {
            ...verdict,
            problem: 'pageLimit',
            reason: pages.failure !== undefined ? `further pages could not be fetched (${pages.failure}); older items may be missing` : `only the newest ${1 + pages.pages} pages were fetched; older items may be missing`,
          }
        : verdict;
    const settled = sourceStatus(address, contract, context, paged, kept, extra);
    if (settled.status.status !== 'answered' && settled.status.status !== 'answeredFromCache') logUnanswered(logger, settled.status);
    return settled;
  });
}

/** The header's entries by logical address: checked, capped, the first of duplicates kept. */
function statusEntries(list: readonly ProcessingStatusEntry[], context: Context, contract: ContractVersion): Map<string, ProcessingStatusEntry> {
  const entries = new Map<string, ProcessingStatusEntry>();
  let refused = 0;
  for (const entry of list) {
    const address = entry.logicalAddress.trim();
    if (entries.size >= MAX_STATUS_ENTRIES || keyFieldProblem('logicalAddress', address) !== undefined || entries.has(address)) {
      refused++;
      continue;
    }
    entries.set(address, { ...entry, logicalAddress: address });
  }
  if (refused > 0) {
    context.logger.warn({ contract: contract.contract, version: contract.major, refusedEntries: refused }, 'national platform: ProcessingStatus entries left out (unreadable address, duplicate, or too many)');
  }
  return entries;
}

// Every SourceProblem, checked by the compiler: a code naming one is taken as it is.
const SOURCE_PROBLEMS: Readonly<Record<SourceProblem, true>> = {
  timeout: true, deadline: true, connection: true, httpStatus: true, soapFault: true, resultError: true,
  malformed: true, tooLarge: true, unexpectedContract: true, wrongPatient: true, circuitOpen: true,
};

type EntryProblem = SourceProblem | 'noRoute' | 'notAuthorized';

interface EntryVerdict {
  readonly problem: EntryProblem;
  /** The state, when the problem alone does not say it (VP codes). */
  readonly status?: SourceState;
  readonly vpCode?: string;
}

/**
 * Why the platform got nothing (fresh) from a source. The real AGP writes code = the HTTP status
 * of the SOAP fault it got (500; VP's own faults carry VP004/VP007/VP009... first in the text),
 * 504 for a receive timeout, 43000 for anything else ("Unknown error" when its fan-out deadline
 * fell before the source answered). Older platforms wrote the VP code into the text only, and a
 * platform may write our own problem names. What we cannot tell apart is `resultError`: the
 * platform says this source failed.
 */
export function problemOf(error: ProcessingStatusEntry['lastUnsuccessfulSynchError']): EntryVerdict {
  const code = error?.code?.trim();
  if (code === 'noRoute' || code === 'notAuthorized' || (code !== undefined && Object.hasOwn(SOURCE_PROBLEMS, code))) return { problem: code as EntryProblem };
  const said = error?.text?.trim() ?? '';
  const vpCode = /\b(VP\d{3})\b/.exec(`${code ?? ''} ${said}`)?.[1];
  if (vpCode !== undefined) {
    const verdict = platformFaultVerdict(vpCode, /time[ds]?[\s-]?out|ReadTimeoutException/i.test(said));
    return { problem: verdict.problem, status: verdict.status, vpCode };
  }
  if (code === '504' || /time[ds]?[\s-]?out/i.test(said)) return { problem: 'timeout' };
  // CXF's words for an answer it could not read.
  if (/unmarshalling error/i.test(said)) return { problem: 'malformed' };
  // AGP's aggregate.timeout: the source had not answered when the platform gave up waiting.
  if (/^unknown error$/i.test(said)) return { problem: 'timeout' };
  // A SOAP fault from the producer, passed on by VP (AGP writes its HTTP status).
  if (code !== undefined && /^5\d\d$/.test(code)) return { problem: 'soapFault' };
  if (code !== undefined && /^[1-4]\d\d$/.test(code)) return { problem: 'httpStatus' };
  return { problem: 'resultError' };
}

function verdictOf(entry: ProcessingStatusEntry, context: Context): Verdict {
  const code = entry.statusCode.trim();
  if (code === 'DataFromSource') return { status: 'answered' };
  const error = entry.lastUnsuccessfulSynchError;
  const said = error?.text !== undefined && error.text.trim() !== '' ? producerText(error.text) : undefined;
  if (code.startsWith('DataFromCache')) {
    const stored = rivTime(entry.lastSuccessfulSynch?.trim());
    const age = stored ? { cacheAgeMs: Math.max(0, (context.deps.now?.() ?? new Date()).getTime() - stored.getTime()) } : {};
    if (code === 'DataFromCache' && entry.isResponseInSynch !== false) return { status: 'answeredFromCache', reason: 'the national platform answered from its cache', ...age };
    const why = problemOf(error);
    return {
      status: 'answeredFromCache',
      problem: why.problem,
      reason: `the national platform answered from its cache (${producerText(code)}): ${said ?? 'the source could not be asked'}`,
      ...age,
      ...(why.vpCode !== undefined ? { vpCode: why.vpCode } : {}),
    };
  }
  // NoDataSynchFailed, and any code we do not know: nothing fresh from this source.
  const why = problemOf(error);
  const status: SourceState = why.status ?? (why.problem === 'noRoute' || why.problem === 'notAuthorized' ? why.problem : stateOf(why.problem));
  return { status, problem: why.problem, reason: said ?? `the national platform reported ${producerText(code)} for this source`, ...(why.vpCode !== undefined ? { vpCode: why.vpCode } : {}) };
}

// ---- Statuses ------------------------------------------------------------------------------------

function sourceStatus(
  address: string,
  contract: ContractVersion,
  context: Context,
  verdict: Verdict,
  items: readonly RecordItem[],
  extra: Pick<SourceStatus, 'droppedItems' | 'partial' | 'invalidItems' | 'pages'> = {},
): Settled {
  const description = context.deps.describeSource?.(address);
  return {
    status: {
      logicalAddress: address,
      ...(description?.systemName !== undefined ? { systemName: description.systemName } : {}),
      ...(description?.regionNames !== undefined ? { regionNames: description.regionNames } : {}),
      contract: contract.contract,
      version: contract.major,
      infoType: contract.infoType,
      ...verdict,
      itemCount: items.length,
      durationMs: Math.max(0, Math.round(context.clock() - context.started)),
      ...extra,
    },
    items,
  };
}

// ---- The display deadline ------------------------------------------------------------------------

// Per contract, not per major: the version the platform has may change between views.
const cacheKey = (plan: PlatformPlan, context: Context): PlatformCacheKey => ({
  patientId: context.query.patientId,
  contract: plan.contract.contract,
  ...(context.query.period ? { period: context.query.period } : {}),
});

/** A call that came back after the answer was given: kept (approved items only) for the next view. */
function keepLate(plan: PlatformPlan, result: ContractResult, context: Context, cache: PlatformAnswerCache | undefined, background: Background): void {
  // A failed call brings nothing to show; a closed aggregator keeps nothing more.
  if (!cache || !result.answered || !background.open) return;
  cache.put(cacheKey(plan, context), result.settled);
  context.logger.debug({ contract: plan.contract.contract, version: plan.contract.major, sources: result.settled.length }, 'national platform: late answer kept for the next view');
}

/**
 * A contract still out at the display deadline: the last answer held for it, its sources
 * `answeredFromCache` (those that had not answered then: `pending`), or else one `pending` line
 * on the platform's address. Either way the page says the platform is still answering.
 */
function stillAnswering(plan: PlatformPlan, context: Context, cache: PlatformAnswerCache | undefined): Settled[] {
  const found = cache?.get(cacheKey(plan, context));
  // An empty answer held says nothing the pending line does not.
  const held = found !== undefined && found.lines.length > 0 ? found : undefined;
  const durationMs = Math.max(0, Math.round(context.clock() - context.started));
  let lines: Settled[];
  if (held) {
    const age = Math.max(0, Math.round(context.clock() - held.storedAt));
    lines = held.lines.map(({ status, items }): Settled => {
      const base = {
        logicalAddress: status.logicalAddress,
        ...(status.systemName !== undefined ? { systemName: status.systemName } : {}),
        ...(status.regionNames !== undefined ? { regionNames: status.regionNames } : {}),
        contract: status.contract,
        version: status.version,
        infoType: status.infoType,
        durationMs,
      };
      if (status.status !== 'answered' && status.status !== 'answeredFromCache') {
        // Nothing of this source was held: it is being asked again.
        return { status: { ...base, status: 'pending', problem: 'stillAnswering', reason: 'still answering; shown at the next view', itemCount: 0 }, items: [] };
      }
      return {
        status: {
          ...base,
          status: 'answeredFromCache',
          problem: 'stillAnswering',
          reason: 'still answering; the last answer is shown',
          itemCount: items.length,
          // The platform's own cache age, when the held answer came from it, adds to ours.
          cacheAgeMs: age + (status.cacheAgeMs ?? 0),
          ...(status.pages !== undefined ? { pages: status.pages } : {}),
          ...(status.partial ? { partial: true } : {}),
        },
        items,
      };
    });
  } else {
    lines = [platformStatus(plan.contract, context, { status: 'pending', problem: 'stillAnswering', reason: 'still answering; shown at the next view' })];
  }
  context.logger.info({ contract: plan.contract.contract, version: plan.contract.major, fromCache: held !== undefined }, 'national platform: contract still answering at the display deadline');
  return lines;
}

/** A call still running when the deadline fell. */
function unfinished(plan: PlatformPlan, context: Context): Settled {
  const settled = platformStatus(plan.contract, context, { status: 'timedOut', problem: 'deadline', reason: 'the record request reached its deadline' });
  logUnanswered(context.logger, settled.status);
  return settled;
}

/** A contract that failed as a whole: one status, under the platform's address. */
function platformStatus(contract: ContractVersion, context: Context, verdict: Verdict): Settled {
  return sourceStatus(context.platform, contract, context, verdict, []);
}
