import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordItem } from '../domain/record.js';
import { RIVTA_DIR } from '../testing/rivta.js';
import { baseJolItem, readJolHeader, writeJolHeader, type JolHeaderLayout } from './jol-header.js';
import { validateAgainstSchema } from './schema-validation.js';
import { soapEnvelope } from './soap.js';
import { child, parseXml, type XmlNode } from './xml.js';

const header = (xml: string): XmlNode | undefined => {
  const parsed = parseXml(xml);
  return parsed.ok ? child(parsed.root, 'header') : undefined;
};

/** GetLaboratoryOrderOutcome 4.2: accountableCareGiver, m1:patientId last, m1:orgUnit, UUID careProcessId. */
const GLOO42_LAYOUT: JolHeaderLayout = {
  careGiverElement: 'accountableCareGiver',
  patientId: { at: 'end', prefix: 'm1:' },
  orgUnit: { style: 'idName', prefix: 'm1:' },
  careProcessId: 'uuid',
  extensionRequired: true,
};

const item: RecordItem = {
  id: 'lab-1', infoType: 'labResult', time: new Date('2026-03-04T09:15:00+01:00'), signed: true, approvedForPatient: true,
  patientId: '191212121212', patientIdType: '1.2.752.129.2.1.3.1', sourceSystemHsaId: 'SE2321000016-LAB1',
  careGiver: { hsaId: 'SE2321000016-0001' }, careUnit: { hsaId: 'SE2321000016-KEM1', name: 'Klinisk kemi' }, careUnitHsaId: 'SE2321000016-KEM1',
  author: { hsaId: 'SE2321000016-BMA1', name: 'Bo Analys', time: new Date('2026-03-04T09:30:00+01:00') },
  signer: { hsaId: 'SE2321000016-DR02', name: 'Dr Lab', time: new Date('2026-03-04T11:00:00+01:00') },
  blockComparisonTime: new Date('2026-03-04T08:00:00+01:00'),
  codes: [], values: [], attributes: { careProcessId: '3a79e626-7804-92d2-8b10-cb9a45f9c9b6' },
  provenance: { contract: 'GetLaboratoryOrderOutcome', version: '4' },
};

describe('JoL header', () => {
  it('writes the GetLaboratoryOrderOutcome 4.2 layout valid against its schema and reads it back', () => {
    const core = 'urn:riv:clinicalprocess:healthcond:actoutcome:4';
    const body = `<c:body><c:identifier><c:root>1.2.3</c:root><c:extension>R1</c:extension></c:identifier><c:type><c:code>final</c:code><c:codeSystem>2.16.840.1.113883.4.642.3.235</c:codeSystem></c:type><c:recipientUnit><c:name>Vårdcentralen</c:name></c:recipientUnit></c:body>`;
    const headerXml = writeJolHeader(item, 'c:', GLOO42_LAYOUT, { recordTime: new Date('2026-03-04T09:00:00+01:00') });
    const xml = soapEnvelope(
      `<GetLaboratoryOrderOutcomeResponse xmlns="urn:riv:clinicalprocess:healthcond:actoutcome:GetLaboratoryOrderOutcomeResponder:4" xmlns:c="${core}" xmlns:m1="urn:riv:clinicalprocess:healthcond:actoutcome:4.1"><laboratoryOrderOutcome>${headerXml}${body}</laboratoryOrderOutcome></GetLaboratoryOrderOutcomeResponse>`,
    );
    const schema = path.join(RIVTA_DIR, 'clinicalprocess_healthcond_actoutcome/GetLaboratoryOrderOutcome/4.2/interactions/GetLaboratoryOrderOutcomeInteraction/GetLaboratoryOrderOutcomeResponder_4.2.xsd');
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });

    const parsed = parseXml(xml);
    const outcome = parsed.ok ? ['Envelope', 'Body', 'GetLaboratoryOrderOutcomeResponse', 'laboratoryOrderOutcome'].reduce<XmlNode | undefined>((n, name) => child(n, name), parsed.root) : undefined;
    const read = readJolHeader(child(outcome, 'header'));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.header).toMatchObject({ id: 'lab-1', careProcessId: item.attributes.careProcessId, signed: true, patientId: '191212121212' });
    expect(read.header.recordTime.toISOString()).toBe('2026-03-04T08:00:00.000Z');
    const { attributes: _a, ...expected } = item;
    expect(baseJolItem(read.header, 'labResult', item.time, item.provenance)).toEqual({ ...expected, attributes: {} });
  });

  it('reads lockTime without a signature as locked, and falls back to originalPatientId or the given patient', () => {
    const xml = `<header><accessControlHeader><accountableCareGiver><root>1.2.752.129.2.1.4.1</root><extension>SE1</extension></accountableCareGiver>
      <originalPatientId><root>1.2.752.129.2.1.3.3</root><extension>196812732391</extension></originalPatientId>
      <lockTime>20260101120000</lockTime><blockComparisonTime>20260101100000</blockComparisonTime><approvedForPatient>false</approvedForPatient></accessControlHeader>
      <sourceSystemId><root>1.2.752.129.2.1.4.1</root><extension>SE-SRC</extension></sourceSystemId>
      <record><id><root>1.2.3</root><extension>R9</extension></id><timestamp>20260101110000</timestamp></record></header>`;
    const read = readJolHeader(header(xml));
    expect(read).toMatchObject({ ok: true, header: { id: 'R9', patientId: '196812732391', patientIdType: '1.2.752.129.2.1.3.3', originalPatientId: '196812732391', locked: true, signed: false, approvedForPatient: false, careGiver: { hsaId: 'SE1' } } });
    const noPatient = xml.replace(/<originalPatientId>[\s\S]*<\/originalPatientId>/, '');
    expect(readJolHeader(header(noPatient))).toEqual({ ok: false, message: 'item R9: accessControlHeader/patientId is missing' });
    expect(readJolHeader(header(noPatient), { patientId: '191212121212' })).toMatchObject({ ok: true, header: { patientId: '191212121212' } });
  });

  it('keeps the author unit apart when it is not the accountable care unit', () => {
    const xml = `<header><accessControlHeader><accountableCareUnit><root>1.2.752.129.2.1.4.1</root><extension>SE-VE</extension></accountableCareUnit>
      <patientId><root>1.2.752.129.2.1.3.1</root><extension>191212121212</extension></patientId>
      <blockComparisonTime>20260101100000</blockComparisonTime><approvedForPatient>true</approvedForPatient></accessControlHeader>
      <sourceSystemId><root>1.2.752.129.2.1.4.1</root></sourceSystemId>
      <record><id><root>N1</root></id><timestamp>20260101110000</timestamp></record>
      <author><timestamp>20260101110000</timestamp><orgUnit><orgUnitHSAId>SE-AVD</orgUnitHSAId><orgUnitName>Avdelning 7</orgUnitName></orgUnit></author></header>`;
    const read = readJolHeader(header(xml));
    expect(read).toMatchObject({ ok: true, header: { careUnit: { hsaId: 'SE-VE' }, authorOrgUnit: { hsaId: 'SE-AVD', name: 'Avdelning 7' } } });
    if (read.ok) expect(read.header).not.toHaveProperty('sourceSystemHsaId');
  });
});
