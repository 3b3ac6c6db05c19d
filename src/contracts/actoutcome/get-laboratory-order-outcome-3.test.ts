import { describe, expect, it } from 'vitest';
import type { RecordItem } from '../../domain/record.js';
import { RIVTA_DIR, samplesOf } from '../../testing/rivta.js';
import { parseContractResponse } from '../registry.js';
import { responderSchemaFile, validateAgainstSchema } from '../schema-validation.js';
import { soapEnvelope } from '../soap.js';
import { getLaboratoryOrderOutcome3, parseReferenceInterval } from './get-laboratory-order-outcome-3.js';

const schema = responderSchemaFile(RIVTA_DIR, getLaboratoryOrderOutcome3);

const NS = 'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:r="urn:riv:clinicalprocess:healthcond:actoutcome:GetLaboratoryOrderOutcomeResponder:3" xmlns:c="urn:riv:clinicalprocess:healthcond:actoutcome:3" xmlns:m1="urn:riv:clinicalprocess:healthcond:actoutcome:3.1"';
const envelope = (outcomes: string, result = '<r:result><c:resultCode>OK</c:resultCode><c:logId>log-1</c:logId></r:result>') =>
  `<soapenv:Envelope ${NS}><soapenv:Body><r:GetLaboratoryOrderOutcomeResponse>${outcomes}${result}</r:GetLaboratoryOrderOutcomeResponse></soapenv:Body></soapenv:Envelope>`;

/**
 * There is no official 3.x response sample (only a request), so this is a hand-made answer in
 * the NPÖ style the SKLTP aggregator's test producer sends (resultType DEF, discipline
 * "Klinisk kemi"); it is itself checked against the 3.1 schema below.
 */
function outcome(opts: { id: string; approved?: string | null; signed?: boolean; attested?: 'all' | 'some' | 'none'; resultType?: string; documentTime?: boolean }): string {
  const approved = opts.approved === null ? '' : `<c:approvedForPatient>${opts.approved ?? 'true'}</c:approvedForPatient>`;
  const attested = (n: number) =>
    opts.attested === 'all' || (opts.attested === 'some' && n === 1)
      ? `<m1:attested><m1:attestedTime>2026030${4 + n}100000</m1:attestedTime><m1:attesterHSAId>SE2321000016-DR02</m1:attesterHSAId><m1:attesterName>Dr Per Persson</m1:attesterName></m1:attested>`
      : '';
  return (
    `<r:laboratoryOrderOutcome><c:laboratoryOrderOutcomeHeader><c:documentId>${opts.id}</c:documentId><c:sourceSystemHSAId>SE2321000016-LIS1</c:sourceSystemHSAId>` +
    `<c:documentTitle>Klinisk kemi</c:documentTitle>${opts.documentTime === false ? '' : '<c:documentTime>20260304153000</c:documentTime>'}` +
    `<c:patientId><c:id>191212121212</c:id><c:type>1.2.752.129.2.1.3.1</c:type></c:patientId>` +
    `<c:accountableHealthcareProfessional><c:authorTime>20260304150000</c:authorTime><c:healthcareProfessionalHSAId>SE2321000016-BMA1</c:healthcareProfessionalHSAId><c:healthcareProfessionalName>Berit Biomedicinsk</c:healthcareProfessionalName>` +
    `<c:healthcareProfessionalOrgUnit><c:orgUnitHSAId>SE2321000016-LAB1</c:orgUnitHSAId><c:orgUnitName>Klinisk kemi Tolvsala</c:orgUnitName></c:healthcareProfessionalOrgUnit>` +
    `<c:healthcareProfessionalCareUnitHSAId>SE2321000016-LAB1</c:healthcareProfessionalCareUnitHSAId><c:healthcareProfessionalCareGiverHSAId>SE2321000016-0001</c:healthcareProfessionalCareGiverHSAId></c:accountableHealthcareProfessional>` +
    (opts.signed ? '<c:legalAuthenticator><c:signatureTime>20260304160000</c:signatureTime><c:legalAuthenticatorHSAId>SE2321000016-DR01</c:legalAuthenticatorHSAId><c:legalAuthenticatorName>Dr Åsa Öberg</c:legalAuthenticatorName></c:legalAuthenticator>' : '') +
    `${approved}<c:careContactId>KK-1</c:careContactId></c:laboratoryOrderOutcomeHeader>` +
    `<c:laboratoryOrderOutcomeBody><c:resultType>${opts.resultType ?? 'DEF'}</c:resultType><c:registrationTime>20260304140000</c:registrationTime><c:discipline>Klinisk kemi</c:discipline>` +
    `<c:resultReport>Lätt förhöjt CRP.</c:resultReport><c:resultComment>Ny kontroll om en vecka.</c:resultComment>` +
    `<c:analysis><c:analysisId><c:root>SE2321000016-LIS1</c:root><c:extension>A1</c:extension></c:analysisId>` +
    `<c:analysisCode><c:code>NPU02319</c:code><c:codeSystem>1.2.752.108.1</c:codeSystem><c:displayName>B-Hemoglobin</c:displayName></c:analysisCode><c:analysisText>B-Hb</c:analysisText>` +
    `<c:analysisOutcome><c:outcomeValue>134</c:outcomeValue><c:outcomeUnit>g/L</c:outcomeUnit><c:pathologicalFlag>false</c:pathologicalFlag><c:referenceInterval>117-153</c:referenceInterval></c:analysisOutcome>${attested(0)}</c:analysis>` +
    `<c:analysis><c:analysisId><c:root>SE2321000016-LIS1</c:root><c:extension>A2</c:extension></c:analysisId>` +
    `<c:analysisCode><c:code>NPU19748</c:code><c:codeSystem>1.2.752.108.1</c:codeSystem><c:displayName>P-CRP</c:displayName></c:analysisCode><c:analysisComment>Hemolys</c:analysisComment>` +
    `<c:analysisOutcome><c:outcomeValue>12,5</c:outcomeValue><c:outcomeUnit>mg/L</c:outcomeUnit><c:pathologicalFlag>true</c:pathologicalFlag><c:referenceInterval>&lt;5</c:referenceInterval></c:analysisOutcome>${attested(1)}</c:analysis>` +
    `<c:order><c:orderId>O-77</c:orderId><c:orderReason>Infektion?</c:orderReason></c:order></c:laboratoryOrderOutcomeBody></r:laboratoryOrderOutcome>`
  );
}

describe('GetLaboratoryOrderOutcome 3', () => {
  it('has no official 3.x response sample; the hand-made one is schema-valid', () => {
    expect(samplesOf('GetLaboratoryOrderOutcome').filter((s) => s.xml.includes('GetLaboratoryOrderOutcomeResponder:3'))).toEqual([]);
    expect(validateAgainstSchema(envelope(outcome({ id: 'L1', signed: true, attested: 'all' })), schema)).toEqual({ valid: true, errors: [] });
  });

  it('reads an answer field by field: one item, its analyses as values', () => {
    const r = parseContractResponse(envelope(outcome({ id: 'L1', signed: true, attested: 'all' })));
    expect(r).toMatchObject({ contract: 'GetLaboratoryOrderOutcome', version: '3', faults: [] });
    const [item] = r.items;
    expect(item).toMatchObject({
      id: 'L1',
      infoType: 'labResult',
      patientId: '191212121212',
      sourceSystemHsaId: 'SE2321000016-LIS1',
      careGiver: { hsaId: 'SE2321000016-0001' },
      careUnit: { hsaId: 'SE2321000016-LAB1', name: 'Klinisk kemi Tolvsala' },
      signed: true,
      signer: { hsaId: 'SE2321000016-DR01', name: 'Dr Åsa Öberg' },
      validated: true,
      validator: { hsaId: 'SE2321000016-DR02', name: 'Dr Per Persson' },
      resultType: 'final',
      careContactId: 'KK-1',
      title: 'Klinisk kemi',
      text: 'Lätt förhöjt CRP.\n\nNy kontroll om en vecka.',
      attributes: { discipline: 'Klinisk kemi', orderId: 'O-77', orderReason: 'Infektion?' },
      provenance: { contract: 'GetLaboratoryOrderOutcome', version: '3' },
    });
    // documentTime: when the answer reached the requester.
    expect(item!.time.toISOString()).toBe('2026-03-04T14:30:00.000Z');
    // The latest attestation names the validator.
    expect(item!.validator!.time!.toISOString()).toBe('2026-03-05T09:00:00.000Z');
    expect(item!.values).toEqual([
      { name: 'B-Hb', code: { code: 'NPU02319', codeSystem: '1.2.752.108.1', displayName: 'B-Hemoglobin' }, value: '134', numeric: 134, unit: 'g/L', referenceInterval: { low: 117, high: 153, text: '117-153' }, abnormal: false },
      { name: 'P-CRP', code: { code: 'NPU19748', codeSystem: '1.2.752.108.1', displayName: 'P-CRP' }, value: '12,5', numeric: 12.5, unit: 'mg/L', referenceInterval: { high: 5, text: '<5' }, abnormal: true, comment: 'Hemolys' },
    ]);
  });

  it('is validated only when every analysis is attested; unsigned without legalAuthenticator', () => {
    const r = parseContractResponse(envelope(outcome({ id: 'L1', attested: 'some' }) + outcome({ id: 'L2', attested: 'none', resultType: 'PREL' }) + outcome({ id: 'L3', attested: 'all', resultType: 'TILL' })));
    expect(r.items.map((i) => [i.id, i.signed, i.validated, i.resultType])).toEqual([
      ['L1', false, false, 'final'],
      ['L2', false, false, 'preliminary'],
      ['L3', false, true, 'supplement'],
    ]);
  });

  it('falls back to registrationTime and keeps an unknown result type as sent', () => {
    const [item] = parseContractResponse(envelope(outcome({ id: 'L1', documentTime: false, resultType: 'Slutsvar' }))).items;
    expect(item!.time.toISOString()).toBe('2026-03-04T13:00:00.000Z');
    expect(item!.resultType).toBeUndefined();
    expect(item!.attributes.resultType).toBe('Slutsvar');
  });

  it('keeps approvedForPatient=false; a missing one is an invalid item, the rest still count', () => {
    const r = parseContractResponse(envelope(outcome({ id: 'L1', approved: 'false' }) + outcome({ id: 'L2', approved: null }) + outcome({ id: 'L3' })));
    expect(r.items.map((i) => [i.id, i.approvedForPatient])).toEqual([['L1', false], ['L3', true]]);
    expect(r.faults).toEqual([{ kind: 'itemInvalid', index: 1, message: expect.stringContaining('approvedForPatient') }]);
  });

  it('reports result ERROR as a resultError fault', () => {
    const r = parseContractResponse(envelope('', '<r:result><c:resultCode>ERROR</c:resultCode><c:errorCode>INVALID_REQUEST</c:errorCode><c:logId>l</c:logId><c:message>fel logisk adress</c:message></r:result>'));
    expect(r.faults).toEqual([{ kind: 'resultError', code: 'INVALID_REQUEST', message: 'fel logisk adress' }]);
  });

  it('reads free-text reference intervals', () => {
    expect(parseReferenceInterval('3,5 – 5,0')).toEqual({ low: 3.5, high: 5, text: '3,5 – 5,0' });
    expect(parseReferenceInterval('>60')).toEqual({ low: 60, text: '>60' });
    expect(parseReferenceInterval('negativ')).toEqual({ text: 'negativ' });
    expect(parseReferenceInterval(undefined)).toBeUndefined();
  });

  it('writes responses that validate against the schema and read back the same', () => {
    const item: RecordItem = {
      id: 'lab-1', infoType: 'labResult', time: new Date('2026-03-04T15:30:00+01:00'), signed: true, approvedForPatient: true,
      validated: true, validator: { hsaId: 'SE2321000016-DR02', name: 'Dr Per Persson', time: new Date('2026-03-05T10:00:00+01:00') },
      resultType: 'final', patientId: '191212121212', patientIdType: '1.2.752.129.2.1.3.1', sourceSystemHsaId: 'SE2321000016-LIS1',
      careGiver: { hsaId: 'SE2321000016-0001' }, careUnit: { hsaId: 'SE2321000016-LAB1', name: 'Klinisk kemi Tolvsala' }, careUnitHsaId: 'SE2321000016-LAB1',
      author: { hsaId: 'SE2321000016-BMA1', name: 'Berit Biomedicinsk', time: new Date('2026-03-04T15:00:00+01:00') },
      signer: { hsaId: 'SE2321000016-DR01', name: 'Dr Åsa Öberg', time: new Date('2026-03-04T16:00:00+01:00') },
      careContactId: 'KK-1', title: 'Blodstatus & CRP', text: 'Lätt förhöjt CRP.', codes: [],
      values: [
        { name: 'B-Hemoglobin', code: { code: 'NPU02319', codeSystem: '1.2.752.108.1', displayName: 'B-Hemoglobin' }, value: '134', numeric: 134, unit: 'g/L', referenceInterval: { low: 117, high: 153, text: '117-153' }, abnormal: false },
        { name: 'U-Odling', value: 'Växt av E. coli', abnormal: true, comment: 'Resistensbestämning följer' },
        { name: 'Odling blod' },
      ],
      attributes: { discipline: 'Klinisk kemi', orderId: 'O-77', orderReason: 'Infektion?' },
      provenance: { contract: 'GetLaboratoryOrderOutcome', version: '3' },
    };
    const other: RecordItem = { ...item, id: 'lab-2', signed: false, signer: undefined as never, validated: false, validator: undefined as never, approvedForPatient: false, resultType: 'preliminary', attributes: {} };
    const xml = soapEnvelope(getLaboratoryOrderOutcome3.writeResponse([item, other]));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    const back = parseContractResponse(xml);
    expect(back.faults).toEqual([]);
    expect(back.items[0]).toEqual(item);
    expect(back.items[1]).toMatchObject({ id: 'lab-2', signed: false, validated: false, approvedForPatient: false, resultType: 'preliminary', attributes: { discipline: 'Laboratoriemedicin', orderId: 'lab-2' } });
  });

  it('builds requests that validate against the schema', () => {
    const xml = soapEnvelope(
      getLaboratoryOrderOutcome3.buildRequest({ patientId: '191212121212', careUnitHsaIds: ['SE2321000016-VC01'], period: { start: new Date('2020-01-01T00:00:00+01:00'), end: new Date('2026-11-23T00:00:00+01:00') }, sourceSystemHsaId: 'SE2321000016-LIS1' }),
      { logicalAddress: 'SE2321000016-LIS1' },
    );
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(xml).toContain('<timePeriod><c:start>20200101</c:start><c:end>20261123</c:end></timePeriod>');
  });
});
