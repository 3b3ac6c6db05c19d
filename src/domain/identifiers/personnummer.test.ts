import { createRequire } from 'node:module';

import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { JournalenError } from '../../errors/index.js';
import {
  PERSONAL_IDENTITY_INVALID_REASONS,
  ageOn,
  maskPersonalIdentity,
  parsePersonalIdentity,
  tryParsePersonalIdentity,
  type PersonalIdentityInvalidReason,
} from './index.js';

// The package is CommonJS (`module.exports = Personnummer`) with types that say `export default`;
// require() gets the class whatever TypeScript's ESM interop would make of it.
type PersonnummerClass = typeof import('personnummer').default;
const Personnummer = createRequire(import.meta.url)('personnummer') as PersonnummerClass;

// Noon UTC is the same calendar day in Stockholm all year round.
const REF = new Date('2026-06-15T12:00:00Z');
const at = (isoDay: string): Date => new Date(`${isoDay}T12:00:00Z`);

/** The reason an input is rejected for, with the message; fails the test if it is accepted. */
function rejection(input: string, referenceDate = REF): { reason: PersonalIdentityInvalidReason; message: string } {
  const result = tryParsePersonalIdentity(input, { referenceDate });
  if (result.ok) throw new Error(`expected ${input} to be rejected`);
  expect(result.error.code).toBe('JOURNALEN_IDENTIFIER_INVALID');
  return { reason: result.error.details.reason as PersonalIdentityInvalidReason, message: result.error.message };
}

// An oracle written apart from the implementation.
function luhn(nineDigits: string): number {
  const sum = [...nineDigits].reduce((acc, ch, i) => {
    const product = Number(ch) * (i % 2 === 0 ? 2 : 1);
    return acc + Math.floor(product / 10) + (product % 10);
  }, 0);
  return (10 - (sum % 10)) % 10;
}
const isLeap = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const monthLength = (year: number, month: number): number =>
  month === 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

describe('parsePersonalIdentity: valid numbers', () => {
  it('reads Tolvan Tolvansson (Skatteverket test number) in every accepted form', () => {
    for (const form of ['19121212-1212', '191212121212', '121212+1212', ' 19121212-1212\n']) {
      expect(parsePersonalIdentity(form, { referenceDate: REF })).toEqual({
        kind: 'personnummer',
        normalized: '191212121212',
        birthDate: '1912-12-12',
        sex: 'male',
        display: '19121212-1212',
      });
    }
  });

  it('puts a 10-digit number with - or no separator in the most recent century that is not in the future', () => {
    expect(parsePersonalIdentity('121212-1212', { referenceDate: REF }).normalized).toBe('201212121212');
    expect(parsePersonalIdentity('1212121212', { referenceDate: REF }).normalized).toBe('201212121212');
    // 1912 only with + (aged 100 or more)
    expect(parsePersonalIdentity('121212+1212', { referenceDate: REF }).normalized).toBe('191212121212');
  });

  it('uses the reference date, not just its year, to pick the century', () => {
    // REF is 2026-06-15: 1 January 2026 has happened, 31 December 2026 has not.
    expect(parsePersonalIdentity('260101-1238', { referenceDate: REF }).birthDate).toBe('2026-01-01');
    expect(parsePersonalIdentity('261231-1239', { referenceDate: REF }).birthDate).toBe('1926-12-31');
    expect(parsePersonalIdentity('261231+1239', { referenceDate: REF }).birthDate).toBe('1826-12-31');
    expect(parsePersonalIdentity('261231-1239', { referenceDate: at('2026-12-31') }).birthDate).toBe('2026-12-31');
  });

  it("reads the reference date as a calendar day in Sweden, so a newborn's number is valid just after midnight", () => {
    const justAfterMidnightInStockholm = new Date('2025-12-31T23:30:00Z');
    expect(parsePersonalIdentity('202601011238', { referenceDate: justAfterMidnightInStockholm }).birthDate).toBe('2026-01-01');
    expect(rejection('202601011238', new Date('2025-12-31T22:30:00Z')).reason).toBe('future');
  });

  it.each([
    ['19900101-0017', '199001010017', '1990-01-01', 'male'],
    ['198112189876', '198112189876', '1981-12-18', 'male'],
    ['18900101-9802', '189001019802', '1890-01-01', 'female'],
    ['20121212-1212', '201212121212', '2012-12-12', 'male'],
    ['000101-0107', '200001010107', '2000-01-01', 'female'],
    ['201701012393', '201701012393', '2017-01-01', 'male'],
    ['196408233234', '196408233234', '1964-08-23', 'male'],
  ] as const)('accepts %s', (input, normalized, birthDate, sex) => {
    expect(parsePersonalIdentity(input, { referenceDate: REF })).toMatchObject({ kind: 'personnummer', normalized, birthDate, sex });
  });

  it('reads a samordningsnummer (day + 60), reporting the real birth date', () => {
    expect(parsePersonalIdentity('701063-2391', { referenceDate: REF })).toEqual({
      kind: 'samordningsnummer',
      normalized: '197010632391',
      birthDate: '1970-10-03',
      sex: 'male',
      display: '19701063-2391',
    });
  });

  it('gets sex from the second-to-last digit', () => {
    expect(parsePersonalIdentity('000101-0107', { referenceDate: REF }).sex).toBe('female'); // 0
    expect(parsePersonalIdentity('19900101-0017', { referenceDate: REF }).sex).toBe('male'); // 1
  });

  it('returns a frozen value', () => {
    expect(Object.isFrozen(parsePersonalIdentity('191212121212'))).toBe(true);
  });
});

describe('parsePersonalIdentity: leap days', () => {
  it('accepts 29 February in a leap year, in both number kinds', () => {
    expect(parsePersonalIdentity('20000229-2381', { referenceDate: REF }).birthDate).toBe('2000-02-29');
    expect(parsePersonalIdentity('040229-1231', { referenceDate: REF }).birthDate).toBe('2004-02-29');
    expect(parsePersonalIdentity('000289-2388', { referenceDate: REF })).toMatchObject({
      kind: 'samordningsnummer',
      birthDate: '2000-02-29',
    });
  });

  it('lets the inferred century decide whether 29 February exists (2000 is a leap year, 1900 is not)', () => {
    expect(parsePersonalIdentity('000229-2381', { referenceDate: REF }).birthDate).toBe('2000-02-29');
    expect(rejection('000229+2381')).toEqual({
      reason: 'day',
      message: 'personnummer has day 29, February 1900 has 28 days (year inferred from the 10-digit form with +)',
    });
    expect(rejection('19000229-0005').message).toBe('personnummer has day 29, February 1900 has 28 days');
  });

  it('rejects 29 February in a common year', () => {
    expect(rejection('19900229-1234')).toMatchObject({ reason: 'day', message: 'personnummer has day 29, February 1990 has 28 days' });
    expect(rejection('900289-1234')).toMatchObject({
      reason: 'day',
      message: 'samordningsnummer has day 89 (29 + 60), February 1990 has 28 days (year inferred from the 10-digit form)',
    });
  });
});

describe('parsePersonalIdentity: every error reason', () => {
  it.each([
    ['121212-121', 'length', 'personnummer must have 10 or 12 digits, got 9'],
    ['', 'length', 'personnummer must have 10 or 12 digits, got 0'],
    ['1912121212121', 'length', 'personnummer must have 10 or 12 digits, got 13'],
    ['121212/1212', 'characters', 'personnummer contains characters other than digits and one separator (- or +)'],
    ['19121212 1212', 'characters', 'personnummer contains characters other than digits and one separator (- or +)'],
    ['1912-1212-1212', 'characters', 'personnummer contains characters other than digits and one separator (- or +)'],
    ['l2l2l2-l2l2', 'characters', 'personnummer contains characters other than digits and one separator (- or +)'],
    ['1212-121212', 'separator', 'personnummer separator must stand before the last four digits (YYMMDD-NNNC or YYYYMMDD-NNNC)'],
    ['19121212+1212', 'separator', 'personnummer with 12 digits takes - or no separator; + (aged 100 or more) belongs to the 10-digit form'],
    ['121312-1212', 'month', 'personnummer has month 13; must be 01-12'],
    ['120012-1212', 'month', 'personnummer has month 00; must be 01-12'],
    ['121372-1212', 'month', 'samordningsnummer has month 13; must be 01-12'],
    ['19900230-1234', 'day', 'personnummer has day 30, February 1990 has 28 days'],
    ['19900431-1234', 'day', 'personnummer has day 31, April 1990 has 30 days'],
    ['19900100-1234', 'day', 'personnummer has day 00; must be 01-31 (61-91 in a samordningsnummer)'],
    ['19900145-1234', 'day', 'personnummer has day 45; must be 01-31 (61-91 in a samordningsnummer)'],
    ['19900160-1234', 'day', 'personnummer has day 60; must be 01-31 (61-91 in a samordningsnummer)'],
    ['19900195-1234', 'day', 'samordningsnummer day must be 61-91, got 95'],
    ['19900491-1234', 'day', 'samordningsnummer has day 91 (31 + 60), April 1990 has 30 days'],
    ['19121212-1213', 'checksum', 'personnummer check digit is 3, expected 2 (Luhn)'],
    ['701063-2392', 'checksum', 'samordningsnummer check digit is 2, expected 1 (Luhn)'],
    ['203101011231', 'future', 'birth date 2031-01-01 is in the future'],
    ['20260616-1234', 'future', 'birth date 2026-06-16 is in the future'],
  ] as const)('%j: %s', (input, reason, message) => {
    expect(rejection(input)).toEqual({ reason, message });
  });

  it('covers every reason it declares', () => {
    // Kept in step with the table above plus the `type` test below.
    expect([...PERSONAL_IDENTITY_INVALID_REASONS].sort()).toEqual(
      ['type', 'characters', 'length', 'separator', 'month', 'day', 'future', 'checksum'].sort(),
    );
  });

  it('rejects a non-string from untyped callers', () => {
    expect(() => parsePersonalIdentity(1912121212 as unknown as string)).toThrow(
      expect.objectContaining({ code: 'JOURNALEN_IDENTIFIER_INVALID', details: { reason: 'type' } }),
    );
  });

  it('accepts today as a birth date', () => {
    // 2026-06-15 with check digit for 260615123
    const serial = '123';
    const input = `20260615${serial}${luhn(`260615${serial}`)}`;
    expect(parsePersonalIdentity(input, { referenceDate: REF }).birthDate).toBe('2026-06-15');
  });

  it('throws a JournalenError naming the field, without the number in message or details', () => {
    let caught: unknown;
    try {
      parsePersonalIdentity('19121212-1213', { field: 'patient.personnummer' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(JournalenError);
    const error = caught as JournalenError;
    expect(error.statusCode).toBe(400);
    expect(error.details).toEqual({ field: 'patient.personnummer', reason: 'checksum' });
    expect(JSON.stringify(error.toJSON())).not.toMatch(/1212/);
  });

  it('reports an unusable reference date as INPUT_INVALID', () => {
    expect(() => parsePersonalIdentity('121212-1212', { referenceDate: new Date('nonsense') })).toThrow(
      expect.objectContaining({ code: 'JOURNALEN_INPUT_INVALID' }),
    );
  });
});

describe('tryParsePersonalIdentity', () => {
  it('returns the value or the error instead of throwing', () => {
    expect(tryParsePersonalIdentity('191212121212')).toMatchObject({ ok: true, value: { normalized: '191212121212' } });
    const failed = tryParsePersonalIdentity('191212121213');
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.error.details.reason).toBe('checksum');
  });
});

describe('ageOn', () => {
  const tolvan = parsePersonalIdentity('191212121212');
  const leapling = parsePersonalIdentity('20000229-2381');

  it('adds a year on the birthday, not the day before', () => {
    expect(ageOn(tolvan, '2026-12-11')).toBe(113);
    expect(ageOn(tolvan, '2026-12-12')).toBe(114);
    expect(ageOn(tolvan, '1912-12-12')).toBe(0);
    expect(ageOn(tolvan, '1913-12-11')).toBe(0);
  });

  it('lets someone born on 29 February turn a year older on 1 March in common years', () => {
    expect(ageOn(leapling, '2001-02-28')).toBe(0);
    expect(ageOn(leapling, '2001-03-01')).toBe(1);
    expect(ageOn(leapling, '2003-02-28')).toBe(2);
    expect(ageOn(leapling, '2004-02-28')).toBe(3);
    expect(ageOn(leapling, '2004-02-29')).toBe(4);
    expect(ageOn(leapling, '2100-02-28')).toBe(99); // 2100 is not a leap year
    expect(ageOn(leapling, '2100-03-01')).toBe(100);
  });

  it('uses the real birth date of a samordningsnummer', () => {
    const coordination = parsePersonalIdentity('701063-2391', { referenceDate: REF });
    expect(ageOn(coordination, '2026-10-02')).toBe(55);
    expect(ageOn(coordination, '2026-10-03')).toBe(56);
  });

  it('reads a Date as its calendar day in Sweden', () => {
    expect(ageOn(tolvan, new Date('2026-12-11T22:30:00Z'))).toBe(113); // 23:30 in Stockholm
    expect(ageOn(tolvan, new Date('2026-12-11T23:30:00Z'))).toBe(114); // 00:30 on the 12th
  });

  it('rejects a date before birth and a malformed date', () => {
    expect(() => ageOn(tolvan, '1912-12-11')).toThrow(expect.objectContaining({ code: 'JOURNALEN_INPUT_INVALID' }));
    expect(() => ageOn(tolvan, '2026-02-30')).toThrow(expect.objectContaining({ code: 'JOURNALEN_INPUT_INVALID' }));
    expect(() => ageOn(tolvan, '26-1-1')).toThrow(expect.objectContaining({ code: 'JOURNALEN_INPUT_INVALID' }));
  });
});

describe('maskPersonalIdentity', () => {
  it('keeps the date and hides the last four digits', () => {
    expect(maskPersonalIdentity('191212121212')).toBe('19121212-****');
    expect(maskPersonalIdentity(parsePersonalIdentity('701063-2391').normalized)).toBe('19701063-****');
  });

  it('accepts only the normalized form', () => {
    for (const input of ['19121212-1212', '1212121212', '']) {
      expect(() => maskPersonalIdentity(input)).toThrow(expect.objectContaining({ code: 'JOURNALEN_IDENTIFIER_INVALID' }));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

interface Day {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}
const day = (minYear: number, maxYear: number): fc.Arbitrary<Day> =>
  fc
    .record({ year: fc.integer({ min: minYear, max: maxYear }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
    .map((d) => ({ ...d, day: Math.min(d.day, monthLength(d.year, d.month)) }));
const compare = (a: Day, b: Day) => a.year - b.year || a.month - b.month || a.day - b.day;
const ageInYears = (birth: Day, on: Day) =>
  on.year - birth.year - (on.month > birth.month || (on.month === birth.month && on.day >= birth.day) ? 0 : 1);

/** A valid number: reference day, birth day at most 199 years before it, serial, kind. */
const validNumber = day(1901, 2199)
  .chain((ref) =>
    fc.record({
      ref: fc.constant(ref),
      birth: day(ref.year - 199, ref.year).filter((b) => compare(b, ref) <= 0),
      serial: fc.integer({ min: 0, max: 999 }),
      coordination: fc.boolean(),
    }),
  )
  .map(({ ref, birth, serial, coordination }) => {
    const dayField = birth.day + (coordination ? 60 : 0);
    const short9 = `${pad(birth.year % 100, 2)}${pad(birth.month, 2)}${pad(dayField, 2)}${pad(serial, 3)}`;
    const short = short9 + luhn(short9);
    return {
      referenceDate: new Date(Date.UTC(ref.year, ref.month - 1, ref.day, 12)),
      normalized: `${pad(Math.floor(birth.year / 100), 2)}${short}`,
      short,
      // `+` exactly when the person is 100 or older on the reference date.
      separator: ageInYears(birth, ref) >= 100 ? '+' : '-',
    };
  });

describe('parsePersonalIdentity: properties', () => {
  it('(a) parses every 10- and 12-digit form of a valid number to the same normalized value', () => {
    fc.assert(
      fc.property(validNumber, ({ referenceDate, normalized, short, separator }) => {
        const forms = [normalized, `${normalized.slice(0, 8)}-${normalized.slice(8)}`, `${short.slice(0, 6)}${separator}${short.slice(6)}`];
        if (separator === '-') forms.push(short);
        for (const form of forms) {
          expect(parsePersonalIdentity(form, { referenceDate }).normalized).toBe(normalized);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('(b) rejects every single-digit change of a valid number (Luhn catches them all)', () => {
    fc.assert(
      fc.property(validNumber, ({ referenceDate, normalized, short, separator }) => {
        for (let i = 0; i < 10; i++) {
          for (let d = 0; d <= 9; d++) {
            if (String(d) === short[i]) continue;
            const changed = short.slice(0, i) + d + short.slice(i + 1);
            expect(tryParsePersonalIdentity(`${changed.slice(0, 6)}${separator}${changed.slice(6)}`, { referenceDate }).ok).toBe(false);
            // In the 12-digit form the same ten digits are covered...
            expect(tryParsePersonalIdentity(normalized.slice(0, 2) + changed, { referenceDate }).ok).toBe(false);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('(b) ...but the century digits of the 12-digit form are outside the Luhn sum', () => {
    // A changed century is another valid person, unless it puts the birth date in the future.
    expect(parsePersonalIdentity('191212121212', { referenceDate: REF }).birthDate).toBe('1912-12-12');
    expect(parsePersonalIdentity('181212121212', { referenceDate: REF }).birthDate).toBe('1812-12-12');
    expect(parsePersonalIdentity('201212121212', { referenceDate: REF }).birthDate).toBe('2012-12-12');
    expect(rejection('211212121212').reason).toBe('future');
  });
});

// ---------------------------------------------------------------------------------------------
// The `personnummer` npm package (3.2.1) as an oracle.
//
// Where its semantics differ from ours, by design or by its bugs (each shown in a test below):
//  1. Century of a 10-digit number: it picks the most recent century by *year* only, so a
//     YYMMDD later in the current year lands in the current year, in the future; we pick the
//     most recent date that is not in the future, as the Skatteverket rule says.
//  2. It accepts 12-digit numbers whose birth date is in the future; we reject them ('future').
//  3. It accepts `+` in the 12-digit form (YYYYMMDD+NNNC); we reject it ('separator').
//  4. It rejects the serial number 000 (NNN = 000); we accept it, having no rule against it.
//  5. It rejects every 12-digit number born in years 0000-0099, because `new Date(y, m, d)`
//     maps years 0-99 to 1900-1999; we accept them (they are real calendar dates).
//  6. It accepts interim numbers (a letter in the serial) when asked to; we never do.
//  7. It reads "today" in the process's time zone, we in Sweden's.
// The property compares only inputs outside 1-5 (7 is kept away by a noon reference time), and
// freezes the clock because the package reads `new Date()` itself.

describe('compared with the personnummer package', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const digitsOf = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));

  // Mostly well-formed candidates (valid or nearly), plus raw digit strings.
  const structured = fc
    .record({
      century: fc.constantFrom('18', '19', '20'),
      long: fc.boolean(),
      yy: fc.integer({ min: 0, max: 99 }),
      mm: fc.integer({ min: 0, max: 13 }),
      dd: fc.oneof(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 59, max: 93 })),
      serial: fc.integer({ min: 0, max: 999 }),
      check: fc.oneof(fc.constant('luhn' as const), fc.integer({ min: 0, max: 9 })),
      separator: fc.constantFrom('', '-', '+'),
    })
    .map(({ century, long, yy, mm, dd, serial, check, separator }) => {
      const short9 = `${pad(yy, 2)}${pad(mm, 2)}${pad(dd, 2)}${pad(serial, 3)}`;
      const c = check === 'luhn' ? luhn(short9) : check;
      return `${long ? century : ''}${short9.slice(0, 6)}${separator}${short9.slice(6)}${c}`;
    });
  const raw = fc
    .record({ digits: fc.oneof(digitsOf(10), digitsOf(12)), separator: fc.constantFrom('', '-', '+'), at: fc.nat() })
    .map(({ digits, separator, at: position }) => {
      const i = position % (digits.length + 1);
      return digits.slice(0, i) + separator + digits.slice(i);
    });

  const outsideKnownDifferences = (input: string, today: Day): boolean => {
    const digits = input.replace(/[-+]/g, '');
    if (digits.length === 12) {
      const year = Number(digits.slice(0, 4));
      if (input.includes('+')) return false; // 3
      if (year >= today.year || year < 100) return false; // 2, 5
    } else if (digits.length === 10 && Number(digits.slice(0, 2)) === today.year % 100) {
      return false; // 1
    }
    return digits.slice(-4, -1) !== '000'; // 4
  };

  it('agrees on validity, normalized form, kind and sex', () => {
    const today = { year: 2026, month: 6, day: 15 };
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(REF);
    let bothValid = 0;
    fc.assert(
      fc.property(fc.oneof(structured, raw), (input) => {
        fc.pre(outsideKnownDifferences(input, today));
        const ours = tryParsePersonalIdentity(input, { referenceDate: REF });
        expect(ours.ok, input).toBe(Personnummer.valid(input));
        if (ours.ok) {
          bothValid++;
          const theirs = Personnummer.parse(input);
          expect(ours.value.normalized).toBe(theirs.format(true));
          expect(ours.value.kind === 'samordningsnummer').toBe(theirs.isCoordinationNumber());
          expect(ours.value.sex === 'male').toBe(theirs.isMale());
        }
      }),
      { numRuns: 5000 },
    );
    // Guard against a generator that only ever produces invalid input.
    expect(bothValid).toBeGreaterThan(500);
  });

  it('shows the known differences', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(REF);
    // 1: later this year -> they say 2026 (a future birth date), we say 1926
    expect(Personnummer.parse('261231-1239').format(true)).toBe('202612311239');
    expect(parsePersonalIdentity('261231-1239', { referenceDate: REF }).normalized).toBe('192612311239');
    // 2
    expect(Personnummer.valid('203101011231')).toBe(true);
    expect(rejection('203101011231').reason).toBe('future');
    // 3
    expect(Personnummer.valid('19121212+1212')).toBe(true);
    expect(rejection('19121212+1212').reason).toBe('separator');
    // 4
    expect(Personnummer.valid('19121212-0008')).toBe(false);
    expect(parsePersonalIdentity('19121212-0008').normalized).toBe('191212120008');
    // 5
    expect(Personnummer.valid('001212121212')).toBe(false);
    expect(parsePersonalIdentity('001212121212').birthDate).toBe('0012-12-12');
  });
});
