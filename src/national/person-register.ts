import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { PopulationRegister, RegisterPerson } from '../access/register.js';
import { readLimited, type Transport } from '../aggregation/source-call.js';
import { soapEnvelope } from '../contracts/soap.js';
import { DEFAULT_LIMITS } from '../contracts/xml.js';
import { tryParsePersonalIdentity } from '../domain/identifiers/index.js';
import { swedishDate } from '../domain/time.js';
import { isJournalenError, JournalenError } from '../errors/index.js';
import { redactPersonalIdentitiesInText } from '../operations/logger.js';
import {
  buildGetPersonsForProfileRequest,
  DECEASED_REASON_CODE,
  GET_PERSONS_FOR_PROFILE,
  readGetPersonsForProfileResponse,
  RELATION_CHILD,
  RELATION_GUARDIAN,
  type LookupProfile,
  type PartialDate,
  type PuPersonRecord,
  type PuRequestedRecord,
} from './person-messages.js';

/**
 * The population register as the national person service PU answers it (GetPersonsForProfile
 * 5, through the national platform): protected identity, death, name, guardians and children.
 *
 * Fail closed: whatever keeps us from a clear answer (no connection, timeout, HTTP error, SOAP
 * Fault, an unreadable answer, an answer about someone else or two answers for one person) is
 * REGISTER_UNAVAILABLE, so access is refused rather than decided on a guess, and nothing is
 * cached. A person the register does not know is `undefined`, as the interface says.
 *
 * Cached briefly (default one minute): guardianship, protection and death change without notice,
 * so an answer is not kept for long. Concurrent lookups of one person share one call. No
 * personnummer is written to logs or error messages.
 */

export interface PersonRegisterOptions {
  /** The contract's address: the platform's (VP) URL for GetPersonsForProfile 5, or a simulator's. */
  readonly url: string;
  /** PU's logical address (the LogicalAddress header). */
  readonly logicalAddress: string;
  /** This service's HSA-id (x-rivta-original-serviceconsumer-hsaid). */
  readonly consumerHsaId: string;
  /** Default: global fetch (mutual TLS is the transport's business). */
  readonly transport?: Transport;
  /** One call, answer included. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** How long an answer is reused. Default 60 000 ms; 0 turns the cache off. */
  readonly cacheTtlMs?: number;
  /** Persons kept in the cache; the oldest go first. Default 10 000. */
  readonly maxEntries?: number;
  /** Largest answer read. Default 1 MiB (one person is a few kB). */
  readonly maxResponseBytes?: number;
  /** Default P4: the smallest profile with Skatteverket's relations (vårdnadshavare). */
  readonly profile?: LookupProfile;
  /** The clock of the cache and of "today" for ended guardianships (ms since the epoch). */
  readonly now?: () => number;
  readonly logger?: Logger;
}

export type PersonRegister = PopulationRegister & {
  /** Forgets every cached answer (after a known change, and in tests). */
  clear(): void;
};

/** Why the register gave no clear answer; in `details.reason` of REGISTER_UNAVAILABLE. */
export type RegisterProblem = 'timeout' | 'connection' | 'httpStatus' | 'soapFault' | 'malformed' | 'tooLarge' | 'wrongPerson' | 'ambiguous';

const DEFAULTS = { timeoutMs: 10_000, cacheTtlMs: 60_000, maxEntries: 10_000, maxResponseBytes: 1024 * 1024 } as const;

class Unavailable extends Error {
  constructor(readonly problem: RegisterProblem, message: string) {
    super(message);
  }
}

export function createPersonRegister(options: PersonRegisterOptions): PersonRegister {
  const transport: Transport = options.transport ?? ((url, init) => fetch(url, init));
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const ttl = options.cacheTtlMs ?? DEFAULTS.cacheTtlMs;
  const maxEntries = options.maxEntries ?? DEFAULTS.maxEntries;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULTS.maxResponseBytes;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { readonly person: RegisterPerson | undefined; readonly expires: number }>();
  const inFlight = new Map<string, Promise<RegisterPerson | undefined>>();

  async function call(personnummer: string): Promise<RegisterPerson | undefined> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      let response: Response;
      try {
        response = await transport(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'text/xml; charset=utf-8',
            soapaction: `"${GET_PERSONS_FOR_PROFILE.soapAction}"`,
            'x-rivta-original-serviceconsumer-hsaid': options.consumerHsaId,
            'x-skltp-correlation-id': randomUUID(),
          },
          body: soapEnvelope(buildGetPersonsForProfileRequest([personnummer], { profile: options.profile ?? 'P4', ignoreReferredIdentity: true }), {
            logicalAddress: options.logicalAddress,
          }),
          signal: controller.signal,
        });
      } catch (error) {
        if (controller.signal.aborted) throw new Unavailable('timeout', `no answer within ${timeoutMs} ms`);
        throw new Unavailable('connection', connectionReason(error));
      }
      let bytes: Buffer;
      try {
        bytes = await readLimited(response, maxResponseBytes);
      } catch (error) {
        if (controller.signal.aborted) throw new Unavailable('timeout', `no full answer within ${timeoutMs} ms`);
        const message = error instanceof Error ? error.message : '';
        throw /bytes/.test(message) ? new Unavailable('tooLarge', message) : new Unavailable('connection', 'the answer broke off');
      }
      return interpret(bytes, response, personnummer);
    } finally {
      clearTimeout(timer);
    }
  }

  function interpret(bytes: Buffer, response: Response, personnummer: string): RegisterPerson | undefined {
    let answer;
    try {
      answer = readGetPersonsForProfileResponse(bytes, { maxBytes: maxResponseBytes, maxDepth: DEFAULT_LIMITS.maxDepth });
    } catch (error) {
      if (!response.ok) throw new Unavailable('httpStatus', `HTTP ${response.status}`);
      throw new Unavailable('malformed', `unreadable answer: ${isJournalenError(error) ? masked(error.message) : 'not XML'}`);
    }
    if (answer.kind === 'fault') throw new Unavailable('soapFault', `SOAP Fault${answer.code ? ` ${masked(answer.code)}` : ''}: ${masked(answer.message)}`);
    if (!response.ok) throw new Unavailable('httpStatus', `HTTP ${response.status}`);
    const about = answer.records.filter((r) => r.requested.extension === personnummer);
    // Anything but the one person asked about is a producer error, not "unknown person".
    if (about.length !== answer.records.length) throw new Unavailable('wrongPerson', 'the answer is about another person than the one asked for');
    if (about.length > 1) throw new Unavailable('ambiguous', `${about.length} records for one person`);
    const record: PuRequestedRecord | undefined = about[0];
    if (record?.person === undefined) return undefined;
    if (record.person.personalIdentity.extension !== personnummer) throw new Unavailable('wrongPerson', 'the person record is about another person than the one asked for');
    return toRegisterPerson(record.person, swedishDate(new Date(now())));
  }

  function remember(personnummer: string, person: RegisterPerson | undefined) {
    if (ttl <= 0) return;
    cache.delete(personnummer);
    cache.set(personnummer, { person, expires: now() + ttl });
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
  }

  return {
    async person(personnummer) {
      // A number that is not one is not in any register; no call for it.
      if (!/^\d{12}$/.test(personnummer) || !tryParsePersonalIdentity(personnummer).ok) return undefined;
      const cached = cache.get(personnummer);
      if (cached && cached.expires > now()) return copy(cached.person);
      if (cached) cache.delete(personnummer);
      let pending = inFlight.get(personnummer);
      if (!pending) {
        // One retry when the connection failed before an answer (a pooled connection the far
        // end had just closed), as VP itself retries a SocketException once; never on a timeout.
        pending = call(personnummer)
          .catch((error: unknown) => {
            if (error instanceof Unavailable && error.problem === 'connection') return call(personnummer);
            throw error;
          })
          .then((person) => {
            remember(personnummer, person);
            return person;
          })
          .catch((error: unknown) => {
            const problem = error instanceof Unavailable ? error.problem : isJournalenError(error, 'REGISTER_UNAVAILABLE') ? String(error.details.reason) : 'malformed';
            const reason = error instanceof Unavailable || isJournalenError(error, 'REGISTER_UNAVAILABLE') ? error.message : 'unexpected error';
            options.logger?.warn({ problem, reason }, 'population register (PU) gave no clear answer; access refused');
            throw new JournalenError('REGISTER_UNAVAILABLE', `the population register could not be asked just now (${reason})`, { reason: problem });
          })
          .finally(() => inFlight.delete(personnummer));
        inFlight.set(personnummer, pending);
      }
      return copy(await pending);
    },
    clear() {
      cache.clear();
    },
  };
}

/** Each caller gets its own arrays: nobody can change what the cache holds. */
const copy = (person: RegisterPerson | undefined): RegisterPerson | undefined =>
  person === undefined ? undefined : { ...person, guardians: [...person.guardians], children: [...person.children] };

/** Producer text in our messages: whitespace-folded, any personnummer masked, short. */
const masked = (text: string): string => {
  const value = redactPersonalIdentitiesInText(text.replace(/\s+/g, ' ').trim());
  return value.length > 200 ? `${value.slice(0, 199)}…` : value;
};

function connectionReason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? `connection failed (${cause.code})` : 'connection failed';
}

/** A partial date as a full one: its first day (YYYY → YYYY-01-01, YYYY-MM → YYYY-MM-01). */
const firstDay = (date: PartialDate): string => (date.format === 'YYYY' ? `${date.value}-01-01` : date.format === 'YYYY-MM' ? `${date.value}-01` : date.value);

/** Whether a relation holds today: begun (or no start given) and not ended. An end in today's month or year counts as ended. */
function inForce(from: PartialDate | undefined, to: PartialDate | undefined, today: string): boolean {
  if (from !== undefined && firstDay(from) > today) return false;
  if (to !== undefined && to.value <= today.slice(0, to.value.length)) return false;
  return true;
}

/**
 * What access control needs from a PU person record. `today` is a Swedish calendar date, for
 * relations that have ended or not begun.
 */
export function toRegisterPerson(record: PuPersonRecord, today: string): RegisterPerson {
  const id = record.personalIdentity.extension;
  const parsed = tryParsePersonalIdentity(id);
  // The register's own date of birth wins: a personnummer's date is not always the birth date.
  const birthDate =
    record.dateOfBirth?.format === 'YYYY-MM-DD' ? record.dateOfBirth.value : parsed.ok ? parsed.value.birthDate : undefined;
  if (birthDate === undefined) {
    throw new JournalenError('REGISTER_UNAVAILABLE', 'the person record has neither a date of birth nor a valid identity number', { reason: 'malformed' });
  }
  const related = (type: string) =>
    [...new Set(record.relations.filter((r) => r.type === type && r.id !== undefined && /^\d{12}$/.test(r.id.extension) && inForce(r.fromDate, r.toDate, today)).map((r) => r.id!.extension))];
  const deceasedOn = deceasedDate(record, today);
  const familyName = [record.middleName, record.surname].filter((p) => p !== undefined && p !== '').join(' ');
  return {
    birthDate,
    ...(deceasedOn !== undefined ? { deceasedOn } : {}),
    protectedIdentity: record.protectedPersonIndicator || record.protectedPopulationRecord === true,
    guardians: related(RELATION_GUARDIAN),
    // `B` lists the person's children whether or not in their custody; the policy also demands
    // that the child's own record names the viewer as vårdnadshavare.
    children: related(RELATION_CHILD),
    ...(record.givenName !== undefined ? { givenName: record.givenName } : {}),
    ...(familyName !== '' ? { familyName } : {}),
  };
}

/**
 * The day of death: deregistered as `AV` (avliden), or a samordningsnummer's deceasedDate. A
 * death without a day is still a death; the lookup day stands in (the account closes either way).
 */
function deceasedDate(record: PuPersonRecord, today: string): string | undefined {
  if (record.deregistration?.reasonCode === DECEASED_REASON_CODE) {
    return record.deregistration.date ? firstDay(record.deregistration.date) : record.coordinationNumberDeceasedDate ? firstDay(record.coordinationNumberDeceasedDate) : today;
  }
  return record.coordinationNumberDeceasedDate ? firstDay(record.coordinationNumberDeceasedDate) : undefined;
}

