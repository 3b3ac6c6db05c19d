import type { RecordItem } from '../../domain/record.js';
import { baseItem, readPatientSummaryHeader, rivTimestamp, writeCommonRequest, writePatientSummaryHeader } from '../patient-summary-header.js';
import { readResult, writeOkResult } from '../result.js';
import { esc, opt } from '../soap.js';
import type { ContractFault, ContractVersion } from '../types.js';
import { child, children, text } from '../xml.js';
import { applyLockConvention, DEFAULT_NOTE_TITLE, dissentingOpinionLine, DOCUMENT_TYPES, isInpatientNoteType, NOTE_TYPES, noteText, noteTypeCode } from './care-documentation.js';

/**
 * GetCareDocumentation 2.1 (urn:riv:clinicalprocess:healthcond:description:GetCareDocumentationResponder:2),
 * still what most producers answer. Its header is CPatientSummaryHeaderType, which spells
 * `sourceSystemHSAid` (for compatibility with 2.0), as does the request; its result element is in
 * the 2.1 extension namespace; the note type is a bare KV Anteckningstyp code.
 */

const RESPONDER = 'urn:riv:clinicalprocess:healthcond:description:GetCareDocumentationResponder:2';
const CORE = 'urn:riv:clinicalprocess:healthcond:description:2';
const EXT = 'urn:riv:clinicalprocess:healthcond:description:2.1';
const PROVENANCE = { contract: 'GetCareDocumentation', version: '2' } as const;
const SOURCE_SYSTEM = 'sourceSystemHSAid';

/** MediaTypeEnum of the 2.1 schema; other media types cannot be written in this version. */
const MEDIA_TYPES = new Set([
  'application/dicom', 'application/msword', 'application/pdf', 'audio/basic', 'audio/k32adpcm', 'audio/mpeg', 'image/g3fax',
  'image/gif', 'image/jpeg', 'image/png', 'image/tiff', 'model/vrml', 'multipart/x-hl7-cda-level1', 'text/html', 'text/plain',
  'text/rtf', 'text/sgml', 'text/x-hl7-ft', 'text/xml', 'video/mpeg', 'video/x-avi',
]);

export const getCareDocumentation2: ContractVersion = {
  contract: 'GetCareDocumentation',
  version: '2.1',
  major: '2',
  infoType: 'note',
  responderNamespace: RESPONDER,
  coreNamespace: CORE,
  serviceDomain: 'riv:clinicalprocess:healthcond:description',
  categorization: 'voo',
  schemaDir: 'clinicalprocess_healthcond_description/GetCareDocumentation/2.1',
  responderXsd: 'interactions/GetCareDocumentationInteraction/GetCareDocumentationResponder_2.1.xsd',

  buildRequest(request) {
    const c = writeCommonRequest(request, { outer: '', inner: 'c:' }, { careUnitElement: 'careUnitHSAid' });
    return `<GetCareDocumentation xmlns="${RESPONDER}" xmlns:c="${CORE}">${c.careUnits}${c.patient}${c.period}${opt(SOURCE_SYSTEM, request.sourceSystemHsaId)}</GetCareDocumentation>`;
  },

  parseResponse(response) {
    const items: RecordItem[] = [];
    const faults: ContractFault[] = readResult(response);
    children(response, 'careDocumentation').forEach((node, index) => {
      const headerNode = child(node, 'careDocumentationHeader');
      const read = readPatientSummaryHeader(headerNode, SOURCE_SYSTEM);
      if (!read.ok) {
        faults.push({ kind: 'itemInvalid', index, message: read.message });
        return;
      }
      const header = applyLockConvention(read.header, headerNode);
      const note = child(child(node, 'careDocumentationBody'), 'clinicalDocumentNote');
      if (!note) {
        faults.push({ kind: 'itemInvalid', index, message: `item ${header.id}: careDocumentationBody/clinicalDocumentNote is missing` });
        return;
      }
      const time = header.documentTime ?? header.authorTime;
      if (!time) {
        faults.push({ kind: 'itemInvalid', index, message: `item ${header.id}: no documentTime or authorTime` });
        return;
      }
      const noteCode = text(note, 'clinicalDocumentNoteCode');
      const typeCode = text(note, 'clinicalDocumentTypeCode');
      const multimedia = child(note, 'multimediaEntry');
      const body = noteText(text(note, 'clinicalDocumentNoteText'));
      // The schema's element is spelled `dissentintOpinion`; accept the intended spelling too.
      const opinions = [...children(note, 'dissentintOpinion'), ...children(note, 'dissentingOpinion')]
        .map(dissentingOpinionLine)
        .filter((o): o is string => o !== undefined);
      const inpatient = isInpatientNoteType(noteCode) || isInpatientNoteType(typeCode);
      items.push({
        ...baseItem(header, 'note', time, PROVENANCE),
        ...(inpatient ? { inpatient: true } : {}),
        title:
          text(note, 'clinicalDocumentNoteTitle') ??
          header.title ??
          (noteCode !== undefined ? NOTE_TYPES[noteCode] : undefined) ??
          (typeCode !== undefined ? DOCUMENT_TYPES[typeCode] : undefined) ??
          DEFAULT_NOTE_TITLE,
        ...(body !== undefined ? { text: body } : {}),
        codes: [
          ...(noteCode !== undefined ? [noteTypeCode(noteCode)] : []),
          ...(typeCode !== undefined ? [{ code: typeCode, ...(DOCUMENT_TYPES[typeCode] !== undefined ? { displayName: DOCUMENT_TYPES[typeCode] } : {}) }] : []),
        ],
        attributes: {
          ...(header.careContactId !== undefined ? { careContactId: header.careContactId } : {}),
          ...(text(multimedia, 'mediaType') !== undefined ? { multimediaType: text(multimedia, 'mediaType')! } : {}),
          ...(text(multimedia, 'reference') !== undefined ? { multimediaReference: text(multimedia, 'reference')! } : {}),
          ...(opinions.length > 0 ? { dissentingOpinion: opinions.join('\n') } : {}),
        },
      });
    });
    return { items, faults };
  },

  writeResponse(items) {
    const body = items
      .map((item) => {
        const noteCode = item.codes.find((c) => NOTE_TYPES[c.code] !== undefined)?.code;
        const typeCode = item.codes.find((c) => DOCUMENT_TYPES[c.code] !== undefined)?.code;
        const mediaType = item.attributes.multimediaType;
        const reference = item.attributes.multimediaReference;
        // An embedded value is not kept in the canonical item; an empty one stands for it.
        const multimedia =
          mediaType !== undefined && MEDIA_TYPES.has(mediaType)
            ? `<c:multimediaEntry><c:mediaType>${esc(mediaType)}</c:mediaType>${reference !== undefined ? `<c:reference>${esc(reference)}</c:reference>` : '<c:value></c:value>'}</c:multimediaEntry>`
            : '';
        // Locked without signature is written the old way: legalAuthenticator with the lock time only.
        const header = item.locked && !item.signed
          ? writePatientSummaryHeader('careDocumentationHeader', item, 'c:', SOURCE_SYSTEM).replace(
              '<c:approvedForPatient>',
              `<c:legalAuthenticator><c:signatureTime>${rivTimestamp(item.author?.time ?? item.time)}</c:signatureTime></c:legalAuthenticator><c:approvedForPatient>`,
            )
          : writePatientSummaryHeader('careDocumentationHeader', item, 'c:', SOURCE_SYSTEM);
        return (
          `<careDocumentation>${header}<c:careDocumentationBody><c:clinicalDocumentNote>` +
          opt('c:clinicalDocumentNoteCode', noteCode) +
          opt('c:clinicalDocumentTypeCode', typeCode) +
          opt('c:clinicalDocumentNoteTitle', item.title) +
          opt('c:clinicalDocumentNoteText', item.text) +
          multimedia +
          `</c:clinicalDocumentNote></c:careDocumentationBody></careDocumentation>`
        );
      })
      .join('');
    return `<GetCareDocumentationResponse xmlns="${RESPONDER}" xmlns:c="${CORE}" xmlns:m="${EXT}">${body}${writeOkResult({ outer: 'm:', inner: 'm:' }, `care-documentation-${items.length}`)}</GetCareDocumentationResponse>`;
  },
};
