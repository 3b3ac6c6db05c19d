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
import { child, DEFAULT_LIMITS, namespaceDeclarations, parseXml, text } from '../contracts/xml.js';
import type { RecordItem } from '../domain/record.js';
import { fromSwedishWallClock, swedishDate } from '../domain/time.js';
import { JOURNALEN_HSA_ID } from '../engagement-index/engagement.js';
import { JournalenError } from '../errors/index.js';
import { redactPersonalIdentitiesInText } from '../operations/logger.js';
import { SIMULATOR_SYSTEM_IDS } from '../simulators/care-units.js';
import { createPopulation, TOLVAN } from '../simulators/population.js';
import { CHECK_TITLES, type CheckId, type CheckResult, type ConformanceReport, type ContractReport, type SkipReason } from './report.js';
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
   * Base URL, each contract version at `<endpoint>/<Contract>/<major>` as our simulators serve
   * them; or a URL per contract version, keyed `Contract/major` or `Contract` (then only those
   * are checked, unless `contracts` says otherwise).
   */
  readonly endpoint: string | Readonly<Record<string, string>>;
  /** The producer's logical address (HSA-id), sent in the LogicalAddress header. */
  readonly logicalAddress: string;
  /** Contracts to check (every known major version of each). Default: every contract the project knows. */
  readonly contracts?: readonly ContractName[];
  /** 12-character ids. Default: Tolvan (191212121212) and two residents of the default synthetic population. */
  readonly testPatients?: readonly string[];
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
  /**
   * Fail, rather than skip, the filter checks of a contract where no test resident has records.
   * Default false: a simulator holds nothing of some kinds (Millennium has no lab results).
   */
  readonly requireData?: boolean;
  /** Contract versions checked at once. Default 2. */
  readonly concurrency?: number;
  /** Clock for the report's times and the default population. */
  readonly now?: () => Date;
}

export const DEFAULT_UNKNOWN_PATIENT = '188803099368';
/** Not 12 characters of digits: every producer must refuse it (TKB: INVALID_REQUEST). */
const MALFORMED_PATIENT_ID = '0000-INVALID';
/** A source system that is not the producer: the answer must be empty or an error. */
const OTHER_SOURCE_SYSTEM = 'SE0000000000-CONFORMANCE';
const SOAP_12 = 'http://www.w3.org/2003/05/soap-envelope';
const PATIENT_ID = /^[0-9]{8}[0-9A-Za-z]{4}$/;

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
  readonly requireData: boolean;
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
    const base = contract.buildRequest({ patientId: TOLVAN });
    const withIt = contract.buildRequest({ patientId: TOLVAN, ...extra });
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
  const send = async (body: string): Promise<Call> => {
    const { ms, outcome } = await exchange(ctx, url, contract, body);
    timings.push(ms);
    if (outcome.kind === 'timeout') timedOut++;
    return { ms, reading: read(ctx, contract, outcome) };
  };
  const ask = (request: ContractRequest) =>
    send(soapEnvelope(contract.buildRequest({ patientIdType: patientIdType(request.patientId), ...request }), { logicalAddress: ctx.logicalAddress }));

  // Independent calls at once: the test residents, the unknown resident and two bad requests.
  const valid = soapEnvelope(contract.buildRequest({ patientId: ctx.patients[0]! }), { logicalAddress: ctx.logicalAddress });
  const [mains, unknown, badId, brokenXml] = await Promise.all([
    Promise.all(ctx.patients.map((patientId) => ask({ patientId }))),
    ask({ patientId: ctx.unknownPatient }),
    ask({ patientId: MALFORMED_PATIENT_ID, patientIdType: PERSONNUMMER_OID }),
    // A request cut in half: not well-formed XML.
    send(valid.slice(0, Math.floor(valid.length / 2))),
  ]);
  const checks: CheckResult[] = [];
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
  {
    if (usable.length === 0) checks.push(skip('items', 'no usable response to read items from'));
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
    else {
      const problems = usable.flatMap(({ index, reading }) => {
        const { dropped } = checkPatient(reading.parsed.items, ctx.patients[index]!, contract);
        return dropped > 0 ? [`${who(index)}: ${dropped} of ${reading.parsed.items.length} items are about another resident`] : [];
      });
      checks.push(problems.length > 0 ? fail('patient', listed(problems)) : pass('patient', `all ${itemCount} items name the resident asked for`));
    }
  }

  // Filters, on one item of the first test resident with items: the filtered answer must keep it and hold nothing else.
  const withItems = usable.find((r) => r.reading.parsed.items.length > 0);
  const anchorIndex = withItems?.index;
  const anchorItems = withItems?.reading.parsed.items ?? [];
  const anchor = anchorItems[Math.floor(anchorItems.length / 2)];
  const noAnchor = (id: CheckId) =>
    usable.length === 0 ? skip(id, 'no usable response to take an item from') : noData(id, 'no items for any test resident to filter on; give test residents with records in this contract');
  const filtered = async (extra: Partial<ContractRequest>) => (await ask({ patientId: ctx.patients[anchorIndex!]!, ...extra })).reading;
  const keeps = (items: readonly RecordItem[], label: string) => (items.some((i) => i.id === anchor!.id) ? [] : [`item ${producerText(anchor!.id)} ${label} was left out`]);

  // period
  if (!supports(contract, { period: { start: new Date(0), end: new Date(1e12) } })) checks.push(notApplicable('period', 'the request has no period'));
  else if (!anchor) checks.push(noAnchor('period'));
  else {
    const day = swedishDate(anchor.time);
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    const start = fromSwedishWallClock(y, m, d, 0);
    const end = fromSwedishWallClock(y, m, d, 23, 59, 59);
    const reading = await filtered({ period: { start, end } });
    if (!isUsable(reading)) checks.push(fail('period', `the request for ${day} got ${describe(reading)}`));
    else {
      // End of day inclusive: a date period covers its whole last day.
      const outside = reading.parsed.items.filter((i) => !within(i, start.getTime(), end.getTime() + 999));
      const problems = [
        ...outside.map((i) => `item ${producerText(i.id)} dated ${i.time.toISOString()} is outside ${day}`),
        ...keeps(reading.parsed.items, `dated ${day}`),
      ];
      checks.push(problems.length > 0 ? fail('period', `asked for ${day}: ${listed(problems)}`) : pass('period', `asked for ${day}: ${reading.parsed.items.length} items, none outside`));
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
    const answered = `${timings.length} calls, median ${median ?? '-'} ms, slowest ${max ?? '-'} ms`;
    if (timedOut > 0) checks.push(fail('responseTime', `${timedOut} of ${timings.length} calls got no answer within ${ctx.timeoutMs} ms`));
    else if (max !== null && max > ctx.maxResponseMs) checks.push(fail('responseTime', `${answered}: slower than the limit of ${ctx.maxResponseMs} ms`));
    else checks.push(pass('responseTime', `${answered} (limit ${ctx.maxResponseMs} ms)`));
  }

  return {
    contract: contract.contract,
    major: contract.major,
    schemaVersion: contract.version,
    responderNamespace: contract.responderNamespace,
    url,
    ok: checks.every((c) => passes(c, ctx.requireData)),
    items: itemCount,
    responseTimes: { calls: timings.length, timedOut, minMs: sorted[0] ?? null, medianMs: median, maxMs: max },
    checks,
  };
}

/**
 * A check counts as passed when it passed, or was skipped because the contract lacks the feature,
 * or (unless data is required) because the test residents have no records there to check with.
 */
const passes = (c: CheckResult, requireData: boolean) =>
  c.status === 'pass' || (c.status === 'skipped' && (c.skipReason === 'notApplicable' || (c.skipReason === 'noData' && !requireData)));

// ---- Entry -------------------------------------------------------------------------------------

/** Residents looked at for the default choice: enough to cover what the population holds, cheap to generate. */
const CANDIDATES = 300;
const MAX_DEFAULT_PATIENTS = 8;
// The choice costs about a second of record generation; one run's worth is kept.
let lastChoice: { at: number; patients: string[] } | undefined;

/**
 * Tolvan, who has care in every system, and up to seven more residents of the default synthetic
 * population (as `npm start` serves it), chosen so that together they have records in as many
 * (system, contract) pairs as possible: then the filter and paging checks have something to
 * work on in every simulator. Synthetic numbers may coincide with real people's; against a
 * producer's test environment give Skatteverket's test numbers instead.
 */
export function defaultTestPatients(now: Date): string[] {
  if (lastChoice?.at === now.getTime()) return [...lastChoice.patients];
  const population = createPopulation({ now });
  const infoTypes = [...new Set(CONTRACT_VERSIONS.map((c) => c.infoType))];
  const pairs = (personnummer: string) =>
    new Set(
      SIMULATOR_SYSTEM_IDS.flatMap((system) => {
        const held = population.itemsFor(personnummer, system).filter((i) => i.time.getTime() <= now.getTime());
        return infoTypes.filter((t) => held.some((i) => i.infoType === t)).map((t) => `${system}/${t}`);
      }),
    );
  const candidates = Array.from({ length: Math.min(population.size, CANDIDATES) }, (_, i) => population.residentAt(i).personnummer).map((p) => ({ p, covers: pairs(p) }));
  const chosen = [TOLVAN];
  const covered = new Set(candidates.find((c) => c.p === TOLVAN)?.covers ?? []);
  while (chosen.length < MAX_DEFAULT_PATIENTS) {
    let best: { p: string; gain: number } | undefined;
    for (const c of candidates) {
      const gain = [...c.covers].filter((k) => !covered.has(k)).length;
      if (gain > (best?.gain ?? 0)) best = { p: c.p, gain };
    }
    if (!best) break;
    chosen.push(best.p);
    for (const k of candidates.find((c) => c.p === best.p)!.covers) covered.add(k);
  }
  lastChoice = { at: now.getTime(), patients: chosen };
  return [...chosen];
}

const invalid = (field: string, message: string) => new JournalenError('INPUT_INVALID', `${field}: ${message}`, { field });

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
    const base = httpUrl(endpoint, 'endpoint').replace(/\/+$/, '');
    const names = options.contracts ?? CONTRACT_NAMES;
    return CONTRACT_VERSIONS.filter((c) => names.includes(c.contract)).map((contract) => ({ contract, url: `${base}/${contract.contract}/${contract.major}` }));
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
  const patients = [...(options.testPatients ?? defaultTestPatients(startedAt))];
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
    requireData: options.requireData ?? false,
  };
  const contracts = await mapLimit(list, positive(options.concurrency, 2, 'concurrency'), ({ contract, url }) => verifyContract(ctx, contract, url));
  const all = contracts.flatMap((c) => c.checks);
  const failed = all.filter((c) => c.status === 'fail').length;
  const skipped = all.filter((c) => c.status === 'skipped').length;
  return {
    kind: 'journalen.producer-conformance',
    reportVersion: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    logicalAddress: options.logicalAddress,
    endpoint: typeof options.endpoint === 'string' ? options.endpoint : null,
    ok: contracts.every((c) => c.ok),
    summary: { passed: all.length - failed - skipped, failed, skipped },
    settings: {
      testResidents: patients.length,
      timeoutMs: ctx.timeoutMs,
      maxResponseMs: ctx.maxResponseMs,
      maxResponseBytes: ctx.maxResponseBytes,
      schemaDir: ctx.rivtaDir ?? null,
      requireData: ctx.requireData,
    },
    contracts,
  };
}
