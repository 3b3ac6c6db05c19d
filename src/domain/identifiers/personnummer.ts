/**
 * Personnummer and samordningsnummer: the Swedish personal identity number (folkbokföringslagen)
 * and the coordination number given to people who are not, or not yet, registered in Sweden.
 * Both are YYMMDD-NNNC with a Luhn check digit C; a samordningsnummer adds 60 to the day.
 *
 * Pure functions, no I/O. Messages never repeat the number itself, because errors end up in
 * logs and API responses.
 */

import { JournalenError } from '../../errors/index.js';

export type PersonalIdentityKind = 'personnummer' | 'samordningsnummer';
export type Sex = 'female' | 'male';

export interface PersonalIdentity {
  readonly kind: PersonalIdentityKind;
  /** YYYYMMDDNNNC, no separator: the form to store and compare. The day keeps its +60. */
  readonly normalized: string;
  /** YYYY-MM-DD, a real date; for a samordningsnummer the day minus 60. */
  readonly birthDate: string;
  /** From the second-to-last digit: even is female, odd is male. */
  readonly sex: Sex;
  /** YYYYMMDD-NNNC, the form people read. */
  readonly display: string;
}

/** Stable machine reasons in `details.reason` of IDENTIFIER_INVALID errors from this module. */
export const PERSONAL_IDENTITY_INVALID_REASONS = [
  'type',
  'characters',
  'length',
  'separator',
  'month',
  'day',
  'future',
  'checksum',
] as const;
export type PersonalIdentityInvalidReason = (typeof PERSONAL_IDENTITY_INVALID_REASONS)[number];

export interface ParsePersonalIdentityOptions {
  /**
   * "Today" for century inference of the 10-digit forms and for the future check; its calendar
   * date in Sweden is what counts. Default: now.
   */
  readonly referenceDate?: Date;
  /** Names the input in error details, e.g. `patient.personnummer`. */
  readonly field?: string;
}

export type PersonalIdentityResult =
  | { readonly ok: true; readonly value: PersonalIdentity }
  | { readonly ok: false; readonly error: JournalenError };

interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

// At most one separator; where it stands is checked after counting digits, for a sharper message.
const ALLOWED_SHAPE = /^\d*[-+]?\d*$/;

export function parsePersonalIdentity(input: string, options: ParsePersonalIdentityOptions = {}): PersonalIdentity {
  const fail = (reason: PersonalIdentityInvalidReason, message: string): JournalenError =>
    new JournalenError(
      'IDENTIFIER_INVALID',
      message,
      options.field === undefined ? { reason } : { field: options.field, reason },
    );

  if (typeof input !== 'string') {
    throw fail('type', `personnummer must be a string, got ${input === null ? 'null' : typeof input}`);
  }
  const text = input.trim();
  if (!ALLOWED_SHAPE.test(text)) {
    throw fail('characters', 'personnummer contains characters other than digits and one separator (- or +)');
  }

  const separatorAt = text.search(/[-+]/);
  const separator = separatorAt === -1 ? '' : text[separatorAt];
  const digits = separatorAt === -1 ? text : text.slice(0, separatorAt) + text.slice(separatorAt + 1);
  if (digits.length !== 10 && digits.length !== 12) {
    throw fail('length', `personnummer must have 10 or 12 digits, got ${digits.length}`);
  }
  if (separator !== '' && separatorAt !== digits.length - 4) {
    throw fail('separator', 'personnummer separator must stand before the last four digits (YYMMDD-NNNC or YYYYMMDD-NNNC)');
  }
  const longForm = digits.length === 12;
  if (longForm && separator === '+') {
    // The 12-digit form states the century, so the 100-years marker has no meaning there.
    throw fail('separator', 'personnummer with 12 digits takes - or no separator; + (aged 100 or more) belongs to the 10-digit form');
  }

  const short = longForm ? digits.slice(2) : digits;
  const yy = Number(short.slice(0, 2));
  const month = Number(short.slice(2, 4));
  const dayField = Number(short.slice(4, 6));
  const kind: PersonalIdentityKind = dayField > 60 ? 'samordningsnummer' : 'personnummer';

  if (month < 1 || month > 12) {
    throw fail('month', `${kind} has month ${short.slice(2, 4)}; must be 01-12`);
  }
  if (dayField > 91) {
    throw fail('day', `samordningsnummer day must be 61-91, got ${short.slice(4, 6)}`);
  }
  if (dayField === 0 || (dayField > 31 && dayField < 61)) {
    throw fail('day', `personnummer has day ${short.slice(4, 6)}; must be 01-31 (61-91 in a samordningsnummer)`);
  }

  const day = kind === 'samordningsnummer' ? dayField - 60 : dayField;
  const today = calendarDateInSweden(options.referenceDate ?? new Date());
  const year = longForm ? Number(digits.slice(0, 4)) : inferYear(yy, month, day, separator === '+', today);

  const monthLength = daysInMonth(year, month);
  if (day > monthLength) {
    const dayText = kind === 'samordningsnummer' ? `${dayField} (${day} + 60)` : String(dayField);
    const inferred = longForm ? '' : ` (year inferred from the 10-digit form${separator === '+' ? ' with +' : ''})`;
    throw fail('day', `${kind} has day ${dayText}, ${MONTH_NAMES[month - 1]} ${pad(year, 4)} has ${monthLength} days${inferred}`);
  }

  const birth: CalendarDate = { year, month, day };
  const birthDate = isoDate(birth);
  // Only reachable with 12 digits: inference never picks a future century.
  if (compareDates(birth, today) > 0) {
    throw fail('future', `birth date ${birthDate} is in the future`);
  }

  const check = Number(short[9]);
  const expected = luhnCheckDigit(short.slice(0, 9));
  if (check !== expected) {
    throw fail('checksum', `${kind} check digit is ${check}, expected ${expected} (Luhn)`);
  }

  const datePart = `${pad(year, 4)}${short.slice(2, 6)}`;
  const serial = short.slice(6);
  return Object.freeze({
    kind,
    normalized: datePart + serial,
    birthDate,
    sex: Number(short[8]) % 2 === 0 ? 'female' : 'male',
    display: `${datePart}-${serial}`,
  });
}

/** Like `parsePersonalIdentity`, for callers that collect problems instead of throwing. */
export function tryParsePersonalIdentity(input: string, options?: ParsePersonalIdentityOptions): PersonalIdentityResult {
  try {
    return { ok: true, value: parsePersonalIdentity(input, options) };
  } catch (error) {
    if (error instanceof JournalenError) return { ok: false, error };
    throw error;
  }
}

/**
 * Age in whole years on `date` (a Date, read as its calendar day in Sweden, or `YYYY-MM-DD`).
 * Someone born on 29 February gets a year older on 1 March in non-leap years: comparing
 * (month, day) pairs gives exactly that, since 02-29 sorts after 02-28.
 */
export function ageOn(identity: Pick<PersonalIdentity, 'birthDate'>, date: Date | string): number {
  const birth = parseIsoDate(identity.birthDate, 'birthDate');
  const on = typeof date === 'string' ? parseIsoDate(date, 'date') : calendarDateInSweden(date);
  if (compareDates(on, birth) < 0) {
    throw new JournalenError('INPUT_INVALID', `date: ${isoDate(on)} is before the birth date`, {
      field: 'date',
      reason: 'before-birth',
    });
  }
  const hadBirthday = on.month > birth.month || (on.month === birth.month && on.day >= birth.day);
  return on.year - birth.year - (hadBirthday ? 0 : 1);
}

/** `YYYYMMDD-****`: for screens that must show whose record it is without the full number. */
export function maskPersonalIdentity(normalized: string): string {
  if (typeof normalized !== 'string' || !/^\d{12}$/.test(normalized)) {
    throw new JournalenError('IDENTIFIER_INVALID', 'maskPersonalIdentity expects the normalized 12-digit form YYYYMMDDNNNC', {
      reason: 'length',
    });
  }
  return `${normalized.slice(0, 8)}-****`;
}

/** The Luhn (mod 10) check digit of YYMMDDNNN, weights 2,1,2,1,... from the left. */
export function luhnCheckDigit(nineDigits: string): number {
  let sum = 0;
  for (let i = 0; i < nineDigits.length; i++) {
    let v = Number(nineDigits[i]) * (i % 2 === 0 ? 2 : 1);
    if (v > 9) v -= 9;
    sum += v;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * The most recent year ending in `yy` whose (month, day) is not after today; with `+`
 * (aged 100 or more) a further century back. The day may not exist in that year (29 February);
 * the caller reports that, naming the year, since the century decides whether it exists.
 */
function inferYear(yy: number, month: number, day: number, hundredOrOlder: boolean, today: CalendarDate): number {
  let year = today.year - (((today.year - yy) % 100) + 100) % 100;
  if (compareDates({ year, month, day }, today) > 0) year -= 100;
  return hundredOrOlder ? year - 100 : year;
}

// Swedish calendar day, not UTC: a child born just after midnight in Stockholm is not "in the future".
const swedishCalendar = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

function calendarDateInSweden(date: Date): CalendarDate {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new JournalenError('INPUT_INVALID', 'referenceDate: not a valid date', { field: 'referenceDate' });
  }
  let year = 0;
  let month = 0;
  let day = 0;
  for (const part of swedishCalendar.formatToParts(date)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
  }
  return { year, month, day };
}

function parseIsoDate(text: string, field: string): CalendarDate {
  const match = typeof text === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(text) : null;
  const date = match ? { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) } : undefined;
  if (!date || date.month < 1 || date.month > 12 || date.day < 1 || date.day > daysInMonth(date.year, date.month)) {
    throw new JournalenError('INPUT_INVALID', `${field}: must be a calendar date YYYY-MM-DD`, { field });
  }
  return date;
}

const isLeapYear = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const isoDate = (d: CalendarDate): string => `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}`;
