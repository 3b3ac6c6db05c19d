import { JournalenError } from '../errors/index.js';
import type { RecordItem } from '../domain/record.js';
import { addDays, type IsoDate } from '../domain/time.js';
import type { ContractVersion } from '../contracts/types.js';
import { children, rivTime, text, type XmlNode } from '../contracts/xml.js';

/**
 * What a producer reads from any clinical RIV-TA request, whichever contract and generation it
 * is: the filter elements are named alike across them (patientId; careUnitHSAId, careUnitHSAid or
 * careUnit; careGiverHSAId or healthcareProvider; timePeriod or datePeriod; sourceSystemHSAId,
 * sourceSystemHSAid or sourceSystemId; careContactId; hasMoreReference), with an id either as
 * text (HSAIdType, PersonIdType/id) or as IIType/extension. So a new contract version in the
 * registry is served without code here.
 */

export interface ProducerRequest {
  readonly patientId: string;
  readonly patientIdType?: string;
  readonly careUnitHsaIds: readonly string[];
  readonly careGiverHsaIds: readonly string[];
  /** Instants; `endMs` is exclusive (a date period includes its whole end day). */
  readonly period?: { readonly startMs?: number; readonly endMs?: number };
  readonly sourceSystemHsaId?: string;
  readonly careContactIds: readonly string[];
  /** Paging reference from an earlier answer's hasMore. */
  readonly continuation?: string;
}

const CARE_UNIT = ['careUnitHSAId', 'careUnitHSAid', 'careUnit'];
const CARE_GIVER = ['careGiverHSAId', 'healthcareProvider'];
const PERIOD = ['timePeriod', 'datePeriod'];
const SOURCE_SYSTEM = ['sourceSystemHSAId', 'sourceSystemHSAid', 'sourceSystemId'];

// Twelve characters as the engagement index takes them (personnummer, samordningsnummer,
// reservnummer with letters); anything else is a malformed request, not an unknown patient.
const PATIENT_ID = /^[0-9]{8}[0-9A-Za-z]{4}$/;
const RIV_DATE = /^\d{8}$/;
const RIV_TIMESTAMP = /^\d{14}$/;

const invalid = (field: string, message: string) => new JournalenError('INPUT_INVALID', `${field}: ${message}`, { field });

/** An id as HSAIdType/string text or IIType (root + extension). */
function idValue(node: XmlNode): string | undefined {
  return text(node, 'extension') ?? text(node, 'id') ?? text(node);
}

function ids(request: XmlNode, names: readonly string[]): string[] {
  return names.flatMap((name) => children(request, name).map(idValue)).filter((v): v is string => v !== undefined);
}

function bound(value: string | undefined, field: string, end: boolean): number | undefined {
  if (value === undefined) return undefined;
  if (!RIV_DATE.test(value) && !RIV_TIMESTAMP.test(value)) throw invalid(field, 'must be a date YYYYMMDD or a timestamp YYYYMMDDhhmmss');
  const instant = rivTime(value);
  if (!instant) throw invalid(field, `${value} is not a calendar date or time`);
  if (!end || value.length === 14) return instant.getTime();
  // A date period includes its end date: the bound is the start of the next Swedish day.
  const next = addDays(`${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}` as IsoDate, 1).replaceAll('-', '');
  return rivTime(next)!.getTime();
}

/** Reads the request element (the SOAP Body's child); INPUT_INVALID names the field at fault. */
export function readProducerRequest(request: XmlNode): ProducerRequest {
  const patient = children(request, 'patientId');
  if (patient.length !== 1) throw invalid('patientId', patient.length === 0 ? 'is missing' : 'must occur once');
  const patientId = idValue(patient[0]!);
  if (patientId === undefined) throw invalid('patientId', 'has no id');
  if (!PATIENT_ID.test(patientId)) throw invalid('patientId', 'must be 12 characters: 8 digits, then 4 digits or letters');
  const patientIdType = text(patient[0], 'type') ?? text(patient[0], 'root');

  let period: ProducerRequest['period'];
  const periods = PERIOD.flatMap((name) => children(request, name).map((node) => [name, node] as const));
  if (periods.length > 1) throw invalid('timePeriod', 'must occur at most once');
  if (periods.length === 1) {
    const [name, node] = periods[0]!;
    const startMs = bound(text(node, 'start'), `${name}.start`, false);
    const endMs = bound(text(node, 'end'), `${name}.end`, true);
    if (startMs !== undefined && endMs !== undefined && startMs >= endMs) throw invalid(name, 'start is after end');
    period = { ...(startMs !== undefined ? { startMs } : {}), ...(endMs !== undefined ? { endMs } : {}) };
  }

  const sourceSystems = ids(request, SOURCE_SYSTEM);
  if (sourceSystems.length > 1) throw invalid('sourceSystemHSAId', 'must occur at most once');
  const continuation = text(request, 'hasMoreReference');
  return {
    patientId,
    ...(patientIdType !== undefined ? { patientIdType } : {}),
    careUnitHsaIds: ids(request, CARE_UNIT),
    careGiverHsaIds: ids(request, CARE_GIVER),
    ...(period ? { period } : {}),
    ...(sourceSystems[0] !== undefined ? { sourceSystemHsaId: sourceSystems[0] } : {}),
    careContactIds: children(request, 'careContactId').map((n) => text(n)).filter((v): v is string => v !== undefined),
    ...(continuation !== undefined ? { continuation } : {}),
  };
}

/**
 * The instants a contract version's period filter applies to, where the official test suites
 * name them (test case 1.2.1; `src/conformance/period-fields.ts` reads the same from the XML),
 * taken from the canonical item as our writers write those elements. Any one inside the period
 * is a match. Contracts not listed: the item's time, or the period it covers overlapping.
 */
const PERIOD_INSTANTS: Readonly<Record<string, (item: RecordItem) => readonly (Date | undefined)[]>> = {
  // documentTime, authorTime, signatureTime (the lock time of a locked unsigned note is written as signatureTime).
  'GetCareDocumentation/2': (item) => [
    item.time,
    item.author?.time ?? item.time,
    item.signed ? item.signer?.time : item.locked ? (item.author?.time ?? item.time) : undefined,
  ],
  // prescriber.authorTime and the accountable professional's authorTime (both written as the
  // item's time), startOfTreatment, endOfTreatment: instants, not the treatment's whole span.
  'GetMedicationHistory/2': (item) => [item.time, item.period?.start, item.period?.end],
};

/**
 * The request's filters applied to one item, as a producer applies them: care unit, care giver,
 * source system, care contact, and the period against the timestamps the contract's
 * specification names (or the item's time or the period it covers, without a contract).
 */
export function matchesRequest(item: RecordItem, request: ProducerRequest, contract?: Pick<ContractVersion, 'contract' | 'major'>): boolean {
  if (request.careUnitHsaIds.length > 0 && !request.careUnitHsaIds.includes(item.careUnit.hsaId ?? item.careUnitHsaId ?? '')) return false;
  if (request.careGiverHsaIds.length > 0 && !request.careGiverHsaIds.includes(item.careGiver.hsaId ?? '')) return false;
  if (request.sourceSystemHsaId !== undefined && request.sourceSystemHsaId !== item.sourceSystemHsaId) return false;
  if (request.careContactIds.length > 0) {
    // A care contact is also found by its own id: GetCareContacts 2's header has no
    // careContactId, so the id a consumer has of a contact there is the contact's documentId.
    const contactIds = item.infoType === 'careContact' ? [item.id, item.careContactId] : [item.careContactId];
    if (!contactIds.some((id) => id !== undefined && request.careContactIds.includes(id))) return false;
  }
  const period = request.period;
  if (period) {
    const start = period.startMs ?? -Infinity;
    const end = period.endMs ?? Infinity;
    const inside = (t: Date | undefined) => t !== undefined && t.getTime() >= start && t.getTime() < end;
    const instants = contract === undefined ? undefined : PERIOD_INSTANTS[`${contract.contract}/${contract.major}`];
    if (instants !== undefined) return instants(item).some(inside);
    // An item covering a period (a stay, a prescription, an alert's validity) matches when it overlaps.
    const from = item.period?.start?.getTime();
    const to = item.period?.end?.getTime() ?? Infinity;
    const overlaps = from !== undefined && from < end && to >= start;
    if (!inside(item.time) && !overlaps) return false;
  }
  return true;
}
