import type { CodedValue } from '../../domain/record.js';
import { swedishDate } from '../../domain/time.js';
import type { HeaderFields } from '../patient-summary-header.js';
import { child, rivTime, text, type XmlNode } from '../xml.js';

/**
 * What GetCareDocumentation 2.1 and 3 share: the note types (KV Anteckningstyp), the note text
 * (plain, or DocBook that the producer has entity-encoded into the string) and, for the
 * PatientSummaryHeader contracts, the old way of saying "locked without signature".
 */

/** KV Anteckningstyp, the code system of clinicalDocumentNoteCode. */
export const NOTE_CODE_SYSTEM = '1.2.752.129.2.2.2.11';
export const NOTE_CODE_SYSTEM_NAME = 'KV Anteckningstyp';

/** KV Anteckningstyp codes and the heading a resident sees when the note has no title of its own. */
export const NOTE_TYPES: Readonly<Record<string, string>> = {
  utr: 'Utredning',
  atb: 'Åtgärd/behandling',
  sam: 'Sammanfattning',
  sao: 'Samordning',
  ins: 'Inskrivning',
  slu: 'Slutanteckning',
  auf: 'Anteckning utan fysiskt möte',
  sva: 'Slutenvårdsanteckning',
  bes: 'Besöksanteckning',
};

/** GCD 2.1 clinicalDocumentTypeCode: the older NPÖ document types (13606 adapters only); no OID is published. */
export const DOCUMENT_TYPES: Readonly<Record<string, string>> = {
  epi: 'Epikris',
  int: 'Intagningsanteckning',
  dag: 'Daganteckning',
  ova: 'Öppenvårdsanteckning',
  ovs: 'Öppenvårdssammanfattning',
  ovr: 'Övrigt dokument',
};

/**
 * Note types written during inpatient care (slutenvård): the inpatient note, the admission note,
 * the final note (which includes the discharge summary, epikris) and the old epikris, admission
 * and daily-note types.
 */
const INPATIENT_TYPES = new Set(['sva', 'ins', 'slu', 'epi', 'int', 'dag']);

export const isInpatientNoteType = (code: string | undefined): boolean => code !== undefined && INPATIENT_TYPES.has(code);

export const DEFAULT_NOTE_TITLE = 'Journalanteckning';

/** The KV Anteckningstyp code as a CodedValue. */
export const noteTypeCode = (code: string): CodedValue => ({
  code,
  codeSystem: NOTE_CODE_SYSTEM,
  codeSystemName: NOTE_CODE_SYSTEM_NAME,
  ...(NOTE_TYPES[code] !== undefined ? { displayName: NOTE_TYPES[code] } : {}),
});

// ---- Note text -------------------------------------------------------------------------------

/** After any leading declaration and comments: a start tag. */
const START_TAG = /^<([A-Za-z][\w:.-]*)(?:\s[^>]*)?\/?>/;

/**
 * Skips leading whitespace, an XML declaration and comments with indexOf, not a regex: a
 * backtracking pattern over producer text can be made to run for hours (ReDoS).
 */
function afterProlog(text: string): string {
  let i = 0;
  for (;;) {
    while (i < text.length && text.charCodeAt(i) <= 32) i++;
    const open = text.startsWith('<?', i) ? '?>' : text.startsWith('<!--', i) ? '-->' : undefined;
    if (open === undefined) return text.slice(i);
    const end = text.indexOf(open, i + 2);
    if (end === -1) return text.slice(i);
    i = end + open.length;
  }
}

/** Looks like markup: a start tag after the prolog, and a closing tag somewhere. */
const looksLikeMarkup = (raw: string): boolean => START_TAG.test(afterProlog(raw)) && /<\/[A-Za-z]|\/>/.test(raw);

/** Removes every `open ... close` span in one linear pass; an unclosed span is kept as text. */
function removeSpans(text: string, open: string, close: string, replace: (inner: string) => string = () => ''): string {
  let out = '';
  let from = 0;
  for (let start = text.indexOf(open); start !== -1; start = text.indexOf(open, from)) {
    const end = text.indexOf(close, start + open.length);
    if (end === -1) break;
    out += text.slice(from, start) + replace(text.slice(start + open.length, end));
    from = end + close.length;
  }
  return out + text.slice(from);
}

/** DocBook and XHTML elements that start a new line of their own. */
const BLOCKS = new Set([
  'article', 'book', 'chapter', 'section', 'sect1', 'sect2', 'sect3', 'sect4', 'sect5', 'simplesect', 'info', 'title',
  'subtitle', 'para', 'simpara', 'formalpara', 'bibliography', 'bibliodiv', 'bibliomixed', 'bibliomisc', 'itemizedlist',
  'orderedlist', 'variablelist', 'varlistentry', 'term', 'listitem', 'note', 'warning', 'caution', 'important', 'tip',
  'blockquote', 'literallayout', 'programlisting', 'screen', 'table', 'informaltable', 'tgroup', 'thead', 'tbody', 'row',
  'html', 'body', 'div', 'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'pre', 'tr', 'caption',
  'header', 'footer',
]);
const ITEMS = new Set(['listitem', 'li']);
const CELLS = new Set(['entry', 'td', 'th']);
const BREAKS = new Set(['br', 'sbr']);
/** Elements whose content is not note text. */
const SKIPPED = new Set(['script', 'style', 'head']);

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#\d+|[A-Za-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name] ?? whole;
  });
}

/**
 * Markup (DocBook 5, or the XHTML some producers send) as plain text: one line per block
 * (paragraph, title, list item as "• ..."), inline whitespace collapsed, entities decoded. A tag
 * walk rather than an XML parse, because the producer's inner markup is not always well-formed
 * and a note must never be lost over it.
 */
function markupToText(markup: string): string {
  // CDATA content is literal text: escape it so decoding below gives it back unchanged.
  const source = removeSpans(
    removeSpans(removeSpans(removeSpans(markup, '<?', '?>'), '<!--', '-->'), '<!DOCTYPE', '>'),
    '<![CDATA[',
    ']]>',
    (content) => content.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
  );
  const lines: string[] = [];
  let line = '';
  let bullet = false;
  let skipping = 0;
  const flush = () => {
    const value = line.replace(/\s+/g, ' ').trim();
    if (value !== '') {
      lines.push(bullet ? `• ${value}` : value);
      bullet = false;
    }
    line = '';
  };
  for (const token of source.match(/<[^>]*>|[^<]+|</g) ?? []) {
    const tag = /^<(\/?)([A-Za-z][\w:.-]*)[^>]*?(\/?)>$/.exec(token);
    if (!tag) {
      if (skipping === 0) line += decodeEntities(token === '<' ? '&lt;' : token);
      continue;
    }
    const [, closing, rawName, selfClosing] = tag;
    const name = rawName!.slice(rawName!.indexOf(':') + 1).toLowerCase();
    if (SKIPPED.has(name)) {
      if (selfClosing) continue;
      skipping = Math.max(0, skipping + (closing ? -1 : 1));
      continue;
    }
    if (skipping > 0) continue;
    if (BREAKS.has(name)) flush();
    else if (BLOCKS.has(name)) {
      flush();
      if (ITEMS.has(name) && !closing) bullet = true;
    } else if (CELLS.has(name) && !closing) line += ' ';
  }
  flush();
  return lines.join('\n');
}

/**
 * clinicalDocumentNoteText as plain text. The TKB allows plain text or DocBook (entity-encoded
 * into the string, so it arrives here as markup after XML parsing). Plain text keeps its line
 * breaks; undefined for an empty note.
 */
export function noteText(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const value = looksLikeMarkup(raw) ? markupToText(raw) : raw.replace(/\r\n?/g, '\n').trim();
  return value === '' ? undefined : value;
}

/** A dissenting opinion (avvikande mening) the patient added to a note, as one line: who, when, what. */
export function dissentingOpinionLine(node: XmlNode): string | undefined {
  const opinion = text(node, 'opinion');
  if (opinion === undefined) return undefined;
  const when = rivTime(text(node, 'authorTime'));
  const by = [text(node, 'personName'), when ? swedishDate(when) : undefined].filter((part) => part !== undefined).join(', ');
  return by === '' ? opinion : `${by}: ${opinion}`;
}

// ---- Locked without signature ------------------------------------------------------------------

/**
 * Before TKB 2.1.18 a note locked without signature was sent as a legalAuthenticator with only
 * signatureTime (the lock time); GetDiagnosis and GetAlertInformation signal it the same way. It
 * is not a signature: the item is unsigned and locked. Old producers still send it.
 */
export function applyLockConvention(header: HeaderFields, headerNode: XmlNode | undefined): HeaderFields & { readonly locked?: boolean } {
  const legal = child(headerNode, 'legalAuthenticator');
  if (!legal || text(legal, 'legalAuthenticatorHSAId') !== undefined || text(legal, 'legalAuthenticatorName') !== undefined) return header;
  if (!rivTime(text(legal, 'signatureTime'))) return header;
  const { signer: _signer, ...rest } = header;
  return { ...rest, signed: false, locked: true };
}
