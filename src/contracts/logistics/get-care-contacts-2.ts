import { writeCommonRequest } from '../patient-summary-header.js';
import type { ContractVersion } from '../types.js';
import { readCareContacts, writeCareContactBody, writeCareContactHeader, writeDatePeriod } from './get-care-contacts-3.js';

/**
 * GetCareContacts 2.0 (urn:riv:clinicalprocess:logistics:logistics:GetCareContactsResponder:2),
 * the previous major, still aggregated. Same care contact as 3.0, read by the same code: type and
 * status are integer enums, the header has no title, time, signature or careContactId, and the
 * response has no result element.
 */

const RESPONDER = 'urn:riv:clinicalprocess:logistics:logistics:GetCareContactsResponder:2';
const CORE = 'urn:riv:clinicalprocess:logistics:logistics:2';
const PROVENANCE = { contract: 'GetCareContacts', version: '2' } as const;

export const getCareContacts2: ContractVersion = {
  contract: 'GetCareContacts',
  version: '2.0',
  major: '2',
  infoType: 'careContact',
  responderNamespace: RESPONDER,
  coreNamespace: CORE,
  serviceDomain: 'riv:clinicalprocess:logistics:logistics',
  categorization: 'vko',
  schemaDir: 'clinicalprocess_logistics_logistics/GetCareContacts/2.0',
  responderXsd: 'interactions/GetCareContactsInteraction/GetCareContactsResponder_2.0.xsd',

  buildRequest(request) {
    // 2.0 has no care giver filter; the period is `timePeriod`.
    const c = writeCommonRequest(request, { outer: '', inner: 'c:' });
    const period = writeDatePeriod('timePeriod', request.period, { outer: '', inner: 'c:' });
    return `<GetCareContacts xmlns="${RESPONDER}" xmlns:c="${CORE}">${c.careUnits}${c.patient}${period}${c.sourceSystem}</GetCareContacts>`;
  },

  parseResponse(response) {
    return readCareContacts(response, 'enum', PROVENANCE);
  },

  writeResponse(items) {
    const body = items.map((item) => `<careContact>${writeCareContactHeader(item, 'c:', '2')}${writeCareContactBody(item, 'c:', '2')}</careContact>`).join('');
    return `<GetCareContactsResponse xmlns="${RESPONDER}" xmlns:c="${CORE}">${body}</GetCareContactsResponse>`;
  },
};
