import type { CodedValue, RecordItem, ResultType } from '../../domain/record.js';
import { baseItem, compact, readCodedValue, readPatientSummaryHeader, rivDate, rivTimestamp, writeCodedValue, writePatientSummaryHeader } from '../patient-summary-header.js';
import { readResult, writeOkResult } from '../result.js';
import { esc, opt } from '../soap.js';
import type { ContractFault, ContractVersion } from '../types.js';
import { PERSONNUMMER_OID } from '../types.js';
import { child, children, rivTime, text, type XmlNode } from '../xml.js';

/**
 * GetImagingOutcome 1.0 (urn:riv:clinicalprocess:healthcond:actoutcome:GetImagingOutcomeResponder:1):
 * imaging reports (röntgensvar). Images and DICOM objects are not read: the resident sees the
 * report. That also means the official mocks' `dicomValue=cid:...`, which is not base64, is harmless.
 */

const RESPONDER = 'urn:riv:clinicalprocess:healthcond:actoutcome:GetImagingOutcomeResponder:1';
const CORE = 'urn:riv:clinicalprocess:healthcond:actoutcome:3';
const PROVENANCE = { contract: 'GetImagingOutcome', version: '1' } as const;

const RESULT_TYPES: Record<string, ResultType> = { PREL: 'preliminary', DEF: 'final', TILL: 'supplement' };
// There is no code for a corrected report; TILL (tilläggssvar) also covers corrections.
const CODE_FOR_RESULT_TYPE: Record<ResultType, string> = { preliminary: 'PREL', final: 'DEF', supplement: 'TILL', corrected: 'TILL' };
const EXAMINATION_STATUSES = new Set(['Initierad', 'Planerad', 'Tidbokad', 'Uppskjuten', 'Annullerad', 'Pågående', 'Avvakta', 'Avbruten', 'Avklarad', 'Inaktuell', 'Makulerad']);

const cvText = (node: XmlNode | undefined): string | undefined => text(node, 'displayName') ?? text(node, 'originalText') ?? text(node, 'code');

const min = (dates: Date[]) => (dates.length === 0 ? undefined : new Date(Math.min(...dates.map((d) => d.getTime()))));
const max = (dates: Date[]) => (dates.length === 0 ? undefined : new Date(Math.max(...dates.map((d) => d.getTime()))));

function readItem(node: XmlNode, index: number): { item: RecordItem } | { fault: ContractFault } {
  const headerNode = child(node, 'imagingOutcomeHeader');
  const header = readPatientSummaryHeader(headerNode);
  if (!header.ok) return { fault: { kind: 'itemInvalid', index, message: header.message } };
  const body = child(node, 'imagingOutcomeBody');
  if (!body) return { fault: { kind: 'itemInvalid', index, message: `item ${header.header.id}: imagingOutcomeBody is missing` } };

  // The official mock "Legalauthenticator-Locked" sends a legalAuthenticator with only a
  // signatureTime, next to "BasicResponse" with a named signer: the older RIV-TA convention for
  // a report locked without signature (the time is the lock time), as GetCareDocumentation had.
  const legal = child(headerNode, 'legalAuthenticator');
  const lockedUnsigned = header.header.signed && text(legal, 'legalAuthenticatorHSAId') === undefined && text(legal, 'legalAuthenticatorName') === undefined;
  const { signer: _s, ...unsigned } = header.header;
  const h = lockedUnsigned ? { ...unsigned, signed: false } : header.header;
  const lockTime = lockedUnsigned ? header.header.signer?.time : undefined;

  // resultTime: when the report was sent to the referrer (svarstidpunkt).
  const time = rivTime(text(body, 'resultTime')) ?? h.documentTime ?? h.authorTime;
  if (!time) return { fault: { kind: 'itemInvalid', index, message: `item ${h.id}: no resultTime, documentTime or authorTime` } };
  const typeOfResult = text(body, 'typeOfResult');
  const referral = child(body, 'referral');
  // Vidimering of the received answer is referral/attested (a LegalAuthenticatorType).
  const attested = child(referral, 'attested');
  const attestedTime = rivTime(text(attested, 'signatureTime'));
  const validator = attested && attestedTime ? { ...compact({ hsaId: text(attested, 'legalAuthenticatorHSAId'), name: text(attested, 'legalAuthenticatorName') }), time: attestedTime } : undefined;
  const recordings = children(body, 'imageRecording');
  const codes = recordings.map((r) => readCodedValue(child(r, 'examinationActivity'))).filter((c): c is CodedValue => c !== undefined);
  const starts = recordings.map((r) => rivTime(text(child(r, 'examinationTimePeriod'), 'start'))).filter((d): d is Date => d !== undefined);
  const ends = recordings.map((r) => rivTime(text(child(r, 'examinationTimePeriod'), 'end'))).filter((d): d is Date => d !== undefined);
  const period = compact({ start: min(starts), end: max(ends) });
  const texts = [text(body, 'resultReport'), text(body, 'resultComment')].filter((t): t is string => t !== undefined);
  const doses = children(body, 'radiationDose').flatMap((d) => (text(d, 'value') !== undefined ? [`${text(d, 'value')} ${text(d, 'unit') ?? ''}`.trim()] : []));
  const first = recordings[0];
  const headerNullifiedReason = text(headerNode, 'nullifiedReason');

  const item: RecordItem = {
    ...baseItem(h, 'imagingResult', time, PROVENANCE),
    ...(lockedUnsigned ? { locked: true } : {}),
    validated: validator !== undefined,
    ...(validator ? { validator } : {}),
    ...(typeOfResult !== undefined && RESULT_TYPES[typeOfResult] ? { resultType: RESULT_TYPES[typeOfResult] } : {}),
    title: h.title ?? cvText(child(first, 'examinationActivity')) ?? cvText(child(body, 'examinationSpeciality')) ?? 'Röntgensvar',
    ...(texts.length > 0 ? { text: texts.join('\n\n') } : {}),
    codes,
    ...(period.start || period.end ? { period } : {}),
    attributes: compact({
      lockTime: lockTime?.toISOString(),
      nullifiedReason: h.nullified ? headerNullifiedReason : undefined,
      examinationSpeciality: cvText(child(body, 'examinationSpeciality')),
      examinationStatus: text(first, 'examinationStatus'),
      examinationUnit: text(first, 'examinationUnit'),
      radiationDose: doses.length > 0 ? doses.join('; ') : undefined,
      referralReason: text(referral, 'referralReason'),
      anamnesis: text(referral, 'anamnesis'),
    }),
  };
  return { item };
}

/**
 * The body in element order. Invented where the schema requires what the item lacks:
 * typeOfResult from resultType (DEF when unknown), resultReport "", one imageRecording per code
 * over the item's period (or its time), referral/referralId and the referrer's time from the
 * item (a referral is written when the item is validated or names a reason or anamnesis).
 */
function writeBody(item: RecordItem): string {
  const p = 'c:';
  const a = item.attributes;
  const start = item.period?.start ?? item.time;
  const end = item.period?.end;
  const doses = (a.radiationDose ?? '')
    .split('; ')
    .map((d) => /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*(.*)$/.exec(d))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `<${p}radiationDose><${p}value>${m[1]}</${p}value><${p}unit>${esc(m[2] ?? '')}</${p}unit></${p}radiationDose>`)
    .join('');
  const status = a.examinationStatus !== undefined && EXAMINATION_STATUSES.has(a.examinationStatus) ? a.examinationStatus : undefined;
  const recordings = item.codes
    .map(
      (c) =>
        `<${p}imageRecording>${writeCodedValue('examinationActivity', c, p)}<${p}examinationTimePeriod><${p}start>${rivTimestamp(start)}</${p}start>${end ? `<${p}end>${rivTimestamp(end)}</${p}end>` : ''}</${p}examinationTimePeriod>` +
        `${opt(`${p}examinationStatus`, status)}${opt(`${p}examinationUnit`, a.examinationUnit)}</${p}imageRecording>`,
    )
    .join('');
  const validator = item.validator ?? {};
  const writeReferral = item.validated === true || a.referralReason !== undefined || a.anamnesis !== undefined;
  const referral = writeReferral
    ? `<${p}referral><${p}referralId>${esc(`${item.id}-remiss`)}</${p}referralId>${opt(`${p}referralReason`, a.referralReason)}${opt(`${p}anamnesis`, a.anamnesis)}` +
      `<${p}accountableHealthcareProfessional><${p}authorTime>${rivTimestamp(item.time)}</${p}authorTime></${p}accountableHealthcareProfessional>` +
      (item.validated
        ? `<${p}attested><${p}signatureTime>${rivTimestamp(validator.time ?? item.time)}</${p}signatureTime>${opt(`${p}legalAuthenticatorHSAId`, validator.hsaId)}${opt(`${p}legalAuthenticatorName`, validator.name)}</${p}attested>`
        : '') +
      `</${p}referral>`
    : '';
  return (
    `<${p}imagingOutcomeBody>` +
    (a.examinationSpeciality !== undefined ? `<${p}examinationSpeciality><${p}originalText>${esc(a.examinationSpeciality)}</${p}originalText></${p}examinationSpeciality>` : '') +
    `<${p}typeOfResult>${CODE_FOR_RESULT_TYPE[item.resultType ?? 'final']}</${p}typeOfResult>` +
    `<${p}resultTime>${rivTimestamp(item.time)}</${p}resultTime>` +
    `<${p}resultReport>${esc(item.text ?? '')}</${p}resultReport>` +
    doses +
    recordings +
    referral +
    `</${p}imagingOutcomeBody>`
  );
}

/** The header, plus what the shared writer leaves out: a lock without signature, nullifiedReason. */
function writeHeader(item: RecordItem): string {
  const p = 'c:';
  let header = writePatientSummaryHeader('imagingOutcomeHeader', item, p);
  if (!item.signed && item.locked) {
    const lockTime = item.attributes.lockTime !== undefined ? new Date(item.attributes.lockTime) : item.time;
    header = header.replace(`<${p}approvedForPatient>`, `<${p}legalAuthenticator><${p}signatureTime>${rivTimestamp(lockTime)}</${p}signatureTime></${p}legalAuthenticator><${p}approvedForPatient>`);
  }
  if (item.nullified && item.attributes.nullifiedReason !== undefined) {
    header = header.replace(`</${p}imagingOutcomeHeader>`, `<${p}nullifiedReason>${esc(item.attributes.nullifiedReason)}</${p}nullifiedReason></${p}imagingOutcomeHeader>`);
  }
  return header;
}

export const getImagingOutcome1: ContractVersion = {
  contract: 'GetImagingOutcome',
  version: '1.0',
  major: '1',
  infoType: 'imagingResult',
  responderNamespace: RESPONDER,
  coreNamespace: CORE,
  serviceDomain: 'riv:clinicalprocess:healthcond:actoutcome',
  categorization: 'und-bdi-ure',
  schemaDir: 'clinicalprocess_healthcond_actoutcome/GetImagingOutcome/1.0',
  responderXsd: 'interactions/GetImagingOutcomeInteraction/GetImagingOutcomeResponder_1.0.xsd',

  buildRequest(request) {
    const { start, end } = request.period ?? {};
    const period = start || end ? `<datePeriod>${start ? `<c:start>${rivDate(start)}</c:start>` : ''}${end ? `<c:end>${rivDate(end)}</c:end>` : ''}</datePeriod>` : '';
    // No care giver filter in this contract.
    return (
      `<GetImagingOutcome xmlns="${RESPONDER}" xmlns:c="${CORE}">` +
      (request.careUnitHsaIds ?? []).map((id) => `<careUnitHSAId>${esc(id)}</careUnitHSAId>`).join('') +
      `<patientId><c:id>${esc(request.patientId)}</c:id><c:type>${esc(request.patientIdType ?? PERSONNUMMER_OID)}</c:type></patientId>` +
      period +
      opt('sourceSystemHSAId', request.sourceSystemHsaId) +
      `</GetImagingOutcome>`
    );
  },

  parseResponse(response) {
    const items: RecordItem[] = [];
    const faults: ContractFault[] = readResult(response);
    children(response, 'imagingOutcome').forEach((node, index) => {
      const read = readItem(node, index);
      if ('fault' in read) faults.push(read.fault);
      else items.push(read.item);
    });
    return { items, faults };
  },

  writeResponse(items) {
    const body = items.map((item) => `<imagingOutcome>${writeHeader(item)}${writeBody(item)}</imagingOutcome>`).join('');
    return `<GetImagingOutcomeResponse xmlns="${RESPONDER}" xmlns:c="${CORE}">${body}${writeOkResult({ outer: '', inner: 'c:' }, `imagingOutcome-${items.length}`)}</GetImagingOutcomeResponse>`;
  },
};
