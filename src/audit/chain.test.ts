import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJournalenError } from '../errors/index.js';
import { auditEntryHash, canonicalJson, type ChainedFields, GENESIS_HASH, toJsonObject } from './chain.js';

const entry: ChainedFields = {
  seq: 1,
  at: new Date('2026-11-23T09:30:00.123Z'),
  kind: 'recordRead',
  actor: '191212121212',
  actorRole: 'self',
  actorName: null,
  subject: '191212121212',
  details: { informationTypes: ['note', 'labResult'], sources: [{ careUnitHsaId: 'SE2321000016-15CQ', careUnitName: 'Vårdcentralen Åsen' }] },
  prevHash: GENESIS_HASH,
};

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: null } })).toBe('{"a":{"c":null,"d":[3,1]},"b":1}');
    expect(canonicalJson({ a: { c: null, d: [3, 1] }, b: 1 })).toBe(canonicalJson({ b: 1, a: { d: [3, 1], c: null } }));
  });

  it('sorts by UTF-16 code units and leaves out undefined properties, as JSON does', () => {
    expect(canonicalJson({ ö: 1, z: 2, Z: 3, x: undefined })).toBe('{"Z":3,"z":2,"ö":1}');
  });

  it('refuses what is not JSON', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson(1n)).toThrow(TypeError);
  });
});

describe('auditEntryHash', () => {
  it('is pinned: a change to the serialisation would orphan every stored chain', () => {
    // Also computed outside the code: printf '%s' '<this text>' | sha256sum
    const text =
      '{"actor":{"id":"191212121212","name":null,"role":"self"},"at":"2026-11-23T09:30:00.123Z",' +
      '"details":{"informationTypes":["note","labResult"],"sources":[{"careUnitHsaId":"SE2321000016-15CQ","careUnitName":"Vårdcentralen Åsen"}]},' +
      `"format":"journalen-audit/1","kind":"recordRead","prevHash":"${GENESIS_HASH}","seq":1,"subject":"191212121212"}`;
    expect(createHash('sha256').update(text).digest('hex')).toBe('b5c66548837fa81619778a73a7ac6907ae3c8183be36b9e6985648b3a2b5eaba');
    expect(auditEntryHash(entry)).toBe('b5c66548837fa81619778a73a7ac6907ae3c8183be36b9e6985648b3a2b5eaba');
  });

  it('changes with every covered field', () => {
    const base = auditEntryHash(entry);
    const variants: Partial<ChainedFields>[] = [
      { seq: 2 },
      { at: new Date('2026-11-23T09:30:00.124Z') },
      { kind: 'itemRead' },
      { actor: '191212121213' },
      { actorRole: 'guardian' },
      { actorName: 'Tolvan' },
      { subject: null },
      { details: { ...entry.details, informationTypes: ['note'] } },
      { prevHash: 'f'.repeat(64) },
    ];
    for (const variant of variants) expect(auditEntryHash({ ...entry, ...variant })).not.toBe(base);
  });

  it('is the same for details as written and as jsonb gives them back (any key order, through JSON)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 })), (raw) => {
        let details: Record<string, unknown>;
        try {
          details = toJsonObject(raw, 'details');
        } catch {
          return; // U+0000 or a lone surrogate: refused before it reaches the hash
        }
        const reversed = JSON.parse(JSON.stringify(details, Object.keys(details).reverse())) as Record<string, unknown>;
        const roundTripped = JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
        const hash = auditEntryHash({ ...entry, details });
        expect(auditEntryHash({ ...entry, details: roundTripped })).toBe(hash);
        expect(auditEntryHash({ ...entry, details: { ...reversed, ...roundTripped } })).toBe(hash);
      }),
    );
  });
});

describe('toJsonObject', () => {
  it('copies, so a later change by the caller cannot split the hash from the row', () => {
    const details = { sources: [{ careUnitHsaId: 'SE1' }] };
    const copy = toJsonObject(details, 'details');
    details.sources[0]!.careUnitHsaId = 'SE2';
    expect(copy).toEqual({ sources: [{ careUnitHsaId: 'SE1' }] });
  });

  it('keeps a __proto__ key as data, as jsonb does', () => {
    const copy = toJsonObject(JSON.parse('{"__proto__": {"x": 1}}'), 'details');
    expect(Object.keys(copy)).toEqual(['__proto__']);
    expect(canonicalJson(copy)).toBe('{"__proto__":{"x":1}}');
  });

  it.each([
    ['a Date', { when: new Date() }, 'details.when'],
    ['NaN', { n: Number.NaN }, 'details.n'],
    ['a bigint', { n: 1n }, 'details.n'],
    ['U+0000', { s: 'a\u0000b' }, 'details.s'],
    ['an unpaired surrogate', { s: '\ud800' }, 'details.s'],
    ['undefined in a list', { list: [1, undefined] }, 'details.list[1]'],
    ['a list at the top', [], 'details'],
    ['a class instance', new Map(), 'details'],
  ])('refuses %s, naming the field and not the value', (_what, value, field) => {
    let caught: unknown;
    try {
      toJsonObject(value, 'details');
    } catch (error) {
      caught = error;
    }
    expect(isJournalenError(caught, 'INTERNAL')).toBe(true);
    expect((caught as Error).message).toContain(field);
  });

  it('refuses a cycle', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => toJsonObject(cyclic, 'details')).toThrow(/deeper than/);
  });
});
