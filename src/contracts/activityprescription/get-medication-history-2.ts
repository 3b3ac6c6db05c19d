import type { CodedValue, RecordItem } from '../../domain/record.js';
import {
  baseItem,
  compact,
  readCodedValue,
  readPatientSummaryHeader,
  rivDate,
  rivTimestamp,
  writeCodedValue,
  writeCommonRequest,
  writePatientSummaryHeader,
} from '../patient-summary-header.js';
import { readResult, writeOkResult } from '../result.js';
import { esc, opt } from '../soap.js';
import type { ContractFault, ContractRequest, ContractVersion } from '../types.js';
import { bool, child, children, rivTime, text, type XmlNode } from '../xml.js';

/**
 * GetMedicationHistory 2.2 (urn:riv:clinicalprocess:activityprescription:actoutcome:GetMedicationHistoryResponder:2).
 * 2.1 has the same namespace and differs only in DrugType/nplId being required, so this one
 * implementation reads both; the writer puts nplId in whenever it has one, which 2.1 accepts.
 * One item per medicationMedicalRecord (one prescription in a prescription chain).
 */

const RESPONDER = 'urn:riv:clinicalprocess:activityprescription:actoutcome:GetMedicationHistoryResponder:2';
const CORE = 'urn:riv:clinicalprocess:activityprescription:actoutcome:2';
const PROVENANCE = { contract: 'GetMedicationHistory', version: '2' } as const;

/** ATC as Inera (SKL) and WHO publish it. */
export const ATC_OIDS: readonly string[] = ['1.2.752.129.2.2.3.1.1', '2.16.840.1.113883.6.73'];
export const NPL_ID_OID = '1.2.752.129.2.1.5.1';
export const NPL_PACK_ID_OID = '1.2.752.129.2.1.5.2';
/** Root for ids we write (HSA-id-prefixed local identifiers, as in the official mocks). */
const LOCAL_ID_ROOT = '1.2.752.129.2.1.2.1';

export const isAtc = (cv: CodedValue): boolean => (cv.codeSystem !== undefined && ATC_OIDS.includes(cv.codeSystem)) || /\bATC\b/i.test(cv.codeSystemName ?? '');

/** Shown text of a code: its display name (or original text), else the bare code. */
export const cvText = (cv: CodedValue | undefined): string | undefined => cv?.displayName ?? (cv?.code === '' ? undefined : cv?.code);

/** A CVType: coded when there is a code, otherwise the text as originalText (as the TKBs say). */
export function writeCv(name: string, cv: CodedValue | undefined, p: string): string {
  if (!cv) return '';
  if (cv.code === '') return cv.displayName === undefined ? '' : `<${p}${name}><${p}originalText>${esc(cv.displayName)}</${p}originalText></${p}${name}>`;
  return writeCodedValue(name, cv, p);
}

/** A CVType holding only text. */
export const writeTextCv = (name: string, value: string | undefined, p: string): string =>
  value === undefined ? '' : `<${p}${name}><${p}originalText>${esc(value)}</${p}originalText></${p}${name}>`;

/** Distinct non-empty values joined for one attribute; undefined when there are none. */
export function joined(values: readonly (string | undefined)[], separator = '; '): string | undefined {
  const distinct = [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))];
  return distinct.length === 0 ? undefined : distinct.join(separator);
}

/** A DatePeriodType whose ends are both optional in this domain: only the given ends are sent. */
export function writeOpenDatePeriod(element: string, period: ContractRequest['period'], prefixes: { outer: string; inner: string }): string {
  const { start, end } = period ?? {};
  if (!start && !end) return '';
  const { outer: o, inner: i } = prefixes;
  return `<${o}${element}>${start ? `<${i}start>${rivDate(start)}</${i}start>` : ''}${end ? `<${i}end>${rivDate(end)}</${i}end>` : ''}</${o}${element}>`;
}

const idOf = (node: XmlNode | undefined): string | undefined => text(node, 'extension') ?? text(node, 'root');

interface DrugFacts {
  readonly name?: string;
  readonly codes: CodedValue[];
  readonly route?: string;
  readonly form?: string;
  readonly strength?: string;
  readonly comment?: string;
  readonly dosage?: string;
  readonly shortNotation?: string;
}

/** The drug as prescribed: one of unstructured text, merchandise, drug article, drug product or generics, and its dosage. */
function readDrugChoice(choice: XmlNode | undefined): DrugFacts {
  if (!choice) return { codes: [] };
  const drug = child(choice, 'drug');
  const generics = child(choice, 'generics');
  const npl = readCodedValue(child(drug, 'nplId'));
  const atc = readCodedValue(child(drug, 'atcCode'));
  const pack = readCodedValue(child(child(choice, 'drugArticle'), 'nplPackId'));
  const merchandise = readCodedValue(child(child(choice, 'merchandise'), 'articleNumber'));
  const unstructured = text(child(choice, 'unstructuredDrugInformation'), 'unstructuredInformation');
  const strengthValue = text(drug, 'strength');
  const genericStrength = child(generics, 'strength');
  const dosages = children(choice, 'dosage');
  const dosageText = dosages.map((d) => {
    const free = ['setDosage', 'conditionalDosage'].map((kind) => text(child(child(d, kind), 'unstructuredDosageInformation'), 'text'));
    return text(d, 'dosageInstruction') ?? joined(free, '\n');
  });
  return compact({
    name: cvText(npl) ?? cvText(pack) ?? cvText(merchandise) ?? unstructured ?? text(generics, 'substance'),
    codes: [atc, npl, pack, merchandise].filter((c): c is CodedValue => c !== undefined),
    route: cvText(readCodedValue(child(drug, 'routeOfAdministration'))),
    form: text(drug, 'pharmaceuticalForm') ?? text(generics, 'form'),
    strength: strengthValue !== undefined
      ? joined([strengthValue, text(drug, 'strengthUnit')], ' ')
      : joined([text(genericStrength, 'value'), text(genericStrength, 'unit')], ' '),
    comment: text(choice, 'comment'),
    dosage: joined(dosageText, '\n'),
    shortNotation: joined(dosages.map((d) => text(d, 'shortNotation'))),
  }) as DrugFacts;
}

/** The prescriber, when it is someone other than the accountable professional in the header. */
function otherPrescriber(prescriber: XmlNode | undefined, author: RecordItem['author']): string | undefined {
  const hsaId = text(prescriber, 'healthcareProfessionalHSAId');
  const name = text(prescriber, 'healthcareProfessionalName');
  if (hsaId === undefined && name === undefined) return undefined;
  const same = hsaId !== undefined ? hsaId === author?.hsaId : name === author?.name;
  return same ? undefined : (name ?? hsaId);
}

function parseResponse(response: XmlNode): { items: RecordItem[]; faults: ContractFault[] } {
  const items: RecordItem[] = [];
  const faults: ContractFault[] = readResult(response);
  children(response, 'medicationMedicalRecord').forEach((node, index) => {
    const headerNode = child(node, 'medicationMedicalRecordHeader');
    const header = readPatientSummaryHeader(headerNode);
    if (!header.ok) {
      faults.push({ kind: 'itemInvalid', index, message: header.message });
      return;
    }
    const h = header.header;
    const prescription = child(child(node, 'medicationMedicalRecordBody'), 'medicationPrescription');
    if (!prescription) {
      faults.push({ kind: 'itemInvalid', index, message: `item ${h.id}: medicationPrescription is missing` });
      return;
    }
    const startOfTreatment = rivTime(text(prescription, 'startOfTreatment')) ?? rivTime(text(prescription, 'startOfFirstTreatment'));
    const endOfTreatment = rivTime(text(prescription, 'endOfTreatment'));
    // documentTime is 0..0 here; authorTime (1..1) is when the prescription was registered.
    const time = h.documentTime ?? h.authorTime ?? startOfTreatment ?? endOfTreatment;
    if (!time) {
      faults.push({ kind: 'itemInvalid', index, message: `item ${h.id}: no authorTime or treatment time` });
      return;
    }
    // The prescription names its drug; failing that, the dispensation or an administration does.
    const choice =
      child(prescription, 'drug') ??
      child(child(prescription, 'dispensationAuthorization'), 'drug') ??
      children(prescription, 'administration').map((a) => child(a, 'drug')).find((d) => d !== undefined);
    const drug = readDrugChoice(choice);
    const base = baseItem(h, 'medication', time, PROVENANCE);
    const prescriptionId = idOf(child(prescription, 'prescriptionId'));
    const reasons = children(prescription, 'principalPrescriptionReason').map((r) => cvText(readCodedValue(child(r, 'reason'))) ?? text(r, 'otherReason'));
    items.push({
      ...base,
      title: drug.name ?? h.title ?? cvText(drug.codes.find(isAtc)) ?? 'Läkemedel',
      ...(drug.dosage !== undefined ? { text: drug.dosage } : {}),
      codes: drug.codes,
      ...(startOfTreatment || endOfTreatment ? { period: compact({ start: startOfTreatment, end: endOfTreatment }) } : {}),
      attributes: compact({
        prescriptionStatus: text(prescription, 'prescriptionStatus'),
        typeOfPrescription: text(prescription, 'typeOfPrescription'),
        // documentId is usually the prescription id; only a different one is worth keeping.
        prescriptionId: prescriptionId !== h.id ? prescriptionId : undefined,
        prescriptionChainId: idOf(child(prescription, 'prescriptionChainId')),
        prescriptionNote: text(prescription, 'prescriptionNote'),
        prescriptionReason: joined(reasons),
        treatmentPurpose: text(prescription, 'treatmentPurpose'),
        endOfTreatmentReason: cvText(readCodedValue(child(prescription, 'endOfTreatmentReason'))),
        selfMedication: bool(prescription, 'selfMedication') === true ? 'true' : undefined,
        prescriber: otherPrescriber(child(prescription, 'prescriber'), base.author),
        route: drug.route,
        pharmaceuticalForm: drug.form,
        strength: drug.strength,
        shortNotation: drug.shortNotation,
        drugComment: drug.comment,
        nullifiedReason: text(headerNode, 'nullifiedReason'),
      }),
    });
  });
  return { items, faults };
}

// ---- Writing -----------------------------------------------------------------------------------

const split = (value: string | undefined): string[] => (value === undefined ? [] : value.split('; '));

/** The drug choice: a product (NPL-id and/or ATC), else a drug article (NPL pack id), else merchandise, else the title as free text. */
function writeDrug(item: RecordItem, p: string): string {
  const a = item.attributes;
  const atc = item.codes.find(isAtc);
  const npl = item.codes.find((c) => c.codeSystem === NPL_ID_OID);
  const pack = item.codes.find((c) => c.codeSystem === NPL_PACK_ID_OID);
  const other = item.codes.find((c) => c !== atc && c !== npl && c !== pack);
  let choice: string;
  if (npl || atc) {
    const strength = /^(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?:\s+(.+))?$/.exec(a.strength ?? '');
    choice =
      `<${p}drug>${writeCv('nplId', npl, p)}${writeCv('atcCode', atc, p)}${writeTextCv('routeOfAdministration', a.route, p)}${opt(`${p}pharmaceuticalForm`, a.pharmaceuticalForm)}` +
      `${strength ? `<${p}strength>${strength[1]}</${p}strength>${opt(`${p}strengthUnit`, strength[2])}` : ''}</${p}drug>`;
  } else if (pack) {
    choice = `<${p}drugArticle>${writeCv('nplPackId', pack, p)}</${p}drugArticle>`;
  } else if (other) {
    choice = `<${p}merchandise>${writeCv('articleNumber', other, p)}</${p}merchandise>`;
  } else {
    choice = `<${p}unstructuredDrugInformation><${p}unstructuredInformation>${esc(item.title ?? 'Läkemedel')}</${p}unstructuredInformation></${p}unstructuredDrugInformation>`;
  }
  // The Schematron wants setDosage or conditionalDosage in every dosage: the text goes there too.
  const instruction = item.text ?? a.shortNotation;
  const dosage = instruction === undefined
    ? ''
    : `<${p}dosage>${opt(`${p}dosageInstruction`, item.text)}${opt(`${p}shortNotation`, a.shortNotation)}<${p}setDosage><${p}unstructuredDosageInformation><${p}text>${esc(instruction)}</${p}text></${p}unstructuredDosageInformation></${p}setDosage></${p}dosage>`;
  return `<${p}drug>${opt(`${p}comment`, a.drugComment)}${choice}${dosage}</${p}drug>`;
}

/**
 * A medicationPrescription. Required values the canonical item may lack are invented: the
 * prescription id is the document id, type I (insättning), status Active, selfMedication false;
 * the prescriber (the Schematron wants one unless self-medicated) is the item's author.
 */
function writePrescription(item: RecordItem, p: string): string {
  const a = item.attributes;
  const id = (value: string) => `<${p}root>${LOCAL_ID_ROOT}</${p}root><${p}extension>${esc(value)}</${p}extension>`;
  const selfMedication = a.selfMedication === 'true';
  const author = item.author ?? {};
  const prescriber = a.prescriber !== undefined
    ? opt(`${p}healthcareProfessionalName`, a.prescriber)
    : `${opt(`${p}healthcareProfessionalHSAId`, author.hsaId)}${opt(`${p}healthcareProfessionalName`, author.name)}`;
  return (
    `<${p}medicationPrescription>` +
    `<${p}prescriptionId>${id(a.prescriptionId ?? item.id)}</${p}prescriptionId>` +
    `<${p}typeOfPrescription>${a.typeOfPrescription === 'U' ? 'U' : 'I'}</${p}typeOfPrescription>` +
    `<${p}prescriptionStatus>${a.prescriptionStatus === 'Inactive' ? 'Inactive' : 'Active'}</${p}prescriptionStatus>` +
    opt(`${p}prescriptionNote`, a.prescriptionNote) +
    split(a.prescriptionReason).map((r) => `<${p}principalPrescriptionReason>${writeTextCv('reason', r, p)}</${p}principalPrescriptionReason>`).join('') +
    opt(`${p}treatmentPurpose`, a.treatmentPurpose) +
    (a.prescriptionChainId !== undefined ? `<${p}prescriptionChainId>${id(a.prescriptionChainId)}</${p}prescriptionChainId>` : '') +
    (selfMedication && prescriber === '' ? '' : `<${p}prescriber><${p}authorTime>${rivTimestamp(item.time)}</${p}authorTime>${prescriber}</${p}prescriber>`) +
    (item.period?.start ? `<${p}startOfTreatment>${rivTimestamp(item.period.start)}</${p}startOfTreatment>` : '') +
    (item.period?.end ? `<${p}endOfTreatment>${rivTimestamp(item.period.end)}</${p}endOfTreatment>` : '') +
    writeTextCv('endOfTreatmentReason', a.endOfTreatmentReason, p) +
    `<${p}selfMedication>${selfMedication}</${p}selfMedication>` +
    writeDrug(item, p) +
    `</${p}medicationPrescription>`
  );
}

export const getMedicationHistory2: ContractVersion = {
  contract: 'GetMedicationHistory',
  version: '2.2',
  major: '2',
  infoType: 'medication',
  responderNamespace: RESPONDER,
  coreNamespace: CORE,
  serviceDomain: 'riv:clinicalprocess:activityprescription:actoutcome',
  categorization: 'caa-gmh',
  schemaDir: 'clinicalprocess_activityprescription_actoutcome/GetMedicationHistory/2.2',
  responderXsd: 'interactions/GetMedicationHistoryInteraction/GetMedicationHistoryResponder_2.2.xsd',

  buildRequest(request) {
    const c = writeCommonRequest(request, { outer: '', inner: 'c:' });
    const careGivers = (request.careGiverHsaIds ?? []).map((id) => `<careGiverHSAId>${esc(id)}</careGiverHSAId>`).join('');
    const period = writeOpenDatePeriod('datePeriod', request.period, { outer: '', inner: 'c:' });
    return `<GetMedicationHistory xmlns="${RESPONDER}" xmlns:c="${CORE}">${c.careUnits}${careGivers}${c.patient}${period}${c.sourceSystem}</GetMedicationHistory>`;
  },

  parseResponse,

  writeResponse(items) {
    const body = items
      .map((item) => {
        // authorTime carries the item's time (documentTime is 0..0 in this contract, so it is dropped).
        const header = writePatientSummaryHeader('medicationMedicalRecordHeader', { ...item, author: { ...item.author, time: item.time } }, 'c:').replace(
          /<c:documentTime>\d+<\/c:documentTime>/,
          '',
        );
        return `<medicationMedicalRecord>${header}<c:medicationMedicalRecordBody>${writePrescription(item, 'c:')}</c:medicationMedicalRecordBody></medicationMedicalRecord>`;
      })
      .join('');
    return `<GetMedicationHistoryResponse xmlns="${RESPONDER}" xmlns:c="${CORE}">${body}${writeOkResult({ outer: '', inner: 'c:' }, `medication-${items.length}`)}</GetMedicationHistoryResponse>`;
  },
};
