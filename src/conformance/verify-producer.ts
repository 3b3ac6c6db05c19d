import { randomUUID } from 'node:crypto';
import { checkPatient, producerText, readLimited, type Transport } from '../aggregation/source-call.js';
import { CONTRACT_VERSIONS, parseContractResponse } from '../contracts/registry.js';
import { validateAgainstSchema } from '../contracts/schema-validation.js';
import { SOAP_ENV, soapEnvelope } from '../contracts/soap.js';
import {
  CONTRACT_NAMES,
  PERSONNUMMER_OID,
  SAMORDNINGSNUMMER_OID,
  type ContractName,
  type ContractRequest,
  type ContractResponse,
  type ContractVersion,
} from '../contracts/types.js';
import { child, DEFAULT_LIMITS, namespaceDeclarations, parseXml, text, type XmlNode } from '../contracts/xml.js';
import type { RecordItem } from '../domain/record.js';
import { fromSwedishWallClock, swedishDate } from '../domain/time.js';
import { JOURNALEN_HSA_ID } from '../engagement-index/engagement.js';
import { JournalenError } from '../errors/index.js';
import { redactPersonalIdentitiesInText } from '../operations/logger.js';
import { contractUrl, PLATFORM_PATH_TEMPLATE, templateProblem } from '../transport/addresses.js';
import { descendants, earliest, itemElements, itemTimes, matchesPeriod, periodFieldsFor } from './period-fields.js';
import { AGDA_ANDERSSON, DEFAULT_OTHER_ID_KINDS, DEFAULT_TEST_PATIENTS } from './test-persons.js';
import { CHECK_IDS, CHECK_TITLES, type CheckId, type CheckResult, type ConformanceReport, type ContractReport, type SkipReason } from './report.js';
import { defaultRivtaDir, schemaFileFor } from './schemas.js';

/**
 * The producer conformance suite: what Inera's manual "Verifiering av tjänsteproducent" checks,
 * run against an endpoint. For each contract version it calls the producer for test residents
 * and checks the answer (SOAP 1.1, XSD, result code, items, patient), the filters (period, care
 * unit, source system), paging, an unknown resident, bad requests and response times. Nothing
 * the producer does throws: every behaviour becomes a check result, and every check reports
 * even when another has failed.
 */

export interface VerifyProducerOptions {
  /**
   * Base URL, each contract version at `<endpoint><pathTemplate>`; or a URL per contract
   * version, keyed `Contract/major` or `Contract` (then only those are checked, unless
   * `contracts` says otherwise).
   */
  readonly endpoint: string | Readonly<Record<string, string>>;
  /**
   * Path of a contract version below a base URL: `{domain}`, `{contract}`, `{major}`. Default the
   * national platform's `/vp/{domain}/{contract}/{major}/rivtabp21`; our simulators use `/{contract}/{major}`.
   */
  readonly pathTemplate?: string;
  /** The producer's logical address (HSA-id), sent in the LogicalAddress header. */
  readonly logicalAddress: string;
  /** Contracts to check (every known major version of each). Default: every contract the project knows. */
  readonly contracts?: readonly ContractName[];
  /**
   * 12-character ids of residents the producer's test environment has records for. Default the
   * national test persons of the official test suites (195709263080, Tolvan 191212121212).
   */
  readonly testPatients?: readonly string[];
  /**
   * Ids of other kinds the producer must accept (test cases 1.1.2 Samordningsnummer, 1.1.3
   * Lokalt reservnummer). Default the test suites' samordningsnummer and reserve number.
   */
  readonly otherIdKinds?: readonly { readonly id: string; readonly type: string }[];
  /** A well-formed id the producer has nothing about. Default 188803099368 (Agda Andersson, the national test data's resident without records). */
  readonly unknownPatient?: string;
  readonly transport?: Transport;
  /** A call without an answer by then is abandoned (ms). Default 30 000. */
  readonly timeoutMs?: number;
  /** Slowest acceptable answer (ms); the TKBs' producer SLA is 27 s. Default 27 000. */
  readonly maxResponseMs?: number;
  /** Largest answer read (bytes). Default 16 MiB, the service's own cap. */
  readonly maxResponseBytes?: number;
  /** Pages followed before the paging check gives up. Default 50. */
  readonly maxPages?: number;
  /** The shared/rivta folder; null to skip the schema checks. Default: found from the package root. */
  readonly rivtaDir?: string | null;
  /** Sent as x-rivta-original-serviceconsumer-hsaid. Default: this service's HSA-id. */
  readonly consumerHsaId?: string;
  /** Contract versions checked at once. Default 2. */
  readonly concurrency?: number;
  /**
   * Called as contract versions finish: checks done so far and in all (each contract version
   * reports every check, so the total is known from the start). For a background job's progress.
   */
  readonly onProgress?: (progress: { readonly checksDone: number; readonly checksTotal: number }) => void | Promise<void>;
  /** Clock for the report's times. */
  readonly now?: () => Date;
}

export const DEFAULT_UNKNOWN_PATIENT = AGDA_ANDERSSON;
/** Not 12 characters of digits: every producer must refuse it (TKB: INVALID_REQUEST). */
const MALFORMED_PATIENT_ID = '0000-INVALID';
/** A source system that is not the producer: the answer must be empty or an error. */
const OTHER_SOURCE_SYSTEM = 'SE0000000000-CONFORMANCE';
const SOAP_12 = 'http://www.w3.org/2003/05/soap-envelope';
const PATIENT_ID = /^[0-9]{8}[0-9A-Za-z]{4}$/;
/** A care contact no producer has (test case 1.9 NonExisting CareContact). */
const NONEXISTENT_CARE_CONTACT = 'CONFORMANCE-NO-SUCH-CARE-CONTACT';
/** The start of the "before everything" period (test case 1.2.3). */
const EARLIEST_PERIOD_START = new Date('1900-01-01T00:00:00Z');

/**
 * Contract versions whose request has careContactId (the responder XSDs: right after
 * sourceSystemHSAId, before the extension point). GetCareDocumentation 3 and
 * GetLaboratoryOrderOutcome 4 (the JoL generation) have none.
 */
const CARE_CONTACT_FILTER: ReadonlySet<string> = new Set([
  'GetCareDocumentation/2',
  'GetDiagnosis/2',
  'GetAlertInformation/2',
  'GetCareContacts/3',
  'GetCareContacts/2',
  'GetLaboratoryOrderOutcome/3',
  'GetReferralOutcome/3',
  'GetImagingOutcome/1',
  'GetMedicationHistory/2',
  'GetVaccinationHistory/2',
]);

/** Our request builders do not write careContactId: the suite adds it as the request's last element, where the XSDs put it. */
type ExtendedRequest = ContractRequest & { readonly careContactIds?: readonly string[] };

const xmlEscape = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function withCareContacts(request: string, contract: ContractVersion, ids: readonly string[] | undefined): string {
  if (!ids || ids.length === 0) return request;
  const close = `</${contract.contract}>`;
  const at = request.lastIndexOf(close);
  if (at < 0) return request;
  return `${request.slice(0, at)}${ids.map((id) => `<careContactId>${xmlEscape(id)}</careContactId>`).join('')}${request.slice(at)}`;
}

/** An HSA-id or care contact id worth filtering on: present, not a SoapUI "?" blank. */
const isId = (value: string | undefined): boolean => value !== undefined && value.trim() !== '' && value.trim() !== '?';

/** Texts of every element so named below the node. */
function descendantTexts(node: XmlNode, name: string): string[] {
  return descendants(node, name).map((n) => text(n)?.trim() ?? '');
}

const defaultTransport: Transport = (url, init) => fetch(url, init);

interface Context {
  readonly logicalAddress: string;
  readonly transport: Transport;
  readonly timeoutMs: number;
  readonly maxResponseMs: number;
  readonly maxResponseBytes: number;
  readonly maxPages: number;
  readonly rivtaDir: string | undefined;
  readonly consumerHsaId: string;
  readonly patients: readonly string[];
  readonly unknownPatient: string;
  readonly otherIdKinds: readonly { readonly id: string; readonly type: string }[];
}

// ---- Calling -----------------------------------------------------------------------------------

type Outcome =
  | { readonly kind: 'http'; readonly status: number; readonly contentType: string; readonly body: Buffer }
  | { readonly kind: 'timeout' | 'connection' | 'tooLarge'; readonly reason: string };

class TimedOut extends Error {}

async function exchange(ctx: Context, url: string, contract: ContractVersion, body: string): Promise<{ ms: number; outcome: Outcome }> {
  const controller = new AbortController();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  // Raced against both the headers and the body, so a transport that ignores the abort cannot hang the suite.
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort(new TimedOut());
      reject(new TimedOut());
    }, ctx.timeoutMs);
  });
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await Promise.race([
      ctx.transport(url, {
        method: 'POST',
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: `"${contract.responderNamespace}:${contract.contract}"`,
          'x-rivta-original-serviceconsumer-hsaid': ctx.consumerHsaId,
          'x-skltp-correlation-id': randomUUID(),
        },
        body,
        signal: controller.signal,
      }),
      deadline,
    ]);
    const bytes = await Promise.race([readLimited(response, ctx.maxResponseBytes), deadline]);
    return { ms: elapsed(), outcome: { kind: 'http', status: response.status, contentType: response.headers.get('content-type') ?? '', body: bytes } };
  } catch (error) {
    const ms = elapsed();
    if (error instanceof TimedOut || controller.signal.aborted) return { ms, outcome: { kind: 'timeout', reason: `no answer within ${ctx.timeoutMs} ms` } };
    // readLimited's refusal carries the aggregator's problem name.
    if ((error as { problem?: unknown }).problem === 'tooLarge') return { ms, outcome: { kind: 'tooLarge', reason: (error as Error).message } };
    const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
    const code = typeof cause?.code === 'string' ? cause.code : producerText(error instanceof Error ? error.message : String(error));
    return { ms, outcome: { kind: 'connection', reason: `connection failed (${code})` } };
  } finally {
    clearTimeout(timer);
  }
}

/** What an answer turned out to be, from the consumer's side. */
type Reading =
  /** No HTTP answer: timeout, connection failure, or larger than the cap. */
  | { readonly kind: 'noAnswer'; readonly why: string }
  /** An HTTP answer that is not a SOAP 1.1 message. */
  | { readonly kind: 'notSoap'; readonly why: string }
  | { readonly kind: 'fault'; readonly status: number; readonly code: string | undefined; readonly message: string }
  /** SOAP, but not this contract version's response. */
  | { readonly kind: 'otherMessage'; readonly status: number; readonly why: string }
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly contentType: string;
      readonly xml: string;
      /** The bytes as received (the encoding check reads them). */
      readonly bytes: Buffer;
      /** The response element (the Body's child). */
      readonly node: XmlNode;
      readonly parsed: ContractResponse;
      /** result/resultCode, when the response has one. */
      readonly resultCode: string | undefined;
      readonly resultMessage: string | undefined;
    };

interface Call {
  readonly ms: number;
  readonly reading: Reading;
}

function read(ctx: Context, contract: ContractVersion, outcome: Outcome): Reading {
  if (outcome.kind !== 'http') return { kind: 'noAnswer', why: outcome.reason };
  const { status, contentType, body } = outcome;
  const limits = { maxBytes: ctx.maxResponseBytes, maxDepth: DEFAULT_LIMITS.maxDepth };
  const what = `HTTP ${status} ${contentType === '' ? 'without a content type' : contentType.split(';')[0]!}`;
  const xml = parseXml(body, limits);
  if (!xml.ok) return { kind: 'notSoap', why: `${what}: ${producerText(xml.problem.message)}` };
  const envelope = child(xml.root, 'Envelope');
  if (!envelope) return { kind: 'notSoap', why: `${what}: the root element is not a SOAP Envelope` };
  const declared = namespaceDeclarations(envelope);
  if (!declared.includes(SOAP_ENV)) {
    return { kind: 'notSoap', why: `${what}: ${declared.includes(SOAP_12) ? 'a SOAP 1.2 envelope; RIV-TA BP 2.1 uses SOAP 1.1' : 'the Envelope is not in the SOAP 1.1 namespace'}` };
  }
  let parsed;
  try {
    parsed = parseContractResponse(body, limits);
  } catch (error) {
    return { kind: 'otherMessage', status, why: producerText(error instanceof Error ? error.message : String(error)) };
  }
  if (parsed.contract === null) {
    const fault = parsed.faults.find((f) => f.kind === 'soapFault');
    return { kind: 'fault', status, code: fault && 'code' in fault ? fault.code : undefined, message: producerText(fault?.message ?? 'SOAP Fault') };
  }
  if (parsed.contract !== contract.contract || parsed.version !== contract.major) {
    return { kind: 'otherMessage', status, why: `answered ${parsed.contract} ${parsed.version} to a ${contract.contract} ${contract.major} request` };
  }
  const bodyNode = child(envelope, 'Body');
  const name = Object.keys(bodyNode ?? {}).find((k) => !k.startsWith('@_') && k !== '#text');
  const result = child(child(bodyNode, name ?? ''), 'result');
  const resultMessage = text(result, 'message') ?? text(result, 'resultText');
  return {
    kind: 'response',
    status,
    contentType,
    xml: body.toString('utf8'),
    bytes: body,
    node: child(bodyNode, name ?? '') ?? {},
    parsed,
    resultCode: text(result, 'resultCode'),
    resultMessage: resultMessage === undefined ? undefined : producerText(resultMessage),
  };
}

/** One line about an answer that was not a usable response. */
function describe(reading: Reading): string {
  switch (reading.kind) {
    case 'noAnswer':
    case 'notSoap':
      return reading.why;
    case 'fault':
      return `a SOAP Fault${reading.code ? ` ${producerText(reading.code)}` : ''} (HTTP ${reading.status}): ${reading.message}`;
    case 'otherMessage':
      return `not a response of the contract: ${reading.why}`;
    case 'response':
      return reading.resultCode === 'ERROR'
        ? `result ERROR${reading.resultMessage ? `: ${reading.resultMessage}` : ''}`
        : `result ${reading.resultCode ?? '(none)'} with ${reading.parsed.items.length} items`;
  }
}

const isUsable = (r: Reading): r is Extract<Reading, { kind: 'response' }> => r.kind === 'response' && r.resultCode !== 'ERROR';

// ---- Checks ------------------------------------------------------------------------------------

const safe = (message: string) => redactPersonalIdentitiesInText(message);
const check = (id: CheckId, status: CheckResult['status'], message: string, skipReason?: SkipReason): CheckResult => ({
  id,
  title: CHECK_TITLES[id],
  status,
  message: safe(message),
  ...(skipReason !== undefined ? { skipReason } : {}),
});
const pass = (id: CheckId, message: string) => check(id, 'pass', message);
const fail = (id: CheckId, message: string) => check(id, 'fail', message);
const skip = (id: CheckId, message: string) => check(id, 'skipped', message, 'unavailable');
const noData = (id: CheckId, message: string) => check(id, 'skipped', message, 'noData');
const notApplicable = (id: CheckId, message: string) => check(id, 'skipped', `not applicable: ${message}`, 'notApplicable');

/** At most three problems spelled out, then a count. */
function listed(problems: readonly string[]): string {
  const shown = problems.slice(0, 3).join('; ');
  return problems.length > 3 ? `${shown}; and ${problems.length - 3} more` : shown;
}

const who = (index: number) => `test resident ${index + 1}`;
const unknownWho = 'the unknown resident';

/** Does the contract's request carry this filter? Asked of its own request builder. */
function supports(contract: ContractVersion, extra: Partial<ContractRequest>, probe?: string): boolean {
  try {
    const base = contract.buildRequest({ patientId: DEFAULT_TEST_PATIENTS[0]! });
    const withIt = contract.buildRequest({ patientId: DEFAULT_TEST_PATIENTS[0]!, ...extra });
    return probe === undefined ? withIt !== base : withIt.includes(probe);
  } catch {
    return false;
  }
}

const patientIdType = (id: string) => (/^\d{6}[6-9]\d/.test(id) ? SAMORDNINGSNUMMER_OID : PERSONNUMMER_OID);

/** The item's documented instants: a time filter matches when any of them, or the period it covers, is inside (TKB). */
function within(item: RecordItem, start: number, end: number): boolean {
  const instants = [item.time, item.author?.time, item.signer?.time, item.validator?.time, item.blockComparisonTime];
  if (instants.some((t) => t !== undefined && t.getTime() >= start && t.getTime() <= end)) return true;
  const from = item.period?.start?.getTime();
  const to = item.period?.end?.getTime() ?? Infinity;
  return from !== undefined && from <= end && to >= start;
}

async function verifyContract(ctx: Context, contract: ContractVersion, url: string): Promise<ContractReport> {
  const timings: number[] = [];
  let timedOut = 0;
  let answered = 0;
  const send = async (body: string): Promise<Call> => {
    const { ms, outcome } = await exchange(ctx, url, contract, body);
    timings.push(ms);
    if (outcome.kind === 'timeout') timedOut++;
    if (outcome.kind === 'http') answered++;
    return { ms, reading: read(ctx, contract, outcome) };
  };
  const ask = ({ careContactIds, ...request }: ExtendedRequest) =>
    send(soapEnvelope(withCareContacts(contract.buildRequest({ patientIdType: patientIdType(request.patientId), ...request }), contract, careContactIds), { logicalAddress: ctx.logicalAddress }));

  // Independent calls at once: the test residents, the unknown resident and two bad requests.
  const valid = soapEnvelope(contract.buildRequest({ patientId: ctx.patients[0]! }), { logicalAddress: ctx.logicalAddress });
  const [mains, otherIdCalls, unknown, badId, brokenXml] = await Promise.all([
    Promise.all(ctx.patients.map((patientId) => ask({ patientId }))),
    Promise.all(ctx.otherIdKinds.map(({ id, type }) => ask({ patientId: id, patientIdType: type }))),
    ask({ patientId: ctx.unknownPatient }),
    ask({ patientId: MALFORMED_PATIENT_ID, patientIdType: PERSONNUMMER_OID }),
    // A request cut in half: not well-formed XML.
    send(valid.slice(0, Math.floor(valid.length / 2))),
  ]);
  const checks: CheckResult[] = [];
  const otherIds = ctx.otherIdKinds.map((kind, i) => ({
    kind: { id: kind.id, label: kind.type === SAMORDNINGSNUMMER_OID ? 'the samordningsnummer' : kind.type === PERSONNUMMER_OID ? 'the other personnummer' : `the reserve number (type ${producerText(kind.type)})` },
    reading: otherIdCalls[i]!.reading,
  }));
  const answers = [...mains.map((c, i) => ({ who: who(i), reading: c.reading })), { who: unknownWho, reading: unknown.reading }];
  const responses = mains.flatMap((c, i) => (c.reading.kind === 'response' ? [{ index: i, reading: c.reading }] : []));
  const usable = responses.filter((r) => isUsable(r.reading));

  // soap: an HTTP answer that is a SOAP 1.1 message (a Fault counts here; the result check judges it).
  {
    const problems = answers.flatMap(({ who: w, reading }) => {
      if (reading.kind === 'noAnswer' || reading.kind === 'notSoap') return [`${w}: ${reading.why}`];
      if (reading.kind === 'response' && reading.status !== 200) return [`${w}: a response with HTTP ${reading.status}, expected 200`];
      if (reading.kind === 'response' && !/^text\/xml\b/i.test(reading.contentType)) {
        return [`${w}: content type ${reading.contentType || '(none)'}, SOAP 1.1 uses text/xml`];
      }
      return [];
    });
    checks.push(problems.length > 0 ? fail('soap', listed(problems)) : pass('soap', `${answers.length} SOAP 1.1 answers`));
  }

  // schema
  {
    const schema = schemaFileFor(ctx.rivtaDir, contract);
    const validated = answers.flatMap(({ who: w, reading }) => (reading.kind === 'response' ? [{ w, reading }] : []));
    if ('missing' in schema) checks.push(skip('schema', `${schema.missing}; schema validity was not checked`));
    else if (validated.length === 0) checks.push(skip('schema', 'no response of the contract to validate'));
    else {
      const problems = validated.flatMap(({ w, reading }) => {
        const verdict = validateAgainstSchema(reading.xml, schema.file);
        return verdict.valid ? [] : [`${w}: ${producerText(verdict.errors.slice(0, 2).join(' / '))}${verdict.errors.length > 2 ? ` (${verdict.errors.length} errors)` : ''}`];
      });
      checks.push(problems.length > 0 ? fail('schema', listed(problems)) : pass('schema', `${validated.length} responses valid against ${contract.responderXsd}`));
    }
  }

  // result
  {
    const judged = answers.filter(({ reading }) => reading.kind !== 'noAnswer' && reading.kind !== 'notSoap');
    if (judged.length === 0) checks.push(skip('result', 'no SOAP answer to read'));
    else {
      const problems = judged.flatMap(({ who: w, reading }) => (reading.kind === 'response' && reading.resultCode !== 'ERROR' ? [] : [`${w}: ${describe(reading)}`]));
      const codes = [...new Set(judged.flatMap(({ reading }) => (reading.kind === 'response' ? [reading.resultCode ?? 'none (the contract has no result)'] : [])))];
      checks.push(problems.length > 0 ? fail('result', listed(problems)) : pass('result', `${contract.contract} ${contract.major} responses, result code ${codes.join(', ')}`));
    }
  }

  // items
  const itemCount = usable.reduce((n, r) => n + r.reading.parsed.items.length, 0);
  const noItems = () => `every answer for the ${usable.length} test residents was empty: nothing to check; give test residents the producer has records for (--patient)`;
  {
    if (usable.length === 0) checks.push(skip('items', 'no usable response to read items from'));
    else if (itemCount === 0) checks.push(noData('items', noItems()));
    else {
      const problems = usable.flatMap(({ index, reading }) => {
        const invalid = reading.parsed.faults.flatMap((f) => (f.kind === 'itemInvalid' ? [`${who(index)}: item ${f.index + 1} unreadable: ${producerText(f.message)}`] : []));
        const ids = reading.parsed.items.map((i) => i.id);
        const duplicates = [...new Set(ids.filter((id, n) => ids.indexOf(id) !== n))];
        return [...invalid, ...duplicates.map((id) => `${who(index)}: record id ${producerText(id)} occurs more than once`)];
      });
      const approved = usable.reduce((n, r) => n + r.reading.parsed.items.filter((i) => i.approvedForPatient).length, 0);
      checks.push(
        problems.length > 0
          ? fail('items', listed(problems))
          : pass('items', `${itemCount} items for ${usable.length} test residents, every one readable with approvedForPatient (${approved} true, ${itemCount - approved} false)`),
      );
    }
  }

  // patient
  {
    if (usable.length === 0) checks.push(skip('patient', 'no usable response to compare'));
    else if (itemCount === 0) checks.push(noData('patient', noItems()));
    else {
      const problems = usable.flatMap(({ index, reading }) => {
        const { dropped } = checkPatient(reading.parsed.items, ctx.patients[index]!, contract);
        return dropped > 0 ? [`${who(index)}: ${dropped} of ${reading.parsed.items.length} items are about another resident`] : [];
      });
      checks.push(problems.length > 0 ? fail('patient', listed(problems)) : pass('patient', `all ${itemCount} items name the resident asked for`));
    }
  }

  // idKinds: a samordningsnummer and a reserve number are answered like a personnummer (test cases 1.1.2, 1.1.3).
  {
    const problems: string[] = [];
    const seen: string[] = [];
    otherIds.forEach(({ kind, reading }) => {
      if (!isUsable(reading)) problems.push(`${kind.label}: got ${describe(reading)}; expected a response (an empty one if the producer has nothing)`);
      else {
        const { dropped } = checkPatient(reading.parsed.items, kind.id, contract);
        if (dropped > 0) problems.push(`${kind.label}: ${dropped} of ${reading.parsed.items.length} items are about another resident`);
        seen.push(`${kind.label}: ${reading.parsed.items.length} items`);
      }
    });
    if (otherIds.length === 0) checks.push(skip('idKinds', 'no samordningsnummer or reserve number to ask with'));
    else checks.push(problems.length > 0 ? fail('idKinds', listed(problems)) : pass('idKinds', `accepted (${seen.join('; ')})`));
  }

  // careParties: care giver and care unit named in every item (test case 3.1 VG_VE).
  {
    if (usable.length === 0) checks.push(skip('careParties', 'no usable response to read items from'));
    else if (itemCount === 0) checks.push(noData('careParties', noItems()));
    else {
      const problems = usable.flatMap(({ index, reading }) =>
        reading.parsed.items.flatMap((i) => {
          const missing = [isId(i.careGiver.hsaId) ? null : 'care giver', isId(i.careUnit.hsaId ?? i.careUnitHsaId) ? null : 'care unit'].filter((m) => m !== null);
          return missing.length > 0 ? [`${who(index)}: item ${producerText(i.id)} names no ${missing.join(' and no ')} HSA-id`] : [];
        }),
      );
      checks.push(problems.length > 0 ? fail('careParties', listed(problems)) : pass('careParties', `all ${itemCount} items name their care giver and care unit`));
    }
  }

  // approvedForPatient: items the producer does not approve are sent and marked false, not left out (test cases 4.1, 4.2).
  {
    const fields = periodFieldsFor(contract.contract, contract.major);
    if (usable.length === 0) checks.push(skip('approvedForPatient', 'no usable response to read items from'));
    else if (itemCount === 0) checks.push(noData('approvedForPatient', noItems()));
    else {
      const unmarked = fields
        ? usable.flatMap(({ index, reading }) =>
            itemElements(reading.node, fields).flatMap((node, n) => {
              const values = descendantTexts(node, 'approvedForPatient');
              return values.length > 0 && values.every((v) => v === 'true' || v === 'false' || v === '1' || v === '0') ? [] : [`${who(index)}: item ${n + 1} has no approvedForPatient true or false`];
            }),
          )
        : [];
      const notApproved = usable.reduce((n, r) => n + r.reading.parsed.items.filter((i) => !i.approvedForPatient).length, 0);
      if (unmarked.length > 0) checks.push(fail('approvedForPatient', listed(unmarked)));
      else if (notApproved === 0) {
        checks.push(noData('approvedForPatient', `all ${itemCount} items are approvedForPatient=true: no item to show that unapproved ones are sent and marked rather than left out; give a test resident with such a record (official test case 4.2)`));
      } else checks.push(pass('approvedForPatient', `${notApproved} of ${itemCount} items sent with approvedForPatient=false, every item marked`));
    }
  }

  // encoding: UTF-8 declared and used, Swedish letters intact (test cases 2.1, 2.2).
  {
    const answered = [...mains.map((c, i) => ({ w: who(i), reading: c.reading }))].flatMap(({ w, reading }) => (reading.kind === 'response' ? [{ w, reading }] : []));
    if (answered.length === 0) checks.push(skip('encoding', 'no response of the contract to read'));
    else if (itemCount === 0) checks.push(noData('encoding', noItems()));
    else {
      const problems = answered.flatMap(({ w, reading }) => {
        const found: string[] = [];
        const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(reading.contentType)?.[1];
        if (charset !== undefined && !/^utf-?8$/i.test(charset)) found.push(`${w}: content type declares charset ${producerText(charset)}, expected UTF-8`);
        const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(reading.bytes.subarray(0, 200).toString('latin1'))?.[1];
        if (declared !== undefined && !/^utf-?8$/i.test(declared)) found.push(`${w}: the XML declares encoding ${producerText(declared)}, expected UTF-8`);
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(reading.bytes);
        } catch {
          found.push(`${w}: the answer is not valid UTF-8`);
        }
        if (/Ã[¥¤¶…„–]/.test(reading.xml)) found.push(`${w}: å, ä or ö arrive encoded twice (UTF-8 read as Latin-1)`);
        if (reading.xml.includes('\uFFFD')) found.push(`${w}: the text holds replacement characters (U+FFFD): letters lost before sending`);
        return found;
      });
      const swedish = answered.reduce((n, { reading }) => n + (reading.xml.match(/[åäöÅÄÖé]/g)?.length ?? 0), 0);
      checks.push(
        problems.length > 0
          ? fail('encoding', listed(problems))
          : pass('encoding', `UTF-8 throughout${swedish > 0 ? `; ${swedish} Swedish letters (åäö) came through intact` : '; the answers held no å, ä or ö to check'}`),
      );
    }
  }

  // Filters, on one item of the first test resident with items: the filtered answer must keep it and hold nothing else.
  const withItems = usable.find((r) => r.reading.parsed.items.length > 0);
  const anchorIndex = withItems?.index;
  const anchorItems = withItems?.reading.parsed.items ?? [];
  const anchor = anchorItems[Math.floor(anchorItems.length / 2)];
  const noAnchor = (id: CheckId) =>
    usable.length === 0 ? skip(id, 'no usable response to take an item from') : noData(id, 'no items for any test resident to filter on; give test residents with records in this contract');
  const askFor = async (index: number, extra: Partial<ExtendedRequest>) => (await ask({ patientId: ctx.patients[index]!, ...extra })).reading;
  const filtered = (extra: Partial<ExtendedRequest>) => askFor(anchorIndex!, extra);
  const keeps = (items: readonly RecordItem[], label: string) => (items.some((i) => i.id === anchor!.id) ? [] : [`item ${producerText(anchor!.id)} ${label} was left out`]);

  // period: on the timestamps the contract's specification filters on (PERIOD_FIELDS), a day with an item and a period before them all (test cases 1.2.1, 1.2.3).
  {
    const fields = periodFieldsFor(contract.contract, contract.major);
    if (!supports(contract, { period: { start: new Date(0), end: new Date(1e12) } })) checks.push(notApplicable('period', 'the request has no period'));
    else if (!fields) checks.push(skip('period', `no rule for which timestamps ${contract.contract} ${contract.major} filters on`));
    else if (!anchor) checks.push(noAnchor('period'));
    else {
      const timed = usable.flatMap(({ index, reading }) =>
        itemElements(reading.node, fields).flatMap((node) => {
          const times = itemTimes(node, fields);
          const at = earliest(times);
          return at === undefined ? [] : [{ index, reading, at }];
        }),
      );
      if (timed.length === 0) checks.push(noData('period', `no item carries the timestamps the filter applies to (${fields.source})`));
      else {
        const chosen = timed[Math.floor(timed.length / 2)]!;
        const day = swedishDate(new Date(chosen.at));
        const [y, m, d] = day.split('-').map(Number) as [number, number, number];
        const start = fromSwedishWallClock(y, m, d, 0);
        const end = fromSwedishWallClock(y, m, d, 23, 59, 59);
        const first = Math.min(...timed.filter((t) => t.index === chosen.index).map((t) => t.at));
        const firstDay = swedishDate(new Date(first)).split('-').map(Number) as [number, number, number];
        const beforeEnd = new Date(fromSwedishWallClock(...firstDay, 0).getTime() - 1000);
        const expected = itemElements(chosen.reading.node, fields).filter((n) => matchesPeriod(itemTimes(n, fields), start.getTime(), end.getTime() + 999)).length;
        // Paged answers hold only the first page: an earlier item may be on a later one.
        const checkBefore = chosen.reading.parsed.hasMore === undefined;
        const [inDay, before] = await Promise.all([
          askFor(chosen.index, { period: { start, end } }),
          checkBefore ? askFor(chosen.index, { period: { start: EARLIEST_PERIOD_START, end: beforeEnd } }) : Promise.resolve(undefined),
        ]);
        const problems: string[] = [];
        if (!isUsable(inDay)) problems.push(`the request for ${day} got ${describe(inDay)}`);
        else {
          const elements = itemElements(inDay.node, fields);
          const outside = elements.filter((n) => !matchesPeriod(itemTimes(n, fields), start.getTime(), end.getTime() + 999)).length;
          if (outside > 0) problems.push(`asked for ${day}: ${outside} of ${elements.length} items have none of the filtered timestamps on that day`);
          if (elements.length < expected) problems.push(`asked for ${day}: answered ${elements.length} items, but the unfiltered answer has ${expected} dated that day`);
        }
        if (before !== undefined) {
          if (!isUsable(before)) problems.push(`the request for a period before every timestamp got ${describe(before)}`);
          else if (before.parsed.items.length > 0) problems.push(`asked for a period ending ${swedishDate(beforeEnd)}, before every timestamp: answered ${before.parsed.items.length} items, expected none`);
        }
        checks.push(
          problems.length > 0
            ? fail('period', listed(problems))
            : pass('period', `on ${fields.instants.map((p) => p.join('.')).concat(fields.periods.map((p) => p.join('.'))).join(', ')}: ${day} gave the ${expected} items of that day${checkBefore ? ', a period before them all gave none' : ''}`),
        );
      }
    }
  }

  // careUnit
  const unit = anchor?.careUnit.hsaId ?? anchor?.careUnitHsaId;
  if (!supports(contract, { careUnitHsaIds: ['CONFORMANCE-PROBE'] }, 'CONFORMANCE-PROBE')) checks.push(notApplicable('careUnit', 'the request has no care unit'));
  else if (!anchor) checks.push(noAnchor('careUnit'));
  else if (unit === undefined) checks.push(skip('careUnit', `item ${producerText(anchor.id)} names no care unit to filter on`));
  else {
    const reading = await filtered({ careUnitHsaIds: [unit] });
    if (!isUsable(reading)) checks.push(fail('careUnit', `the request for care unit ${unit} got ${describe(reading)}`));
    else {
      const others = reading.parsed.items.filter((i) => (i.careUnit.hsaId ?? i.careUnitHsaId) !== unit);
      const problems = [
        ...others.map((i) => `item ${producerText(i.id)} is from care unit ${i.careUnit.hsaId ?? i.careUnitHsaId ?? '(none)'}`),
        ...keeps(reading.parsed.items, `from ${unit}`),
      ];
      checks.push(problems.length > 0 ? fail('careUnit', `asked for ${unit}: ${listed(problems)}`) : pass('careUnit', `asked for ${unit}: ${reading.parsed.items.length} items, all from it`));
    }
  }

  // careGiver (test case 1.6 CareGiver / HealthcareProvider)
  const giver = anchor?.careGiver.hsaId;
  if (!supports(contract, { careGiverHsaIds: ['CONFORMANCE-PROBE'] }, 'CONFORMANCE-PROBE')) checks.push(notApplicable('careGiver', 'the request has no care giver'));
  else if (!anchor) checks.push(noAnchor('careGiver'));
  else if (!isId(giver)) checks.push(skip('careGiver', `item ${producerText(anchor.id)} names no care giver to filter on`));
  else {
    const reading = await filtered({ careGiverHsaIds: [giver!] });
    if (!isUsable(reading)) checks.push(fail('careGiver', `the request for care giver ${giver} got ${describe(reading)}`));
    else {
      const others = reading.parsed.items.filter((i) => i.careGiver.hsaId !== giver);
      const problems = [...others.map((i) => `item ${producerText(i.id)} is from care giver ${i.careGiver.hsaId ?? '(none)'}`), ...keeps(reading.parsed.items, `of ${giver}`)];
      checks.push(problems.length > 0 ? fail('careGiver', `asked for ${giver}: ${listed(problems)}`) : pass('careGiver', `asked for ${giver}: ${reading.parsed.items.length} items, all of it`));
    }
  }

  // careContact (test cases 1.5 CareContact, 1.9 NonExisting CareContact)
  if (!CARE_CONTACT_FILTER.has(`${contract.contract}/${contract.major}`)) checks.push(notApplicable('careContact', 'the request has no careContactId'));
  else if (!anchor) checks.push(noAnchor('careContact'));
  else {
    const withContact = usable.flatMap(({ index, reading }) => reading.parsed.items.filter((i) => isId(i.careContactId)).map((item) => ({ index, item })));
    if (withContact.length === 0) checks.push(noData('careContact', `none of the ${itemCount} items names a careContactId to filter on`));
    else {
      const { index, item } = withContact[Math.floor(withContact.length / 2)]!;
      const id = item.careContactId!;
      const [reading, none] = await Promise.all([askFor(index, { careContactIds: [id] }), askFor(index, { careContactIds: [NONEXISTENT_CARE_CONTACT] })]);
      const problems: string[] = [];
      if (!isUsable(reading)) problems.push(`the request for care contact ${producerText(id)} got ${describe(reading)}`);
      else {
        problems.push(...reading.parsed.items.filter((i) => i.careContactId !== id).map((i) => `item ${producerText(i.id)} belongs to care contact ${producerText(i.careContactId ?? '(none)')}`));
        if (!reading.parsed.items.some((i) => i.id === item.id)) problems.push(`item ${producerText(item.id)} of care contact ${producerText(id)} was left out`);
      }
      if (!isUsable(none)) problems.push(`the request for a care contact that does not exist got ${describe(none)}`);
      else if (none.parsed.items.length > 0) problems.push(`asked for a care contact that does not exist: answered ${none.parsed.items.length} items`);
      checks.push(problems.length > 0 ? fail('careContact', listed(problems)) : pass('careContact', `asked for ${producerText(id)}: only its items; an unknown care contact gave none`));
    }
  }

  // sourceSystem: this producer's own id keeps its items; another id gives nothing (or result ERROR, TKB INVALID_REQUEST).
  if (!supports(contract, { sourceSystemHsaId: 'CONFORMANCE-PROBE' }, 'CONFORMANCE-PROBE')) checks.push(notApplicable('sourceSystem', 'the request has no source system'));
  else if (!anchor) checks.push(noAnchor('sourceSystem'));
  else {
    const [own, other] = await Promise.all([filtered({ sourceSystemHsaId: ctx.logicalAddress }), filtered({ sourceSystemHsaId: OTHER_SOURCE_SYSTEM })]);
    const problems: string[] = [];
    if (!isUsable(own)) problems.push(`asked for its own source system: got ${describe(own)}`);
    else {
      const foreign = own.parsed.items.filter((i) => i.sourceSystemHsaId !== undefined && i.sourceSystemHsaId !== ctx.logicalAddress);
      problems.push(...foreign.map((i) => `item ${producerText(i.id)} is from source system ${i.sourceSystemHsaId}`), ...keeps(own.parsed.items, 'of its own'));
    }
    const refused = other.kind === 'fault' || (other.kind === 'response' && other.resultCode === 'ERROR');
    if (!refused) {
      if (other.kind !== 'response') problems.push(`asked for another source system: got ${describe(other)}`);
      else if (other.parsed.items.length > 0) problems.push(`asked for another source system (${OTHER_SOURCE_SYSTEM}): answered ${other.parsed.items.length} items`);
    }
    checks.push(
      problems.length > 0
        ? fail('sourceSystem', listed(problems))
        : pass('sourceSystem', `its own source system kept its items; another one got ${refused ? 'an error' : 'an empty answer'}`),
    );
  }

  // paging
  if (!supports(contract, { continuation: 'CONFORMANCE-PROBE' }, 'CONFORMANCE-PROBE')) checks.push(notApplicable('paging', 'the contract does not page'));
  else if (usable.length === 0) checks.push(skip('paging', 'no usable response to page from'));
  else {
    const problems: string[] = [];
    const followed: string[] = [];
    for (const { index, reading } of usable) {
      if (!reading.parsed.hasMore) continue;
      const ids = new Set(reading.parsed.items.map((i) => i.id));
      const references = new Set<string>();
      let next: string | undefined = reading.parsed.hasMore.reference;
      let pages = 1;
      let duplicates = 0;
      while (next !== undefined && next !== '') {
        if (references.has(next)) {
          problems.push(`${who(index)}: page ${pages} handed out a reference already followed`);
          break;
        }
        if (pages >= ctx.maxPages) {
          problems.push(`${who(index)}: still hasMore after ${ctx.maxPages} pages`);
          break;
        }
        references.add(next);
        const page: Reading = (await ask({ patientId: ctx.patients[index]!, continuation: next })).reading;
        pages++;
        if (!isUsable(page)) {
          problems.push(`${who(index)}: page ${pages} got ${describe(page)}`);
          break;
        }
        for (const item of page.parsed.items) {
          if (ids.has(item.id)) duplicates++;
          ids.add(item.id);
        }
        next = page.parsed.hasMore?.reference;
      }
      if (duplicates > 0) problems.push(`${who(index)}: ${duplicates} items came again on a later page`);
      followed.push(`${who(index)}: ${pages} pages, ${ids.size} items`);
    }
    checks.push(
      problems.length > 0
        ? fail('paging', listed(problems))
        : pass('paging', followed.length > 0 ? `followed hasMore to the end, no duplicates (${followed.join('; ')})` : 'every answer fit one page (hasMore not offered)'),
    );
  }

  // unknownPatient
  {
    const r = unknown.reading;
    if (r.kind === 'response' && r.resultCode !== 'ERROR' && r.parsed.items.length === 0) checks.push(pass('unknownPatient', `an empty answer (result ${r.resultCode ?? 'none'})`));
    else if (r.kind === 'response' && r.resultCode !== 'ERROR') checks.push(fail('unknownPatient', `answered ${r.parsed.items.length} items about a resident the producer should not know`));
    else checks.push(fail('unknownPatient', `expected an empty answer, got ${describe(r)}`));
  }

  // badRequest: a SOAP Fault or result ERROR; never data, a non-SOAP error, a dropped connection or silence.
  {
    const judge = (label: string, r: Reading): string[] => {
      if (r.kind === 'fault' || (r.kind === 'response' && r.resultCode === 'ERROR')) return [];
      if (r.kind === 'response') {
        return [`${label}: answered result ${r.resultCode ?? '(none)'}${r.parsed.items.length > 0 ? ` with ${r.parsed.items.length} items` : ''}; expected a SOAP Fault or result ERROR`];
      }
      return [`${label}: ${describe(r)}; expected a SOAP Fault or result ERROR`];
    };
    const problems = [...judge('malformed patient id', badId.reading), ...judge('request that is not well-formed XML', brokenXml.reading)];
    checks.push(problems.length > 0 ? fail('badRequest', listed(problems)) : pass('badRequest', 'a malformed patient id and broken XML were both refused'));
  }

  // responseTime
  const sorted = [...timings].sort((a, b) => a - b);
  const median = sorted.length === 0 ? null : sorted[Math.floor((sorted.length - 1) / 2)]!;
  const max = sorted.at(-1) ?? null;
  {
    const measured = `${timings.length} calls, median ${median ?? '-'} ms, slowest ${max ?? '-'} ms`;
    if (timedOut > 0) checks.push(fail('responseTime', `${timedOut} of ${timings.length} calls got no answer within ${ctx.timeoutMs} ms`));
    // A refused connection is quick, not a response time.
    else if (answered === 0) checks.push(skip('responseTime', `none of ${timings.length} calls got an answer to time`));
    else if (max !== null && max > ctx.maxResponseMs) checks.push(fail('responseTime', `${measured}: slower than the limit of ${ctx.maxResponseMs} ms`));
    else checks.push(pass('responseTime', `${measured} (limit ${ctx.maxResponseMs} ms)`));
  }

  return {
    contract: contract.contract,
    major: contract.major,
    schemaVersion: contract.version,
    responderNamespace: contract.responderNamespace,
    url,
    ok: checks.every(passes),
    items: itemCount,
    responseTimes: { calls: timings.length, timedOut, minMs: sorted[0] ?? null, medianMs: median, maxMs: max },
    checks,
  };
}

/**
 * A check counts as passed when it passed, or was skipped because the contract lacks the feature.
 * Skipped for want of data is never a pass: a producer answering everything with an empty valid
 * answer has shown nothing, and fails.
 */
const passes = (c: CheckResult) => c.status === 'pass' || (c.status === 'skipped' && c.skipReason === 'notApplicable');

// ---- Entry -------------------------------------------------------------------------------------

const invalid = (field: string, message: string) => new JournalenError('INPUT_INVALID', `${field}: ${message}`, { field });

/** The template when it is usable (src/transport/addresses.ts's rule), else INPUT_INVALID naming the field. */
export function checkPathTemplate(template: string, field = 'pathTemplate'): string {
  const problem = templateProblem(template);
  if (problem !== undefined) throw invalid(field, `${JSON.stringify(template)} ${problem}`);
  return template;
}

function positive(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw invalid(field, 'must be a whole number of at least 1');
  return value;
}

function httpUrl(value: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, `${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(field, 'must be an http or https URL');
  return value;
}

/** The contract versions to check and the URL of each. */
function targets(options: VerifyProducerOptions): { contract: ContractVersion; url: string }[] {
  for (const name of options.contracts ?? []) {
    if (!(CONTRACT_NAMES as readonly string[]).includes(name)) throw invalid('contracts', `unknown contract ${JSON.stringify(name)}; known: ${CONTRACT_NAMES.join(', ')}`);
  }
  const { endpoint } = options;
  if (typeof endpoint === 'string') {
    const base = httpUrl(endpoint, 'endpoint');
    const template = checkPathTemplate(options.pathTemplate ?? PLATFORM_PATH_TEMPLATE);
    const names = options.contracts ?? CONTRACT_NAMES;
    return CONTRACT_VERSIONS.filter((c) => names.includes(c.contract)).map((contract) => ({ contract, url: contractUrl(base, template, contract) }));
  }
  const urlOf = (c: ContractVersion) => endpoint[`${c.contract}/${c.major}`] ?? endpoint[c.contract];
  for (const key of Object.keys(endpoint)) {
    if (!CONTRACT_VERSIONS.some((c) => key === c.contract || key === `${c.contract}/${c.major}`)) throw invalid('endpoint', `${JSON.stringify(key)} is not a contract or Contract/major`);
    httpUrl(endpoint[key]!, `endpoint.${key}`);
  }
  const chosen = options.contracts === undefined ? CONTRACT_VERSIONS.filter((c) => urlOf(c) !== undefined) : CONTRACT_VERSIONS.filter((c) => options.contracts!.includes(c.contract));
  return chosen.map((contract) => {
    const url = urlOf(contract);
    if (url === undefined) throw invalid('endpoint', `no URL for ${contract.contract} ${contract.major}`);
    return { contract, url };
  });
}

async function mapLimit<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function verifyProducer(options: VerifyProducerOptions): Promise<ConformanceReport> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  if (typeof options.logicalAddress !== 'string' || !/^\S{1,64}$/.test(options.logicalAddress)) throw invalid('logicalAddress', 'must be an HSA-id or organisation number without spaces');
  const patients = [...(options.testPatients ?? DEFAULT_TEST_PATIENTS)];
  const otherIdKinds = [...(options.otherIdKinds ?? DEFAULT_OTHER_ID_KINDS.map(({ id, type }) => ({ id, type })))];
  otherIdKinds.forEach((k, i) => {
    if (!PATIENT_ID.test(k.id)) throw invalid(`otherIdKinds[${i}]`, 'must be 12 characters: 8 digits, then 4 digits or letters');
    if (typeof k.type !== 'string' || !/^[\w.:-]{1,64}$/.test(k.type)) throw invalid(`otherIdKinds[${i}].type`, 'must be an OID or a local id type without spaces');
  });
  if (patients.length === 0) throw invalid('testPatients', 'give at least one test resident');
  const unknownPatient = options.unknownPatient ?? DEFAULT_UNKNOWN_PATIENT;
  // The message names the position, never the number.
  patients.forEach((p, i) => {
    if (!PATIENT_ID.test(p)) throw invalid(`testPatients[${i}]`, 'must be 12 characters: 8 digits, then 4 digits or letters');
  });
  if (!PATIENT_ID.test(unknownPatient)) throw invalid('unknownPatient', 'must be 12 characters: 8 digits, then 4 digits or letters');
  const list = targets(options);
  if (list.length === 0) throw invalid('contracts', 'no contract to check');
  const ctx: Context = {
    logicalAddress: options.logicalAddress,
    transport: options.transport ?? defaultTransport,
    timeoutMs: positive(options.timeoutMs, 30_000, 'timeoutMs'),
    maxResponseMs: positive(options.maxResponseMs, 27_000, 'maxResponseMs'),
    maxResponseBytes: positive(options.maxResponseBytes, 16 * 1024 * 1024, 'maxResponseBytes'),
    maxPages: positive(options.maxPages, 50, 'maxPages'),
    rivtaDir: options.rivtaDir === null ? undefined : (options.rivtaDir ?? defaultRivtaDir()),
    consumerHsaId: options.consumerHsaId ?? JOURNALEN_HSA_ID,
    patients,
    unknownPatient,
    otherIdKinds,
  };
  const checksTotal = list.length * CHECK_IDS.length;
  let checksDone = 0;
  await options.onProgress?.({ checksDone, checksTotal });
  const contracts = await mapLimit(list, positive(options.concurrency, 2, 'concurrency'), async ({ contract, url }) => {
    const report = await verifyContract(ctx, contract, url);
    checksDone += report.checks.length;
    await options.onProgress?.({ checksDone, checksTotal });
    return report;
  });
  const all = contracts.flatMap((c) => c.checks);
  const failed = all.filter((c) => c.status === 'fail').length;
  const skipped = all.filter((c) => c.status === 'skipped').length;
  const noDataCount = all.filter((c) => c.status === 'skipped' && c.skipReason === 'noData').length;
  return {
    kind: 'journalen.producer-conformance',
    reportVersion: 2,
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    logicalAddress: options.logicalAddress,
    endpoint: typeof options.endpoint === 'string' ? options.endpoint : null,
    ok: contracts.every((c) => c.ok),
    summary: { passed: all.length - failed - skipped, failed, skipped, noData: noDataCount },
    settings: {
      testResidents: patients.length,
      timeoutMs: ctx.timeoutMs,
      maxResponseMs: ctx.maxResponseMs,
      maxResponseBytes: ctx.maxResponseBytes,
      schemaDir: ctx.rivtaDir ?? null,
      pathTemplate: typeof options.endpoint === 'string' ? (options.pathTemplate ?? PLATFORM_PATH_TEMPLATE) : null,
    },
    contracts,
  };
}
