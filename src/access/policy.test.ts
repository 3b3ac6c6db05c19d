import { describe, expect, it } from 'vitest';
import { luhnCheckDigit } from '../domain/identifiers/index.js';
import { swedishDate } from '../domain/time.js';
import { seedLines } from '../testing/seeds.js';
import {
  AGE_SOURCES,
  accessToRecord,
  itemAccess,
  itemAllowed,
  mayLogIn,
  type AccessDecision,
  type AccessException,
  type AccessItem,
  type GuardianBlock,
  type LoginIdentity,
  type RecordAccessRequest,
  type Seal,
} from './policy.js';
import type { RegisterPerson } from './register.js';

const TODAY = '2026-11-23';

/** A Luhn-valid personnummer for a birth date and a birth number (three digits). */
function pnr(birthDate: string, serial: string): string {
  const short = birthDate.replaceAll('-', '').slice(2) + serial;
  return `${birthDate.slice(0, 4)}${short.slice(2)}${luhnCheckDigit(short)}`;
}
const personal = (normalized: string): LoginIdentity => ({ kind: 'personnummer', normalized });

const U1 = 'SE2321000016-BARN1'; // the unit of every exception, and the sealed unit
const U2 = 'SE2321000016-VC22';
const U3 = 'SE2321000131-AKUT3';
const GIVER_A = 'SE2321000016-0001';
const GIVER_B = 'SE2321000131-0002'; // the sealed care provider

const G1_BIRTH = '1985-03-14';
const G2_BIRTH = '1987-08-02';
const OTHER_BIRTH = '1979-01-30';
const G1 = pnr(G1_BIRTH, '123');
const G2 = pnr(G2_BIRTH, '246');
const OTHER = pnr(OTHER_BIRTH, '357');

// ---------------------------------------------------------------------------------------------
// The matrix: viewer kind x subject age x protection x seal x guardian blocks x exceptions.

const AGES = [
  { label: '5', birthDate: '2021-05-10', years: 5 },
  { label: '12', birthDate: '2014-05-10', years: 12 },
  { label: '12, the day before the 13th birthday', birthDate: '2013-11-24', years: 12 },
  { label: '13, on the birthday', birthDate: '2013-11-23', years: 13 },
  { label: '14', birthDate: '2012-05-10', years: 14 },
  { label: '15, the day before the 16th birthday', birthDate: '2010-11-24', years: 15 },
  { label: '16, on the birthday', birthDate: '2010-11-23', years: 16 },
  { label: '17', birthDate: '2009-05-10', years: 17 },
  { label: '40', birthDate: '1986-05-10', years: 40 },
] as const;

/** `guardian` is G1; the block dimension says whether G1 ("blocked guardian"), G2 or both are blocked. */
const VIEWERS = ['self', 'guardian', 'otherPerson'] as const;
const SEALS = ['none', 'account', 'careUnit', 'careGiver', 'period'] as const;
const BLOCKS = ['none', 'G1', 'G2', 'both'] as const;
const EXCEPTIONS = ['none', 'extendedGuardianAccess', 'earlyOwnAccess'] as const;

type Cell = {
  viewer: (typeof VIEWERS)[number];
  age: (typeof AGES)[number];
  protectedIdentity: boolean;
  seal: (typeof SEALS)[number];
  block: (typeof BLOCKS)[number];
  exception: (typeof EXCEPTIONS)[number];
};

/** The record every cell filters; `day` is the Swedish calendar date, written out by hand. */
const ITEMS: readonly (AccessItem & { id: string; day: string; unit: string; giver: string })[] = [
  { id: 'a', unit: U1, giver: GIVER_A, day: '2026-03-02', time: new Date('2026-03-02T10:00:00+01:00') },
  { id: 'b', unit: U2, giver: GIVER_A, day: '2025-06-01', time: new Date('2025-06-01T10:00:00+02:00') },
  { id: 'c', unit: U3, giver: GIVER_B, day: '2024-02-29', time: new Date('2024-02-29T10:00:00+01:00') },
  // Half past midnight in Sweden is still the day before in UTC: the period seal goes by the Swedish date.
  { id: 'd', unit: U1, giver: GIVER_A, day: '2026-01-01', time: new Date('2026-01-01T00:30:00+01:00') },
  { id: 'e', unit: U2, giver: GIVER_A, day: '2025-01-01', time: new Date('2025-01-01T00:15:00+01:00') },
].map((i) => ({ ...i, careUnitHsaId: i.unit, careUnit: { hsaId: i.unit }, careGiver: { hsaId: i.giver } }));

const PERIOD = { from: '2025-01-01', to: '2025-12-31' };

function requestFor(cell: Cell): RecordAccessRequest {
  const child = pnr(cell.age.birthDate, '482');
  // The register lists guardians until 18, when guardianship ends.
  const subject: RegisterPerson = {
    birthDate: cell.age.birthDate,
    protectedIdentity: cell.protectedIdentity,
    guardians: cell.age.years < 18 ? [G1, G2] : [],
    children: [],
  };
  const adult = (birthDate: string, children: string[]): RegisterPerson => ({ birthDate, protectedIdentity: false, guardians: [], children });
  const [viewer, viewerFacts] =
    cell.viewer === 'self' ? [child, subject] : cell.viewer === 'guardian' ? [G1, adult(G1_BIRTH, [child])] : [OTHER, adult(OTHER_BIRTH, [])];

  const seals: Seal[] = {
    none: [],
    account: [{ kind: 'account', subject: child, setBy: 'resident' } as const],
    careUnit: [{ kind: 'careUnit', subject: child, careUnitHsaId: U1, setBy: 'care' } as const],
    careGiver: [{ kind: 'careGiver', subject: child, careGiverHsaId: GIVER_B, setBy: 'care' } as const],
    period: [{ kind: 'period', subject: child, ...PERIOD, setBy: 'care' } as const],
  }[cell.seal];
  const blocks: GuardianBlock[] = { none: [], G1: [G1], G2: [G2], both: [G1, G2] }[cell.block].map((guardian) => ({ guardian, child }));
  const exceptions: AccessException[] =
    cell.exception === 'none' ? [] : [{ kind: cell.exception, careUnitHsaId: U1, child, validFrom: '2026-01-01' }];

  return {
    viewer: personal(viewer),
    subject: child,
    // The other person claims to be a guardian; claiming to be the subject is tested on its own.
    relation: cell.viewer === 'self' ? 'self' : 'guardian',
    facts: { viewer: viewerFacts, subject },
    seals,
    guardianBlocks: blocks,
    exceptions,
    today: TODAY,
  };
}

type Expected = { scope: 'whole' | 'none' | string[]; basis: string; told: string; visible: string[] };

/** The rules of the issue, written out plainly and without the policy's code. */
function oracle(cell: Cell): Expected {
  const age = cell.age.years;
  const none = (basis: string, told = basis): Expected => ({ scope: 'none', basis, told, visible: [] });
  const withheld = (basis: string): Expected => none(basis, 'GUARDIAN_ACCESS_WITHHELD');
  const some = (scope: 'whole' | string[], basis: string): Expected => {
    const visible = ITEMS.filter((item) => {
      if (scope !== 'whole' && !scope.includes(item.unit)) return false;
      if (cell.seal === 'careUnit' && item.unit === U1) return false;
      if (cell.seal === 'careGiver' && item.giver === GIVER_B) return false;
      if (cell.seal === 'period' && item.day >= PERIOD.from && item.day <= PERIOD.to) return false;
      return true;
    }).map((i) => i.id);
    return { scope, basis, told: basis, visible };
  };

  if (cell.viewer === 'otherPerson') return none('NOT_GUARDIAN');

  if (cell.viewer === 'self') {
    const early = age >= 13 && age <= 15 && cell.exception === 'earlyOwnAccess';
    if (age < 16 && !early) return none('UNDER_16');
    if (cell.seal === 'account') return none('ACCOUNT_SEALED');
    return age >= 16 ? some('whole', 'OWN_RECORD') : some([U1], 'EARLY_OWN_ACCESS');
  }

  // The guardian G1.
  if (age >= 18) return none('NOT_GUARDIAN');
  if (age >= 16) return none('CHILD_TURNED_16');
  if (age >= 13 && cell.exception !== 'extendedGuardianAccess') return none('CHILD_TURNED_13');
  if (cell.seal === 'account') return withheld('ACCOUNT_SEALED');
  if (cell.protectedIdentity) return withheld('PROTECTED_IDENTITY');
  if (cell.block === 'G1' || cell.block === 'both') return withheld('GUARDIAN_BLOCKED');
  return age >= 13 ? some([U1], 'EXTENDED_GUARDIAN_ACCESS') : some('whole', 'GUARDIAN_OF_CHILD_UNDER_13');
}

const scopeOf = (d: AccessDecision): Expected['scope'] => (d.scope === 'careUnits' ? [...d.careUnitHsaIds] : d.scope);

const CELLS: Cell[] = VIEWERS.flatMap((viewer) =>
  AGES.flatMap((age) =>
    [false, true].flatMap((protectedIdentity) =>
      SEALS.flatMap((seal) => BLOCKS.flatMap((block) => EXCEPTIONS.map((exception) => ({ viewer, age, protectedIdentity, seal, block, exception })))),
    ),
  ),
);

describe('access matrix: viewer x age x protected identity x seal x block x exception', () => {
  it('covers every combination once', () => {
    expect(CELLS).toHaveLength(3 * 9 * 2 * 5 * 4 * 3);
  });

  describe.each(VIEWERS.flatMap((viewer) => AGES.map((age) => ({ viewer, age }))))('$viewer, subject aged $age.label', ({ viewer, age }) => {
    const cells = CELLS.filter((c) => c.viewer === viewer && c.age === age);
    it.each(cells.map((c) => ({ ...c, name: `protected ${c.protectedIdentity}, seal ${c.seal}, block ${c.block}, exception ${c.exception}` })))(
      '$name',
      (cell) => {
        const request = requestFor(cell);
        const decision = accessToRecord(request);
        const expected = oracle(cell);
        expect({ scope: scopeOf(decision), basis: decision.basis, told: decision.reason.code }).toEqual({
          scope: expected.scope,
          basis: expected.basis,
          told: expected.told,
        });
        expect(decision.allowed).toBe(expected.scope !== 'none');
        expect(decision.reason.sv.length).toBeGreaterThan(10);
        expect(decision.reason.en.length).toBeGreaterThan(10);
        expect(ITEMS.filter((item) => itemAllowed(decision, item, request.seals)).map((i) => i.id)).toEqual(expected.visible);
      },
    );
  });
});

// ---------------------------------------------------------------------------------------------

const adult = (birthDate: string, more: Partial<RegisterPerson> = {}): RegisterPerson => ({
  birthDate,
  protectedIdentity: false,
  guardians: [],
  children: [],
  ...more,
});

describe('mayLogIn', () => {
  const me = pnr('1990-04-01', '017');
  it('lets in a living resident of 16 or more with a personnummer', () => {
    expect(mayLogIn(personal(me), adult('1990-04-01'), TODAY)).toMatchObject({ allowed: true, reason: { code: 'OWN_ACCOUNT' } });
  });

  it('refuses samordningsnummer and reservnummer holders, whatever the register says', () => {
    const coordination = mayLogIn({ kind: 'samordningsnummer', normalized: '197010632391' }, adult('1970-10-03'), TODAY);
    expect(coordination).toMatchObject({ allowed: false, reason: { code: 'SAMORDNINGSNUMMER' } });
    expect(coordination.reason.sv).toContain('samordningsnummer');
    const reserve = mayLogIn({ kind: 'reservnummer', value: '99560101-ABC1' }, adult('1956-01-01'), TODAY);
    expect(reserve).toMatchObject({ allowed: false, reason: { code: 'RESERVNUMMER' } });
    expect(reserve.reason.sv).toContain('reservnummer');
  });

  it('refuses a number the register does not know', () => {
    expect(mayLogIn(personal(me), undefined, TODAY).reason.code).toBe('NOT_IN_REGISTER');
  });

  it('closes the account of the deceased, from the day of death (and on a death date after today)', () => {
    for (const deceasedOn of ['2020-01-01', TODAY, '2026-11-24']) {
      expect(mayLogIn(personal(me), adult('1990-04-01', { deceasedOn }), TODAY)).toMatchObject({ allowed: false, reason: { code: 'DECEASED' } });
    }
  });

  it('opens on the 16th birthday, not the day before', () => {
    expect(mayLogIn(personal(me), adult('2010-11-24'), TODAY).reason.code).toBe('UNDER_16');
    expect(mayLogIn(personal(me), adult('2010-11-23'), TODAY).reason.code).toBe('OWN_ACCOUNT');
  });

  it('lets in someone born on 29 February on their 16th birthday (always in a leap year, 16 being a multiple of 4)', () => {
    const born2008 = adult('2008-02-29');
    expect(mayLogIn(personal(me), born2008, '2024-02-28').reason.code).toBe('UNDER_16');
    expect(mayLogIn(personal(me), born2008, '2024-02-29').reason.code).toBe('OWN_ACCOUNT');
    // Across 2100, which is no leap year, the birthday falls on 1 March.
    const born2084 = adult('2084-02-29');
    expect(mayLogIn(personal(me), born2084, '2100-02-28').reason.code).toBe('UNDER_16');
    expect(mayLogIn(personal(me), born2084, '2100-03-01').reason.code).toBe('OWN_ACCOUNT');
  });

  it('lets a 13-15-year-old in with an early-own-access exception valid today, and nobody younger', () => {
    const child = pnr('2012-05-10', '482');
    const facts = adult('2012-05-10');
    const exception = (more: Partial<AccessException> = {}): AccessException => ({
      kind: 'earlyOwnAccess',
      careUnitHsaId: U1,
      child,
      validFrom: '2026-01-01',
      ...more,
    });
    expect(mayLogIn(personal(child), facts, TODAY, [exception()]).reason.code).toBe('EARLY_OWN_ACCESS');
    expect(mayLogIn(personal(child), facts, TODAY, [exception({ validFrom: TODAY, validTo: TODAY })]).reason.code).toBe('EARLY_OWN_ACCESS');
    expect(mayLogIn(personal(child), facts, TODAY, [exception({ validFrom: '2026-11-24' })]).reason.code).toBe('UNDER_16');
    expect(mayLogIn(personal(child), facts, TODAY, [exception({ validTo: '2026-11-22' })]).reason.code).toBe('UNDER_16');
    expect(mayLogIn(personal(child), facts, TODAY, [exception({ child: G1 })]).reason.code).toBe('UNDER_16');
    expect(mayLogIn(personal(child), facts, TODAY, [exception({ kind: 'extendedGuardianAccess' })]).reason.code).toBe('UNDER_16');
    const twelve = pnr('2014-05-10', '482');
    expect(mayLogIn(personal(twelve), adult('2014-05-10'), TODAY, [exception({ child: twelve })]).reason.code).toBe('UNDER_16');
  });

  it('rejects a malformed today', () => {
    expect(() => mayLogIn(personal(me), adult('1990-04-01'), '2026-02-30')).toThrow(expect.objectContaining({ code: 'JOURNALEN_INPUT_INVALID' }));
  });

  it('counts the 13th birthday from the Swedish calendar date the caller passes', () => {
    // 23:30 UTC on 22 November is already 23 November in Stockholm: the birthday.
    expect(swedishDate(new Date('2026-11-22T23:30:00Z'))).toBe(TODAY);
  });
});

describe('accessToRecord beyond the matrix', () => {
  const child = pnr('2016-06-01', '482');
  const childFacts = adult('2016-06-01', { guardians: [G1, G2] });
  const g1Facts = adult(G1_BIRTH, { children: [child] });
  const base: RecordAccessRequest = {
    viewer: personal(G1),
    subject: child,
    relation: 'guardian',
    facts: { viewer: g1Facts, subject: childFacts },
    seals: [],
    guardianBlocks: [],
    exceptions: [],
    today: TODAY,
  };

  it('says the words of the issue when the child has turned 13', () => {
    const thirteen = accessToRecord({ ...base, facts: { viewer: g1Facts, subject: { ...childFacts, birthDate: '2013-11-23' } } });
    expect(thirteen.reason).toEqual({
      code: 'CHILD_TURNED_13',
      sv: 'Ditt barn har fyllt 13 år; vårdnadshavare kan inte längre läsa journalen.',
      en: 'Your child has turned 13; guardians can no longer read the record.',
    });
  });

  it('follows the 29 February child to 1 March before closing the guardian out', () => {
    const leapChild = { ...childFacts, birthDate: '2012-02-29' };
    const on = (today: string) => accessToRecord({ ...base, facts: { viewer: g1Facts, subject: leapChild }, today }).basis;
    expect(on('2024-02-29')).toBe('GUARDIAN_OF_CHILD_UNDER_13');
    expect(on('2025-02-28')).toBe('GUARDIAN_OF_CHILD_UNDER_13');
    expect(on('2025-03-01')).toBe('CHILD_TURNED_13');
  });

  it('refuses someone reading another person’s record as their own', () => {
    const decision = accessToRecord({ ...base, viewer: personal(OTHER), relation: 'self', facts: { viewer: adult(OTHER_BIRTH), subject: childFacts } });
    expect(decision).toMatchObject({ allowed: false, basis: 'NOT_OWN_RECORD' });
  });

  it('tells a stranger nothing about the subject: not whether they exist, died or are protected', () => {
    const stranger = { ...base, viewer: personal(OTHER), facts: { viewer: adult(OTHER_BIRTH), subject: childFacts } };
    for (const subject of [undefined, { ...childFacts, deceasedOn: '2026-01-01' }, { ...childFacts, protectedIdentity: true }]) {
      const decision = accessToRecord({ ...stranger, facts: { viewer: adult(OTHER_BIRTH), subject }, seals: [{ kind: 'account', subject: child, setBy: 'care' }] });
      expect(decision.reason.code).toBe('NOT_GUARDIAN');
    }
    // The guardian's own number as subject is not a guardianship either.
    expect(accessToRecord({ ...base, subject: G1, facts: { viewer: g1Facts, subject: g1Facts } }).basis).toBe('NOT_GUARDIAN');
  });

  it('closes a deceased child’s record to the guardians', () => {
    const decision = accessToRecord({ ...base, facts: { viewer: g1Facts, subject: { ...childFacts, deceasedOn: '2026-10-01' } } });
    expect(decision).toMatchObject({ allowed: false, basis: 'SUBJECT_DECEASED' });
  });

  it('refuses a guardian who cannot log in: deceased, samordningsnummer, or not in the register', () => {
    expect(accessToRecord({ ...base, facts: { viewer: { ...g1Facts, deceasedOn: '2026-01-01' }, subject: childFacts } }).basis).toBe('DECEASED');
    expect(accessToRecord({ ...base, viewer: { kind: 'samordningsnummer', normalized: G1 } }).basis).toBe('SAMORDNINGSNUMMER');
    expect(accessToRecord({ ...base, facts: { viewer: undefined, subject: childFacts } }).basis).toBe('NOT_IN_REGISTER');
  });

  it('does not let a 13-15-year-old with early own access act as a guardian', () => {
    const young = pnr('2012-01-01', '222');
    const decision = accessToRecord({
      ...base,
      viewer: personal(young),
      facts: { viewer: adult('2012-01-01'), subject: { ...childFacts, guardians: [young] } },
      exceptions: [{ kind: 'earlyOwnAccess', careUnitHsaId: U1, child: young, validFrom: '2026-01-01' }],
    });
    expect(decision.basis).toBe('UNDER_16');
  });

  it('blocks each guardian on their own: the other still reads', () => {
    const blocks = [{ guardian: G1, child }];
    expect(accessToRecord({ ...base, guardianBlocks: blocks }).basis).toBe('GUARDIAN_BLOCKED');
    const g2 = accessToRecord({ ...base, viewer: personal(G2), facts: { viewer: adult(G2_BIRTH, { children: [child] }), subject: childFacts }, guardianBlocks: blocks });
    expect(g2).toMatchObject({ allowed: true, scope: 'whole' });
    // A block on another child does not count.
    expect(accessToRecord({ ...base, guardianBlocks: [{ guardian: G1, child: OTHER }] }).allowed).toBe(true);
  });

  it('ignores seals and exceptions about other residents', () => {
    const elsewhere = pnr('2001-01-01', '111');
    const decision = accessToRecord({
      ...base,
      seals: [
        { kind: 'account', subject: elsewhere, setBy: 'resident' },
        { kind: 'careUnit', subject: elsewhere, careUnitHsaId: U1, setBy: 'care' },
      ],
    });
    expect(decision.scope).toBe('whole');
    expect(itemAllowed(decision, ITEMS[0]!, [{ kind: 'careUnit', subject: elsewhere, careUnitHsaId: U1, setBy: 'care' }])).toBe(true);
    const fourteen = { ...childFacts, birthDate: '2012-05-10' };
    const other = accessToRecord({
      ...base,
      facts: { viewer: g1Facts, subject: fourteen },
      exceptions: [{ kind: 'extendedGuardianAccess', careUnitHsaId: U1, child: elsewhere, validFrom: '2020-01-01' }],
    });
    expect(other.basis).toBe('CHILD_TURNED_13');
  });

  it('gathers the units of all extended exceptions in force today, once each, sorted', () => {
    const fourteen = { ...childFacts, birthDate: '2012-05-10' };
    const ext = (careUnitHsaId: string, validFrom: string, validTo?: string): AccessException => ({
      kind: 'extendedGuardianAccess',
      careUnitHsaId,
      child,
      validFrom,
      ...(validTo ? { validTo } : {}),
    });
    const decision = accessToRecord({
      ...base,
      facts: { viewer: g1Facts, subject: fourteen },
      exceptions: [ext(U3, '2026-01-01'), ext(U1, '2026-06-01', TODAY), ext(U1, '2025-01-01'), ext(U2, '2026-11-24'), ext(U2, '2020-01-01', '2026-11-22')],
    });
    expect(decision).toMatchObject({ allowed: true, scope: 'careUnits', careUnitHsaIds: [U1, U3].sort(), basis: 'EXTENDED_GUARDIAN_ACCESS' });
  });

  it('words an account seal by who set it when residents read their own record', () => {
    const me = pnr('1990-04-01', '017');
    const own = (setBy: 'resident' | 'care') =>
      accessToRecord({ ...base, viewer: personal(me), subject: me, relation: 'self', facts: { viewer: adult('1990-04-01'), subject: adult('1990-04-01') }, seals: [{ kind: 'account', subject: me, setBy }] });
    expect(own('resident').reason.sv).toContain('Kontot är förseglat');
    expect(own('care').reason.sv).toContain('Vården har förseglat');
    expect(own('care').basis).toBe('ACCOUNT_SEALED');
  });

  it('never tells a guardian about protection, a block or a seal in so many words', () => {
    const cases: RecordAccessRequest[] = [
      { ...base, facts: { viewer: g1Facts, subject: { ...childFacts, protectedIdentity: true } } },
      { ...base, guardianBlocks: [{ guardian: G1, child }] },
      { ...base, seals: [{ kind: 'account', subject: child, setBy: 'care' }] },
    ];
    const told = cases.map((r) => accessToRecord(r));
    expect(told.map((d) => d.basis)).toEqual(['PROTECTED_IDENTITY', 'GUARDIAN_BLOCKED', 'ACCOUNT_SEALED']);
    for (const d of told) {
      expect(d.reason.code).toBe('GUARDIAN_ACCESS_WITHHELD');
      expect(d.reason.sv).not.toMatch(/skydd|blocker|förseg/i);
      expect(d.reason.en).not.toMatch(/protect|block|seal/i);
    }
  });

  it('rejects malformed dates in today, exceptions and period seals', () => {
    const invalid = expect.objectContaining({ code: 'JOURNALEN_INPUT_INVALID' });
    expect(() => accessToRecord({ ...base, today: '23/11/2026' })).toThrow(invalid);
    const fourteen = { ...childFacts, birthDate: '2012-05-10' };
    expect(() =>
      accessToRecord({ ...base, facts: { viewer: g1Facts, subject: fourteen }, exceptions: [{ kind: 'extendedGuardianAccess', careUnitHsaId: U1, child, validFrom: '2026-13-01' }] }),
    ).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'exception.validFrom' }) }));
    const decision = accessToRecord(base);
    expect(() => itemAccess(decision, ITEMS[0]!, [{ kind: 'period', subject: child, from: '2025-01-01', to: 'soon', setBy: 'care' }])).toThrow(invalid);
  });
});

describe('itemAccess', () => {
  const me = pnr('1990-04-01', '017');
  const facts = adult('1990-04-01');
  const request: RecordAccessRequest = {
    viewer: personal(me),
    subject: me,
    relation: 'self',
    facts: { viewer: facts, subject: facts },
    seals: [],
    guardianBlocks: [],
    exceptions: [],
    today: TODAY,
  };
  const whole = accessToRecord(request);
  const bare: AccessItem = { time: new Date('2026-03-02T10:00:00+01:00') };

  it('shows an item of unknown origin when nothing is sealed or limited', () => {
    expect(itemAccess(whole, bare, [])).toEqual({ allowed: true });
    expect(itemAccess(whole, { ...bare, careUnitHsaId: '?', careGiver: { hsaId: '?' } }, [])).toEqual({ allowed: true });
  });

  it('hides an item it cannot place while a seal might cover it', () => {
    const unitSeal: Seal = { kind: 'careUnit', subject: me, careUnitHsaId: U1, setBy: 'care' };
    const giverSeal: Seal = { kind: 'careGiver', subject: me, careGiverHsaId: GIVER_B, setBy: 'care' };
    const periodSeal: Seal = { kind: 'period', subject: me, from: '2025-01-01', setBy: 'care' };
    expect(itemAccess(whole, bare, [unitSeal])).toMatchObject({ allowed: false, basis: 'ORIGIN_UNKNOWN' });
    expect(itemAccess(whole, { ...bare, careUnitHsaId: '?' }, [unitSeal])).toMatchObject({ allowed: false, basis: 'ORIGIN_UNKNOWN' });
    expect(itemAccess(whole, { ...bare, careUnitHsaId: U2 }, [giverSeal])).toMatchObject({ allowed: false, basis: 'ORIGIN_UNKNOWN' });
    expect(itemAccess(whole, { ...bare, time: new Date(Number.NaN) }, [periodSeal])).toMatchObject({ allowed: false, basis: 'ORIGIN_UNKNOWN' });
    // An open-ended period covers everything from its first day.
    expect(itemAccess(whole, bare, [periodSeal])).toMatchObject({ allowed: false, basis: 'PERIOD_SEALED' });
    expect(itemAccess(whole, { time: new Date('2024-12-31T12:00:00+01:00') }, [periodSeal])).toEqual({ allowed: true });
  });

  it('reads the care unit from careUnit.hsaId when careUnitHsaId is missing', () => {
    const seal: Seal = { kind: 'careUnit', subject: me, careUnitHsaId: U1, setBy: 'care' };
    expect(itemAccess(whole, { ...bare, careUnit: { hsaId: U1 } }, [seal])).toMatchObject({ allowed: false, basis: 'CARE_UNIT_SEALED' });
    expect(itemAccess(whole, { ...bare, careUnit: { hsaId: U2 } }, [seal])).toEqual({ allowed: true });
  });

  it('honours an account seal set after the decision, and passes a refusal on', () => {
    const seal: Seal = { kind: 'account', subject: me, setBy: 'resident' };
    expect(itemAccess(whole, ITEMS[0]!, [seal])).toMatchObject({ allowed: false, basis: 'ACCOUNT_SEALED' });
    const refused = accessToRecord({ ...request, seals: [seal] });
    expect(itemAccess(refused, ITEMS[0]!, [])).toMatchObject({ allowed: false, basis: 'ACCOUNT_SEALED', reason: refused.reason });
  });

  it('limits an exception to its unit’s information, and hides items of unknown unit', () => {
    const child = pnr('2012-05-10', '482');
    const childFacts = adult('2012-05-10');
    const early = accessToRecord({
      ...request,
      viewer: personal(child),
      subject: child,
      facts: { viewer: childFacts, subject: childFacts },
      exceptions: [{ kind: 'earlyOwnAccess', careUnitHsaId: U1, child, validFrom: '2026-01-01' }],
    });
    expect(early).toMatchObject({ allowed: true, scope: 'careUnits', careUnitHsaIds: [U1] });
    expect(itemAccess(early, { ...bare, careUnitHsaId: U1 }, [])).toEqual({ allowed: true });
    expect(itemAccess(early, { ...bare, careUnitHsaId: U2 }, [])).toMatchObject({ allowed: false, basis: 'OUTSIDE_EXCEPTION_UNITS' });
    expect(itemAccess(early, bare, [])).toMatchObject({ allowed: false, basis: 'ORIGIN_UNKNOWN' });
  });
});

describe('sources of the age limits', () => {
  it('quotes the seed lines verbatim', () => {
    for (const source of [AGE_SOURCES.guardianAccessUntil, AGE_SOURCES.ownAccessFrom]) {
      expect(seedLines(source.document)[source.line - 1]).toContain(source.quote);
    }
  });
});
