import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordItem } from '../../domain/record.js';
import { RIVTA_DIR, SAMPLES_DIR, substitutePlaceholders } from '../../testing/rivta.js';
import { parseContractResponse } from '../registry.js';
import { responderSchemaFile, validateAgainstSchema } from '../schema-validation.js';
import { soapEnvelope } from '../soap.js';
import { getCareContacts2 } from './get-care-contacts-2.js';
import { getCareContacts3 } from './get-care-contacts-3.js';

const schema = responderSchemaFile(RIVTA_DIR, getCareContacts2);
const NS = 'urn:riv:clinicalprocess:logistics:logistics:GetCareContactsResponder:2';
const CORE = 'urn:riv:clinicalprocess:logistics:logistics:2';

function contact(o: { id: string; approved?: string | null; code?: string; status?: string; period?: string; professional?: boolean }): string {
  const approved = o.approved === null ? '' : `<ns2:approvedForPatient>${o.approved ?? 'true'}</ns2:approvedForPatient>`;
  const professional = o.professional === false
    ? ''
    : `<ns2:accountableHealthcareProfessional>
            <ns2:authorTime>20150610143000</ns2:authorTime>
            <ns2:healthcareProfessionalHSAId>SE2321000016-SSK1</ns2:healthcareProfessionalHSAId>
            <ns2:healthcareProfessionalName>Sjuksköterska Berit</ns2:healthcareProfessionalName>
            <ns2:healthcareProfessionalOrgUnit><ns2:orgUnitHSAId>SE2321000016-VC01</ns2:orgUnitHSAId><ns2:orgUnitName>Vårdcentralen Tolvan</ns2:orgUnitName></ns2:healthcareProfessionalOrgUnit>
            <ns2:healthcareProfessionalCareUnitHSAId>SE2321000016-VC01</ns2:healthcareProfessionalCareUnitHSAId>
            <ns2:healthcareProfessionalCareGiverHSAId>SE2321000016-0001</ns2:healthcareProfessionalCareGiverHSAId>
          </ns2:accountableHealthcareProfessional>`;
  return `
      <careContact>
        <ns2:careContactHeader>
          <ns2:documentId>${o.id}</ns2:documentId>
          <ns2:sourceSystemHSAId>SE2321000016-SRC2</ns2:sourceSystemHSAId>
          <ns2:patientId><ns2:id>191212121212</ns2:id><ns2:type>1.2.752.129.2.1.3.1</ns2:type></ns2:patientId>
          ${professional}
          ${approved}
        </ns2:careContactHeader>
        <ns2:careContactBody>
          ${o.code === undefined ? '' : `<ns2:careContactCode>${o.code}</ns2:careContactCode>`}
          <ns2:careContactOrgUnit><ns2:orgUnitHSAId>SE2321000016-VC01</ns2:orgUnitHSAId><ns2:orgUnitName>Vårdcentralen Tolvan</ns2:orgUnitName></ns2:careContactOrgUnit>
          ${o.period ?? '<ns2:careContactTimePeriod><ns2:start>20150610140000</ns2:start><ns2:end>20150610140000</ns2:end></ns2:careContactTimePeriod>'}
          ${o.status === undefined ? '' : `<ns2:careContactStatus>${o.status}</ns2:careContactStatus>`}
        </ns2:careContactBody>
      </careContact>`;
}

// As the SKLTP aggregator and JAXB producers write 2.0: default namespace for the responder, ns2 for the core.
const response = (contacts: string) => `<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
  <GetCareContactsResponse xmlns="${NS}" xmlns:ns2="${CORE}">${contacts}</GetCareContactsResponse>
</soap:Body></soap:Envelope>`;

describe('GetCareContacts 2', () => {
  it('validates the official request sample', () => {
    const request = substitutePlaceholders(readFileSync(path.join(SAMPLES_DIR, 'GetCareContacts', 'GetCareContacts_2.0_request_soap.xml'), 'utf8'));
    expect(validateAgainstSchema(request, schema)).toEqual({ valid: true, errors: [] });
  });

  it('reads a 2.0 visit field by field, with the integer type and status', () => {
    const xml = response(contact({ id: 'K-1', code: '1', status: '5' }));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    const r = parseContractResponse(xml);
    expect(r).toMatchObject({ contract: 'GetCareContacts', version: '2', faults: [] });
    expect(r.items[0]).toEqual({
      id: 'K-1',
      infoType: 'careContact',
      patientId: '191212121212',
      patientIdType: '1.2.752.129.2.1.3.1',
      sourceSystemHsaId: 'SE2321000016-SRC2',
      careGiver: { hsaId: 'SE2321000016-0001' },
      careUnit: { hsaId: 'SE2321000016-VC01', name: 'Vårdcentralen Tolvan' },
      careUnitHsaId: 'SE2321000016-VC01',
      author: { hsaId: 'SE2321000016-SSK1', name: 'Sjuksköterska Berit', time: new Date('2015-06-10T12:30:00Z') },
      signed: false,
      approvedForPatient: true,
      careContactId: 'K-1',
      time: new Date('2015-06-10T12:00:00Z'),
      period: { start: new Date('2015-06-10T12:00:00Z'), end: new Date('2015-06-10T12:00:00Z') },
      inpatient: false,
      title: 'Besök',
      codes: [{ code: '1', displayName: 'Besök' }],
      values: [],
      attributes: { careContactStatus: 'Avslutad', careContactStatusCode: '5' },
      provenance: { contract: 'GetCareContacts', version: '2' },
    });
  });

  it('reads an ongoing inpatient stay (Vårdtillfälle, no end) and one without a professional', () => {
    const xml = response(
      contact({ id: 'K-2', code: '3', status: '3', period: '<ns2:careContactTimePeriod><ns2:start>20150601080000</ns2:start></ns2:careContactTimePeriod>' }) +
        contact({ id: 'K-3', approved: 'false', professional: false }),
    );
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    const [stay, bare] = parseContractResponse(xml).items;
    expect(stay).toMatchObject({ inpatient: true, title: 'Vårdtillfälle', period: { start: new Date('2015-06-01T06:00:00Z') }, attributes: { careContactStatus: 'Pågående' } });
    expect(stay!.period!.end).toBeUndefined();
    // No header unit: the contact's unit names the care unit for display, but the PDL care unit id stays unknown.
    expect(bare).toMatchObject({ approvedForPatient: false, careUnit: { name: 'Vårdcentralen Tolvan' }, careGiver: {}, attributes: { careContactOrgUnitHsaId: 'SE2321000016-VC01' } });
    expect(bare!.careUnitHsaId).toBeUndefined();
    expect(bare!.inpatient).toBeUndefined();
  });

  it('skips an unreadable contact with an itemInvalid fault and keeps the others', () => {
    const xml = response(contact({ id: 'K-4' }) + contact({ id: 'K-5', approved: null }) + contact({ id: 'K-6', period: '' , professional: false }));
    const r = parseContractResponse(xml);
    expect(r.items.map((i) => i.id)).toEqual(['K-4']);
    expect(r.faults).toEqual([
      { kind: 'itemInvalid', index: 1, message: expect.stringContaining('approvedForPatient') },
      { kind: 'itemInvalid', index: 2, message: expect.stringContaining('no careContactTimePeriod') },
    ]);
  });

  const item: RecordItem = {
    id: 'k-1', infoType: 'careContact', time: new Date('2015-06-01T08:00:00+02:00'), signed: false, approvedForPatient: true,
    patientId: '191212121212', patientIdType: '1.2.752.129.2.1.3.1', sourceSystemHsaId: 'SE2321000016-TC01',
    careGiver: { hsaId: 'SE2321000016-0001' }, careUnit: { hsaId: 'SE2321000016-MED1', name: 'Medicinkliniken' }, careUnitHsaId: 'SE2321000016-MED1',
    author: { hsaId: 'SE2321000016-DR01', name: 'Dr Åsa Öberg', time: new Date('2015-06-01T09:00:00+02:00') },
    careContactId: 'k-1', inpatient: true, title: 'Vårdtillfälle', codes: [{ code: '3', displayName: 'Vårdtillfälle' }],
    period: { start: new Date('2015-06-01T08:00:00+02:00'), end: new Date('2015-06-05T12:00:00+02:00') },
    values: [], attributes: { careContactReason: 'Pneumoni', careContactStatus: 'Avslutad', careContactStatusCode: '5' },
    provenance: { contract: 'GetCareContacts', version: '2' },
  };

  it('writes responses that validate against the schema and read back the same', () => {
    const hidden: RecordItem = { ...item, id: 'k-2', careContactId: 'k-2', approvedForPatient: false, nullified: true, attributes: { ...item.attributes, nullifiedReason: 'Fel patient' } };
    const xml = soapEnvelope(getCareContacts2.writeResponse([item, hidden]));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    const r = parseContractResponse(xml);
    expect(r.faults).toEqual([]);
    expect(r.items).toEqual([item, hidden]);
  });

  it('writes items read from 3.0 (SNOMED status, KV type, no author) as valid 2.0', () => {
    const from3: RecordItem = {
      ...item, id: 'k-3', careContactId: 'k-3', author: undefined as never, signed: true, signer: { name: 'Dr Åsa Öberg', time: new Date('2015-06-06T10:00:00+02:00') },
      codes: [{ code: '4', codeSystem: '1.2.752.129.2.2.2.25', displayName: 'Dagsjukvård' }], inpatient: false,
      attributes: { careContactStatus: 'inställd vårdkontakt', careContactStatusCode: '53641000052109' },
    };
    const xml = soapEnvelope(getCareContacts2.writeResponse([from3]));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(xml).toContain('<c:careContactCode>4</c:careContactCode>');
    expect(xml).toContain('<c:careContactStatus>2</c:careContactStatus>');
    // 2.0 cannot carry a signature; the author is taken from the care unit (the schema requires one).
    const [back] = parseContractResponse(xml).items;
    expect(back).toMatchObject({ signed: false, author: { hsaId: 'SE2321000016-MED1', name: 'Medicinkliniken' }, attributes: { careContactStatus: 'Inställd' } });
    // And the other way: a 2.0 item is valid 3.0.
    const as3 = soapEnvelope(getCareContacts3.writeResponse([item]));
    expect(validateAgainstSchema(as3, responderSchemaFile(RIVTA_DIR, getCareContacts3))).toEqual({ valid: true, errors: [] });
  });

  it('builds requests that validate against the schema', () => {
    const xml = soapEnvelope(
      getCareContacts2.buildRequest({ patientId: '191212121212', careUnitHsaIds: ['SE2321000016-VC01'], careGiverHsaIds: ['SE2321000016-0001'], period: { start: new Date('2015-01-01T00:00:00+01:00'), end: new Date('2015-12-31T00:00:00+01:00') }, sourceSystemHsaId: 'SE2321000016-TC01' }),
      { logicalAddress: 'SE2321000016-TC01' },
    );
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(xml).toContain('<timePeriod><c:start>20150101</c:start><c:end>20151231</c:end></timePeriod>');
    expect(xml).not.toContain('careGiverHSAId');
  });
});
