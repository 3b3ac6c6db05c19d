import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordItem } from '../../domain/record.js';
import { RIVTA_DIR, SAMPLES_DIR, samplesOf, substitutePlaceholders } from '../../testing/rivta.js';
import { parseContractResponse } from '../registry.js';
import { responderSchemaFile, validateAgainstSchema } from '../schema-validation.js';
import { soapEnvelope } from '../soap.js';
import { getCareContacts3 } from './get-care-contacts-3.js';

const schema = responderSchemaFile(RIVTA_DIR, getCareContacts3);
const NS = 'urn:riv:clinicalprocess:logistics:logistics:GetCareContactsResponder:3';
const CORE = 'urn:riv:clinicalprocess:logistics:logistics:3';

/** A care contact as a producer writes it (prefixed, as the official mocks are); `header`/`body` replace parts. */
function contact(o: { id: string; approved?: string | null; type?: string; period?: string; status?: string; unit?: string; extraHeader?: string }): string {
  const approved = o.approved === null ? '' : `<urn1:approvedForPatient>${o.approved ?? 'true'}</urn1:approvedForPatient>`;
  return `
      <urn:careContact>
        <urn1:careContactHeader>
          <urn1:documentId>${o.id}</urn1:documentId>
          <urn1:sourceSystemHSAId>SE2321000016-SRC1</urn1:sourceSystemHSAId>
          <urn1:patientId><urn1:id>191212121212</urn1:id><urn1:type>1.2.752.129.2.1.3.1</urn1:type></urn1:patientId>
          <urn1:accountableHealthcareProfessional>
            <urn1:authorTime>20260302101500</urn1:authorTime>
            <urn1:healthcareProfessionalHSAId>SE2321000016-DR01</urn1:healthcareProfessionalHSAId>
            <urn1:healthcareProfessionalName>Åsa Öberg</urn1:healthcareProfessionalName>
            <urn1:healthcareProfessionalOrgUnit>
              <urn1:orgUnitHSAId>SE2321000016-MED1</urn1:orgUnitHSAId>
              <urn1:orgUnitName>Medicinkliniken</urn1:orgUnitName>
            </urn1:healthcareProfessionalOrgUnit>
            <urn1:healthcareProfessionalCareUnitHSAId>SE2321000016-MED1</urn1:healthcareProfessionalCareUnitHSAId>
            <urn1:healthcareProfessionalCareGiverHSAId>SE2321000016-0001</urn1:healthcareProfessionalCareGiverHSAId>
          </urn1:accountableHealthcareProfessional>
          ${o.extraHeader ?? ''}
          ${approved}
        </urn1:careContactHeader>
        <urn1:careContactBody>
          ${o.type ?? ''}
          <urn1:careContactReason>Bröstsmärta</urn1:careContactReason>
          ${o.unit ?? '<urn1:careContactOrgUnit><urn1:orgUnitHSAId>SE2321000016-MED1</urn1:orgUnitHSAId><urn1:orgUnitName>Medicinkliniken</urn1:orgUnitName></urn1:careContactOrgUnit>'}
          ${o.period ?? '<urn1:careContactTimePeriod><urn1:start>20260301220500</urn1:start><urn1:end>20260304113000</urn1:end></urn1:careContactTimePeriod>'}
          ${o.status ?? ''}
        </urn1:careContactBody>
      </urn:careContact>`;
}

function response(contacts: string, result = '<urn:result><urn1:resultCode>OK</urn1:resultCode><urn1:logId>log-1</urn1:logId></urn:result>'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="${NS}" xmlns:urn1="${CORE}">
  <soapenv:Header/>
  <soapenv:Body><urn:GetCareContactsResponse>${contacts}${result}</urn:GetCareContactsResponse></soapenv:Body>
</soapenv:Envelope>`;
}

const INPATIENT_TYPE = '<urn1:careContactCode><urn1:code>3</urn1:code><urn1:codeSystem>1.2.752.129.2.2.2.25</urn1:codeSystem><urn1:displayName>Vårdtillfälle</urn1:displayName></urn1:careContactCode>';
const VISIT_TYPE = '<urn1:careContactCode><urn1:code>1</urn1:code><urn1:codeSystem>1.2.752.129.2.2.2.25</urn1:codeSystem><urn1:displayName>Besök</urn1:displayName></urn1:careContactCode>';
const DONE = '<urn1:careContactStatus><urn1:code>53671000052101</urn1:code><urn1:codeSystem>1.2.752.116.2.1.1</urn1:codeSystem><urn1:displayName>avslutad vårdkontakt</urn1:displayName></urn1:careContactStatus>';

describe('GetCareContacts 3', () => {
  it('has no official response samples, only a request, which validates', () => {
    // The logistics domain ships no SoapUI mock; samples/ holds only the AGP load-test requests.
    expect(samplesOf('GetCareContacts')).toEqual([]);
    const request = substitutePlaceholders(readFileSync(path.join(SAMPLES_DIR, 'GetCareContacts', 'GetCareContacts_3.0_request_soap.xml'), 'utf8'));
    expect(validateAgainstSchema(request, schema)).toEqual({ valid: true, errors: [] });
    expect(readdirSync(path.join(SAMPLES_DIR, 'GetCareContacts')).every((f) => f.includes('_request_'))).toBe(true);
  });

  it('reads an inpatient care contact field by field', () => {
    const xml = response(contact({ id: 'VK-1', type: INPATIENT_TYPE, status: DONE }));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    const r = parseContractResponse(xml);
    expect(r).toMatchObject({ contract: 'GetCareContacts', version: '3', faults: [] });
    const [item] = r.items;
    expect(item).toEqual({
      id: 'VK-1',
      infoType: 'careContact',
      patientId: '191212121212',
      patientIdType: '1.2.752.129.2.1.3.1',
      sourceSystemHsaId: 'SE2321000016-SRC1',
      careGiver: { hsaId: 'SE2321000016-0001' },
      careUnit: { hsaId: 'SE2321000016-MED1', name: 'Medicinkliniken' },
      careUnitHsaId: 'SE2321000016-MED1',
      author: { hsaId: 'SE2321000016-DR01', name: 'Åsa Öberg', time: new Date('2026-03-02T09:15:00Z') },
      signed: false,
      approvedForPatient: true,
      careContactId: 'VK-1',
      time: new Date('2026-03-01T21:05:00Z'),
      period: { start: new Date('2026-03-01T21:05:00Z'), end: new Date('2026-03-04T10:30:00Z') },
      inpatient: true,
      title: 'Vårdtillfälle',
      codes: [{ code: '3', codeSystem: '1.2.752.129.2.2.2.25', displayName: 'Vårdtillfälle' }],
      values: [],
      attributes: { careContactReason: 'Bröstsmärta', careContactStatus: 'avslutad vårdkontakt', careContactStatusCode: '53671000052101' },
      provenance: { contract: 'GetCareContacts', version: '3' },
    });
  });

  it('marks visits as not inpatient, unknown types as undefined, and reads originalText types', () => {
    const xml = response(
      contact({ id: 'VK-2', type: VISIT_TYPE, period: '<urn1:careContactTimePeriod><urn1:start>20260310081500</urn1:start><urn1:end>20260310081500</urn1:end></urn1:careContactTimePeriod>' }) +
        contact({ id: 'VK-3' }) +
        contact({ id: 'VK-4', type: '<urn1:careContactCode><urn1:originalText>Slutenvård</urn1:originalText></urn1:careContactCode>' }),
    );
    const [visit, unknown, local] = parseContractResponse(xml).items;
    expect(visit).toMatchObject({ inpatient: false, title: 'Besök' });
    expect(unknown!.inpatient).toBeUndefined();
    expect(unknown!.title).toBe('Vårdkontakt');
    expect(local).toMatchObject({ inpatient: true, title: 'Slutenvård', codes: [{ code: '', displayName: 'Slutenvård' }] });
  });

  it('uses an open period (start optional in the official 3.0 schema) and falls back to authorTime', () => {
    const planned = contact({ id: 'VK-5', period: '<urn1:careContactTimePeriod><urn1:start>20261201090000</urn1:start></urn1:careContactTimePeriod>' });
    const endOnly = contact({ id: 'VK-6', period: '<urn1:careContactTimePeriod><urn1:end>20260304113000</urn1:end></urn1:careContactTimePeriod>' });
    const none = contact({ id: 'VK-7', period: '' });
    const xml = response(planned + endOnly + none);
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    const [a, b, c] = parseContractResponse(xml).items;
    expect(a!.period).toEqual({ start: new Date('2026-12-01T08:00:00Z') });
    expect(a!.time).toEqual(new Date('2026-12-01T08:00:00Z'));
    // Without a start, authorTime (registration) comes before the end of the contact.
    expect(b!.period).toEqual({ end: new Date('2026-03-04T10:30:00Z') });
    expect(b!.time).toEqual(new Date('2026-03-02T09:15:00Z'));
    expect(c!.period).toBeUndefined();
    expect(c!.time).toEqual(new Date('2026-03-02T09:15:00Z'));
  });

  it('keeps approvedForPatient=false, reads a (non-conformant) signature, and notes a contact unit that differs', () => {
    const xml = response(
      contact({ id: 'VK-8', approved: 'false' }) +
        contact({
          id: 'VK-9',
          extraHeader: '<urn1:legalAuthenticator><urn1:signatureTime>20260305120000</urn1:signatureTime><urn1:legalAuthenticatorName>Åsa Öberg</urn1:legalAuthenticatorName></urn1:legalAuthenticator>',
          unit: '<urn1:careContactOrgUnit><urn1:orgUnitHSAId>SE2321000016-AVD7</urn1:orgUnitHSAId><urn1:orgUnitName>Avdelning 7</urn1:orgUnitName></urn1:careContactOrgUnit>',
        }),
    );
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    const [hidden, signed] = parseContractResponse(xml).items;
    expect(hidden).toMatchObject({ approvedForPatient: false, signed: false });
    expect(hidden!.signer).toBeUndefined();
    expect(signed).toMatchObject({
      signed: true,
      signer: { name: 'Åsa Öberg', time: new Date('2026-03-05T11:00:00Z') },
      careUnitHsaId: 'SE2321000016-MED1',
      attributes: { careContactOrgUnitHsaId: 'SE2321000016-AVD7', careContactOrgUnitName: 'Avdelning 7' },
    });
  });

  it('skips an unreadable contact with an itemInvalid fault and keeps the others', () => {
    const xml = response(contact({ id: 'VK-10', approved: null }) + contact({ id: 'VK-11', type: VISIT_TYPE }) + contact({ id: 'VK-12', approved: 'kanske' }));
    const r = parseContractResponse(xml);
    expect(r.items.map((i) => i.id)).toEqual(['VK-11']);
    expect(r.faults).toEqual([
      { kind: 'itemInvalid', index: 0, message: expect.stringContaining('approvedForPatient') },
      { kind: 'itemInvalid', index: 2, message: expect.stringContaining('approvedForPatient') },
    ]);
  });

  it('turns result ERROR into a resultError fault', () => {
    const xml = response('', '<urn:result><urn1:resultCode>ERROR</urn1:resultCode><urn1:errorCode>INVALID_REQUEST</urn1:errorCode><urn1:logId>x</urn1:logId><urn1:message>sourceSystemHSAId skiljer sig från LogicalAddress</urn1:message></urn:result>');
    expect(parseContractResponse(xml).faults).toEqual([{ kind: 'resultError', code: 'INVALID_REQUEST', message: 'sourceSystemHSAId skiljer sig från LogicalAddress' }]);
  });

  const base: RecordItem = {
    id: 'vk-1', infoType: 'careContact', time: new Date('2026-03-01T22:05:00+01:00'), signed: false, approvedForPatient: true,
    patientId: '191212121212', patientIdType: '1.2.752.129.2.1.3.1', sourceSystemHsaId: 'SE2321000016-TC01',
    careGiver: { hsaId: 'SE2321000016-0001' }, careUnit: { hsaId: 'SE2321000016-MED1', name: 'Medicinkliniken' }, careUnitHsaId: 'SE2321000016-MED1',
    author: { hsaId: 'SE2321000016-DR01', name: 'Dr Åsa Öberg', time: new Date('2026-03-02T10:15:00+01:00') },
    careContactId: 'vk-1', inpatient: true, title: 'Vårdtillfälle',
    codes: [{ code: '3', codeSystem: '1.2.752.129.2.2.2.25', displayName: 'Vårdtillfälle' }],
    period: { start: new Date('2026-03-01T22:05:00+01:00'), end: new Date('2026-03-04T11:30:00+01:00') },
    values: [], attributes: { careContactReason: 'Bröstsmärta & andfåddhet', careContactStatus: 'avslutad vårdkontakt', careContactStatusCode: '53671000052101' },
    provenance: { contract: 'GetCareContacts', version: '3' },
  };

  it('writes responses that validate against the schema and read back the same', () => {
    const visit: RecordItem = {
      ...base, id: 'vk-2', careContactId: 'vk-2', approvedForPatient: false, inpatient: false, title: 'Besök',
      codes: [{ code: '1', codeSystem: '1.2.752.129.2.2.2.25', displayName: 'Besök' }],
      time: new Date('2026-03-10T08:15:00+01:00'), period: { start: new Date('2026-03-10T08:15:00+01:00'), end: new Date('2026-03-10T08:15:00+01:00') },
      attributes: { careContactStatus: 'tidbokad vårdkontakt', careContactStatusCode: '53631000052103', careContactOrgUnitHsaId: 'SE2321000016-MOT2', careContactOrgUnitName: 'Hjärtmottagningen' },
    };
    const xml = soapEnvelope(getCareContacts3.writeResponse([base, visit]));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(xml).not.toContain('documentTime');
    expect(xml).not.toContain('legalAuthenticator');
    const r = parseContractResponse(xml);
    expect(r.faults).toEqual([]);
    expect(r.items).toEqual([base, visit]);
  });

  it('writes a minimal item (no type, period, author or status) validly', () => {
    const bare: RecordItem = { ...base, id: 'vk-3', careContactId: 'vk-3', codes: [], title: 'Vårdkontakt', period: undefined as never, author: undefined as never, attributes: {} };
    delete (bare as { inpatient?: boolean }).inpatient;
    const xml = soapEnvelope(getCareContacts3.writeResponse([bare]));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    const [back] = parseContractResponse(xml).items;
    expect(back).toMatchObject({ id: 'vk-3', time: base.time, period: { start: base.time }, title: 'Vårdkontakt', codes: [], attributes: {} });
    expect(back!.inpatient).toBeUndefined();
  });

  it('builds requests that validate against the schema', () => {
    const full = soapEnvelope(
      getCareContacts3.buildRequest({
        patientId: '191212121212', careUnitHsaIds: ['SE2321000016-MED1', 'SE2321000016-MOT2'], careGiverHsaIds: ['SE2321000016-0001'],
        period: { start: new Date('2020-01-01T00:00:00+01:00') }, sourceSystemHsaId: 'SE2321000016-TC01',
      }),
      { logicalAddress: 'SE2321000016-TC01' },
    );
    expect(validateAgainstSchema(full, schema)).toEqual({ valid: true, errors: [] });
    expect(full).toContain('<c:start>20200101</c:start><c:end>20991231</c:end>');
    expect(full).toContain('<careGiverHSAId>SE2321000016-0001</careGiverHSAId>');
    const minimal = soapEnvelope(getCareContacts3.buildRequest({ patientId: '197609272393', patientIdType: '1.2.752.129.2.1.3.3' }));
    expect(validateAgainstSchema(minimal, schema)).toEqual({ valid: true, errors: [] });
  });
});
