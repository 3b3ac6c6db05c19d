import { describe, expect, it } from 'vitest';
import type { RecordItem } from '../../domain/record.js';
import { RIVTA_DIR } from '../../testing/rivta.js';
import { parseContractResponse } from '../registry.js';
import { responderSchemaFile, validateAgainstSchema } from '../schema-validation.js';
import { soapEnvelope } from '../soap.js';
import { noteTypeCode } from './care-documentation.js';
import { getCareDocumentation2 } from './get-care-documentation-2.js';

const schema = responderSchemaFile(RIVTA_DIR, getCareDocumentation2);
const RESPONDER = 'urn:riv:clinicalprocess:healthcond:description:GetCareDocumentationResponder:2';
const CORE = 'urn:riv:clinicalprocess:healthcond:description:2';
const EXT = 'urn:riv:clinicalprocess:healthcond:description:2.1';

/**
 * There is no official 2.1 response sample (the 2.1 mocks left the official repository with 3.0),
 * so this one is written after the schema and the TKB: a signed visit note, an unsigned note with
 * DocBook text, a note "locked without signature" the pre-2.1.18 way, an old-style epikris.
 */
const header = (id: string, legal: string, approved = 'true', extra = '') => `<c:careDocumentationHeader>
  <c:documentId>${id}</c:documentId><c:sourceSystemHSAid>SE2321000016-TC01</c:sourceSystemHSAid>
  <c:documentTime>20250310141500</c:documentTime>
  <c:patientId><c:id>191212121212</c:id><c:type>1.2.752.129.2.1.3.1</c:type></c:patientId>
  <c:accountableHealthcareProfessional>
    <c:authorTime>20250310143000</c:authorTime><c:healthcareProfessionalHSAId>SE2321000016-DR01</c:healthcareProfessionalHSAId>
    <c:healthcareProfessionalName>Åsa Öberg</c:healthcareProfessionalName>
    <c:healthcareProfessionalRoleCode><c:code>201010</c:code><c:codeSystem>1.2.752.129.2.2.1.4</c:codeSystem><c:displayName>Överläkare</c:displayName></c:healthcareProfessionalRoleCode>
    <c:healthcareProfessionalOrgUnit><c:orgUnitHSAId>SE2321000016-VC01</c:orgUnitHSAId><c:orgUnitName>Vårdcentralen Tolvan</c:orgUnitName></c:healthcareProfessionalOrgUnit>
    <c:healthcareProfessionalCareUnitHSAId>SE2321000016-VC01</c:healthcareProfessionalCareUnitHSAId>
    <c:healthcareProfessionalCareGiverHSAId>SE2321000016-0001</c:healthcareProfessionalCareGiverHSAId>
  </c:accountableHealthcareProfessional>${legal}
  <c:approvedForPatient>${approved}</c:approvedForPatient>${extra}
</c:careDocumentationHeader>`;
const SIGNED = '<c:legalAuthenticator><c:signatureTime>20250311090000</c:signatureTime><c:legalAuthenticatorHSAId>SE2321000016-DR01</c:legalAuthenticatorHSAId><c:legalAuthenticatorName>Åsa Öberg</c:legalAuthenticatorName></c:legalAuthenticator>';
const LOCKED = '<c:legalAuthenticator><c:signatureTime>20250320000000</c:signatureTime></c:legalAuthenticator>';
const note = (inner: string) => `<c:careDocumentationBody><c:clinicalDocumentNote>${inner}</c:clinicalDocumentNote></c:careDocumentationBody>`;
const FIXTURE = soapEnvelope(`<GetCareDocumentationResponse xmlns="${RESPONDER}" xmlns:c="${CORE}" xmlns:m="${EXT}">
<careDocumentation>${header('gcd-1', SIGNED, 'true', '<c:careContactId>KONTAKT-77</c:careContactId>')}${note(
  '<c:clinicalDocumentNoteCode>bes</c:clinicalDocumentNoteCode><c:clinicalDocumentNoteTitle>Besök distriktsläkare</c:clinicalDocumentNoteTitle><c:clinicalDocumentNoteText>Hosta sedan en vecka.\nUtan feber.</c:clinicalDocumentNoteText>' +
    '<c:dissentintOpinion><c:authorTime>20250401120000</c:authorTime><c:opinion>Jag hade feber.</c:opinion><c:personId><c:id>191212121212</c:id><c:type>1.2.752.129.2.1.3.1</c:type></c:personId><c:personName>Tolvan Tolvansson</c:personName></c:dissentintOpinion>',
)}</careDocumentation>
<careDocumentation>${header('gcd-2', '', 'false')}${note(
  '<c:clinicalDocumentNoteCode>utr</c:clinicalDocumentNoteCode><c:clinicalDocumentNoteText>&lt;article&gt;&lt;title&gt;Utredning&lt;/title&gt;&lt;para&gt;Remiss till &amp;lt;röntgen&amp;gt;.&lt;/para&gt;&lt;/article&gt;</c:clinicalDocumentNoteText>',
)}</careDocumentation>
<careDocumentation>${header('gcd-3', LOCKED)}${note('<c:clinicalDocumentNoteCode>sva</c:clinicalDocumentNoteCode><c:clinicalDocumentNoteText>Rond: mår bättre.</c:clinicalDocumentNoteText>')}</careDocumentation>
<careDocumentation>${header('gcd-4', SIGNED)}${note('<c:clinicalDocumentTypeCode>epi</c:clinicalDocumentTypeCode><c:multimediaEntry><c:mediaType>application/pdf</c:mediaType><c:reference>https://example.org/epikris.pdf</c:reference></c:multimediaEntry>')}</careDocumentation>
<m:result><m:resultCode>OK</m:resultCode><m:logId>4f7b0c6e-1</m:logId></m:result>
</GetCareDocumentationResponse>`);

describe('GetCareDocumentation 2.1', () => {
  it('has a fixture that is valid against the schema', () => {
    expect(validateAgainstSchema(FIXTURE, schema)).toEqual({ valid: true, errors: [] });
  });

  it('reads a signed note field by field (sourceSystemHSAid spelling, careContactId)', () => {
    const r = parseContractResponse(FIXTURE);
    expect(r).toMatchObject({ contract: 'GetCareDocumentation', version: '2', faults: [] });
    const [item] = r.items;
    expect(item).toEqual({
      id: 'gcd-1', infoType: 'note', patientId: '191212121212', patientIdType: '1.2.752.129.2.1.3.1', sourceSystemHsaId: 'SE2321000016-TC01',
      careGiver: { hsaId: 'SE2321000016-0001' }, careUnit: { hsaId: 'SE2321000016-VC01', name: 'Vårdcentralen Tolvan' }, careUnitHsaId: 'SE2321000016-VC01',
      author: { hsaId: 'SE2321000016-DR01', name: 'Åsa Öberg', role: { code: '201010', codeSystem: '1.2.752.129.2.2.1.4', displayName: 'Överläkare' }, time: new Date('2025-03-10T13:30:00Z') },
      signer: { hsaId: 'SE2321000016-DR01', name: 'Åsa Öberg', time: new Date('2025-03-11T08:00:00Z') },
      signed: true, approvedForPatient: true, careContactId: 'KONTAKT-77',
      // documentTime (the event), not authorTime (registration).
      time: new Date('2025-03-10T13:15:00Z'),
      title: 'Besök distriktsläkare', text: 'Hosta sedan en vecka.\nUtan feber.',
      codes: [{ code: 'bes', codeSystem: '1.2.752.129.2.2.2.11', codeSystemName: 'KV Anteckningstyp', displayName: 'Besöksanteckning' }],
      values: [],
      attributes: { careContactId: 'KONTAKT-77', dissentingOpinion: 'Tolvan Tolvansson, 2025-04-01: Jag hade feber.' },
      provenance: { contract: 'GetCareDocumentation', version: '2' },
    });
  });

  it('reads unsigned, locked-without-signature and old-style epikris notes', () => {
    const [, unsigned, locked, epikris] = parseContractResponse(FIXTURE).items;
    expect(unsigned).toMatchObject({ id: 'gcd-2', signed: false, approvedForPatient: false, title: 'Utredning', text: 'Utredning\nRemiss till <röntgen>.' });
    expect(unsigned).not.toHaveProperty('locked');
    expect(unsigned).not.toHaveProperty('signer');
    expect(unsigned).not.toHaveProperty('inpatient');
    expect(locked).toMatchObject({ id: 'gcd-3', signed: false, locked: true, inpatient: true, title: 'Slutenvårdsanteckning' });
    expect(locked).not.toHaveProperty('signer');
    expect(epikris).toMatchObject({
      id: 'gcd-4', signed: true, inpatient: true, title: 'Epikris', codes: [{ code: 'epi', displayName: 'Epikris' }],
      attributes: { multimediaType: 'application/pdf', multimediaReference: 'https://example.org/epikris.pdf' },
    });
    expect(epikris).not.toHaveProperty('text');
  });

  it('skips an unreadable item with an itemInvalid fault and keeps the others', () => {
    const broken = FIXTURE.replace('<c:approvedForPatient>false</c:approvedForPatient>', '').replace('<c:documentId>gcd-4</c:documentId>', '');
    const r = parseContractResponse(broken);
    expect(r.items.map((i) => i.id)).toEqual(['gcd-1', 'gcd-3']);
    expect(r.faults).toEqual([
      { kind: 'itemInvalid', index: 1, message: 'item gcd-2: approvedForPatient is missing or not a boolean' },
      { kind: 'itemInvalid', index: 3, message: 'documentId is missing' },
    ]);
  });

  it('reports result ERROR', () => {
    const xml = soapEnvelope(`<GetCareDocumentationResponse xmlns="${RESPONDER}" xmlns:m="${EXT}"><m:result><m:resultCode>ERROR</m:resultCode><m:errorCode>INVALID_REQUEST</m:errorCode><m:logId>x</m:logId><m:message>sourceSystemHSAid och logicalAddress skiljer sig</m:message></m:result></GetCareDocumentationResponse>`);
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(parseContractResponse(xml).faults).toEqual([{ kind: 'resultError', code: 'INVALID_REQUEST', message: 'sourceSystemHSAid och logicalAddress skiljer sig' }]);
  });

  it('writes responses that validate against the schema and read back the same', () => {
    const item: RecordItem = {
      id: 'note-1', infoType: 'note', time: new Date('2026-03-04T09:15:00+01:00'), signed: true, approvedForPatient: true,
      patientId: '191212121212', patientIdType: '1.2.752.129.2.1.3.1', sourceSystemHsaId: 'SE2321000016-TC01',
      careGiver: { hsaId: 'SE2321000016-0001' }, careUnit: { hsaId: 'SE2321000016-VC01', name: 'Vårdcentralen Tolvan' }, careUnitHsaId: 'SE2321000016-VC01',
      author: { hsaId: 'SE2321000016-DR01', name: 'Dr Åsa Öberg', time: new Date('2026-03-04T09:40:00+01:00') },
      signer: { hsaId: 'SE2321000016-DR01', name: 'Dr Åsa Öberg', time: new Date('2026-03-04T10:00:00+01:00') },
      careContactId: 'K-1', title: 'Besöksanteckning', text: 'Hosta. <inga> fynd & ingen feber.',
      codes: [noteTypeCode('bes')], values: [], attributes: { careContactId: 'K-1' }, provenance: { contract: 'GetCareDocumentation', version: '2' },
    };
    const { signer: _s, careContactId: _c, ...rest } = item;
    const unsigned: RecordItem = { ...rest, id: 'note-2', signed: false, approvedForPatient: false, attributes: {} };
    const locked: RecordItem = { ...unsigned, id: 'note-3', approvedForPatient: true, locked: true, inpatient: true, codes: [noteTypeCode('slu'), { code: 'epi', displayName: 'Epikris' }], title: 'Epikris' };
    const xml = soapEnvelope(getCareDocumentation2.writeResponse([item, unsigned, locked]));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    const back = parseContractResponse(xml);
    expect(back.faults).toEqual([]);
    expect(back.items).toEqual([item, unsigned, locked]);
  });

  it('builds requests that validate against the schema (careUnitHSAid, sourceSystemHSAid spelling)', () => {
    const xml = soapEnvelope(
      getCareDocumentation2.buildRequest({ patientId: '191212121212', careUnitHsaIds: ['SE2321000016-VC01'], period: { start: new Date('2020-01-01T00:00:00+01:00'), end: new Date('2026-11-23T00:00:00+01:00') }, sourceSystemHsaId: 'SE2321000016-TC01' }),
      { logicalAddress: 'SE2321000016-TC01' },
    );
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(xml).toContain('<careUnitHSAid>SE2321000016-VC01</careUnitHSAid>');
    expect(xml).toContain('<sourceSystemHSAid>SE2321000016-TC01</sourceSystemHSAid>');
    expect(validateAgainstSchema(soapEnvelope(getCareDocumentation2.buildRequest({ patientId: '191212121212' })), schema)).toEqual({ valid: true, errors: [] });
    // An open end must still match DateType's (19|20)xx pattern.
    const openEnded = soapEnvelope(getCareDocumentation2.buildRequest({ patientId: '191212121212', period: { start: new Date('2020-01-01T00:00:00+01:00') } }));
    expect(validateAgainstSchema(openEnded, schema)).toEqual({ valid: true, errors: [] });
    expect(openEnded).toContain('<c:end>20991231</c:end>');
  });
});
