import { describe, expect, it } from 'vitest';
import type { RecordItem } from '../../domain/record.js';
import { RIVTA_DIR, samplesOf } from '../../testing/rivta.js';
import { parseContractResponse } from '../registry.js';
import { responderSchemaFile, validateAgainstSchema } from '../schema-validation.js';
import { soapEnvelope } from '../soap.js';
import { getLaboratoryOrderOutcome4 } from './get-laboratory-order-outcome-4.js';

const schema = responderSchemaFile(RIVTA_DIR, getLaboratoryOrderOutcome4);
const sample = (suffix: string) => samplesOf('GetLaboratoryOrderOutcome').find((s) => s.file.endsWith(suffix))!.xml;
const labSamples = samplesOf('GetLaboratoryOrderOutcome').filter((s) => s.file.includes('_4.2_'));

const NS = 'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:r="urn:riv:clinicalprocess:healthcond:actoutcome:GetLaboratoryOrderOutcomeResponder:4" xmlns:c="urn:riv:clinicalprocess:healthcond:actoutcome:4" xmlns:m1="urn:riv:clinicalprocess:healthcond:actoutcome:4.1"';
const envelope = (outcomes: string) => `<soapenv:Envelope ${NS}><soapenv:Body><r:GetLaboratoryOrderOutcomeResponse>${outcomes}</r:GetLaboratoryOrderOutcomeResponse></soapenv:Body></soapenv:Envelope>`;
const ii = (name: string, root: string, ext: string, p = 'c:') => `<${p}${name}><c:root>${root}</c:root><c:extension>${ext}</c:extension></${p}${name}>`;

/** A compact, realistic answer: blood count with one high value, the way a lab system sends it. */
function outcome(opts: { id: string; approved?: string | null; signed?: boolean; recipientSignature?: boolean; perResultSignature?: boolean; status?: string }): string {
  const approved = opts.approved === null ? '' : `<c:approvedForPatient>${opts.approved ?? 'true'}</c:approvedForPatient>`;
  const resultSig = opts.perResultSignature ? `<c:recipientSignature>${ii('id', '1.2.752.129.2.1.4.1', 'SE2321000016-DR02')}<c:name>Dr Per Persson</c:name><c:timestamp>20260305101500</c:timestamp></c:recipientSignature>` : '';
  return (
    `<r:laboratoryOrderOutcome><c:header><c:accessControlHeader>` +
    ii('accountableCareGiver', '1.2.752.129.2.1.4.1', 'SE2321000016-0001') +
    ii('accountableCareUnit', '1.2.752.129.2.1.4.1', 'SE2321000016-LAB1') +
    `<c:blockComparisonTime>20260304081000</c:blockComparisonTime>${approved}` +
    ii('patientId', '1.2.752.129.2.1.3.1', '191212121212', 'm1:') +
    `</c:accessControlHeader>` +
    ii('sourceSystemId', '1.2.752.129.2.1.4.1', 'SE2321000016-LIS1') +
    `<c:record>${ii('id', 'SE2321000016-LIS1', opts.id)}<c:timestamp>20260304153000</c:timestamp></c:record>` +
    `<c:author>${ii('id', '1.2.752.129.2.1.4.1', 'SE2321000016-BMA1')}<c:name>Berit Biomedicinsk</c:name><c:timestamp>20260304150000</c:timestamp>` +
    `<m1:orgUnit>${ii('id', '1.2.752.129.2.1.4.1', 'SE2321000016-LAB1')}<c:name>Klinisk kemi Tolvsala</c:name></m1:orgUnit></c:author>` +
    (opts.signed ? `<c:signature>${ii('id', '1.2.752.129.2.1.4.1', 'SE2321000016-DR01')}<c:name>Dr Åsa Öberg</c:name><c:timestamp>20260304160000</c:timestamp></c:signature>` : '') +
    `</c:header><c:body>${ii('identifier', 'SE2321000016-LIS1', `svar-${opts.id}`)}` +
    `<c:type><c:code>${opts.status ?? 'final'}</c:code><c:codeSystem>2.16.840.1.113883.4.642.3.235</c:codeSystem><c:displayName>Slutligt</c:displayName></c:type>` +
    `<c:text>Lätt förhöjt CRP.</c:text>` +
    `<c:referral>${ii('identifier', 'SE2321000016-VC01', 'R-77')}<c:timestamp>20260304080000</c:timestamp><c:question>Infektion?</c:question>` +
    `<c:requestedCareService><c:originalText>Blodstatus och CRP</c:originalText></c:requestedCareService><c:requester><c:name>Dr Vera Vårdcentral</c:name></c:requester></c:referral>` +
    `<c:groupOfAnalyses><c:name>Blodstatus</c:name><c:code><c:code>NPU90001</c:code><c:codeSystem>1.2.752.108.1</c:codeSystem><c:displayName>Blodstatus</c:displayName></c:code>` +
    `<c:analysis><c:code><c:code>NPU02319</c:code><c:codeSystem>1.2.752.108.1</c:codeSystem><c:displayName>B-Hemoglobin</c:displayName></c:code><c:specimen><c:timestamp>20260304081000</c:timestamp></c:specimen>` +
    `<c:result><c:value><c:pq><c:value>134</c:value><c:unit>g/L</c:unit></c:pq></c:value>` +
    `<c:interpretation><c:code>17621005</c:code><c:codeSystem>1.2.752.116.2.1.1</c:codeSystem><c:displayName>Normal</c:displayName></c:interpretation>` +
    `<c:reference><c:interval><c:low>117</c:low><c:high>153</c:high><c:unit>g/L</c:unit></c:interval></c:reference>${resultSig}</c:result></c:analysis>` +
    `<c:analysis><c:code><c:code>NPU19748</c:code><c:codeSystem>1.2.752.108.1</c:codeSystem><c:displayName>P-CRP</c:displayName></c:code><c:comment>Hemolys</c:comment><c:specimen><c:timestamp>20260304081000</c:timestamp></c:specimen>` +
    `<c:result><c:value><c:pq><c:value>12,5</c:value><c:unit>mg/L</c:unit></c:pq></c:value><c:comment>Kontrollera om en vecka</c:comment>` +
    `<c:interpretation><c:code>281302008</c:code><c:codeSystem>1.2.752.116.2.1.1</c:codeSystem><c:displayName>Över referensintervall</c:displayName></c:interpretation>` +
    `<c:reference><c:description>&lt;5</c:description></c:reference>${resultSig}</c:result></c:analysis>` +
    `<c:analysis><c:code><c:originalText>Odling urin</c:originalText></c:code><c:specimen><c:timestamp>20260304081000</c:timestamp></c:specimen></c:analysis>` +
    `</c:groupOfAnalyses><c:recipientUnit><c:name>Vårdcentralen Tolvan</c:name></c:recipientUnit>` +
    (opts.recipientSignature ? `<c:recipientSignature>${ii('id', '1.2.752.129.2.1.4.1', 'SE2321000016-DR02')}<c:name>Dr Per Persson</c:name><c:timestamp>20260305100000</c:timestamp></c:recipientSignature>` : '') +
    `</c:body></r:laboratoryOrderOutcome>`
  );
}

describe('GetLaboratoryOrderOutcome 4', () => {
  it.each(labSamples.map((s) => [s.file, s.xml]))('parses the official sample %s', (_file, xml) => {
    const r = parseContractResponse(xml);
    if (r.contract === null) {
      // Response-ERROR and SoapFault are SOAP Faults: 4.x has no result element.
      expect(r.faults[0]?.kind).toBe('soapFault');
      return;
    }
    expect(r).toMatchObject({ contract: 'GetLaboratoryOrderOutcome', version: '4', faults: [] });
    expect(r.items.length).toBeGreaterThan(0);
    for (const item of r.items) {
      expect(item).toMatchObject({ infoType: 'labResult', patientId: expect.any(String), approvedForPatient: expect.any(Boolean), signed: expect.any(Boolean), validated: expect.any(Boolean) });
      expect(item.time).toBeInstanceOf(Date);
      expect(item.blockComparisonTime).toBeInstanceOf(Date);
      expect(item.values.length).toBeGreaterThan(0);
    }
  });

  it('reads the compliant mock field by field (its ? placeholders included)', () => {
    const r = parseContractResponse(sample('_Compliant-Content-Response.xml'));
    expect(r.items).toHaveLength(4);
    const [first] = r.items;
    expect(first).toMatchObject({
      id: '1',
      // Only this item carries the 4.1 accessControlHeader/patientId.
      patientId: '191212121212',
      patientIdType: '1.2.752.129.2.1.3.1',
      sourceSystemHsaId: 'SE2321000016-SRC1',
      careUnitHsaId: 'SE2321000016-CU01',
      signed: true,
      signer: { hsaId: 'SE132457689', name: '?' },
      approvedForPatient: true,
      validated: true,
      resultType: 'preliminary',
      title: '?åäö<>><&',
      codes: [{ code: 'NPU02902', codeSystem: '1.2.752.108.1' }],
      attributes: { reportStatus: 'partial', referralId: 'R123', recipientUnit: '?' },
      provenance: { contract: 'GetLaboratoryOrderOutcome', version: '4' },
    });
    expect(first!.values[0]).toMatchObject({ code: { code: 'NPU02902' }, value: '1–2', referenceInterval: { low: 1, high: 3 } });
    expect(first!.time.toISOString()).toBe('2017-01-01T09:00:00.000Z');
    // The other items do not name the patient (4.0 cannot): the answer is about whom we asked.
    expect(r.items[1]!.patientId).toBe('');
  });

  it('reads a realistic answer: one item, its analyses as values', () => {
    const [item] = parseContractResponse(envelope(outcome({ id: 'L1', signed: true, recipientSignature: true }))).items;
    expect(item).toMatchObject({
      id: 'L1',
      patientId: '191212121212',
      careGiver: { hsaId: 'SE2321000016-0001' },
      careUnit: { hsaId: 'SE2321000016-LAB1', name: 'Klinisk kemi Tolvsala' },
      author: { hsaId: 'SE2321000016-BMA1', name: 'Berit Biomedicinsk' },
      signer: { hsaId: 'SE2321000016-DR01', name: 'Dr Åsa Öberg' },
      validator: { hsaId: 'SE2321000016-DR02', name: 'Dr Per Persson' },
      resultType: 'final',
      title: 'Blodstatus och CRP',
      text: 'Lätt förhöjt CRP.',
      codes: [{ code: 'NPU90001', codeSystem: '1.2.752.108.1', displayName: 'Blodstatus' }],
      attributes: { referralId: 'R-77', referralQuestion: 'Infektion?', requester: 'Dr Vera Vårdcentral', recipientUnit: 'Vårdcentralen Tolvan' },
    });
    expect(item!.time.toISOString()).toBe('2026-03-04T14:30:00.000Z');
    expect(item!.blockComparisonTime!.toISOString()).toBe('2026-03-04T07:10:00.000Z');
    expect(item!.values).toEqual([
      { name: 'B-Hemoglobin', code: { code: 'NPU02319', codeSystem: '1.2.752.108.1', displayName: 'B-Hemoglobin' }, value: '134', numeric: 134, unit: 'g/L', referenceInterval: { low: 117, high: 153 }, abnormal: false },
      { name: 'P-CRP', code: { code: 'NPU19748', codeSystem: '1.2.752.108.1', displayName: 'P-CRP' }, value: '12,5', numeric: 12.5, unit: 'mg/L', referenceInterval: { text: '<5' }, abnormal: true, comment: 'Hemolys\nKontrollera om en vecka' },
      { name: 'Odling urin' },
    ]);
  });

  it('tells signed from unsigned and validated from unvalidated (official mock)', () => {
    const [signed, unsigned] = parseContractResponse(sample('_Signed-and-Unsigned.xml')).items;
    expect(signed).toMatchObject({ signed: true, validated: true, validator: { hsaId: 'RecipSign2' }, approvedForPatient: false });
    expect(unsigned).toMatchObject({ signed: false, validated: false, approvedForPatient: true });
    expect(unsigned!.signer).toBeUndefined();
    expect(unsigned!.validator).toBeUndefined();
  });

  it('counts an answer validated per result only when every result is signed by the recipient', () => {
    const r = parseContractResponse(envelope(outcome({ id: 'L1', perResultSignature: true }) + outcome({ id: 'L2' })));
    expect(r.items.map((i) => i.validated)).toEqual([true, false]);
    expect(r.items[0]!.validator).toMatchObject({ hsaId: 'SE2321000016-DR02' });
  });

  it('keeps approvedForPatient=false and maps the report status', () => {
    const r = parseContractResponse(envelope(outcome({ id: 'L1', approved: 'false', status: 'preliminary' }) + outcome({ id: 'L2', status: 'corrected' })));
    expect(r.items.map((i) => [i.approvedForPatient, i.resultType])).toEqual([[false, 'preliminary'], [true, 'corrected']]);
  });

  it('skips an item without approvedForPatient (never defaults to true) and keeps the others', () => {
    const noBody = outcome({ id: 'L4' }).replace(/<c:body>.*<\/c:body>/, '');
    const r = parseContractResponse(envelope(outcome({ id: 'L1' }) + outcome({ id: 'L2', approved: null }) + outcome({ id: 'L3', approved: 'kanske' }) + noBody + outcome({ id: 'L5' })));
    expect(r.items.map((i) => i.id)).toEqual(['L1', 'L5']);
    expect(r.faults).toEqual([
      { kind: 'itemInvalid', index: 1, message: expect.stringContaining('approvedForPatient') },
      { kind: 'itemInvalid', index: 2, message: expect.stringContaining('approvedForPatient') },
      { kind: 'itemInvalid', index: 3, message: 'item L4: body is missing' },
    ]);
  });

  it('writes responses that validate against the schema and read back the same', () => {
    const item: RecordItem = {
      id: 'lab-1', infoType: 'labResult', time: new Date('2026-03-04T15:30:00+01:00'), signed: true, approvedForPatient: true,
      validated: true, validator: { hsaId: 'SE2321000016-DR02', name: 'Dr Per Persson', time: new Date('2026-03-05T10:00:00+01:00') },
      resultType: 'final', blockComparisonTime: new Date('2026-03-04T08:10:00+01:00'),
      patientId: '191212121212', patientIdType: '1.2.752.129.2.1.3.1', sourceSystemHsaId: 'SE2321000016-LIS1',
      careGiver: { hsaId: 'SE2321000016-0001' }, careUnit: { hsaId: 'SE2321000016-LAB1', name: 'Klinisk kemi Tolvsala' }, careUnitHsaId: 'SE2321000016-LAB1',
      author: { hsaId: 'SE2321000016-BMA1', name: 'Berit Biomedicinsk', time: new Date('2026-03-04T15:00:00+01:00') },
      signer: { hsaId: 'SE2321000016-DR01', name: 'Dr Åsa Öberg', time: new Date('2026-03-04T16:00:00+01:00') },
      title: 'Blodstatus & CRP', text: 'Lätt förhöjt CRP.',
      codes: [{ code: 'NPU90001', codeSystem: '1.2.752.108.1', displayName: 'Blodstatus' }],
      values: [
        { name: 'B-Hemoglobin', code: { code: 'NPU02319', codeSystem: '1.2.752.108.1', displayName: 'B-Hemoglobin' }, value: '134', numeric: 134, unit: 'g/L', referenceInterval: { low: 117, high: 153 }, abnormal: false },
        { name: 'P-CRP', code: { code: 'NPU19748', codeSystem: '1.2.752.108.1', displayName: 'P-CRP' }, value: '12,5', numeric: 12.5, unit: 'mg/L', referenceInterval: { text: '<5' }, abnormal: true, comment: 'Kontrollera om en vecka' },
        { name: 'U-Odling', value: 'Växt av E. coli' },
        { name: 'Odling blod' },
      ],
      attributes: { reportStatus: 'final', referralId: 'R-77', referralQuestion: 'Infektion?', requester: 'Dr Vera Vårdcentral', recipientUnit: 'Vårdcentralen Tolvan', contactInformation: 'Ring 010-123 45 67' },
      provenance: { contract: 'GetLaboratoryOrderOutcome', version: '4' },
    };
    const unsigned: RecordItem = {
      ...item, id: 'lab-2', signed: false, signer: undefined as never, validated: false, validator: undefined as never, approvedForPatient: false, patientId: '',
      resultType: 'preliminary', attributes: { reportStatus: 'partial', recipientUnit: 'Vårdcentralen Tolvan' }, codes: [], title: 'B-Hemoglobin', text: undefined as never,
    };
    const xml = soapEnvelope(getLaboratoryOrderOutcome4.writeResponse([item, unsigned]));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    const back = parseContractResponse(xml);
    expect(back.faults).toEqual([]);
    expect(back.items[0]).toEqual(item);
    expect(back.items[1]).toMatchObject({ id: 'lab-2', patientId: '', signed: false, validated: false, approvedForPatient: false, resultType: 'preliminary', title: 'B-Hemoglobin' });
    expect(back.items[1]!.signer).toBeUndefined();
  });

  it('writes a valid answer for a bare item, inventing what the schema requires', () => {
    const bare: RecordItem = {
      id: 'x', infoType: 'labResult', time: new Date('2026-01-02T03:04:05Z'), signed: false, approvedForPatient: true, patientId: '191212121212',
      careGiver: {}, careUnit: {}, codes: [], values: [{ name: 'S-Kolesterol', value: '5.1', numeric: 5.1 }], attributes: {}, provenance: { contract: 'GetLaboratoryOrderOutcome', version: '4' },
    };
    const xml = soapEnvelope(getLaboratoryOrderOutcome4.writeResponse([bare]));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(parseContractResponse(xml).items[0]).toMatchObject({ id: 'x', validated: false, resultType: 'final', values: [{ name: 'S-Kolesterol', numeric: 5.1 }] });
  });

  it('builds requests that validate against the schema', () => {
    const xml = soapEnvelope(
      getLaboratoryOrderOutcome4.buildRequest({
        patientId: '191212121212', careUnitHsaIds: ['SE2321000016-VC01'], careGiverHsaIds: ['SE2321000016-0001'],
        period: { start: new Date('2020-01-01T00:00:00+01:00') }, sourceSystemHsaId: 'SE2321000016-LIS1',
      }),
      { logicalAddress: 'SE2321000016-LIS1' },
    );
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(xml).toContain('<datePeriod><c:start>20200101</c:start></datePeriod>');
    expect(xml).toContain('<patientId><c:root>1.2.752.129.2.1.3.1</c:root><c:extension>191212121212</c:extension></patientId>');
    expect(validateAgainstSchema(soapEnvelope(getLaboratoryOrderOutcome4.buildRequest({ patientId: '191212121212' })), schema).valid).toBe(true);
  });
});
