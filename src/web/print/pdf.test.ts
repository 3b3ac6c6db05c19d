import { describe, expect, it } from 'vitest';
import type { RecordItem } from '../../domain/record.js';
import type { ShownItem } from '../../record/service.js';
import { buildRecordPdf, pdfFilename, pdfSafe, statusOf } from './pdf.js';
import { contentStreamText, hasPdftotext, pdfStreams, pdftotext } from './pdf-text.js';

const base = (over: Partial<RecordItem>): RecordItem => ({
  id: 'x',
  infoType: 'note',
  time: new Date('2025-03-04T09:30:00Z'),
  signed: true,
  approvedForPatient: true,
  patientId: '191212121212',
  careGiver: { hsaId: 'SE2321000016-1', name: 'Region Östergötland' },
  careUnit: { hsaId: 'SE2321000016-2', name: 'Vårdcentralen Åby' },
  codes: [],
  values: [],
  attributes: {},
  provenance: { contract: 'GetCareDocumentation', version: '3' },
  ...over,
});

const shown = (item: RecordItem, key = item.id): ShownItem => ({ key, item, region: { code: '05' as never, name: 'Region Östergötland' }, careProviderName: 'Region Östergötland' });

const items: ShownItem[] = [
  shown(base({ id: 'n1', title: 'Besöksanteckning', text: 'Aktuellt: Ont i örat sedan två dagar. Äter och dricker. Bedömning: Öroninflammation.' })),
  shown(base({ id: 'n2', title: 'Telefonkontakt', signed: false, text: 'Önskar återbesök.' })),
  shown(
    base({
      id: 'l1',
      infoType: 'labResult',
      title: 'Blodstatus',
      resultType: 'preliminary',
      validated: false,
      values: [{ name: 'B-Hb', numeric: 112, value: '112', unit: 'g/L', referenceInterval: { low: 117, high: 153 }, abnormal: true, code: { code: 'NPU02319' } }],
    }),
  ),
];

const view = (list: ShownItem[], total = list.length) => ({
  subject: { relation: 'self' as const, handle: 'self', givenName: 'Åsa', familyName: 'Öberg', age: 40 },
  items: list,
  sources: [],
  generatedAt: new Date('2025-05-06T08:00:00Z'),
  total,
});

describe('the record printout', () => {
  it('is a tagged PDF with the language, a displayed title and a structure tree with headings', async () => {
    const pdf = await buildRecordPdf({ lang: 'sv', view: view(items), selection: { infoTypes: ['note', 'labResult'] } });
    const raw = pdf.toString('latin1');
    expect(raw.startsWith('%PDF-1.7')).toBe(true);
    expect(raw).toContain('/StructTreeRoot');
    expect(raw).toMatch(/\/Lang \(sv-SE\)/);
    expect(raw).toMatch(/\/MarkInfo/);
    expect(raw).toMatch(/\/DisplayDocTitle true/);
    expect(raw).toMatch(/\/Title \(/);
    for (const tag of ['Document', 'Sect', 'H1', 'H2', 'H3', 'P', 'Art']) expect(raw).toContain(`/S /${tag}`);
    // Page numbers are marked as pagination artifacts, outside the structure.
    expect(pdfStreams(pdf).join('\n')).toMatch(/\/Artifact <<\s*\/Type \/Pagination/);
    expect(pdfStreams(pdf).join('\n')).toMatch(/\/H2 <<\s*\/MCID \d+/);
  });

  it('writes Swedish text that can be extracted again, with one section per information type', async () => {
    const pdf = await buildRecordPdf({ lang: 'sv', view: view(items), selection: { infoTypes: ['note', 'labResult'] } });
    const texts = [contentStreamText(pdf), ...(hasPdftotext() ? [pdftotext(pdf)] : [])];
    for (const text of texts) {
      expect(text).toContain('Utdrag ur journalen');
      expect(text).toContain('Journalanteckningar (2 poster)');
      expect(text).toContain('Provsvar (1 post)');
      expect(text).toContain('Vårdcentralen Åby');
      expect(text).toContain('Öroninflammation');
      expect(text).toMatch(/Äter och dricker/);
      expect(text).toContain('Region Östergötland');
      expect(text).toContain('Status: Osignerad');
      expect(text).toContain('Preliminärt svar, ej vidimerat');
      expect(text).toMatch(/B-Hb: 112 g\/L \(ref\. 117–153\) – utanför referensintervallet/);
      expect(text).toContain('4 mars 2025');
    }
  });

  it('says so when the selection was cut at the limit', async () => {
    const pdf = await buildRecordPdf({ lang: 'sv', view: view(items, 4321), selection: { infoTypes: [] } });
    expect(contentStreamText(pdf)).toMatch(/de 3 senaste av 4.321 poster/);
  });

  it('writes English when asked, and an empty section when a type has nothing', async () => {
    const pdf = await buildRecordPdf({ lang: 'en', view: view([]), selection: { infoTypes: ['vaccination'] } });
    const text = contentStreamText(pdf);
    expect(pdf.toString('latin1')).toMatch(/\/Lang \(en-GB\)/);
    expect(text).toContain('Vaccinations (0 items)');
    expect(text).toContain('No items in the selection.');
  });

  it('keeps text within what the standard fonts can show', () => {
    expect(pdfSafe('åäö ÅÄÖ é ü µ – ’')).toBe('åäö ÅÄÖ é ü µ – ’');
    expect(pdfSafe('\u22125 ≥ 3\u202fkg \u0007')).toBe('-5 >= 3 kg ');
    expect(pdfSafe('漢')).toBe('?');
  });

  it('names the status of notes and results, and a file name without the person', () => {
    expect(statusOf(base({ signed: false }), 'sv')).toBe('Osignerad');
    expect(statusOf(base({ infoType: 'labResult', resultType: 'final', validated: true }), 'sv')).toBe('Slutligt svar, vidimerat');
    expect(pdfFilename('sv', new Date('2025-05-06T08:00:00Z'))).toBe('journalutdrag-2025-05-06.pdf');
  });
});
