import PDFDocument from 'pdfkit';
import { INFO_TYPES, type InfoType, type MeasuredValue, type RecordItem } from '../../domain/record.js';
import { formatLongDate, swedishDate, SWEDISH_TIME_ZONE, type IsoDate } from '../../domain/time.js';
import type { RecordView, ShownItem } from '../../record/service.js';
import { intervalText, valueText } from '../charts/pages.js';
import type { Lang } from '../i18n.js';
import { missingSources } from '../pages/record/common.js';
import { INFO_TYPE_TITLES } from '../record-words.js';
import { PRINT_WORDS } from './words.js';

/**
 * The printout of a chosen part of the record as a tagged PDF (pdfkit): a structure tree with
 * headings (H1 for the document, H2 per information type, H3 per item), the language set, the
 * title shown by the viewer, bookmarks per section, page numbers as artifacts. The standard
 * Helvetica fonts are WinAnsi-encoded, which covers å, ä, ö, é and ü; anything outside WinAnsi
 * is replaced before it reaches pdfkit (which would otherwise write wrong glyphs).
 */

export const MAX_PRINT_ITEMS = 2000;

export interface PrintSelection {
  /** Empty: all types. */
  readonly infoTypes: readonly InfoType[];
  readonly from?: IsoDate;
  readonly to?: IsoDate;
}

export interface PrintInput {
  readonly lang: Lang;
  readonly view: Pick<RecordView, 'subject' | 'items' | 'sources' | 'generatedAt'> & { readonly total: number };
  readonly selection: PrintSelection;
}

const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const INK = '#1b1b1b';
const MUTED = '#4a4a4a';

// WinAnsi (cp1252) beyond Latin-1: the characters pdfkit's standard fonts can show.
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const REPLACEMENTS: Readonly<Record<string, string>> = { '\u2212': '-', '\u2010': '-', '\u2011': '-', '\u202f': ' ', '\u2009': ' ', '\u2264': '<=', '\u2265': '>=', '\u2192': '->', '\u2191': '^', '\u25b2': '^' };

/** Text as the standard fonts can write it: WinAnsi, no control characters but newlines. */
export function pdfSafe(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0)!;
    if (ch === '\n') out += ch;
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += code === 0x09 ? ' ' : '';
    else if (code <= 0xff || WIN_ANSI_EXTRA.has(ch)) out += ch;
    else out += REPLACEMENTS[ch] ?? '?';
  }
  return out;
}

const fullName = (given: string | null, family: string | null) => [given, family].filter(Boolean).join(' ');

const timeFormat = (lang: Lang) =>
  new Intl.DateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: SWEDISH_TIME_ZONE });

export function statusOf(item: RecordItem, lang: Lang): string {
  const w = PRINT_WORDS[lang];
  if (item.infoType === 'labResult' || item.infoType === 'imagingResult' || item.infoType === 'referralOutcome') {
    const kind = item.resultType === 'preliminary' ? w.statusPreliminary : item.resultType === 'supplement' ? w.statusSupplement : item.resultType === 'corrected' ? w.statusCorrected : w.statusFinal;
    return `${kind}, ${item.validated ? w.statusValidated : w.statusNotValidated}`;
  }
  return item.signed ? w.statusSigned : w.statusUnsigned;
}

function valueLine(v: MeasuredValue, lang: Lang): string {
  const w = PRINT_WORDS[lang];
  const value = [valueText(v, lang), v.unit].filter(Boolean).join(' ');
  const interval = intervalText(v, lang);
  const parts = [`${v.name}: ${value}`];
  if (interval) parts.push(`(${w.reference} ${interval})`);
  if (v.abnormal) parts.push(`– ${w.outside}`);
  if (v.comment) parts.push(`– ${v.comment}`);
  return parts.join(' ');
}

/** The file name: what and when, never whose (no personnummer, no name). */
export function pdfFilename(lang: Lang, generatedAt: Date): string {
  return `${PRINT_WORDS[lang].filename}-${swedishDate(generatedAt)}.pdf`;
}

export async function buildRecordPdf({ lang, view, selection }: PrintInput): Promise<Buffer> {
  const w = PRINT_WORDS[lang];
  const names = INFO_TYPE_TITLES[lang];
  const subjectName = fullName(view.subject.givenName, view.subject.familyName);
  const heading = view.subject.relation === 'self' ? w.ownRecord : w.recordOf(subjectName);
  const title = `${w.pdfTitle} – ${heading}`;

  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 64, left: 56, right: 56 },
    pdfVersion: '1.7',
    tagged: true,
    lang: lang === 'sv' ? 'sv-SE' : 'en-GB',
    displayTitle: true,
    bufferPages: true,
    info: { Title: pdfSafe(title), Subject: pdfSafe(heading), Author: 'Journalen', Creator: 'Journalen', CreationDate: view.generatedAt },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const root = doc.struct('Document');
  doc.addStructure(root);

  const para = (parent: PDFKit.PDFStructureElement, text: string, opts: { font?: string; size?: number; colour?: string; gap?: number; type?: string } = {}) => {
    parent.add(
      doc.struct(opts.type ?? 'P', {}, () => {
        doc.font(opts.font ?? FONT).fontSize(opts.size ?? 10).fillColor(opts.colour ?? INK).text(pdfSafe(text), doc.page.margins.left, undefined, { width });
      }),
    );
    if (opts.gap) doc.moveDown(opts.gap);
  };
  const keepRoom = (points: number) => {
    if (doc.y + points > doc.page.height - doc.page.margins.bottom) doc.addPage();
  };

  // Front matter.
  para(root, w.pdfTitle, { type: 'H1', font: BOLD, size: 20, gap: 0.2 });
  para(root, heading, { font: BOLD, size: 13, gap: 0.4 });
  para(root, w.printed(timeFormat(lang).format(view.generatedAt)), { colour: MUTED, gap: 0.3 });
  const chosen = selection.infoTypes.length > 0 ? INFO_TYPES.filter((t) => selection.infoTypes.includes(t)) : [...INFO_TYPES];
  para(root, `${w.selection}: ${selection.infoTypes.length > 0 ? chosen.map((t) => names[t]).join(', ') : w.allTypes}.`);
  const period = [selection.from ? w.since(formatLongDate(selection.from, lang)) : null, selection.to ? w.until(formatLongDate(selection.to, lang)) : null].filter(Boolean).join(' ');
  para(root, `${w.period}: ${period || w.wholeRecord}.`, { gap: 0.5 });
  const format = new Intl.NumberFormat(lang === 'sv' ? 'sv-SE' : 'en-GB');
  if (view.total > view.items.length) para(root, w.cut(format.format(view.items.length), format.format(view.total)), { font: BOLD, gap: 0.5 });

  const missing = missingSources(view.sources).filter((m) => !m.fromCache);
  if (missing.length > 0) {
    const sect = doc.struct('Sect');
    root.add(sect);
    para(sect, w.missingTitle, { type: 'H2', font: BOLD, size: 14, gap: 0.2 });
    const list = doc.struct('L');
    sect.add(list);
    for (const m of missing) {
      const li = doc.struct('LI');
      list.add(li);
      para(li, `${m.region} (${m.system})`, { type: 'LBody' });
      li.end();
    }
    list.end();
    sect.end();
    doc.moveDown(0.5);
  }

  // One section per information type, newest first within it.
  const byType = new Map<InfoType, ShownItem[]>();
  for (const s of view.items) byType.set(s.item.infoType, [...(byType.get(s.item.infoType) ?? []), s]);
  for (const type of chosen) {
    const items = byType.get(type) ?? [];
    keepRoom(80);
    const sect = doc.struct('Sect');
    root.add(sect);
    doc.outline.addItem(pdfSafe(names[type]));
    doc.moveDown(0.5);
    para(sect, `${names[type]} (${w.count(items.length)})`, { type: 'H2', font: BOLD, size: 15, gap: 0.3 });
    if (items.length === 0) para(sect, w.nothing, { colour: MUTED });
    for (const { item, region, careProviderName } of items) {
      keepRoom(70);
      const art = doc.struct('Art');
      sect.add(art);
      para(art, item.title ?? names[type], { type: 'H3', font: BOLD, size: 11.5, gap: 0.1 });
      const meta = [
        `${w.date}: ${formatLongDate(swedishDate(item.time), lang)}`,
        item.careUnit.name ? `${w.careUnit}: ${item.careUnit.name}` : null,
        careProviderName ? `${w.careProvider}: ${careProviderName}` : null,
        // A region is its own care provider: one line is enough then.
        region && region.name !== careProviderName ? `${w.region}: ${region.name}` : null,
        `${w.status}: ${statusOf(item, lang)}`,
        item.author?.name ? `${w.author}: ${item.author.name}` : null,
        item.signer?.name ? `${w.signer}: ${item.signer.name}` : null,
      ].filter((l): l is string => l !== null);
      para(art, meta.join('\n'), { size: 9, colour: MUTED, gap: 0.2 });
      if (item.values.length > 0) para(art, item.values.map((v) => valueLine(v, lang)).join('\n'), { gap: 0.2 });
      if (item.text) para(art, item.text, { gap: 0.2 });
      const attributes = Object.entries(item.attributes).filter(([k]) => !/HsaId$|Time$/.test(k));
      if (type !== 'note' && attributes.length > 0 && attributes.length <= 12) para(art, attributes.map(([, v]) => v).join(' · '), { size: 9, colour: MUTED });
      art.end();
      doc.moveDown(0.6);
    }
    sect.end();
  }
  root.end();

  // Page numbers: artifacts, not content, so screen readers skip them.
  const pages = doc.bufferedPageRange();
  for (let i = pages.start; i < pages.start + pages.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.markContent('Artifact', { type: 'Pagination' });
    doc.font(FONT).fontSize(8).fillColor(MUTED).text(pdfSafe(`${w.pdfTitle} – ${w.page(i - pages.start + 1, pages.count)}`), doc.page.margins.left, doc.page.height - 40, { width, align: 'center', lineBreak: false });
    doc.endMarkedContent();
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
