import type { Logger } from 'pino';
import { CONTRACT_VERSIONS } from '../contracts/registry.js';
import { CONTRACT_NAMES, type ContractName, type ContractVersion } from '../contracts/types.js';
import type { RecordItem } from '../domain/record.js';
import { INFO_TYPES, isInfoType, type InfoType } from '../domain/record.js';
import { keyFieldProblem } from '../engagement-index/engagement.js';
import { inputInvalid } from '../errors/index.js';
import { createLogger } from '../operations/logger.js';
import type { RecordQuery, SourceState, SourceStatus } from './fetch-record.js';
import { CallAborted, type Transport } from './source-call.js';

/**
 * What direct mode (fetch-record.ts) and platform mode (platform.ts) share: the query check, the
 * overall deadline and per-call timeouts, the merge of the answers and the log lines, so both
 * give the same record for the same answers.
 */

let silent: Logger | undefined;
export const silentLogger = () => (silent ??= createLogger({ level: 'silent' }));

export const defaultTransport: Transport = (url, init) => fetch(url, init);
export const defaultClock = () => performance.now();

/** One status and the items that came with it. */
export interface Settled {
  readonly status: SourceStatus;
  readonly items: readonly RecordItem[];
}

export function checkQuery(query: RecordQuery): RecordQuery & { readonly infoTypes: readonly InfoType[] } {
  if (query === null || typeof query !== 'object') throw inputInvalid('query', 'is missing');
  const problem = keyFieldProblem('registeredResidentIdentification', query.patientId);
  if (problem !== undefined) throw inputInvalid('patientId', problem);
  if (typeof query.consumerHsaId !== 'string' || query.consumerHsaId.trim() === '') throw inputInvalid('consumerHsaId', 'is missing');
  const infoTypes = query.infoTypes ?? INFO_TYPES;
  if (!Array.isArray(infoTypes) || infoTypes.length === 0) throw inputInvalid('infoTypes', 'must list at least one information type, or be left out for all');
  infoTypes.forEach((t, i) => {
    if (!isInfoType(t)) throw inputInvalid(`infoTypes[${i}]`, `must be one of ${INFO_TYPES.join(', ')}`);
  });
  const { start, end } = query.period ?? {};
  for (const [field, value] of [['period.start', start], ['period.end', end]] as const) {
    if (value !== undefined && (!(value instanceof Date) || Number.isNaN(value.getTime()))) throw inputInvalid(field, 'is not a valid date');
  }
  if (start && end && start.getTime() > end.getTime()) throw inputInvalid('period', 'starts after it ends');
  return { ...query, infoTypes };
}

/** A contract with its versions, preferred first (CONTRACT_VERSIONS order). */
export interface WantedContract {
  readonly name: ContractName;
  readonly versions: readonly ContractVersion[];
}

export function wantedContracts(infoTypes: readonly InfoType[]): WantedContract[] {
  return CONTRACT_NAMES.map((name) => ({ name, versions: CONTRACT_VERSIONS.filter((v) => v.contract === name && infoTypes.includes(v.infoType)) })).filter(
    (c) => c.versions.length > 0,
  );
}

// ---- Deadline and timeouts -----------------------------------------------------------------------

export interface Deadline {
  /** Aborted (with CallAborted('deadline')) when the deadline falls or the request is over. */
  readonly signal: AbortSignal;
  /**
   * Runs every task at once and gives each one's result, or undefined for a task still running
   * when the deadline fell: a transport that ignores the abort must not hold the answer.
   */
  settle<T, R>(tasks: readonly T[], run: (task: T) => Promise<R>): Promise<(R | undefined)[]>;
  /**
   * Runs every task at once and gives what finished within `displayMs` (undefined for the rest,
   * which go on). `rest` resolves when every task has ended or the deadline fell; it never rejects.
   */
  settleBy<T, R>(
    tasks: readonly T[],
    run: (task: T) => Promise<R>,
    displayMs: number,
  ): Promise<{ readonly results: (R | undefined)[]; readonly rest: Promise<void> }>;
  /** Stops the timer and whatever is still running. */
  end(): void;
}

export function startDeadline(ms: number): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new CallAborted('deadline')), ms);
  timer.unref?.();
  const fallen = new Promise<void>((resolve) => {
    if (controller.signal.aborted) resolve();
    else controller.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  return {
    signal: controller.signal,
    async settle(tasks, run) {
      const results: (Awaited<ReturnType<typeof run>> | undefined)[] = tasks.map(() => undefined);
      const all = Promise.all(
        tasks.map(async (task, i) => {
          results[i] = await run(task);
        }),
      );
      await Promise.race([all, fallen]);
      return [...results];
    },
    async settleBy(tasks, run, displayMs) {
      const results: (Awaited<ReturnType<typeof run>> | undefined)[] = tasks.map(() => undefined);
      const all = Promise.all(
        tasks.map(async (task, i) => {
          results[i] = await run(task);
        }),
      );
      const rest = Promise.race([all, fallen]).then(() => undefined);
      // What goes on in the background must never be an unhandled rejection.
      rest.catch(() => {});
      let shownTimer: ReturnType<typeof setTimeout> | undefined;
      const shown = new Promise<void>((resolve) => {
        shownTimer = setTimeout(resolve, Math.max(0, displayMs));
        shownTimer.unref?.();
      });
      try {
        await Promise.race([all, fallen, shown]);
      } finally {
        clearTimeout(shownTimer);
      }
      return { results: [...results], rest: rest.catch(() => undefined) };
    },
    end() {
      clearTimeout(timer);
      if (!controller.signal.aborted) controller.abort(new CallAborted('deadline'));
    },
  };
}

/** Runs one call under its own timeout and the request's deadline; `run` gets the call's signal. */
export async function withTimeout<R>(deadline: AbortSignal, timeoutMs: number, run: (signal: AbortSignal) => Promise<R>): Promise<R> {
  const call = new AbortController();
  const forward = () => call.abort(deadline.reason);
  if (deadline.aborted) forward();
  else deadline.addEventListener('abort', forward, { once: true });
  const timer = setTimeout(() => call.abort(new CallAborted('timeout')), timeoutMs);
  try {
    return await run(call.signal);
  } finally {
    clearTimeout(timer);
    deadline.removeEventListener('abort', forward);
  }
}

/** timeout and deadline are waits; every other problem is a failure. */
export const stateOf = (problem: string): 'timedOut' | 'failed' => (problem === 'timeout' || problem === 'deadline' ? 'timedOut' : 'failed');

// ---- The national platform's faults (VP) ---------------------------------------------------------

/** What a VP fault says about a source (skltp/vp vp-messages.properties; NATIONAL-PLATFORM.md §1). */
export interface PlatformFaultVerdict {
  readonly status: 'noRoute' | 'notAuthorized' | 'failed' | 'timedOut';
  readonly problem: 'noRoute' | 'notAuthorized' | 'connection' | 'timeout' | 'soapFault';
  /** The same in words, for logs and operators. */
  readonly reason: string;
}

/**
 * VP004/VP005/VP006: no route (or none for our RIV version, or an ambiguous one); VP007: this
 * consumer has no call authorization; VP009: VP could not reach the producer, a timeout when VP
 * says so (its ReadTimeoutException detail). Any other VP code is the platform's own fault.
 */
export function platformFaultVerdict(code: string, timeout = false): PlatformFaultVerdict {
  switch (code) {
    case 'VP004':
    case 'VP005':
    case 'VP006':
      return { status: 'noRoute', problem: 'noRoute', reason: `${code}: the national platform has no route for this contract at this source system` };
    case 'VP007':
      return { status: 'notAuthorized', problem: 'notAuthorized', reason: `${code}: the national platform says this consumer is not authorized for this contract at this source system` };
    case 'VP009':
      return timeout
        ? { status: 'timedOut', problem: 'timeout', reason: `${code}: the source system did not answer the national platform in time` }
        : { status: 'failed', problem: 'connection', reason: `${code}: the national platform could not reach the source system` };
    default:
      return { status: 'failed', problem: 'soapFault', reason: `${code}: the national platform refused the call` };
  }
}

// ---- Engagement index ----------------------------------------------------------------------------

/** One engagement as the fan-out needs it: what kind of information, and which system holds it. */
export interface FoundEngagement {
  readonly serviceDomain: string;
  readonly categorization: string;
  readonly logicalAddress: string;
  readonly sourceSystem: string;
}

/**
 * Where "who holds information about P" comes from: our own index (default) or the national
 * engagement index over FindContent. Fails with EngagementIndexUnavailable when it cannot say,
 * never with an empty list that would look like a complete (empty) record.
 */
export interface EngagementSource {
  find(patientId: string, serviceDomains: readonly string[], options?: { readonly signal?: AbortSignal }): Promise<FoundEngagement[]>;
}

/** The engagement index did not answer; the aggregator turns this into one source status. */
export class EngagementIndexUnavailable extends Error {
  constructor(
    /** The index's logical address: the status names it. */
    readonly logicalAddress: string,
    readonly problem: 'connection' | 'timeout' | 'httpStatus' | 'soapFault' | 'malformed' | 'tooLarge',
    detail: string,
    /** Shown when describeSource does not name the address. */
    readonly systemName?: string,
  ) {
    super(`the engagement index did not answer (${detail})`);
    this.name = 'EngagementIndexUnavailable';
  }
}

// ---- Wrong patient -------------------------------------------------------------------------------

export const wrongPatientReason = (dropped: number) =>
  `the producer sent ${dropped} item${dropped === 1 ? '' : 's'} about another patient; ${dropped === 1 ? 'it was' : 'they were'} dropped`;

/** The patient's id stays out of the log: the address and counts say what happened. */
export function logWrongPatient(
  logger: Logger,
  fields: { readonly logicalAddress: string; readonly contract: string; readonly version: string; readonly droppedItems: number; readonly keptItems: number },
): void {
  logger.warn(fields, 'producer fault: the answer held items about another patient than the one asked for; they were dropped');
}

export function logUnanswered(logger: Logger, status: SourceStatus): void {
  logger.warn(
    {
      logicalAddress: status.logicalAddress,
      system: status.systemName,
      contract: status.contract,
      version: status.version,
      status: status.status,
      problem: status.problem,
      reason: status.reason,
      durationMs: status.durationMs,
    },
    'source did not answer',
  );
}

// ---- Merge ---------------------------------------------------------------------------------------

/** De-duplicates by source system, information type and id (the latest wins), newest first. */
export function merge(settled: readonly Settled[]): RecordItem[] {
  const byKey = new Map<string, { item: RecordItem; source: string }>();
  for (const { status, items } of settled) {
    for (const item of items) {
      // Two majors of one contract, or two pages, may carry the same record (TKB R9).
      const key = `${status.logicalAddress}\u001f${item.infoType}\u001f${item.id}`;
      const seen = byKey.get(key);
      if (!seen || item.time.getTime() >= seen.item.time.getTime()) byKey.set(key, { item, source: status.logicalAddress });
    }
  }
  return [...byKey.values()]
    .sort((a, b) => b.item.time.getTime() - a.item.time.getTime() || compare(a.source, b.source) || compare(a.item.id, b.item.id))
    .map((e) => e.item);
}

export const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function logSummary(logger: Logger, sources: readonly SourceStatus[], items: number, durationMs: number, mode: 'direct' | 'platform' = 'direct'): void {
  const count = (state: SourceState) => sources.filter((s) => s.status === state).length;
  logger.info(
    {
      mode,
      sources: sources.length,
      systems: new Set(sources.map((s) => s.logicalAddress)).size,
      answered: count('answered'),
      answeredFromCache: count('answeredFromCache'),
      pending: count('pending'),
      timedOut: count('timedOut'),
      failed: count('failed'),
      notAuthorized: count('notAuthorized'),
      noRoute: count('noRoute'),
      items,
      durationMs: Math.round(durationMs),
    },
    'record aggregated',
  );
}

/** Background work of one aggregator: tracked so it can be stopped at shutdown. */
export interface Background {
  readonly open: boolean;
  track(done: Promise<void>, stop: () => void): void;
}

/**
 * The calls a long-lived aggregator (direct or platform mode) leaves running after it has
 * answered at the display deadline: counted, and stopped at once by `close()`, which also shuts
 * the door on new ones.
 */
export function backgroundCalls() {
  const running = new Set<{ readonly done: Promise<void>; readonly stop: () => void }>();
  let closed = false;
  const background: Background = {
    get open() {
      return !closed;
    },
    track(done, stop) {
      const entry = { done, stop };
      running.add(entry);
      void done.finally(() => running.delete(entry));
    },
  };
  return {
    background,
    get closed() {
      return closed;
    },
    get size() {
      return running.size;
    },
    async close(): Promise<void> {
      closed = true;
      const all = [...running];
      for (const entry of all) entry.stop();
      await Promise.all(all.map((entry) => entry.done));
    },
  };
}
