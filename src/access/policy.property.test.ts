import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { luhnCheckDigit } from '../domain/identifiers/index.js';
import { addDays, type IsoDate } from '../domain/time.js';
import {
  GUARDIAN_ACCESS_UNTIL_AGE,
  OWN_ACCESS_FROM_AGE,
  accessToRecord,
  itemAllowed,
  mayLogIn,
  type AccessException,
  type AccessItem,
  type GuardianBlock,
  type RecordAccessRequest,
  type Seal,
} from './policy.js';
import type { RegisterPerson } from './register.js';

/**
 * Properties over arbitrary register facts, seals, blocks and exceptions: whatever care and
 * residents configure, these must hold.
 */

const pnr = (birthDate: string, serial: string): string => {
  const short = birthDate.replaceAll('-', '').slice(2) + serial;
  return `${birthDate.slice(0, 4)}${short.slice(2)}${luhnCheckDigit(short)}`;
};

// A handful of people, so that viewers, subjects, guardians and blocks collide often.
const PEOPLE = [pnr('1980-01-01', '111'), pnr('1985-06-15', '222'), pnr('2012-03-03', '333'), pnr('2016-09-09', '444'), pnr('2010-11-23', '555')];
const UNITS = ['SE2321000016-AAA1', 'SE2321000016-BBB2', 'SE2321000131-CCC3'];
const GIVERS = ['SE2321000016-0001', 'SE2321000131-0002'];

const person = fc.constantFrom(...PEOPLE);
const day = (from: string, to: string) => fc.integer({ min: 0, max: dayCount(from, to) }).map((n) => addDays(from as IsoDate, n) as string);
function dayCount(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const TODAY_MIN = '2024-01-01';
const TODAY_MAX = '2030-12-31';
// Born before the earliest "today", so every age is defined; mostly children, where the rules are.
const birthDate = fc.oneof({ arbitrary: day('2008-01-01', '2023-12-31'), weight: 3 }, { arbitrary: day('1940-01-01', '2007-12-31'), weight: 1 });

const facts = (protectedIdentity: fc.Arbitrary<boolean> = fc.boolean(), born = birthDate): fc.Arbitrary<RegisterPerson> =>
  fc
    .record({
      birthDate: born,
      // One in six has died: enough to meet often, few enough to leave the living rules room.
      deceasedOn: fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: day('2020-01-01', TODAY_MAX), weight: 1 }),
      protectedIdentity,
      guardians: fc.subarray(PEOPLE, { maxLength: 2 }),
      children: fc.subarray(PEOPLE, { maxLength: 3 }),
    })
    .map(({ deceasedOn, ...rest }) => (deceasedOn === undefined ? rest : { ...rest, deceasedOn }));

const adultFacts = facts(fc.boolean(), day('1940-01-01', '2007-12-31'));

const seal: fc.Arbitrary<Seal> = fc.oneof(
  fc.record({ kind: fc.constant('account' as const), subject: person, setBy: fc.constantFrom('resident' as const, 'care' as const) }),
  fc.record({ kind: fc.constant('careUnit' as const), subject: person, careUnitHsaId: fc.constantFrom(...UNITS), setBy: fc.constant('care' as const) }),
  fc.record({ kind: fc.constant('careGiver' as const), subject: person, careGiverHsaId: fc.constantFrom(...GIVERS), setBy: fc.constant('care' as const) }),
  fc.record(
    { kind: fc.constant('period' as const), subject: person, from: day('2015-01-01', TODAY_MAX), to: day('2015-01-01', TODAY_MAX), setBy: fc.constant('care' as const) },
    { requiredKeys: ['kind', 'subject', 'from', 'setBy'] },
  ),
);

const block: fc.Arbitrary<GuardianBlock> = fc.record({ guardian: person, child: person });

const exception: fc.Arbitrary<AccessException> = fc.record(
  {
    kind: fc.constantFrom('extendedGuardianAccess' as const, 'earlyOwnAccess' as const),
    careUnitHsaId: fc.constantFrom(...UNITS),
    child: person,
    validFrom: day('2020-01-01', TODAY_MAX),
    validTo: day('2020-01-01', TODAY_MAX),
  },
  { requiredKeys: ['kind', 'careUnitHsaId', 'child', 'validFrom'] },
);

const item: fc.Arbitrary<AccessItem> = fc.record(
  {
    time: fc.date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }),
    careUnitHsaId: fc.constantFrom(...UNITS, '?'),
    careGiver: fc.constantFrom(...GIVERS, '?').map((hsaId) => ({ hsaId })),
  },
  { requiredKeys: ['time'] },
);

const request = (subjectFacts: fc.Arbitrary<RegisterPerson> = facts()): fc.Arbitrary<RecordAccessRequest> =>
  fc
    .record({
      viewer: person,
      subject: person,
      relation: fc.constantFrom('self' as const, 'guardian' as const),
      viewerFacts: fc.option(adultFacts, { nil: undefined, freq: 8 }),
      subjectFacts: fc.option(subjectFacts, { nil: undefined, freq: 8 }),
      seals: fc.array(seal, { maxLength: 4 }),
      guardianBlocks: fc.array(block, { maxLength: 3 }),
      exceptions: fc.array(exception, { maxLength: 4 }),
      today: day(TODAY_MIN, TODAY_MAX),
    })
    .map((r) => ({
      viewer: { kind: 'personnummer' as const, normalized: r.viewer },
      subject: r.subject,
      relation: r.relation,
      // For one's own record the register answers once, for the one person.
      facts: r.viewer === r.subject ? { viewer: r.subjectFacts, subject: r.subjectFacts } : { viewer: r.viewerFacts, subject: r.subjectFacts },
      seals: r.seals,
      guardianBlocks: r.guardianBlocks,
      // Half the exceptions are about the subject, so they meet the rules they are for.
      exceptions: r.exceptions.map((e, i) => (i % 2 === 0 ? { ...e, child: r.subject } : e)),
      today: r.today,
    }));

/** A guardian's request the register confirms, so only the rules under test can refuse it. */
const guardianRequest = (subjectFacts: fc.Arbitrary<RegisterPerson>): fc.Arbitrary<RecordAccessRequest> =>
  fc.tuple(request(subjectFacts), fc.integer({ min: 0, max: PEOPLE.length - 1 }), fc.nat(3)).map(([r, shift, block]) => {
    const viewer = PEOPLE[(PEOPLE.indexOf(r.subject) + 1 + (shift % (PEOPLE.length - 1))) % PEOPLE.length]!;
    const subject = r.facts.subject ?? { birthDate: '2015-01-01', protectedIdentity: true, guardians: [], children: [] };
    return {
      ...r,
      viewer: { kind: 'personnummer' as const, normalized: viewer },
      relation: 'guardian' as const,
      guardianBlocks: block === 0 ? [...r.guardianBlocks, { guardian: viewer, child: r.subject }] : r.guardianBlocks,
      facts: {
        viewer: { birthDate: '1970-01-01', protectedIdentity: false, guardians: [], children: [r.subject] },
        subject: { ...subject, guardians: [...subject.guardians, viewer] },
      },
    };
  });

const ageOnDay = (birth: string, today: string): number => {
  const years = Number(today.slice(0, 4)) - Number(birth.slice(0, 4));
  return today.slice(5) >= birth.slice(5) ? years : years - 1;
};

const visibleItems = (r: RecordAccessRequest, items: AccessItem[]): AccessItem[] => {
  const decision = accessToRecord(r);
  return items.filter((i) => itemAllowed(decision, i, r.seals));
};

describe('access policy properties', () => {
  it('never shows a child with protected identity to a guardian', () => {
    fc.assert(
      fc.property(guardianRequest(facts(fc.constant(true))), fc.array(item, { maxLength: 5 }), (r, items) => {
        const decision = accessToRecord(r);
        expect(decision.allowed).toBe(false);
        expect(items.some((i) => itemAllowed(decision, i, r.seals))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('allows nothing on a deceased resident’s own login', () => {
    fc.assert(
      fc.property(request(facts().chain((f) => day('1990-01-01', TODAY_MAX).map((deceasedOn) => ({ ...f, deceasedOn })))), item, (r, i) => {
        const own: RecordAccessRequest = { ...r, viewer: { kind: 'personnummer', normalized: r.subject }, relation: 'self', facts: { viewer: r.facts.subject, subject: r.facts.subject } };
        expect(mayLogIn(own.viewer, own.facts.viewer, own.today, own.exceptions).allowed).toBe(false);
        const decision = accessToRecord(own);
        expect(decision.allowed).toBe(false);
        expect(itemAllowed(decision, i, own.seals)).toBe(false);
        // Nor does anyone else read it.
        expect(accessToRecord({ ...r, relation: 'guardian' }).allowed).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('lets an account seal block everything for everyone, also when set after the decision', () => {
    fc.assert(
      fc.property(fc.oneof(request(), guardianRequest(facts())), fc.constantFrom('resident' as const, 'care' as const), item, (r, setBy, i) => {
        const account: Seal = { kind: 'account', subject: r.subject, setBy };
        const sealed = [...r.seals, account];
        const decision = accessToRecord({ ...r, seals: sealed });
        expect(decision.allowed).toBe(false);
        expect(itemAllowed(decision, i, sealed)).toBe(false);
        expect(itemAllowed(accessToRecord(r), i, sealed)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps guardians out from 13 unless a unit extends their access, and out entirely from 16', () => {
    fc.assert(
      fc.property(guardianRequest(facts()), (r) => {
        const decision = accessToRecord(r);
        const age = ageOnDay(r.facts.subject!.birthDate, r.today);
        if (age >= OWN_ACCESS_FROM_AGE) expect(decision.allowed).toBe(false);
        if (age >= GUARDIAN_ACCESS_UNTIL_AGE && decision.allowed) {
          expect(decision.scope).toBe('careUnits');
          const granted = r.exceptions.filter(
            (e) => e.kind === 'extendedGuardianAccess' && e.child === r.subject && e.validFrom <= r.today && (e.validTo === undefined || r.today <= e.validTo),
          );
          expect(decision.scope === 'careUnits' && decision.careUnitHsaIds.every((u) => granted.some((e) => e.careUnitHsaId === u))).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('gives no one their own record before 13, and before 16 only the units that opened early', () => {
    fc.assert(
      fc.property(request(), (r) => {
        const own: RecordAccessRequest = { ...r, viewer: { kind: 'personnummer', normalized: r.subject }, relation: 'self', facts: { viewer: r.facts.subject, subject: r.facts.subject } };
        const decision = accessToRecord(own);
        if (!own.facts.subject) {
          expect(decision.allowed).toBe(false);
          return;
        }
        const age = ageOnDay(own.facts.subject.birthDate, own.today);
        if (age < GUARDIAN_ACCESS_UNTIL_AGE) expect(decision.allowed).toBe(false);
        if (age < OWN_ACCESS_FROM_AGE && decision.allowed) {
          expect(decision.scope).toBe('careUnits');
          expect(decision.basis).toBe('EARLY_OWN_ACCESS');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('explains every refusal in Swedish and English, and grants nothing item by item that it refused whole', () => {
    fc.assert(
      fc.property(request(), item, (r, i) => {
        const decision = accessToRecord(r);
        expect(decision.reason.sv).toMatch(/\S.{15,}\./);
        expect(decision.reason.en).toMatch(/\S.{15,}\./);
        if (decision.reason.code !== decision.basis) {
          expect(decision.relation).toBe('guardian');
          expect(decision.reason.code).toBe('GUARDIAN_ACCESS_WITHHELD');
        }
        if (!decision.allowed) {
          expect(decision.scope).toBe('none');
          expect(itemAllowed(decision, i, [])).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('never grants more when a seal or a block is added, nor less when an exception is added', () => {
    fc.assert(
      fc.property(fc.oneof(request(), guardianRequest(facts())), seal, block, exception, fc.array(item, { maxLength: 6 }), (r, s, b, e, items) => {
        const before = visibleItems(r, items);
        for (const more of [{ ...r, seals: [...r.seals, s] }, { ...r, guardianBlocks: [...r.guardianBlocks, b] }]) {
          const after = visibleItems(more, items);
          expect(after.every((x) => before.includes(x))).toBe(true);
        }
        const opened = visibleItems({ ...r, exceptions: [...r.exceptions, e] }, items);
        expect(before.every((x) => opened.includes(x))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('lets no samordningsnummer or reservnummer holder in, whatever the register says', () => {
    fc.assert(
      fc.property(request(), (r) => {
        const coordination = { kind: 'samordningsnummer' as const, normalized: r.subject };
        expect(mayLogIn(coordination, r.facts.subject, r.today, r.exceptions).allowed).toBe(false);
        expect(accessToRecord({ ...r, viewer: coordination }).allowed).toBe(false);
        expect(accessToRecord({ ...r, viewer: { kind: 'reservnummer', value: r.subject } }).allowed).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
