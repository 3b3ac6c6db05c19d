import type { CodedValue, RecordItem } from '../../domain/record.js';
import { baseItem, readCodedValue, readPatientSummaryHeader, rivTimestamp, writeCodedValue, writeCommonRequest, writePatientSummaryHeader } from '../patient-summary-header.js';
import { readResult, writeOkResult } from '../result.js';
import { esc, opt } from '../soap.js';
import type { ContractFault, ContractVersion } from '../types.js';
import { child, children, rivTime, text, type XmlNode } from '../xml.js';
import { applyLockConvention } from './care-documentation.js';

/**
 * GetAlertInformation 2.0 (urn:riv:clinicalprocess:healthcond:description:GetAlertInformationResponder:2):
 * uppmärksamhetsinformation (hypersensitivity, serious disease or treatment, communicable disease,
 * restriction of care, or an unstructured historical warning).
 */

const RESPONDER = 'urn:riv:clinicalprocess:healthcond:description:GetAlertInformationResponder:2';
const CORE = 'urn:riv:clinicalprocess:healthcond:description:2';
const PROVENANCE = { contract: 'GetAlertInformation', version: '2' } as const;

/** The body's alternatives, one per alert (the element names), and their Swedish names (KV Uppmärksamhetstyp). */
const KINDS = {
  hypersensitivity: 'Överkänslighet',
  seriousDisease: 'Allvarlig sjukdom',
  treatment: 'Allvarlig behandling',
  communicableDisease: 'Smittsam sjukdom',
  restrictionOfCare: 'Vårdbegränsning',
  unstructuredAlertInformation: 'Historisk varningsinformation',
} as const;
type Kind = keyof typeof KINDS;
const isKind = (value: string | undefined): value is Kind => value !== undefined && Object.hasOwn(KINDS, value);

const display = (cv: CodedValue | undefined): string | undefined => cv?.displayName ?? (cv?.code ? cv.code : undefined);

/** "YYYY-MM-DD hh:mm", Swedish time, for times shown as attributes. */
function wallClock(instant: Date): string {
  const t = rivTimestamp(instant);
  return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)} ${t.slice(8, 10)}:${t.slice(10, 12)}`;
}
/** An attribute's "YYYY-MM-DD[ hh:mm]" back to a TimeStampType. */
const attributeTimestamp = (value: string | undefined): string | undefined => {
  const digits = value?.replace(/\D/g, '');
  return digits && rivTime(digits) ? digits.padEnd(14, '0') : undefined;
};

/** Codes with more than one value, shown joined. */
const joined = (nodes: XmlNode[]): string | undefined => {
  const values = nodes.map((n) => display(readCodedValue(n))).filter((v): v is string => v !== undefined);
  return values.length > 0 ? values.join('; ') : undefined;
};

/** Each alternative's main code (kept in `codes`) and the free text it carries. */
function readKind(kind: Kind, node: XmlNode): { code?: CodedValue; text?: string; attributes: Record<string, string | undefined> } {
  switch (kind) {
    case 'hypersensitivity': {
      const pharma = child(node, 'pharmaceuticalHypersensitivity');
      const other = child(node, 'otherHypersensitivity');
      return {
        code: readCodedValue(child(pharma, 'atcSubstance')),
        attributes: {
          hypersensitivityType: display(readCodedValue(child(node, 'typeOfHypersensitivity'))),
          severity: display(readCodedValue(child(node, 'degreeOfSeverity'))),
          certainty: display(readCodedValue(child(node, 'degreeOfCertainty'))),
          substance: text(pharma, 'nonATCSubstance'),
          substanceComment: text(pharma, 'nonATCSubstanceComment'),
          pharmaceuticalProducts: joined(children(pharma, 'pharmaceuticalProductId')),
          agent: text(other, 'hypersensitivityAgent'),
          agentCode: display(readCodedValue(child(other, 'hypersensitivityAgentCode'))),
        },
      };
    }
    case 'seriousDisease':
      return { code: readCodedValue(child(node, 'disease')), attributes: {} };
    case 'treatment':
      return {
        code: readCodedValue(child(node, 'treatmentCode')),
        text: text(node, 'treatmentDescription'),
        attributes: { pharmaceuticalTreatment: joined(children(node, 'pharmaceuticalTreatment')) },
      };
    case 'communicableDisease':
      return {
        code: readCodedValue(child(node, 'communicableDiseaseCode')),
        attributes: { routeOfTransmission: display(readCodedValue(child(node, 'routeOfTransmission'))) },
      };
    case 'restrictionOfCare':
      return { text: text(node, 'restrictionOfCareComment'), attributes: {} };
    case 'unstructuredAlertInformation':
      return { text: text(node, 'unstructuredAlertInformationContent'), attributes: {} };
  }
}

/** A CVType holding only a text (what an attribute keeps of a code). */
const textCode = (name: string, value: string | undefined): string => (value === undefined ? '' : `<c:${name}><c:originalText>${esc(value)}</c:originalText></c:${name}>`);
const textCodes = (name: string, value: string | undefined): string => (value === undefined ? '' : value.split('; ').map((v) => textCode(name, v)).join(''));

/** The alternative's element, rebuilt from the item (required parts invented from the title when missing). */
function writeKind(kind: Kind, item: RecordItem): string {
  const a = item.attributes;
  const code = item.codes[1];
  const free = item.text ?? item.title ?? KINDS[kind];
  switch (kind) {
    case 'hypersensitivity': {
      const pharma = code || a.substance || a.substanceComment || a.pharmaceuticalProducts
        ? `<c:pharmaceuticalHypersensitivity>${writeCodedValue('atcSubstance', code, 'c:')}${opt('c:nonATCSubstance', a.substance)}${opt('c:nonATCSubstanceComment', a.substanceComment)}${textCodes('pharmaceuticalProductId', a.pharmaceuticalProducts)}</c:pharmaceuticalHypersensitivity>`
        : '';
      const other = a.agent || a.agentCode ? `<c:otherHypersensitivity>${opt('c:hypersensitivityAgent', a.agent)}${textCode('hypersensitivityAgentCode', a.agentCode)}</c:otherHypersensitivity>` : '';
      return `<c:hypersensitivity>${textCode('typeOfHypersensitivity', a.hypersensitivityType)}${textCode('degreeOfSeverity', a.severity)}${textCode('degreeOfCertainty', a.certainty)}${pharma}${other}</c:hypersensitivity>`;
    }
    case 'seriousDisease':
      return `<c:seriousDisease>${code ? writeCodedValue('disease', code, 'c:') : textCode('disease', item.title ?? KINDS[kind])}</c:seriousDisease>`;
    case 'treatment':
      return `<c:treatment><c:treatmentDescription>${esc(free)}</c:treatmentDescription>${writeCodedValue('treatmentCode', code, 'c:')}${textCodes('pharmaceuticalTreatment', a.pharmaceuticalTreatment)}</c:treatment>`;
    case 'communicableDisease':
      return `<c:communicableDisease>${code ? writeCodedValue('communicableDiseaseCode', code, 'c:') : textCode('communicableDiseaseCode', item.title ?? KINDS[kind])}${textCode('routeOfTransmission', a.routeOfTransmission)}</c:communicableDisease>`;
    case 'restrictionOfCare':
      return `<c:restrictionOfCare><c:restrictionOfCareComment>${esc(free)}</c:restrictionOfCareComment></c:restrictionOfCare>`;
    case 'unstructuredAlertInformation':
      return `<c:unstructuredAlertInformation><c:unstructuredAlertInformationHeading>${esc(item.title ?? KINDS[kind])}</c:unstructuredAlertInformationHeading><c:unstructuredAlertInformationContent>${esc(item.text ?? '')}</c:unstructuredAlertInformationContent></c:unstructuredAlertInformation>`;
  }
}

/** Kinds whose element carries the alert's free text; for the others the comment is the text. */
const TEXT_KINDS: ReadonlySet<Kind> = new Set(['treatment', 'restrictionOfCare', 'unstructuredAlertInformation']);

export const getAlertInformation2: ContractVersion = {
  contract: 'GetAlertInformation',
  version: '2.0',
  major: '2',
  infoType: 'alert',
  responderNamespace: RESPONDER,
  coreNamespace: CORE,
  serviceDomain: 'riv:clinicalprocess:healthcond:description',
  categorization: 'upp',
  schemaDir: 'clinicalprocess_healthcond_description/GetAlertInformation/2.0',
  responderXsd: 'interactions/GetAlertInformationInteraction/GetAlertInformationResponder_2.0.xsd',

  buildRequest(request) {
    const c = writeCommonRequest(request, { outer: '', inner: 'c:' });
    return `<GetAlertInformation xmlns="${RESPONDER}" xmlns:c="${CORE}">${c.careUnits}${c.patient}${c.period}${c.sourceSystem}</GetAlertInformation>`;
  },

  parseResponse(response) {
    const items: RecordItem[] = [];
    const faults: ContractFault[] = readResult(response);
    children(response, 'alertInformation').forEach((node, index) => {
      const headerNode = child(node, 'alertInformationHeader');
      const read = readPatientSummaryHeader(headerNode);
      if (!read.ok) {
        faults.push({ kind: 'itemInvalid', index, message: read.message });
        return;
      }
      const header = applyLockConvention(read.header, headerNode);
      const body = child(node, 'alertInformationBody');
      if (!body) {
        faults.push({ kind: 'itemInvalid', index, message: `item ${header.id}: alertInformationBody is missing` });
        return;
      }
      const validity = child(body, 'validityTimePeriod');
      const start = rivTime(text(validity, 'start'));
      const end = rivTime(text(validity, 'end'));
      const verified = rivTime(text(body, 'verifiedTime'));
      // Registration time first (the header's authorTime; documentTime is not used in this contract).
      const time = header.authorTime ?? header.documentTime ?? verified ?? start;
      if (!time) {
        faults.push({ kind: 'itemInvalid', index, message: `item ${header.id}: no authorTime, verifiedTime or validity start` });
        return;
      }
      const type = readCodedValue(child(body, 'typeOfAlertInformation'));
      const kind = (Object.keys(KINDS) as Kind[]).find((k) => child(body, k) !== undefined);
      const detail = kind ? readKind(kind, child(body, kind)!) : { attributes: {} as Record<string, string | undefined> };
      const comment = text(body, 'alertInformationComment');
      const ascertained = rivTime(text(body, 'ascertainedDate'));
      const obsolete = rivTime(text(body, 'obsoleteTime'));
      const related = children(body, 'relatedAlertInformation')
        .map((r) => `${display(readCodedValue(child(r, 'typeOfAlertInformationRelationship'))) ?? 'Samband'}: ${children(r, 'documentId').map((d) => text(d)).filter(Boolean).join(', ')}`)
        .join('\n');
      const itemText = detail.text ?? comment;
      const attributes: Record<string, string | undefined> = {
        ...(kind ? { alertType: kind } : {}),
        comment: detail.text !== undefined ? comment : undefined,
        ascertainedDate: ascertained ? wallClock(ascertained).slice(0, 10) : undefined,
        verifiedTime: verified ? wallClock(verified) : undefined,
        obsoleteTime: obsolete ? wallClock(obsolete) : undefined,
        obsoleteComment: text(body, 'obsoleteComment'),
        ...detail.attributes,
        relatedAlertInformation: related === '' ? undefined : related,
      };
      items.push({
        ...baseItem(header, 'alert', time, PROVENANCE),
        title:
          (kind === 'unstructuredAlertInformation' ? text(child(body, kind), 'unstructuredAlertInformationHeading') : undefined) ??
          header.title ??
          display(type) ??
          (kind ? KINDS[kind] : 'Uppmärksamhetsinformation'),
        ...(itemText !== undefined ? { text: itemText } : {}),
        codes: [type, detail.code].filter((c): c is CodedValue => c !== undefined),
        ...(start || end ? { period: { ...(start ? { start } : {}), ...(end ? { end } : {}) } } : {}),
        attributes: Object.fromEntries(Object.entries(attributes).filter((e): e is [string, string] => e[1] !== undefined)),
      });
    });
    return { items, faults };
  },

  /**
   * Invented where the schema needs what the item lacks: typeOfAlertInformation from the kind's
   * Swedish name, a serious or communicable disease without a code as text. Related alerts are
   * not written back.
   */
  writeResponse(items) {
    const body = items
      .map((item) => {
        const a = item.attributes;
        const kind = isKind(a.alertType) ? a.alertType : undefined;
        const type = item.codes[0] ?? { code: '', displayName: kind ? KINDS[kind] : (item.title ?? 'Uppmärksamhetsinformation') };
        const header = item.locked && !item.signed
          ? writePatientSummaryHeader('alertInformationHeader', item, 'c:').replace(
              '<c:approvedForPatient>',
              `<c:legalAuthenticator><c:signatureTime>${rivTimestamp(item.author?.time ?? item.time)}</c:signatureTime></c:legalAuthenticator><c:approvedForPatient>`,
            )
          : writePatientSummaryHeader('alertInformationHeader', item, 'c:');
        const { start, end } = item.period ?? {};
        const ascertained = attributeTimestamp(a.ascertainedDate)?.slice(0, 8);
        const comment = kind && TEXT_KINDS.has(kind) ? a.comment : item.text;
        return (
          `<alertInformation>${header}<c:alertInformationBody>` +
          writeCodedValue('typeOfAlertInformation', type, 'c:') +
          opt('c:ascertainedDate', ascertained) +
          opt('c:verifiedTime', attributeTimestamp(a.verifiedTime)) +
          `<c:validityTimePeriod>${start ? `<c:start>${rivTimestamp(start)}</c:start>` : ''}${end ? `<c:end>${rivTimestamp(end)}</c:end>` : ''}</c:validityTimePeriod>` +
          opt('c:alertInformationComment', comment) +
          opt('c:obsoleteTime', attributeTimestamp(a.obsoleteTime)) +
          opt('c:obsoleteComment', a.obsoleteComment) +
          (kind ? writeKind(kind, item) : '') +
          `</c:alertInformationBody></alertInformation>`
        );
      })
      .join('');
    return `<GetAlertInformationResponse xmlns="${RESPONDER}" xmlns:c="${CORE}">${body}${writeOkResult({ outer: '', inner: 'c:' }, `alert-${items.length}`)}</GetAlertInformationResponse>`;
  },
};
