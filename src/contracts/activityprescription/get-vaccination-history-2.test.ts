import { describe, expect, it } from 'vitest';
import type { RecordItem } from '../../domain/record.js';
import { RIVTA_DIR, samplesOf } from '../../testing/rivta.js';
import { parseContractResponse } from '../registry.js';
import { responderSchemaFile, validateAgainstSchema } from '../schema-validation.js';
import { soapEnvelope } from '../soap.js';
import { getVaccinationHistory2 } from './get-vaccination-history-2.js';

const schema = responderSchemaFile(RIVTA_DIR, getVaccinationHistory2);
const sample = (suffix: string) => samplesOf('GetVaccinationHistory').find((s) => s.file.endsWith(suffix))!.xml;

describe('GetVaccinationHistory 2', () => {
  it.each(samplesOf('GetVaccinationHistory').map((s) => [s.file, s.xml]))('parses the official sample %s', (_file, xml) => {
    // Some are marked INVALID in samples/INDEX.md only for the unsubstituted ${now} in authorTime.
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    const r = parseContractResponse(xml);
    expect(r).toMatchObject({ contract: 'GetVaccinationHistory', version: '2', faults: [] });
    for (const item of r.items) {
      expect(item).toMatchObject({ infoType: 'vaccination', patientId: expect.any(String), approvedForPatient: expect.any(Boolean), signed: expect.any(Boolean) });
      expect(item.time).toBeInstanceOf(Date);
    }
  });

  it('reads the Compliant-Content-Response mock field by field', () => {
    const [first, nullified, noteOnly] = parseContractResponse(sample('_Compliant-Content-Response.xml')).items;
    expect(first).toEqual({
      id: '32693872634',
      infoType: 'vaccination',
      patientId: '191212121212',
      patientIdType: '1.2.752.129.2.1.3.1',
      sourceSystemHsaId: 'SE-452876287',
      careGiver: { hsaId: 'SE-122345' },
      careUnit: { hsaId: 'SE-122345' },
      careUnitHsaId: 'SE-122345',
      author: { time: new Date('2026-11-23T11:00:00Z') },
      signed: true,
      signer: { hsaId: 'SE65469231332', name: 'Testare', time: new Date('2016-01-02T11:10:10Z') },
      approvedForPatient: true,
      // No documentTime: the registration date (the day the doses were given) is the time.
      time: new Date('2016-05-09T22:00:00Z'),
      title: 'Hepatrixus',
      codes: [
        { code: '', displayName: 'Hep A' },
        { code: '', displayName: 'Hepatrixus' },
        { code: '', displayName: 'Hepatit A' },
      ],
      values: [],
      attributes: {
        vaccineName: 'Hepatrixus',
        vaccineType: 'Hep A',
        targetDisease: 'Hepatit A',
        doseOrdinalNumber: '1',
        numberOfPrescribedDoses: '1',
        isDoseComplete: 'true',
        manufacturer: 'HepMed AB',
        performer: 'Testaren',
        performerOrg: 'Testbolaget',
        // Two administration records: their differing texts are both kept.
        commentPrescription: '?åäö<>><&; testtextåäö',
        commentAdministration: 'testtext3; testtext',
        sourceDescription: 'testtext',
        riskCategory: 'Risk',
        adverseEffect: 'Biverkning',
      },
      provenance: { contract: 'GetVaccinationHistory', version: '2' },
    });
    expect(nullified).toMatchObject({ approvedForPatient: false, nullified: true, signed: false, attributes: { isDoseComplete: 'false', numberOfPrescribedDoses: '2' } });
    expect(noteOnly).toMatchObject({ title: 'Vaccination', text: 'Ostrukturerad vaccinationsinfo', codes: [], attributes: {} });
  });

  it('uses documentTime (the vaccination time) when present, and keeps signed/unsigned apart', () => {
    const [signed, unsigned] = parseContractResponse(sample('_Only-PatientId.xml')).items;
    expect(signed).toMatchObject({ id: '5566770', signed: true, time: new Date('2013-06-28T08:00:00Z'), careContactId: '556710' });
    expect(unsigned).toMatchObject({ id: '5566771', signed: false, time: new Date('2013-05-28T08:00:00Z') });
    expect(unsigned!.signer).toBeUndefined();
  });

  it('keeps approvedForPatient=false from the producer', () => {
    expect(parseContractResponse(sample('_doseComplete-false.xml')).items.map((i) => i.approvedForPatient)).toEqual([false]);
  });

  it('skips an unreadable record with an itemInvalid fault and keeps the others', () => {
    const xml = sample('_Only-PatientId.xml').replace('<urn1:approvedForPatient>true</urn1:approvedForPatient>', '');
    const r = parseContractResponse(xml);
    expect(r.items.map((i) => i.id)).toEqual(['5566771']);
    expect(r.faults).toEqual([{ kind: 'itemInvalid', index: 0, message: expect.stringContaining('approvedForPatient') }]);
    const noBody = sample('_Only-PatientId.xml').replace(/<urn1:vaccinationMedicalRecordBody>[\s\S]*?<\/urn1:vaccinationMedicalRecordBody>/, '');
    expect(parseContractResponse(noBody).faults).toEqual([{ kind: 'itemInvalid', index: 0, message: expect.stringContaining('vaccinationMedicalRecordBody') }]);
  });

  it('turns result ERROR into a resultError fault', () => {
    const xml = sample('_Empty-Response.xml').replace(/<urn1:resultCode>OK<\/urn1:resultCode>/, '<urn1:resultCode>ERROR</urn1:resultCode><urn1:errorCode>INVALID_REQUEST</urn1:errorCode>');
    expect(parseContractResponse(xml).faults).toEqual([{ kind: 'resultError', code: 'INVALID_REQUEST', message: expect.any(String) }]);
  });

  const item: RecordItem = {
    id: 'vac-1', infoType: 'vaccination', time: new Date('2026-10-01T10:20:00+02:00'), signed: true, approvedForPatient: true,
    patientId: '191212121212', patientIdType: '1.2.752.129.2.1.3.1', sourceSystemHsaId: 'SE2321000016-TC01',
    careGiver: { hsaId: 'SE2321000016-0001', name: 'Region Tolvan' }, careUnit: { hsaId: 'SE2321000016-VC01', name: 'Vårdcentralen Tolvan' }, careUnitHsaId: 'SE2321000016-VC01',
    author: { hsaId: 'SE2321000016-SSK1', name: 'Berit Sjöström', time: new Date('2026-10-01T10:25:00+02:00') },
    signer: { hsaId: 'SE2321000016-SSK1', name: 'Berit Sjöström', time: new Date('2026-10-01T10:30:00+02:00') },
    title: 'Vaxigrip Tetra', text: 'Säsongsvaccination, inga reaktioner under 15 minuters observation.',
    codes: [
      { code: 'J07BB02', codeSystem: '1.2.752.129.2.2.3.1.1', displayName: 'Influensa, inaktiverat, split virus eller ytantigen' },
      { code: '20170523000017', codeSystem: '1.2.752.129.2.1.5.1', codeSystemName: 'NPL', displayName: 'Vaxigrip Tetra' },
      { code: '', displayName: 'Influensa' },
    ],
    values: [],
    attributes: {
      vaccineName: 'Vaxigrip Tetra', vaccineType: 'Influensa, inaktiverat, split virus eller ytantigen', targetDisease: 'Influensa',
      vaccinationProgram: 'Säsongsinfluensa', doseOrdinalNumber: '1', numberOfPrescribedDoses: '1', isDoseComplete: 'true', dose: '0,5 ml',
      route: 'Intramuskulär användning', anatomicalSite: 'Vänster överarm', batchId: 'U7A12 & B', manufacturer: 'Sanofi',
      performer: 'Berit Sjöström', performerOrg: 'Vaccinationsmottagningen', commentAdministration: 'Väl tolererat', riskCategory: 'Ålder över 65', adverseEffect: 'Ömhet',
    },
    provenance: { contract: 'GetVaccinationHistory', version: '2' },
  };

  it('writes responses that validate against the schema and read back the same', () => {
    const hidden: RecordItem = {
      ...item, id: 'vac-2', signed: false, approvedForPatient: false, nullified: true, title: 'Vaccination', codes: [],
      attributes: { nullifiedReason: 'Registrerad på fel patient' },
    };
    delete (hidden as { signer?: unknown }).signer;
    const xml = soapEnvelope(getVaccinationHistory2.writeResponse([item, hidden]));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(xml).toContain('<c:nullified>false</c:nullified>');
    const r = parseContractResponse(xml);
    expect(r.faults).toEqual([]);
    expect(r.items).toEqual([item, hidden]);
  });

  it('writes an item with only a title and a code validly, naming the vaccine by the title', () => {
    const bare: RecordItem = { ...item, id: 'vac-3', codes: [{ code: 'J07BC02', codeSystem: '1.2.752.129.2.2.3.1.1', displayName: 'Hepatit A-vaccin' }], title: 'Havrix', attributes: {} };
    const xml = soapEnvelope(getVaccinationHistory2.writeResponse([bare]));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(parseContractResponse(xml).items[0]).toMatchObject({ title: 'Havrix', attributes: { vaccineName: 'Havrix', vaccineType: 'Hepatit A-vaccin' } });
  });

  it('builds requests that validate against the schema', () => {
    const xml = soapEnvelope(
      getVaccinationHistory2.buildRequest({
        patientId: '191212121212', careUnitHsaIds: ['SE2321000016-VC01'], careGiverHsaIds: ['SE2321000016-0001'],
        period: { start: new Date('2016-01-01T00:00:00+01:00'), end: new Date('2026-11-23T00:00:00+01:00') }, sourceSystemHsaId: 'SE2321000016-TC01',
      }),
      { logicalAddress: 'SE2321000016-TC01' },
    );
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(xml).toContain('<careUnitHSAid>SE2321000016-VC01</careUnitHSAid>');
    expect(xml).toContain('<sourceSystemHSAid>SE2321000016-TC01</sourceSystemHSAid>');
    expect(xml).toContain('<timePeriod><c:start>20160101</c:start><c:end>20261123</c:end></timePeriod>');
  });
});
