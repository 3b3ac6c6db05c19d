import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INFO_TYPES, RESULT_INFO_TYPES, type DisclosableItem, type ResultInfoType } from '../domain/record.js';
import { addDays, fromSwedishWallClock, swedishDate } from '../domain/time.js';
import { DEFAULT_POLICIES } from './defaults.js';
import { evaluate } from './engine.js';
import type { Basis, Delay, DisclosurePolicy, ResultRule, UnsignedNotesRule, ViewerChoices } from './policy.js';

/**
 * Properties over arbitrary rule sets, not only the 21 defaults: whatever an administrator
 * configures, these must hold.
 */

const admin: Basis = { kind: 'administrator' };
const UNITS = ['SE2321000016-AAA1', 'SE2321000016-BBB2', 'SE2321000131-CCC3'];
const KEYWORDS = ['Tidiga hypoteser', 'Våldsutsatt', 'Tredje person', 'Status', 'Bedömning'];
const TEMPLATES = ['Oro för att barn far illa', 'Besöksanteckning', 'Inskrivning'];
const SPECIALTIES = ['psychiatry', 'surgery', 'paediatrics'];

const MIN = new Date('2008-01-01T00:00:00Z');
const MAX = new Date('2032-12-31T00:00:00Z');
const instant = fc.date({ min: MIN, max: MAX, noInvalidDate: true });
const isoDate = instant.map((d) => swedishDate(d));

const delay: fc.Arbitrary<Delay> = fc.oneof(
  fc.constant<Delay>({ kind: 'immediately' }),
  fc.constant<Delay>({ kind: 'never' }),
  fc.integer({ min: 0, max: 90 }).map((days): Delay => ({ kind: 'afterDays', days })),
);

const unsignedRule: fc.Arbitrary<UnsignedNotesRule> = fc.oneof(
  fc.constant<UnsignedNotesRule>({ kind: 'immediately', basis: admin }),
  fc.constant<UnsignedNotesRule>({ kind: 'never', basis: admin }),
  fc.constant<UnsignedNotesRule>({ kind: 'residentChoice', basis: admin }),
  fc.record({ days: fc.integer({ min: 0, max: 60 }), requiresLock: fc.boolean() }).map(
    ({ days, requiresLock }): UnsignedNotesRule => ({ kind: 'afterDays', days, requiresLock, basis: admin }),
  ),
);

const resultRule: fc.Arbitrary<ResultRule> = fc.record({ validated: delay, unvalidated: delay }).map((r) => ({ ...r, basis: admin }));

const scope = fc.constantFrom('allNotes', 'signedNotes', 'unsignedNotes') as fc.Arbitrary<'allNotes' | 'signedNotes' | 'unsignedNotes'>;

const policy: fc.Arbitrary<DisclosurePolicy> = fc.record({
  base: fc.constantFrom(...DEFAULT_POLICIES),
  radrum: fc.oneof(
    fc.constant({ kind: 'none' as const, basis: admin }),
    fc.record({ days: fc.integer({ min: 1, max: 60 }), appliesTo: scope, kind: fc.constantFrom('mandatory' as const, 'residentChoice' as const) })
      .map((r) => ({ ...r, basis: admin })),
  ),
  signed: delay,
  unsigned: unsignedRule,
  results: fc.tuple(resultRule, resultRule, resultRule),
  hidden: fc.subarray([...INFO_TYPES], { maxLength: 2 }),
  startDates: fc.array(fc.record({ infoTypes: fc.subarray([...INFO_TYPES], { minLength: 1 }), from: isoDate }), { maxLength: 2 }),
  scoped: fc.array(
    fc.record({
      infoTypes: fc.subarray([...INFO_TYPES], { minLength: 1 }),
      specialty: fc.option(fc.constantFrom(...SPECIALTIES), { nil: undefined }),
      inpatient: fc.option(fc.boolean(), { nil: undefined }),
      days: fc.integer({ min: 0, max: 60 }),
    }),
    { maxLength: 2 },
  ),
  units: fc.subarray(UNITS, { maxLength: 2 }),
  keywords: fc.subarray(KEYWORDS, { maxLength: 2 }),
  templates: fc.subarray(TEMPLATES, { maxLength: 1 }),
}).map((p): DisclosurePolicy => ({
  ...p.base,
  radrum: p.radrum,
  signedNotes: { delay: p.signed, basis: admin },
  unsignedNotes: p.unsigned,
  results: Object.fromEntries(RESULT_INFO_TYPES.map((t, i) => [t, p.results[i]!])) as Record<ResultInfoType, ResultRule>,
  hiddenInfoTypes: p.hidden.map((infoType) => ({ infoType, basis: admin })),
  startDates: p.startDates.map((s) => ({ ...s, basis: admin })),
  scopedDelays: p.scoped.map((s) => ({ ...s, label: { sv: 'avgränsade anteckningar', en: 'scoped notes' }, basis: admin })),
  excludedCareUnits: p.units.map((hsaId) => ({ hsaId, basis: admin })),
  excludedKeywords: p.keywords.map((value) => ({ value, basis: admin })),
  excludedTemplates: p.templates.map((value) => ({ value, basis: admin })),
}));

const item: fc.Arbitrary<DisclosableItem> = fc.record(
  {
    id: fc.string({ minLength: 1, maxLength: 8 }),
    infoType: fc.constantFrom(...INFO_TYPES),
    time: instant,
    signed: fc.boolean(),
    locked: fc.option(fc.boolean(), { nil: undefined }),
    validated: fc.option(fc.boolean(), { nil: undefined }),
    approvedForPatient: fc.boolean(),
    nullified: fc.option(fc.boolean(), { nil: undefined }),
    specialty: fc.option(fc.constantFrom(...SPECIALTIES), { nil: undefined }),
    inpatient: fc.option(fc.boolean(), { nil: undefined }),
    careUnitHsaId: fc.option(fc.constantFrom(...UNITS), { nil: undefined }),
    keywords: fc.option(fc.subarray(KEYWORDS), { nil: undefined }),
    template: fc.option(fc.constantFrom(...TEMPLATES), { nil: undefined }),
  },
  { requiredKeys: ['id', 'infoType', 'time', 'signed', 'approvedForPatient'] },
);

const choices: fc.Arbitrary<ViewerChoices> = fc.record({ showUnsigned: fc.boolean(), hideRecent: fc.boolean() });

const runs = { numRuns: 3000 };

describe('disclosure engine properties', () => {
  it('never shows an item the producer has not approved for the patient', () => {
    fc.assert(
      fc.property(item, policy, choices, instant, (i, p, c, now) => {
        const d = evaluate({ ...i, approvedForPatient: false }, p, c, now);
        expect(d.visible).toBe(false);
        expect(d.visibleFrom).toBe(null);
        expect(d.reason.code).toBe('NOT_APPROVED_FOR_PATIENT');
      }),
      runs,
    );
  });

  it('never takes back what it has shown as time passes', () => {
    fc.assert(
      fc.property(item, policy, choices, instant, instant, (i, p, c, a, b) => {
        const [earlier, later] = a <= b ? [a, b] : [b, a];
        if (evaluate(i, p, c, earlier).visible) expect(evaluate(i, p, c, later).visible).toBe(true);
      }),
      runs,
    );
  });

  it('explains every hidden item, in Swedish and English, naming a clause that applied', () => {
    fc.assert(
      fc.property(item, policy, choices, instant, (i, p, c, now) => {
        const d = evaluate(i, p, c, now);
        expect(d.reason.sv.length).toBeGreaterThan(10);
        expect(d.reason.en.length).toBeGreaterThan(10);
        if (!d.visible) {
          expect(d.reason.code).not.toBe('SHOWN');
          expect(d.constraints[0]?.code).toBe(d.reason.code);
        }
      }),
      runs,
    );
  });

  it('keeps its promise: an item hidden until a date is shown on that date, not before', () => {
    fc.assert(
      fc.property(item, policy, choices, instant, (i, p, c, now) => {
        const d = evaluate(i, p, c, now);
        if (d.visibleFrom === null) return;
        expect(d.visible).toBe(false);
        expect(d.visibleFrom > swedishDate(now)).toBe(true);
        const [y, m, day] = d.visibleFrom.split('-').map(Number) as [number, number, number];
        expect(evaluate(i, p, c, fromSwedishWallClock(y, m, day, 0, 0)).visible).toBe(true);
        expect(evaluate(i, p, c, fromSwedishWallClock(y, m, day, 0, 0, 0, -1)).visible).toBe(false);
      }),
      runs,
    );
  });

  it('shows nothing with a "never" clause, and nothing before its date', () => {
    fc.assert(
      fc.property(item, policy, choices, instant, (i, p, c, now) => {
        const d = evaluate(i, p, c, now);
        if (!d.visible) return;
        for (const constraint of d.constraints) {
          expect(constraint.effect.kind).toBe('from');
          if (constraint.effect.kind === 'from') expect(constraint.effect.date <= swedishDate(now)).toBe(true);
        }
      }),
      runs,
    );
  });

  it('hides everything newer than 14 days when the resident chooses so', () => {
    fc.assert(
      fc.property(item, policy, instant, (i, p, now) => {
        const d = evaluate(i, p, { showUnsigned: false, hideRecent: true }, now);
        if (swedishDate(now) < addDays(swedishDate(i.time), 14)) expect(d.visible).toBe(false);
      }),
      runs,
    );
  });

  it('is deterministic and does not depend on the item id', () => {
    fc.assert(
      fc.property(item, policy, choices, instant, fc.string(), (i, p, c, now, otherId) => {
        expect(evaluate({ ...i, id: otherId }, p, c, now)).toEqual(evaluate(i, p, c, now));
      }),
      { numRuns: 500 },
    );
  });
});
