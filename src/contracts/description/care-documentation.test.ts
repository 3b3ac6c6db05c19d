import { describe, expect, it } from 'vitest';
import { child, parseXml, text } from '../xml.js';
import { applyLockConvention, isInpatientNoteType, noteText, noteTypeCode } from './care-documentation.js';
import type { HeaderFields } from '../patient-summary-header.js';

describe('note text', () => {
  it('keeps plain text as it is, line breaks included', () => {
    expect(noteText('Besvär sedan två veckor.\r\nFeber 38,5.\n')).toBe('Besvär sedan två veckor.\nFeber 38,5.');
    expect(noteText('åäö<>><&')).toBe('åäö<>><&');
    expect(noteText('Hb < 100 och CRP > 50')).toBe('Hb < 100 och CRP > 50');
    expect(noteText('   ')).toBeUndefined();
    expect(noteText(undefined)).toBeUndefined();
  });

  it('turns DocBook into one line per block, lists as bullets', () => {
    const docbook = `<?xml version="1.0"?>
<article>
  <info><title>Besök på vårdcentralen</title></info>
  <para>Patienten   söker för
     hosta.</para>
  <section>
    <title>Bedömning</title>
    <para>Trolig <emphasis>virusinfektion</emphasis>, &lt;5 dagar &amp;lt; 7.</para>
    <itemizedlist mark='opencircle'>
      <listitem><para>Vila</para></listitem>
      <listitem override='bullet'><para>Åter vid feber</para></listitem>
    </itemizedlist>
  </section>
</article>`;
    expect(noteText(docbook)).toBe(
      'Besök på vårdcentralen\nPatienten söker för hosta.\nBedömning\nTrolig virusinfektion, <5 dagar &lt; 7.\n• Vila\n• Åter vid feber',
    );
  });

  it('reads the XHTML some producers send, without scripts or styles', () => {
    expect(noteText('<div><p>Rad ett<br/>rad två</p><style>p{}</style><ul><li>a</li><li>b</li></ul><script>alert(1)</script></div>')).toBe(
      'Rad ett\nrad två\n• a\n• b',
    );
  });

  it('decodes the entity-encoded DocBook of the official sample after XML parsing', () => {
    const parsed = parseXml('<t>&lt;article&gt;&lt;para&gt;A &amp;amp; B&lt;/para&gt;&lt;![CDATA[&lt;x&gt; &amp; y]]&gt;&lt;/article&gt;</t>');
    expect(parsed.ok).toBe(true);
    const raw = parsed.ok ? text(child(parsed.root, 't')) : undefined;
    expect(noteText(raw)).toBe('A & B\n<x> & y');
  });
});

describe('note types', () => {
  it('names KV Anteckningstyp codes and knows the inpatient ones', () => {
    expect(noteTypeCode('bes')).toEqual({ code: 'bes', codeSystem: '1.2.752.129.2.2.2.11', codeSystemName: 'KV Anteckningstyp', displayName: 'Besöksanteckning' });
    expect(noteTypeCode('new')).toEqual({ code: 'new', codeSystem: '1.2.752.129.2.2.2.11', codeSystemName: 'KV Anteckningstyp' });
    for (const code of ['sva', 'ins', 'slu', 'epi', 'int', 'dag']) expect(isInpatientNoteType(code)).toBe(true);
    for (const code of ['bes', 'auf', 'utr', 'atb', 'sam', 'sao', 'ova', undefined]) expect(isInpatientNoteType(code)).toBe(false);
  });
});

describe('locked without signature (legalAuthenticator with only signatureTime)', () => {
  const header: HeaderFields = {
    id: 'd1', patientId: '191212121212', careGiver: {}, careUnit: {}, signed: true, approvedForPatient: true,
    signer: { time: new Date('2020-01-01T10:00:00Z') },
  };
  const node = (inner: string) => {
    const parsed = parseXml(`<h><legalAuthenticator>${inner}</legalAuthenticator></h>`);
    return parsed.ok ? (parsed.root['h'] as never[])[0] : undefined;
  };

  it('is unsigned and locked', () => {
    const locked = applyLockConvention(header, node('<signatureTime>20200101110000</signatureTime>'));
    expect(locked).toMatchObject({ signed: false, locked: true });
    expect(locked).not.toHaveProperty('signer');
  });

  it('leaves a real signature alone', () => {
    expect(applyLockConvention(header, node('<signatureTime>20200101110000</signatureTime><legalAuthenticatorName>Dr A</legalAuthenticatorName>'))).toBe(header);
    expect(applyLockConvention(header, node('<signatureTime>20200101110000</signatureTime><legalAuthenticatorHSAId>SE1</legalAuthenticatorHSAId>'))).toBe(header);
    expect(applyLockConvention({ ...header, signed: false }, undefined)).toEqual({ ...header, signed: false });
  });
});

describe('note text from a hostile producer', () => {
  it('reads crafted markup in linear time (no catastrophic backtracking)', () => {
    const started = performance.now();
    noteText(`${'<!---->'.repeat(40)}!</p>`);
    noteText('<?'.repeat(100_000));
    noteText(`${'<!--'.repeat(100_000)}x</p>`);
    noteText(`<p>${'<![CDATA['.repeat(50_000)}</p>`);
    // Each of these took seconds to hours with the backtracking patterns; now milliseconds.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(noteText('<?xml version="1.0"?><!-- c --><para>Hej <emphasis>du</emphasis></para>')).toBe('Hej du');
  });
});
