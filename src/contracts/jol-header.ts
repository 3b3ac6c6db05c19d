import type { CodedValue, InfoType, Party, RecordItem } from '../domain/record.js';
import { compact, readCodedValue, rivTimestamp, writeCodedValue, type HeaderFields } from './patient-summary-header.js';
import { esc, opt } from './soap.js';
import { PERSONNUMMER_OID } from './types.js';
import { bool, child, rivTime, text, type XmlNode } from './xml.js';

/**
 * The "JoL header" (HeaderType) of the newer contracts, GetCareDocumentation 3 and
 * GetLaboratoryOrderOutcome 4:
 *
 *   header/accessControlHeader{accountableHealthcareProvider | accountableCareGiver, accountableCareUnit?,
 *     patientId (GCD 3) | originalPatientId? (GLOO 4), careProcessId?, lockTime? (GLOO 4), blockComparisonTime,
 *     approvedForPatient}, sourceSystemId, record{id, timestamp}, author?{id, name, timestamp, byRole, orgUnit},
 *     signature?{id, name, timestamp, byRole}
 *
 * Element names are local, so one reader serves both domains even where GLOO 4.2 puts `patientId`
 * and `orgUnit` in its 4.1 extension namespace. The writer is told the differences by a layout.
 */

/** OID of HSA-ids in IIType.root. */
export const HSA_OID = '1.2.752.129.2.1.4.1';

export type JolHeaderFields = HeaderFields & {
  /** accessControlHeader/blockComparisonTime (required by both schemas). */
  readonly blockComparisonTime: Date;
  /** record/timestamp: when the item was first created in the source system. */
  readonly recordTime: Date;
  /** `true` only when the producer sent a lockTime and no signature (GLOO 4; its TKB says not to send it). */
  readonly locked?: boolean;
  readonly lockTime?: Date;
  /** accessControlHeader/careProcessId (IIType root in GCD 3, a UUID string in GLOO 4). */
  readonly careProcessId?: string;
  /** GLOO 4: the id the item was stored under, when it differs from the one asked for. */
  readonly originalPatientId?: string;
  readonly signerRole?: CodedValue;
  /** The author's own unit when it is not the accountable care unit (e.g. a ward under it). */
  readonly authorOrgUnit?: Party;
};

export type JolHeaderResult = { ok: true; header: JolHeaderFields } | { ok: false; message: string };

/** IIType value: `extension`, or `root` alone when there is no extension (root-only ids, as GCD 3 record ids). */
export function iiValue(node: XmlNode | undefined): string | undefined {
  if (!node) return undefined;
  // GLOO 4 careProcessId is a plain string, not an IIType.
  return text(node, 'extension') ?? text(node, 'root') ?? text(node);
}

/** An HSA-id from an IIType: the extension; a root alone only when it is not the HSA OID itself. */
export function hsaIdOf(node: XmlNode | undefined): string | undefined {
  if (!node) return undefined;
  const extension = text(node, 'extension');
  if (extension !== undefined) return extension;
  const root = text(node, 'root');
  return root === HSA_OID ? undefined : root;
}

/**
 * Reads a JoL HeaderType. `options.patientId` is the id to assume when the header names none
 * (GLOO 4.0 has no patient id in the header; 4.2 only an optional one).
 */
export function readJolHeader(node: XmlNode | undefined, options: { readonly patientId?: string; readonly patientIdType?: string } = {}): JolHeaderResult {
  if (!node) return { ok: false, message: 'header is missing' };
  const access = child(node, 'accessControlHeader');
  if (!access) return { ok: false, message: 'header/accessControlHeader is missing' };
  const record = child(node, 'record');
  const id = iiValue(child(record, 'id'));
  if (id === undefined) return { ok: false, message: 'header/record/id is missing' };
  const recordTime = rivTime(text(record, 'timestamp'));
  if (!recordTime) return { ok: false, message: `item ${id}: record/timestamp is missing or not a timestamp` };

  const patientNode = child(access, 'patientId');
  const originalPatientId = text(child(access, 'originalPatientId'), 'extension');
  const patientId = text(patientNode, 'extension') ?? originalPatientId ?? options.patientId;
  if (patientId === undefined) return { ok: false, message: `item ${id}: accessControlHeader/patientId is missing` };
  const patientIdType = patientNode ? text(patientNode, 'root') : (text(child(access, 'originalPatientId'), 'root') ?? options.patientIdType);

  // A producer that does not say whether the patient may see it has not approved it.
  const approved = bool(access, 'approvedForPatient');
  if (approved === undefined) return { ok: false, message: `item ${id}: approvedForPatient is missing or not a boolean` };
  const blockComparisonTime = rivTime(text(access, 'blockComparisonTime'));
  if (!blockComparisonTime) return { ok: false, message: `item ${id}: blockComparisonTime is missing or not a timestamp` };

  const author = child(node, 'author');
  const orgUnit = child(author, 'orgUnit');
  const orgUnitId = text(orgUnit, 'orgUnitHSAId') ?? hsaIdOf(child(orgUnit, 'id'));
  const orgUnitName = text(orgUnit, 'orgUnitName') ?? text(orgUnit, 'name');
  const careUnitHsaId = hsaIdOf(child(access, 'accountableCareUnit')) ?? orgUnitId;
  // The author's unit names the care unit only when it is that unit (or says no id).
  const orgUnitIsCareUnit = orgUnitId === undefined || orgUnitId === careUnitHsaId;
  const authorTime = rivTime(text(author, 'timestamp'));

  const signature = child(node, 'signature');
  const signatureTime = rivTime(text(signature, 'timestamp'));
  const signerRole = readCodedValue(child(signature, 'byRole'));
  const lockTime = rivTime(text(access, 'lockTime'));
  const careProcessId = iiValue(child(access, 'careProcessId'));

  const header: JolHeaderFields = {
    id,
    patientId,
    ...(patientIdType !== undefined ? { patientIdType } : {}),
    ...(hsaIdOf(child(node, 'sourceSystemId')) !== undefined ? { sourceSystemHsaId: hsaIdOf(child(node, 'sourceSystemId'))! } : {}),
    careGiver: compact({ hsaId: hsaIdOf(child(access, 'accountableHealthcareProvider')) ?? hsaIdOf(child(access, 'accountableCareGiver')) }),
    careUnit: compact({ hsaId: careUnitHsaId, name: orgUnitIsCareUnit ? orgUnitName : undefined }),
    ...(careUnitHsaId !== undefined ? { careUnitHsaId } : {}),
    ...(author
      ? { author: compact({ hsaId: hsaIdOf(child(author, 'id')), name: text(author, 'name'), role: readCodedValue(child(author, 'byRole')), time: authorTime }) }
      : {}),
    ...(signature && signatureTime ? { signer: compact({ hsaId: hsaIdOf(child(signature, 'id')), name: text(signature, 'name'), time: signatureTime }) } : {}),
    // A signature needs a readable time: an empty or `?` signature element is not a signature.
    signed: signature !== undefined && signatureTime !== undefined,
    approvedForPatient: approved,
    blockComparisonTime,
    recordTime,
    ...(lockTime ? { lockTime } : {}),
    ...(lockTime && !signature ? { locked: true } : {}),
    ...(careProcessId !== undefined ? { careProcessId } : {}),
    ...(originalPatientId !== undefined ? { originalPatientId } : {}),
    ...(signerRole ? { signerRole } : {}),
    ...(!orgUnitIsCareUnit ? { authorOrgUnit: compact({ hsaId: orgUnitId, name: orgUnitName }) } : {}),
    ...(authorTime ? { authorTime } : {}),
  };
  return { ok: true, header };
}

/** An item with the JoL header's fields (only those RecordItem has) and defaults for the rest. */
// Header fields that are reading aids, not part of RecordItem.
const NOT_ITEM_FIELDS = new Set(['documentTime', 'authorTime', 'recordTime', 'lockTime', 'careProcessId', 'originalPatientId', 'signerRole', 'authorOrgUnit']);

export function baseJolItem(header: JolHeaderFields, infoType: InfoType, time: Date, provenance: RecordItem['provenance']): RecordItem {
  // A loop rather than rest destructuring: this runs for every item of every answer.
  const item: Record<string, unknown> = { infoType, time, codes: [], values: [], attributes: {}, provenance };
  for (const key in header) {
    const value = header[key as keyof JolHeaderFields];
    if (value !== undefined && !NOT_ITEM_FIELDS.has(key)) item[key] = value;
  }
  return item as unknown as RecordItem;
}

/** How a contract's HeaderType differs from GetCareDocumentation 3's. */
export interface JolHeaderLayout {
  /** `accountableHealthcareProvider` (GCD 3, optional) or `accountableCareGiver` (GLOO 4, required). */
  readonly careGiverElement: 'accountableHealthcareProvider' | 'accountableCareGiver';
  /**
   * The patient id: a core `patientId` after accountableCareUnit (GCD 3), an element in an
   * extension namespace at the end of accessControlHeader (GLOO 4.2 `m1:patientId`), or none (GLOO 4.0).
   */
  readonly patientId: { readonly at: 'afterCareUnit' } | { readonly at: 'end'; readonly prefix: string } | { readonly at: 'none' };
  /**
   * The author's orgUnit: core `orgUnitHSAId`/`orgUnitName` (GCD 3), or an `orgUnit` element in an
   * extension namespace with core `id`/`name` children (GLOO 4.2 `m1:orgUnit`).
   */
  readonly orgUnit: { readonly style: 'hsaIdName' } | { readonly style: 'idName'; readonly prefix: string };
  /** careProcessId as an IIType (GCD 3) or a UUID string (GLOO 4). */
  readonly careProcessId: 'ii' | 'uuid';
  /** IITypes with root only where we have no root of our own (GCD 3), or root + extension (GLOO 4 requires extension). */
  readonly extensionRequired: boolean;
}

export const GCD3_JOL_LAYOUT: JolHeaderLayout = {
  careGiverElement: 'accountableHealthcareProvider',
  patientId: { at: 'afterCareUnit' },
  orgUnit: { style: 'hsaIdName' },
  careProcessId: 'ii',
  extensionRequired: false,
};

const UUID = /^[A-Fa-f0-9]{32}$|^[({]?[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}[)}]?$/;

/**
 * Writes a JoL `header` element in schema order with the core namespace prefix `prefix`.
 *
 * Values the schema requires and the item may lack are invented: blockComparisonTime falls back to
 * `item.time`, record/timestamp is `options.recordTime` or `item.time`, author/timestamp the
 * author's time or `item.time`, an unknown HSA-id an empty extension (which reads back as absent).
 * `item.attributes.careProcessId` becomes careProcessId. A locked item is written as unsigned:
 * the JoL header has no way to say "locked" that producers may use.
 */
export function writeJolHeader(item: RecordItem, prefix: string, layout: JolHeaderLayout = GCD3_JOL_LAYOUT, options: { readonly recordTime?: Date } = {}): string {
  const p = prefix;
  const hsa = (element: string, hsaId: string | undefined) =>
    `<${p}${element}><${p}root>${HSA_OID}</${p}root><${p}extension>${esc(hsaId ?? '')}</${p}extension></${p}${element}>`;
  const patient = (element: string) =>
    `<${element}><${p}root>${esc(item.patientIdType ?? PERSONNUMMER_OID)}</${p}root><${p}extension>${esc(item.patientId)}</${p}extension></${element}>`;
  // Record ids are the source system's own; where an extension is required, the root names that
  // system's id space by its HSA-id, as producers without an OID of their own do.
  const recordId = layout.extensionRequired
    ? `<${p}id><${p}root>${esc(item.sourceSystemHsaId ?? 'local')}</${p}root><${p}extension>${esc(item.id)}</${p}extension></${p}id>`
    : `<${p}id><${p}root>${esc(item.id)}</${p}root></${p}id>`;

  const careGiver = item.careGiver.hsaId !== undefined || layout.careGiverElement === 'accountableCareGiver' ? hsa(layout.careGiverElement, item.careGiver.hsaId) : '';
  const careUnit = item.careUnit.hsaId !== undefined ? hsa('accountableCareUnit', item.careUnit.hsaId) : '';
  const processValue = item.attributes.careProcessId;
  const careProcess =
    processValue === undefined
      ? ''
      : layout.careProcessId === 'ii'
        ? `<${p}careProcessId><${p}root>${esc(processValue)}</${p}root></${p}careProcessId>`
        : UUID.test(processValue)
          ? `<${p}careProcessId>${esc(processValue)}</${p}careProcessId>`
          : '';
  const access =
    `<${p}accessControlHeader>` +
    careGiver +
    careUnit +
    (layout.patientId.at === 'afterCareUnit' ? patient(`${p}patientId`) : '') +
    careProcess +
    `<${p}blockComparisonTime>${rivTimestamp(item.blockComparisonTime ?? item.time)}</${p}blockComparisonTime>` +
    `<${p}approvedForPatient>${item.approvedForPatient}</${p}approvedForPatient>` +
    (layout.patientId.at === 'end' ? patient(`${layout.patientId.prefix}patientId`) : '') +
    `</${p}accessControlHeader>`;

  const author = item.author;
  const unit = item.careUnit;
  const orgUnit =
    unit.hsaId === undefined && unit.name === undefined
      ? ''
      : layout.orgUnit.style === 'hsaIdName'
        ? `<${p}orgUnit>${opt(`${p}orgUnitHSAId`, unit.hsaId)}${opt(`${p}orgUnitName`, unit.name)}</${p}orgUnit>`
        : `<${layout.orgUnit.prefix}orgUnit>${unit.hsaId !== undefined ? hsa('id', unit.hsaId) : ''}<${p}name>${esc(unit.name ?? unit.hsaId ?? '')}</${p}name></${layout.orgUnit.prefix}orgUnit>`;
  // The care unit's name travels only in the author's orgUnit, so an item with a named unit gets an author.
  const authorElement =
    author !== undefined || unit.name !== undefined
      ? `<${p}author>` +
        (author?.hsaId !== undefined ? hsa('id', author.hsaId) : '') +
        opt(`${p}name`, author?.name) +
        `<${p}timestamp>${rivTimestamp(author?.time ?? item.time)}</${p}timestamp>` +
        writeCodedValue('byRole', author?.role, p) +
        orgUnit +
        `</${p}author>`
      : '';
  const signer = item.signer;
  const signature = item.signed
    ? `<${p}signature>` +
      (signer?.hsaId !== undefined ? hsa('id', signer.hsaId) : '') +
      opt(`${p}name`, signer?.name) +
      `<${p}timestamp>${rivTimestamp(signer?.time ?? item.time)}</${p}timestamp>` +
      `</${p}signature>`
    : '';

  return (
    `<${p}header>` +
    access +
    hsa('sourceSystemId', item.sourceSystemHsaId) +
    `<${p}record>${recordId}<${p}timestamp>${rivTimestamp(options.recordTime ?? item.time)}</${p}timestamp></${p}record>` +
    authorElement +
    signature +
    `</${p}header>`
  );
}
