import { ageOn, isHsaId } from '../domain/identifiers/index.js';
import type { Party } from '../domain/record.js';
import { RESEARCH_DOMAIN, SEED_JOURNALEN, seed, type SeedSource } from '../domain/seed-source.js';
import { parseIsoDate, swedishDate } from '../domain/time.js';
import { inputInvalid } from '../errors/index.js';
import type { RegisterFacts, RegisterPerson } from './register.js';

/**
 * Who may read whose record: every access decision of the service is made here, and only here.
 * Pure and synchronous: the register facts, seals, blocks, exceptions and today's Swedish date
 * come in as arguments, so the same inputs always give the same answer and the whole space can
 * be tested as a matrix.
 *
 * The rules (research/journalen-domain.md §1.3-1.5):
 * - a resident reads their own record from the 16th birthday, with a personnummer; holders of a
 *   samordningsnummer or reservnummer cannot log in; a deceased resident's account is closed;
 * - guardians read a child's record until the 13th birthday; 13-15 nobody by default, except
 *   per care unit (extended guardian access; the child's own early access), and only for that
 *   unit's information; at 16 the child reads the whole record and guardians nothing;
 * - a child with protected identity is never shown to guardians; a blocked guardian sees nothing;
 * - seals: the whole account (nothing for anyone), or a care unit, care provider or period
 *   (those items for anyone).
 *
 * Ages are whole years on the Swedish calendar date (`ageOn`): a child turns 13 on the birthday,
 * someone born on 29 February on 1 March in other years.
 */

/** Guardians read the record until the child turns this old. */
export const GUARDIAN_ACCESS_UNTIL_AGE = 13;
/** Residents read their own record from this age. */
export const OWN_ACCESS_FROM_AGE = 16;

export const AGE_SOURCES: {
  readonly guardianAccessUntil: SeedSource;
  readonly ownAccessFrom: SeedSource;
  readonly research: string;
} = {
  guardianAccessUntil: seed(SEED_JOURNALEN, 327, 'Ditt barns journalanteckningar fram till dess att barnet fyller 13 år'),
  ownAccessFrom: seed(SEED_JOURNALEN, 445, 'alla invånare från 16 år ha tillgång till all information om sig själv'),
  research: `${RESEARCH_DOMAIN} §1.3`,
};

// ---------------------------------------------------------------------------------------------
// Inputs

/**
 * How the viewer proved who they are. E-legitimation gives a personnummer; the other two kinds
 * are here so the refusal can say why (a reservnummer has no national format, so it is kept as given).
 */
export type LoginIdentity =
  | { readonly kind: 'personnummer' | 'samordningsnummer'; readonly normalized: string }
  | { readonly kind: 'reservnummer'; readonly value: string };

export type SealSetter = 'resident' | 'care';

/**
 * A seal (försegling) on one resident's record. The resident seals the whole account; care seals
 * a care unit, a care provider or a period. Whoever set a seal, it is honoured the same way:
 * `setBy` only changes the wording.
 */
export type Seal =
  | { readonly kind: 'account'; readonly subject: string; readonly setBy: SealSetter }
  | { readonly kind: 'careUnit'; readonly subject: string; readonly careUnitHsaId: string; readonly setBy: SealSetter }
  | { readonly kind: 'careGiver'; readonly subject: string; readonly careGiverHsaId: string; readonly setBy: SealSetter }
  | {
      readonly kind: 'period';
      readonly subject: string;
      /** YYYY-MM-DD, inclusive, compared with the item's Swedish documentation date. */
      readonly from: string;
      /** YYYY-MM-DD, inclusive; open-ended when left out. */
      readonly to?: string;
      readonly setBy: SealSetter;
    };

/** One guardian blocked (blockering) from one child's record; block both guardians with two. */
export interface GuardianBlock {
  readonly guardian: string;
  readonly child: string;
}

export type AccessExceptionKind = 'extendedGuardianAccess' | 'earlyOwnAccess';

/**
 * A head of unit's (verksamhetschef) decision for a child aged 13-15: guardians keep reading
 * (`extendedGuardianAccess`), or the child reads before 16 after a maturity assessment
 * (`earlyOwnAccess`). Valid only for that unit's information and only between the dates.
 */
export interface AccessException {
  readonly kind: AccessExceptionKind;
  readonly careUnitHsaId: string;
  readonly child: string;
  /** YYYY-MM-DD, inclusive. */
  readonly validFrom: string;
  /** YYYY-MM-DD, inclusive; open-ended when left out (it still ends at 16). */
  readonly validTo?: string;
}

export type Relation = 'self' | 'guardian';

export interface RecordAccessRequest {
  readonly viewer: LoginIdentity;
  /** Whose record, 12 digits without separator. */
  readonly subject: string;
  /** What the viewer claims; checked against the register. */
  readonly relation: Relation;
  readonly facts: RegisterFacts;
  readonly seals: readonly Seal[];
  readonly guardianBlocks: readonly GuardianBlock[];
  readonly exceptions: readonly AccessException[];
  /** Today's date in Sweden, YYYY-MM-DD (`swedishDate(now)`). */
  readonly today: string;
}

/** What the item filter needs to know about a record item (a RecordItem has all of it). */
export interface AccessItem {
  /** Documentation time. */
  readonly time: Date;
  readonly careUnitHsaId?: string;
  readonly careUnit?: Party;
  readonly careGiver?: Party;
}

// ---------------------------------------------------------------------------------------------
// Outputs

export type LoginReasonCode =
  | 'RESERVNUMMER'
  | 'SAMORDNINGSNUMMER'
  | 'NOT_IN_REGISTER'
  | 'DECEASED'
  | 'UNDER_16'
  | 'OWN_ACCOUNT'
  | 'EARLY_OWN_ACCESS';

export type RecordBasisCode =
  | Exclude<LoginReasonCode, 'OWN_ACCOUNT'>
  | 'NOT_OWN_RECORD'
  | 'NOT_GUARDIAN'
  | 'SUBJECT_DECEASED'
  | 'CHILD_TURNED_16'
  | 'CHILD_TURNED_13'
  | 'ACCOUNT_SEALED'
  | 'PROTECTED_IDENTITY'
  | 'GUARDIAN_BLOCKED'
  | 'OWN_RECORD'
  | 'GUARDIAN_OF_CHILD_UNDER_13'
  | 'EXTENDED_GUARDIAN_ACCESS';

/** What a guardian is told instead of a basis that would reveal a protective fact. */
export type WithheldCode = 'GUARDIAN_ACCESS_WITHHELD';

export type ItemBasisCode = 'OUTSIDE_EXCEPTION_UNITS' | 'CARE_UNIT_SEALED' | 'CARE_GIVER_SEALED' | 'PERIOD_SEALED' | 'ORIGIN_UNKNOWN';

export interface Reason<Code extends string = string> {
  readonly code: Code;
  readonly sv: string;
  readonly en: string;
}

export interface LoginDecision {
  readonly allowed: boolean;
  readonly reason: Reason<LoginReasonCode>;
}

interface DecisionCommon {
  readonly subject: string;
  readonly relation: Relation;
  /** What the viewer is told. */
  readonly reason: Reason<RecordBasisCode | WithheldCode>;
  /**
   * The exact ground, for the audit log and support. Differs from `reason.code` only for a
   * guardian kept out by protected identity, a block or a seal: saying so would tell the
   * guardian what the protection exists to hide.
   */
  readonly basis: RecordBasisCode;
}

export type AccessDecision =
  | (DecisionCommon & { readonly allowed: true; readonly scope: 'whole' })
  | (DecisionCommon & { readonly allowed: true; readonly scope: 'careUnits'; readonly careUnitHsaIds: readonly string[] })
  | (DecisionCommon & { readonly allowed: false; readonly scope: 'none' });

export type ItemAccess =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly basis: RecordBasisCode | ItemBasisCode; readonly reason: Reason };

// ---------------------------------------------------------------------------------------------
// Words

type Words = { readonly sv: string; readonly en: string };

const LOGIN_WORDS: Record<LoginReasonCode, Words> = {
  RESERVNUMMER: {
    sv: 'Du kan inte logga in i Journalen med reservnummer. Du behöver ett svenskt personnummer och e-legitimation.',
    en: 'You cannot log in to Journalen with a reserve number (reservnummer). You need a Swedish personal identity number and an e-ID.',
  },
  SAMORDNINGSNUMMER: {
    sv: 'Du kan inte logga in i Journalen med samordningsnummer. Du behöver ett svenskt personnummer och e-legitimation.',
    en: 'You cannot log in to Journalen with a coordination number (samordningsnummer). You need a Swedish personal identity number and an e-ID.',
  },
  NOT_IN_REGISTER: {
    sv: 'Ditt personnummer finns inte i folkbokföringen, så du kan inte logga in i Journalen.',
    en: 'Your personal identity number is not in the population register, so you cannot log in to Journalen.',
  },
  DECEASED: {
    sv: 'Kontot är stängt eftersom personen är avliden enligt folkbokföringen.',
    en: 'The account is closed because the population register records the person as deceased.',
  },
  UNDER_16: {
    sv: 'Du kan läsa din journal i Journalen från det att du fyller 16 år, eller tidigare om en vårdenhet har gett dig tillgång till sin information.',
    en: 'You can read your record in Journalen from your 16th birthday, or earlier if a care unit has given you access to its information.',
  },
  OWN_ACCOUNT: {
    sv: 'Du kan logga in och läsa din journal.',
    en: 'You can log in and read your record.',
  },
  EARLY_OWN_ACCESS: {
    sv: 'Du kan läsa information från de vårdenheter som har gett dig tillgång innan du fyllt 16 år.',
    en: 'You can read information from the care units that have given you access before your 16th birthday.',
  },
};

const RECORD_WORDS: Record<Exclude<RecordBasisCode, LoginReasonCode | 'ACCOUNT_SEALED'> | WithheldCode, Words> = {
  NOT_OWN_RECORD: { sv: 'Du kan bara läsa din egen journal.', en: 'You can only read your own record.' },
  NOT_GUARDIAN: {
    sv: 'Du är inte vårdnadshavare för den här personen enligt folkbokföringen.',
    en: 'The population register does not list you as this person’s guardian.',
  },
  SUBJECT_DECEASED: {
    sv: 'Journalen för en avliden person är stängd.',
    en: 'The record of a deceased person is closed.',
  },
  CHILD_TURNED_16: {
    sv: 'Ditt barn har fyllt 16 år och kan själv läsa sin journal; vårdnadshavare kan inte läsa den.',
    en: 'Your child has turned 16 and can read their own record; guardians cannot read it.',
  },
  CHILD_TURNED_13: {
    sv: 'Ditt barn har fyllt 13 år; vårdnadshavare kan inte längre läsa journalen.',
    en: 'Your child has turned 13; guardians can no longer read the record.',
  },
  PROTECTED_IDENTITY: {
    sv: 'Barnet har skyddade personuppgifter; journalen visas inte för vårdnadshavare.',
    en: 'The child has protected identity; the record is not shown to guardians.',
  },
  GUARDIAN_BLOCKED: {
    sv: 'Vårdnadshavaren är blockerad från barnets journal.',
    en: 'The guardian is blocked from the child’s record.',
  },
  GUARDIAN_ACCESS_WITHHELD: {
    sv: 'Du kan inte läsa ditt barns journal i Journalen. Kontakta barnets vårdenhet om du har frågor.',
    en: 'You cannot read your child’s record in Journalen. Contact the child’s care unit if you have questions.',
  },
  OWN_RECORD: { sv: 'Du läser din egen journal.', en: 'You are reading your own record.' },
  GUARDIAN_OF_CHILD_UNDER_13: {
    sv: 'Du är vårdnadshavare och kan läsa ditt barns journal tills barnet fyller 13 år.',
    en: 'As a guardian you can read your child’s record until the child turns 13.',
  },
  EXTENDED_GUARDIAN_ACCESS: {
    sv: 'Ditt barn har fyllt 13 år; du kan läsa information från de vårdenheter som har gett vårdnadshavare utökad tillgång.',
    en: 'Your child has turned 13; you can read information from the care units that have given guardians extended access.',
  },
};

const SEALED_WORDS: Record<SealSetter, Words> = {
  resident: {
    sv: 'Kontot är förseglat, så journalen visas inte förrän förseglingen hävs.',
    en: 'The account is sealed, so the record is not shown until the seal is lifted.',
  },
  care: {
    sv: 'Vården har förseglat journalen i Journalen, så den visas inte.',
    en: 'The care provider has sealed the record in Journalen, so it is not shown.',
  },
};

const ITEM_WORDS: Record<ItemBasisCode, Words> = {
  OUTSIDE_EXCEPTION_UNITS: {
    sv: 'Informationen kommer från en vårdenhet som inte har gett dig tillgång.',
    en: 'This information comes from a care unit that has not given you access.',
  },
  CARE_UNIT_SEALED: { sv: 'Informationen från den här vårdenheten är förseglad.', en: 'Information from this care unit is sealed.' },
  CARE_GIVER_SEALED: { sv: 'Informationen från den här vårdgivaren är förseglad.', en: 'Information from this care provider is sealed.' },
  PERIOD_SEALED: { sv: 'Informationen från den här tidsperioden är förseglad.', en: 'Information from this period is sealed.' },
  ORIGIN_UNKNOWN: {
    sv: 'Det går inte att avgöra var eller när informationen dokumenterades, så den visas inte medan något är förseglat eller begränsat.',
    en: 'It cannot be told where or when this information was documented, so it is not shown while anything is sealed or limited.',
  },
};

const reasonOf = <Code extends string>(code: Code, words: Words): Reason<Code> => ({ code, sv: words.sv, en: words.en });

// ---------------------------------------------------------------------------------------------
// Decisions

/**
 * May this person log in? A personnummer in the register, alive, and 16 or older; between 13 and
 * 15 only with an early-own-access exception valid today. Logging in is not reading: a guardian
 * logs in on their own account (so must pass this too) and then reads a child's record through
 * `accessToRecord`, and an account seal stops reading, not logging in.
 */
export function mayLogIn(
  identity: LoginIdentity,
  facts: RegisterPerson | undefined,
  today: string,
  exceptions: readonly AccessException[] = [],
): LoginDecision {
  checkToday(today);
  const refuse = (code: LoginReasonCode): LoginDecision => ({ allowed: false, reason: reasonOf(code, LOGIN_WORDS[code]) });
  if (identity.kind === 'reservnummer') return refuse('RESERVNUMMER');
  if (identity.kind === 'samordningsnummer') return refuse('SAMORDNINGSNUMMER');
  if (!facts) return refuse('NOT_IN_REGISTER');
  // Any registered date of death closes the account, even one after today: a date in the future
  // is a register error, and an open account is the worse mistake.
  if (facts.deceasedOn !== undefined) return refuse('DECEASED');
  const age = ageOn(facts, today);
  if (age >= OWN_ACCESS_FROM_AGE) return { allowed: true, reason: reasonOf('OWN_ACCOUNT', LOGIN_WORDS.OWN_ACCOUNT) };
  if (earlyOwnAccessUnits(identity.normalized, age, exceptions, today).length > 0) {
    return { allowed: true, reason: reasonOf('EARLY_OWN_ACCESS', LOGIN_WORDS.EARLY_OWN_ACCESS) };
  }
  return refuse('UNDER_16');
}

/** May the viewer read the subject's record, and how much of it? */
export function accessToRecord(request: RecordAccessRequest): AccessDecision {
  const { viewer, subject, relation, facts, today } = request;
  checkToday(today);
  const seals = request.seals.filter((s) => s.subject === subject);

  const refuse = (basis: RecordBasisCode, told: Reason<RecordBasisCode | WithheldCode>): AccessDecision => ({
    allowed: false,
    scope: 'none',
    subject,
    relation,
    reason: told,
    basis,
  });
  const refuseSaying = (basis: Exclude<RecordBasisCode, LoginReasonCode | 'ACCOUNT_SEALED'>): AccessDecision =>
    refuse(basis, reasonOf(basis, RECORD_WORDS[basis]));
  const withheld = (basis: RecordBasisCode): AccessDecision =>
    refuse(basis, reasonOf('GUARDIAN_ACCESS_WITHHELD', RECORD_WORDS.GUARDIAN_ACCESS_WITHHELD));
  const grant = (basis: 'OWN_RECORD' | 'GUARDIAN_OF_CHILD_UNDER_13' | 'EARLY_OWN_ACCESS' | 'EXTENDED_GUARDIAN_ACCESS', units?: readonly string[]): AccessDecision => {
    const words = basis === 'EARLY_OWN_ACCESS' ? LOGIN_WORDS.EARLY_OWN_ACCESS : RECORD_WORDS[basis];
    const common = { allowed: true as const, subject, relation, reason: reasonOf(basis, words), basis };
    return units === undefined ? { ...common, scope: 'whole' } : { ...common, scope: 'careUnits', careUnitHsaIds: units };
  };

  // The viewer must be able to log in at all. Early own access counts only for one's own record:
  // a guardian reads as an adult account holder.
  const login = mayLogIn(viewer, facts.viewer, today, relation === 'self' ? request.exceptions : []);
  if (!login.allowed) {
    const code = login.reason.code as Exclude<LoginReasonCode, 'OWN_ACCOUNT' | 'EARLY_OWN_ACCESS'>;
    return refuse(code, reasonOf(code, LOGIN_WORDS[code]));
  }
  const viewerNumber = viewer.kind === 'reservnummer' ? viewer.value : viewer.normalized;

  if (relation === 'self') {
    if (viewerNumber !== subject) return refuseSaying('NOT_OWN_RECORD');
    // mayLogIn has found the viewer in the register.
    const person = facts.subject ?? facts.viewer!;
    if (person.deceasedOn !== undefined) return refuse('DECEASED', reasonOf('DECEASED', LOGIN_WORDS.DECEASED));
    const accountSeal = seals.find((s) => s.kind === 'account');
    if (accountSeal) return refuse('ACCOUNT_SEALED', reasonOf('ACCOUNT_SEALED', SEALED_WORDS[accountSeal.setBy]));
    const age = ageOn(person, today);
    if (age >= OWN_ACCESS_FROM_AGE) return grant('OWN_RECORD');
    const units = earlyOwnAccessUnits(subject, age, request.exceptions, today);
    return units.length > 0 ? grant('EARLY_OWN_ACCESS', units) : refuse('UNDER_16', reasonOf('UNDER_16', LOGIN_WORDS.UNDER_16));
  }

  // Guardianship is checked first, against the child's register entry, so a stranger learns
  // nothing about the subject: not whether they exist, have died or are protected.
  const child = facts.subject;
  if (viewerNumber === subject || !child || !child.guardians.includes(viewerNumber)) return refuseSaying('NOT_GUARDIAN');
  if (child.deceasedOn !== undefined) return refuseSaying('SUBJECT_DECEASED');
  // Age first: it tells the guardian nothing they do not know. Seals, protection and blocks
  // come after, reported only as "withheld", so they are never named where age already refuses.
  const age = ageOn(child, today);
  if (age >= OWN_ACCESS_FROM_AGE) return refuseSaying('CHILD_TURNED_16');
  const units = age >= GUARDIAN_ACCESS_UNTIL_AGE ? exceptionUnits('extendedGuardianAccess', subject, request.exceptions, today) : undefined;
  if (units !== undefined && units.length === 0) return refuseSaying('CHILD_TURNED_13');
  if (seals.some((s) => s.kind === 'account')) return withheld('ACCOUNT_SEALED');
  if (child.protectedIdentity) return withheld('PROTECTED_IDENTITY');
  if (request.guardianBlocks.some((b) => b.guardian === viewerNumber && b.child === subject)) return withheld('GUARDIAN_BLOCKED');
  return units === undefined ? grant('GUARDIAN_OF_CHILD_UNDER_13') : grant('EXTENDED_GUARDIAN_ACCESS', units);
}

/**
 * May this item of the subject's record be shown under the decision? Seals are passed again so
 * that one set after the decision still counts. An item whose unit, care provider or date
 * cannot be read is hidden whenever something might cover it: a seal protects, so when in doubt
 * it hides.
 */
export function itemAccess(decision: AccessDecision, item: AccessItem, seals: readonly Seal[]): ItemAccess {
  if (!decision.allowed) return { allowed: false, basis: decision.basis, reason: decision.reason };
  const hide = (basis: ItemBasisCode): ItemAccess => ({ allowed: false, basis, reason: reasonOf(basis, ITEM_WORDS[basis]) });
  const mine = seals.filter((s) => s.subject === decision.subject);

  const account = mine.find((s) => s.kind === 'account');
  if (account) {
    const told = decision.relation === 'guardian'
      ? reasonOf('GUARDIAN_ACCESS_WITHHELD', RECORD_WORDS.GUARDIAN_ACCESS_WITHHELD)
      : reasonOf('ACCOUNT_SEALED', SEALED_WORDS[account.setBy]);
    return { allowed: false, basis: 'ACCOUNT_SEALED', reason: told };
  }

  const unit = knownHsaId(item.careUnitHsaId) ?? knownHsaId(item.careUnit?.hsaId);
  const giver = knownHsaId(item.careGiver?.hsaId);
  const date = item.time instanceof Date && !Number.isNaN(item.time.getTime()) ? swedishDate(item.time) : undefined;

  if (decision.scope === 'careUnits') {
    if (unit === undefined) return hide('ORIGIN_UNKNOWN');
    if (!decision.careUnitHsaIds.includes(unit)) return hide('OUTSIDE_EXCEPTION_UNITS');
  }
  for (const seal of mine) {
    switch (seal.kind) {
      case 'careUnit':
        if (unit === undefined) return hide('ORIGIN_UNKNOWN');
        if (unit === seal.careUnitHsaId) return hide('CARE_UNIT_SEALED');
        break;
      case 'careGiver':
        if (giver === undefined) return hide('ORIGIN_UNKNOWN');
        if (giver === seal.careGiverHsaId) return hide('CARE_GIVER_SEALED');
        break;
      case 'period':
        checkDate(seal.from, 'seal.from');
        if (seal.to !== undefined) checkDate(seal.to, 'seal.to');
        if (date === undefined) return hide('ORIGIN_UNKNOWN');
        if (seal.from <= date && (seal.to === undefined || date <= seal.to)) return hide('PERIOD_SEALED');
        break;
    }
  }
  return { allowed: true };
}

/** `itemAccess(...).allowed`, for filters. */
export function itemAllowed(decision: AccessDecision, item: AccessItem, seals: readonly Seal[]): boolean {
  return itemAccess(decision, item, seals).allowed;
}

// ---------------------------------------------------------------------------------------------

/**
 * The units of one kind of exception in force today for the child, sorted and without
 * duplicates. Exceptions exist for ages 13-15 only: before 13 guardians read everything and
 * the child nothing; from 16 the child reads everything and guardians nothing.
 */
function exceptionUnits(kind: AccessExceptionKind, child: string, exceptions: readonly AccessException[], today: string): string[] {
  const units = new Set<string>();
  for (const e of exceptions) {
    if (e.kind !== kind || e.child !== child) continue;
    checkDate(e.validFrom, 'exception.validFrom');
    if (e.validTo !== undefined) checkDate(e.validTo, 'exception.validTo');
    if (e.validFrom <= today && (e.validTo === undefined || today <= e.validTo)) units.add(e.careUnitHsaId);
  }
  return [...units].sort();
}

function earlyOwnAccessUnits(child: string, age: number, exceptions: readonly AccessException[], today: string): string[] {
  if (age < GUARDIAN_ACCESS_UNTIL_AGE || age >= OWN_ACCESS_FROM_AGE) return [];
  return exceptionUnits('earlyOwnAccess', child, exceptions, today);
}

const knownHsaId = (value: string | undefined): string | undefined => (isHsaId(value) ? value : undefined);

function checkDate(value: string, field: string): void {
  if (typeof value !== 'string' || parseIsoDate(value) === null) throw inputInvalid(field, 'must be a calendar date YYYY-MM-DD');
}

function checkToday(today: string): void {
  checkDate(today, 'today');
}
