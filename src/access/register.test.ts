import { describe, expect, it } from 'vitest';
import { ageOn, parsePersonalIdentity } from '../domain/identifiers/index.js';
import type { RecordItem } from '../domain/record.js';
import { swedishDate } from '../domain/time.js';
import { createPopulation, TOLVAN, type Population, type SpecialCase } from '../simulators/population.js';
import {
  accessToRecord,
  itemAllowed,
  mayLogIn,
  type AccessDecision,
  type AccessException,
  type GuardianBlock,
  type Relation,
  type Seal,
} from './policy.js';
import { simulatedRegister } from '../demo/register.js';
import { lookUpFacts, type PopulationRegister } from './register.js';

const NOW = new Date('2026-11-23T10:00:00+01:00');
const TODAY = swedishDate(NOW);

const population = createPopulation({ seed: 'test', size: 300, now: NOW });
const register = simulatedRegister(population);
const number = (which: SpecialCase): string => population.special(which).personnummer;
const identity = (pnr: string) => parsePersonalIdentity(pnr, { referenceDate: NOW });

async function decide(
  viewer: string,
  subject: string,
  relation: Relation,
  more: { seals?: Seal[]; guardianBlocks?: GuardianBlock[]; exceptions?: AccessException[] } = {},
): Promise<AccessDecision> {
  return accessToRecord({
    viewer: identity(viewer),
    subject,
    relation,
    facts: await lookUpFacts(register, viewer, subject),
    seals: more.seals ?? [],
    guardianBlocks: more.guardianBlocks ?? [],
    exceptions: more.exceptions ?? [],
    today: TODAY,
  });
}

async function logIn(pnr: string, exceptions: AccessException[] = []) {
  return mayLogIn(identity(pnr), await register.person(pnr), TODAY, exceptions);
}

const recordOf = (p: Population, pnr: string): RecordItem[] => p.systemsOf(pnr).flatMap((s) => p.itemsFor(pnr, s));

describe('simulatedRegister', () => {
  it('answers with the synthetic population’s register facts', async () => {
    for (const resident of population.residents()) {
      expect(await register.person(resident.personnummer)).toEqual({
        birthDate: resident.birthDate,
        ...(resident.deceasedOn !== undefined ? { deceasedOn: resident.deceasedOn } : {}),
        protectedIdentity: resident.protectedIdentity,
        guardians: resident.guardians,
        children: resident.children,
        givenName: resident.givenName,
        familyName: resident.familyName,
      });
    }
  });

  it('knows nobody outside the population, and no malformed number', async () => {
    const larger = createPopulation({ seed: 'test', size: 400, now: NOW });
    expect(await register.person(larger.residentAt(350).personnummer)).toBeUndefined();
    for (const junk of ['', '19121212-1212', '191212121213', 'abc']) expect(await register.person(junk)).toBeUndefined();
  });

  it('hands out copies, so a caller cannot change the register', async () => {
    const first = await register.person(number('guardianA'));
    (first!.children as string[]).length = 0;
    expect((await register.person(number('guardianA')))!.children).toHaveLength(3);
  });

  it('asks the register once when residents read their own record, and for both people otherwise', async () => {
    const asked: string[] = [];
    const counting: PopulationRegister = { person: (pnr) => (asked.push(pnr), register.person(pnr)) };
    await lookUpFacts(counting, TOLVAN, TOLVAN);
    expect(asked).toEqual([TOLVAN]);
    await lookUpFacts(counting, number('guardianA'), number('child0to12'));
    expect(asked).toHaveLength(3);
  });
});

describe('the special residents through the policy', () => {
  it('lets Tolvan Tolvansson read his whole record', async () => {
    expect((await logIn(TOLVAN)).reason.code).toBe('OWN_ACCOUNT');
    const decision = await decide(TOLVAN, TOLVAN, 'self');
    expect(decision).toMatchObject({ allowed: true, scope: 'whole', basis: 'OWN_RECORD' });
    const record = recordOf(population, TOLVAN);
    expect(record.length).toBeGreaterThan(50);
    expect(record.every((i) => itemAllowed(decision, i, []))).toBe(true);
  });

  it('hides exactly a sealed care unit’s, care provider’s or period’s items from Tolvan', async () => {
    const record = recordOf(population, TOLVAN);
    const decision = await decide(TOLVAN, TOLVAN, 'self');
    const unit = record[0]!.careUnitHsaId!;
    const giver = record[0]!.careGiver.hsaId!;
    const unitSeal: Seal = { kind: 'careUnit', subject: TOLVAN, careUnitHsaId: unit, setBy: 'care' };
    expect(record.filter((i) => !itemAllowed(decision, i, [unitSeal]))).toEqual(record.filter((i) => i.careUnitHsaId === unit));
    const giverSeal: Seal = { kind: 'careGiver', subject: TOLVAN, careGiverHsaId: giver, setBy: 'care' };
    expect(record.filter((i) => !itemAllowed(decision, i, [giverSeal]))).toEqual(record.filter((i) => i.careGiver.hsaId === giver));
    const periodSeal: Seal = { kind: 'period', subject: TOLVAN, from: '2024-01-01', to: '2024-12-31', setBy: 'care' };
    const hidden = record.filter((i) => !itemAllowed(decision, i, [periodSeal]));
    expect(hidden.length).toBeGreaterThan(0);
    expect(hidden).toEqual(record.filter((i) => swedishDate(i.time).startsWith('2024-')));
  });

  it('lets both Lindqvist guardians read the youngest child, and neither the two older ones', async () => {
    for (const guardian of [number('guardianA'), number('guardianB')]) {
      expect((await logIn(guardian)).allowed).toBe(true);
      expect(await decide(guardian, number('child0to12'), 'guardian')).toMatchObject({ allowed: true, scope: 'whole', basis: 'GUARDIAN_OF_CHILD_UNDER_13' });
      expect((await decide(guardian, number('child13to15'), 'guardian')).reason.code).toBe('CHILD_TURNED_13');
      expect((await decide(guardian, number('child16to17'), 'guardian')).reason.code).toBe('CHILD_TURNED_16');
    }
  });

  it('lets the 16-17-year-old read their own record, and not the younger two', async () => {
    expect(await decide(number('child16to17'), number('child16to17'), 'self')).toMatchObject({ allowed: true, scope: 'whole' });
    expect((await logIn(number('child13to15'))).reason.code).toBe('UNDER_16');
    expect((await logIn(number('child0to12'))).reason.code).toBe('UNDER_16');
    expect((await decide(number('child0to12'), number('child0to12'), 'self')).basis).toBe('UNDER_16');
  });

  it('opens one care unit’s information of the 13-15-year-old by exception, to the child or to the guardians', async () => {
    const child = number('child13to15');
    const record = recordOf(population, child);
    const unit = record[0]!.careUnitHsaId!;
    const fromUnit = record.filter((i) => i.careUnitHsaId === unit);
    expect(fromUnit.length).toBeLessThan(record.length); // care at more than one unit, so the limit shows

    const early: AccessException = { kind: 'earlyOwnAccess', careUnitHsaId: unit, child, validFrom: '2026-09-01' };
    expect((await logIn(child, [early])).reason.code).toBe('EARLY_OWN_ACCESS');
    const own = await decide(child, child, 'self', { exceptions: [early] });
    expect(record.filter((i) => itemAllowed(own, i, []))).toEqual(fromUnit);

    const extended: AccessException = { ...early, kind: 'extendedGuardianAccess' };
    const guardian = await decide(number('guardianA'), child, 'guardian', { exceptions: [extended] });
    expect(guardian).toMatchObject({ allowed: true, scope: 'careUnits', careUnitHsaIds: [unit] });
    expect(record.filter((i) => itemAllowed(guardian, i, []))).toEqual(fromUnit);
    // An early-access decision for the child is not one for the guardians.
    expect((await decide(number('guardianA'), child, 'guardian', { exceptions: [early] })).basis).toBe('CHILD_TURNED_13');
  });

  it('blocks one Lindqvist guardian without touching the other', async () => {
    const child = number('child0to12');
    const guardianBlocks = [{ guardian: number('guardianA'), child }];
    const blocked = await decide(number('guardianA'), child, 'guardian', { guardianBlocks });
    expect(blocked).toMatchObject({ allowed: false, basis: 'GUARDIAN_BLOCKED', reason: { code: 'GUARDIAN_ACCESS_WITHHELD' } });
    expect((await decide(number('guardianB'), child, 'guardian', { guardianBlocks })).allowed).toBe(true);
  });

  it('never shows the child with protected identity to its guardian, who still reads their own record', async () => {
    const child = number('protectedChild');
    const guardian = number('protectedChildGuardian');
    expect(await register.person(child)).toMatchObject({ protectedIdentity: true, guardians: [guardian] });
    expect(ageOn(population.special('protectedChild'), TODAY)).toBeLessThan(13);
    const decision = await decide(guardian, child, 'guardian');
    expect(decision).toMatchObject({ allowed: false, basis: 'PROTECTED_IDENTITY', reason: { code: 'GUARDIAN_ACCESS_WITHHELD' } });
    expect(recordOf(population, child).some((i) => itemAllowed(decision, i, []))).toBe(false);
    // Protected identity does not keep adults from their own record.
    expect((await register.person(guardian))!.protectedIdentity).toBe(true);
    expect((await decide(guardian, guardian, 'self')).scope).toBe('whole');
  });

  it('closes the deceased resident’s account', async () => {
    const deceased = number('deceased');
    expect((await register.person(deceased))!.deceasedOn).toBe(population.special('deceased').deceasedOn);
    expect(await logIn(deceased)).toMatchObject({ allowed: false, reason: { code: 'DECEASED' } });
    expect((await decide(deceased, deceased, 'self')).allowed).toBe(false);
  });

  it('keeps the samordningsnummer holder out, though the register knows them', async () => {
    const holder = number('samordningsnummer');
    expect(identity(holder).kind).toBe('samordningsnummer');
    expect(await register.person(holder)).toBeDefined();
    expect(await logIn(holder)).toMatchObject({ allowed: false, reason: { code: 'SAMORDNINGSNUMMER' } });
  });

  it('lets nobody read a child they are not registered guardian of', async () => {
    expect((await decide(number('guardianA'), number('protectedChild'), 'guardian')).basis).toBe('NOT_GUARDIAN');
    expect((await decide(TOLVAN, number('child0to12'), 'guardian')).basis).toBe('NOT_GUARDIAN');
    expect((await decide(number('guardianA'), number('child0to12'), 'self')).basis).toBe('NOT_OWN_RECORD');
  });
});

describe('the whole synthetic population through the policy', () => {
  it('lets in exactly the living personnummer holders of 16 or more', async () => {
    let allowed = 0;
    for (const resident of population.residents()) {
      const expected = resident.idKind === 'personnummer' && resident.deceasedOn === undefined && ageOn(resident, TODAY) >= 16;
      expect((await logIn(resident.personnummer)).allowed, resident.personnummer).toBe(expected);
      if (expected) allowed++;
    }
    expect(allowed).toBeGreaterThan(population.size / 2);
  });

  it('gives every registered guardian exactly the children under 13 without protected identity', async () => {
    let pairs = 0;
    for (const child of population.residents()) {
      for (const guardian of child.guardians) {
        pairs++;
        const decision = await decide(guardian, child.personnummer, 'guardian');
        const age = ageOn(child, TODAY);
        const expected = age >= 16 ? 'CHILD_TURNED_16' : age >= 13 ? 'CHILD_TURNED_13' : child.protectedIdentity ? 'PROTECTED_IDENTITY' : 'GUARDIAN_OF_CHILD_UNDER_13';
        expect(decision.basis, `${guardian} -> ${child.personnummer}`).toBe(expected);
      }
    }
    expect(pairs).toBeGreaterThan(40);
  });
});
