import { esc, logicalAddressOf, readEnvelope } from '../contracts/soap.js';
import { child, children, text, type XmlLimits, type XmlNode } from '../contracts/xml.js';
import { inputInvalid, JournalenError } from '../errors/index.js';

/**
 * The SOAP messages of the national person service PU (Personuppgiftstjänsten),
 * riv.strategicresourcemanagement.persons.person 5.0: GetPersonsForProfile 5, the lookup of
 * 1..n identities by profile. Builders write what the schema accepts, in its element order;
 * readers refuse a request the schema would refuse (INPUT_INVALID) and read answers leniently
 * (unknown elements are skipped, as `xs:any` allows).
 *
 * Codes, from the TKB and Inera's own consumer (intyg-proxy-service, integration-pu-v5):
 * - `deregistrationReasonCode` `AV` (avliden) marks the deceased;
 * - protected identity is `protectedPersonIndicator` (sekretessmarkering) or
 *   `protectedPopulationRecord` (skyddad folkbokföring);
 * - `relationshipType` carries Skatteverket's relation codes (the PU information specification's
 *   class Relation): `V` vårdnadshavare (the related person is this person's guardian), `B` barn
 *   (the related person is this person's child). Only these two are read here.
 */

export const PERSON_CORE_NS = 'urn:riv:strategicresourcemanagement:persons:person:5';
export const GET_PERSONS_FOR_PROFILE_NS = 'urn:riv:strategicresourcemanagement:persons:person:GetPersonsForProfileResponder:5';

export const GET_PERSONS_FOR_PROFILE = {
  contract: 'GetPersonsForProfile',
  major: '5',
  responderNamespace: GET_PERSONS_FOR_PROFILE_NS,
  soapAction: `${GET_PERSONS_FOR_PROFILE_NS}:GetPersonsForProfile`,
  /** Under shared/rivta/. */
  responderXsd:
    'strategicresourcemanagement_persons_person/GetPersonsForProfile/5.0/interactions/GetPersonsForProfileInteraction/GetPersonsForProfileResponder_5.0.xsd',
} as const;

/** Skatteverket's OIDs for the identity kinds (IIType root). */
export const PERSONNUMMER_OID = '1.2.752.129.2.1.3.1';
export const SAMORDNINGSNUMMER_OID = '1.2.752.129.2.1.3.3';

/**
 * LookupProfileType. P1: identity and name; P2: + address, folkbokföring (deregistration, so
 * death); P3: + contact information and actor; P4: + all of Skatteverket's information (birth,
 * relations such as vårdnadshavare); P5: + history. P6-P10 are reserved.
 */
export const LOOKUP_PROFILES = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9', 'P10'] as const;
export type LookupProfile = (typeof LOOKUP_PROFILES)[number];

export const DECEASED_REASON_CODE = 'AV';
export const RELATION_GUARDIAN = 'V';
export const RELATION_CHILD = 'B';

/** An IIType: an OID and the id under it. */
export interface PersonId {
  readonly root: string;
  readonly extension: string;
}

/** A PartialDateType: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as the format says. */
export interface PartialDate {
  readonly format: 'YYYY' | 'YYYY-MM' | 'YYYY-MM-DD';
  readonly value: string;
}

export interface PuRelation {
  /** Skatteverket's relation code: `V` guardian, `B` child, others passed through. */
  readonly type: string;
  /** Absent when the register gives only a date of birth (a relative without a Swedish identity). */
  readonly id?: PersonId;
  readonly fromDate?: PartialDate;
  /** For guardianship: the day it ended. */
  readonly toDate?: PartialDate;
}

/** The parts of a PersonRecordType that access control reads (and the simulator writes). */
export interface PuPersonRecord {
  readonly personalIdentity: PersonId;
  /** Coded gender as the register writes it (`1` male, `2` female); optional. */
  readonly gender?: string;
  readonly protectedPersonIndicator: boolean;
  readonly protectedPopulationRecord?: boolean;
  readonly testIndicator: boolean;
  readonly primaryIdentity?: boolean;
  readonly givenName?: string;
  readonly middleName?: string;
  readonly surname?: string;
  readonly dateOfBirth?: PartialDate;
  readonly deregistration?: { readonly reasonCode?: string; readonly date?: PartialDate };
  readonly relations: readonly PuRelation[];
  /** coOrdinationNumberData/deceasedDate: a samordningsnummer holder's death. */
  readonly coordinationNumberDeceasedDate?: PartialDate;
}

export interface PuRequestedRecord {
  readonly requested: PersonId;
  /** Absent: the register has no such person. */
  readonly person?: PuPersonRecord;
}

export interface PuRequest {
  readonly personIds: readonly PersonId[];
  readonly profile: LookupProfile;
  readonly ignoreReferredIdentity: boolean;
  readonly logicalAddress: string | undefined;
}

/** The root (OID) of a 12-digit identity number: a samordningsnummer has its day + 60. */
export const rootOf = (id: string): string => (Number(id.slice(6, 8)) > 60 ? SAMORDNINGSNUMMER_OID : PERSONNUMMER_OID);

// ---- Request -----------------------------------------------------------------------------------

const iiType = (id: PersonId) => `<p:root>${esc(id.root)}</p:root><p:extension>${esc(id.extension)}</p:extension>`;

/**
 * The GetPersonsForProfile element for 12-digit identity numbers. `ignoreReferredIdentity`
 * true: the answer is about the identity asked for, never a newer one it refers to.
 */
export function buildGetPersonsForProfileRequest(
  ids: readonly string[],
  options: { readonly profile?: LookupProfile; readonly ignoreReferredIdentity?: boolean } = {},
): string {
  if (ids.length === 0) throw new JournalenError('INPUT_INVALID', 'GetPersonsForProfile needs at least one person id', { field: 'personId' });
  const personIds = ids.map((id) => `<personId>${iiType({ root: rootOf(id), extension: id })}</personId>`).join('');
  return (
    `<GetPersonsForProfile xmlns="${GET_PERSONS_FOR_PROFILE_NS}" xmlns:p="${PERSON_CORE_NS}">${personIds}` +
    `<profile>${options.profile ?? 'P4'}</profile><ignoreReferredIdentity>${options.ignoreReferredIdentity ?? true}</ignoreReferredIdentity></GetPersonsForProfile>`
  );
}

/** Most ids one request may carry here (the contract has no limit; PU's consumers batch by a few hundred). */
export const MAX_PERSON_IDS = 500;

/**
 * A GetPersonsForProfile request from a SOAP envelope. INPUT_INVALID: not SOAP, another
 * message, no or too many person ids, an id without root or extension, a profile outside
 * LookupProfileType, ignoreReferredIdentity missing or not a boolean.
 */
export function readGetPersonsForProfileRequest(xml: string | Buffer, limits?: XmlLimits): PuRequest {
  const envelope = readEnvelope(xml, limits);
  if (envelope.kind === 'fault') throw inputInvalid('Body', 'a request cannot be a SOAP Fault');
  if (envelope.localName !== 'GetPersonsForProfile' || !envelope.namespaces.includes(GET_PERSONS_FOR_PROFILE_NS)) {
    throw inputInvalid('Body', `<${envelope.localName.slice(0, 60)}> is not a GetPersonsForProfile 5 request`);
  }
  const element = envelope.element;
  const ids = children(element, 'personId');
  if (ids.length === 0) throw inputInvalid('personId', 'GetPersonsForProfile needs at least one personId');
  if (ids.length > MAX_PERSON_IDS) throw inputInvalid('personId', `at most ${MAX_PERSON_IDS} personId in one request`);
  const personIds = ids.map((node, i) => {
    const root = text(node, 'root')?.trim();
    const extension = text(node, 'extension')?.trim();
    if (root === undefined || extension === undefined) throw inputInvalid(`personId[${i}]`, 'personId needs root and extension');
    if (root.length > 64 || extension.length > 64) throw inputInvalid(`personId[${i}]`, 'personId root or extension too long');
    return { root, extension };
  });
  const profile = text(element, 'profile')?.trim();
  if (profile === undefined || !(LOOKUP_PROFILES as readonly string[]).includes(profile)) {
    throw inputInvalid('profile', `profile must be one of ${LOOKUP_PROFILES.join(', ')}`);
  }
  const ignore = text(element, 'ignoreReferredIdentity')?.trim();
  if (ignore === undefined || !['true', 'false', '1', '0'].includes(ignore)) throw inputInvalid('ignoreReferredIdentity', 'ignoreReferredIdentity must be true or false');
  return { personIds, profile: profile as LookupProfile, ignoreReferredIdentity: ignore === 'true' || ignore === '1', logicalAddress: logicalAddressOf(envelope.header) };
}

// ---- Response ----------------------------------------------------------------------------------

const el = (name: string, content: string) => `<${name}>${content}</${name}>`;
const optEl = (name: string, value: string | boolean | undefined) => (value === undefined || value === '' ? '' : el(name, esc(value)));
const partialDate = (name: string, date: PartialDate | undefined) =>
  date === undefined ? '' : el(name, `<format>${date.format}</format><value>${esc(date.value)}</value>`);

function personRecordXml(p: PuPersonRecord): string {
  // PersonRecordType's sequence order, as the schema demands.
  const name = p.givenName !== undefined || p.middleName !== undefined || p.surname !== undefined
    ? el('name', optEl('givenName', p.givenName) + optEl('middleName', p.middleName) + optEl('surname', p.surname))
    : '';
  const deregistration = p.deregistration
    ? el('deregistration', optEl('deregistrationReasonCode', p.deregistration.reasonCode) + partialDate('deregistrationDate', p.deregistration.date))
    : '';
  const relations = p.relations
    .map((r) =>
      el(
        'relationship',
        el('relationshipId', r.id ? el('personalIdentity', `<root>${esc(r.id.root)}</root><extension>${esc(r.id.extension)}</extension>`) : '') +
          el('relationshipType', esc(r.type)) +
          partialDate('relationshipFromDate', r.fromDate) +
          partialDate('relationshipToDate', r.toDate),
      ),
    )
    .join('');
  const coordination = p.coordinationNumberDeceasedDate ? el('coOrdinationNumberData', partialDate('deceasedDate', p.coordinationNumberDeceasedDate)) : '';
  return el(
    'personRecord',
    el('personalIdentity', `<root>${esc(p.personalIdentity.root)}</root><extension>${esc(p.personalIdentity.extension)}</extension>`) +
      optEl('gender', p.gender) +
      el('protectedPersonIndicator', String(p.protectedPersonIndicator)) +
      el('testIndicator', String(p.testIndicator)) +
      el('primaryIdentity', String(p.primaryIdentity ?? true)) +
      name +
      (p.dateOfBirth ? el('birth', partialDate('dateOfBirth', p.dateOfBirth)) : '') +
      deregistration +
      relations +
      coordination +
      (p.protectedPopulationRecord === undefined ? '' : el('protectedPopulationRecord', String(p.protectedPopulationRecord))),
  );
}

/** The GetPersonsForProfileResponse element: one requestedPersonRecord per id asked, in order. */
export function writeGetPersonsForProfileResponse(records: readonly PuRequestedRecord[]): string {
  const body = records
    .map(
      (r) =>
        `<ns2:requestedPersonRecord>${el('requestedPersonalIdentity', `<root>${esc(r.requested.root)}</root><extension>${esc(r.requested.extension)}</extension>`)}${r.person ? personRecordXml(r.person) : ''}</ns2:requestedPersonRecord>`,
    )
    .join('');
  return `<ns2:GetPersonsForProfileResponse xmlns:ns2="${GET_PERSONS_FOR_PROFILE_NS}" xmlns="${PERSON_CORE_NS}">${body}</ns2:GetPersonsForProfileResponse>`;
}

export type PuAnswer =
  | { readonly kind: 'records'; readonly records: readonly PuRequestedRecord[] }
  | { readonly kind: 'fault'; readonly code?: string; readonly message: string };

/**
 * Reads a GetPersonsForProfile answer. A SOAP Fault is a value; malformed XML, another message
 * or a record without the elements the schema requires (an identity, the protection and test
 * indicators) is INPUT_INVALID: an answer that cannot be read in full is not read at all.
 */
export function readGetPersonsForProfileResponse(xml: string | Buffer, limits?: XmlLimits): PuAnswer {
  const envelope = readEnvelope(xml, limits);
  if (envelope.kind === 'fault') {
    const fault = envelope.fault as { readonly code?: string; readonly message: string };
    return { kind: 'fault', ...(fault.code !== undefined ? { code: fault.code } : {}), message: fault.message };
  }
  if (envelope.localName !== 'GetPersonsForProfileResponse' || !envelope.namespaces.includes(GET_PERSONS_FOR_PROFILE_NS)) {
    throw new JournalenError('INPUT_INVALID', `<${envelope.localName.slice(0, 60)}> is not a GetPersonsForProfile 5 response`, { reason: 'unknownContract' });
  }
  const records = children(envelope.element, 'requestedPersonRecord').map((node, i): PuRequestedRecord => {
    const requested = readId(child(node, 'requestedPersonalIdentity'), `requestedPersonRecord[${i}].requestedPersonalIdentity`);
    const record = child(node, 'personRecord');
    return record === undefined ? { requested } : { requested, person: readPersonRecord(record, `requestedPersonRecord[${i}].personRecord`) };
  });
  return { kind: 'records', records };
}

function readId(node: XmlNode | undefined, field: string): PersonId {
  const root = text(node, 'root')?.trim();
  const extension = text(node, 'extension')?.trim();
  if (root === undefined || extension === undefined) throw inputInvalid(field, 'identity without root or extension');
  return { root, extension };
}

function readBool(node: XmlNode, name: string, field: string): boolean | undefined {
  const value = text(node, name)?.trim();
  if (value === undefined) return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw inputInvalid(`${field}.${name}`, `${name} is not a boolean`);
}

const DATE_PATTERNS: Readonly<Record<PartialDate['format'], RegExp>> = {
  YYYY: /^\d{4}$/,
  'YYYY-MM': /^\d{4}-(0[1-9]|1[0-2])$/,
  'YYYY-MM-DD': /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
};

/** A PartialDateType; undefined when absent, INPUT_INVALID when its value does not fit its format. */
function readPartialDate(node: XmlNode | undefined, field: string): PartialDate | undefined {
  if (node === undefined) return undefined;
  const format = text(node, 'format')?.trim();
  const value = text(node, 'value')?.trim();
  if (format === undefined || value === undefined || !(format in DATE_PATTERNS)) throw inputInvalid(field, 'partial date without a known format or a value');
  if (!DATE_PATTERNS[format as PartialDate['format']].test(value)) throw inputInvalid(field, `date does not have the format ${format}`);
  return { format: format as PartialDate['format'], value };
}

function readPersonRecord(node: XmlNode, field: string): PuPersonRecord {
  const personalIdentity = readId(child(node, 'personalIdentity'), `${field}.personalIdentity`);
  const protectedPersonIndicator = readBool(node, 'protectedPersonIndicator', field);
  const testIndicator = readBool(node, 'testIndicator', field);
  // Required by the schema; an answer without them cannot say whether the person is protected.
  if (protectedPersonIndicator === undefined) throw inputInvalid(`${field}.protectedPersonIndicator`, 'protectedPersonIndicator is missing');
  if (testIndicator === undefined) throw inputInvalid(`${field}.testIndicator`, 'testIndicator is missing');
  const protectedPopulationRecord = readBool(node, 'protectedPopulationRecord', field);
  const primaryIdentity = readBool(node, 'primaryIdentity', field);
  const name = child(node, 'name');
  const deregistrationNode = child(node, 'deregistration');
  const reasonCode = text(deregistrationNode, 'deregistrationReasonCode')?.trim();
  const deregistrationDate = readPartialDate(child(deregistrationNode, 'deregistrationDate'), `${field}.deregistration.deregistrationDate`)
    ?? readPartialDate(child(deregistrationNode, 'foundDeadAtDate'), `${field}.deregistration.foundDeadAtDate`);
  const relations = children(node, 'relationship').map((r, i): PuRelation => {
    const at = `${field}.relationship[${i}]`;
    const type = text(r, 'relationshipType')?.trim();
    if (type === undefined) throw inputInvalid(`${at}.relationshipType`, 'relationship without relationshipType');
    const idNode = child(child(r, 'relationshipId'), 'personalIdentity');
    const fromDate = readPartialDate(child(r, 'relationshipFromDate'), `${at}.relationshipFromDate`);
    const toDate = readPartialDate(child(r, 'relationshipToDate'), `${at}.relationshipToDate`);
    return {
      type,
      ...(idNode !== undefined ? { id: readId(idNode, `${at}.relationshipId.personalIdentity`) } : {}),
      ...(fromDate ? { fromDate } : {}),
      ...(toDate ? { toDate } : {}),
    };
  });
  const dateOfBirth = readPartialDate(child(child(node, 'birth'), 'dateOfBirth'), `${field}.birth.dateOfBirth`);
  const coordinationNumberDeceasedDate = readPartialDate(child(child(node, 'coOrdinationNumberData'), 'deceasedDate'), `${field}.coOrdinationNumberData.deceasedDate`);
  const given = text(name, 'givenName')?.trim();
  const middle = text(name, 'middleName')?.trim();
  const surname = text(name, 'surname')?.trim();
  const gender = text(node, 'gender')?.trim();
  return {
    personalIdentity,
    ...(gender !== undefined ? { gender } : {}),
    protectedPersonIndicator,
    ...(protectedPopulationRecord !== undefined ? { protectedPopulationRecord } : {}),
    testIndicator,
    ...(primaryIdentity !== undefined ? { primaryIdentity } : {}),
    ...(given !== undefined ? { givenName: given } : {}),
    ...(middle !== undefined ? { middleName: middle } : {}),
    ...(surname !== undefined ? { surname } : {}),
    ...(dateOfBirth ? { dateOfBirth } : {}),
    ...(deregistrationNode !== undefined
      ? { deregistration: { ...(reasonCode !== undefined ? { reasonCode } : {}), ...(deregistrationDate ? { date: deregistrationDate } : {}) } }
      : {}),
    relations,
    ...(coordinationNumberDeceasedDate ? { coordinationNumberDeceasedDate } : {}),
  };
}
