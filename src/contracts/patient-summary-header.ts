import type { CodedValue, InfoType, RecordItem } from '../domain/record.js';
import { swedishCompactTimestamp, swedishDate } from '../domain/time.js';
import { esc, opt } from './soap.js';
import type { ContractRequest } from './types.js';
import { PERSONNUMMER_OID } from './types.js';
import { bool, child, rivTime, text, type XmlNode } from './xml.js';

/**
 * The PatientSummaryHeaderType ("JoL header" of the 2.x-generation contracts: GetDiagnosis 2,
 * GetAlertInformation 2, GetCareDocumentation 2.1, GetCareContacts 2/3, GetLaboratoryOrderOutcome
 * 3.1, GetReferralOutcome 3, GetImagingOutcome 1, GetMedicationHistory 2, GetVaccinationHistory 2).
 * Read once here; each contract adds its body.
 */

export type HeaderFields = Pick<
  RecordItem,
  | 'id'
  | 'patientId'
  | 'patientIdType'
  | 'sourceSystemHsaId'
  | 'careGiver'
  | 'careUnit'
  | 'author'
  | 'signer'
  | 'signed'
  | 'approvedForPatient'
  | 'nullified'
  | 'careContactId'
  | 'careUnitHsaId'
  | 'title'
> & { readonly documentTime?: Date; readonly authorTime?: Date };

export type HeaderResult = { ok: true; header: HeaderFields } | { ok: false; message: string };

export function readCodedValue(node: XmlNode | undefined): CodedValue | undefined {
  if (!node) return undefined;
  const code = text(node, 'code');
  const displayName = text(node, 'displayName') ?? text(node, 'originalText');
  if (code === undefined && displayName === undefined) return undefined;
  const cv: { -readonly [K in keyof CodedValue]: CodedValue[K] } = { code: code ?? '' };
  const system = text(node, 'codeSystem');
  const systemName = text(node, 'codeSystemName');
  if (system !== undefined) cv.codeSystem = system;
  if (systemName !== undefined) cv.codeSystemName = systemName;
  if (displayName !== undefined) cv.displayName = displayName;
  return cv;
}

/**
 * Reads a PatientSummaryHeaderType. `sourceSystemElement` is `sourceSystemHSAId`, except for
 * GetCareDocumentation 2.1 which spells it `sourceSystemHSAid`.
 */
export function readPatientSummaryHeader(node: XmlNode | undefined, sourceSystemElement = 'sourceSystemHSAId'): HeaderResult {
  if (!node) return { ok: false, message: 'header is missing' };
  const id = text(node, 'documentId');
  if (id === undefined) return { ok: false, message: 'documentId is missing' };
  const patient = child(node, 'patientId');
  const patientId = text(patient, 'id');
  if (patientId === undefined) return { ok: false, message: `item ${id}: patientId/id is missing` };
  const approved = bool(node, 'approvedForPatient');
  // A producer that does not say whether the patient may see it has not approved it.
  if (approved === undefined) return { ok: false, message: `item ${id}: approvedForPatient is missing or not a boolean` };
  const professional = child(node, 'accountableHealthcareProfessional');
  const orgUnit = child(professional, 'healthcareProfessionalOrgUnit');
  const careUnitHsaId = text(professional, 'healthcareProfessionalCareUnitHSAId') ?? text(orgUnit, 'orgUnitHSAId');
  const legal = child(node, 'legalAuthenticator');
  const signatureTime = rivTime(text(legal, 'signatureTime'));
  const authorTime = rivTime(text(professional, 'authorTime'));
  const documentTime = rivTime(text(node, 'documentTime'));
  const role = readCodedValue(child(professional, 'healthcareProfessionalRoleCode'));
  // Built field by field rather than with spreads: this runs once per item of every answer.
  const header: Mutable<HeaderFields> = {
    id,
    patientId,
    careGiver: compact({ hsaId: text(professional, 'healthcareProfessionalCareGiverHSAId') }),
    careUnit: compact({ hsaId: careUnitHsaId, name: text(orgUnit, 'orgUnitName') }),
    author: compact({ hsaId: text(professional, 'healthcareProfessionalHSAId'), name: text(professional, 'healthcareProfessionalName'), role, time: authorTime }),
    signed: legal !== undefined && signatureTime !== undefined,
    approvedForPatient: approved,
  };
  const patientIdType = text(patient, 'type');
  if (patientIdType !== undefined) header.patientIdType = patientIdType;
  const sourceSystem = text(node, sourceSystemElement);
  if (sourceSystem !== undefined) header.sourceSystemHsaId = sourceSystem;
  if (careUnitHsaId !== undefined) header.careUnitHsaId = careUnitHsaId;
  if (legal && signatureTime) header.signer = compact({ hsaId: text(legal, 'legalAuthenticatorHSAId'), name: text(legal, 'legalAuthenticatorName'), time: signatureTime });
  // Unreadable is not "not nullified": an item the producer may have withdrawn is refused.
  const nullified = bool(node, 'nullified');
  if (nullified === undefined && text(node, 'nullified') !== undefined) return { ok: false, message: `item ${id}: nullified is not a boolean` };
  if (nullified === true) header.nullified = true;
  const careContactId = text(node, 'careContactId');
  if (careContactId !== undefined) header.careContactId = careContactId;
  const title = text(node, 'documentTitle');
  if (title !== undefined) header.title = title;
  if (documentTime) header.documentTime = documentTime;
  if (authorTime) header.authorTime = authorTime;
  return { ok: true, header };
}

/** Drops undefined fields, so objects compare and serialise cleanly. */
export function compact<T extends Record<string, unknown>>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out as never;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** An item with the header fields and defaults for the rest. */
export function baseItem(header: HeaderFields, infoType: InfoType, time: Date, provenance: RecordItem['provenance']): RecordItem {
  const item: Record<string, unknown> = { infoType, time, codes: [], values: [], attributes: {}, provenance };
  for (const key in header) if (key !== 'documentTime' && key !== 'authorTime') item[key] = header[key as keyof HeaderFields];
  return item as unknown as RecordItem;
}

/** RIV-TA TimeStampType (YYYYMMDDhhmmss) in Swedish time. */
export const rivTimestamp = (instant: Date): string => swedishCompactTimestamp(instant);

export const rivDate = (instant: Date): string => swedishDate(instant).replaceAll('-', '');

export function writeCodedValue(name: string, cv: CodedValue | undefined, prefix: string): string {
  if (!cv) return '';
  const p = prefix;
  return `<${p}${name}>${opt(`${p}code`, cv.code)}${opt(`${p}codeSystem`, cv.codeSystem)}${opt(`${p}codeSystemName`, cv.codeSystemName)}${opt(`${p}displayName`, cv.displayName)}</${p}${name}>`;
}

/** Writes a PatientSummaryHeaderType in element order, with the given namespace prefix. */
export function writePatientSummaryHeader(element: string, item: RecordItem, prefix: string, sourceSystemElement = 'sourceSystemHSAId'): string {
  const p = prefix;
  const author = item.author ?? {};
  const orgUnit = item.careUnit.hsaId
    ? `<${p}healthcareProfessionalOrgUnit><${p}orgUnitHSAId>${esc(item.careUnit.hsaId)}</${p}orgUnitHSAId><${p}orgUnitName>${esc(item.careUnit.name ?? item.careUnit.hsaId)}</${p}orgUnitName></${p}healthcareProfessionalOrgUnit>`
    : '';
  const legal = item.signed && item.signer?.time
    ? `<${p}legalAuthenticator><${p}signatureTime>${rivTimestamp(item.signer.time)}</${p}signatureTime>${opt(`${p}legalAuthenticatorHSAId`, item.signer.hsaId)}${opt(`${p}legalAuthenticatorName`, item.signer.name)}</${p}legalAuthenticator>`
    : '';
  return (
    `<${p}${element}>` +
    `<${p}documentId>${esc(item.id)}</${p}documentId>` +
    `<${p}${sourceSystemElement}>${esc(item.sourceSystemHsaId ?? '')}</${p}${sourceSystemElement}>` +
    opt(`${p}documentTitle`, item.title) +
    `<${p}documentTime>${rivTimestamp(item.time)}</${p}documentTime>` +
    `<${p}patientId><${p}id>${esc(item.patientId)}</${p}id><${p}type>${esc(item.patientIdType ?? PERSONNUMMER_OID)}</${p}type></${p}patientId>` +
    `<${p}accountableHealthcareProfessional>` +
    `<${p}authorTime>${rivTimestamp(author.time ?? item.time)}</${p}authorTime>` +
    opt(`${p}healthcareProfessionalHSAId`, author.hsaId) +
    opt(`${p}healthcareProfessionalName`, author.name) +
    writeCodedValue('healthcareProfessionalRoleCode', author.role, p) +
    orgUnit +
    opt(`${p}healthcareProfessionalCareUnitHSAId`, item.careUnit.hsaId) +
    opt(`${p}healthcareProfessionalCareGiverHSAId`, item.careGiver.hsaId) +
    `</${p}accountableHealthcareProfessional>` +
    legal +
    `<${p}approvedForPatient>${item.approvedForPatient}</${p}approvedForPatient>` +
    opt(`${p}careContactId`, item.careContactId) +
    (item.nullified ? `<${p}nullified>true</${p}nullified>` : '') +
    `</${p}${element}>`
  );
}

/**
 * The request filters shared by the 2.x-generation contracts, in schema order. The filter
 * elements belong to the responder namespace (`outer` prefix, usually the default namespace);
 * their children (id, type, start, end) to the core namespace (`inner` prefix).
 */
export function writeCommonRequest(
  request: ContractRequest,
  prefixes: { outer: string; inner: string },
  options: { careUnitElement?: string } = {},
): { careUnits: string; patient: string; period: string; sourceSystem: string } {
  const { outer: o, inner: i } = prefixes;
  const careUnitElement = options.careUnitElement ?? 'careUnitHSAId';
  const { start, end } = request.period ?? {};
  // DatePeriodType requires both ends; an open end becomes a wide bound.
  const period = start || end
    ? `<${o}timePeriod><${i}start>${start ? rivDate(start) : '19000101'}</${i}start><${i}end>${end ? rivDate(end) : '20991231'}</${i}end></${o}timePeriod>`
    : '';
  return {
    careUnits: (request.careUnitHsaIds ?? []).map((id) => `<${o}${careUnitElement}>${esc(id)}</${o}${careUnitElement}>`).join(''),
    patient: `<${o}patientId><${i}id>${esc(request.patientId)}</${i}id><${i}type>${esc(request.patientIdType ?? PERSONNUMMER_OID)}</${i}type></${o}patientId>`,
    period,
    sourceSystem: opt(`${o}sourceSystemHSAId`, request.sourceSystemHsaId),
  };
}
