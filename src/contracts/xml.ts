import { fromSwedishWallClock } from '../domain/time.js';

/**
 * XML from producers is hostile until parsed: no DTD (so no entity expansion, no XXE), a size
 * limit before parsing and a depth limit after, and every failure a value, never a throw that
 * escapes. Element names are reduced to their local names; namespaces are read from the
 * declarations where a contract needs them.
 */

export const DEFAULT_LIMITS = { maxBytes: 20 * 1024 * 1024, maxDepth: 64 } as const;

export type XmlLimits = { readonly maxBytes: number; readonly maxDepth: number };

/** A parsed element: child elements by local name (always arrays), `#text`, and `@_attr`s. */
export type XmlNode = { readonly [name: string]: XmlNode[] | string | undefined };

export type XmlProblem =
  | { readonly kind: 'tooLarge'; readonly message: string }
  | { readonly kind: 'dtdForbidden'; readonly message: string }
  | { readonly kind: 'malformed'; readonly message: string }
  | { readonly kind: 'tooDeep'; readonly message: string };

export type XmlResult = { readonly ok: true; readonly root: XmlNode } | { readonly ok: false; readonly problem: XmlProblem };


class XmlSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(message);
  }
}

/** A DOCTYPE (and with it any entity declaration) is refused where it appears: no DTD is ever read. */
class DtdRefused extends XmlSyntaxError {
  constructor(position: number) {
    super('DOCTYPE and other declarations are refused', position);
  }
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined entities and character references; anything else is an error. */
function decode(raw: string, at: number): string {
  let amp = raw.indexOf('&');
  if (amp === -1) return raw;
  let out = '';
  let from = 0;
  while (amp !== -1) {
    const semi = raw.indexOf(';', amp);
    const ref = semi === -1 ? '' : raw.slice(amp + 1, semi);
    let ch: string | undefined = PREDEFINED[ref];
    if (ch === undefined && ref.startsWith('#')) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      const valid = /^#(x[0-9a-fA-F]{1,6}|[0-9]{1,7})$/.test(ref) && code > 0 && code <= 0x10ffff;
      ch = valid ? String.fromCodePoint(code) : undefined;
    }
    // The reference itself is not echoed: producer text may hold a personnummer.
    if (ch === undefined) throw new XmlSyntaxError('undefined or malformed entity reference', at + amp);
    out += raw.slice(from, amp) + ch;
    from = semi + 1;
    amp = raw.indexOf('&', from);
  }
  return out + raw.slice(from);
}

const NAME = /^[^\s<>/=!?"'0-9.\-@#][^\s<>/=!?"']*$/;
const ATTRIBUTE = /\s+([^\s=/>"']+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
function blank(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false;
  }
  return true;
}

interface Frame {
  readonly name: string;
  readonly node: Record<string, unknown>;
  text: string;
}

/**
 * A strict, non-validating XML reader written for producer responses: well-formedness is
 * checked (balanced tags, one root, quoted attributes, known entities), DTDs are refused, depth
 * is limited while reading. It does only what RIV-TA messages need, which makes it several times
 * faster than general parsers on the large responses of the fan-out.
 */
function readXml(text: string, maxDepth: number): XmlNode {
  const doc: Record<string, unknown> = {};
  const stack: Frame[] = [{ name: '', node: doc, text: '' }];
  const localNames = new Map<string, string>();
  let sawRoot = false;
  let i = 0;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    const lt = text.indexOf('<', i);
    const stop = lt === -1 ? n : lt;
    if (stop > i) {
      const top = stack[stack.length - 1]!;
      // Indentation between elements is most of the text in a message; skip it without copying.
      if (top.text !== '' || !blank(text, i, stop)) {
        if (stack.length === 1) throw new XmlSyntaxError('text outside the root element', i);
        top.text += decode(text.slice(i, stop), i);
      }
    }
    if (lt === -1) break;
    const next = text.charCodeAt(lt + 1);
    if (next === 47 /* / */) {
      const gt = text.indexOf('>', lt);
      if (gt === -1) throw new XmlSyntaxError('unterminated end tag', lt);
      const top = stack.pop()!;
      // Compare in place: no string is made for a matching end tag.
      const after = lt + 2 + top.name.length;
      if (stack.length === 0 || !text.startsWith(top.name, lt + 2) || !blank(text, after, gt)) {
        const name = text.slice(lt + 2, gt).trimEnd();
        throw new XmlSyntaxError(`end tag </${name}> does not match ${top.name ? `<${top.name}>` : 'any open element'}`, lt);
      }
      if (top.text !== '') {
        const value = top.text.trim();
        if (value !== '') top.node['#text'] = value;
      }
      i = gt + 1;
    } else if (next === 63 /* ? */) {
      const end = text.indexOf('?>', lt);
      if (end === -1) throw new XmlSyntaxError('unterminated processing instruction', lt);
      i = end + 2;
    } else if (next === 33 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        const end = text.indexOf('-->', lt + 4);
        if (end === -1) throw new XmlSyntaxError('unterminated comment', lt);
        i = end + 3;
      } else if (text.startsWith('<![CDATA[', lt)) {
        const end = text.indexOf(']]>', lt + 9);
        if (end === -1) throw new XmlSyntaxError('unterminated CDATA section', lt);
        if (stack.length === 1) throw new XmlSyntaxError('CDATA outside the root element', lt);
        stack[stack.length - 1]!.text += text.slice(lt + 9, end);
        i = end + 3;
      } else {
        throw new DtdRefused(lt);
      }
    } else {
      // Start tag: its end is the next '>' unless a quoted attribute value holds one.
      let j = text.indexOf('>', lt + 1);
      if (j === -1) throw new XmlSyntaxError('unterminated start tag', lt);
      let quoted = false;
      for (let k = lt + 1; k < j; k++) {
        const c = text.charCodeAt(k);
        if (c === 34 || c === 39) {
          quoted = true;
          break;
        }
      }
      if (quoted) {
        let quote = 0;
        for (j = lt + 1; j < n; j++) {
          const c = text.charCodeAt(j);
          if (quote !== 0) {
            if (c === quote) quote = 0;
          } else if (c === 34 || c === 39) quote = c;
          else if (c === 62 /* > */) break;
        }
        if (j >= n) throw new XmlSyntaxError('unterminated start tag', lt);
      }
      const bad = text.indexOf('<', lt + 1);
      if (bad !== -1 && bad < j) throw new XmlSyntaxError('"<" inside a tag', bad);
      const selfClosing = text.charCodeAt(j - 1) === 47;
      const tagEnd = selfClosing ? j - 1 : j;
      let nameEnd = lt + 1;
      while (nameEnd < tagEnd && text.charCodeAt(nameEnd) > 32) nameEnd++;
      const name = text.slice(lt + 1, nameEnd);
      // Names repeat thousands of times in a message: check each once, remember its local part.
      let local = localNames.get(name);
      if (local === undefined) {
        if (!NAME.test(name)) throw new XmlSyntaxError(`invalid element name "${name.slice(0, 40)}"`, lt);
        const colon = name.indexOf(':');
        local = colon === -1 ? name : name.slice(colon + 1);
        localNames.set(name, local);
      }
      if (stack.length === 1 && sawRoot) throw new XmlSyntaxError('more than one root element', lt);
      sawRoot = true;
      const node: Record<string, unknown> = {};
      if (!blank(text, nameEnd, tagEnd)) {
        const rest = text.slice(nameEnd, tagEnd);
        ATTRIBUTE.lastIndex = 0;
        let consumed = 0;
        let m: RegExpExecArray | null;
        while ((m = ATTRIBUTE.exec(rest)) !== null) {
          const key = `@_${m[1]}`;
          if (key in node) throw new XmlSyntaxError(`attribute ${m[1]} repeated`, lt);
          node[key] = decode(m[2] ?? m[3] ?? '', lt);
          consumed = ATTRIBUTE.lastIndex;
        }
        if (rest.slice(consumed).trim() !== '') throw new XmlSyntaxError(`malformed attributes in <${name}>`, lt);
      }
      const parent = stack[stack.length - 1]!.node;
      // Own properties only, so names such as "constructor" or "__proto__" are just names (plain
      // objects stay in V8's fast mode; prototype-less ones would not).
      const siblings = parent[local];
      if (Array.isArray(siblings)) siblings.push(node);
      else if (siblings === undefined) parent[local] = [node];
      // An inherited name (constructor, toString, __proto__): an own property shadows it.
      else Object.defineProperty(parent, local, { value: [node], enumerable: true, writable: true, configurable: true });
      if (!selfClosing) {
        if (stack.length > maxDepth) throw new XmlSyntaxError(`nested deeper than ${maxDepth} levels`, lt);
        stack.push({ name, node, text: '' });
      }
      i = j + 1;
    }
  }
  if (stack.length > 1) throw new XmlSyntaxError(`<${stack[stack.length - 1]!.name}> is not closed`, n);
  if (!sawRoot) throw new XmlSyntaxError('no root element', 0);
  return doc as XmlNode;
}

const lineOf = (text: string, position: number) => {
  let line = 1;
  for (let k = text.indexOf('\n'); k !== -1 && k < position; k = text.indexOf('\n', k + 1)) line++;
  return line;
};

const DECLARED_ENCODING = /^\uFEFF?<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/;
const LATIN1 = new Set(['iso-8859-1', 'latin1', 'l1', 'windows-1252', 'cp1252']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes to text by the declared encoding: UTF-8 (the default, decoded strictly) or Latin-1 /
 * Windows-1252, which older Swedish systems still send. Anything else is refused rather than
 * read as garbled text.
 */
function decodeBytes(bytes: Buffer): { ok: true; text: string } | { ok: false; message: string } {
  const head = bytes.subarray(0, 200).toString('latin1');
  const declared = DECLARED_ENCODING.exec(head)?.[1]?.toLowerCase();
  if (declared === undefined || declared === 'utf-8' || declared === 'utf8') {
    try {
      return { ok: true, text: utf8.decode(bytes) };
    } catch {
      return { ok: false, message: 'XML is not valid UTF-8 (and declares no other encoding)' };
    }
  }
  if (LATIN1.has(declared)) return { ok: true, text: new TextDecoder('windows-1252').decode(bytes) };
  return { ok: false, message: `XML declares encoding ${declared}; only UTF-8 and ISO-8859-1/Windows-1252 are read` };
}

export function parseXml(input: string | Buffer, limits: XmlLimits = DEFAULT_LIMITS): XmlResult {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (size > limits.maxBytes) {
    return { ok: false, problem: { kind: 'tooLarge', message: `XML is ${size} bytes; at most ${limits.maxBytes} accepted` } };
  }
  const decoded = typeof input === 'string' ? { ok: true as const, text: input } : decodeBytes(input);
  if (!decoded.ok) return { ok: false, problem: { kind: 'malformed', message: decoded.message } };
  const text = decoded.text;
  try {
    return { ok: true, root: readXml(text, limits.maxDepth) };
  } catch (error) {
    if (error instanceof DtdRefused) {
      return { ok: false, problem: { kind: 'dtdForbidden', message: 'XML with a DOCTYPE or entity declaration is refused' } };
    }
    if (error instanceof XmlSyntaxError) {
      const kind = error.message.startsWith('nested deeper') ? 'tooDeep' : 'malformed';
      return { ok: false, problem: { kind, message: `XML is malformed at line ${lineOf(text, error.position)}: ${error.message}` } };
    }
    return { ok: false, problem: { kind: 'malformed', message: `XML is malformed: ${(error as Error).message}` } };
  }
}

// ---- Reading parsed elements -------------------------------------------------------------------

const NONE: XmlNode[] = [];

export const children = (node: XmlNode | undefined, name: string): XmlNode[] => {
  const value = node?.[name];
  return Array.isArray(value) ? value : NONE;
};

export const child = (node: XmlNode | undefined, name: string): XmlNode | undefined => children(node, name)[0];

/** Text of an element (or of a named child); undefined when absent or empty. */
export function text(node: XmlNode | undefined, name?: string): string | undefined {
  const target = name === undefined ? node : child(node, name);
  if (target === undefined) return undefined;
  const raw = (target as Record<string, unknown>)['#text'];
  const value = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : undefined;
  return value === undefined || value === '' ? undefined : value;
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}

/** xs:boolean: true/false/1/0; undefined for absent or anything else. */
export function bool(node: XmlNode | undefined, name: string): boolean | undefined {
  const value = text(node, name);
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return undefined;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (y: number, m: number) => (m === 2 && (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 29 : DAYS[m - 1]!);

const RIV_TIME = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$/;

/**
 * RIV-TA TimeStampType (`YYYYMMDDhhmmss`, Swedish local time) or a date (`YYYYMMDD`) as an
 * instant; undefined when absent or not such a value.
 */
export function rivTime(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const m = RIV_TIME.exec(value);
  if (!m) return undefined;
  // One call per item of every answer: read the groups without making arrays.
  const y = +m[1]!, mo = +m[2]!, d = +m[3]!;
  const h = m[4] === undefined ? 0 : +m[4], mi = m[5] === undefined ? 0 : +m[5], s = m[6] === undefined ? 0 : +m[6];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  const date = fromSwedishWallClock(y, mo, d, h, mi, s);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The namespace a prefix-less lookup would need: every xmlns declaration on a node. */
export function namespaceDeclarations(node: XmlNode | undefined): string[] {
  if (!node) return [];
  return Object.entries(node)
    .filter(([k, v]) => (k === '@_xmlns' || k.startsWith('@_xmlns:')) && typeof v === 'string')
    .map(([, v]) => v as string);
}
