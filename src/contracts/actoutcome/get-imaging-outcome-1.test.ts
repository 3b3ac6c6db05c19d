import { describe, expect, it } from 'vitest';
import type { RecordItem } from '../../domain/record.js';
import { RIVTA_DIR, samplesOf } from '../../testing/rivta.js';
import { parseContractResponse } from '../registry.js';
import { responderSchemaFile, validateAgainstSchema } from '../schema-validation.js';
import { soapEnvelope } from '../soap.js';
import { getImagingOutcome1 } from './get-imaging-outcome-1.js';

const schema = responderSchemaFile(RIVTA_DIR, getImagingOutcome1);
const sample = (suffix: string) => samplesOf('GetImagingOutcome').find((s) => s.file.endsWith(suffix))!.xml;

describe('GetImagingOutcome 1', () => {
  it.each(samplesOf('GetImagingOutcome').map((s) => [s.file, s.xml]))('parses the official sample %s', (_file, xml) => {
    const r = parseContractResponse(xml);
    if (r.contract === null) {
      expect(r.faults[0]?.kind).toBe('soapFault');
      return;
    }
    expect(r).toMatchObject({ contract: 'GetImagingOutcome', version: '1', faults: [] });
    for (const item of r.items) {
      expect(item).toMatchObject({ infoType: 'imagingResult', patientId: '191212121212', approvedForPatient: expect.any(Boolean), signed: expect.any(Boolean), validated: expect.any(Boolean) });
      expect(item.time).toBeInstanceOf(Date);
    }
  });

  it('parses the mocks whose dicomValue "cid:..." is not base64 (schema-invalid upstream)', () => {
    const xml = sample('_BasicResponse.xml');
    expect(xml).toContain('<urn1:dicomValue>cid:');
    expect(validateAgainstSchema(xml, schema).valid).toBe(false);
    expect(parseContractResponse(xml).items).toHaveLength(1);
  });

  it('reads the compliant mock field by field', () => {
    const [first, second, third] = parseContractResponse(sample('_Compliant-Content-Response.xml')).items;
    expect(first).toMatchObject({
      id: 'SE-TEST001-456787',
      patientIdType: '1.2.752.129.2.1.3.1',
      sourceSystemHsaId: 'SE-TEST001',
      careGiver: { hsaId: '?' },
      careUnitHsaId: '?',
      author: { hsaId: 'SE-TEST0012345', name: 'Dr', role: { code: '1', codeSystem: '1.2.752.129.2.2.1.4' } },
      signed: true,
      signer: { hsaId: 'SE-TEST0012345', name: 'Name' },
      approvedForPatient: true,
      validated: true,
      validator: { hsaId: 'SE-0324345294' },
      resultType: 'final',
      careContactId: 'SE-TEST001-4768212',
      title: 'MR-bildtagning',
      text: 'Svarsrapport',
      codes: [{ code: 'M32', codeSystem: '1.2.752.116.1.3.2.1.1', codeSystemName: 'KRÅ91', displayName: 'MR lungor' }],
      attributes: { examinationSpeciality: '3', examinationStatus: 'Avklarad', examinationUnit: 'MR', referralReason: 'Reason', anamnesis: 'Anamnesis' },
      provenance: { contract: 'GetImagingOutcome', version: '1' },
    });
    expect(first!.nullified).toBeUndefined();
    // resultTime (svarstidpunkt), not documentTime (the examination).
    expect(first!.time.toISOString()).toBe('2016-01-02T11:23:22.000Z');
    expect(first!.validator!.time!.toISOString()).toBe('2016-01-03T11:23:00.000Z');
    expect(first!.period).toEqual({ start: new Date('2016-01-02T11:23:22.000Z'), end: new Date('2016-01-03T11:23:22.000Z') });
    // No referral, so nothing attested: unvalidated. Third: unsigned.
    expect(second).toMatchObject({ signed: true, validated: false, resultType: 'preliminary' });
    expect(second!.validator).toBeUndefined();
    expect(third).toMatchObject({ signed: false, validated: false, resultType: 'supplement' });
    expect(third!.signer).toBeUndefined();
    expect(third!.locked).toBeUndefined();
  });

  it('reads a legalAuthenticator with only a time as locked without signature (the "Locked" mock)', () => {
    const [locked] = parseContractResponse(sample('-Legalauthenticator-Locked.xml')).items;
    expect(locked).toMatchObject({ signed: false, locked: true, attributes: { lockTime: '2016-09-02T10:23:22.000Z', radiationDose: '20 ?' } });
    expect(locked!.signer).toBeUndefined();
    const [basic] = parseContractResponse(sample('_BasicResponse.xml')).items;
    expect(basic).toMatchObject({ signed: true, signer: { hsaId: '?' } });
    expect(basic!.locked).toBeUndefined();
  });

  it('keeps approvedForPatient=false; a missing one is an invalid item, the rest still count', () => {
    expect(parseContractResponse(sample('-ApprovedForPatient-false.xml')).items.map((i) => i.approvedForPatient)).toEqual([false]);
    const xml = sample('_Compliant-Content-Response.xml').replace('<urn1:approvedForPatient>true</urn1:approvedForPatient>', '<urn1:approvedForPatient>ja</urn1:approvedForPatient>');
    const r = parseContractResponse(xml);
    expect(r.items.map((i) => i.id)).toEqual(['SE-TEST001-456789', 'SE-TEST001-456795']);
    expect(r.faults).toEqual([{ kind: 'itemInvalid', index: 0, message: expect.stringContaining('approvedForPatient') }]);
  });

  it('marks a nullified report and keeps its reason', () => {
    const xml = sample('_BasicResponse.xml').replace('<urn1:nullified>false</urn1:nullified>', '<urn1:nullified>true</urn1:nullified>');
    expect(parseContractResponse(xml).items[0]).toMatchObject({ nullified: true, attributes: { nullifiedReason: '?' } });
  });

  it('reports result ERROR as a resultError fault', () => {
    const xml = sample('_EmptyResponse.xml').replace('<urn1:resultCode>OK</urn1:resultCode>', '<urn1:resultCode>ERROR</urn1:resultCode><urn1:errorCode>INVALID_REQUEST</urn1:errorCode>');
    expect(parseContractResponse(xml).faults).toEqual([{ kind: 'resultError', code: 'INVALID_REQUEST', message: expect.any(String) }]);
  });

  it('writes responses that validate against the schema and read back the same', () => {
    const item: RecordItem = {
      id: 'rtg-1', infoType: 'imagingResult', time: new Date('2026-03-05T11:00:00+01:00'), signed: true, approvedForPatient: true,
      validated: true, validator: { hsaId: 'SE2321000016-DR02', name: 'Dr Per Persson', time: new Date('2026-03-06T08:00:00+01:00') },
      resultType: 'final', patientId: '191212121212', patientIdType: '1.2.752.129.2.1.3.1', sourceSystemHsaId: 'SE2321000016-RIS1',
      careGiver: { hsaId: 'SE2321000016-0001' }, careUnit: { hsaId: 'SE2321000016-RTG1', name: 'Röntgen Tolvsala' }, careUnitHsaId: 'SE2321000016-RTG1',
      author: { hsaId: 'SE2321000016-DR04', name: 'Dr Rut Radiolog', time: new Date('2026-03-05T10:30:00+01:00') },
      signer: { hsaId: 'SE2321000016-DR04', name: 'Dr Rut Radiolog', time: new Date('2026-03-05T10:45:00+01:00') },
      careContactId: 'V-12', title: 'Lungröntgen', text: 'Inga infiltrat. Normal hjärtstorlek.\n\nJämfört med 2024.',
      codes: [{ code: 'UG112', codeSystem: '1.2.752.116.1.3.2.1.4', displayName: 'Slätröntgen av lungor' }],
      period: { start: new Date('2026-03-05T09:00:00+01:00'), end: new Date('2026-03-05T09:10:00+01:00') },
      values: [],
      attributes: { examinationSpeciality: 'Radiologi', examinationStatus: 'Avklarad', examinationUnit: 'Röntgen', radiationDose: '0.02 mSv', referralReason: 'Hosta & feber', anamnesis: 'Rökare' },
      provenance: { contract: 'GetImagingOutcome', version: '1' },
    };
    const locked: RecordItem = {
      ...item, id: 'rtg-2', signed: false, signer: undefined as never, locked: true, validated: false, validator: undefined as never, approvedForPatient: false, nullified: true,
      resultType: 'preliminary', attributes: { lockTime: '2026-03-05T12:00:00.000Z', nullifiedReason: 'Fel patient' },
    };
    const xml = soapEnvelope(getImagingOutcome1.writeResponse([item, locked]));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    const back = parseContractResponse(xml);
    expect(back.faults).toEqual([]);
    expect(back.items[0]).toEqual(item);
    expect(back.items[1]).toEqual(locked);
  });

  it('builds requests that validate against the schema', () => {
    const xml = soapEnvelope(
      getImagingOutcome1.buildRequest({ patientId: '191212121212', careUnitHsaIds: ['SE2321000016-RTG1'], period: { start: new Date('2020-01-01T00:00:00+01:00'), end: new Date('2026-11-23T00:00:00+01:00') }, sourceSystemHsaId: 'SE2321000016-RIS1' }),
      { logicalAddress: 'SE2321000016-RIS1' },
    );
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(xml).toContain('<datePeriod><c:start>20200101</c:start><c:end>20261123</c:end></datePeriod>');
  });
});
