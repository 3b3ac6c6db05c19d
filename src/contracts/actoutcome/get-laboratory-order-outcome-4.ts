import type { CodedValue, MeasuredValue, Party, RecordItem, ResultType } from '../../domain/record.js';
import { baseJolItem, hsaIdOf, HSA_OID, iiValue, readJolHeader, writeJolHeader, type JolHeaderLayout } from '../jol-header.js';
import { compact, readCodedValue, rivDate, rivTimestamp, writeCodedValue } from '../patient-summary-header.js';
import { esc, opt } from '../soap.js';
import type { ContractFault, ContractVersion } from '../types.js';
import { PERSONNUMMER_OID } from '../types.js';
import { child, children, rivTime, text, type XmlNode } from '../xml.js';

/**
 * GetLaboratoryOrderOutcome 4.2 (urn:riv:clinicalprocess:healthcond:actoutcome:GetLaboratoryOrderOutcomeResponder:4,
 * shared with 4.0, which this also reads: 4.0 lacks only the optional 4.1/4.2 extension elements).
 * One item per laboratory answer (laboratoryOrderOutcome), its analyses as `values`: the
 * resident sees one lab answer with its analyses, not one entry per analysis.
 */

const RESPONDER = 'urn:riv:clinicalprocess:healthcond:actoutcome:GetLaboratoryOrderOutcomeResponder:4';
const CORE = 'urn:riv:clinicalprocess:healthcond:actoutcome:4';
const EXT_41 = 'urn:riv:clinicalprocess:healthcond:actoutcome:4.1';
const PROVENANCE = { contract: 'GetLaboratoryOrderOutcome', version: '4' } as const;

/** How GLOO 4.2's JoL header differs from GetCareDocumentation 3's (see jol-header.ts). */
const GLOO4_LAYOUT: JolHeaderLayout = {
  careGiverElement: 'accountableCareGiver',
  patientId: { at: 'end', prefix: 'm1:' },
  orgUnit: { style: 'idName', prefix: 'm1:' },
  careProcessId: 'uuid',
  extensionRequired: true,
};

/** `<outer:name><p:root/><p:extension/></outer:name>`: 4.x requires both parts of an IIType. */
const writeII = (name: string, root: string, extension: string, p: string, outer = p): string =>
  `<${outer}${name}><${p}root>${esc(root)}</${p}root><${p}extension>${esc(extension)}</${p}extension></${outer}${name}>`;

/** A SignatureType (recipientSignature): who and when; without a timestamp it is no signature. */
function readSignature(node: XmlNode | undefined): (Party & { readonly time: Date }) | undefined {
  const time = rivTime(text(node, 'timestamp'));
  if (!node || !time) return undefined;
  return { ...compact({ hsaId: hsaIdOf(child(node, 'id')), name: text(node, 'name') }), time };
}

function writeSignature(name: string, who: Party & { readonly time?: Date }, fallbackTime: Date, p: string): string {
  return `<${p}${name}>${who.hsaId !== undefined ? writeII('id', HSA_OID, who.hsaId, p) : ''}${opt(`${p}name`, who.name)}<${p}timestamp>${rivTimestamp(who.time ?? fallbackTime)}</${p}timestamp></${p}${name}>`;
}

/** FHIR DiagnosticReportStatus, which body/type uses (final, partial, preliminary in the TKB). */
const REPORT_STATUS_SYSTEM = '2.16.840.1.113883.4.642.3.235';
const REPORT_STATUS: Record<string, ResultType> = {
  final: 'final',
  partial: 'preliminary',
  preliminary: 'preliminary',
  registered: 'preliminary',
  corrected: 'corrected',
  amended: 'corrected',
  appended: 'supplement',
};
const STATUS_FOR_RESULT_TYPE: Record<ResultType, string> = { final: 'final', preliminary: 'preliminary', supplement: 'appended', corrected: 'corrected' };
const STATUS_NAMES: Record<string, string> = { final: 'Slutligt svar', partial: 'Delsvar', preliminary: 'Preliminärt svar', appended: 'Tilläggssvar', corrected: 'Rättat svar' };

const SNOMED = '1.2.752.116.2.1.1';
/**
 * result/interpretation is a SNOMED CT code from "Urval tolkning resultat laboratoriemedicin";
 * producers also send HL7 flags. Codes we do not know leave `abnormal` unset.
 */
const ABNORMAL_CODES = new Set(['263654008', '281302008', '281300000', '75540009', '62482003', 'A', 'AA', 'H', 'HH', 'L', 'LL', 'HU', 'LU', '<', '>']);
const NORMAL_CODES = new Set(['17621005', '281301001', 'N']);

const DECIMAL = /^-?(0|[1-9][0-9]*)([.,][0-9]+)?([eE][+-]?[0-9]+)?$/;

export const decimalValue = (value: string | undefined): number | undefined => {
  if (value === undefined || !DECIMAL.test(value.trim())) return undefined;
  const n = Number(value.trim().replace(',', '.'));
  return Number.isFinite(n) ? n : undefined;
};

const cvText = (node: XmlNode | undefined): string | undefined => text(node, 'displayName') ?? text(node, 'originalText') ?? text(node, 'code');

/** A CV with an actual code; an originalText-only CV is a name, not a code. */
function codeOf(node: XmlNode | undefined): CodedValue | undefined {
  const cv = readCodedValue(node);
  return cv && cv.code !== '' ? cv : undefined;
}

function abnormalOf(result: XmlNode): boolean | undefined {
  const codes = children(result, 'interpretation').map((i) => text(i, 'code')).filter((c): c is string => c !== undefined);
  if (codes.some((c) => ABNORMAL_CODES.has(c))) return true;
  if (codes.some((c) => NORMAL_CODES.has(c))) return false;
  return undefined;
}

function resultValue(result: XmlNode): Pick<MeasuredValue, 'value' | 'numeric' | 'unit'> {
  const value = child(result, 'value');
  const pq = child(value, 'pq');
  if (pq) return compact({ value: text(pq, 'value'), numeric: decimalValue(text(pq, 'value')), unit: text(pq, 'unit') });
  const interval = child(value, 'intervalPQ');
  if (interval) {
    const low = text(interval, 'low');
    const high = text(interval, 'high');
    return compact({ value: `${low ?? ''}–${high ?? ''}`, unit: text(interval, 'unit') });
  }
  const cv = child(value, 'cv');
  if (cv) return compact({ value: cvText(cv) });
  return compact({ value: text(value, 'st') });
}

function referenceOf(result: XmlNode): MeasuredValue['referenceInterval'] {
  const reference = child(result, 'reference');
  if (!reference) return undefined;
  const interval = child(reference, 'interval');
  const ref = compact({ low: decimalValue(text(interval, 'low')), high: decimalValue(text(interval, 'high')), text: text(reference, 'description') });
  return Object.keys(ref).length > 0 ? ref : undefined;
}

/** An analysis and its related analyses (e.g. resistance testing on a culture finding), flattened in document order. */
function readAnalysis(analysis: XmlNode, out: MeasuredValue[]): void {
  const codeNode = child(analysis, 'code');
  const name = cvText(codeNode) ?? 'Analys';
  const code = codeOf(codeNode);
  const analysisComment = text(analysis, 'comment');
  const results = children(analysis, 'result');
  if (results.length === 0) {
    // Ordered but not answered yet: the resident still sees that it is on its way.
    out.push(compact({ name, code, comment: analysisComment }));
    return;
  }
  for (const result of results) {
    const comments = [analysisComment, text(result, 'comment')].filter((c): c is string => c !== undefined);
    out.push(
      compact({
        name,
        code,
        ...resultValue(result),
        referenceInterval: referenceOf(result),
        abnormal: abnormalOf(result),
        comment: comments.length > 0 ? comments.join('\n') : undefined,
      }),
    );
    for (const related of children(result, 'related')) readAnalysis(related, out);
  }
}

/**
 * Validated (vidimerat): body/recipientSignature, the receiving unit's signature of the whole
 * answer. A producer that signs per analysis instead counts when every result is signed.
 */
function validationOf(body: XmlNode | undefined): RecordItem['validator'] | undefined {
  const whole = readSignature(child(body, 'recipientSignature'));
  if (whole) return whole;
  const results = children(body, 'groupOfAnalyses').flatMap((g) => children(g, 'analysis')).flatMap((a) => children(a, 'result'));
  const signatures = results.map((r) => readSignature(child(r, 'recipientSignature')));
  if (signatures.length === 0 || signatures.some((s) => s === undefined)) return undefined;
  return signatures.reduce((latest, s) => (s!.time > latest!.time ? s : latest));
}

function readItem(node: XmlNode, index: number): { item: RecordItem } | { fault: ContractFault } {
  // 4.0 has no patientId in the item, and 4.2 makes it optional ("mandatory for new producers"):
  // the answer is about the patient the consumer asked for. Without patientId the header's
  // originalPatientId stands in; without either, an empty id says "not stated".
  const header = readJolHeader(child(node, 'header'), { patientId: '' });
  if (!header.ok) return { fault: { kind: 'itemInvalid', index, message: header.message } };
  const h = header.header;
  const body = child(node, 'body');
  if (!body) return { fault: { kind: 'itemInvalid', index, message: `item ${h.id}: body is missing` } };
  // record/timestamp is the answer time (Laboratoriesvar.svarstidpunkt).
  const time = h.recordTime;

  const groups = children(body, 'groupOfAnalyses');
  const values: MeasuredValue[] = [];
  for (const group of groups) for (const analysis of children(group, 'analysis')) readAnalysis(analysis, values);
  const referral = child(body, 'referral');
  const ordered = children(referral, 'requestedCareService').map(cvText).find((t) => t !== undefined);
  const groupTitle = groups.map((g) => text(g, 'name') ?? cvText(child(g, 'code'))).find((t) => t !== undefined);
  const title = ordered ?? groupTitle ?? values[0]?.name ?? 'Provsvar';
  const groupComments = groups.flatMap((g) => (text(g, 'comment') !== undefined ? [`${text(g, 'name') ?? 'Kommentar'}: ${text(g, 'comment')}`] : []));
  const texts = [text(body, 'text'), ...groupComments].filter((t): t is string => t !== undefined);
  const codes = groups.map((g) => codeOf(child(g, 'code'))).filter((c): c is CodedValue => c !== undefined);
  const status = text(child(body, 'type'), 'code');
  const validator = validationOf(body);

  const item: RecordItem = {
    ...baseJolItem(h, 'labResult', time, PROVENANCE),
    validated: validator !== undefined,
    ...(validator ? { validator } : {}),
    ...(status !== undefined && REPORT_STATUS[status] ? { resultType: REPORT_STATUS[status] } : {}),
    title,
    ...(texts.length > 0 ? { text: texts.join('\n\n') } : {}),
    codes: codes.filter((c, i) => codes.findIndex((d) => d.code === c.code && d.codeSystem === c.codeSystem) === i),
    values,
    attributes: compact({
      careProcessId: h.careProcessId,
      reportStatus: status,
      referralId: iiValue(child(referral, 'identifier')),
      referralQuestion: text(referral, 'question'),
      requester: text(child(referral, 'requester'), 'name'),
      recipientUnit: text(child(body, 'recipientUnit'), 'name'),
      contactInformation: text(child(body, 'contactInformation'), 'text'),
    }),
  };
  return { item };
}

// ---- Writing ---------------------------------------------------------------------------------------

function writeValue(v: MeasuredValue, specimenTime: Date): string {
  const p = 'c:';
  const code = v.code
    ? writeCodedValue('code', { ...v.code, displayName: v.code.displayName ?? v.name }, p)
    : `<${p}code><${p}originalText>${esc(v.name)}</${p}originalText></${p}code>`;
  const hasResult = v.value !== undefined || v.numeric !== undefined;
  // Rule 3.2 (schematron): a main analysis names its specimen; the collection time is the
  // blockComparisonTime (the latest specimen), the closest the canonical item has.
  const specimen = `<${p}specimen><${p}timestamp>${rivTimestamp(specimenTime)}</${p}timestamp></${p}specimen>`;
  if (!hasResult) return `<${p}analysis>${code}${opt(`${p}comment`, v.comment)}${specimen}</${p}analysis>`;
  const decimal = v.value !== undefined && DECIMAL.test(v.value) ? v.value : v.numeric !== undefined ? String(v.numeric) : undefined;
  const value = v.numeric !== undefined && decimal !== undefined
    ? `<${p}pq><${p}value>${esc(decimal)}</${p}value><${p}unit>${esc(v.unit ?? '')}</${p}unit></${p}pq>`
    : `<${p}st>${esc(v.value ?? '')}</${p}st>`;
  const interpretation = v.abnormal === undefined
    ? ''
    : `<${p}interpretation><${p}code>${v.abnormal ? '263654008' : '17621005'}</${p}code><${p}codeSystem>${SNOMED}</${p}codeSystem><${p}displayName>${v.abnormal ? 'Avvikande' : 'Normal'}</${p}displayName></${p}interpretation>`;
  const ref = v.referenceInterval;
  // The schematron allows interval or description, not both; a structured interval wins.
  const reference = !ref
    ? ''
    : ref.low !== undefined || ref.high !== undefined
      ? `<${p}reference><${p}interval>${opt(`${p}low`, ref.low)}${opt(`${p}high`, ref.high)}<${p}unit>${esc(v.unit ?? '')}</${p}unit></${p}interval></${p}reference>`
      : ref.text !== undefined
        ? `<${p}reference><${p}description>${esc(ref.text)}</${p}description></${p}reference>`
        : '';
  return `<${p}analysis>${code}${specimen}<${p}result><${p}value>${value}</${p}value>${opt(`${p}comment`, v.comment)}${interpretation}${reference}</${p}result></${p}analysis>`;
}

/**
 * The body. Invented where the schema requires what the item lacks: body/identifier is the
 * item id, the referral's timestamp the item's time, recipientUnit/name the care unit (or
 * "Okänd mottagare"). All analyses go in one group named by the title, coded by the first code.
 */
function writeBody(item: RecordItem): string {
  const p = 'c:';
  const a = item.attributes;
  const status = a.reportStatus ?? STATUS_FOR_RESULT_TYPE[item.resultType ?? 'final'];
  const referral = a.referralId !== undefined
    ? `<${p}referral>${writeII('identifier', item.sourceSystemHsaId ?? HSA_OID, a.referralId, p)}<${p}timestamp>${rivTimestamp(item.time)}</${p}timestamp>${opt(`${p}question`, a.referralQuestion)}` +
      (item.title !== undefined ? `<${p}requestedCareService><${p}originalText>${esc(item.title)}</${p}originalText></${p}requestedCareService>` : '') +
      (a.requester !== undefined ? `<${p}requester><${p}name>${esc(a.requester)}</${p}name></${p}requester>` : '') +
      `</${p}referral>`
    : '';
  const specimenTime = item.blockComparisonTime ?? item.time;
  const group = item.values.length > 0
    ? `<${p}groupOfAnalyses>${opt(`${p}name`, item.title)}${writeCodedValue('code', item.codes[0], p)}${item.values.map((v) => writeValue(v, specimenTime)).join('')}</${p}groupOfAnalyses>`
    : '';
  const recipientUnit = a.recipientUnit ?? item.careUnit.name ?? item.careUnit.hsaId ?? 'Okänd mottagare';
  return (
    `<${p}body>` +
    writeII('identifier', item.sourceSystemHsaId ?? HSA_OID, item.id, p) +
    `<${p}type><${p}code>${esc(status)}</${p}code><${p}codeSystem>${REPORT_STATUS_SYSTEM}</${p}codeSystem><${p}displayName>${esc(STATUS_NAMES[status] ?? status)}</${p}displayName></${p}type>` +
    opt(`${p}text`, item.text) +
    referral +
    group +
    `<${p}recipientUnit><${p}name>${esc(recipientUnit)}</${p}name></${p}recipientUnit>` +
    (item.validated ? writeSignature('recipientSignature', item.validator ?? {}, item.time, p) : '') +
    (a.contactInformation !== undefined ? `<${p}contactInformation><${p}text>${esc(a.contactInformation)}</${p}text></${p}contactInformation>` : '') +
    `</${p}body>`
  );
}

export const getLaboratoryOrderOutcome4: ContractVersion = {
  contract: 'GetLaboratoryOrderOutcome',
  version: '4.2',
  major: '4',
  infoType: 'labResult',
  responderNamespace: RESPONDER,
  coreNamespace: CORE,
  serviceDomain: 'riv:clinicalprocess:healthcond:actoutcome',
  categorization: 'und-kkm-ure',
  schemaDir: 'clinicalprocess_healthcond_actoutcome/GetLaboratoryOrderOutcome/4.2',
  responderXsd: 'interactions/GetLaboratoryOrderOutcomeInteraction/GetLaboratoryOrderOutcomeResponder_4.2.xsd',

  buildRequest(request) {
    const { start, end } = request.period ?? {};
    // DatePeriodType allows an open end here.
    const period = start || end ? `<datePeriod>${start ? `<c:start>${rivDate(start)}</c:start>` : ''}${end ? `<c:end>${rivDate(end)}</c:end>` : ''}</datePeriod>` : '';
    return (
      `<GetLaboratoryOrderOutcome xmlns="${RESPONDER}" xmlns:c="${CORE}">` +
      (request.careUnitHsaIds ?? []).map((id) => writeII('careUnitHSAId', HSA_OID, id, 'c:', '')).join('') +
      (request.careGiverHsaIds ?? []).map((id) => writeII('careGiverHSAId', HSA_OID, id, 'c:', '')).join('') +
      writeII('patientId', request.patientIdType ?? PERSONNUMMER_OID, request.patientId, 'c:', '') +
      period +
      (request.sourceSystemHsaId !== undefined ? writeII('sourceSystemHSAId', HSA_OID, request.sourceSystemHsaId, 'c:', '') : '') +
      `</GetLaboratoryOrderOutcome>`
    );
  },

  parseResponse(response) {
    // 4.x has no result element: a producer's errors arrive as SOAP Faults.
    const items: RecordItem[] = [];
    const faults: ContractFault[] = [];
    children(response, 'laboratoryOrderOutcome').forEach((node, index) => {
      const read = readItem(node, index);
      if ('fault' in read) faults.push(read.fault);
      else items.push(read.item);
    });
    return { items, faults };
  },

  writeResponse(items) {
    const body = items.map((item) => `<laboratoryOrderOutcome>${writeJolHeader(item, 'c:', GLOO4_LAYOUT)}${writeBody(item)}</laboratoryOrderOutcome>`).join('');
    return `<GetLaboratoryOrderOutcomeResponse xmlns="${RESPONDER}" xmlns:c="${CORE}" xmlns:m1="${EXT_41}">${body}</GetLaboratoryOrderOutcomeResponse>`;
  },
};
