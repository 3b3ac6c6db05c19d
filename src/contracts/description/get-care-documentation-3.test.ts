import { describe, expect, it } from 'vitest';
import type { RecordItem } from '../../domain/record.js';
import { RIVTA_DIR, samplesOf } from '../../testing/rivta.js';
import { parseContractResponse } from '../registry.js';
import { responderSchemaFile, validateAgainstSchema } from '../schema-validation.js';
import { soapEnvelope } from '../soap.js';
import { noteTypeCode } from './care-documentation.js';
import { getCareDocumentation3 } from './get-care-documentation-3.js';

const schema = responderSchemaFile(RIVTA_DIR, getCareDocumentation3);
const sample = (suffix: string) => samplesOf('GetCareDocumentation').find((s) => s.file.endsWith(suffix))!.xml;
const RESPONDER = 'urn:riv:clinicalprocess:healthcond:description:GetCareDocumentationResponder:3';

describe('GetCareDocumentation 3', () => {
  // Upstream quirks: the mocks use `?` for author/orgUnit/opinion values, `${careGiverHSAId}`
  // (not a placeholder our test data knows, so it becomes X1), record ids with root only, and
  // one "Låst" (locked) note that the JoL header cannot tell from an unsigned one.
  it.each(samplesOf('GetCareDocumentation').map((s) => [s.file, s.xml]))('parses the official sample %s', (_file, xml) => {
    const r = parseContractResponse(xml);
    if (r.contract === null) {
      expect(r.faults[0]?.kind).toBe('soapFault');
      return;
    }
    expect(r.contract).toBe('GetCareDocumentation');
    expect(r.version).toBe('3');
    expect(r.faults).toEqual([]);
    for (const item of r.items) {
      expect(item).toMatchObject({ infoType: 'note', patientId: '191212121212', approvedForPatient: expect.any(Boolean), signed: expect.any(Boolean) });
      expect(item.time).toBeInstanceOf(Date);
      expect(item.blockComparisonTime).toBeInstanceOf(Date);
    }
  });

  it('reads the basic response field by field: signed, unsigned, locked', () => {
    const [signed, unsigned, locked, ...rest] = parseContractResponse(sample('_BasicResponse.xml')).items;
    expect(rest).toEqual([]);
    expect(signed).toMatchObject({
      id: 'CareContact-123',
      patientId: '191212121212',
      patientIdType: '1.2.752.129.2.1.3.1',
      sourceSystemHsaId: 'SE2321000016-SRC1',
      careGiver: { hsaId: 'X1' },
      careUnit: { hsaId: 'SE2321000016-CU01' },
      careUnitHsaId: 'SE2321000016-CU01',
      author: { hsaId: '?', name: '?', role: { code: '206017', codeSystem: '1.2.752.129.2.2.1.4', displayName: 'Sjuksköterska, medicin/kirurgi' } },
      signer: { hsaId: 'SE132457689', name: '?' },
      signed: true,
      approvedForPatient: true,
      title: 'Title',
      text: 'åäö<>><&',
      codes: [{ code: 'utr', codeSystem: '1.2.752.129.2.2.2.11', codeSystemName: 'KV Anteckningstyp', displayName: 'Utredning' }],
      values: [],
      attributes: { authorUnit: '?', dissentingOpinion: '?, 2007-12-12: ?' },
      provenance: { contract: 'GetCareDocumentation', version: '3' },
    });
    // record/timestamp 20170101100000 Swedish winter time; the author wrote in 2007.
    expect(signed!.time.toISOString()).toBe('2017-01-01T09:00:00.000Z');
    expect(signed!.blockComparisonTime!.toISOString()).toBe('2017-01-01T09:00:00.000Z');
    expect(signed!.author!.time!.toISOString()).toBe('2007-12-12T00:01:01.000Z');
    expect(signed!.signer!.time!.toISOString()).toBe('2007-12-12T00:01:01.000Z');
    expect(signed).not.toHaveProperty('inpatient');
    expect(signed).not.toHaveProperty('locked');

    expect(unsigned).toMatchObject({ id: 'CareContact-124', signed: false, approvedForPatient: false });
    expect(unsigned).not.toHaveProperty('signer');
    // The DocBook note arrives entity-encoded; the resident reads plain text.
    expect(unsigned!.text).toMatch(/^…\n…\n/);
    expect(unsigned!.text).toMatch(/\n• TeX and LaTeX\n• Troff\n• Lout$/);
    expect(unsigned!.text).not.toMatch(/<|para|article/);

    expect(locked).toMatchObject({ id: 'CareContact-125', signed: false, approvedForPatient: false });
    expect(locked).not.toHaveProperty('locked');
  });

  it('reads dissenting opinions and the author and signature times', () => {
    const [item] = parseContractResponse(sample('_TimeBlasterResponse.xml')).items;
    expect(item!.attributes.dissentingOpinion).toBe('Test Testsson, 2021-01-04: Opinion 1\nTest Testsson, 2021-01-05: Opinion 1\nTest Testsson, 2021-01-06: Opinion 1');
    expect(item!.time.toISOString()).toBe('2020-12-31T23:00:01.000Z');
    expect(item!.author!.time!.toISOString()).toBe('2021-01-01T23:00:02.000Z');
    expect(item!.signer!.time!.toISOString()).toBe('2021-01-02T23:00:03.000Z');
  });

  it('reads multimedia notes', () => {
    const [embedded, linked] = parseContractResponse(sample('_MultimediaResponse.xml')).items;
    expect(embedded!.attributes).toMatchObject({ multimediaType: 'image/png' });
    expect(embedded!.attributes).not.toHaveProperty('multimediaReference');
    expect(linked!.attributes).toMatchObject({ multimediaType: 'text/xml', multimediaReference: expect.stringMatching(/^https:\/\/test\.esb\.ntjp\.se\//) });
  });

  it('reads hasMore for paging', () => {
    const r = parseContractResponse(sample('_HasMore.xml'));
    expect(r.hasMore).toEqual({ logicalAddress: 'SE12345-F6789', reference: 'abcdefg&hijklmno' });
    expect(r.items).toHaveLength(2);
    expect(parseContractResponse(sample('_BasicResponse.xml'))).not.toHaveProperty('hasMore');
  });

  it('marks inpatient note types and titles untitled notes by their type', () => {
    const xml = sample('_BasicResponse.xml')
      .replaceAll('<urn1:code>utr</urn1:code>', '<urn1:code>sva</urn1:code>')
      .replaceAll('<urn1:displayName>Utredning</urn1:displayName>', '')
      .replaceAll('<urn1:clinicalDocumentNoteTitle>Title</urn1:clinicalDocumentNoteTitle>', '');
    const [item] = parseContractResponse(xml).items;
    expect(item).toMatchObject({ inpatient: true, title: 'Slutenvårdsanteckning', codes: [{ code: 'sva', displayName: 'Slutenvårdsanteckning' }] });
    expect(item).not.toHaveProperty('specialty');
  });

  it('skips an unreadable item with an itemInvalid fault and keeps the others', () => {
    const xml = sample('_BasicResponse.xml').replace('<urn1:approvedForPatient>true</urn1:approvedForPatient>', '');
    const r = parseContractResponse(xml);
    expect(r.items.map((i) => i.id)).toEqual(['CareContact-124', 'CareContact-125']);
    expect(r.faults).toEqual([{ kind: 'itemInvalid', index: 0, message: 'item CareContact-123: approvedForPatient is missing or not a boolean' }]);

    const noBlock = sample('_BasicResponse.xml').replace('<urn1:blockComparisonTime>20170101100000</urn1:blockComparisonTime>', '<urn1:blockComparisonTime>igår</urn1:blockComparisonTime>');
    expect(parseContractResponse(noBlock).faults).toEqual([{ kind: 'itemInvalid', index: 0, message: 'item CareContact-123: blockComparisonTime is missing or not a timestamp' }]);
    const noId = sample('_BasicResponse.xml').replace('<urn1:root>CareContact-124</urn1:root>', '');
    expect(parseContractResponse(noId).faults).toEqual([{ kind: 'itemInvalid', index: 1, message: 'header/record/id is missing' }]);
  });

  it('reports result ERROR, and INFO with a text for the user', () => {
    const answer = (code: string, text?: string) =>
      soapEnvelope(`<GetCareDocumentationResponse xmlns="${RESPONDER}" xmlns:c="urn:riv:clinicalprocess:healthcond:description:3"><result><c:resultCode>${code}</c:resultCode>${text ? `<c:resultText>${text}</c:resultText>` : ''}</result></GetCareDocumentationResponse>`);
    expect(parseContractResponse(answer('ERROR', 'Referensen som skickats i hasMoreReference är ogiltig')).faults).toEqual([
      { kind: 'resultError', code: 'ERROR', message: 'Referensen som skickats i hasMoreReference är ogiltig' },
    ]);
    expect(parseContractResponse(answer('ERROR')).faults).toEqual([{ kind: 'resultError', code: 'ERROR', message: 'the producer answered with result ERROR' }]);
    expect(parseContractResponse(answer('INFO', 'Vissa anteckningar kunde inte hämtas')).faults).toEqual([{ kind: 'resultError', code: 'INFO', message: 'Vissa anteckningar kunde inte hämtas' }]);
    expect(parseContractResponse(answer('OK', 'loggas bara')).faults).toEqual([]);
  });

  it('writes responses that validate against the schema and read back the same', () => {
    const item: RecordItem = {
      id: 'note-1', infoType: 'note', time: new Date('2026-03-04T09:15:00+01:00'), signed: true, approvedForPatient: true,
      patientId: '191212121212', patientIdType: '1.2.752.129.2.1.3.1', sourceSystemHsaId: 'SE2321000016-TC01',
      careGiver: { hsaId: 'SE2321000016-0001' }, careUnit: { hsaId: 'SE2321000016-VC01', name: 'Vårdcentralen Tolvan' }, careUnitHsaId: 'SE2321000016-VC01',
      author: { hsaId: 'SE2321000016-DR01', name: 'Dr Åsa Öberg', role: { code: '201010', codeSystem: '1.2.752.129.2.2.1.4', displayName: 'Överläkare' }, time: new Date('2026-03-04T09:40:00+01:00') },
      signer: { hsaId: 'SE2321000016-DR01', name: 'Dr Åsa Öberg', time: new Date('2026-03-04T10:00:00+01:00') },
      blockComparisonTime: new Date('2026-03-04T09:00:00+01:00'),
      title: 'Besök hos distriktsläkare', text: 'Hosta sedan en vecka.\nLungor: normala andningsljud. <ingen> feber & inga fynd.',
      codes: [noteTypeCode('bes')], values: [], attributes: { careProcessId: '3a79e626-7804-92d2-8b10-cb9a45f9c9b6' },
      provenance: { contract: 'GetCareDocumentation', version: '3' },
    };
    const { signer: _s, ...unsignedBase } = item;
    const unsigned: RecordItem = { ...unsignedBase, id: 'note-2', signed: false, approvedForPatient: false, codes: [noteTypeCode('ins')], inpatient: true, attributes: {} };
    const media: RecordItem = { ...item, id: 'note-3', text: undefined as never, attributes: { multimediaType: 'application/pdf', multimediaReference: 'https://example.org/a.pdf' } };
    delete (media as { text?: string }).text;
    const xml = soapEnvelope(getCareDocumentation3.writeResponse([item, unsigned, media], { hasMore: { reference: 'next&page', logicalAddress: 'SE2321000016-TC01' } }));
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    const back = parseContractResponse(xml);
    expect(back.items).toEqual([item, unsigned, media]);
    expect(back.hasMore).toEqual({ reference: 'next&page', logicalAddress: 'SE2321000016-TC01' });
    expect(back.faults).toEqual([]);

    const empty = soapEnvelope(getCareDocumentation3.writeResponse([]));
    expect(validateAgainstSchema(empty, schema)).toEqual({ valid: true, errors: [] });
    expect(parseContractResponse(empty)).toMatchObject({ contract: 'GetCareDocumentation', version: '3', items: [], faults: [] });
  });

  it('builds requests that validate against the schema, with paging continuation', () => {
    const xml = soapEnvelope(
      getCareDocumentation3.buildRequest({
        patientId: '191212121212', careUnitHsaIds: ['SE2321000016-VC01', 'SE2321000016-VC02'], careGiverHsaIds: ['SE2321000016-0001'],
        period: { start: new Date('2020-01-01T00:00:00+01:00') }, sourceSystemHsaId: 'SE2321000016-TC01', continuation: 'abc&def',
      }),
      { logicalAddress: 'SE2321000016-TC01' },
    );
    expect(validateAgainstSchema(xml, schema)).toEqual({ valid: true, errors: [] });
    expect(xml).toContain('<careUnit><c:root>1.2.752.129.2.1.4.1</c:root><c:extension>SE2321000016-VC02</c:extension></careUnit>');
    expect(xml).toContain('<datePeriod><c:start>20200101</c:start><c:end>20991231</c:end></datePeriod>');
    expect(xml).toContain('<hasMoreReference>abc&amp;def</hasMoreReference>');
    const minimal = soapEnvelope(getCareDocumentation3.buildRequest({ patientId: '196812732391', patientIdType: '1.2.752.129.2.1.3.3' }));
    expect(validateAgainstSchema(minimal, schema)).toEqual({ valid: true, errors: [] });
  });
});
