import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ALL_TEST_PERSONS } from '../conformance/test-persons.js';
import { itemElements, itemTimes, matchesPeriod, periodFieldsFor, type PeriodFields } from '../conformance/period-fields.js';
import { CONTRACT_VERSIONS, parseContractResponse } from '../contracts/registry.js';
import { responderSchemaFile, validateAgainstSchema } from '../contracts/schema-validation.js';
import { soapFault } from '../contracts/soap.js';
import type { ContractVersion } from '../contracts/types.js';
import { child, children, parseXml, rivTime, text, type XmlNode } from '../contracts/xml.js';
import type { RecordItem } from '../domain/record.js';

/**
 * A "replay" producer for tests: it serves the official mock responses of Inera's test suites
 * (`../shared/rivta/samples/<Contract>/official_mock_*.xml`) as one producer's records about
 * the national test persons, and filters them as the specifications say (period on the
 * timestamps of PERIOD_FIELDS, care unit, care giver, source system, careContactId). Each item
 * is the sample's own XML, with the SoapUI `${...}` placeholders filled in: what the
 * conformance suite sees is what the official test data looks like.
 *
 * Items our parser cannot read, or that the responder XSD refuses after substitution, are left
 * out and counted in `stats` (the official mocks contain a few deliberate oddities).
 */

export interface ReplayItem {
  readonly xml: string;
  readonly item: RecordItem;
  readonly node: XmlNode;
}

export interface ReplayContract {
  readonly contract: ContractVersion;
  readonly items: readonly ReplayItem[];
  /** Envelope up to the response element's start tag, and from its end tag on (result included). */
  readonly head: string;
  readonly tail: string;
  readonly files: number;
  readonly excluded: number;
}

export interface ReplayProducer {
  readonly baseUrl: string;
  readonly logicalAddress: string;
  /** Per `Contract/major`: the contracts served (those with official mock responses). */
  readonly contracts: ReadonlyMap<string, ReplayContract>;
  close(): Promise<void>;
}

export interface ReplayOptions {
  /** The shared/rivta folder. */
  readonly rivtaDir: string;
  readonly logicalAddress?: string;
  /** When set, every request is answered with an empty response of the contract (an always-empty producer). */
  readonly empty?: boolean;
  /** Serve over HTTPS with these options (e.g. `requestCert` and `rejectUnauthorized` for a producer requiring mutual TLS). */
  readonly https?: HttpsServerOptions;
}

const PATIENT = '@@REPLAY-PATIENT@@';
const PATIENT_TYPE = '@@REPLAY-PATIENT-TYPE@@';
export const REPLAY_CARE_UNIT = 'SE2321000016-RPVE';
export const REPLAY_CARE_GIVER = 'SE2321000016-RPVG';
export const REPLAY_CARE_CONTACT = 'RP-VK-1';

function substitute(xml: string, stem: string, logicalAddress: string): string {
  let n = 0;
  const values: Record<string, () => string> = {
    patientId: () => PATIENT,
    patientIdType: () => PATIENT_TYPE,
    documentId: () => `${stem}-${++n}`,
    sourceSystemHSAId: () => logicalAddress,
    sourceSystem: () => logicalAddress,
    logicalAddress: () => logicalAddress,
    careUnitHSAId: () => REPLAY_CARE_UNIT,
    careUnitHSAid: () => REPLAY_CARE_UNIT,
    careUnitId1: () => REPLAY_CARE_UNIT,
    careGiverHSAId: () => REPLAY_CARE_GIVER,
    careContactId: () => REPLAY_CARE_CONTACT,
    now: () => '20240105120000',
  };
  return (
    xml
      .replace(/\$\{([^}]+)\}/g, (_m, name: string) => values[name]?.() ?? (/time|date/i.test(name) ? '20240105120000' : 'X1'))
      // One producer serves it all: every item names this producer as its source system,
      .replace(/(<(?:[\w.-]+:)?sourceSystemHSAI[dD]>)[^<]*(<\/)/g, `$1${logicalAddress}$2`)
      .replace(/(<(?:[\w.-]+:)?sourceSystemId>\s*<(?:[\w.-]+:)?root>[^<]*<\/(?:[\w.-]+:)?root>\s*<(?:[\w.-]+:)?extension>)[^<]*(<\/)/g, `$1${logicalAddress}$2`)
      // and is about the resident asked about (some mocks hard-code another test number).
      .replace(/(<(?:[\w.-]+:)?patientId>\s*<(?:[\w.-]+:)?(?:id|root)>)[^<]*(<\/)/g, (_m, a: string, b: string) => `${a}${a.endsWith('root>') ? PATIENT_TYPE : PATIENT}${b}`)
      .replace(/(<(?:[\w.-]+:)?patientId>\s*<(?:[\w.-]+:)?(?:id|root)>[^<]*<\/(?:[\w.-]+:)?(?:id|root)>\s*<(?:[\w.-]+:)?(?:type|extension)>)[^<]*(<\/)/g, (_m, a: string, b: string) => `${a}${a.endsWith('extension>') ? PATIENT : PATIENT_TYPE}${b}`)
      // SoapUI "?" blanks where the header names the care giver and unit.
      .replace(/(<(?:[\w.-]+:)?healthcareProfessionalCareGiverHSAId>)\s*\?\s*(<\/)/g, `$1${REPLAY_CARE_GIVER}$2`)
      .replace(/(<(?:[\w.-]+:)?healthcareProfessionalCareUnitHSAId>)\s*\?\s*(<\/)/g, `$1${REPLAY_CARE_UNIT}$2`)
      .replace(/(<(?:[\w.-]+:)?careContactId>)\s*\?\s*(<\/)/g, `$1${REPLAY_CARE_CONTACT}$2`)
      // Every record its own id (the JoL mocks repeat "1" or "?").
      .replace(/(<(?:[\w.-]+:)?record>\s*<(?:[\w.-]+:)?id>\s*<(?:[\w.-]+:)?root>[^<]*<\/(?:[\w.-]+:)?root>\s*<(?:[\w.-]+:)?extension>)[^<]*(<\/)/g, (_m, a: string, b: string) => `${a}${values.documentId!()}${b}`)
      // Test case 3.1 VG_VE: the header names care unit and care giver; where a mock leaves them out, this producer's own.
      .replace(/<((?:[\w.-]+:)?)accountableHealthcareProfessional>([\s\S]*?)<\/\1accountableHealthcareProfessional>/g, (_m, p: string, inner: string) => {
        let body = inner;
        if (!body.includes(`${p}healthcareProfessionalCareUnitHSAId>`)) {
          const giverAt = body.indexOf(`<${p}healthcareProfessionalCareGiverHSAId>`);
          const unit = `<${p}healthcareProfessionalCareUnitHSAId>${REPLAY_CARE_UNIT}</${p}healthcareProfessionalCareUnitHSAId>`;
          body = giverAt < 0 ? `${body}${unit}` : `${body.slice(0, giverAt)}${unit}${body.slice(giverAt)}`;
        }
        if (!body.includes(`${p}healthcareProfessionalCareGiverHSAId>`)) body = `${body}<${p}healthcareProfessionalCareGiverHSAId>${REPLAY_CARE_GIVER}</${p}healthcareProfessionalCareGiverHSAId>`;
        return `<${p}accountableHealthcareProfessional>${body}</${p}accountableHealthcareProfessional>`;
      })
      // A content-id reference where the XSD wants the image bytes (base64Binary).
      .replace(/(<(?:[\w.-]+:)?(?:dicomValue|imageDataValue)>)\s*cid:[^<]*(<\/)/g, '$1AAAA$2')
  );
}

/** The namespace declarations of every start tag before `at` that is still open (Envelope, Body, response). */
function declarationsBefore(xml: string, at: number): string[] {
  const decls = new Map<string, string>();
  for (const m of xml.slice(0, at).matchAll(/<(?![?!/])[^>]*>/g)) {
    for (const d of m[0].matchAll(/\s(xmlns(?::[\w.-]+)?)\s*=\s*("[^"]*"|'[^']*')/g)) decls.set(d[1]!, d[2]!);
  }
  return [...decls].map(([k, v]) => `${k}=${v}`);
}

function withDeclarations(item: string, decls: readonly string[]): string {
  const end = item.indexOf('>');
  const startTag = item.slice(0, end);
  const missing = decls.filter((d) => !startTag.includes(` ${d.split('=')[0]}=`));
  const selfClosing = startTag.endsWith('/');
  const base = selfClosing ? startTag.slice(0, -1) : startTag;
  return `${base}${missing.map((d) => ` ${d}`).join('')}${selfClosing ? '/' : ''}${item.slice(end)}`;
}

interface Split {
  readonly head: string;
  readonly tail: string;
  readonly items: string[];
}

/** The response element's item elements as raw strings, and the envelope around them. */
function split(xml: string, contract: ContractVersion, fields: PeriodFields): Split | undefined {
  const responseTag = new RegExp(`<((?:[\\w.-]+:)?)${contract.contract}Response[\\s>]`).exec(xml);
  if (!responseTag) return undefined;
  const prefix = responseTag[1]!;
  const itemOpen = new RegExp(`<${prefix.replace('.', '\\.')}${fields.itemElement}[\\s>]`, 'g');
  const itemClose = `</${prefix}${fields.itemElement}>`;
  const items: string[] = [];
  let first = -1;
  let last = -1;
  itemOpen.lastIndex = responseTag.index;
  for (let m = itemOpen.exec(xml); m; m = itemOpen.exec(xml)) {
    const end = xml.indexOf(itemClose, m.index);
    if (end < 0) return undefined;
    if (first < 0) first = m.index;
    last = end + itemClose.length;
    items.push(withDeclarations(xml.slice(m.index, last), declarationsBefore(xml, m.index)));
    itemOpen.lastIndex = last;
  }
  const headEnd = xml.indexOf('>', responseTag.index) + 1;
  if (first < 0) return { head: xml.slice(0, headEnd), tail: xml.slice(headEnd), items };
  return { head: xml.slice(0, first), tail: xml.slice(last), items };
}

const fill = (xml: string, patientId: string, type: string) => xml.replaceAll(PATIENT, patientId).replaceAll(PATIENT_TYPE, type);

/** Reads the official mocks of a contract version into replayable items. */
export function loadReplayContract(rivtaDir: string, contract: ContractVersion, logicalAddress: string): ReplayContract | undefined {
  const fields = periodFieldsFor(contract.contract, contract.major);
  if (!fields) return undefined;
  const dir = path.join(rivtaDir, 'samples', contract.contract);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.startsWith('official_mock_') && f.endsWith('.xml')).sort();
  } catch {
    return undefined;
  }
  const schema = responderSchemaFile(rivtaDir, contract);
  const items: ReplayItem[] = [];
  const ids = new Set<string>();
  let template: Split | undefined;
  let used = 0;
  let excluded = 0;
  for (const file of files) {
    const raw = readFileSync(path.join(dir, file), 'utf8');
    if (!raw.includes(`${contract.responderNamespace}"`)) continue;
    const xml = substitute(raw, file.replace(/^official_mock_[\d.]+_/, '').replace(/\.xml$/, ''), logicalAddress);
    const parts = split(xml, contract, fields);
    if (!parts) continue;
    used++;
    // The template keeps a result element where the contract has one (GetLaboratoryOrderOutcome 4 has none).
    if (!template || (!/<(?:[\w.-]+:)?result[\s>]/.test(template.tail) && /<(?:[\w.-]+:)?result[\s>]/.test(parts.tail))) template = { ...parts, items: [] };
    const stem = file.replace(/^official_mock_[\d.]+_\w+?Mock_/, '').replace(/\.xml$/, '');
    for (const original of parts.items) {
      let itemXml = original;
      let read = readItem(parts, itemXml, schema, contract, fields);
      // The mocks reuse record ids between scenarios: one producer's records each get their own.
      if (read.item && ids.has(read.item.id)) {
        itemXml = renamed(itemXml, read.item.id, stem);
        read = readItem(parts, itemXml, schema, contract, fields);
      }
      const { item, parsed, valid, single } = read;
      // Test case 3.1 VG_VE: every item names its care giver and care unit; mocks that leave them out are not served.
      const parties = item !== undefined && isId(item.careGiver.hsaId) && isId(item.careUnit.hsaId ?? item.careUnitHsaId);
      if (!item || parsed.faults.length > 0 || !valid || ids.has(item.id) || !parties) {
        excluded++;
        continue;
      }
      ids.add(item.id);
      items.push({ xml: itemXml, item, node: read.node });
    }
  }
  if (!template) return undefined;
  // Test case 4.2 needs a record the producer does not approve for the resident. Where the
  // mocks have none, the first record is served once more with approvedForPatient false, as a
  // producer's test data must hold one.
  if (items.length > 0 && items.every((i) => i.item.approvedForPatient)) {
    const first = items[0]!;
    const xml = renamed(first.xml.replace(/>\s*true\s*(<\/(?:[\w.-]+:)?approvedForPatient>)/, '>false$1'), first.item.id, 'not-approved');
    const read = readItem(template, xml, schema, contract, fields);
    if (read.item && !read.item.approvedForPatient && read.valid) items.push({ xml, item: read.item, node: read.node });
  }
  return { contract, items, head: template.head, tail: template.tail, files: used, excluded };
}

const isId = (v: string | undefined) => v !== undefined && v.trim() !== '' && v.trim() !== '?';

/** The item with its record id made unique (its first occurrence: documentId, or the record's id). */
function renamed(itemXml: string, id: string, suffix: string): string {
  const at = itemXml.indexOf(`>${id}<`);
  return at < 0 ? itemXml : `${itemXml.slice(0, at + 1)}${id}-${suffix}${itemXml.slice(at + 1 + id.length)}`;
}

function readItem(parts: Pick<Split, 'head' | 'tail'>, itemXml: string, schema: string, contract: ContractVersion, fields: PeriodFields) {
  const single = fill(`${parts.head}${itemXml}${parts.tail}`, ALL_TEST_PERSONS[0]!.id, ALL_TEST_PERSONS[0]!.type);
  const parsed = parseContractResponse(single);
  const doc = parseXml(single);
  const body = doc.ok ? child(child(doc.root, 'Envelope'), 'Body') : undefined;
  const node = itemElements(child(body, `${contract.contract}Response`) ?? {}, fields)[0] ?? {};
  return { single, parsed, item: parsed.items[0], valid: validateAgainstSchema(single, schema).valid, node };
}

/** The first element's text or root/extension, of each element so named. */
function ids(node: XmlNode | undefined, ...names: string[]): string[] {
  return names.flatMap((name) => children(node, name).map((n) => text(n, 'extension') ?? text(n, 'id') ?? text(n))).filter((v): v is string => v !== undefined);
}

interface Query {
  readonly patientId: string;
  readonly patientType: string;
  readonly careUnits: string[];
  readonly careGivers: string[];
  readonly careContacts: string[];
  readonly sourceSystem: string | undefined;
  readonly period: { start: number; end: number } | undefined;
}

function readQuery(body: string, contract: ContractVersion): Query | string {
  const doc = parseXml(body);
  if (!doc.ok) return 'the request is not well-formed XML';
  const request = child(child(child(doc.root, 'Envelope'), 'Body'), contract.contract);
  if (!request) return `the Body holds no ${contract.contract} request`;
  const patient = child(request, 'patientId');
  const patientId = text(patient, 'extension') ?? text(patient, 'id');
  const patientType = text(patient, 'root') ?? text(patient, 'type') ?? '';
  if (patientId === undefined || !/^\d{8}[\dA-Za-z]{4}$/.test(patientId)) return 'patientId must be 12 characters';
  const periodNode = child(request, 'datePeriod') ?? child(request, 'timePeriod');
  let period: Query['period'];
  if (periodNode) {
    const start = text(periodNode, 'start');
    const end = text(periodNode, 'end');
    const s = start ? rivTime(start)?.getTime() : -Infinity;
    const e = end ? rivTime(end)?.getTime() : Infinity;
    if (s === undefined || e === undefined) return 'the period is not dates';
    // A date (YYYYMMDD) end covers its whole day.
    period = { start: s, end: end && /^\d{8}$/.test(end) ? e + 86_400_000 - 1 : e };
  }
  return {
    patientId,
    patientType,
    careUnits: ids(request, 'careUnitHSAId', 'careUnitHSAid', 'careUnit'),
    careGivers: ids(request, 'careGiverHSAId', 'healthcareProvider'),
    careContacts: ids(request, 'careContactId'),
    sourceSystem: ids(request, 'sourceSystemHSAId', 'sourceSystemHSAid', 'sourceSystemId')[0],
    period,
  };
}

/** What the specification says the producer answers to the query. */
export function replayAnswer(replay: ReplayContract, query: Query, logicalAddress: string): ReplayItem[] {
  const fields = periodFieldsFor(replay.contract.contract, replay.contract.major)!;
  if (!ALL_TEST_PERSONS.some((p) => p.id === query.patientId)) return [];
  if (query.sourceSystem !== undefined && query.sourceSystem !== logicalAddress) return [];
  return replay.items.filter(({ item, node }) => {
    if (query.careUnits.length > 0 && !query.careUnits.includes(item.careUnit.hsaId ?? item.careUnitHsaId ?? '')) return false;
    if (query.careGivers.length > 0 && !query.careGivers.includes(item.careGiver.hsaId ?? '')) return false;
    if (query.careContacts.length > 0 && !query.careContacts.includes(item.careContactId ?? '')) return false;
    if (query.period && !matchesPeriod(itemTimes(node, fields), query.period.start, query.period.end)) return false;
    return true;
  });
}

export async function startReplayProducer(options: ReplayOptions): Promise<ReplayProducer> {
  const logicalAddress = options.logicalAddress ?? 'SE2321000016-RPLY';
  const contracts = new Map<string, ReplayContract>();
  for (const c of CONTRACT_VERSIONS) {
    const loaded = loadReplayContract(options.rivtaDir, c, logicalAddress);
    if (loaded && loaded.items.length > 0) contracts.set(`${c.contract}/${c.major}`, loaded);
  }
  const handler: RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, xml: string) => {
        res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' });
        res.end(xml);
      };
      // `/<Contract>/<major>` (our simulators' form) or the platform's `/vp/<domain>/<Contract>/<major>/rivtabp21`.
      const path = /^\/(?:vp\/[A-Za-z0-9._/-]+\/)?([A-Za-z0-9]+\/\d+)(?:\/rivtabp21)?\/?$/.exec((req.url ?? '').split('?')[0]!);
      const replay = path ? contracts.get(path[1]!) : undefined;
      if (req.method !== 'POST' || !replay) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('no such contract');
        return;
      }
      const query = readQuery(Buffer.concat(chunks).toString('utf8'), replay.contract);
      if (typeof query === 'string') {
        send(500, soapFault('soapenv:Client', query));
        return;
      }
      const items = options.empty ? [] : replayAnswer(replay, query, logicalAddress);
      send(200, fill(`<?xml version="1.0" encoding="UTF-8"?>${replay.head.replace(/^<\?xml[^>]*>/, '')}${items.map((i) => i.xml).join('')}${replay.tail}`, query.patientId, query.patientType));
    });
  };
  const server: Server = options.https === undefined ? createServer(handler) : createHttpsServer(options.https, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `${options.https === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    logicalAddress,
    contracts,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeIdleConnections(); // a client's keep-alive connections would hold close() open
      }),
  };
}
