import type { CodedValue, RecordItem, ResultType } from '../../domain/record.js';
import { baseItem, compact, readPatientSummaryHeader, rivDate, rivTimestamp, writePatientSummaryHeader } from '../patient-summary-header.js';
import { readResult, writeOkResult } from '../result.js';
import { esc, opt } from '../soap.js';
import type { ContractFault, ContractVersion } from '../types.js';
import { PERSONNUMMER_OID } from '../types.js';
import { child, children, rivTime, text, type XmlNode } from '../xml.js';

/**
 * GetReferralOutcome 3.2 (urn:riv:clinicalprocess:healthcond:actoutcome:GetReferralOutcomeResponder:3).
 * 3.1 shares the namespace and is read by the same code: 3.2 only made referralOutcomeTitle and
 * attested/attesterHSAId optional. Answers to consultation referrals (remissvar).
 */

const RESPONDER = 'urn:riv:clinicalprocess:healthcond:actoutcome:GetReferralOutcomeResponder:3';
const CORE = 'urn:riv:clinicalprocess:healthcond:actoutcome:3';
const EXT_31 = 'urn:riv:clinicalprocess:healthcond:actoutcome:3.1';
const PROVENANCE = { contract: 'GetReferralOutcome', version: '3' } as const;

/** clinicalInformationCode's only allowed code system (ICD-10). */
const ICD10_OID = '1.2.752.116.1.1.1.1.3';

/** SS is the final answer (slutsvar); SR an answer to the question that may be followed by more. */
const RESULT_TYPES: Record<string, ResultType> = { SS: 'final', SR: 'preliminary' };

function readItem(node: XmlNode, index: number): { item: RecordItem } | { fault: ContractFault } {
  // The mocks send legalAuthenticator with only signatureTime for ordinary signed answers, so
  // here (unlike GetImagingOutcome's "Locked" mock) a bare signatureTime is a signature.
  const header = readPatientSummaryHeader(child(node, 'referralOutcomeHeader'));
  if (!header.ok) return { fault: { kind: 'itemInvalid', index, message: header.message } };
  const h = header.header;
  const body = child(node, 'referralOutcomeBody');
  if (!body) return { fault: { kind: 'itemInvalid', index, message: `item ${h.id}: referralOutcomeBody is missing` } };
  // documentTime: when the answer reached the referring unit's system.
  const time = h.documentTime ?? h.authorTime;
  if (!time) return { fault: { kind: 'itemInvalid', index, message: `item ${h.id}: no documentTime or authorTime` } };
  const typeCode = text(body, 'referralOutcomeTypeCode');
  const attestedNode = child(body, 'attested');
  const attestedTime = rivTime(text(attestedNode, 'attestedTime'));
  const validator = attestedNode && attestedTime ? { ...compact({ hsaId: text(attestedNode, 'attesterHSAId'), name: text(attestedNode, 'attesterName') }), time: attestedTime } : undefined;
  const clinical = children(body, 'clinicalInformation').flatMap((c): CodedValue[] => {
    const code = child(c, 'clinicalInformationCode');
    return text(code, 'code') === undefined ? [] : [compact({ code: text(code, 'code')!, codeSystem: text(code, 'codeSystem'), displayName: text(c, 'clinicalInformationText') })];
  });
  const acts = children(body, 'act');
  const actCodes = acts.flatMap((a): CodedValue[] => {
    const code = child(a, 'actCode');
    return text(code, 'code') === undefined ? [] : [compact({ code: text(code, 'code')!, codeSystem: text(code, 'codeSystem'), displayName: text(a, 'actText') })];
  });
  const uncodedActs = acts.filter((a) => text(child(a, 'actCode'), 'code') === undefined).map((a) => text(a, 'actText')).filter((t): t is string => t !== undefined);
  const referral = child(body, 'referral');
  const outcomeTitle = text(body, 'referralOutcomeTitle');
  const item: RecordItem = {
    ...baseItem(h, 'referralOutcome', time, PROVENANCE),
    validated: validator !== undefined,
    ...(validator ? { validator } : {}),
    ...(typeCode !== undefined && RESULT_TYPES[typeCode] ? { resultType: RESULT_TYPES[typeCode] } : {}),
    title: h.title ?? outcomeTitle ?? 'Remissvar',
    ...(text(body, 'referralOutcomeText') !== undefined ? { text: text(body, 'referralOutcomeText')! } : {}),
    codes: [...clinical, ...actCodes],
    attributes: compact({
      referralOutcomeTypeCode: typeCode,
      referralOutcomeTitle: outcomeTitle,
      acts: uncodedActs.length > 0 ? uncodedActs.join('; ') : undefined,
      referralId: text(referral, 'referralId'),
      referralReason: text(referral, 'referralReason'),
      referrer: text(child(referral, 'referralAuthor'), 'healthcareProfessionalName'),
    }),
  };
  return { item };
}

/**
 * The body in element order. Invented where the schema requires what the item lacks: the type
 * code from resultType (SS for final, else SR), referralOutcomeText "", referral/referralId the
 * item id, referralReason "Ej angiven", the referral author's time the item's time. Codes in
 * ICD-10 are clinical information, other codes performed acts.
 */
function writeBody(item: RecordItem): string {
  const p = 'c:';
  const a = item.attributes;
  const typeCode = a.referralOutcomeTypeCode ?? (item.resultType === 'final' ? 'SS' : 'SR');
  const clinical = item.codes.filter((c) => c.codeSystem === ICD10_OID);
  const actCodes = item.codes.filter((c) => c.codeSystem !== ICD10_OID);
  const validator = item.validator ?? {};
  return (
    `<${p}referralOutcomeBody>` +
    `<${p}referralOutcomeTypeCode>${esc(typeCode)}</${p}referralOutcomeTypeCode>` +
    opt(`${p}referralOutcomeTitle`, a.referralOutcomeTitle) +
    `<${p}referralOutcomeText>${esc(item.text ?? '')}</${p}referralOutcomeText>` +
    clinical
      .map((c) => `<${p}clinicalInformation><${p}clinicalInformationCode><${p}code>${esc(c.code)}</${p}code><${p}codeSystem>${ICD10_OID}</${p}codeSystem></${p}clinicalInformationCode><${p}clinicalInformationText>${esc(c.displayName ?? c.code)}</${p}clinicalInformationText></${p}clinicalInformation>`)
      .join('') +
    actCodes
      .map((c) => `<${p}act><${p}actCode><${p}code>${esc(c.code)}</${p}code><${p}codeSystem>${esc(c.codeSystem ?? '')}</${p}codeSystem></${p}actCode><${p}actText>${esc(c.displayName ?? c.code)}</${p}actText></${p}act>`)
      .join('') +
    (a.acts ?? '')
      .split('; ')
      .filter((t) => t !== '')
      .map((t) => `<${p}act><${p}actText>${esc(t)}</${p}actText></${p}act>`)
      .join('') +
    `<${p}referral><${p}referralId>${esc(a.referralId ?? item.id)}</${p}referralId><${p}referralReason>${esc(a.referralReason ?? 'Ej angiven')}</${p}referralReason>` +
    `<${p}referralAuthor><${p}authorTime>${rivTimestamp(item.time)}</${p}authorTime>${opt(`${p}healthcareProfessionalName`, a.referrer)}</${p}referralAuthor></${p}referral>` +
    (item.validated
      ? `<m1:attested><m1:attestedTime>${rivTimestamp(validator.time ?? item.time)}</m1:attestedTime>${opt('m1:attesterHSAId', validator.hsaId)}${opt('m1:attesterName', validator.name)}</m1:attested>`
      : '') +
    `</${p}referralOutcomeBody>`
  );
}

export const getReferralOutcome3: ContractVersion = {
  contract: 'GetReferralOutcome',
  version: '3.2',
  major: '3',
  infoType: 'referralOutcome',
  responderNamespace: RESPONDER,
  coreNamespace: CORE,
  serviceDomain: 'riv:clinicalprocess:healthcond:actoutcome',
  categorization: 'und-kon-ure',
  schemaDir: 'clinicalprocess_healthcond_actoutcome/GetReferralOutcome/3.2',
  responderXsd: 'interactions/GetReferralOutcomeInteraction/GetReferralOutcomeResponder_3.2.xsd',

  buildRequest(request) {
    const { start, end } = request.period ?? {};
    const period = start || end ? `<datePeriod>${start ? `<c:start>${rivDate(start)}</c:start>` : ''}${end ? `<c:end>${rivDate(end)}</c:end>` : ''}</datePeriod>` : '';
    // The care unit filter is spelled careUnitHSAid here; there is no care giver filter.
    return (
      `<GetReferralOutcome xmlns="${RESPONDER}" xmlns:c="${CORE}">` +
      (request.careUnitHsaIds ?? []).map((id) => `<careUnitHSAid>${esc(id)}</careUnitHSAid>`).join('') +
      `<patientId><c:id>${esc(request.patientId)}</c:id><c:type>${esc(request.patientIdType ?? PERSONNUMMER_OID)}</c:type></patientId>` +
      period +
      opt('sourceSystemHSAId', request.sourceSystemHsaId) +
      `</GetReferralOutcome>`
    );
  },

  parseResponse(response) {
    const items: RecordItem[] = [];
    const faults: ContractFault[] = readResult(response);
    children(response, 'referralOutcome').forEach((node, index) => {
      const read = readItem(node, index);
      if ('fault' in read) faults.push(read.fault);
      else items.push(read.item);
    });
    return { items, faults };
  },

  writeResponse(items) {
    const body = items.map((item) => `<referralOutcome>${writePatientSummaryHeader('referralOutcomeHeader', item, 'c:')}${writeBody(item)}</referralOutcome>`).join('');
    return `<GetReferralOutcomeResponse xmlns="${RESPONDER}" xmlns:c="${CORE}" xmlns:m1="${EXT_31}">${body}${writeOkResult({ outer: '', inner: 'c:' }, `referralOutcome-${items.length}`)}</GetReferralOutcomeResponse>`;
  },
};
