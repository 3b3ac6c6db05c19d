import { randomUUID } from 'node:crypto';
import { CallAborted, readLimited, producerText, type Transport } from '../aggregation/source-call.js';
import { EngagementIndexUnavailable, withTimeout, type EngagementSource, type FoundEngagement } from '../aggregation/common.js';
import { ENGAGEMENT_INDEX_INTERACTIONS, buildFindContentRequest, readFindContentResponse } from '../engagement-index/messages.js';
import { RESIDENT_IDENTIFICATION } from '../engagement-index/engagement.js';
import { inputInvalid, isJournalenError } from '../errors/index.js';

/**
 * The national engagement index (EI) as the source of "who holds information about P", the way
 * the national aggregating services ask it (NATIONAL-PLATFORM.md §4): FindContent 1 with the
 * resident and ONE service domain per call (the real index takes one), no categorization (the
 * fan-out filters, as AGP does with several), in parallel over the domains wanted.
 *
 * The index not answering is never an empty list: every failure (connection, timeout, HTTP
 * status, SOAP Fault, unreadable answer) throws EngagementIndexUnavailable, which the aggregator
 * shows as one status line. Engagements pointing at the national aggregating service itself
 * (AGP's own logical address) are dropped, as AGP drops them.
 */

export interface NationalEngagementIndexOptions {
  /** FindContent's endpoint (through VP: `.../vp/itintegration/engagementindex/FindContent/1/rivtabp21`). */
  readonly url: string;
  /** The index's logical address (the SOAP LogicalAddress header). */
  readonly logicalAddress: string;
  /** Our HSA-id, sent as x-rivta-original-serviceconsumer-hsaid. */
  readonly consumerHsaId: string;
  /** Default: global fetch (in production, the mutual-TLS transport). */
  readonly transport?: Transport;
  /** Per FindContent call (ms); default 20 000, AGP's `ei.receiveTimeout`. */
  readonly timeoutMs?: number;
  /** Largest answer read (bytes); default 8 MiB. */
  readonly maxResponseBytes?: number;
  /** Engagements whose logical address is one of these are dropped; default the national aggregating service's. */
  readonly ignoredLogicalAddresses?: readonly string[];
  /** What the status line calls the index when nothing else names it. */
  readonly systemName?: string;
}

export const DEFAULT_EI_TIMEOUT_MS = 20_000;
/** AGP's own logical address (`agp.logicalAddress` in skltp/agp's default configuration). */
const NATIONAL_AGGREGATOR = '5565594230';

export function createNationalEngagementIndex(options: NationalEngagementIndexOptions): EngagementSource {
  const url = checkUrl(options?.url);
  const logicalAddress = checkText('logicalAddress', options.logicalAddress);
  const consumerHsaId = checkText('consumerHsaId', options.consumerHsaId);
  const timeoutMs = options.timeoutMs ?? DEFAULT_EI_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw inputInvalid('timeoutMs', 'must be a whole number of milliseconds, at least 1');
  const maxResponseBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;
  if (!Number.isInteger(maxResponseBytes) || maxResponseBytes < 1) throw inputInvalid('maxResponseBytes', 'must be a whole number of bytes, at least 1');
  const ignored = new Set(options.ignoredLogicalAddresses ?? [NATIONAL_AGGREGATOR]);
  const transport: Transport = options.transport ?? ((u, init) => fetch(u, init));
  const systemName = options.systemName ?? 'Nationella engagemangsindexet';
  const unavailable = (problem: EngagementIndexUnavailable['problem'], detail: string) => new EngagementIndexUnavailable(logicalAddress, problem, detail, systemName);
  const never = new AbortController().signal;

  async function findInDomain(patientId: string, serviceDomain: string, signal: AbortSignal): Promise<FoundEngagement[]> {
    const body = buildFindContentRequest({ registeredResidentIdentification: patientId, serviceDomain }, { logicalAddress });
    const bytes = await withTimeout(signal, timeoutMs, async (callSignal) => {
      try {
        const response = await abortable(transport(url, {
          method: 'POST',
          headers: {
            'content-type': 'text/xml; charset=utf-8',
            soapaction: `"${ENGAGEMENT_INDEX_INTERACTIONS.FindContent.soapAction}"`,
            'x-rivta-original-serviceconsumer-hsaid': consumerHsaId,
            'x-skltp-correlation-id': randomUUID(),
          },
          body,
          signal: callSignal,
        }), callSignal);
        return { response, bytes: await abortable(readLimited(response, maxResponseBytes), callSignal) };
      } catch (error) {
        if (callSignal.aborted) {
          const reason: unknown = callSignal.reason;
          throw unavailable('timeout', reason instanceof CallAborted && reason.why === 'timeout' ? `no answer within ${timeoutMs} ms` : 'the record request reached its deadline');
        }
        if (isJournalenError(error) || error instanceof EngagementIndexUnavailable) throw error;
        // readLimited's own refusal, or the socket.
        const message = error instanceof Error ? error.message : '';
        if (/larger than|bytes; at most/.test(message)) throw unavailable('tooLarge', `answer larger than ${maxResponseBytes} bytes`);
        const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
        throw unavailable('connection', typeof cause?.code === 'string' ? `connection failed (${cause.code})` : 'connection failed');
      }
    });
    let answer;
    try {
      answer = readFindContentResponse(bytes.bytes, { maxBytes: maxResponseBytes, maxDepth: 32 });
    } catch (error) {
      if (!bytes.response.ok) throw unavailable('httpStatus', `HTTP ${bytes.response.status}`);
      throw unavailable('malformed', `unreadable answer: ${isJournalenError(error) ? producerText(error.message) : 'not XML'}`);
    }
    if (answer.kind === 'fault') throw unavailable('soapFault', `SOAP Fault: ${producerText(answer.fault.message)}`);
    if (!bytes.response.ok) throw unavailable('httpStatus', `HTTP ${bytes.response.status}`);
    return answer.engagements
      .filter((e) => e.registeredResidentIdentification === patientId && e.serviceDomain === serviceDomain && !ignored.has(e.logicalAddress))
      .map((e) => ({ serviceDomain: e.serviceDomain, categorization: e.categorization, logicalAddress: e.logicalAddress, sourceSystem: e.sourceSystem }));
  }

  return {
    async find(patientId, serviceDomains, findOptions = {}) {
      if (typeof patientId !== 'string' || !RESIDENT_IDENTIFICATION.test(patientId)) throw inputInvalid('patientId', 'must be 12 characters, a personnummer or samordningsnummer without separator');
      const domains = [...new Set(serviceDomains)];
      // One domain failing ends the others: the answer is unusable anyway.
      const local = new AbortController();
      const outer = findOptions.signal ?? never;
      const forward = () => local.abort(outer.reason);
      if (outer.aborted) forward();
      else outer.addEventListener('abort', forward, { once: true });
      try {
        const found = await Promise.all(domains.map((domain) => findInDomain(patientId, domain, local.signal)));
        return found.flat();
      } finally {
        outer.removeEventListener('abort', forward);
        if (!local.signal.aborted) local.abort(new CallAborted('deadline'));
      }
    },
  };
}

/** A transport that ignores the abort must not hold the answer: the abort ends the wait. */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function checkUrl(value: unknown): string {
  if (typeof value !== 'string') throw inputInvalid('url', 'is missing');
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw inputInvalid('url', 'is not a URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw inputInvalid('url', 'must be an http or https URL');
  return value;
}

function checkText(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw inputInvalid(field, 'is missing');
  return value;
}
