import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { soapEnvelope, soapFault } from '../contracts/soap.js';
import { isJournalenError } from '../errors/index.js';
import {
  DECEASED_REASON_CODE,
  PERSONNUMMER_OID,
  readGetPersonsForProfileRequest,
  RELATION_CHILD,
  RELATION_GUARDIAN,
  rootOf,
  SAMORDNINGSNUMMER_OID,
  writeGetPersonsForProfileResponse,
  type LookupProfile,
  type PuPersonRecord,
  type PuRequestedRecord,
} from '../national/person-messages.js';
import type { Population } from './population.js';
import { readBody, sendSoap, serveSoap } from './soap-http.js';

export { writeGetPersonsForProfileResponse } from '../national/person-messages.js';

/**
 * A simulated national person service (PU) answering GetPersonsForProfile 5 from the synthetic
 * population, with the elements and codes of the official mock answers: the identity under
 * Skatteverket's OID, gender, `protectedPersonIndicator`, `testIndicator` (true: these are test
 * persons), name, and by profile what PU adds: deregistration `AV` for the deceased (P2 and
 * up), date of birth and the relations `V` (vårdnadshavare) and `B` (barn) (P4 and up). An
 * unknown person gets a requestedPersonRecord without personRecord, as PU answers.
 *
 * The pure handler (`answerGetPersonsForProfile`) is what a simulated platform mounts; the
 * server around it adds fault modes for the consumer's fail-closed tests.
 */

/** The simulated PU's logical address (an HSA-id of the form the platform's TAK holds). */
export const SIMULATED_PERSON_REGISTER_ADDRESS = 'SE2321000016-PU01';

const PROFILE_RANK: Readonly<Record<LookupProfile, number>> = { P1: 1, P2: 2, P3: 3, P4: 4, P5: 5, P6: 5, P7: 5, P8: 5, P9: 5, P10: 5 };

type RegisterSource = Pick<Population, 'residentByPersonnummer' | 'guardiansOf' | 'childrenOf' | 'hasProtectedIdentity' | 'deceasedOn'>;

/** What PU would hold about a resident under a profile; undefined for a number it does not know. */
export function personRecordFor(population: RegisterSource, personnummer: string, profile: LookupProfile = 'P4'): PuPersonRecord | undefined {
  const resident = population.residentByPersonnummer(personnummer);
  if (!resident) return undefined;
  const rank = PROFILE_RANK[profile];
  const deceasedOn = population.deceasedOn(personnummer);
  const id = (extension: string) => ({ root: rootOf(extension), extension });
  return {
    personalIdentity: id(resident.personnummer),
    gender: resident.sex === 'male' ? '1' : '2',
    protectedPersonIndicator: population.hasProtectedIdentity(personnummer),
    testIndicator: true,
    primaryIdentity: true,
    givenName: resident.givenName,
    surname: resident.familyName,
    ...(rank >= 4 ? { dateOfBirth: { format: 'YYYY-MM-DD' as const, value: resident.birthDate } } : {}),
    ...(rank >= 2 && deceasedOn !== undefined ? { deregistration: { reasonCode: DECEASED_REASON_CODE, date: { format: 'YYYY-MM-DD' as const, value: deceasedOn } } } : {}),
    relations:
      rank >= 4
        ? [
            ...population.guardiansOf(personnummer).map((g) => ({ type: RELATION_GUARDIAN, id: id(g) })),
            ...population.childrenOf(personnummer).map((c) => ({ type: RELATION_CHILD, id: id(c) })),
          ]
        : [],
    protectedPopulationRecord: false,
  };
}

export interface PersonRegisterAnswer {
  /** 200 with an answer; 500 with a SOAP Fault (SOAP 1.1 over HTTP). */
  readonly status: number;
  /** A whole SOAP envelope. */
  readonly body: string;
}

/**
 * One GetPersonsForProfile request answered: a SOAP Fault (soapenv:Client) for a request that is
 * not one or is addressed to another logical address, otherwise one requestedPersonRecord per id.
 * `otherPerson`: each known id is answered with someone else's record (a producer bug the
 * consumer must catch).
 */
export function answerGetPersonsForProfile(
  population: RegisterSource,
  body: string | Buffer,
  options: { readonly logicalAddress?: string; readonly otherPerson?: boolean } = {},
): PersonRegisterAnswer {
  let request;
  try {
    request = readGetPersonsForProfileRequest(body);
  } catch (error) {
    return { status: 500, body: soapFault('soapenv:Client', isJournalenError(error) ? error.message : 'the request could not be read') };
  }
  if (options.logicalAddress !== undefined && request.logicalAddress !== undefined && request.logicalAddress !== options.logicalAddress) {
    return { status: 500, body: soapFault('soapenv:Client', `LogicalAddress ${request.logicalAddress.slice(0, 64)} is not served here; this is ${options.logicalAddress}`) };
  }
  const records = request.personIds.map((requested): PuRequestedRecord => {
    const known = (requested.root === PERSONNUMMER_OID || requested.root === SAMORDNINGSNUMMER_OID) && rootOf(requested.extension) === requested.root;
    let person = known ? personRecordFor(population, requested.extension, request.profile) : undefined;
    if (person && options.otherPerson) {
      const other = someoneElse(population, requested.extension);
      person = other ? personRecordFor(population, other, request.profile) : person;
    }
    return person ? { requested, person } : { requested };
  });
  return { status: 200, body: soapEnvelope(writeGetPersonsForProfileResponse(records)) };
}

/** A relative of the person (guardian or child), whose record a confused producer might send. */
function someoneElse(population: RegisterSource, personnummer: string): string | undefined {
  return population.guardiansOf(personnummer)[0] ?? population.childrenOf(personnummer)[0];
}

export type PersonRegisterFault =
  /** Connection refused: the listener is closed until the fault is cleared. */
  | 'down'
  /** HTTP 500 with a plain-text body. */
  | 'http500'
  /** A SOAP Fault (soapenv:Server). */
  | 'soapFault'
  /** Accepts the request and never answers (until closed or the fault is cleared). */
  | 'timeout'
  /** HTTP 200 with the answer cut in half. */
  | 'malformedXml'
  /** Answers about another person than the one asked for. */
  | 'otherPerson';

export interface SimulatedPersonRegisterOptions {
  readonly population: Population;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (a free port). */
  readonly port?: number;
  /** Default SIMULATED_PERSON_REGISTER_ADDRESS. */
  readonly logicalAddress?: string;
  /** Largest request accepted (bytes). Default 256 KiB. */
  readonly maxRequestBytes?: number;
}

export interface SimulatedPersonRegister {
  /** The contract's address: `http://host:port/GetPersonsForProfile/5` (any POST path is answered, as VP routes on the message). */
  readonly url: string;
  readonly logicalAddress: string;
  /** Requests received (answered or not). */
  readonly requests: number;
  /** Sets or clears a fault; resolves once in effect (a `down` listener closed or reopened). */
  setFault(kind: PersonRegisterFault | null): Promise<void>;
  close(): Promise<void>;
}

export async function startSimulatedPersonRegister(options: SimulatedPersonRegisterOptions): Promise<SimulatedPersonRegister> {
  const host = options.host ?? '127.0.0.1';
  const logicalAddress = options.logicalAddress ?? SIMULATED_PERSON_REGISTER_ADDRESS;
  const maxRequestBytes = options.maxRequestBytes ?? 256 * 1024;
  const held = new Set<http.ServerResponse>();
  let fault: PersonRegisterFault | null = null;
  let listening = false;
  let requests = 0;
  let port = options.port ?? 0;

  const send = sendSoap;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      send(res, 405, 'POST a GetPersonsForProfile 5 request\n', 'text/plain; charset=utf-8');
      return;
    }
    requests++;
    const body = await readBody(req, maxRequestBytes);
    if (body === undefined) {
      res.setHeader('connection', 'close');
      send(res, 413, soapFault('soapenv:Client', `request larger than ${maxRequestBytes} bytes`));
      return;
    }
    const now = fault;
    if (now === 'timeout') {
      held.add(res); // open until the fault is cleared or close()
      res.on('close', () => held.delete(res));
      return;
    }
    if (now === 'http500') return send(res, 500, 'Internal Server Error\n', 'text/plain; charset=utf-8');
    if (now === 'soapFault') return send(res, 500, soapFault('soapenv:Server', 'PU: simulated failure'));
    const answer = answerGetPersonsForProfile(options.population, body, { logicalAddress, otherPerson: now === 'otherPerson' });
    send(res, answer.status, now === 'malformedXml' ? answer.body.slice(0, Math.floor(answer.body.length / 2)) : answer.body);
  };

  const server = http.createServer();
  const sockets = serveSoap(server, handle);

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        listening = true;
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  await listen();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/GetPersonsForProfile/5`;

  return {
    url,
    logicalAddress,
    get requests() {
      return requests;
    },
    async setFault(kind) {
      const was = fault;
      fault = kind;
      if (kind === 'down' && listening) await stopListening();
      else if (kind !== 'down' && !listening) await listen(); // same port: the consumer's URL stays valid
      // Calls held open by `timeout` are let go when it is lifted.
      if (was === 'timeout' && kind !== 'timeout') for (const res of held) res.destroy();
    },
    async close() {
      fault = null;
      await stopListening();
    },
  };
}
