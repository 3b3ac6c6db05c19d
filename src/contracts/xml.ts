import { XMLParser } from 'fast-xml-parser';
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

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Keep namespace declarations as attributes; strip prefixes from element names only.
  transformTagName: (name) => {
    const colon = name.indexOf(':');
    return colon === -1 ? name : name.slice(colon + 1);
  },
  isArray: (_name, _jpath, _isLeaf, isAttribute) => !isAttribute,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Only the five predefined entities; there is no DTD to declare others (we refuse DTDs).
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
  cdataPropName: false,
});

const DOCTYPE = /<!DOCTYPE/i;
const ENTITY = /<!ENTITY/i;

function depthOf(node: unknown, limit: number, depth = 0): number {
  if (depth > limit) return depth;
  let max = depth;
  if (node !== null && typeof node === 'object') {
    for (const value of Object.values(node as Record<string, unknown>)) {
      if (Array.isArray(value)) {
        for (const child of value) {
          if (typeof child === 'object') max = Math.max(max, depthOf(child, limit, depth + 1));
          if (max > limit) return max;
        }
      }
    }
  }
  return max;
}

export function parseXml(input: string | Buffer, limits: XmlLimits = DEFAULT_LIMITS): XmlResult {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (size > limits.maxBytes) {
    return { ok: false, problem: { kind: 'tooLarge', message: `XML is ${size} bytes; at most ${limits.maxBytes} accepted` } };
  }
  const text = typeof input === 'string' ? input : input.toString('utf8');
  if (DOCTYPE.test(text) || ENTITY.test(text)) {
    return { ok: false, problem: { kind: 'dtdForbidden', message: 'XML with a DOCTYPE or entity declaration is refused' } };
  }
  let root: XmlNode;
  try {
    // fast-xml-parser alone is lenient (it "parses" a truncated document); with validation on,
    // it refuses anything not well-formed, which a producer's response must be.
    root = parser.parse(text, true) as XmlNode;
  } catch (error) {
    const e = error as { message?: string; err?: { msg: string; line: number } };
    const why = e.err ? `line ${e.err.line}: ${e.err.msg}` : (e.message ?? String(error));
    return { ok: false, problem: { kind: 'malformed', message: `XML is malformed: ${why}` } };
  }
  if (depthOf(root, limits.maxDepth) > limits.maxDepth) {
    return { ok: false, problem: { kind: 'tooDeep', message: `XML is nested deeper than ${limits.maxDepth} levels` } };
  }
  return { ok: true, root };
}

// ---- Reading parsed elements -------------------------------------------------------------------

export const children = (node: XmlNode | undefined, name: string): XmlNode[] => {
  const value = node?.[name];
  if (!Array.isArray(value)) return [];
  // A leaf element with no attributes comes back as a bare string; wrap it.
  return value.map((v) => (typeof v === 'string' ? ({ '#text': v } as XmlNode) : v));
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

const RIV_TIME = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$/;

/**
 * RIV-TA TimeStampType (`YYYYMMDDhhmmss`, Swedish local time) or a date (`YYYYMMDD`) as an
 * instant; undefined when absent or not such a value.
 */
export function rivTime(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const m = RIV_TIME.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((p) => (p === undefined ? 0 : Number(p))) as number[];
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || s! > 59) return undefined;
  const date = fromSwedishWallClock(y!, mo!, d!, h!, mi!, s!);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The namespace a prefix-less lookup would need: every xmlns declaration on a node. */
export function namespaceDeclarations(node: XmlNode | undefined): string[] {
  if (!node) return [];
  return Object.entries(node)
    .filter(([k, v]) => (k === '@_xmlns' || k.startsWith('@_xmlns:')) && typeof v === 'string')
    .map(([, v]) => v as string);
}
