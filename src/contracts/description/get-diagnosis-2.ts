import type { RecordItem } from '../../domain/record.js';
import {
  baseItem,
  readCodedValue,
  readPatientSummaryHeader,
  rivTimestamp,
  writeCodedValue,
  writeCommonRequest,
  writePatientSummaryHeader,
} from '../patient-summary-header.js';
import { readResult, writeOkResult } from '../result.js';
import { esc } from '../soap.js';
import type { ContractFault, ContractVersion } from '../types.js';
import { bool, child, children, rivTime, text } from '../xml.js';

/** GetDiagnosis 2.0 (urn:riv:clinicalprocess:healthcond:description:GetDiagnosisResponder:2). */

const RESPONDER = 'urn:riv:clinicalprocess:healthcond:description:GetDiagnosisResponder:2';
const CORE = 'urn:riv:clinicalprocess:healthcond:description:2';
const PROVENANCE = { contract: 'GetDiagnosis', version: '2' } as const;

export const getDiagnosis2: ContractVersion = {
  contract: 'GetDiagnosis',
  version: '2.0',
  major: '2',
  infoType: 'diagnosis',
  responderNamespace: RESPONDER,
  coreNamespace: CORE,
  serviceDomain: 'riv:clinicalprocess:healthcond:description',
  categorization: 'dia',
  schemaDir: 'clinicalprocess_healthcond_description/GetDiagnosis/2.0',
  responderXsd: 'interactions/GetDiagnosisInteraction/GetDiagnosisResponder_2.0.xsd',

  buildRequest(request) {
    const c = writeCommonRequest(request, { outer: '', inner: 'c:' });
    return `<GetDiagnosis xmlns="${RESPONDER}" xmlns:c="${CORE}">${c.careUnits}${c.patient}${c.period}${c.sourceSystem}</GetDiagnosis>`;
  },

  parseResponse(response) {
    const items: RecordItem[] = [];
    const faults: ContractFault[] = readResult(response);
    children(response, 'diagnosis').forEach((node, index) => {
      const header = readPatientSummaryHeader(child(node, 'diagnosisHeader'));
      if (!header.ok) {
        faults.push({ kind: 'itemInvalid', index, message: header.message });
        return;
      }
      const body = child(node, 'diagnosisBody');
      const code = readCodedValue(child(body, 'diagnosisCode'));
      const diagnosisTime = rivTime(text(body, 'diagnosisTime'));
      const time = diagnosisTime ?? header.header.documentTime ?? header.header.authorTime;
      if (!time) {
        faults.push({ kind: 'itemInvalid', index, message: `item ${header.header.id}: no diagnosisTime, documentTime or authorTime` });
        return;
      }
      const type = text(body, 'typeOfDiagnosis');
      const chronic = bool(body, 'chronicDiagnosis');
      items.push({
        ...baseItem(header.header, 'diagnosis', time, PROVENANCE),
        title: code?.displayName ?? header.header.title ?? 'Diagnos',
        codes: code ? [code] : [],
        attributes: {
          ...(type ? { typeOfDiagnosis: type } : {}),
          ...(chronic !== undefined ? { chronicDiagnosis: String(chronic) } : {}),
        },
      });
    });
    return { items, faults };
  },

  writeResponse(items) {
    const body = items
      .map((item) => {
        const header = writePatientSummaryHeader('diagnosisHeader', item, 'c:');
        const type = item.attributes.typeOfDiagnosis ?? 'Huvuddiagnos';
        const chronic = item.attributes.chronicDiagnosis;
        return `<diagnosis>${header}<c:diagnosisBody><c:typeOfDiagnosis>${esc(type)}</c:typeOfDiagnosis>${chronic ? `<c:chronicDiagnosis>${esc(chronic)}</c:chronicDiagnosis>` : ''}<c:diagnosisTime>${rivTimestamp(item.time)}</c:diagnosisTime>${writeCodedValue('diagnosisCode', item.codes[0], 'c:')}</c:diagnosisBody></diagnosis>`;
      })
      .join('');
    return `<GetDiagnosisResponse xmlns="${RESPONDER}" xmlns:c="${CORE}">${body}${writeOkResult({ outer: '', inner: 'c:' }, `diagnosis-${items.length}`)}</GetDiagnosisResponse>`;
  },
};
