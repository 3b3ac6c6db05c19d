import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { createAggregator, type AggregationDeps, type AggregationLimits, type SourceStatus } from '../aggregation/fetch-record.js';
import { NATIONAL_AGGREGATOR_LOGICAL_ADDRESS } from '../aggregation/platform.js';
import type { Transport } from '../aggregation/source-call.js';
import { CONTRACT_VERSIONS } from '../contracts/registry.js';
import { esc, HEADERS_NS, logicalAddressOf, readEnvelope, soapEnvelope, soapFault } from '../contracts/soap.js';
import type { ContractVersion } from '../contracts/types.js';
import type { Db } from '../db/connection.js';
import type { RecordItem } from '../domain/record.js';
import { swedishCompactTimestamp } from '../domain/time.js';
import { keyFieldProblem } from '../engagement-index/engagement.js';
import { isJournalenError } from '../errors/index.js';
import type { RoutingEnvironment } from '../routing/store.js';
import { readProducerRequest, type ProducerRequest } from './request.js';
import type { SimulatorFault } from './server.js';

/**
 * A simulated national aggregating service (the platform's AGP behind VP), for the demo and the
 * platform-mode tests. One HTTP server on loopback answers every contract version's aggregating
 * endpoint, `POST {baseUrl}/{Contract}/{major}` (a trailing `/rivtabp21` is accepted too).
 *
 * It does what the real one does, with our own parts: the engagement index (FindContent) says
 * which source systems hold something, the routing table says where they are and whether the
 * original consumer may call them, every source is called in parallel, and the items are merged
 * into one answer with a ProcessingStatus header, one entry per source. That is exactly direct
 * mode, so it runs direct mode's aggregator (circuit breakers and, if asked, a cache of approved
 * items that survive between requests) and turns each SourceStatus into a ProcessingStatus entry.
 *
 * Simplifications: producers are called with the version direct mode picks (the preferred one
 * routed), whatever version the consumer asked the platform for, and the answer is written in
 * the version asked; careUnit/careGiver filters are not passed on; a source that failed gives no
 * items (NoDataSynchFailed means "no data"), even when direct mode kept some of its answer.
 */

/** The source simulators' faults that make sense for one server, and a wrong-patient bug of the platform's own. */
export type PlatformFault =
  | Extract<SimulatorFault, { readonly kind: 'slow' | 'timeout' | 'http500' | 'soapFault' | 'malformedXml' }>
  /** The items of the first source that answered are relabelled as `patientId`'s: a bug the consumer must catch. */
  | { readonly kind: 'otherPatient'; readonly patientId: string };

export interface AggregatingPlatformOptions {
  readonly db: Db;
  /** Its logical address; requests must be addressed to it. Default NATIONAL_AGGREGATOR_LOGICAL_ADDRESS. */
  readonly logicalAddress?: string;
  readonly host?: string;
  /** Default 0: the system picks a free port. */
  readonly port?: number;
  /** Routing-table environment of the sources; default production. */
  readonly environment?: RoutingEnvironment;
  /**
   * Its own fan-out's limits. Default: direct mode's, with a 5 s deadline, so it answers with a
   * status per source before a consumer's per-call timeout (6 s by default) gives up on it.
   */
  readonly limits?: Partial<AggregationLimits>;
  /** How it calls the sources; default fetch. */
  readonly transport?: Transport;
  readonly logger?: Logger;
  /** Last good answers per source (approved items only), answered as DataFromCacheSynchFailed when a source fails. */
  readonly cache?: { readonly ttlMs: number; readonly maxEntries: number };
  /** Contract versions served. Default CONTRACT_VERSIONS. */
  readonly contracts?: readonly ContractVersion[];
  /** Largest request accepted (bytes). Default 64 KiB. */
  readonly maxRequestBytes?: number;
  /** Wall clock of the ProcessingStatus timestamps. Default: now. */
  readonly now?: () => Date;
}

export interface RunningPlatform {
  readonly logicalAddress: string;
  readonly baseUrl: string;
  readonly port: number;
  /** The aggregating service's URL for a contract version (what a consumer's `platformUrl` gives). */
  endpointFor(contract: Pick<ContractVersion, 'contract' | 'major'>): string;
  setFault(fault: PlatformFault | null): void;
  stats(): { readonly requests: number; readonly answered: number };
  /** Stops the server, drops open connections and pending answers. */
  close(): Promise<void>;
}

const SOAP_CONTENT_TYPE = 'text/xml; charset=utf-8';
const ORIGINAL_CONSUMER = 'x-rivta-original-serviceconsumer-hsaid';

/** A request the platform refuses: a SOAP Client fault with this text. */
class Refusal extends Error {}

export async function startAggregatingPlatform(options: AggregatingPlatformOptions): Promise<RunningPlatform> {
  const logicalAddress = options.logicalAddress ?? NATIONAL_AGGREGATOR_LOGICAL_ADDRESS;
  const host = options.host ?? '127.0.0.1';
  const contracts = [...(options.contracts ?? CONTRACT_VERSIONS)];
  const maxRequestBytes = options.maxRequestBytes ?? 64 * 1024;
  const now = options.now ?? (() => new Date());
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const counts = { requests: 0, answered: 0 };
  let fault: PlatformFault | null = null;
  let baseUrl = '';

  const inner: Transport = options.transport ?? ((url, init) => fetch(url, init));
  // AGP drops engagements that point at itself; here a route to itself would make it call itself.
  const transport: Transport = (url, init) =>
    url.startsWith(`${baseUrl}/`) ? Promise.reject(new Error('the aggregating service does not call itself')) : inner(url, init);
  const deps: Omit<AggregationDeps, 'breakers' | 'slots' | 'cache'> = {
    db: options.db,
    transport,
    limits: { deadlineMs: 5000, ...options.limits },
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
  };
  const aggregator = createAggregator({ ...deps, ...(options.cache ? { cache: options.cache } : {}) });

  const send = (res: http.ServerResponse, status: number, body: string, contentType = SOAP_CONTENT_TYPE) => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  /** The contract, the request and the original consumer, or a Refusal saying what is wrong. */
  const readRequest = (path: string, body: Buffer, consumerHeader: string | string[] | undefined) => {
    let envelope;
    try {
      envelope = readEnvelope(body);
    } catch (error) {
      throw new Refusal(isJournalenError(error) ? error.message : 'the request could not be read');
    }
    if (envelope.kind === 'fault') throw new Refusal('a request cannot be a SOAP Fault');
    const contract = contracts.find((c) => c.contract === envelope.localName && envelope.namespaces.includes(c.responderNamespace));
    if (!contract) throw new Refusal(`<${envelope.localName}> is not a request of a contract this platform aggregates`);
    const expected = `/${contract.contract}/${contract.major}`;
    if (path !== expected && path !== `${expected}/rivtabp21`) throw new Refusal(`${contract.contract} ${contract.major} is aggregated at ${expected}, not ${path}`);
    const addressed = logicalAddressOf(envelope.header);
    if (addressed !== logicalAddress) {
      throw new Refusal(`VP004 LogicalAddress ${addressed === undefined ? 'is missing' : `${addressed} is not served here`}; the national aggregating service is ${logicalAddress}`);
    }
    // AGP refuses a request that does not say whom it is for: the routing table authorizes that consumer.
    const consumer = typeof consumerHeader === 'string' ? consumerHeader.trim() : undefined;
    if (consumer === undefined || keyFieldProblem('owner', consumer) !== undefined) throw new Refusal(`the HTTP header ${ORIGINAL_CONSUMER} is missing or not an HSA-id`);
    let request: ProducerRequest;
    try {
      request = readProducerRequest(envelope.element);
    } catch (error) {
      throw new Refusal(isJournalenError(error) ? error.message : 'the request could not be read');
    }
    if (request.sourceSystemHsaId !== undefined) throw new Refusal('sourceSystemHSAId asks one source system directly; address that system, not the aggregating service');
    if (request.continuation !== undefined) throw new Refusal('paging cannot go through an aggregating service; ask the source system named in hasMore');
    return { contract, request, consumer };
  };

  const answer = async (path: string, body: Buffer, consumerHeader: string | string[] | undefined): Promise<string> => {
    const { contract, request, consumer } = readRequest(path, body, consumerHeader);
    const { startMs, endMs } = request.period ?? {};
    let record;
    try {
      record = await aggregator.aggregateRecord({
        patientId: request.patientId,
        consumerHsaId: consumer,
        infoTypes: [contract.infoType],
        // The request's end is exclusive (a date period includes its end day); the query's is inclusive.
        ...(request.period ? { period: { ...(startMs !== undefined ? { start: new Date(startMs) } : {}), ...(endMs !== undefined ? { end: new Date(endMs - 1) } : {}) } } : {}),
      });
    } catch (error) {
      if (isJournalenError(error) && error.code === 'JOURNALEN_INPUT_INVALID') throw new Refusal(error.message);
      throw error;
    }
    const at = now();
    const statuses = firstPerSource(record.sources.filter((s) => s.contract === contract.contract));
    const delivered = new Set(statuses.filter((s) => s.status === 'answered' || s.status === 'answeredFromCache').map((s) => s.logicalAddress));
    let items = record.items.filter((i) => i.sourceSystemHsaId !== undefined && delivered.has(i.sourceSystemHsaId));
    const current = fault;
    if (current?.kind === 'otherPatient') items = relabel(items, current.patientId);
    return soapEnvelope(contract.writeResponse(items), { header: writeProcessingStatus(statuses.map((s) => processingStatusOf(s, at))) });
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '') || '/';
    if (req.method === 'GET' && path === '/') {
      const description = { service: 'national aggregating service (simulated)', logicalAddress, contracts: contracts.map((c) => ({ contract: c.contract, version: c.version, endpoint: endpointFor(c) })), fault };
      send(res, 200, JSON.stringify(description), 'application/json; charset=utf-8');
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      send(res, 405, 'POST a SOAP request to /{Contract}/{major}\n', 'text/plain; charset=utf-8');
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
    if (current?.kind === 'slow') await wait(current.delayMs);
    if (res.destroyed) return;
    if (current?.kind === 'http500') return send(res, 500, 'Internal Server Error\n', 'text/plain; charset=utf-8');
    if (current?.kind === 'soapFault') return send(res, 500, soapFault('soapenv:Server', 'national aggregating service: simulated failure'));
    let xml: string;
    try {
      xml = await answer(path, body, req.headers[ORIGINAL_CONSUMER]);
    } catch (error) {
      // SOAP 1.1 over HTTP answers every fault with 500; only the message, never a stack.
      if (error instanceof Refusal) return send(res, 500, soapFault('soapenv:Client', error.message));
      return send(res, 500, soapFault('soapenv:Server', `national aggregating service: internal error: ${error instanceof Error ? error.message : 'unknown'}`));
    }
    counts.answered++;
    send(res, 200, current?.kind === 'malformedXml' ? xml.slice(0, Math.floor(xml.length / 2)) : xml);
  };

  const server = http.createServer();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, soapFault('soapenv:Server', 'internal error'));
      else res.destroy();
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const endpointFor = (c: Pick<ContractVersion, 'contract' | 'major'>) => `${baseUrl}/${c.contract}/${c.major}`;
  let closed = false;

  return {
    logicalAddress,
    baseUrl,
    port,
    endpointFor,
    setFault: (next) => {
      fault = next;
    },
    stats: () => ({ ...counts }),
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

/** The body, or undefined once it passes `max` bytes (the rest is not read). */
function readBody(req: http.IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.pause();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

/** One status per logical address (direct mode gives one per source and contract; one contract is asked). */
function firstPerSource(statuses: readonly SourceStatus[]): SourceStatus[] {
  const seen = new Set<string>();
  return statuses.filter((s) => !seen.has(s.logicalAddress) && seen.add(s.logicalAddress));
}

function relabel(items: readonly RecordItem[], patientId: string): RecordItem[] {
  const first = items.map((i) => i.sourceSystemHsaId).filter((a): a is string => a !== undefined).sort()[0];
  return items.map((i) => (i.sourceSystemHsaId === first ? { ...i, patientId } : i));
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
  /** Required by the schema, empty when there never was one (AGP leaves it out, which the schema refuses). */
  readonly lastSuccessfulSynch: string;
  readonly lastUnsuccessfulSynch?: string;
  readonly lastUnsuccessfulSynchError?: { readonly causingAgent: CausingAgent; readonly code: string; readonly text: string };
}

/**
 * What the platform says about one source. The code is our problem name (VP004/VP007 for what
 * VP itself refuses, as the real platform writes them), so platform mode can tell a timeout
 * from a failure.
 */
export function processingStatusOf(status: SourceStatus, at: Date): ProcessingStatusRecord {
  const now = swedishCompactTimestamp(at);
  const base = { logicalAddress: status.logicalAddress };
  if (status.status === 'answered') {
    return { ...base, statusCode: 'DataFromSource', isResponseFromCache: false, isResponseInSynch: true, lastSuccessfulSynch: now };
  }
  const problem = status.problem ?? status.status;
  const [causingAgent, code]: [CausingAgent, string] =
    problem === 'noRoute' ? ['virtualization_platform', 'VP004'] :
    problem === 'notAuthorized' ? ['virtualization_platform', 'VP007'] :
    problem === 'deadline' || problem === 'circuitOpen' ? ['other', problem] :
    ['service_producer', problem];
  const text = `${code === problem ? '' : `${code} `}${status.reason ?? problem}`;
  const failure = { lastUnsuccessfulSynch: now, lastUnsuccessfulSynchError: { causingAgent, code, text } };
  if (status.status === 'answeredFromCache') {
    const stored = swedishCompactTimestamp(new Date(at.getTime() - (status.cacheAgeMs ?? 0)));
    return { ...base, statusCode: 'DataFromCacheSynchFailed', isResponseFromCache: true, isResponseInSynch: false, lastSuccessfulSynch: stored, ...failure };
  }
  return { ...base, statusCode: 'NoDataSynchFailed', isResponseFromCache: false, isResponseInSynch: false, lastSuccessfulSynch: '', ...failure };
}

/** The ProcessingStatus SOAP header element. */
export function writeProcessingStatus(records: readonly ProcessingStatusRecord[]): string {
  const entries = records.map((r) => {
    const error = r.lastUnsuccessfulSynchError;
    return (
      `<ProcessingStatusList><logicalAddress>${esc(r.logicalAddress)}</logicalAddress><statusCode>${r.statusCode}</statusCode>` +
      `<isResponseFromCache>${r.isResponseFromCache}</isResponseFromCache><isResponseInSynch>${r.isResponseInSynch}</isResponseInSynch>` +
      `<lastSuccessfulSynch>${esc(r.lastSuccessfulSynch)}</lastSuccessfulSynch>` +
      (r.lastUnsuccessfulSynch !== undefined ? `<lastUnsuccessfulSynch>${esc(r.lastUnsuccessfulSynch)}</lastUnsuccessfulSynch>` : '') +
      (error
        ? `<lastUnsuccessfulSynchError><causingAgent>${error.causingAgent}</causingAgent><code>${esc(error.code)}</code><text>${esc(error.text)}</text></lastUnsuccessfulSynchError>`
        : '') +
      '</ProcessingStatusList>'
    );
  });
  return `<ProcessingStatus xmlns="${HEADERS_NS}">${entries.join('')}</ProcessingStatus>`;
}
