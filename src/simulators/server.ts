import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CONTRACT_VERSIONS } from '../contracts/registry.js';
import { readEnvelope, soapEnvelope, soapFault, logicalAddressOf } from '../contracts/soap.js';
import type { ContractVersion } from '../contracts/types.js';
import { EHR_SYSTEMS, type EhrSystemId } from '../domain/ehr-systems.js';
import type { RecordItem } from '../domain/record.js';
import type { RegionCode } from '../domain/regions.js';
import { isJournalenError } from '../errors/index.js';
import { regionsServedBy, simulatorSystemOf, SIMULATOR_SYSTEM_IDS, SOURCE_SYSTEM_HSA_IDS, type SimulatorSystemId } from './care-units.js';
import { reportEngagements, type EngagementReport } from './engagements.js';
import { TOLVAN, type Population } from './population.js';
import { matchesRequest, readProducerRequest, type ProducerRequest } from './request.js';

/**
 * One simulated source system per EHR product (Cosmic, Melior, Millennium, NCS Cross, PMO,
 * TakeCare, which also answers for VGR's AsynjaVisph, and VAS), each an HTTP server on its own
 * loopback port speaking the RIV-TA contracts of CONTRACT_VERSIONS, generically: a contract
 * version added to the registry is served without a change here.
 *
 * Endpoint: `POST {baseUrl}/{Contract}/{major}` (a trailing `/rivtabp21`, as the national
 * platform writes its addresses, is accepted too), e.g. `/GetDiagnosis/2`. `GET /` describes the
 * system in JSON. The request's responder namespace decides the contract; it must match the path.
 *
 * Failures are settable per system at run time, to exercise the consumer's timeouts, status
 * reporting and hostile-input handling.
 */

export type SimulatorFault =
  /** Answers, but only after `delayMs`. */
  | { readonly kind: 'slow'; readonly delayMs: number }
  /** Connection refused: the listener is closed until the fault is cleared. */
  | { readonly kind: 'down' }
  /** HTTP 500 with a plain-text body, not SOAP. */
  | { readonly kind: 'http500' }
  /** A SOAP Fault (soapenv:Server). */
  | { readonly kind: 'soapFault' }
  /** HTTP 200 with the real answer cut in half. */
  | { readonly kind: 'malformedXml' }
  /** HTTP 200 with a well-formed answer padded to `bytes` bytes. */
  | { readonly kind: 'oversized'; readonly bytes: number }
  /** Accepts the request and never answers (until the simulators close). */
  | { readonly kind: 'timeout' }
  /** Answers with another resident's items: a producer bug the consumer must catch. */
  | { readonly kind: 'otherPatient' };

export interface SimulatorsOptions {
  readonly population: Population;
  readonly host?: string;
  /**
   * Fixed ports for a demo: system n of SIMULATOR_SYSTEM_IDS (cosmic, melior, millennium,
   * ncs-cross, pmo, takecare, vas) listens on basePort + n. Default: ephemeral ports.
   */
  readonly basePort?: number;
  /** Which systems to start; AsynjaVisph means TakeCare's simulator. Default: all seven. */
  readonly systems?: readonly EhrSystemId[];
  /** The simulators' clock: items documented after it are not there yet. Default: real time. */
  readonly now?: () => Date;
  /** Engagement index Update endpoint; when given, each system reports its engagements on start. */
  readonly reportEngagementsTo?: string;
  /** The index's HSA-id, the Update LogicalAddress; the index's own default when absent. */
  readonly engagementIndexLogicalAddress?: string;
  /** Engagements per Update message (the contract allows 1000). Default 500. */
  readonly engagementBatchSize?: number;
  /**
   * Residents (by index, from 0) whose engagements are reported on start. Reporting generates
   * every resident's record once, about a millisecond each, so very large populations are capped;
   * call `reportEngagements` for further ranges. Default 5000.
   */
  readonly engagementResidentLimit?: number;
  /** Delay before every answer of every system, for benchmarks (ms). Default 0. */
  readonly delayMs?: number;
  /** Items per answer for contracts that page (those whose request carries a continuation). Default 100. */
  readonly pageSize?: number;
  /** Contract versions to serve. Default: CONTRACT_VERSIONS. */
  readonly contracts?: readonly ContractVersion[];
  /** Largest request body accepted (bytes). Default 1 MiB. */
  readonly maxRequestBytes?: number;
}

export interface SimulatorInfo {
  readonly id: SimulatorSystemId;
  readonly name: string;
  /** The source system's HSA-id: its logical address and sourceSystemHSAId. */
  readonly logicalAddress: string;
  readonly baseUrl: string;
  readonly port: number;
  readonly regions: readonly RegionCode[];
  /** The URL to POST a contract version's requests to. */
  endpointFor(contract: Pick<ContractVersion, 'contract' | 'major'>): string;
}

export interface SimulatorStats {
  readonly requests: number;
  readonly answered: number;
  readonly clientFaults: number;
}

export interface RunningSimulators {
  readonly systems: readonly SimulatorInfo[];
  system(id: EhrSystemId): SimulatorInfo;
  /** Sets or clears (null) a system's fault; resolves once it is in effect (a `down` listener closed or reopened). */
  setFault(id: EhrSystemId, fault: SimulatorFault | null): Promise<void>;
  faultOf(id: EhrSystemId): SimulatorFault | null;
  /** The global delay before every answer (ms). */
  setDelay(ms: number): void;
  stats(id: EhrSystemId): SimulatorStats;
  /** What the start-up engagement report did (empty when no index was given). */
  readonly engagements: EngagementReport;
  /** Reports engagements of residents [from, to) from every running system to an index. */
  reportEngagements(options: { url?: string; from?: number; to?: number }): Promise<EngagementReport>;
  /** Stops every server, drops open connections and pending answers. */
  close(): Promise<void>;
}

const SOAP_CONTENT_TYPE = 'text/xml; charset=utf-8';
const PROBE = 'simulator-paging-probe';
const NO_REPORT: EngagementReport = { messages: 0, engagements: 0, residents: 0, failures: [] };

class ClientError extends Error {
  constructor(
    message: string,
    readonly status = 500,
  ) {
    super(message);
  }
}

/** A contract pages when its request can carry the producer's continuation reference (GCD 3's hasMoreReference). */
function pages(contract: ContractVersion): boolean {
  try {
    return contract.buildRequest({ patientId: TOLVAN, continuation: PROBE }).includes(PROBE);
  } catch {
    return false;
  }
}

interface Simulator {
  readonly info: SimulatorInfo;
  readonly server: http.Server;
  readonly sockets: Set<Socket>;
  readonly timers: Set<NodeJS.Timeout>;
  fault: SimulatorFault | null;
  listening: boolean;
  stats: { requests: number; answered: number; clientFaults: number };
}

export async function startSimulators(options: SimulatorsOptions): Promise<RunningSimulators> {
  const { population } = options;
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? (() => new Date());
  const contracts = [...(options.contracts ?? CONTRACT_VERSIONS)];
  const pageSize = options.pageSize ?? 100;
  const maxRequestBytes = options.maxRequestBytes ?? 1024 * 1024;
  const paging = new Set(contracts.filter(pages));
  let delayMs = options.delayMs ?? 0;
  let closed = false;

  const ids = [...new Set((options.systems ?? SIMULATOR_SYSTEM_IDS).map(simulatorSystemOf))];
  const simulators = new Map<SimulatorSystemId, Simulator>();

  const wait = (sim: Simulator, ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        sim.timers.delete(timer);
        resolve();
      }, ms);
      sim.timers.add(timer);
    });

  const send = (res: http.ServerResponse, status: number, body: string | Buffer, contentType = SOAP_CONTENT_TYPE) => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  const clientFault = (sim: Simulator, res: http.ServerResponse, message: string, status = 500) => {
    sim.stats.clientFaults++;
    // SOAP 1.1 over HTTP answers every fault with 500; an oversized request gets 413.
    send(res, status, soapFault('soapenv:Client', message));
  };

  /** Items of the request's patient (or, under `otherPatient`, someone else's). */
  const itemsFor = (sim: Simulator, contract: ContractVersion, request: ProducerRequest): RecordItem[] => {
    let patientId = request.patientId;
    if (sim.fault?.kind === 'otherPatient') {
      patientId = otherPatient(population, sim.info.id, contract, request.patientId) ?? request.patientId;
    }
    const cutoff = now().getTime();
    return population
      .itemsFor(patientId, sim.info.id, contract.infoType)
      .filter((item) => item.time.getTime() <= cutoff && matchesRequest(item, request, contract));
  };

  const answer = (sim: Simulator, path: string, body: Buffer): string => {
    let envelope;
    try {
      envelope = readEnvelope(body);
    } catch (error) {
      throw new ClientError(isJournalenError(error) ? error.message : 'the request could not be read');
    }
    if (envelope.kind === 'fault') throw new ClientError('a request cannot be a SOAP Fault');
    const contract = contracts.find((c) => c.contract === envelope.localName && envelope.namespaces.includes(c.responderNamespace));
    if (!contract) {
      throw new ClientError(`<${envelope.localName}> is not a request of a contract this system serves (${[...new Set(contracts.map((c) => `${c.contract} ${c.major}`))].join(', ')})`);
    }
    const expected = `/${contract.contract}/${contract.major}`;
    if (path !== expected && path !== `${expected}/rivtabp21`) throw new ClientError(`${contract.contract} ${contract.major} is served at ${expected}, not ${path}`);
    const logicalAddress = logicalAddressOf(envelope.header);
    if (logicalAddress !== undefined && logicalAddress !== sim.info.logicalAddress) {
      throw new ClientError(`LogicalAddress ${logicalAddress} is not served here; this source system is ${sim.info.logicalAddress}`);
    }
    let request: ProducerRequest;
    try {
      request = readProducerRequest(envelope.element);
    } catch (error) {
      throw new ClientError(isJournalenError(error) ? error.message : 'the request could not be read');
    }
    // Newest first: a partial answer may leave out older items, never newer ones (TKB rule).
    const items = itemsFor(sim, contract, request).sort((a, b) => b.time.getTime() - a.time.getTime() || (a.id < b.id ? -1 : 1));
    if (!paging.has(contract)) return soapEnvelope(contract.writeResponse(items));
    let offset = 0;
    if (request.continuation !== undefined) {
      const match = /^p(\d{1,9})$/.exec(request.continuation);
      if (!match) throw new ClientError('hasMoreReference is not a reference this system gave');
      offset = Number(match[1]);
    }
    const page = items.slice(offset, offset + pageSize);
    const more = offset + pageSize < items.length;
    return soapEnvelope(contract.writeResponse(page, more ? { hasMore: { reference: `p${offset + pageSize}`, logicalAddress: sim.info.logicalAddress } } : {}));
  };

  const describe = (sim: Simulator) =>
    JSON.stringify({
      system: sim.info.id,
      name: sim.info.name,
      logicalAddress: sim.info.logicalAddress,
      regions: sim.info.regions,
      contracts: contracts.map((c) => ({ contract: c.contract, version: c.version, namespace: c.responderNamespace, endpoint: sim.info.endpointFor(c) })),
      fault: sim.fault,
    });

  const handle = async (sim: Simulator, req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '') || '/';
    if (req.method === 'GET' && path === '/') {
      send(res, 200, describe(sim), 'application/json; charset=utf-8');
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      send(res, 405, 'POST a SOAP request to /{Contract}/{major}\n', 'text/plain; charset=utf-8');
      return;
    }
    sim.stats.requests++;
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxRequestBytes) {
        tooLarge = true;
        break;
      }
      chunks.push(chunk);
    }
    if (tooLarge) {
      res.setHeader('connection', 'close');
      clientFault(sim, res, `request larger than ${maxRequestBytes} bytes`, 413);
      return;
    }
    const fault = sim.fault;
    if (fault?.kind === 'timeout') return; // the socket stays open until close()
    const delay = delayMs + (fault?.kind === 'slow' ? fault.delayMs : 0);
    if (delay > 0) await wait(sim, delay);
    if (closed || res.destroyed) return;
    if (fault?.kind === 'http500') {
      send(res, 500, 'Internal Server Error\n', 'text/plain; charset=utf-8');
      return;
    }
    if (fault?.kind === 'soapFault') {
      send(res, 500, soapFault('soapenv:Server', `${sim.info.name}: simulated producer failure`));
      return;
    }
    let xml: string;
    try {
      xml = answer(sim, path, Buffer.concat(chunks));
    } catch (error) {
      if (error instanceof ClientError) {
        clientFault(sim, res, error.message, error.status);
        return;
      }
      // The message only, never a stack: it is a simulator's bug, for whoever runs the tests.
      send(res, 500, soapFault('soapenv:Server', `${sim.info.name}: internal error: ${(error as Error).message}`));
      return;
    }
    sim.stats.answered++;
    if (fault?.kind === 'malformedXml') {
      send(res, 200, xml.slice(0, Math.floor(xml.length / 2)));
    } else if (fault?.kind === 'oversized') {
      sendPadded(res, xml, fault.bytes);
    } else {
      send(res, 200, xml);
    }
  };

  const listen = (sim: Simulator, port: number) =>
    new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      sim.server.once('error', onError);
      sim.server.listen(port, host, () => {
        sim.server.off('error', onError);
        sim.listening = true;
        resolve();
      });
    });

  const stopListening = (sim: Simulator) =>
    new Promise<void>((resolve) => {
      if (!sim.listening) {
        resolve();
        return;
      }
      sim.listening = false;
      sim.server.close(() => resolve());
      for (const socket of sim.sockets) socket.destroy();
    });

  try {
    for (const id of ids) {
      const sockets = new Set<Socket>();
      const server = http.createServer();
      const system = EHR_SYSTEMS.find((s) => s.id === id)!;
      const sim: Simulator = {
        info: undefined as never,
        server,
        sockets,
        timers: new Set(),
        fault: null,
        listening: false,
        stats: { requests: 0, answered: 0, clientFaults: 0 },
      };
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      server.on('request', (req, res) => {
        handle(sim, req, res).catch(() => {
          if (!res.headersSent) send(res, 500, soapFault('soapenv:Server', 'internal error'));
          else res.destroy();
        });
      });
      server.on('clientError', (_error, socket) => socket.destroy());
      simulators.set(id, sim);
      await listen(sim, options.basePort === undefined ? 0 : options.basePort + SIMULATOR_SYSTEM_IDS.indexOf(id));
      const port = (server.address() as AddressInfo).port;
      const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      (sim as { info: SimulatorInfo }).info = {
        id,
        name: id === 'takecare' ? 'TakeCare (and AsynjaVisph)' : system.name,
        logicalAddress: SOURCE_SYSTEM_HSA_IDS[id],
        baseUrl,
        port,
        regions: regionsServedBy(id).map((r) => r.code),
        endpointFor: (c) => `${baseUrl}/${c.contract}/${c.major}`,
      };
    }
  } catch (error) {
    await Promise.all([...simulators.values()].map(stopListening));
    throw error;
  }

  const get = (id: EhrSystemId): Simulator => {
    const sim = simulators.get(simulatorSystemOf(id));
    if (!sim) throw new Error(`no simulator running for ${id}; running: ${[...simulators.keys()].join(', ')}`);
    return sim;
  };

  const report = async ({ url, from = 0, to }: { url?: string; from?: number; to?: number }): Promise<EngagementReport> => {
    const target = url ?? options.reportEngagementsTo;
    if (target === undefined) throw new Error('no engagement index URL: pass url or reportEngagementsTo');
    const reports: EngagementReport[] = [];
    for (const sim of simulators.values()) {
      reports.push(
        await reportEngagements(population, sim.info.id, contracts, {
          url: target,
          ...(options.engagementIndexLogicalAddress !== undefined ? { logicalAddress: options.engagementIndexLogicalAddress } : {}),
          batchSize: options.engagementBatchSize ?? 500,
          from,
          to: to ?? population.size,
          now: now(),
        }),
      );
    }
    return {
      messages: reports.reduce((n, r) => n + r.messages, 0),
      engagements: reports.reduce((n, r) => n + r.engagements, 0),
      residents: reports[0]?.residents ?? 0,
      failures: reports.flatMap((r) => r.failures),
    };
  };

  const engagements = options.reportEngagementsTo === undefined
    ? NO_REPORT
    : await report({ to: Math.min(population.size, options.engagementResidentLimit ?? 5000) });

  return {
    systems: [...simulators.values()].map((s) => s.info),
    system: (id) => get(id).info,
    engagements,
    reportEngagements: report,
    faultOf: (id) => get(id).fault,
    setDelay: (ms) => {
      delayMs = Math.max(0, ms);
    },
    stats: (id) => ({ ...get(id).stats }),
    async setFault(id, fault) {
      const sim = get(id);
      const wasDown = sim.fault?.kind === 'down';
      sim.fault = fault;
      if (fault?.kind === 'down' && !wasDown) await stopListening(sim);
      if (fault?.kind !== 'down' && wasDown && !closed) await listen(sim, sim.info.port);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const sim of simulators.values()) {
        for (const timer of sim.timers) clearTimeout(timer);
        sim.timers.clear();
      }
      await Promise.all([...simulators.values()].map(stopListening));
    },
  };
}

/** Someone else's items of the same kind in the same system, for the `otherPatient` fault. */
function otherPatient(population: Population, system: SimulatorSystemId, contract: ContractVersion, patientId: string): string | undefined {
  for (let index = 0; index < Math.min(population.size, 500); index++) {
    const candidate = population.residentAt(index).personnummer;
    if (candidate !== patientId && population.itemsFor(candidate, system, contract.infoType).length > 0) return candidate;
  }
  return undefined;
}

/** A well-formed answer padded with an XML comment to `bytes` bytes, streamed in chunks. */
function sendPadded(res: http.ServerResponse, xml: string, bytes: number): void {
  const declaration = '<?xml version="1.0" encoding="UTF-8"?>';
  const rest = xml.startsWith(declaration) ? xml.slice(declaration.length) : xml;
  const fixed = Buffer.byteLength(declaration) + Buffer.byteLength(rest) + '<!---->'.length;
  let padding = Math.max(0, bytes - fixed);
  res.writeHead(200, { 'content-type': SOAP_CONTENT_TYPE, 'content-length': fixed + padding });
  res.write(`${declaration}<!--`);
  const chunk = ' '.repeat(64 * 1024);
  const pump = () => {
    while (padding > 0) {
      const part = padding >= chunk.length ? chunk : chunk.slice(0, padding);
      padding -= part.length;
      if (!res.write(part)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end(`-->${rest}`);
  };
  res.on('close', () => {
    padding = 0;
  });
  pump();
}
