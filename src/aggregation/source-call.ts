import { parseContractResponse } from '../contracts/registry.js';
import { soapEnvelope } from '../contracts/soap.js';
import type { ContractRequest, ContractVersion, ProcessingStatusEntry } from '../contracts/types.js';
import { DEFAULT_LIMITS } from '../contracts/xml.js';
import type { RecordItem } from '../domain/record.js';
import { isJournalenError } from '../errors/index.js';
import { redactPersonalIdentitiesInText } from '../operations/logger.js';

/**
 * One call of one contract at one source system, directly addressed: the SOAP request, the
 * answer read with a size limit (stopping the download, not just the parse, at the limit),
 * hasMore paging, and every way a producer can fail turned into a value. Nothing here throws
 * for a producer's behaviour.
 */

/** The part of `fetch` the aggregator uses; tests and other HTTP clients plug in here. */
export type Transport = (
  url: string,
  init: { readonly method: 'POST'; readonly headers: Record<string, string>; readonly body: string; readonly signal: AbortSignal },
) => Promise<Response>;

/** Why a source gave nothing usable; stable names for pages and metrics. */
export type SourceProblem =
  /** No answer within the per-source timeout. */
  | 'timeout'
  /** The record request's overall deadline came first (the call was cut or never started). */
  | 'deadline'
  /** Could not connect, or the connection broke. */
  | 'connection'
  /** An HTTP error status without a SOAP Fault. */
  | 'httpStatus'
  | 'soapFault'
  /** result ERROR in the answer. */
  | 'resultError'
  /** Not well-formed XML, not SOAP, or not an answer we can read. */
  | 'malformed'
  /** Larger than maxResponseBytes. */
  | 'tooLarge'
  /** An answer of another contract or version than the one asked. */
  | 'unexpectedContract'
  /** Items about another patient than the one asked for (they are dropped). */
  | 'wrongPatient'
  /** The producer's circuit is open after repeated failures; it was not called. */
  | 'circuitOpen';

/** Aborts a call and says why: the source's own timeout or the request's deadline. */
export class CallAborted extends Error {
  constructor(readonly why: 'timeout' | 'deadline') {
    super(why === 'timeout' ? 'no answer within the per-source timeout' : 'the record request reached its deadline');
    this.name = 'CallAborted';
  }
}

export interface CallOptions {
  readonly url: string;
  readonly logicalAddress: string;
  readonly contract: ContractVersion;
  readonly request: ContractRequest;
  readonly consumerHsaId: string;
  readonly correlationId: string;
  readonly transport: Transport;
  readonly signal: AbortSignal;
  readonly maxResponseBytes: number;
  readonly maxPages: number;
}

export type CallOutcome =
  | {
      readonly ok: true;
      readonly items: RecordItem[];
      readonly pages: number;
      /** More pages were on offer than maxPages allowed (older items are missing). */
      readonly partial: boolean;
      /** Items the parser could not read (the rest of the answer counts). */
      readonly invalidItems: number;
      /** result INFO with a text for the user. */
      readonly producerMessage?: string;
      /** The ProcessingStatus header of the first page (aggregating services send one). */
      readonly processingStatus?: readonly ProcessingStatusEntry[];
    }
  | {
      readonly ok: false;
      readonly problem: SourceProblem;
      readonly reason: string;
      /** A SOAP Fault from the national platform (VP): its code, and whether it says the producer timed out. */
      readonly vp?: PlatformFault;
    };

/** A VP fault: `VP007` etc. (faultstring "VP007 [platform] ..."); timeout when VP009's detail names a read timeout. */
export interface PlatformFault {
  readonly code: string;
  readonly timeout: boolean;
}

/** Producer text (fault strings, result messages) goes to pages and logs: masked and short. */
export const producerText = (text: string): string => {
  const masked = redactPersonalIdentitiesInText(text.replace(/\s+/g, ' ').trim());
  return masked.length > 200 ? `${masked.slice(0, 199)}…` : masked;
};

class Failure extends Error {
  constructor(
    readonly problem: SourceProblem,
    message: string,
    readonly vp?: PlatformFault,
  ) {
    super(message);
  }
}

const VP_CODE = /^\s*(VP\d{3})\b/;
// skltp/vp HandleProducerExceptionProcessor: "Timeout when waiting on response from producer." (ReadTimeoutException) in the detail.
const VP_TIMEOUT = /ReadTimeoutException|timeout when waiting|timed out/i;

/** The VP code of a fault, if the national platform wrote it; the raw answer is read for VP009's detail. */
export function platformFaultOf(fault: { readonly code?: string; readonly message: string }, raw: Buffer | string): PlatformFault | undefined {
  const code = VP_CODE.exec(fault.message)?.[1] ?? VP_CODE.exec(fault.code ?? '')?.[1];
  if (code === undefined) return undefined;
  return { code, timeout: code === 'VP009' && VP_TIMEOUT.test(typeof raw === 'string' ? raw : raw.toString('utf8')) };
}

export async function callSource(options: CallOptions): Promise<CallOutcome> {
  const items: RecordItem[] = [];
  let invalidItems = 0;
  let producerMessage: string | undefined;
  let processingStatus: readonly ProcessingStatusEntry[] | undefined;
  let continuation: string | undefined;
  const seenReferences = new Set<string>();
  try {
    for (let page = 1; ; page++) {
      const request: ContractRequest = continuation === undefined ? options.request : { ...options.request, continuation };
      const answer = await callOnce(options, request);
      items.push(...answer.items);
      invalidItems += answer.faults.filter((f) => f.kind === 'itemInvalid').length;
      producerMessage ??= answer.infoMessage;
      processingStatus ??= answer.processingStatus;
      const next = answer.hasMore?.reference;
      if (next === undefined || next === '') return done(page, false);
      // A reference handed out twice would loop for ever; what came so far is what there is.
      if (seenReferences.has(next) || page >= options.maxPages) return done(page, true);
      seenReferences.add(next);
      continuation = next;
    }
  } catch (error) {
    if (options.signal.aborted) {
      const reason: unknown = options.signal.reason;
      const why = reason instanceof CallAborted ? reason.why : 'deadline';
      return { ok: false, problem: why, reason: new CallAborted(why).message };
    }
    if (error instanceof Failure) return { ok: false, problem: error.problem, reason: error.message, ...(error.vp ? { vp: error.vp } : {}) };
    return { ok: false, problem: 'connection', reason: connectionReason(error) };
  }

  function done(pages: number, partial: boolean): CallOutcome {
    return {
      ok: true,
      items,
      pages,
      partial,
      invalidItems,
      ...(producerMessage !== undefined ? { producerMessage } : {}),
      ...(processingStatus !== undefined ? { processingStatus } : {}),
    };
  }
}

async function callOnce(options: CallOptions, request: ContractRequest) {
  const { contract } = options;
  const body = soapEnvelope(contract.buildRequest(request), { logicalAddress: options.logicalAddress });
  const response = await options.transport(options.url, {
    method: 'POST',
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: `"${contract.responderNamespace}:${contract.contract}"`,
      // RIV-TA: who the call is really for, and one id to follow it through every hop.
      'x-rivta-original-serviceconsumer-hsaid': options.consumerHsaId,
      'x-skltp-correlation-id': options.correlationId,
    },
    body,
    signal: options.signal,
  });
  const bytes = await readLimited(response, options.maxResponseBytes);
  let parsed;
  try {
    parsed = parseContractResponse(bytes, { maxBytes: options.maxResponseBytes, maxDepth: DEFAULT_LIMITS.maxDepth });
  } catch (error) {
    if (!response.ok) throw new Failure('httpStatus', `HTTP ${response.status}`);
    const kind = isJournalenError(error) ? error.details?.reason : undefined;
    if (kind === 'tooLarge') throw new Failure('tooLarge', `answer larger than ${options.maxResponseBytes} bytes`);
    if (kind === 'unknownContract') throw new Failure('unexpectedContract', 'the answer is not a response of a known contract');
    throw new Failure('malformed', `unreadable answer: ${isJournalenError(error) ? producerText(error.message) : 'not XML'}`);
  }
  const fault = parsed.faults.find((f) => f.kind === 'soapFault');
  if (fault) throw new Failure('soapFault', `SOAP Fault${fault.code ? ` ${producerText(fault.code)}` : ''}: ${producerText(fault.message)}`, platformFaultOf(fault, bytes));
  if (!response.ok) throw new Failure('httpStatus', `HTTP ${response.status}`);
  if (parsed.contract !== contract.contract || parsed.version !== contract.major) {
    throw new Failure('unexpectedContract', `asked ${contract.contract} ${contract.major}, got ${parsed.contract ?? '?'} ${parsed.version ?? '?'}`);
  }
  const results = parsed.faults.filter((f) => f.kind === 'resultError');
  const error = results.find((f) => f.code !== 'INFO');
  if (error) throw new Failure('resultError', `result ERROR${error.code ? ` ${producerText(error.code)}` : ''}: ${producerText(error.message)}`);
  const info = results[0];
  return { ...parsed, ...(info ? { infoMessage: producerText(info.message) } : {}) };
}

/**
 * The body, up to `max` bytes. A declared length over the limit is refused before reading; an
 * undeclared one is read until the limit is passed, and the download is cancelled there.
 */
export async function readLimited(response: Response, max: number): Promise<Buffer> {
  const declared = response.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > max) {
    response.body?.cancel().catch(() => {});
    throw new Failure('tooLarge', `answer of ${declared} bytes; at most ${max} are read`);
  }
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      reader.cancel().catch(() => {});
      throw new Failure('tooLarge', `answer larger than ${max} bytes; reading stopped there`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

function connectionReason(error: unknown): string {
  // undici puts the socket error (ECONNREFUSED, ECONNRESET, ...) in `cause`.
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code !== undefined) return `connection failed (${code})`;
  return `connection failed${error instanceof Error && error.message !== '' ? ` (${producerText(error.message)})` : ''}`;
}

/**
 * Contract versions whose items may not name the patient: GetLaboratoryOrderOutcome 4.0 has no
 * patient id in its items and 4.2 only an optional one, so an item there with an empty id is the
 * patient asked about. Every other contract states the patient in each item.
 */
const PATIENT_ID_OPTIONAL = new Set(['GetLaboratoryOrderOutcome 4']);

export const patientIdOptional = (contract: Pick<ContractVersion, 'contract' | 'major'>): boolean =>
  PATIENT_ID_OPTIONAL.has(`${contract.contract} ${contract.major}`);

/** Splits an answer into items about the patient asked for and items about anyone else (or no one stated). */
export function checkPatient(items: readonly RecordItem[], patientId: string, contract: Pick<ContractVersion, 'contract' | 'major'>) {
  const emptyAllowed = patientIdOptional(contract);
  const kept: RecordItem[] = [];
  let dropped = 0;
  for (const item of items) {
    if (item.patientId === patientId || (item.patientId === '' && emptyAllowed)) kept.push(item);
    else dropped++;
  }
  return { kept, dropped };
}
