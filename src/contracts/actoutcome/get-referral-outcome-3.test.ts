import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordItem } from '../../domain/record.js';
import { RIVTA_DIR, samplesOf } from '../../testing/rivta.js';
import { parseContractResponse } from '../registry.js';
import { responderSchemaFile, validateAgainstSchema } from '../schema-validation.js';
import { soapEnvelope } from '../soap.js';
import { getReferralOutcome3 } from './get-referral-outcome-3.js';

const schema = responderSchemaFile(RIVTA_DIR, getReferralOutcome3);
// 3.1 shares the namespace; what we write should satisfy it too when the item has what 3.1 requires.
const schema31 = path.join(RIVTA_DIR, 'clinicalprocess_healthcond_actoutcome/GetReferralOutcome/3.1/interactions/GetReferralOutcomeInteraction/GetReferralOutcomeResponder_3.1.xsd');
const sample = (suffix: string) => samplesOf('GetReferralOutcome').find((s) => s.file.endsWith(suffix))!.xml;

describe('GetReferralOutcome 3', () => {
  it.each(samplesOf('GetReferralOutcome').map((s) => [s.file, s.xml]))('parses the official sample %s', (_file, xml) => {
    const r = parseContractResponse(xml);
    if (r.contract === null) {
      expect(r.faults[0]?.kind).toBe('soapFault');
      return;
    }
    expect(r).toMatchObject({ contract: 'GetReferralOutcome', version: '3', faults: [] });
    for (const item of r.items) {
      expect(item).toMatchObject({ infoType: 'referralOutcome', patientId: expect.any(String), approvedForPatient: expect.any(Boolean), signed: expect.any(Boolean), validated: expect.any(Boolean) });
      expect(item.time).toBeInstanceOf(Date);
      expect(item.text).toEqual(expect.any(String));
    }
  });

  it('reads the compliant mock field by field', () => {
    const [first, second, third] = parseContractResponse(sample('_Compliant-Content-Response.xml')).items;
    expect(first).toMatchObject({
      id: '774411',
      patientId: '7601021212',
      sourceSystemHsaId: '321654987',
      careGiver: { hsaId: '321' },
      careUnit: { hsaId: '654', name: 'Testkliniken' },
      author: { hsaId: '987654321', name: 'Testson', role: { displayName: '12' } },
      signed: true,
      // A CDATA section inside the name comes through as text.
      signer: { hsaId: 'HSA123', name: 'Läkarens namn ?åäö<>><&' },
      approvedForPatient: true,
      validated: false,
      careContactId: '556677',
      resultType: 'preliminary',
      title: 'Test Document',
      text: 'text',
      codes: [{ code: '222', codeSystem: '1.2.752.116.1.1.1.1.3', displayName: '?' }],
      attributes: { referralOutcomeTypeCode: 'SR', referralOutcomeTitle: 'title', acts: 'act text', referralId: '11', referralReason: 'text' },
      provenance: { contract: 'GetReferralOutcome', version: '3' },
    });
    expect(first!.time.toISOString()).toBe('2013-08-08T08:18:03.000Z');
    expect(first!.signer!.time!.toISOString()).toBe('2013-08-09T08:21:00.000Z');
    // The mocks send a bare signatureTime for ordinary signed answers.
    expect(second).toMatchObject({ signed: true, resultType: 'final', attributes: { referralOutcomeTypeCode: 'SS' } });
    expect(second!.signer).toEqual({ time: new Date('2013-07-09T08:21:00.000Z') });
    // Unsigned, not for the patient, but validated (attested).
    expect(third).toMatchObject({ signed: false, approvedForPatient: false, validated: true, validator: { hsaId: '?', name: '?' }, attributes: { referrer: 'Öösten Ää Åågesson' } });
    expect(third!.signer).toBeUndefined();
    expect(third!.validator!.time!.toISOString()).toBe('2013-08-07T08:18:03.000Z');
  });

  it('reads the base64 attachment sample without decoding the attachment', () => {
    const r = parseContractResponse(sample('_Base64-response.xml'));
    expect(r.items).toHaveLength(1);
    expect(r.faults).toEqual([]);
  });

  it('keeps approvedForPatient=false; a missing one is an invalid item, the rest still count', () => {
    const xml = sample('_Compliant-Content-Response.xml').replace('<urn1:approvedForPatient>true</urn1:approvedForPatient>', '');
    const r = parseContractResponse(xml);
    expect(r.items.map((i) => [i.id, i.approvedForPatient])).toEqual([['774412', true], ['774413', false]]);
    expect(r.faults).toEqual([{ kind: 'itemInvalid', index: 0, message: expect.stringContaining('approvedForPatient') }]);
  });

  it('reports result ERROR as a resultError fault', () => {
    const xml = sample('_Empty-Response.xml').replace(/<urn1:resultCode>OK<\/urn1:resultCode>/, '<urn1:resultCode>ERROR</urn1:resultCode><urn1:errorCode>INVALID_REQUEST</urn1:errorCode>');
    expect(parseContractResponse(xml).faults).toEqual([{ kind: 'resultError', code: 'INVALID_REQUEST', message: expect.any(String) }]);
  });

  it('writes responses that validate against the 3.2 (and 3.1) schema and read back the same', () => {
    const item: RecordItem = {
      id: 'rs-1', infoType: 'referralOutcome', time: new Date('2026-03-04T09:15:00+01:00'), signed: true, approvedForPatient: true,
      validated: true, validator: { hsaId: 'SE2321000016-DR02', name: 'Dr Per Persson', time: new Date('2026-03-06T08:00:00+01:00') },
      resultType: 'final', patientId: '191212121212', patientIdType: '1.2.752.129.2.1.3.1', sourceSystemHsaId: 'SE2321000016-TC01',
      careGiver: { hsaId: 'SE2321000016-0001' }, careUnit: { hsaId: 'SE2321000016-KF01', name: 'Klinisk fysiologi' }, careUnitHsaId: 'SE2321000016-KF01',
      author: { hsaId: 'SE2321000016-DR03', name: 'Dr Kim Kardio', role: { code: '204010', codeSystem: '1.2.752.129.2.2.1.4', displayName: 'Läkare' }, time: new Date('2026-03-04T09:00:00+01:00') },
      signer: { hsaId: 'SE2321000016-DR03', name: 'Dr Kim Kardio', time: new Date('2026-03-04T10:00:00+01:00') },
      careContactId: 'V-9', title: 'Arbets-EKG', text: 'Normalt arbetsprov <utan> ischemi & arytmi.',
      codes: [
        { code: 'R07.4', codeSystem: '1.2.752.116.1.1.1.1.3', displayName: 'Bröstsmärta, ospecificerad' },
        { code: 'AF038', codeSystem: '1.2.752.116.1.3.2.1.4', displayName: 'Arbetsprov' },
      ],
      values: [],
      attributes: { referralOutcomeTypeCode: 'SS', referralOutcomeTitle: 'Klinisk fysiologi', acts: 'Samtal; Blodtryck', referralId: 'R-1', referralReason: 'Bröstsmärta?', referrer: 'Dr Vera Vårdcentral' },
      provenance: { contract: 'GetReferralOutcome', version: '3' },
    };
    const unsigned: RecordItem = { ...item, id: 'rs-2', signed: false, signer: undefined as never, validated: false, validator: undefined as never, approvedForPatient: false, resultType: 'preliminary', attributes: { referralOutcomeTypeCode: 'SR', referralId: 'R-2', referralReason: 'Bröstsmärta?' } };
    const xml = soapEnvelope(getReferralOutcome3.writeResponse([item, unsigned]));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(validateAgainstSchema(soapEnvelope(getReferralOutcome3.writeResponse([item])), schema31)).toEqual({ valid: true, errors: [] });
    const back = parseContractResponse(xml);
    expect(back.faults).toEqual([]);
    expect(back.items[0]).toEqual(item);
    expect(back.items[1]).toMatchObject({ id: 'rs-2', signed: false, validated: false, approvedForPatient: false, resultType: 'preliminary' });
    expect(back.items[1]!.signer).toBeUndefined();
  });

  it('builds requests that validate against the schema', () => {
    const xml = soapEnvelope(
      getReferralOutcome3.buildRequest({ patientId: '191212121212', careUnitHsaIds: ['SE2321000016-VC01', 'SE2321000016-VC02'], period: { end: new Date('2026-11-23T00:00:00+01:00') }, sourceSystemHsaId: 'SE2321000016-TC01' }),
      { logicalAddress: 'SE2321000016-TC01' },
    );
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(xml).toContain('<careUnitHSAid>SE2321000016-VC01</careUnitHSAid>');
    expect(xml).toContain('<datePeriod><c:end>20261123</c:end></datePeriod>');
  });
});
