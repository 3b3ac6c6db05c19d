import type { CodedValue, Party, RecordItem } from '../../domain/record.js';
import {
  baseItem,
  compact,
  readCodedValue,
  readPatientSummaryHeader,
  rivDate,
  rivTimestamp,
  writeCodedValue,
  writeCommonRequest,
} from '../patient-summary-header.js';
import { readResult, writeOkResult } from '../result.js';
import { esc, opt } from '../soap.js';
import type { ContractFault, ContractRequest, ContractVersion } from '../types.js';
import { PERSONNUMMER_OID } from '../types.js';
import { child, children, rivTime, text, type XmlNode } from '../xml.js';

/**
 * GetCareContacts 3.0 (urn:riv:clinicalprocess:logistics:logistics:GetCareContactsResponder:3).
 * The reading and writing of a care contact is shared with 2.0 (get-care-contacts-2.ts), whose
 * schema differs only in the header's optional parts and in coding type and status as integers.
 */

const RESPONDER = 'urn:riv:clinicalprocess:logistics:logistics:GetCareContactsResponder:3';
const CORE = 'urn:riv:clinicalprocess:logistics:logistics:3';
const PROVENANCE = { contract: 'GetCareContacts', version: '3' } as const;

/** KV Vårdkontakttyp, which the 3.0 TKB names for careContactCode. */
export const KV_VARDKONTAKTTYP = '1.2.752.129.2.2.2.25';
/** SNOMED CT-SE, which the 3.0 TKB names for careContactStatus. */
export const SNOMED_CT_SE = '1.2.752.116.2.1.1';

/** The 2.0 CareContactCodeEnum (NPÖ RIV 2.2); the 3.0 TKB's KV Vårdkontakttyp carries the same list. */
export const CONTACT_TYPES: Readonly<Record<string, string>> = { '1': 'Besök', '2': 'Telefon', '3': 'Vårdtillfälle', '4': 'Dagsjukvård', '5': 'Annan' };
/** The 2.0 CareContactStatusEnum. */
export const CONTACT_STATUSES: Readonly<Record<string, string>> = { '1': 'Ej påbörjad', '2': 'Inställd', '3': 'Pågående', '4': 'Avbruten', '5': 'Avslutad' };
/** 3.0 status codes (SNOMED CT-SE, from the TKB) and the 2.0 status each corresponds to. */
const SNOMED_STATUS_TO_ENUM: Readonly<Record<string, string>> = {
  '53631000052103': '1', // tidbokad vårdkontakt
  '53701000052102': '1', // patient på väntelista
  '53641000052109': '2', // inställd vårdkontakt
  '53651000052107': '3', // pågående vårdkontakt
  '53681000052104': '3', // permission från vårdkontakt
  '53661000052105': '4', // avbruten vårdkontakt
  '53671000052101': '5', // avslutad vårdkontakt
};

const INPATIENT_TEXT = /vårdtillfälle|sluten\s*vård|inskriv|inpatient/i;

/**
 * Inpatient (slutenvård) when the contact type says so: by its text when it has one, else by the
 * code of KV Vårdkontakttyp / the 2.0 enum (3 = Vårdtillfälle). Undefined when the type is unknown.
 */
export function isInpatientContact(type: CodedValue | undefined): boolean | undefined {
  if (!type) return undefined;
  if (type.displayName !== undefined) return INPATIENT_TEXT.test(type.displayName);
  if (type.codeSystem === undefined || type.codeSystem === KV_VARDKONTAKTTYP) return type.code === '3';
  return undefined;
}

/** Shown text of a code: its display name (or original text), else the bare code. */
const cvText = (cv: CodedValue | undefined): string | undefined => cv?.displayName ?? (cv?.code === '' ? undefined : cv?.code);

/** How the two generations code type and status: CVType (3.0) or an integer enum (2.0). */
export type CodingStyle = 'cv' | 'enum';

function readEnum(node: XmlNode | undefined, names: Readonly<Record<string, string>>): CodedValue | undefined {
  const code = text(node);
  if (code === undefined) return undefined;
  return names[code] === undefined ? { code } : { code, displayName: names[code]! };
}

/** Reads the careContact elements of a 2.0 or 3.0 response. */
export function readCareContacts(
  response: XmlNode,
  style: CodingStyle,
  provenance: RecordItem['provenance'],
): { items: RecordItem[]; faults: ContractFault[] } {
  const items: RecordItem[] = [];
  const faults: ContractFault[] = readResult(response);
  children(response, 'careContact').forEach((node, index) => {
    const header = readPatientSummaryHeader(child(node, 'careContactHeader'));
    if (!header.ok) {
      faults.push({ kind: 'itemInvalid', index, message: header.message });
      return;
    }
    const h = header.header;
    const body = child(node, 'careContactBody');
    if (!body) {
      faults.push({ kind: 'itemInvalid', index, message: `item ${h.id}: careContactBody is missing` });
      return;
    }
    const periodNode = child(body, 'careContactTimePeriod');
    const start = rivTime(text(periodNode, 'start'));
    const end = rivTime(text(periodNode, 'end'));
    // The contact happens at its start; documentTime is 0..0 in 3.0 and absent in 2.0, and
    // authorTime (registration) is the fallback the TKB's own time filter also uses.
    const time = start ?? h.documentTime ?? h.authorTime ?? end;
    if (!time) {
      faults.push({ kind: 'itemInvalid', index, message: `item ${h.id}: no careContactTimePeriod, documentTime or authorTime` });
      return;
    }
    const type = style === 'cv' ? readCodedValue(child(body, 'careContactCode')) : readEnum(child(body, 'careContactCode'), CONTACT_TYPES);
    const status = style === 'cv' ? readCodedValue(child(body, 'careContactStatus')) : readEnum(child(body, 'careContactStatus'), CONTACT_STATUSES);
    const unitNode = child(body, 'careContactOrgUnit');
    const contactUnit = { hsaId: text(unitNode, 'orgUnitHSAId'), name: text(unitNode, 'orgUnitName') };
    // The header's unit is the PDL care unit; the contact's unit may be a part of it. Borrow its
    // name for display only when it is the same unit or the header names none.
    const careUnit: Party =
      h.careUnit.name === undefined && contactUnit.name !== undefined && (h.careUnit.hsaId === undefined || h.careUnit.hsaId === contactUnit.hsaId)
        ? { ...h.careUnit, name: contactUnit.name }
        : h.careUnit;
    const inpatient = isInpatientContact(type);
    const reason = text(body, 'careContactReason');
    const nullifiedReason = text(child(node, 'careContactHeader'), 'nullifiedReason');
    items.push({
      ...baseItem(h, 'careContact', time, provenance),
      careUnit,
      // A care contact's own id is what other contracts' careContactId refers to.
      careContactId: h.careContactId ?? h.id,
      title: cvText(type) ?? h.title ?? 'Vårdkontakt',
      codes: type ? [type] : [],
      ...(start || end ? { period: compact({ start, end }) } : {}),
      ...(inpatient !== undefined ? { inpatient } : {}),
      attributes: compact({
        careContactReason: reason,
        careContactStatus: cvText(status),
        careContactStatusCode: status?.code === '' ? undefined : status?.code,
        careContactOrgUnitHsaId: contactUnit.hsaId !== undefined && contactUnit.hsaId !== careUnit.hsaId ? contactUnit.hsaId : undefined,
        careContactOrgUnitName: contactUnit.name !== undefined && contactUnit.name !== careUnit.name ? contactUnit.name : undefined,
        nullifiedReason,
      }),
    });
  });
  return { items, faults };
}

// ---- Writing -----------------------------------------------------------------------------------

/** A DatePeriodType where both ends are required (logistics): an open end becomes a wide bound the DateType pattern accepts. */
export function writeDatePeriod(element: string, period: ContractRequest['period'], prefixes: { outer: string; inner: string }): string {
  const { start, end } = period ?? {};
  if (!start && !end) return '';
  const { outer: o, inner: i } = prefixes;
  return `<${o}${element}><${i}start>${start ? rivDate(start) : '19000101'}</${i}start><${i}end>${end ? rivDate(end) : '20991231'}</${i}end></${o}${element}>`;
}

function writeOrgUnit(name: string, unit: Party, p: string): string {
  if (unit.hsaId === undefined && unit.name === undefined) return '';
  return `<${p}${name}>${opt(`${p}orgUnitHSAId`, unit.hsaId)}${opt(`${p}orgUnitName`, unit.name)}</${p}${name}>`;
}

/**
 * A careContactHeader. 3.0: documentTitle, documentTime and careContactId are 0..0 in the TKB and
 * left out (careContactId is written only when it is not the contact's own id); legalAuthenticator
 * too, unless the item says it is signed. 2.0 has none of them, and if it has an
 * accountableHealthcareProfessional at all it must name a person and an org unit: they are
 * written when the care unit is known, and a missing author is taken from the care unit.
 */
export function writeCareContactHeader(item: RecordItem, p: string, generation: '2' | '3'): string {
  const author = item.author ?? {};
  const authorTime = `<${p}authorTime>${rivTimestamp(author.time ?? item.time)}</${p}authorTime>`;
  let professional: string;
  if (generation === '3') {
    professional =
      `<${p}accountableHealthcareProfessional>${authorTime}` +
      opt(`${p}healthcareProfessionalHSAId`, author.hsaId) +
      opt(`${p}healthcareProfessionalName`, author.name) +
      writeCodedValue('healthcareProfessionalRoleCode', author.role, p) +
      writeOrgUnit('healthcareProfessionalOrgUnit', item.careUnit, p) +
      opt(`${p}healthcareProfessionalCareUnitHSAId`, item.careUnitHsaId ?? item.careUnit.hsaId) +
      opt(`${p}healthcareProfessionalCareGiverHSAId`, item.careGiver.hsaId) +
      `</${p}accountableHealthcareProfessional>`;
  } else {
    const unitId = item.careUnitHsaId ?? item.careUnit.hsaId;
    professional = unitId === undefined
      ? ''
      : `<${p}accountableHealthcareProfessional>${authorTime}` +
        `<${p}healthcareProfessionalHSAId>${esc(author.hsaId ?? unitId)}</${p}healthcareProfessionalHSAId>` +
        `<${p}healthcareProfessionalName>${esc(author.name ?? item.careUnit.name ?? unitId)}</${p}healthcareProfessionalName>` +
        writeCodedValue('healthcareProfessionalRoleCode', author.role, p) +
        `<${p}healthcareProfessionalOrgUnit><${p}orgUnitHSAId>${esc(unitId)}</${p}orgUnitHSAId><${p}orgUnitName>${esc(item.careUnit.name ?? unitId)}</${p}orgUnitName></${p}healthcareProfessionalOrgUnit>` +
        `<${p}healthcareProfessionalCareUnitHSAId>${esc(unitId)}</${p}healthcareProfessionalCareUnitHSAId>` +
        opt(`${p}healthcareProfessionalCareGiverHSAId`, item.careGiver.hsaId) +
        `</${p}accountableHealthcareProfessional>`;
  }
  const legal = generation === '3' && item.signed && item.signer?.time
    ? `<${p}legalAuthenticator><${p}signatureTime>${rivTimestamp(item.signer.time)}</${p}signatureTime>${opt(`${p}legalAuthenticatorHSAId`, item.signer.hsaId)}${opt(`${p}legalAuthenticatorName`, item.signer.name)}</${p}legalAuthenticator>`
    : '';
  const careContactId = generation === '3' && item.careContactId !== undefined && item.careContactId !== item.id ? opt(`${p}careContactId`, item.careContactId) : '';
  return (
    `<${p}careContactHeader>` +
    `<${p}documentId>${esc(item.id)}</${p}documentId>` +
    `<${p}sourceSystemHSAId>${esc(item.sourceSystemHsaId ?? '')}</${p}sourceSystemHSAId>` +
    `<${p}patientId><${p}id>${esc(item.patientId)}</${p}id><${p}type>${esc(item.patientIdType ?? PERSONNUMMER_OID)}</${p}type></${p}patientId>` +
    professional +
    legal +
    `<${p}approvedForPatient>${item.approvedForPatient}</${p}approvedForPatient>` +
    (item.nullified ? `<${p}nullified>true</${p}nullified>${opt(`${p}nullifiedReason`, item.attributes.nullifiedReason)}` : '') +
    careContactId +
    `</${p}careContactHeader>`
  );
}

/** The 2.0 enum value for a contact type: its own code when it is one, else by its text. */
function typeEnum(type: CodedValue | undefined, inpatient: boolean | undefined): string | undefined {
  if (type && CONTACT_TYPES[type.code] !== undefined && (type.codeSystem === undefined || type.codeSystem === KV_VARDKONTAKTTYP)) return type.code;
  const label = cvText(type);
  if (label !== undefined) {
    const byName = Object.entries(CONTACT_TYPES).find(([, name]) => name.toLowerCase() === label.toLowerCase());
    if (byName) return byName[0];
    return INPATIENT_TEXT.test(label) ? '3' : /telefon/i.test(label) ? '2' : /besök/i.test(label) ? '1' : '5';
  }
  return inpatient ? '3' : undefined;
}

/** The 2.0 enum value for a status: the 2.0 code, the 3.0 SNOMED code mapped, or by its text. */
function statusEnum(code: string | undefined, label: string | undefined): string | undefined {
  if (code !== undefined && CONTACT_STATUSES[code] !== undefined) return code;
  if (code !== undefined && SNOMED_STATUS_TO_ENUM[code] !== undefined) return SNOMED_STATUS_TO_ENUM[code];
  if (label === undefined) return undefined;
  const byName = Object.entries(CONTACT_STATUSES).find(([, name]) => name.toLowerCase() === label.toLowerCase());
  if (byName) return byName[0];
  return /avslutad/i.test(label) ? '5' : /avbruten/i.test(label) ? '4' : /pågående|permission/i.test(label) ? '3' : /inställd/i.test(label) ? '2' : /tidbokad|väntelista|ej påbörjad/i.test(label) ? '1' : undefined;
}

/** A CVType: coded when there is a code, otherwise the text as originalText (as the TKB says). */
function writeCv(name: string, cv: CodedValue | undefined, p: string): string {
  if (!cv) return '';
  if (cv.code === '') return cv.displayName === undefined ? '' : `<${p}${name}><${p}originalText>${esc(cv.displayName)}</${p}originalText></${p}${name}>`;
  return writeCodedValue(name, cv, p);
}

/**
 * A careContactBody. The contact's unit is the care unit unless the item names another; 2.0
 * requires it with HSA-id and name, so a missing id is taken from the care giver or the source
 * system. The period starts at the item's time when the item has none (2.0 requires a start).
 */
export function writeCareContactBody(item: RecordItem, p: string, generation: '2' | '3'): string {
  const type = item.codes[0];
  const unit: Party = compact({
    hsaId: item.attributes.careContactOrgUnitHsaId ?? item.careUnit.hsaId,
    name: item.attributes.careContactOrgUnitName ?? item.careUnit.name,
  });
  const start = item.period?.start ?? (item.period?.end ? undefined : item.time);
  const end = item.period?.end;
  const statusLabel = item.attributes.careContactStatus;
  const statusCode = item.attributes.careContactStatusCode;
  if (generation === '3') {
    const status: CodedValue | undefined = statusCode !== undefined
      ? compact({ code: statusCode, codeSystem: CONTACT_STATUSES[statusCode] === undefined ? SNOMED_CT_SE : undefined, displayName: statusLabel ?? statusCode })
      : statusLabel !== undefined ? { code: '', displayName: statusLabel } : undefined;
    return (
      `<${p}careContactBody>` +
      writeCv('careContactCode', type, p) +
      opt(`${p}careContactReason`, item.attributes.careContactReason) +
      writeOrgUnit('careContactOrgUnit', unit, p) +
      `<${p}careContactTimePeriod>${start ? `<${p}start>${rivTimestamp(start)}</${p}start>` : ''}${end ? `<${p}end>${rivTimestamp(end)}</${p}end>` : ''}</${p}careContactTimePeriod>` +
      writeCv('careContactStatus', status, p) +
      `</${p}careContactBody>`
    );
  }
  const typeCode = typeEnum(type, item.inpatient);
  const status = statusEnum(statusCode, statusLabel);
  const unitId = unit.hsaId ?? item.careGiver.hsaId ?? item.sourceSystemHsaId ?? 'okänd';
  return (
    `<${p}careContactBody>` +
    opt(`${p}careContactCode`, typeCode) +
    opt(`${p}careContactReason`, item.attributes.careContactReason) +
    `<${p}careContactOrgUnit><${p}orgUnitHSAId>${esc(unitId)}</${p}orgUnitHSAId><${p}orgUnitName>${esc(unit.name ?? unitId)}</${p}orgUnitName></${p}careContactOrgUnit>` +
    `<${p}careContactTimePeriod><${p}start>${rivTimestamp(start ?? item.time)}</${p}start>${end ? `<${p}end>${rivTimestamp(end)}</${p}end>` : ''}</${p}careContactTimePeriod>` +
    opt(`${p}careContactStatus`, status) +
    `</${p}careContactBody>`
  );
}

export const getCareContacts3: ContractVersion = {
  contract: 'GetCareContacts',
  version: '3.0',
  major: '3',
  infoType: 'careContact',
  responderNamespace: RESPONDER,
  coreNamespace: CORE,
  serviceDomain: 'riv:clinicalprocess:logistics:logistics',
  categorization: 'vko',
  schemaDir: 'clinicalprocess_logistics_logistics/GetCareContacts/3.0',
  responderXsd: 'interactions/GetCareContactsInteraction/GetCareContactsResponder_3.0.xsd',

  buildRequest(request) {
    const c = writeCommonRequest(request, { outer: '', inner: 'c:' });
    const careGivers = (request.careGiverHsaIds ?? []).map((id) => `<careGiverHSAId>${esc(id)}</careGiverHSAId>`).join('');
    const period = writeDatePeriod('datePeriod', request.period, { outer: '', inner: 'c:' });
    return `<GetCareContacts xmlns="${RESPONDER}" xmlns:c="${CORE}">${c.careUnits}${careGivers}${c.patient}${period}${c.sourceSystem}</GetCareContacts>`;
  },

  parseResponse(response) {
    return readCareContacts(response, 'cv', PROVENANCE);
  },

  writeResponse(items) {
    const body = items.map((item) => `<careContact>${writeCareContactHeader(item, 'c:', '3')}${writeCareContactBody(item, 'c:', '3')}</careContact>`).join('');
    return `<GetCareContactsResponse xmlns="${RESPONDER}" xmlns:c="${CORE}">${body}${writeOkResult({ outer: '', inner: 'c:' }, `careContact-${items.length}`)}</GetCareContactsResponse>`;
  },
};
