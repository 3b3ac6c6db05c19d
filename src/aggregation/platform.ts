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
 * A call that fails as a whole (no answer, timeout, SOAP Fault, bad XML, another contract) gives
 * one status for that contract, under the platform's own logical address. Nothing the platform
 * sends makes this throw; only bad input (INPUT_INVALID) does.
 *
 * No cache here, on purpose: the platform has its own (and says so with DataFromCache…), and a
 * cache of ours would be a second place where items not approved for the patient could linger.
 * No circuit breaker or per-producer slots either: there is one producer, and its per-source
 * failures arrive as statuses, not as failed calls. Paging cannot go through an aggregating
 * service (TKB); an answer offering more pages is marked partial.
 */

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ContractVersion, ProcessingStatusEntry } from '../contracts/types.js';
import { rivTime } from '../contracts/xml.js';
import type { RecordItem } from '../domain/record.js';
import { keyFieldProblem } from '../engagement-index/engagement.js';
import {
  checkQuery,
  compare,
  defaultClock,
  defaultTransport,
  logSummary,
  logUnanswered,
  logWrongPatient,
  merge,
  silentLogger,
  startDeadline,
  stateOf,
  wantedContracts,
  withTimeout,
  wrongPatientReason,
  type Settled,
} from './common.js';
import type { AggregatedRecord, RecordQuery, SourceDescription, SourceState, SourceStatus } from './fetch-record.js';
import { callSource, checkPatient, producerText, type CallOutcome, type SourceProblem, type Transport } from './source-call.js';

/**
 * Inera's organisation number, the logical address of the national aggregating services in the
 * SKLTP test material (AGP `agp.logicalAddress`). Production uses the value in each TKB's
 * "Adressering" section; pass it as `logicalAddress`.
 */
export const NATIONAL_AGGREGATOR_LOGICAL_ADDRESS = '5565594230';

export interface PlatformLimits {
  /** One call to one aggregating service (ms); longer than the platform's own per-source timeout. Default 6000. */
  readonly perCallTimeoutMs: number;
  /** The whole request (ms). Default 8000, as direct mode. */
  readonly deadlineMs: number;
  /** Largest answer read, per contract (bytes): it holds every source's items. Default 64 MiB. */
  readonly maxResponseBytes: number;
}

export const DEFAULT_PLATFORM_LIMITS: PlatformLimits = {
  perCallTimeoutMs: 6000,
  deadlineMs: 8000,
  maxResponseBytes: 64 * 1024 * 1024,
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

export async function aggregateViaPlatform(deps: PlatformDeps, query: RecordQuery): Promise<AggregatedRecord> {
  const q = checkQuery(query);
  const limits = { ...DEFAULT_PLATFORM_LIMITS, ...deps.limits };
  const clock = deps.clock ?? defaultClock;
  const logger = deps.logger ?? silentLogger();
  const platform = deps.logicalAddress ?? NATIONAL_AGGREGATOR_LOGICAL_ADDRESS;
  const started = clock();
  const deadline = startDeadline(limits.deadlineMs);
  try {
    const plans = wantedContracts(q.infoTypes).map((wanted) => planFor(wanted.versions, deps.platformUrl));
    const context: Context = { deps, query: q, platform, limits, clock, logger, deadline: deadline.signal, correlationId: randomUUID(), started };
    const results = await deadline.settle(plans, (plan) => runContract(plan, context));
    const settled = plans.flatMap((plan, i) => results[i] ?? [unfinished(plan, context)]);
    // Address first, then contract: the order direct mode gives.
    const order = new Map(plans.map((p, i) => [p.contract.contract, i]));
    settled.sort((a, b) => compare(a.status.logicalAddress, b.status.logicalAddress) || order.get(a.status.contract)! - order.get(b.status.contract)!);
    const items = merge(settled);
    const sources = settled.map((s) => s.status);
    logSummary(logger, sources, items.length, clock() - started, 'platform');
    return { items, sources };
  } finally {
    deadline.end();
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

async function runContract(plan: PlatformPlan, context: Context): Promise<Settled[]> {
  if (plan.url === undefined) {
    return [platformStatus(plan.contract, context, { status: 'noRoute', problem: 'noRoute', reason: plan.refused ?? 'no route' })];
  }
  const { query, limits } = context;
  const url = plan.url;
  const outcome = await withTimeout(context.deadline, limits.perCallTimeoutMs, (signal) =>
    callSource({
      url,
      logicalAddress: context.platform,
      contract: plan.contract,
      // No sourceSystemHSAId: that would ask the platform not to aggregate.
      request: { patientId: query.patientId, ...(query.period ? { period: query.period } : {}) },
      consumerHsaId: query.consumerHsaId,
      correlationId: context.correlationId,
      transport: context.deps.transport ?? defaultTransport,
      signal,
      maxResponseBytes: limits.maxResponseBytes,
      // Paging cannot go through an aggregating service: one page, and `partial` if it offers more.
      maxPages: 1,
    }),
  );
  if (!outcome.ok) {
    const failed = platformStatus(plan.contract, context, { status: stateOf(outcome.problem), problem: outcome.problem, reason: `national platform: ${outcome.reason}` });
    logUnanswered(context.logger, failed.status);
    return [failed];
  }
  return readAnswer(plan.contract, outcome, context);
}

// ---- One answer ----------------------------------------------------------------------------------

type Verdict = Pick<SourceStatus, 'status' | 'problem' | 'reason' | 'cacheAgeMs'>;

function readAnswer(contract: ContractVersion, outcome: Extract<CallOutcome, { ok: true }>, context: Context): Settled[] {
  const { platform, logger } = context;
  const entries = statusEntries(outcome.processingStatus ?? [], context, contract);
  const bySource = new Map<string, RecordItem[]>();
  for (const item of outcome.items) {
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
  if (outcome.partial) notes.push({ problem: 'pageLimit', reason: 'the national platform offered more pages, which only the source systems can give; older items may be missing' });
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
    const extra = address === platform ? { ...(outcome.partial ? { partial: true } : {}), ...(outcome.invalidItems > 0 ? { invalidItems: outcome.invalidItems } : {}) } : {};
    const { kept, dropped } = checkPatient(bySource.get(address) ?? [], context.query.patientId, contract);
    if (dropped > 0) {
      logWrongPatient(logger, { logicalAddress: address, contract: contract.contract, version: contract.major, droppedItems: dropped, keptItems: kept.length });
      return sourceStatus(address, contract, context, { status: 'failed', problem: 'wrongPatient', reason: wrongPatientReason(dropped) }, kept, { droppedItems: dropped, ...extra });
    }
    const settled = sourceStatus(address, contract, context, verdict, kept, extra);
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

/**
 * Why the platform got nothing (fresh) from a source. Our simulated platform writes our own
 * problem names as the code; the real one writes VP codes (VP004 no route, VP007 not authorized)
 * and exception texts. What we cannot tell apart is `resultError`: the platform's answer says
 * this source failed.
 */
function problemOf(error: ProcessingStatusEntry['lastUnsuccessfulSynchError']): EntryProblem {
  const code = error?.code?.trim();
  if (code === 'noRoute' || code === 'notAuthorized' || (code !== undefined && Object.hasOwn(SOURCE_PROBLEMS, code))) return code as EntryProblem;
  const words = `${code ?? ''} ${error?.text ?? ''}`;
  if (/\bVP004\b/.test(words)) return 'noRoute';
  if (/\bVP007\b/.test(words)) return 'notAuthorized';
  if (/time[ds]?[\s-]?out/i.test(words)) return 'timeout';
  return 'resultError';
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
    return {
      status: 'answeredFromCache',
      problem: problemOf(error),
      reason: `the national platform answered from its cache (${producerText(code)}): ${said ?? 'the source could not be asked'}`,
      ...age,
    };
  }
  // NoDataSynchFailed, and any code we do not know: nothing fresh from this source.
  const problem = problemOf(error);
  const status: SourceState = problem === 'noRoute' || problem === 'notAuthorized' ? problem : stateOf(problem);
  return { status, problem, reason: said ?? `the national platform reported ${producerText(code)} for this source` };
}

// ---- Statuses ------------------------------------------------------------------------------------

function sourceStatus(
  address: string,
  contract: ContractVersion,
  context: Context,
  verdict: Verdict,
  items: readonly RecordItem[],
  extra: Pick<SourceStatus, 'droppedItems' | 'partial' | 'invalidItems'> = {},
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
