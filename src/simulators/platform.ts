import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { EngagementSource, FoundEngagement } from '../aggregation/common.js';
import { ownEngagementIndex } from '../aggregation/fetch-record.js';
import { NATIONAL_AGGREGATOR_LOGICAL_ADDRESS } from '../aggregation/platform.js';
import { ResponseCache } from '../aggregation/response-cache.js';
import { readLimited, type Transport } from '../aggregation/source-call.js';
import { CONTRACT_VERSIONS, parseContractResponse } from '../contracts/registry.js';
import { esc, HEADERS_NS, logicalAddressOf, readEnvelope, soapEnvelope, soapFault, SOAP_ENV } from '../contracts/soap.js';
import type { ContractVersion } from '../contracts/types.js';
import type { Db } from '../db/connection.js';
import type { RecordItem } from '../domain/record.js';
import { swedishCompactTimestamp } from '../domain/time.js';
import { keyFieldProblem } from '../engagement-index/engagement.js';
import { isJournalenError } from '../errors/index.js';
import { isAuthorized, loadRoutingTable, resolveRoute, type RoutingEnvironment } from '../routing/store.js';
import { contractUrl, PLATFORM_PATH_TEMPLATE } from '../transport/addresses.js';
import { readProducerRequest, type ProducerRequest } from './request.js';
import type { SimulatorFault } from './server.js';
import { readBody, sendSoap, serveSoap, SOAP_CONTENT_TYPE } from './soap-http.js';
import { contractNamespaceOf, vpFault, vpFaultXml, withLogicalAddress, type VpCode, type VpFault } from './vp-messages.js';

/**
 * The simulated national platform: VP (virtualiseringsplattformen) and AGP (the aggregating
 * services) in one server on loopback, behaving as skltp/vp and skltp/agp do
 * (NATIONAL-PLATFORM.md), over our own routing table and engagement index.
 *
 * VP. Any POST below the base URL is taken (`/vp/...`, or `/{Contract}/{major}`): the path is
 * not used. The contract is the namespace of the SOAP Body's first element, the receiver the
 * LogicalAddress header. The consumer is the client certificate's SERIALNUMBER over HTTPS (none:
 * VP002); over plain HTTP, `x-vp-sender-id` or else the original-consumer header (the demo).
 * `x-rivta-original-serviceconsumer-hsaid` is filled in with the sender when missing, and the
 * correlation id created when missing. A receiver that is not the aggregator's own address is
 * routed through the routing table (vägval; none: VP004) after the call authorization
 * (anropsbehörighet of the sender; none: VP007), and the request goes on unchanged; a producer
 * that cannot be reached, fails without SOAP, answers nothing or too slowly gives VP009 (a
 * socket error is retried once, as VP does). A producer's own SOAP fault goes back as it is.
 *
 * AGP. A request to the aggregator's logical address (authorized like any other) is answered by
 * the aggregating service: FindContent for the contract's service domain and categorization,
 * engagements at its own address dropped, engagements neither the sender nor the original
 * consumer may call (grant and route) dropped silently, only `sourceSystemHSAId`'s engagements
 * kept when the request names one, then one request per distinct source system (the unchanged
 * body with LogicalAddress = that system) through VP, each with its own receive timeout, all
 * within `aggregateMs`. The answer concatenates the sources' items in the order they finished,
 * without sorting, de-duplication or approvedForPatient filtering, with a ProcessingStatus
 * header: DataFromSource, or NoDataSynchFailed with causingAgent virtualization_platform and
 * code = the SOAP fault's HTTP status, 504 for a receive timeout, 43000 otherwise ("Unknown
 * error" for a source still out when the fan-out ends), lastSuccessfulSynch left out. A cache
 * (DataFromCacheSynchFailed) only when asked for: today's AGP has none.
 *
 * Paging: a source's `hasMore` is passed on in the aggregated answer (one entry per source, its
 * logicalAddress naming the source, as HasMoreType allows) unless `hasMore: 'drop'`, which is
 * what SKLTP's GetAggregatedCareDocumentation v3 plugin does (it copies only the documents).
 * The follow-up pages are the consumer's to fetch from the source system, through VP.
 *
 * Simplifications: one producer timeout for every contract (VP has one per contract in
 * timeoutconfig.json); the connect timeout is the transport's; no HSA tree climbing or default
 * routing; RIVTABP20's wsa:To is not read; VP013 is never raised (an empty allowed list).
 */

/** Faults of the platform itself, for tests; applied to every request it takes. */
export type PlatformFault =
  | Extract<SimulatorFault, { readonly kind: 'slow' | 'timeout' | 'http500' | 'soapFault' | 'malformedXml' }>
  /** The items of the first source (by address) in aggregated answers are relabelled as `patientId`'s: a bug the consumer must catch. */
  | { readonly kind: 'otherPatient'; readonly patientId: string };

export interface NationalPlatformTimeouts {
  /** VP → producer, read timeout (ms); VP's `producertimeout`. */
  readonly producerMs: number;
  /** VP retries a call that failed on a socket error this many times... */
  readonly producerRetries: number;
  /** ...after this pause (ms). */
  readonly producerRetryDelayMs: number;
  /** AGP → VP → each source, receive timeout (ms); a source slower than this is NoDataSynchFailed 504. */
  readonly agpSourceMs: number;
  /** AGP's whole fan-out (`aggregate.timeout`, ms); a source still out is NoDataSynchFailed "Unknown error". */
  readonly aggregateMs: number;
  /** AGP → engagement index, FindContent (ms). */
  readonly engagementIndexMs: number;
}

/** The platform's own values (NATIONAL-PLATFORM.md §3). */
export const NATIONAL_PLATFORM_TIMEOUTS: NationalPlatformTimeouts = {
  producerMs: 29_000,
  producerRetries: 1,
  producerRetryDelayMs: 2_000,
  agpSourceMs: 27_000,
  aggregateMs: 28_000,
  engagementIndexMs: 20_000,
};

export interface AggregatingPlatformOptions {
  readonly db: Db;
  /** The aggregating services' logical address. Default NATIONAL_AGGREGATOR_LOGICAL_ADDRESS. */
  readonly logicalAddress?: string;
  readonly host?: string;
  /** Default 0: the system picks a free port. */
  readonly port?: number;
  /** Routing-table environment; default production. */
  readonly environment?: RoutingEnvironment;
  /**
   * Serve HTTPS, requiring a client certificate that chains to `ca` (as VP's HTTPS route does);
   * the consumer is then the certificate's SERIALNUMBER. Without it, plain HTTP (the demo).
   */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer; readonly ca: string | Buffer | readonly (string | Buffer)[] };
  readonly timeouts?: Partial<NationalPlatformTimeouts>;
  /** The former names of two timeouts: perSourceTimeoutMs is `timeouts.agpSourceMs`, deadlineMs `timeouts.aggregateMs` (`timeouts` wins). */
  readonly limits?: { readonly perSourceTimeoutMs?: number; readonly deadlineMs?: number };
  /** How VP calls the producers (give one with VP's own client certificate for https producers). Default fetch. */
  readonly transport?: Transport;
  /** Where AGP's FindContent goes. Default our own engagement index (the engagement table). */
  readonly engagements?: EngagementSource;
  readonly logger?: Logger;
  /** A cache of each source's last good answer (approved items only) answered as DataFromCacheSynchFailed. Off by default: today's AGP has none. */
  readonly cache?: { readonly ttlMs: number; readonly maxEntries: number };
  /** Pass the sources' hasMore on in aggregated answers ('forward', default) or leave it out as SKLTP's GCD v3 plugin does ('drop'). */
  readonly hasMore?: 'forward' | 'drop';
  /** Contract versions AGP aggregates. Default CONTRACT_VERSIONS. */
  readonly contracts?: readonly ContractVersion[];
  /** Largest request accepted (bytes). Default 64 KiB. */
  readonly maxRequestBytes?: number;
  /** Largest producer answer passed on (bytes); VP's `vp.max.receive.length`, 15 MB. */
  readonly maxResponseBytes?: number;
  /** VP's instance name in fault strings. Default SIMULATED-NTJP. */
  readonly instanceName?: string;
  /** Wall clock of the ProcessingStatus timestamps. Default: now. */
  readonly now?: () => Date;
}

export interface PlatformStats {
  readonly requests: number;
  readonly answered: number;
  /** Calls VP passed on to a producer (AGP's own calls included). */
  readonly forwarded: number;
  /** Requests the aggregating service answered. */
  readonly aggregated: number;
  /** VP faults, by code. */
  readonly vpFaults: Readonly<Partial<Record<VpCode, number>>>;
}

export interface RunningPlatform {
  /** The aggregating services' logical address. */
  readonly logicalAddress: string;
  /** `http(s)://host:port`: every path below it is VP's inbound route. */
  readonly baseUrl: string;
  readonly port: number;
  /** VP's conventional URL of a contract (`{baseUrl}/vp/<domain>/<Contract>/<major>/rivtabp21`); any path would do. */
  endpointFor(contract: Pick<ContractVersion, 'responderNamespace'>): string;
  setFault(fault: PlatformFault | null): void;
  stats(): PlatformStats;
  /** Stops the server, drops open connections and calls in flight. */
  close(): Promise<void>;
}

const ORIGINAL_CONSUMER = 'x-rivta-original-serviceconsumer-hsaid';
const SENDER_ID = 'x-vp-sender-id';
const INSTANCE_ID = 'x-vp-instance-id';
const CORRELATION_ID = 'x-skltp-correlation-id';

/** Who calls, on whose behalf, and the call's id: what VP has settled before routing. */
interface Caller {
  readonly sender: string;
  readonly originalConsumer: string;
  readonly correlationId: string;
  readonly soapAction?: string;
}

/** What VP sends back: an HTTP answer (a producer's, or AGP's), or a fault of its own. */
type Reply =
  | { readonly kind: 'answer'; readonly status: number; readonly body: Buffer | string; readonly contentType: string }
  | { readonly kind: 'fault'; readonly fault: VpFault };

/** A socket-level failure (VP retries these); not a timeout. */
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'ECONNABORTED']);

class Timeout extends Error {
  constructor() {
    super('timeout');
  }
}

export async function startNationalPlatform(options: AggregatingPlatformOptions): Promise<RunningPlatform> {
  const logicalAddress = options.logicalAddress ?? NATIONAL_AGGREGATOR_LOGICAL_ADDRESS;
  const host = options.host ?? '127.0.0.1';
  const environment = options.environment ?? 'production';
  const contracts = [...(options.contracts ?? CONTRACT_VERSIONS)];
  const timeouts: NationalPlatformTimeouts = {
    ...NATIONAL_PLATFORM_TIMEOUTS,
    ...(options.limits?.perSourceTimeoutMs !== undefined ? { agpSourceMs: options.limits.perSourceTimeoutMs } : {}),
    ...(options.limits?.deadlineMs !== undefined ? { aggregateMs: options.limits.deadlineMs } : {}),
    ...options.timeouts,
  };
  for (const [name, value] of Object.entries(timeouts)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`simulated platform: timeouts.${name} must be a number of milliseconds >= 0`);
  }
  const maxRequestBytes = options.maxRequestBytes ?? 64 * 1024;
  const maxResponseBytes = options.maxResponseBytes ?? 15 * 1024 * 1024;
  const instance = options.instanceName ?? 'SIMULATED-NTJP';
  const instanceId = randomUUID();
  const now = options.now ?? (() => new Date());
  const transport: Transport = options.transport ?? ((url, init) => fetch(url, init));
  const engagements = options.engagements ?? ownEngagementIndex(options.db);
  const hasMoreMode = options.hasMore ?? 'forward';
  const cache = options.cache ? new ResponseCache({ ttlMs: options.cache.ttlMs, maxEntries: options.cache.maxEntries, now: () => performance.now() }) : undefined;
  const logger = options.logger;
  const timers = new Set<NodeJS.Timeout>();
  const closing = new AbortController();
  const counts = { requests: 0, answered: 0, forwarded: 0, aggregated: 0 };
  const vpFaults: Partial<Record<VpCode, number>> = {};
  let fault: PlatformFault | null = null;
  let baseUrl = '';

  const wait = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        timers.delete(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timers.add(timer);
      signal?.addEventListener('abort', done, { once: true });
    });

  const refuse = (code: VpCode, detail: string): Reply => {
    vpFaults[code] = (vpFaults[code] ?? 0) + 1;
    logger?.info({ vpCode: code, detail }, 'simulated VP refused a call');
    return { kind: 'fault', fault: vpFault(code, instance, detail) };
  };

  // ---- VP ------------------------------------------------------------------------------------

  /** Routes one message (VP's route from "message read" on). */
  const route = async (xml: string, caller: Caller, signal: AbortSignal): Promise<Reply> => {
    let envelope;
    try {
      envelope = readEnvelope(xml);
    } catch (error) {
      return refuse('VP015', `The request could not be read properly. ${isJournalenError(error) ? error.message : ''}`.trim());
    }
    if (envelope.kind === 'fault') return refuse('VP015', 'The request could not be read properly. A request cannot be a SOAP Fault.');
    const namespace = contractNamespaceOf(xml);
    if (namespace === undefined) return refuse('VP015', 'The request could not be read properly. The first element of soap:Body has no namespace.');
    const receiver = logicalAddressOf(envelope.header)?.trim();
    if (receiver === undefined || receiver === '') return refuse('VP003', 'No receiverId (logical address) found in message header.');
    const where = `serviceNamespace: ${namespace}, receiverId: ${receiver}`;

    if (receiver === logicalAddress) {
      const contract = contracts.find((c) => c.responderNamespace === namespace);
      if (!contract) return refuse('VP004', `No receiverId (logical address) found for ${where}`);
      if (!(await authorized(caller.sender, namespace, receiver))) return refuse('VP007', `Authorization missing for ${where}, senderId: ${caller.sender}`);
      return aggregate(contract, xml, envelope.element, caller, signal);
    }

    let endpointUrl: string;
    try {
      const resolution = await resolveRoute(options.db, { logicalAddress: receiver, serviceContractNamespace: namespace, environment });
      if (!resolution.found) return refuse('VP004', `No receiverId (logical address) found for ${where}`);
      endpointUrl = resolution.endpointUrl;
    } catch (error) {
      // A namespace or address the routing table cannot even hold has no route.
      if (isJournalenError(error) && error.code === 'JOURNALEN_INPUT_INVALID') return refuse('VP004', `No receiverId (logical address) found for ${where}`);
      throw error;
    }
    if (!(await authorized(caller.sender, namespace, receiver))) return refuse('VP007', `Authorization missing for ${where}, senderId: ${caller.sender}`);
    if (sameOrigin(endpointUrl, baseUrl)) return refuse('VP014', `${where}: the route leads back to this platform`);
    return forward(endpointUrl, xml, caller, signal);
  };

  const authorized = (consumer: string, namespace: string, receiver: string) =>
    isAuthorized(options.db, { consumerHsaId: consumer, serviceContractNamespace: namespace, logicalAddress: receiver, environment }).catch((error: unknown) => {
      if (isJournalenError(error) && error.code === 'JOURNALEN_INPUT_INVALID') return false;
      throw error;
    });

  /** VP → producer: the unchanged message, VP's headers, the read timeout, one retry on a socket error. */
  const forward = async (url: string, xml: string, caller: Caller, signal: AbortSignal): Promise<Reply> => {
    counts.forwarded++;
    const headers: Record<string, string> = {
      'content-type': SOAP_CONTENT_TYPE,
      [ORIGINAL_CONSUMER]: caller.originalConsumer,
      [CORRELATION_ID]: caller.correlationId,
      ...(caller.soapAction !== undefined ? { soapaction: caller.soapAction } : {}),
      // VP names the sender only over plain HTTP; over HTTPS its certificate does.
      ...(url.startsWith('http:') ? { [SENDER_ID]: caller.sender, [INSTANCE_ID]: instanceId } : {}),
    };
    const vp009 = (why: string) => refuse('VP009', `Error connecting to service producer at address ${url}. Exception Caught by Camel when contacting producer. Exception information: (${why})`);
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw signal.reason;
      const call = new AbortController();
      const stop = () => call.abort(signal.reason);
      signal.addEventListener('abort', stop, { once: true });
      const timer = setTimeout(() => call.abort(new Timeout()), timeouts.producerMs);
      try {
        const response = await transport(url, { method: 'POST', headers, body: xml, signal: call.signal });
        const body = await readLimited(response, maxResponseBytes);
        if (body.length === 0) return vp009(`Empty message when server responded with status code: ${response.status}`);
        // A SOAP fault with HTTP 500 goes back as it is; any other failure status is VP's VP009.
        if (!response.ok && !(response.status === 500 && body.includes(SOAP_ENV))) {
          return vp009(`org.apache.camel.http.base.HttpOperationFailedException: HTTP operation failed with statusCode: ${response.status})\nVP_PRODUCER_EXCEPTION_HTTP_STATUS=${response.status}`);
        }
        return { kind: 'answer', status: response.status, body, contentType: response.headers.get('content-type') ?? SOAP_CONTENT_TYPE };
      } catch (error) {
        if (signal.aborted) throw signal.reason ?? error;
        if (call.signal.reason instanceof Timeout) return vp009('io.netty.handler.timeout.ReadTimeoutException: Timeout when waiting on response from producer.');
        const code = socketErrorOf(error);
        if (code === 'tooLarge') return vp009(`answer larger than ${maxResponseBytes} bytes`);
        if (code !== undefined && SOCKET_ERRORS.has(code) && attempt < timeouts.producerRetries) {
          await wait(timeouts.producerRetryDelayMs, signal);
          if (signal.aborted) throw signal.reason;
          continue;
        }
        return vp009(`java.net.SocketException: ${code ?? (error instanceof Error ? error.message : 'connection failed')}`);
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', stop);
      }
    }
  };

  // ---- AGP -----------------------------------------------------------------------------------

  const aggregate = async (contract: ContractVersion, xml: string, element: Parameters<typeof readProducerRequest>[0], caller: Caller, signal: AbortSignal): Promise<Reply> => {
    let request: ProducerRequest;
    try {
      request = readProducerRequest(element);
    } catch (error) {
      return { kind: 'answer', status: 500, body: soapFault('soapenv:Client', isJournalenError(error) ? error.message : 'the request could not be read'), contentType: SOAP_CONTENT_TYPE };
    }
    let found: FoundEngagement[];
    try {
      found = await withDeadline(engagements.find(request.patientId, [contract.serviceDomain], { signal }), timeouts.engagementIndexMs, signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? error;
      const why = error instanceof Timeout ? 'FindContent timed out' : 'FindContent failed';
      logger?.warn({ contract: contract.contract, why }, 'simulated AGP: the engagement index did not answer');
      return { kind: 'answer', status: 500, body: soapFault('soapenv:Server', `the aggregating service could not ask the engagement index: ${why}`), contentType: SOAP_CONTENT_TYPE };
    }
    const namespace = contract.responderNamespace;
    const categorization = contract.categorization.toLowerCase();
    const relevant = found.filter((e) => e.serviceDomain === contract.serviceDomain && e.categorization.toLowerCase() === categorization && e.logicalAddress !== logicalAddress);
    const addresses = [...new Set(relevant.map((e) => e.logicalAddress))].filter((a) => keyFieldProblem('logicalAddress', a) === undefined);
    const table = await loadRoutingTable(options.db, environment, { serviceContractNamespaces: [namespace], logicalAddresses: addresses });
    // TakCacheServiceImpl.isAuthorizedConsumer: the sender or the original consumer has a grant, and there is a route.
    const may = (e: FoundEngagement) =>
      addresses.includes(e.logicalAddress) &&
      table.resolve(e.logicalAddress, namespace).found &&
      (table.isAuthorized(caller.sender, namespace, e.logicalAddress) || table.isAuthorized(caller.originalConsumer, namespace, e.logicalAddress));
    const kept = relevant.filter(may).filter((e) => request.sourceSystemHsaId === undefined || e.logicalAddress === request.sourceSystemHsaId);
    const systems = [...new Set(kept.map((e) => e.sourceSystem))].filter((s) => s !== '' && s !== logicalAddress);

    const finished: SourceResult[] = [];
    const fanOut = new AbortController();
    const stopFanOut = () => fanOut.abort(signal.reason);
    signal.addEventListener('abort', stopFanOut, { once: true });
    try {
      const all = Promise.all(
        systems.map(async (system) => {
          const result = await callSource(system, contract, xml, caller, request, fanOut.signal);
          if (!fanOut.signal.aborted) finished.push(result);
        }),
      );
      await Promise.race([all, wait(timeouts.aggregateMs, fanOut.signal)]);
    } finally {
      fanOut.abort(new Timeout());
      signal.removeEventListener('abort', stopFanOut);
    }
    if (signal.aborted) throw signal.reason;
    const done = new Set(finished.map((r) => r.system));
    // CreateResponseProcessor: every source expected but not in the answer.
    const late = systems.filter((s) => !done.has(s)).map((system): SourceResult => failedSource(system, '43000', 'Unknown error', request, contract));
    const results = [...finished, ...late];

    counts.aggregated++;
    const at = swedishCompactTimestamp(now());
    let items = results.flatMap((r) => r.items);
    const current = fault;
    if (current?.kind === 'otherPatient') items = relabel(items, current.patientId);
    const more = hasMoreMode === 'forward' ? results.flatMap((r) => (r.hasMore ? [r.hasMore] : [])) : [];
    const header = writeProcessingStatus(results.map((r) => r.status(at)));
    logger?.info({ contract: contract.contract, version: contract.major, sources: results.length, failed: results.filter((r) => !r.ok).length }, 'simulated AGP answered');
    return { kind: 'answer', status: 200, body: soapEnvelope(writeWithHasMore(contract, items, more), { header }), contentType: SOAP_CONTENT_TYPE };
  };

  interface SourceResult {
    readonly system: string;
    readonly ok: boolean;
    readonly items: readonly RecordItem[];
    readonly hasMore?: { readonly logicalAddress: string; readonly reference: string };
    status(at: string): ProcessingStatusRecord;
  }

  const cacheKey = (system: string, contract: ContractVersion, request: ProducerRequest) => ({
    patientId: request.patientId,
    logicalAddress: system,
    contract: contract.responderNamespace,
    ...(request.period ? { period: { ...(request.period.startMs !== undefined ? { start: new Date(request.period.startMs) } : {}), ...(request.period.endMs !== undefined ? { end: new Date(request.period.endMs) } : {}) } } : {}),
  });

  /** ProcessingStatusUtil.createStatusRecord for a failure (or, with the cache, DataFromCacheSynchFailed). */
  const failedSource = (system: string, code: string, text: string, request: ProducerRequest, contract: ContractVersion): SourceResult => {
    const error = { causingAgent: 'virtualization_platform' as const, code, text };
    const cached = cache?.get(cacheKey(system, contract, request));
    if (cached) {
      const storedAt = new Date(now().getTime() - Math.max(0, performance.now() - cached.storedAt));
      return {
        system,
        ok: false,
        items: cached.items,
        status: (at) => ({ logicalAddress: system, statusCode: 'DataFromCacheSynchFailed', isResponseFromCache: true, isResponseInSynch: false, lastSuccessfulSynch: swedishCompactTimestamp(storedAt), lastUnsuccessfulSynch: at, lastUnsuccessfulSynchError: error }),
      };
    }
    return {
      system,
      ok: false,
      items: [],
      status: (at) => ({ logicalAddress: system, statusCode: 'NoDataSynchFailed', isResponseFromCache: false, isResponseInSynch: false, lastUnsuccessfulSynch: at, lastUnsuccessfulSynchError: error }),
    };
  };

  /** AGP → VP → one source system, with AGP's receive timeout. */
  const callSource = async (system: string, contract: ContractVersion, xml: string, caller: Caller, request: ProducerRequest, fanOut: AbortSignal): Promise<SourceResult> => {
    const call = new AbortController();
    const stop = () => call.abort(fanOut.reason);
    fanOut.addEventListener('abort', stop, { once: true });
    const timer = setTimeout(() => call.abort(new Timeout()), timeouts.agpSourceMs);
    let reply: Reply;
    try {
      reply = await route(withLogicalAddress(xml, system), caller, call.signal);
    } catch (error) {
      if (call.signal.reason instanceof Timeout) return failedSource(system, '504', 'Read timed out', request, contract);
      return failedSource(system, '43000', error instanceof Error ? error.message : 'Unknown error', request, contract);
    } finally {
      clearTimeout(timer);
      fanOut.removeEventListener('abort', stop);
    }
    if (reply.kind === 'fault') return failedSource(system, '500', reply.fault.faultString, request, contract);
    let parsed;
    try {
      parsed = parseContractResponse(reply.body);
    } catch (error) {
      return failedSource(system, '43000', `Unmarshalling Error: ${isJournalenError(error) ? error.message : 'unreadable answer'}`, request, contract);
    }
    const soap = parsed.faults.find((f) => f.kind === 'soapFault');
    if (soap) return failedSource(system, String(reply.status), soap.message, request, contract);
    if (parsed.contract !== contract.contract || parsed.version !== contract.major) {
      return failedSource(system, '43000', `Unexpected response: ${parsed.contract ?? '?'} ${parsed.version ?? '?'}`, request, contract);
    }
    cache?.put(cacheKey(system, contract, request), parsed.items);
    const more = parsed.hasMore ? { logicalAddress: parsed.hasMore.logicalAddress ?? system, reference: parsed.hasMore.reference } : undefined;
    return {
      system,
      ok: true,
      items: parsed.items,
      ...(more ? { hasMore: more } : {}),
      status: (at) => ({ logicalAddress: system, statusCode: 'DataFromSource', isResponseFromCache: false, isResponseInSynch: true, lastSuccessfulSynch: at }),
    };
  };

  // ---- HTTP ----------------------------------------------------------------------------------

  const send = sendSoap;

  /** The sender as VP establishes it, or undefined (VP002). */
  const senderOf = (req: http.IncomingMessage): string | undefined => {
    if (options.tls) {
      const certificate = (req.socket as TLSSocket).getPeerCertificate?.();
      const value = (certificate?.subject as unknown as Record<string, unknown> | undefined)?.serialNumber;
      const serial = Array.isArray(value) ? value[0] : value;
      return typeof serial === 'string' && keyFieldProblem('owner', serial.trim()) === undefined ? serial.trim() : undefined;
    }
    // Plain HTTP is the demo's (and VP's platform-internal) route: the caller says who it is.
    const said = header(req, SENDER_ID) ?? header(req, ORIGINAL_CONSUMER);
    return said !== undefined && keyFieldProblem('owner', said) === undefined ? said : undefined;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '') || '/';
    if (req.method === 'GET' && path === '/') {
      const description = {
        service: 'national platform, VP and AGP (simulated)',
        aggregatorLogicalAddress: logicalAddress,
        contracts: contracts.map((c) => ({ contract: c.contract, version: c.version, endpoint: endpointFor(c) })),
        fault,
      };
      send(res, 200, JSON.stringify(description), 'application/json; charset=utf-8');
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      send(res, 405, 'POST a SOAP request (any path); the platform routes on its content\n', 'text/plain; charset=utf-8');
      return;
    }
    counts.requests++;
    const body = await readBody(req, maxRequestBytes);
    if (body === undefined) {
      res.setHeader('connection', 'close');
      send(res, 413, soapFault('soapenv:Client', `request larger than ${maxRequestBytes} bytes`));
      return;
    }
    const current = fault;
    if (current?.kind === 'timeout') return; // the socket stays open until close()
    if (current?.kind === 'slow') await wait(current.delayMs, closing.signal);
    if (res.destroyed || closing.signal.aborted) return;
    if (current?.kind === 'http500') return send(res, 500, 'Internal Server Error\n', 'text/plain; charset=utf-8');
    if (current?.kind === 'soapFault') return send(res, 500, soapFault('soapenv:Server', 'national platform: simulated failure'));

    const sender = senderOf(req);
    let reply: Reply;
    if (sender === undefined) {
      reply = refuse('VP002', options.tls ? 'No sender ID (SERIALNUMBER) found in certificate.' : `No sender ID: neither ${SENDER_ID} nor ${ORIGINAL_CONSUMER} names one.`);
    } else {
      const original = header(req, ORIGINAL_CONSUMER);
      const caller: Caller = {
        sender,
        // VP fills the header in with the sender before passing the call on.
        originalConsumer: original !== undefined && keyFieldProblem('owner', original) === undefined ? original : sender,
        correlationId: header(req, CORRELATION_ID) ?? randomUUID(),
        ...(header(req, 'soapaction') !== undefined ? { soapAction: header(req, 'soapaction')! } : {}),
      };
      // A client gone away stops its calls.
      const gone = new AbortController();
      const stop = () => gone.abort(new Error('closed'));
      res.on('close', stop);
      closing.signal.addEventListener('abort', stop, { once: true });
      try {
        reply = await route(body.toString('utf8'), caller, gone.signal);
      } catch (error) {
        if (gone.signal.aborted) return void res.destroy();
        throw error;
      } finally {
        res.off('close', stop);
        closing.signal.removeEventListener('abort', stop);
      }
    }
    if (reply.kind === 'fault') return send(res, 500, vpFaultXml(reply.fault));
    counts.answered++;
    const out = current?.kind === 'malformedXml' ? reply.body.slice(0, Math.floor(reply.body.length / 2)) : reply.body;
    send(res, reply.status, out, reply.contentType);
  };

  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert, ca: options.tls.ca as string | Buffer | (string | Buffer)[], requestCert: true, rejectUnauthorized: true })
    : http.createServer();
  const sockets = serveSoap(server, handle, {
    faultText: 'national platform: internal error',
    onError: (error) => logger?.error({ err: error instanceof Error ? error.message : String(error) }, 'simulated platform: internal error'),
  });
  // A client without a valid certificate is refused in the handshake; nothing to answer.
  server.on('tlsClientError', (_error: Error, socket: Socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const endpointFor = (c: Pick<ContractVersion, 'responderNamespace'>) => contractUrl(baseUrl, PLATFORM_PATH_TEMPLATE, c);
  let closed = false;

  return {
    logicalAddress,
    baseUrl,
    port,
    endpointFor,
    setFault: (next) => {
      fault = next;
    },
    stats: () => ({ ...counts, vpFaults: { ...vpFaults } }),
    async close() {
      if (closed) return;
      closed = true;
      closing.abort(new Error('closed'));
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

/** The former name: the simulated platform began as the aggregating service alone. */
export const startAggregatingPlatform = startNationalPlatform;

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function sameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

/** The socket error code of a failed fetch (undici puts it in `cause`), or 'tooLarge' from readLimited. */
function socketErrorOf(error: unknown): string | undefined {
  if (error instanceof Error && /larger than|bytes; at most/.test(error.message)) return 'tooLarge';
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  const own = (error as { code?: unknown } | undefined)?.code;
  return typeof own === 'string' ? own : undefined;
}

/** The promise's value, or a Timeout after `ms` (or the signal's reason). */
function withDeadline<T>(promise: Promise<T>, ms: number, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Timeout()), ms);
    const stop = () => reject(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', stop);
    });
  });
}


function relabel(items: readonly RecordItem[], patientId: string): RecordItem[] {
  const first = items.map((i) => i.sourceSystemHsaId).filter((a): a is string => a !== undefined).sort()[0];
  return items.map((i) => (i.sourceSystemHsaId === first ? { ...i, patientId } : i));
}

/**
 * The aggregated response, with one hasMore per source that has more (HasMoreType is 0..*, its
 * logicalAddress naming the source). The contract's writer takes one; the rest follow it.
 */
function writeWithHasMore(contract: ContractVersion, items: readonly RecordItem[], more: readonly { logicalAddress: string; reference: string }[]): string {
  if (more.length === 0) return contract.writeResponse(items);
  const xml = contract.writeResponse(items, { hasMore: more[0]! });
  const close = '</hasMore>';
  const at = xml.indexOf(close);
  if (at === -1) return xml; // a contract that does not page writes none
  const rest = more
    .slice(1)
    .map((m) => `<hasMore><logicalAddress>${esc(m.logicalAddress)}</logicalAddress><reference>${esc(m.reference)}</reference></hasMore>`)
    .join('');
  return xml.slice(0, at + close.length) + rest + xml.slice(at + close.length);
}

// ---- ProcessingStatus ----------------------------------------------------------------------------

export type ProcessingStatusCode = 'DataFromSource' | 'DataFromCache' | 'DataFromCacheSynchFailed' | 'NoDataSynchFailed';
export type CausingAgent = 'service_catalog' | 'virtualization_platform' | 'service_producer' | 'engagement_index' | 'other';

/** One ProcessingStatusList entry as interoperability_headers_1.0.xsd orders it. */
export interface ProcessingStatusRecord {
  readonly logicalAddress: string;
  readonly statusCode: ProcessingStatusCode;
  readonly isResponseFromCache: boolean;
  readonly isResponseInSynch: boolean;
  /** The schema requires it; AGP leaves it out for NoDataSynchFailed, and so does this writer when absent. */
  readonly lastSuccessfulSynch?: string;
  readonly lastUnsuccessfulSynch?: string;
  readonly lastUnsuccessfulSynchError?: { readonly causingAgent: CausingAgent; readonly code: string; readonly text: string };
}

/** The ProcessingStatus SOAP header element. */
export function writeProcessingStatus(records: readonly ProcessingStatusRecord[]): string {
  const entries = records.map((r) => {
    const error = r.lastUnsuccessfulSynchError;
    return (
      `<ProcessingStatusList><logicalAddress>${esc(r.logicalAddress)}</logicalAddress><statusCode>${r.statusCode}</statusCode>` +
      `<isResponseFromCache>${r.isResponseFromCache}</isResponseFromCache><isResponseInSynch>${r.isResponseInSynch}</isResponseInSynch>` +
      (r.lastSuccessfulSynch !== undefined ? `<lastSuccessfulSynch>${esc(r.lastSuccessfulSynch)}</lastSuccessfulSynch>` : '') +
      (r.lastUnsuccessfulSynch !== undefined ? `<lastUnsuccessfulSynch>${esc(r.lastUnsuccessfulSynch)}</lastUnsuccessfulSynch>` : '') +
      (error
        ? `<lastUnsuccessfulSynchError><causingAgent>${error.causingAgent}</causingAgent><code>${esc(error.code)}</code><text>${esc(error.text)}</text></lastUnsuccessfulSynchError>`
        : '') +
      '</ProcessingStatusList>'
    );
  });
  return `<ProcessingStatus xmlns="${HEADERS_NS}">${entries.join('')}</ProcessingStatus>`;
}
