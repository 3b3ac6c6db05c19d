import { describe, expect, it } from 'vitest';
import type { RecordItem } from '../../domain/record.js';
import { RIVTA_DIR, samplesOf } from '../../testing/rivta.js';
import { parseContractResponse } from '../registry.js';
import { responderSchemaFile, validateAgainstSchema } from '../schema-validation.js';
import { soapEnvelope } from '../soap.js';
import { getAlertInformation2 } from './get-alert-information-2.js';

const schema = responderSchemaFile(RIVTA_DIR, getAlertInformation2);
const sample = (suffix: string) => samplesOf('GetAlertInformation').find((s) => s.file.endsWith(suffix))!.xml;

describe('GetAlertInformation 2', () => {
  // Upstream quirks: most mocks use `?` for HSA-ids, names and comments, and type every alert
  // "Överkänslighet" whatever its body says; Response-ERROR is a SOAP Fault, not result ERROR.
  it.each(samplesOf('GetAlertInformation').map((s) => [s.file, s.xml]))('parses the official sample %s', (_file, xml) => {
    const r = parseContractResponse(xml);
    if (r.contract === null) {
      expect(r.faults[0]?.kind).toBe('soapFault');
      return;
    }
    expect(r.contract).toBe('GetAlertInformation');
    expect(r.version).toBe('2');
    expect(r.faults).toEqual([]);
    for (const item of r.items) {
      expect(item).toMatchObject({ infoType: 'alert', patientId: '191212121212', approvedForPatient: expect.any(Boolean), signed: expect.any(Boolean) });
      expect(item.time).toBeInstanceOf(Date);
    }
  });

  it('reads a hypersensitivity field by field', () => {
    const [item] = parseContractResponse(sample('_certainty-misstankt.xml')).items;
    expect(item).toEqual({
      id: 'DOC-10', infoType: 'alert', patientId: '191212121212', patientIdType: '1.2.752.129.2.1.3.1', sourceSystemHsaId: '?',
      careGiver: { hsaId: '?' }, careUnit: { hsaId: '?', name: '?' }, careUnitHsaId: '?',
      author: { hsaId: '?', name: '?', role: { code: '', displayName: 'Överläkare' }, time: new Date('2011-11-11T10:11:11Z') },
      signer: { hsaId: '?', name: '?', time: new Date('2011-11-11T10:11:11Z') },
      signed: true, approvedForPatient: true, careContactId: '?',
      // authorTime, the registration time
      time: new Date('2011-11-11T10:11:11Z'),
      period: { start: new Date('2011-11-11T10:11:11Z'), end: new Date('2011-11-11T10:11:11Z') },
      title: 'Överkänslighet', text: '?',
      codes: [{ code: 'xyz', codeSystem: '1.2.752.129.2.2.2.1', codeSystemName: 'Uppmärksamhetstyp', displayName: 'Överkänslighet' }],
      values: [],
      attributes: {
        alertType: 'hypersensitivity', ascertainedDate: '2011-11-11', verifiedTime: '2011-11-11 11:11', obsoleteTime: '2011-11-11 11:11', obsoleteComment: '?',
        hypersensitivityType: 'Överkänslighet avs. födoämne', severity: 'Livshotande', certainty: 'Misstänkt', substance: '?', substanceComment: '?',
        pharmaceuticalProducts: 'Ipren', agent: '?', agentCode: '?',
      },
      provenance: { contract: 'GetAlertInformation', version: '2' },
    });
  });

  it('reads restriction of care text, validity and obsolete time', () => {
    const [item] = parseContractResponse(sample('_obsoleteTime.xml')).items;
    expect(item).toMatchObject({
      id: 'DOC-14', signed: false, title: 'Överkänslighet', text: 'Patienten har tre vänsterfötter och trampar därmed ofta på sin omgivning.',
      attributes: { alertType: 'restrictionOfCare', comment: '?', obsoleteTime: '2015-07-02 23:23' },
      period: { start: new Date('2015-06-01T08:30:00Z') },
    });
    expect(item).not.toHaveProperty('locked');
  });

  it('keeps approvedForPatient=false; unsigned without legalAuthenticator; locked with signatureTime only', () => {
    expect(parseContractResponse(sample('_Approved-false.xml')).items.map((i) => i.approvedForPatient)).toEqual([false]);
    const [unsigned] = parseContractResponse(sample('_LegalAuthenticator-0.xml')).items;
    expect(unsigned).toMatchObject({ signed: false });
    expect(unsigned).not.toHaveProperty('signer');
    const locked = sample('_Approved-true.xml').replace(/<urn1:legalAuthenticatorHSAId>\?<\/urn1:legalAuthenticatorHSAId>|<urn1:legalAuthenticatorName>\?<\/urn1:legalAuthenticatorName>/g, '');
    expect(parseContractResponse(locked).items[0]).toMatchObject({ signed: false, locked: true });
  });

  it('reads treatment, unstructured and ATC-coded alerts', () => {
    expect(parseContractResponse(sample('_Treatment.xml')).items[0]).toMatchObject({ attributes: { alertType: 'treatment', comment: '?' }, codes: [{ code: 'xyz' }, { displayName: '?' }] });
    expect(parseContractResponse(sample('_UnstructuredAlertInformation.xml')).items[0]).toMatchObject({ attributes: { alertType: 'unstructuredAlertInformation' }, title: '?', text: '?' });
    expect(parseContractResponse(sample('_Hypersensitivity-AtcSubstance.xml')).items[0]!.codes).toHaveLength(2);
  });

  it('skips an unreadable item with an itemInvalid fault and keeps the others', () => {
    const xml = sample('_CareUnitResponse.xml').replace(/<urn1:approvedForPatient>true<\/urn1:approvedForPatient>/, '<urn1:approvedForPatient>kanske</urn1:approvedForPatient>');
    const r = parseContractResponse(xml);
    expect(r.items).toHaveLength(1);
    expect(r.faults).toEqual([{ kind: 'itemInvalid', index: 0, message: expect.stringMatching(/approvedForPatient is missing or not a boolean$/) }]);
  });

  it('writes responses that validate against the schema and read back the same', () => {
    const base: RecordItem = {
      id: 'upp-1', infoType: 'alert', time: new Date('2026-03-04T09:15:00+01:00'), signed: true, approvedForPatient: true,
      patientId: '191212121212', patientIdType: '1.2.752.129.2.1.3.1', sourceSystemHsaId: 'SE2321000016-TC01',
      careGiver: { hsaId: 'SE2321000016-0001' }, careUnit: { hsaId: 'SE2321000016-VC01', name: 'Vårdcentralen Tolvan' }, careUnitHsaId: 'SE2321000016-VC01',
      author: { hsaId: 'SE2321000016-DR01', name: 'Dr Åsa Öberg', time: new Date('2026-03-04T09:15:00+01:00') },
      signer: { hsaId: 'SE2321000016-DR01', name: 'Dr Åsa Öberg', time: new Date('2026-03-04T10:00:00+01:00') },
      title: 'Överkänslighet', text: 'Utslag och andnöd efter penicillin 2019.',
      period: { start: new Date('2019-05-01T00:00:00+02:00') },
      codes: [
        { code: 'upp-ube-lbe', codeSystem: '1.2.752.129.2.2.2.1', codeSystemName: 'KV Informationstyp', displayName: 'Överkänslighet' },
        { code: 'J01CE02', codeSystem: '1.2.752.129.2.2.3.1.1', displayName: 'Fenoximetylpenicillin' },
      ],
      values: [],
      attributes: {
        alertType: 'hypersensitivity', ascertainedDate: '2019-05-01', verifiedTime: '2019-05-02 08:30', hypersensitivityType: 'Läkemedelsöverkänslighet',
        severity: 'Livshotande', certainty: 'Konstaterad', pharmaceuticalProducts: 'Kåvepenin; Penomax',
      },
      provenance: { contract: 'GetAlertInformation', version: '2' },
    };
    const { signer: _s, ...unsignedBase } = base;
    const restriction: RecordItem = {
      ...unsignedBase, id: 'upp-2', signed: false, locked: true, approvedForPatient: false, title: 'Vårdbegränsning', text: 'Ingen HLR enligt beslut.',
      period: { start: new Date('2025-01-01T00:00:00+01:00'), end: new Date('2026-01-01T00:00:00+01:00') },
      codes: [{ code: '', displayName: 'Vårdbegränsning' }],
      attributes: { alertType: 'restrictionOfCare', comment: 'Beslut av ansvarig läkare', obsoleteTime: '2025-06-01 12:00', obsoleteComment: 'Omprövat' },
    };
    const disease: RecordItem = {
      ...base, id: 'upp-3', title: 'Smittsam sjukdom', codes: [base.codes[0]!, { code: 'B18.1', codeSystem: '1.2.752.116.1.1.1', displayName: 'Kronisk hepatit B' }],
      attributes: { alertType: 'communicableDisease', routeOfTransmission: 'Blodsmitta' },
    };
    const treatment: RecordItem = { ...base, id: 'upp-4', title: 'Allvarlig behandling', text: 'Waranbehandling', codes: [base.codes[0]!], attributes: { alertType: 'treatment', pharmaceuticalTreatment: 'Waran' } };
    const historic: RecordItem = { ...base, id: 'upp-5', title: 'Gammal varning', text: 'Text från gamla systemet', codes: [base.codes[0]!], attributes: { alertType: 'unstructuredAlertInformation' } };
    const plain: RecordItem = { ...base, id: 'upp-6', title: 'Allvarlig sjukdom', codes: [base.codes[0]!, { code: 'I48', displayName: 'Förmaksflimmer' }], attributes: { alertType: 'seriousDisease' } };
    const items = [base, restriction, disease, treatment, historic, plain];
    const xml = soapEnvelope(getAlertInformation2.writeResponse(items));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    const back = parseContractResponse(xml);
    expect(back.faults).toEqual([]);
    expect(back.items).toEqual(items);
  });

  it('builds requests that validate against the schema', () => {
    const xml = soapEnvelope(getAlertInformation2.buildRequest({ patientId: '191212121212', careUnitHsaIds: ['SE2321000016-VC01'], period: { start: new Date('2020-01-01T00:00:00+01:00'), end: new Date('2026-11-23T00:00:00+01:00') }, sourceSystemHsaId: 'SE2321000016-TC01' }), { logicalAddress: 'SE2321000016-TC01' });
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(xml).toContain('<c:start>20200101</c:start>');
    const openEnded = soapEnvelope(getAlertInformation2.buildRequest({ patientId: '191212121212', period: { start: new Date('2020-01-01T00:00:00+01:00') } }));
    expect(validateAgainstSchema(openEnded, schema)).toEqual({ valid: true, errors: [] });
  });
});
