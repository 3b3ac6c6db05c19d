import { luhnCheckDigit, type PersonalIdentityKind, type Sex } from '../domain/identifiers/index.js';
import type { RegionCode } from '../domain/regions.js';
import { addDays, swedishDate, type IsoDate } from '../domain/time.js';
import { PERSONNUMMER_OID, SAMORDNINGSNUMMER_OID } from '../contracts/types.js';
import { FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES } from './names.js';
import { Random, type Seed } from './random.js';

/**
 * The synthetic population register: who exists, their identity numbers, names, birth dates,
 * families and the register facts access control needs (guardians, protected identity, death).
 *
 * Resident 0 is Tolvan Tolvansson, 19121212-1212, Skatteverket's classic test person. Every
 * other number is synthetic: built here from the seed, Luhn-valid and in the shape of a real
 * personnummer, so a few will coincide with real people's numbers. They describe no one: use
 * them only in test and demo environments, never against a real population register.
 *
 * Nothing is stored. A resident is computed from (seed, index), and an index from a number:
 * month, day and birth number encode the index through a seeded permutation, so
 * `indexOf(personnummer)` is O(1) for any population size up to MAX_POPULATION_SIZE.
 */

/** Birth dates use a 365-day calendar and 1000 birth numbers per day; Tolvan's slot is reserved. */
export const MAX_POPULATION_SIZE = 365 * 1000;

const KEYS = MAX_POPULATION_SIZE - 1;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const MONTH_START = DAYS_IN_MONTH.reduce<number[]>((acc, d, i) => [...acc, (acc[i] ?? 0) + d], [0]);

const dayOfYear = (month: number, day: number): number | undefined =>
  month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1]! ? MONTH_START[month - 1]! + day - 1 : undefined;

function monthDayOf(doy: number): [number, number] {
  let month = 0;
  while (doy >= MONTH_START[month + 1]!) month++;
  return [month + 1, doy - MONTH_START[month]! + 1];
}

export const TOLVAN = '191212121212';
const TOLVAN_KEY = dayOfYear(12, 12)! * 1000 + 121;

/** The special cases every population has, at fixed indexes (household 0 is hand-made). */
export const SPECIAL_INDEXES = {
  tolvan: 0,
  /** Guardians (both) of the three Lindqvist children. */
  guardianA: 1,
  guardianB: 2,
  child0to12: 3,
  child13to15: 4,
  child16to17: 5,
  /** A child with protected identity (skyddade personuppgifter); guardian below. */
  protectedChild: 6,
  protectedChildGuardian: 7,
  deceased: 8,
  /** Holds a samordningsnummer (day + 60). */
  samordningsnummer: 9,
  /** Care in three regions, psychiatric inpatient care among it. */
  multiRegion: 10,
} as const;

export type SpecialCase = keyof typeof SPECIAL_INDEXES;

const SPECIAL_BY_INDEX = new Map<number, SpecialCase>(Object.entries(SPECIAL_INDEXES).map(([k, v]) => [v, k as SpecialCase]));

export type Role = 'guardian' | 'child' | 'adult';

export interface Resident {
  readonly index: number;
  /** YYYYMMDDNNNC, no separator; for a samordningsnummer the day carries its +60. */
  readonly personnummer: string;
  readonly idKind: PersonalIdentityKind;
  /** OID of the id kind, as RIV-TA patientId/type carries it. */
  readonly patientIdType: string;
  readonly givenName: string;
  readonly familyName: string;
  /** YYYY-MM-DD. */
  readonly birthDate: IsoDate;
  readonly sex: Sex;
  readonly homeRegion: RegionCode;
  readonly role: Role;
  /** Register fact: skyddade personuppgifter. */
  readonly protectedIdentity: boolean;
  /** Register fact: date of death, YYYY-MM-DD. */
  readonly deceasedOn?: IsoDate;
  /** Register fact: the child's guardians (vårdnadshavare), as personnummer. */
  readonly guardians: readonly string[];
  /** The guardian's children, as personnummer. */
  readonly children: readonly string[];
  /** Which hand-made special case this resident is, if any. */
  readonly special?: SpecialCase;
}

/** Population shares of the regions (SCB, rounded), for home regions. */
const REGION_WEIGHTS: readonly (readonly [RegionCode, number])[] = [
  ['01', 24.1], ['03', 3.9], ['04', 2.9], ['05', 4.5], ['06', 3.5], ['07', 1.9], ['08', 2.3], ['09', 0.6], ['10', 1.5], ['12', 13.5],
  ['13', 3.2], ['14', 16.7], ['17', 2.7], ['18', 2.9], ['19', 2.6], ['20', 2.8], ['21', 2.8], ['22', 2.4], ['23', 1.3], ['24', 2.6], ['25', 2.4],
];

export const pickRegion = (rng: Random): RegionCode => rng.weighted(REGION_WEIGHTS);

/** What the identity number and the register derive from; cheap, no strings built. */
interface Profile {
  readonly index: number;
  readonly role: Role;
  /** Whole years on 1 January of the reference year; the age "now" is this or one more. */
  readonly ageAtAnchor: number;
  readonly familyName: string;
  readonly homeRegion: RegionCode;
  readonly protectedIdentity: boolean;
  readonly deceasedDaysAgo?: number;
  readonly guardianIndexes: readonly number[];
  readonly childIndexes: readonly number[];
  readonly coordination: boolean;
}

interface Household {
  readonly familyName: string;
  readonly secondFamilyName: string;
  readonly homeRegion: RegionCode;
  readonly family: boolean;
  readonly twoGuardians: boolean;
  readonly childAges: readonly number[];
  readonly guardianAge: number;
}

const HOUSEHOLD_SIZE = 10;

// Household 0 (indexes 1-10): hand-made special cases.
const SPECIAL_PROFILES: Readonly<Record<number, Omit<Profile, 'index'>>> = {
  1: { role: 'guardian', ageAtAnchor: 41, familyName: 'Lindqvist', homeRegion: '03', protectedIdentity: false, guardianIndexes: [], childIndexes: [3, 4, 5], coordination: false },
  2: { role: 'guardian', ageAtAnchor: 43, familyName: 'Lindqvist', homeRegion: '03', protectedIdentity: false, guardianIndexes: [], childIndexes: [3, 4, 5], coordination: false },
  3: { role: 'child', ageAtAnchor: 6, familyName: 'Lindqvist', homeRegion: '03', protectedIdentity: false, guardianIndexes: [1, 2], childIndexes: [], coordination: false },
  4: { role: 'child', ageAtAnchor: 13, familyName: 'Lindqvist', homeRegion: '03', protectedIdentity: false, guardianIndexes: [1, 2], childIndexes: [], coordination: false },
  5: { role: 'child', ageAtAnchor: 16, familyName: 'Lindqvist', homeRegion: '03', protectedIdentity: false, guardianIndexes: [1, 2], childIndexes: [], coordination: false },
  6: { role: 'child', ageAtAnchor: 8, familyName: 'Berg', homeRegion: '01', protectedIdentity: true, guardianIndexes: [7], childIndexes: [], coordination: false },
  7: { role: 'guardian', ageAtAnchor: 36, familyName: 'Berg', homeRegion: '01', protectedIdentity: true, guardianIndexes: [], childIndexes: [6], coordination: false },
  8: { role: 'adult', ageAtAnchor: 79, familyName: 'Holm', homeRegion: '12', protectedIdentity: false, deceasedDaysAgo: 120, guardianIndexes: [], childIndexes: [], coordination: false },
  9: { role: 'adult', ageAtAnchor: 29, familyName: 'Virtanen', homeRegion: '14', protectedIdentity: false, guardianIndexes: [], childIndexes: [], coordination: true },
  10: { role: 'adult', ageAtAnchor: 67, familyName: 'Sjöberg', homeRegion: '05', protectedIdentity: false, guardianIndexes: [], childIndexes: [], coordination: false },
};

const ADULT_AGE_BANDS: readonly (readonly [readonly [number, number], number])[] = [
  [[18, 29], 17], [[30, 44], 24], [[45, 64], 30], [[65, 79], 20], [[80, 99], 9],
];

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Modular inverse by the extended Euclidean algorithm (all values below 2^26, so exact). */
function modInverse(a: number, m: number): number {
  let [oldR, r] = [a, m];
  let [oldS, s] = [1, 0];
  while (r !== 0) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

export class Register {
  readonly anchorYear: number;
  private readonly multiplier: number;
  private readonly inverse: number;
  private readonly offset: number;
  private readonly nowMs: number;

  constructor(
    readonly seed: Seed,
    readonly size: number,
    readonly now: Date,
  ) {
    if (!Number.isInteger(size) || size < 1 || size > MAX_POPULATION_SIZE) {
      throw new RangeError(`population size must be an integer 1-${MAX_POPULATION_SIZE}, got ${size}`);
    }
    this.nowMs = now.getTime();
    // Ages are counted from 1 January of now's year, so numbers stay the same all year and a
    // child chosen to be 13-15 is 13-15 whatever day it is.
    this.anchorYear = Number(swedishDate(now).slice(0, 4));
    const rng = Random.of(seed, 'permutation');
    let a = rng.int(1000, KEYS - 1);
    while (gcd(a, KEYS) !== 1) a++;
    this.multiplier = a;
    this.inverse = modInverse(a, KEYS);
    this.offset = rng.int(0, KEYS - 1);
  }

  private household(h: number): Household {
    const rng = Random.of(this.seed, 'household', h);
    const family = rng.chance(0.7);
    const children = family ? rng.weighted([[1, 35], [2, 45], [3, 20]] as const) : 0;
    const childAges = Array.from({ length: children }, () => rng.int(0, 16));
    const oldest = Math.max(0, ...childAges);
    return {
      familyName: rng.pick(FAMILY_NAMES),
      secondFamilyName: rng.pick(FAMILY_NAMES),
      homeRegion: pickRegion(rng),
      family,
      twoGuardians: rng.chance(0.8),
      childAges,
      guardianAge: oldest + rng.int(22, 38),
    };
  }

  profile(index: number): Profile {
    const special = SPECIAL_PROFILES[index];
    if (special) return { index, ...special };
    if (index === 0) {
      return { index, role: 'adult', ageAtAnchor: this.anchorYear - 1913, familyName: 'Tolvansson', homeRegion: '01', protectedIdentity: false, guardianIndexes: [], childIndexes: [], coordination: false };
    }
    const h = Math.floor((index - 1) / HOUSEHOLD_SIZE);
    const p = (index - 1) % HOUSEHOLD_SIZE;
    const first = h * HOUSEHOLD_SIZE + 1;
    const hh = this.household(h);
    const rng = Random.of(this.seed, 'resident', index);
    const protectedIdentity = rng.chance(0.002);
    const guardianPositions = hh.family ? (hh.twoGuardians ? [0, 1] : [0]) : [];
    const childPositions = hh.childAges.map((_, i) => 2 + i);
    const base = { index, homeRegion: hh.homeRegion, protectedIdentity, coordination: false };
    if (guardianPositions.includes(p)) {
      return {
        ...base,
        role: 'guardian',
        ageAtAnchor: hh.guardianAge + (p === 1 ? rng.int(-4, 5) : 0),
        familyName: p === 1 && rng.chance(0.3) ? hh.secondFamilyName : hh.familyName,
        guardianIndexes: [],
        childIndexes: childPositions.map((c) => first + c).filter((i) => i < this.size),
      };
    }
    if (childPositions.includes(p)) {
      return { ...base, role: 'child', ageAtAnchor: hh.childAges[p - 2]!, familyName: hh.familyName, guardianIndexes: guardianPositions.map((g) => first + g), childIndexes: [] };
    }
    const [lo, hi] = rng.weighted(ADULT_AGE_BANDS);
    const age = rng.int(lo, hi);
    const deceased = age >= 75 && rng.chance(0.04);
    return {
      ...base,
      role: 'adult',
      ageAtAnchor: age,
      familyName: rng.pick(FAMILY_NAMES),
      guardianIndexes: [],
      childIndexes: [],
      ...(deceased ? { deceasedDaysAgo: rng.int(10, 900) } : {}),
    };
  }

  /** The identity number of a resident; cheap (no resident built). */
  personnummerOf(index: number): string {
    if (index === 0) return TOLVAN;
    return this.numberFor(index, this.profile(index));
  }

  private numberFor(index: number, profile: Profile): string {
    const permuted = (this.multiplier * (index - 1) + this.offset) % KEYS;
    const key = permuted >= TOLVAN_KEY ? permuted + 1 : permuted;
    const [month, day] = monthDayOf(Math.floor(key / 1000));
    const serial = String(key % 1000).padStart(3, '0');
    const year = this.anchorYear - 1 - profile.ageAtAnchor;
    const dd = profile.coordination ? day + 60 : day;
    const short = `${String(year % 100).padStart(2, '0')}${String(month).padStart(2, '0')}${String(dd).padStart(2, '0')}${serial}`;
    return `${year}${short.slice(2)}${luhnCheckDigit(short)}`;
  }

  /** The index of a personnummer in this population, or undefined: O(1), no table. */
  indexOf(personnummer: string): number | undefined {
    if (typeof personnummer !== 'string' || !/^\d{12}$/.test(personnummer)) return undefined;
    if (personnummer === TOLVAN) return 0;
    const month = Number(personnummer.slice(4, 6));
    let day = Number(personnummer.slice(6, 8));
    if (day > 60) day -= 60;
    const doy = dayOfYear(month, day);
    if (doy === undefined) return undefined;
    const key = doy * 1000 + Number(personnummer.slice(8, 11));
    if (key === TOLVAN_KEY) return undefined;
    const permuted = key > TOLVAN_KEY ? key - 1 : key;
    const index = ((this.inverse * (((permuted - this.offset) % KEYS) + KEYS)) % KEYS) + 1;
    if (index >= this.size) return undefined;
    // The permutation fixes month, day and birth number; the year, the +60 and the check digit
    // must match too.
    return this.personnummerOf(index) === personnummer ? index : undefined;
  }

  resident(index: number): Resident {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) throw new RangeError(`no resident ${index} in a population of ${this.size}`);
    const profile = this.profile(index);
    const personnummer = this.personnummerOf(index);
    const year = Number(personnummer.slice(0, 4));
    const month = Number(personnummer.slice(4, 6));
    const day = Number(personnummer.slice(6, 8)) - (profile.coordination ? 60 : 0);
    const sex: Sex = Number(personnummer[10]) % 2 === 0 ? 'female' : 'male';
    const special = SPECIAL_BY_INDEX.get(index);
    const names = Random.of(this.seed, 'name', index);
    const givenName = index === 0 ? 'Tolvan' : names.pick(sex === 'female' ? FEMALE_NAMES : MALE_NAMES);
    const birthDate = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` as IsoDate;
    const deceasedOn = profile.deceasedDaysAgo === undefined
      ? undefined
      : addDays(swedishDate(new Date(this.nowMs)), -profile.deceasedDaysAgo);
    return {
      index,
      personnummer,
      idKind: profile.coordination ? 'samordningsnummer' : 'personnummer',
      patientIdType: profile.coordination ? SAMORDNINGSNUMMER_OID : PERSONNUMMER_OID,
      givenName,
      familyName: profile.familyName,
      birthDate,
      sex,
      homeRegion: profile.homeRegion,
      role: profile.role,
      protectedIdentity: profile.protectedIdentity,
      ...(deceasedOn !== undefined ? { deceasedOn } : {}),
      guardians: profile.guardianIndexes.filter((i) => i < this.size).map((i) => this.personnummerOf(i)),
      children: profile.childIndexes.filter((i) => i < this.size).map((i) => this.personnummerOf(i)),
      ...(special !== undefined ? { special } : {}),
    };
  }
}
