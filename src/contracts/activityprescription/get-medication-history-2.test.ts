import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordItem } from '../../domain/record.js';
import { RIVTA_DIR, SAMPLES_DIR, samplesOf, substitutePlaceholders } from '../../testing/rivta.js';
import { parseContractResponse } from '../registry.js';
import { responderSchemaFile, validateAgainstSchema } from '../schema-validation.js';
import { soapEnvelope } from '../soap.js';
import { getMedicationHistory2 } from './get-medication-history-2.js';

const schema = responderSchemaFile(RIVTA_DIR, getMedicationHistory2);
// 2.1 shares the namespace; AGP compiles against it, and there DrugType/nplId is required.
const schema21 = responderSchemaFile(RIVTA_DIR, {
  ...getMedicationHistory2,
  schemaDir: 'clinicalprocess_activityprescription_actoutcome/GetMedicationHistory/2.1',
  responderXsd: 'interactions/GetMedicationHistoryInteraction/GetMedicationHistoryResponder_2.1.xsd',
});
const NS = 'urn:riv:clinicalprocess:activityprescription:actoutcome:GetMedicationHistoryResponder:2';
const CORE = 'urn:riv:clinicalprocess:activityprescription:actoutcome:2';
const OK = '<urn:result><urn1:resultCode>OK</urn1:resultCode><urn1:logId>log-1</urn1:logId></urn:result>';

/** A prescription as a producer writes it; parts replaceable. */
function record(o: { id: string; approved?: string | null; legal?: boolean; drug?: string; body?: string | null; status?: string }): string {
  const approved = o.approved === null ? '' : `<urn1:approvedForPatient>${o.approved ?? 'true'}</urn1:approvedForPatient>`;
  const legal = o.legal === false ? '' : '<urn1:legalAuthenticator><urn1:signatureTime>20260115093000</urn1:signatureTime><urn1:legalAuthenticatorHSAId>SE2321000016-DR01</urn1:legalAuthenticatorHSAId><urn1:legalAuthenticatorName>Åsa Öberg</urn1:legalAuthenticatorName></urn1:legalAuthenticator>';
  const drug = o.drug ?? `
              <urn1:drug>
                <urn1:drug>
                  <urn1:nplId><urn1:code>19700101000017</urn1:code><urn1:codeSystem>1.2.752.129.2.1.5.1</urn1:codeSystem><urn1:codeSystemName>NPL</urn1:codeSystemName><urn1:displayName>Alvedon 500 mg tablett</urn1:displayName></urn1:nplId>
                  <urn1:atcCode><urn1:code>N02BE01</urn1:code><urn1:codeSystem>1.2.752.129.2.2.3.1.1</urn1:codeSystem><urn1:codeSystemName>ATC</urn1:codeSystemName><urn1:displayName>Paracetamol</urn1:displayName></urn1:atcCode>
                  <urn1:routeOfAdministration><urn1:code>20053000</urn1:code><urn1:codeSystem>0.4.0.127.0.16.1.1.2.1</urn1:codeSystem><urn1:displayName>Oral användning</urn1:displayName></urn1:routeOfAdministration>
                  <urn1:pharmaceuticalForm>Tablett</urn1:pharmaceuticalForm>
                  <urn1:strength>500</urn1:strength>
                  <urn1:strengthUnit>mg</urn1:strengthUnit>
                </urn1:drug>
                <urn1:dosage>
                  <urn1:dosageInstruction>1 tablett 3 gånger dagligen vid behov</urn1:dosageInstruction>
                  <urn1:shortNotation>1x3 v.b.</urn1:shortNotation>
                  <urn1:setDosage><urn1:unstructuredDosageInformation><urn1:text>1 tablett 3 gånger dagligen vid behov</urn1:text></urn1:unstructuredDosageInformation></urn1:setDosage>
                </urn1:dosage>
              </urn1:drug>`;
  const body = o.body === null
    ? ''
    : `<urn1:medicationMedicalRecordBody>${o.body ?? `
            <urn1:medicationPrescription>
              <urn1:prescriptionId><urn1:root>1.2.752.129.2.1.2.1</urn1:root><urn1:extension>ORD-${o.id}</urn1:extension></urn1:prescriptionId>
              <urn1:typeOfPrescription>I</urn1:typeOfPrescription>
              <urn1:prescriptionStatus>${o.status ?? 'Active'}</urn1:prescriptionStatus>
              <urn1:principalPrescriptionReason><urn1:reason><urn1:originalText>Smärta</urn1:originalText></urn1:reason></urn1:principalPrescriptionReason>
              <urn1:treatmentPurpose>Mot smärta</urn1:treatmentPurpose>
              <urn1:prescriptionChainId><urn1:root>1.2.752.129.2.1.2.1</urn1:root><urn1:extension>KEDJA-7</urn1:extension></urn1:prescriptionChainId>
              <urn1:prescriber>
                <urn1:authorTime>20260115090000</urn1:authorTime>
                <urn1:healthcareProfessionalHSAId>SE2321000016-DR02</urn1:healthcareProfessionalHSAId>
                <urn1:healthcareProfessionalName>Bo Ek</urn1:healthcareProfessionalName>
              </urn1:prescriber>
              <urn1:startOfTreatment>20260115000000</urn1:startOfTreatment>
              <urn1:endOfTreatment>20260415000000</urn1:endOfTreatment>
              <urn1:selfMedication>false</urn1:selfMedication>
              ${drug}
            </urn1:medicationPrescription>`}</urn1:medicationMedicalRecordBody>`;
  return `
      <urn:medicationMedicalRecord>
        <urn1:medicationMedicalRecordHeader>
          <urn1:documentId>${o.id}</urn1:documentId>
          <urn1:sourceSystemHSAId>SE2321000016-SRC1</urn1:sourceSystemHSAId>
          <urn1:patientId><urn1:id>191212121212</urn1:id><urn1:type>1.2.752.129.2.1.3.1</urn1:type></urn1:patientId>
          <urn1:accountableHealthcareProfessional>
            <urn1:authorTime>20260115091500</urn1:authorTime>
            <urn1:healthcareProfessionalHSAId>SE2321000016-DR01</urn1:healthcareProfessionalHSAId>
            <urn1:healthcareProfessionalName>Åsa Öberg</urn1:healthcareProfessionalName>
            <urn1:healthcareProfessionalOrgUnit><urn1:orgUnitHSAId>SE2321000016-VC01</urn1:orgUnitHSAId><urn1:orgUnitName>Vårdcentralen Tolvan</urn1:orgUnitName></urn1:healthcareProfessionalOrgUnit>
            <urn1:healthcareProfessionalCareUnitHSAId>SE2321000016-VC01</urn1:healthcareProfessionalCareUnitHSAId>
            <urn1:healthcareProfessionalCareGiverHSAId>SE2321000016-0001</urn1:healthcareProfessionalCareGiverHSAId>
          </urn1:accountableHealthcareProfessional>
          ${legal}
          ${approved}
        </urn1:medicationMedicalRecordHeader>
        ${body}
      </urn:medicationMedicalRecord>`;
}

const response = (records: string, result = OK) => `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="${NS}" xmlns:urn1="${CORE}">
  <soapenv:Header/><soapenv:Body><urn:GetMedicationHistoryResponse>${records}${result}</urn:GetMedicationHistoryResponse></soapenv:Body>
</soapenv:Envelope>`;

describe('GetMedicationHistory 2 (2.2, reads 2.1)', () => {
  it.each(samplesOf('GetMedicationHistory').map((s) => [s.file, s.xml]))('parses the official sample %s', (_file, xml) => {
    const r = parseContractResponse(xml);
    if (r.contract === null) {
      expect(r.faults[0]?.kind).toBe('soapFault');
      return;
    }
    expect(r).toMatchObject({ contract: 'GetMedicationHistory', version: '2', faults: [] });
    for (const item of r.items) {
      expect(item).toMatchObject({ infoType: 'medication', patientId: expect.any(String), approvedForPatient: expect.any(Boolean), signed: expect.any(Boolean) });
      expect(item.time).toBeInstanceOf(Date);
      expect(item.attributes.prescriptionStatus).toMatch(/^(Active|Inactive)$/);
    }
  });

  it('reads the official Http-header-Prefilter mock field by field (a SoapUI template: "?" stands for any value)', () => {
    const xml = samplesOf('GetMedicationHistory').find((s) => s.file.endsWith('_Http-header-Prefilter.xml'))!.xml;
    const r = parseContractResponse(xml);
    expect(r.items.map((i) => i.id)).toEqual(['774411', '774412']);
    expect(r.items[0]).toMatchObject({
      id: '774411',
      patientId: '191212121212',
      sourceSystemHsaId: '112233',
      careGiver: { hsaId: '566810' },
      careUnitHsaId: '123465',
      careContactId: '566710',
      signed: true,
      signer: { time: new Date('2011-06-01T23:01:01Z') },
      approvedForPatient: true,
      time: new Date('2011-06-01T23:01:01Z'),
      period: { start: new Date('2011-06-01T23:01:01Z'), end: new Date('2012-06-01T23:01:01Z') },
      attributes: { prescriptionStatus: 'Active', typeOfPrescription: 'I', prescriptionId: '123', prescriptionChainId: '1111222233334444', endOfTreatmentReason: 'Förlopp ÅÄÖ', selfMedication: 'true' },
      provenance: { contract: 'GetMedicationHistory', version: '2' },
    });
  });

  it('keeps approvedForPatient=false and reads status Inactive from the official mocks', () => {
    const samples = samplesOf('GetMedicationHistory');
    const hidden = parseContractResponse(samples.find((s) => s.file.endsWith('_TimeFilterTwo.xml'))!.xml).items;
    expect(hidden.map((i) => i.approvedForPatient)).toEqual([false]);
    const inactive = parseContractResponse(samples.find((s) => s.file.endsWith('_BasicResponse-Inactive.xml'))!.xml).items;
    expect(inactive[0]!.attributes.prescriptionStatus).toBe('Inactive');
  });

  it('reads a real prescription field by field: ATC and NPL as codes, drug name as title, dosage as text', () => {
    const xml = response(record({ id: 'LM-1' }));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(validateAgainstSchema(xml, schema21)).toEqual({ valid: true, errors: [] });
    expect(parseContractResponse(xml).items[0]).toEqual({
      id: 'LM-1',
      infoType: 'medication',
      patientId: '191212121212',
      patientIdType: '1.2.752.129.2.1.3.1',
      sourceSystemHsaId: 'SE2321000016-SRC1',
      careGiver: { hsaId: 'SE2321000016-0001' },
      careUnit: { hsaId: 'SE2321000016-VC01', name: 'Vårdcentralen Tolvan' },
      careUnitHsaId: 'SE2321000016-VC01',
      author: { hsaId: 'SE2321000016-DR01', name: 'Åsa Öberg', time: new Date('2026-01-15T08:15:00Z') },
      signer: { hsaId: 'SE2321000016-DR01', name: 'Åsa Öberg', time: new Date('2026-01-15T08:30:00Z') },
      signed: true,
      approvedForPatient: true,
      time: new Date('2026-01-15T08:15:00Z'),
      period: { start: new Date('2026-01-14T23:00:00Z'), end: new Date('2026-04-14T22:00:00Z') },
      title: 'Alvedon 500 mg tablett',
      text: '1 tablett 3 gånger dagligen vid behov',
      codes: [
        { code: 'N02BE01', codeSystem: '1.2.752.129.2.2.3.1.1', codeSystemName: 'ATC', displayName: 'Paracetamol' },
        { code: '19700101000017', codeSystem: '1.2.752.129.2.1.5.1', codeSystemName: 'NPL', displayName: 'Alvedon 500 mg tablett' },
      ],
      values: [],
      attributes: {
        prescriptionStatus: 'Active',
        typeOfPrescription: 'I',
        prescriptionId: 'ORD-LM-1',
        prescriptionChainId: 'KEDJA-7',
        prescriptionReason: 'Smärta',
        treatmentPurpose: 'Mot smärta',
        prescriber: 'Bo Ek',
        route: 'Oral användning',
        pharmaceuticalForm: 'Tablett',
        strength: '500 mg',
        shortNotation: '1x3 v.b.',
      },
      provenance: { contract: 'GetMedicationHistory', version: '2' },
    });
  });

  it('names unsigned, free-text and generic drugs, and finds the drug in an administration when the prescription has none', () => {
    const unstructured = record({ id: 'LM-2', legal: false, status: 'Inactive', drug: '<urn1:drug><urn1:unstructuredDrugInformation><urn1:unstructuredInformation>Magnecyl 500 mg</urn1:unstructuredInformation></urn1:unstructuredDrugInformation></urn1:drug>' });
    const generic = record({ id: 'LM-3', drug: '<urn1:drug><urn1:generics><urn1:substance>Ibuprofen</urn1:substance><urn1:strength><urn1:value>400</urn1:value><urn1:unit>mg</urn1:unit></urn1:strength><urn1:form>Tablett</urn1:form></urn1:generics></urn1:drug>' });
    const administered = record({
      id: 'LM-4',
      drug: `<urn1:administration>
                <urn1:administrationId><urn1:root>1.2.3</urn1:root><urn1:extension>ADM-1</urn1:extension></urn1:administrationId>
                <urn1:administrationTime><urn1:start>20260116080000</urn1:start></urn1:administrationTime>
                <urn1:administeringHealthcareProfessional><urn1:authorTime>20260116080000</urn1:authorTime></urn1:administeringHealthcareProfessional>
                <urn1:drug><urn1:drug><urn1:atcCode><urn1:code>J01CE02</urn1:code><urn1:codeSystem>1.2.752.129.2.2.3.1.1</urn1:codeSystem><urn1:displayName>Fenoximetylpenicillin</urn1:displayName></urn1:atcCode></urn1:drug></urn1:drug>
              </urn1:administration>`,
    });
    const xml = response(unstructured + generic + administered);
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    const [a, b, c] = parseContractResponse(xml).items;
    expect(a).toMatchObject({ signed: false, title: 'Magnecyl 500 mg', codes: [], attributes: { prescriptionStatus: 'Inactive' } });
    expect(a!.signer).toBeUndefined();
    expect(a!.text).toBeUndefined();
    expect(b).toMatchObject({ title: 'Ibuprofen', attributes: { strength: '400 mg', pharmaceuticalForm: 'Tablett' } });
    expect(c).toMatchObject({ title: 'Fenoximetylpenicillin', codes: [{ code: 'J01CE02' }] });
  });

  it('skips unreadable records with itemInvalid faults and keeps the others; result ERROR is a resultError', () => {
    const xml = response(record({ id: 'LM-5', approved: null }) + record({ id: 'LM-6' }) + record({ id: 'LM-7', body: null }));
    const r = parseContractResponse(xml);
    expect(r.items.map((i) => i.id)).toEqual(['LM-6']);
    expect(r.faults).toEqual([
      { kind: 'itemInvalid', index: 0, message: expect.stringContaining('approvedForPatient') },
      { kind: 'itemInvalid', index: 2, message: expect.stringContaining('medicationPrescription') },
    ]);
    const error = response('', '<urn:result><urn1:resultCode>ERROR</urn1:resultCode><urn1:errorCode>INVALID_REQUEST</urn1:errorCode><urn1:logId>x</urn1:logId><urn1:message>Ogiltig begäran</urn1:message></urn:result>');
    expect(parseContractResponse(error).faults).toEqual([{ kind: 'resultError', code: 'INVALID_REQUEST', message: 'Ogiltig begäran' }]);
  });

  const item: RecordItem = {
    id: 'lm-1', infoType: 'medication', time: new Date('2026-01-15T09:15:00+01:00'), signed: true, approvedForPatient: true,
    patientId: '191212121212', patientIdType: '1.2.752.129.2.1.3.1', sourceSystemHsaId: 'SE2321000016-TC01',
    careGiver: { hsaId: 'SE2321000016-0001' }, careUnit: { hsaId: 'SE2321000016-VC01', name: 'Vårdcentralen Tolvan' }, careUnitHsaId: 'SE2321000016-VC01',
    author: { hsaId: 'SE2321000016-DR01', name: 'Dr Åsa Öberg', time: new Date('2026-01-15T09:15:00+01:00') },
    signer: { hsaId: 'SE2321000016-DR01', name: 'Dr Åsa Öberg', time: new Date('2026-01-15T09:30:00+01:00') },
    title: 'Alvedon 500 mg tablett', text: '1 tablett 3 gånger dagligen vid behov\nHögst 6 tabletter per dygn',
    codes: [
      { code: 'N02BE01', codeSystem: '1.2.752.129.2.2.3.1.1', codeSystemName: 'ATC', displayName: 'Paracetamol' },
      { code: '19700101000017', codeSystem: '1.2.752.129.2.1.5.1', displayName: 'Alvedon 500 mg tablett' },
    ],
    period: { start: new Date('2026-01-15T00:00:00+01:00'), end: new Date('2026-04-15T00:00:00+02:00') },
    values: [],
    attributes: {
      prescriptionStatus: 'Active', typeOfPrescription: 'I', prescriptionChainId: 'KEDJA-7', prescriptionNote: 'Ta med vatten', prescriptionReason: 'Smärta; Feber',
      treatmentPurpose: 'Mot smärta & feber', prescriber: 'Bo Ek', route: 'Oral användning', pharmaceuticalForm: 'Tablett', strength: '500 mg', shortNotation: '1x3', drugComment: 'Generiskt utbyte tillåtet',
    },
    provenance: { contract: 'GetMedicationHistory', version: '2' },
  };

  it('writes responses that validate against 2.2 and 2.1 and read back the same', () => {
    const stopped: RecordItem = {
      ...item, id: 'lm-2', signed: false, signer: undefined as never, approvedForPatient: false, nullified: true,
      title: 'Magnecyl 500 mg', text: undefined as never, codes: [], period: { end: new Date('2026-02-01T12:00:00+01:00') },
      attributes: { prescriptionStatus: 'Inactive', typeOfPrescription: 'U', prescriptionId: 'ORD-99', endOfTreatmentReason: 'Biverkningar', selfMedication: 'true' },
    };
    delete (stopped as { signer?: unknown }).signer;
    delete (stopped as { text?: unknown }).text;
    const xml = soapEnvelope(getMedicationHistory2.writeResponse([item, stopped]));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(validateAgainstSchema(xml, schema21)).toEqual({ valid: true, errors: [] });
    expect(xml).not.toContain('documentTime');
    const r = parseContractResponse(xml);
    expect(r.faults).toEqual([]);
    expect(r.items).toEqual([item, stopped]);
  });

  it('writes an item with only an ATC code or a pack id validly (2.2)', () => {
    const atcOnly: RecordItem = { ...item, id: 'lm-3', codes: [item.codes[0]!], title: 'Paracetamol' };
    const pack: RecordItem = { ...item, id: 'lm-4', codes: [{ code: '7004563', codeSystem: '1.2.752.129.2.1.5.2', displayName: 'Alvedon 500 mg 20 st' }], title: 'Alvedon 500 mg 20 st' };
    const xml = soapEnvelope(getMedicationHistory2.writeResponse([atcOnly, pack]));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    const [a, b] = parseContractResponse(xml).items;
    expect(a).toMatchObject({ title: 'Paracetamol', codes: atcOnly.codes });
    expect(b).toMatchObject({ title: 'Alvedon 500 mg 20 st', codes: pack.codes });
  });

  it('builds requests that validate against the schema; the official request sample validates too', () => {
    const xml = soapEnvelope(
      getMedicationHistory2.buildRequest({
        patientId: '191212121212', careUnitHsaIds: ['SE2321000016-VC01'], careGiverHsaIds: ['SE2321000016-0001'],
        period: { start: new Date('2025-01-01T00:00:00+01:00') }, sourceSystemHsaId: 'SE2321000016-TC01',
      }),
      { logicalAddress: 'SE2321000016-TC01' },
    );
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(validateAgainstSchema(xml, schema21)).toEqual({ valid: true, errors: [] });
    // Both ends are optional here: an open end is left out, not invented.
    expect(xml).toContain('<datePeriod><c:start>20250101</c:start></datePeriod>');
    const official = substitutePlaceholders(readFileSync(path.join(SAMPLES_DIR, 'GetMedicationHistory', 'GetMedicationHistory_2.1_request_soap.xml'), 'utf8'));
    expect(validateAgainstSchema(official, schema)).toEqual({ valid: true, errors: [] });
  });
});
