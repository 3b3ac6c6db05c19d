import type { CodedValue, Party, RecordItem } from '../../domain/record.js';
import { baseItem, compact, readCodedValue, readPatientSummaryHeader, rivDate, writePatientSummaryHeader } from '../patient-summary-header.js';
import { readResult, writeOkResult } from '../result.js';
import { esc, opt } from '../soap.js';
import { PERSONNUMMER_OID, type ContractFault, type ContractVersion } from '../types.js';
import { bool, child, children, rivTime, text, type XmlNode } from '../xml.js';
import { cvText, isAtc, joined, NPL_ID_OID, writeCv, writeOpenDatePeriod, writeTextCv } from './get-medication-history-2.js';

/**
 * GetVaccinationHistory 2.0 (urn:riv:clinicalprocess:activityprescription:actoutcome:GetVaccinationHistoryResponder:2),
 * against the official copy, which imports the 2.2 core schema. One item per
 * vaccinationMedicalRecord (one vaccination occasion); its administrationRecords (usually one)
 * are summed up in the codes and attributes.
 */

const RESPONDER = 'urn:riv:clinicalprocess:activityprescription:actoutcome:GetVaccinationHistoryResponder:2';
const CORE = 'urn:riv:clinicalprocess:activityprescription:actoutcome:2';
const PROVENANCE = { contract: 'GetVaccinationHistory', version: '2' } as const;

const cvTexts = (nodes: readonly XmlNode[]): (string | undefined)[] => nodes.map((n) => cvText(readCodedValue(n)));

/** Adds codes not already present (same code and text). */
function addDistinct(codes: CodedValue[], cv: CodedValue | undefined): void {
  if (cv && !codes.some((c) => c.code === cv.code && c.displayName === cv.displayName && c.codeSystem === cv.codeSystem)) codes.push(cv);
}

/**
 * `party` with the name of `unit` for display, when `party` has none and `unit` is the same one:
 * same HSA-id, `party` has no id, or (`idless`) `unit` has no id to compare.
 */
function borrowName(party: Party, unit: Party, idless: boolean): Party {
  const same = party.hsaId === undefined || party.hsaId === unit.hsaId || (idless && unit.hsaId === undefined);
  return party.name === undefined && unit.name !== undefined && same ? { ...party, name: unit.name } : party;
}

function parseResponse(response: XmlNode): { items: RecordItem[]; faults: ContractFault[] } {
  const items: RecordItem[] = [];
  const faults: ContractFault[] = readResult(response);
  children(response, 'vaccinationMedicalRecord').forEach((node, index) => {
    const headerNode = child(node, 'vaccinationMedicalRecordHeader');
    const header = readPatientSummaryHeader(headerNode);
    if (!header.ok) {
      faults.push({ kind: 'itemInvalid', index, message: header.message });
      return;
    }
    const h = header.header;
    const body = child(node, 'vaccinationMedicalRecordBody');
    if (!body) {
      faults.push({ kind: 'itemInvalid', index, message: `item ${h.id}: vaccinationMedicalRecordBody is missing` });
      return;
    }
    const registration = child(body, 'registrationRecord');
    const admins = children(body, 'administrationRecord');
    // documentTime is the vaccination time; registrationRecord/date the day the doses were given.
    const time = h.documentTime ?? rivTime(text(registration, 'date')) ?? h.authorTime;
    if (!time) {
      faults.push({ kind: 'itemInvalid', index, message: `item ${h.id}: no documentTime, registration date or authorTime` });
      return;
    }
    const careGiverOrg = child(registration, 'careGiverOrg');
    // careGiverOrg is the legal care giver: its id stands in for a missing header id, its name is
    // shown. The performing unit's name is borrowed for the care unit only when it is the same unit.
    const careGiver = borrowName(
      h.careGiver.hsaId === undefined ? compact({ hsaId: text(careGiverOrg, 'orgUnitHSAId') }) : h.careGiver,
      compact({ hsaId: text(careGiverOrg, 'orgUnitHSAId'), name: text(careGiverOrg, 'orgUnitName') }),
      true,
    );
    const performerOrgs = admins.map((a) => child(a, 'performerOrg')).filter((o): o is XmlNode => o !== undefined);
    const firstPerformerOrg = performerOrgs[0];
    const careUnit = firstPerformerOrg
      ? borrowName(h.careUnit, compact({ hsaId: text(firstPerformerOrg, 'orgUnitHSAId'), name: text(firstPerformerOrg, 'orgUnitName') }), false)
      : h.careUnit;
    const codes: CodedValue[] = [];
    for (const a of admins) {
      addDistinct(codes, readCodedValue(child(a, 'typeOfVaccine')));
      addDistinct(codes, readCodedValue(child(a, 'vaccineName')));
      for (const d of children(a, 'vaccineTargetDisease')) addDistinct(codes, readCodedValue(d));
    }
    const each = (f: (a: XmlNode) => string | undefined) => joined(admins.map(f));
    const vaccineName = each((a) => cvText(readCodedValue(child(a, 'vaccineName'))));
    const vaccineType = each((a) => cvText(readCodedValue(child(a, 'typeOfVaccine'))));
    const note = text(registration, 'vaccinationUnstructuredNote');
    items.push({
      ...baseItem(h, 'vaccination', time, PROVENANCE),
      careGiver,
      careUnit,
      title: joined((vaccineName ?? vaccineType)?.split('; ') ?? [], ', ') ?? h.title ?? 'Vaccination',
      ...(note !== undefined ? { text: note } : {}),
      codes,
      attributes: compact({
        vaccineName,
        vaccineType,
        targetDisease: joined(admins.flatMap((a) => cvTexts(children(a, 'vaccineTargetDisease')))),
        vaccinationProgram: each((a) => cvText(readCodedValue(child(a, 'vaccinationProgramName')))),
        doseOrdinalNumber: each((a) => text(a, 'doseOrdinalNumber')),
        numberOfPrescribedDoses: each((a) => text(a, 'numberOfPrescribedDoses')),
        isDoseComplete: each((a) => {
          const complete = bool(a, 'isDoseComplete');
          return complete === undefined ? undefined : String(complete);
        }),
        dose: each((a) => text(child(a, 'dose'), 'displayName')),
        route: each((a) => cvText(readCodedValue(child(a, 'route')))),
        anatomicalSite: each((a) => cvText(readCodedValue(child(a, 'anatomicalSite')))),
        batchId: each((a) => text(a, 'vaccineBatchId')),
        manufacturer: each((a) => text(a, 'vaccineManufacturer')),
        performer: each((a) => text(child(a, 'performer'), 'personName') ?? text(child(a, 'performer'), 'hsaid')),
        performerOrg: joined(performerOrgs.map((o) => text(o, 'orgUnitName')).filter((n) => n !== careUnit.name)),
        commentPrescription: each((a) => text(a, 'commentPrescription')),
        commentAdministration: each((a) => text(a, 'commentAdministration')),
        sourceDescription: each((a) => text(a, 'sourceDescription')),
        riskCategory: joined(cvTexts(children(registration, 'riskCategory'))),
        adverseEffect: joined([...cvTexts(children(registration, 'patientAdverseEffect')), ...admins.flatMap((a) => cvTexts(children(a, 'patientAdverseEffect')))]),
        nullifiedReason: text(headerNode, 'nullifiedReason'),
      }),
    });
  });
  return { items, faults };
}

// ---- Writing -----------------------------------------------------------------------------------

const split = (value: string | undefined): string[] => (value === undefined ? [] : value.split('; '));
const whole = (value: string | undefined): string | undefined => (value !== undefined && /^\d+$/.test(value) ? value : undefined);

/**
 * One administrationRecord from the item. Codes are placed by the attribute naming them
 * (vaccineType, vaccineName, targetDisease); without those, an ATC code is the vaccine type, an
 * NPL-id the product, the rest target diseases, and the title names the vaccine.
 */
function writeAdministration(item: RecordItem, p: string): string {
  const a = item.attributes;
  const byText = (label: string | undefined) => (label === undefined ? undefined : item.codes.find((c) => cvText(c) === label));
  const type = byText(a.vaccineType) ?? (a.vaccineType === undefined ? item.codes.find(isAtc) : undefined);
  const name = byText(a.vaccineName) ?? (a.vaccineName === undefined ? item.codes.find((c) => c !== type && c.codeSystem === NPL_ID_OID) : undefined);
  const diseaseLabels = split(a.targetDisease);
  const diseases = item.codes.filter((c) => c !== type && c !== name && (diseaseLabels.length === 0 || diseaseLabels.includes(cvText(c) ?? '')));
  const uncodedDiseases = diseaseLabels.filter((l) => !diseases.some((c) => cvText(c) === l));
  const typeText = cvText(type) ?? a.vaccineType;
  const titleNames = item.title !== undefined && item.title !== 'Vaccination' && item.title !== typeText;
  const nameText = name ? undefined : (a.vaccineName ?? (titleNames ? item.title : undefined));
  const complete = a.isDoseComplete === 'true' || a.isDoseComplete === 'false' ? a.isDoseComplete : undefined;
  return (
    `<${p}administrationRecord>` +
    writeTextCv('vaccinationProgramName', a.vaccinationProgram, p) +
    (a.performerOrg !== undefined ? `<${p}performerOrg><${p}orgUnitName>${esc(a.performerOrg)}</${p}orgUnitName></${p}performerOrg>` : '') +
    (a.performer !== undefined ? `<${p}performer><${p}personName>${esc(a.performer)}</${p}personName></${p}performer>` : '') +
    writeTextCv('anatomicalSite', a.anatomicalSite, p) +
    writeTextCv('route', a.route, p) +
    (a.dose !== undefined ? `<${p}dose><${p}displayName>${esc(a.dose)}</${p}displayName></${p}dose>` : '') +
    opt(`${p}isDoseComplete`, complete) +
    opt(`${p}doseOrdinalNumber`, whole(a.doseOrdinalNumber)) +
    opt(`${p}numberOfPrescribedDoses`, whole(a.numberOfPrescribedDoses)) +
    opt(`${p}sourceDescription`, a.sourceDescription) +
    opt(`${p}commentPrescription`, a.commentPrescription) +
    opt(`${p}commentAdministration`, a.commentAdministration) +
    (type ? writeCv('typeOfVaccine', type, p) : writeTextCv('typeOfVaccine', a.vaccineType, p)) +
    (name ? writeCv('vaccineName', name, p) : writeTextCv('vaccineName', nameText, p)) +
    opt(`${p}vaccineBatchId`, a.batchId) +
    opt(`${p}vaccineManufacturer`, a.manufacturer) +
    diseases.map((d) => writeCv('vaccineTargetDisease', d, p)).join('') +
    uncodedDiseases.map((d) => writeTextCv('vaccineTargetDisease', d, p)).join('') +
    `</${p}administrationRecord>`
  );
}

/**
 * The registrationRecord. Its required parts the item may lack are invented: the source system's
 * name is its HSA-id, and its contact is the source system itself; the date is the item's day.
 */
function writeRegistration(item: RecordItem, p: string): string {
  const a = item.attributes;
  const giver = item.careGiver;
  return (
    `<${p}registrationRecord>` +
    `<${p}careGiverOrg>${opt(`${p}orgUnitHSAId`, giver.hsaId)}${opt(`${p}orgUnitName`, giver.name)}</${p}careGiverOrg>` +
    `<${p}sourceSystemName>${esc(item.sourceSystemHsaId ?? 'okänt källsystem')}</${p}sourceSystemName>` +
    `<${p}sourceSystemContact>${opt(`${p}hsaid`, item.sourceSystemHsaId)}</${p}sourceSystemContact>` +
    `<${p}date>${rivDate(item.time)}</${p}date>` +
    opt(`${p}vaccinationUnstructuredNote`, item.text) +
    split(a.riskCategory).map((r) => writeTextCv('riskCategory', r, p)).join('') +
    split(a.adverseEffect).map((r) => writeTextCv('patientAdverseEffect', r, p)).join('') +
    `</${p}registrationRecord>`
  );
}

/** The header, with nullified always present (1..1 in the TKB) and a nullification reason when there is one. */
function writeHeader(item: RecordItem, p: string): string {
  const element = 'vaccinationMedicalRecordHeader';
  const header = writePatientSummaryHeader(element, item, p);
  const tail = item.nullified ? opt(`${p}nullifiedReason`, item.attributes.nullifiedReason) : `<${p}nullified>false</${p}nullified>`;
  return header.replace(`</${p}${element}>`, `${tail}</${p}${element}>`);
}

/** Whether the item says anything about the vaccine itself (else no administrationRecord is written). */
const hasAdministration = (item: RecordItem): boolean =>
  item.codes.length > 0 ||
  ['vaccineName', 'vaccineType', 'targetDisease', 'doseOrdinalNumber', 'dose', 'batchId', 'performer', 'performerOrg', 'commentAdministration'].some((k) => item.attributes[k] !== undefined) ||
  (item.title !== undefined && item.title !== 'Vaccination');

export const getVaccinationHistory2: ContractVersion = {
  contract: 'GetVaccinationHistory',
  version: '2.0',
  major: '2',
  infoType: 'vaccination',
  responderNamespace: RESPONDER,
  coreNamespace: CORE,
  serviceDomain: 'riv:clinicalprocess:activityprescription:actoutcome',
  categorization: 'caa-gvh',
  schemaDir: 'clinicalprocess_activityprescription_actoutcome/GetVaccinationHistory/2.0',
  responderXsd: 'interactions/GetVaccinationHistoryInteraction/GetVaccinationHistoryResponder_2.0.xsd',

  buildRequest(request) {
    // This contract spells the filters careUnitHSAid / sourceSystemHSAid and has no care giver filter.
    const careUnits = (request.careUnitHsaIds ?? []).map((id) => `<careUnitHSAid>${esc(id)}</careUnitHSAid>`).join('');
    const patient = `<patientId><c:id>${esc(request.patientId)}</c:id><c:type>${esc(request.patientIdType ?? PERSONNUMMER_OID)}</c:type></patientId>`;
    const period = writeOpenDatePeriod('timePeriod', request.period, { outer: '', inner: 'c:' });
    return `<GetVaccinationHistory xmlns="${RESPONDER}" xmlns:c="${CORE}">${careUnits}${patient}${period}${opt('sourceSystemHSAid', request.sourceSystemHsaId)}</GetVaccinationHistory>`;
  },

  parseResponse,

  writeResponse(items) {
    const body = items
      .map(
        (item) =>
          `<vaccinationMedicalRecord>${writeHeader(item, 'c:')}<c:vaccinationMedicalRecordBody>${writeRegistration(item, 'c:')}${hasAdministration(item) ? writeAdministration(item, 'c:') : ''}</c:vaccinationMedicalRecordBody></vaccinationMedicalRecord>`,
      )
      .join('');
    return `<GetVaccinationHistoryResponse xmlns="${RESPONDER}" xmlns:c="${CORE}">${body}${writeOkResult({ outer: '', inner: 'c:' }, `vaccination-${items.length}`)}</GetVaccinationHistoryResponse>`;
  },
};
