import type { RecordItem } from '../../domain/record.js';
import { baseJolItem, GCD3_JOL_LAYOUT, HSA_OID, readJolHeader, writeJolHeader } from '../jol-header.js';
import { readCodedValue, rivDate, writeCodedValue } from '../patient-summary-header.js';
import { esc, opt } from '../soap.js';
import type { ContractFault, ContractResponse, ContractVersion } from '../types.js';
import { PERSONNUMMER_OID } from '../types.js';
import { child, children, text, type XmlNode } from '../xml.js';
import { DEFAULT_NOTE_TITLE, dissentingOpinionLine, isInpatientNoteType, NOTE_CODE_SYSTEM, NOTE_CODE_SYSTEM_NAME, NOTE_TYPES, noteText } from './care-documentation.js';

/**
 * GetCareDocumentation 3.0 (urn:riv:clinicalprocess:healthcond:description:GetCareDocumentationResponder:3):
 * journal notes with the JoL header, paged with hasMore/hasMoreReference.
 */

const RESPONDER = 'urn:riv:clinicalprocess:healthcond:description:GetCareDocumentationResponder:3';
const CORE = 'urn:riv:clinicalprocess:healthcond:description:3';
const PROVENANCE = { contract: 'GetCareDocumentation', version: '3' } as const;

/** result: ERROR, or INFO with a text meant for the user (TKB 7.1.7), is reported. */
function readResult3(response: XmlNode): ContractFault[] {
  const result = child(response, 'result');
  const code = text(result, 'resultCode');
  const message = text(result, 'resultText');
  if (code === 'ERROR') return [{ kind: 'resultError', code, message: message ?? 'the producer answered with result ERROR' }];
  if (code === 'INFO' && message !== undefined) return [{ kind: 'resultError', code, message }];
  return [];
}

export const getCareDocumentation3: ContractVersion = {
  contract: 'GetCareDocumentation',
  version: '3.0',
  major: '3',
  infoType: 'note',
  responderNamespace: RESPONDER,
  coreNamespace: CORE,
  serviceDomain: 'riv:clinicalprocess:healthcond:description',
  categorization: 'voo',
  schemaDir: 'clinicalprocess_healthcond_description/GetCareDocumentation/3.0',
  responderXsd: 'interactions/GetCareDocumentationInteraction/GetCareDocumentationResponder_3.0.xsd',

  buildRequest(request) {
    const ii = (element: string, root: string, extension: string) =>
      `<${element}><c:root>${esc(root)}</c:root><c:extension>${esc(extension)}</c:extension></${element}>`;
    const { start, end } = request.period ?? {};
    // DatePeriodType requires both ends; an open end becomes a wide bound.
    const period = start || end ? `<datePeriod><c:start>${start ? rivDate(start) : '19000101'}</c:start><c:end>${end ? rivDate(end) : '20991231'}</c:end></datePeriod>` : '';
    return (
      `<GetCareDocumentation xmlns="${RESPONDER}" xmlns:c="${CORE}">` +
      (request.careUnitHsaIds ?? []).map((id) => ii('careUnit', HSA_OID, id)).join('') +
      (request.careGiverHsaIds ?? []).map((id) => ii('healthcareProvider', HSA_OID, id)).join('') +
      ii('patientId', request.patientIdType ?? PERSONNUMMER_OID, request.patientId) +
      period +
      (request.sourceSystemHsaId !== undefined ? ii('sourceSystemId', HSA_OID, request.sourceSystemHsaId) : '') +
      opt('hasMoreReference', request.continuation) +
      `</GetCareDocumentation>`
    );
  },

  parseResponse(response) {
    const items: RecordItem[] = [];
    const faults: ContractFault[] = readResult3(response);
    children(response, 'careDocumentation').forEach((node, index) => {
      const read = readJolHeader(child(node, 'header'));
      if (!read.ok) {
        faults.push({ kind: 'itemInvalid', index, message: read.message });
        return;
      }
      const header = read.header;
      const body = child(node, 'body');
      if (!body) {
        faults.push({ kind: 'itemInvalid', index, message: `item ${header.id}: body is missing` });
        return;
      }
      const code = readCodedValue(child(body, 'clinicalDocumentNoteCode'));
      const known = code?.code !== undefined && NOTE_TYPES[code.code] !== undefined ? code.code : undefined;
      const noteCode = code && known && code.displayName === undefined ? { ...code, displayName: NOTE_TYPES[known]! } : code;
      const multimedia = child(body, 'multimediaEntry');
      const opinions = children(body, 'dissentingOpinion').map(dissentingOpinionLine).filter((o): o is string => o !== undefined);
      const note = noteText(text(body, 'clinicalDocumentNoteText'));
      const inpatient = isInpatientNoteType(known);
      items.push({
        ...baseJolItem(header, 'note', header.recordTime, PROVENANCE),
        ...(inpatient ? { inpatient: true } : {}),
        title: text(body, 'clinicalDocumentNoteTitle') ?? (known ? NOTE_TYPES[known] : undefined) ?? code?.displayName ?? DEFAULT_NOTE_TITLE,
        ...(note !== undefined ? { text: note } : {}),
        codes: noteCode ? [noteCode] : [],
        attributes: {
          ...(header.careProcessId !== undefined ? { careProcessId: header.careProcessId } : {}),
          ...(header.authorOrgUnit?.name !== undefined ? { authorUnit: header.authorOrgUnit.name } : {}),
          ...(text(multimedia, 'mediaType') !== undefined ? { multimediaType: text(multimedia, 'mediaType')! } : {}),
          ...(text(multimedia, 'reference') !== undefined ? { multimediaReference: text(multimedia, 'reference')! } : {}),
          ...(opinions.length > 0 ? { dissentingOpinion: opinions.join('\n') } : {}),
        },
      });
    });
    const more = child(response, 'hasMore');
    const reference = text(more, 'reference');
    const hasMore: ContractResponse['hasMore'] =
      reference === undefined ? undefined : { reference, ...(text(more, 'logicalAddress') !== undefined ? { logicalAddress: text(more, 'logicalAddress')! } : {}) };
    return { items, faults, ...(hasMore ? { hasMore } : {}) };
  },

  writeResponse(items, options = {}) {
    const body = items
      .map((item) => {
        const code = item.codes.find((c) => c.codeSystem === NOTE_CODE_SYSTEM) ?? item.codes[0];
        // clinicalDocumentNoteCode is required: a note with no type is written as a visit note.
        const noteCode = code ?? { code: 'bes', codeSystem: NOTE_CODE_SYSTEM, codeSystemName: NOTE_CODE_SYSTEM_NAME, displayName: NOTE_TYPES.bes! };
        const mediaType = item.attributes.multimediaType;
        const reference = item.attributes.multimediaReference;
        // An embedded value is not kept in the canonical item; an empty one stands for it.
        const multimedia = mediaType !== undefined ? `<c:multimediaEntry><c:mediaType>${esc(mediaType)}</c:mediaType>${reference !== undefined ? `<c:reference>${esc(reference)}</c:reference>` : '<c:value></c:value>'}</c:multimediaEntry>` : '';
        return (
          `<careDocumentation>` +
          writeJolHeader(item, 'c:', GCD3_JOL_LAYOUT) +
          `<c:body>` +
          writeCodedValue('clinicalDocumentNoteCode', noteCode, 'c:') +
          opt('c:clinicalDocumentNoteTitle', item.title) +
          opt('c:clinicalDocumentNoteText', item.text) +
          multimedia +
          `</c:body>` +
          `</careDocumentation>`
        );
      })
      .join('');
    const more = options.hasMore
      ? `<hasMore><logicalAddress>${esc(options.hasMore.logicalAddress ?? items[0]?.sourceSystemHsaId ?? '')}</logicalAddress><reference>${esc(options.hasMore.reference)}</reference></hasMore>`
      : '';
    return `<GetCareDocumentationResponse xmlns="${RESPONDER}" xmlns:c="${CORE}">${body}${more}<result><c:resultCode>OK</c:resultCode></result></GetCareDocumentationResponse>`;
  },
};
