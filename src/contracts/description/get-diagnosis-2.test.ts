import { describe, expect, it } from 'vitest';
import type { RecordItem } from '../../domain/record.js';
import { RIVTA_DIR, samplesOf } from '../../testing/rivta.js';
import { parseContractResponse } from '../registry.js';
import { responderSchemaFile, validateAgainstSchema } from '../schema-validation.js';
import { soapEnvelope } from '../soap.js';
import { getDiagnosis2 } from './get-diagnosis-2.js';

const schema = responderSchemaFile(RIVTA_DIR, getDiagnosis2);

describe('GetDiagnosis 2', () => {
  it.each(samplesOf('GetDiagnosis').map((s) => [s.file, s.xml]))('parses the official sample %s', (_file, xml) => {
    const r = parseContractResponse(xml);
    if (r.contract === null) {
      expect(r.faults[0]?.kind).toBe('soapFault');
      return;
    }
    expect(r.contract).toBe('GetDiagnosis');
    expect(r.version).toBe('2');
    for (const item of r.items) {
      expect(item).toMatchObject({ infoType: 'diagnosis', patientId: expect.any(String), approvedForPatient: expect.any(Boolean), signed: expect.any(Boolean) });
      expect(item.time).toBeInstanceOf(Date);
    }
  });

  it('reads the basic response field by field', () => {
    const xml = samplesOf('GetDiagnosis').find((s) => s.file.endsWith('_BasicResponse.xml'))!.xml;
    const [item] = parseContractResponse(xml).items;
    expect(item).toMatchObject({
      id: 'DOC-1',
      patientId: '191212121212',
      careUnitHsaId: '565656',
      careUnit: { hsaId: '565656', name: 'Karolinska Huddinge' },
      signed: true,
      approvedForPatient: true,
      codes: [{ code: '123456', codeSystemName: 'KSH97', displayName: 'Någon' }],
      attributes: { typeOfDiagnosis: 'Huvuddiagnos' },
      provenance: { contract: 'GetDiagnosis', version: '2' },
    });
    expect(item!.time.toISOString()).toBe('2016-09-02T09:11:11.000Z');
  });

  it('keeps approvedForPatient=false from the producer', () => {
    const xml = samplesOf('GetDiagnosis').find((s) => s.file.includes('ApprovedForPatient'))!.xml;
    expect(parseContractResponse(xml).items.some((i) => !i.approvedForPatient)).toBe(true);
  });

  it('writes responses that validate against the schema and read back the same', () => {
    const item: RecordItem = {
      id: 'dia-1', infoType: 'diagnosis', time: new Date('2026-03-04T09:15:00+01:00'), signed: true, approvedForPatient: true,
      patientId: '191212121212', sourceSystemHsaId: 'SE2321000016-TC01',
      careGiver: { hsaId: 'SE2321000016-0001' }, careUnit: { hsaId: 'SE2321000016-VC01', name: 'Vårdcentralen Tolvan' }, careUnitHsaId: 'SE2321000016-VC01',
      author: { hsaId: 'SE2321000016-DR01', name: 'Dr Åsa Öberg', time: new Date('2026-03-04T09:15:00+01:00') },
      signer: { hsaId: 'SE2321000016-DR01', name: 'Dr Åsa Öberg', time: new Date('2026-03-04T10:00:00+01:00') },
      title: 'Essentiell hypertoni', codes: [{ code: 'I10', codeSystem: '1.2.752.116.1.1.1', codeSystemName: 'ICD-10-SE', displayName: 'Essentiell hypertoni' }],
      values: [], attributes: { typeOfDiagnosis: 'Huvuddiagnos' }, provenance: { contract: 'GetDiagnosis', version: '2' },
    };
    const xml = soapEnvelope(getDiagnosis2.writeResponse([item, { ...item, id: 'dia-2', signed: false, signer: undefined as never, approvedForPatient: false }]));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    const back = parseContractResponse(xml).items;
    expect(back[0]).toEqual({ ...item, patientIdType: '1.2.752.129.2.1.3.1' });
    expect(back[1]).toMatchObject({ id: 'dia-2', signed: false, approvedForPatient: false });
  });

  it('builds requests that validate against the schema', () => {
    const xml = soapEnvelope(getDiagnosis2.buildRequest({ patientId: '191212121212', careUnitHsaIds: ['SE2321000016-VC01'], period: { start: new Date('2020-01-01T00:00:00+01:00'), end: new Date('2026-11-23T00:00:00+01:00') }, sourceSystemHsaId: 'SE2321000016-TC01' }), { logicalAddress: 'SE2321000016-TC01' });
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(xml).toContain('<start>20200101</start>'.replace('<start>', '<c:start>').replace('</start>', '</c:start>'));
  });
});
