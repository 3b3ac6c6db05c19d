import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bool, child, children, parseXml, rivTime, text } from './xml.js';

const ok = (xml: string) => {
  const r = parseXml(xml);
  if (!r.ok) throw new Error(r.problem.message);
  return r.root;
};
const problem = (xml: string, limits?: { maxBytes: number; maxDepth: number }) => {
  const r = parseXml(xml, limits);
  if (r.ok) throw new Error('expected a refusal');
  return r.problem;
};

describe('reading producer XML', () => {
  it('reads elements by local name, attributes, text, CDATA, entities and character references', () => {
    const root = ok('\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><a:r xmlns:a="urn:x" id=\'1\' note="a > b"><a:v>1 &amp; 2 &lt;3&gt; &#229;&#xE4;</a:v><a:v><![CDATA[<ok>&]]></a:v><a:e/><b>  padded  </b></a:r>');
    const r = child(root, 'r');
    expect(r?.['@_xmlns:a']).toBe('urn:x');
    expect(r?.['@_note']).toBe('a > b');
    expect(children(r, 'v').map((v) => text(v))).toEqual(['1 & 2 <3> åä', '<ok>&']);
    expect(child(r, 'e')).toEqual({});
    expect(text(r, 'b')).toBe('padded');
    expect(text(r, 'missing')).toBeUndefined();
  });

  it.each([
    ['XXE', '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>', 'dtdForbidden'],
    ['billion laughs', '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><lolz>&lol2;</lolz>', 'dtdForbidden'],
    ['an undeclared entity', '<r>&nbsp;</r>', 'malformed'],
    ['a bare ampersand', '<r>a & b</r>', 'malformed'],
    ['mismatched tags', '<r><a></b></r>', 'malformed'],
    ['a truncated document', '<r><a>text', 'malformed'],
    ['two roots', '<r/><s/>', 'malformed'],
    ['text outside the root', 'junk<r/>', 'malformed'],
    ['an unquoted attribute', '<r a=1/>', 'malformed'],
    ['a repeated attribute', '<r a="1" a="2"/>', 'malformed'],
    ['"<" in an attribute value', '<r a="<"/>', 'malformed'],
    ['an empty document', '', 'malformed'],
    ['HTML', '<html><body><p>Service Unavailable<br></p></body></html>', 'malformed'],
    ['deep nesting', `${'<a>'.repeat(200)}${'</a>'.repeat(200)}`, 'tooDeep'],
  ])('refuses %s with a clear message', (_name, xml, kind) => {
    const p = problem(xml);
    expect(p.kind).toBe(kind);
    expect(p.message.length).toBeGreaterThan(10);
  });

  it('refuses a document over the size limit before reading it', () => {
    expect(problem('<r>' + 'x'.repeat(2000) + '</r>', { maxBytes: 1000, maxDepth: 10 }).kind).toBe('tooLarge');
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[<>a-z/="'!&;?\[\] -]{0,60}$/)), (s) => {
        expect(() => parseXml(s)).not.toThrow();
      }),
      { numRuns: 3000 },
    );
  });

  it('reads RIV-TA timestamps and booleans', () => {
    expect(rivTime('20261123093000')?.toISOString()).toBe('2026-11-23T08:30:00.000Z');
    expect(rivTime('20260701')?.toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(rivTime('2026-11-23')).toBeUndefined();
    expect(rivTime('20261323000000')).toBeUndefined();
    const r = child(ok('<r><t>true</t><f>0</f><x>yes</x></r>'), 'r');
    expect([bool(r, 't'), bool(r, 'f'), bool(r, 'x'), bool(r, 'none')]).toEqual([true, false, undefined, undefined]);
  });
});

describe('what the review found', () => {
  it('does not echo an entity reference, which may hold a personnummer', () => {
    const p = problem('<r>&19121212-1212;</r>');
    expect(p.message).not.toMatch(/1212/);
  });

  it('treats element names like constructor and __proto__ as plain names', () => {
    const root = ok('<r><constructor>a</constructor><__proto__>b</__proto__><toString/></r>');
    expect(text(child(root, 'r'), 'constructor')).toBe('a');
    expect(text(child(root, 'r'), '__proto__')).toBe('b');
    expect(problem('<r><@_x/></r>').kind).toBe('malformed');
  });

  it('refuses impossible RIV dates', () => {
    expect(rivTime('20260231')).toBeUndefined();
    expect(rivTime('20240229120000')?.toISOString()).toBe('2024-02-29T11:00:00.000Z');
  });
});

describe('encodings', () => {
  it('reads UTF-8 strictly and Latin-1 when declared, and refuses other encodings', () => {
    const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><r>Läkare Åsa</r>', 'latin1');
    const r = parseXml(latin1);
    expect(r.ok && text(child(r.root, 'r'))).toBe('Läkare Åsa');
    const utf8 = parseXml(Buffer.from('<r>Läkare Åsa</r>', 'utf8'));
    expect(utf8.ok && text(child(utf8.root, 'r'))).toBe('Läkare Åsa');
    const undeclaredLatin1 = parseXml(Buffer.from('<r>Läkare</r>', 'latin1'));
    expect(undeclaredLatin1).toMatchObject({ ok: false, problem: { message: expect.stringMatching(/not valid UTF-8/) } });
    expect(parseXml(Buffer.from('<?xml version="1.0" encoding="UTF-16"?><r/>'))).toMatchObject({ ok: false, problem: { message: expect.stringMatching(/encoding utf-16/) } });
  });
});
