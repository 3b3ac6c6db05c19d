import type { MeasuredValue, RecordItem, ResultType } from '../../domain/record.js';
import {
  baseItem,
  compact,
  readCodedValue,
  readPatientSummaryHeader,
  rivDate,
  rivTimestamp,
  writeCodedValue,
  writePatientSummaryHeader,
} from '../patient-summary-header.js';
import { readResult, writeOkResult } from '../result.js';
import { esc, opt } from '../soap.js';
import type { ContractFault, ContractVersion } from '../types.js';
import { PERSONNUMMER_OID } from '../types.js';
import { bool, child, children, rivTime, text, type XmlNode } from '../xml.js';
import { decimalValue } from './get-laboratory-order-outcome-4.js';

/**
 * GetLaboratoryOrderOutcome 3.1 (urn:riv:clinicalprocess:healthcond:actoutcome:GetLaboratoryOrderOutcomeResponder:3),
 * the previous major, still aggregated: PatientSummaryHeaderType, NPÖ-style analyses with a
 * free-text outcome and reference interval. One item per laboratory answer, analyses as values.
 */

const RESPONDER = 'urn:riv:clinicalprocess:healthcond:actoutcome:GetLaboratoryOrderOutcomeResponder:3';
const CORE = 'urn:riv:clinicalprocess:healthcond:actoutcome:3';
const EXT_31 = 'urn:riv:clinicalprocess:healthcond:actoutcome:3.1';
const PROVENANCE = { contract: 'GetLaboratoryOrderOutcome', version: '3' } as const;

/** body/resultType is a string in the schema; the TKB names DEF, TILL and PREL (TypeOfResultCodeEnum). */
const RESULT_TYPES: Record<string, ResultType> = { DEF: 'final', PREL: 'preliminary', TILL: 'supplement' };
// 3.x has no code for a corrected answer; TILL (tilläggssvar) also covers corrections.
const CODE_FOR_RESULT_TYPE: Record<ResultType, string> = { final: 'DEF', preliminary: 'PREL', supplement: 'TILL', corrected: 'TILL' };

const NUMBER = '-?\\d+(?:[.,]\\d+)?';
const RANGE = new RegExp(`^\\s*(${NUMBER})\\s*[-–—]\\s*(${NUMBER})\\s*$`);
const BELOW = new RegExp(`^\\s*(?:<|≤|<=)\\s*(${NUMBER})\\s*$`);
const ABOVE = new RegExp(`^\\s*(?:>|≥|>=)\\s*(${NUMBER})\\s*$`);

/** referenceInterval is free text ("3.5-5.0", "<5"); bounds are read when it has that shape. */
export function parseReferenceInterval(raw: string | undefined): MeasuredValue['referenceInterval'] {
  if (raw === undefined) return undefined;
  const range = RANGE.exec(raw);
  const below = BELOW.exec(raw);
  const above = ABOVE.exec(raw);
  return compact({
    low: decimalValue(range?.[1] ?? above?.[1]),
    high: decimalValue(range?.[2] ?? below?.[1]),
    text: raw,
  });
}

function readAnalysis(analysis: XmlNode): MeasuredValue {
  const codeNode = child(analysis, 'analysisCode');
  const cv = readCodedValue(codeNode);
  const name = text(analysis, 'analysisText') ?? cv?.displayName ?? (cv?.code || undefined) ?? 'Analys';
  const outcome = child(analysis, 'analysisOutcome');
  const value = text(outcome, 'outcomeValue');
  const comments = [text(outcome, 'outcomeDescription'), text(analysis, 'analysisComment')].filter((c): c is string => c !== undefined);
  return compact({
    name,
    code: cv && cv.code !== '' ? cv : undefined,
    value,
    numeric: decimalValue(value),
    unit: text(outcome, 'outcomeUnit'),
    referenceInterval: parseReferenceInterval(text(outcome, 'referenceInterval')),
    abnormal: outcome ? bool(outcome, 'pathologicalFlag') : undefined,
    comment: comments.length > 0 ? comments.join('\n') : undefined,
  });
}

/** Vidimering is per analysis (attested); the answer is validated when every analysis is. */
function validationOf(analyses: XmlNode[]): RecordItem['validator'] | undefined {
  const attested = analyses.map((a) => {
    const node = child(a, 'attested');
    const time = rivTime(text(node, 'attestedTime'));
    return node && time ? { ...compact({ hsaId: text(node, 'attesterHSAId'), name: text(node, 'attesterName') }), time } : undefined;
  });
  if (attested.length === 0 || attested.some((a) => a === undefined)) return undefined;
  return attested.reduce((latest, a) => (a!.time > latest!.time ? a : latest));
}

function readItem(node: XmlNode, index: number): { item: RecordItem } | { fault: ContractFault } {
  const header = readPatientSummaryHeader(child(node, 'laboratoryOrderOutcomeHeader'));
  if (!header.ok) return { fault: { kind: 'itemInvalid', index, message: header.message } };
  const h = header.header;
  const body = child(node, 'laboratoryOrderOutcomeBody');
  if (!body) return { fault: { kind: 'itemInvalid', index, message: `item ${h.id}: laboratoryOrderOutcomeBody is missing` } };
  // documentTime is when the answer reached the requester's system (the answer time);
  // registrationTime is required in the body and the next best.
  const time = h.documentTime ?? rivTime(text(body, 'registrationTime')) ?? h.authorTime;
  if (!time) return { fault: { kind: 'itemInvalid', index, message: `item ${h.id}: no documentTime, registrationTime or authorTime` } };
  const analyses = children(body, 'analysis');
  const values = analyses.map(readAnalysis);
  const rawType = text(body, 'resultType');
  const resultType = rawType !== undefined ? RESULT_TYPES[rawType.toUpperCase()] : undefined;
  const validator = validationOf(analyses);
  const texts = [text(body, 'resultReport'), text(body, 'resultComment')].filter((t): t is string => t !== undefined);
  const order = child(body, 'order');
  const item: RecordItem = {
    ...baseItem(h, 'labResult', time, PROVENANCE),
    validated: validator !== undefined,
    ...(validator ? { validator } : {}),
    ...(resultType ? { resultType } : {}),
    title: h.title ?? values[0]?.name ?? text(body, 'discipline') ?? 'Provsvar',
    ...(texts.length > 0 ? { text: texts.join('\n\n') } : {}),
    values,
    attributes: compact({
      // Kept as sent when it is not one of the codes we map.
      resultType: rawType !== undefined && resultType === undefined ? rawType : undefined,
      discipline: text(body, 'discipline'),
      orderId: text(order, 'orderId'),
      orderReason: text(order, 'orderReason'),
    }),
  };
  return { item };
}

// ---- Writing ---------------------------------------------------------------------------------------

function writeAnalysis(v: MeasuredValue, index: number, item: RecordItem): string {
  const p = 'c:';
  const ref = v.referenceInterval;
  const refText = ref?.text ?? (ref && (ref.low !== undefined || ref.high !== undefined) ? `${ref.low ?? ''}-${ref.high ?? ''}` : undefined);
  const hasOutcome = v.value !== undefined || v.numeric !== undefined;
  // pathologicalFlag is required in an outcome; a producer that does not flag says false.
  const outcome = hasOutcome
    ? `<${p}analysisOutcome><${p}outcomeValue>${esc(v.value ?? String(v.numeric))}</${p}outcomeValue>${opt(`${p}outcomeUnit`, v.unit)}<${p}pathologicalFlag>${v.abnormal === true}</${p}pathologicalFlag>${opt(`${p}referenceInterval`, refText)}</${p}analysisOutcome>`
    : '';
  const validator = item.validator ?? {};
  // The 3.1 extension requires attesterHSAId; an unknown attester is an empty id.
  const attested = item.validated
    ? `<m1:attested><m1:attestedTime>${rivTimestamp(validator.time ?? item.time)}</m1:attestedTime><m1:attesterHSAId>${esc(validator.hsaId ?? '')}</m1:attesterHSAId>${opt('m1:attesterName', validator.name)}</m1:attested>`
    : '';
  return (
    `<${p}analysis>` +
    `<${p}analysisId><${p}root>${esc(item.sourceSystemHsaId ?? 'analysis')}</${p}root><${p}extension>${esc(`${item.id}-${index + 1}`)}</${p}extension></${p}analysisId>` +
    writeCodedValue('analysisCode', v.code, p) +
    `<${p}analysisText>${esc(v.name)}</${p}analysisText>` +
    opt(`${p}analysisComment`, v.comment) +
    outcome +
    attested +
    `</${p}analysis>`
  );
}

export const getLaboratoryOrderOutcome3: ContractVersion = {
  contract: 'GetLaboratoryOrderOutcome',
  version: '3.1',
  major: '3',
  infoType: 'labResult',
  responderNamespace: RESPONDER,
  coreNamespace: CORE,
  serviceDomain: 'riv:clinicalprocess:healthcond:actoutcome',
  categorization: 'und-kkm-ure',
  schemaDir: 'clinicalprocess_healthcond_actoutcome/GetLaboratoryOrderOutcome/3.1',
  responderXsd: 'interactions/GetLaboratoryOrderOutcomeInteraction/GetLaboratoryOrderOutcomeResponder_3.1.xsd',

  buildRequest(request) {
    const { start, end } = request.period ?? {};
    // The element is called timePeriod but is a DatePeriodType; either end may be open.
    const period = start || end ? `<timePeriod>${start ? `<c:start>${rivDate(start)}</c:start>` : ''}${end ? `<c:end>${rivDate(end)}</c:end>` : ''}</timePeriod>` : '';
    // 3.1 has no care giver filter.
    return (
      `<GetLaboratoryOrderOutcome xmlns="${RESPONDER}" xmlns:c="${CORE}">` +
      (request.careUnitHsaIds ?? []).map((id) => `<careUnitHSAId>${esc(id)}</careUnitHSAId>`).join('') +
      `<patientId><c:id>${esc(request.patientId)}</c:id><c:type>${esc(request.patientIdType ?? PERSONNUMMER_OID)}</c:type></patientId>` +
      period +
      opt('sourceSystemHSAId', request.sourceSystemHsaId) +
      `</GetLaboratoryOrderOutcome>`
    );
  },

  parseResponse(response) {
    const items: RecordItem[] = [];
    const faults: ContractFault[] = readResult(response);
    children(response, 'laboratoryOrderOutcome').forEach((node, index) => {
      const read = readItem(node, index);
      if ('fault' in read) faults.push(read.fault);
      else items.push(read.item);
    });
    return { items, faults };
  },

  /**
   * Invented where the schema requires what the item lacks: registrationTime is the item's
   * time, discipline "Laboratoriemedicin", order/orderId the item id, analysisId the item id
   * with a running number under the source system's root.
   */
  writeResponse(items) {
    const p = 'c:';
    const body = items
      .map((item) => {
        const a = item.attributes;
        const resultType = a.resultType ?? CODE_FOR_RESULT_TYPE[item.resultType ?? 'final'];
        return (
          `<laboratoryOrderOutcome>` +
          writePatientSummaryHeader('laboratoryOrderOutcomeHeader', item, p) +
          `<${p}laboratoryOrderOutcomeBody>` +
          `<${p}resultType>${esc(resultType)}</${p}resultType>` +
          `<${p}registrationTime>${rivTimestamp(item.time)}</${p}registrationTime>` +
          `<${p}discipline>${esc(a.discipline ?? 'Laboratoriemedicin')}</${p}discipline>` +
          opt(`${p}resultReport`, item.text) +
          item.values.map((v, i) => writeAnalysis(v, i, item)).join('') +
          `<${p}order><${p}orderId>${esc(a.orderId ?? item.id)}</${p}orderId>${opt(`${p}orderReason`, a.orderReason)}</${p}order>` +
          `</${p}laboratoryOrderOutcomeBody>` +
          `</laboratoryOrderOutcome>`
        );
      })
      .join('');
    return `<GetLaboratoryOrderOutcomeResponse xmlns="${RESPONDER}" xmlns:c="${CORE}" xmlns:m1="${EXT_31}">${body}${writeOkResult({ outer: '', inner: 'c:' }, `laboratoryOrderOutcome-${items.length}`)}</GetLaboratoryOrderOutcomeResponse>`;
  },
};
