import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, formatLongDate, fromSwedishWallClock, parseIsoDate, parseIsoDateTime, swedishDate, type IsoDate } from './time.js';

const viaIntl = (d: Date) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

describe('Swedish calendar dates', () => {
  it('agrees with Intl for any instant, across daylight-saving changes', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2060-01-01T00:00:00Z'), noInvalidDate: true }), (d) => {
        expect(swedishDate(d)).toBe(viaIntl(d));
      }),
      { numRuns: 5000 },
    );
  });

  it('puts the hours around midnight and the clock changes on the right day', () => {
    expect(swedishDate(new Date('2026-11-10T22:59:59Z'))).toBe('2026-11-10'); // 23:59:59 CET
    expect(swedishDate(new Date('2026-11-10T23:00:00Z'))).toBe('2026-11-11'); // 00:00 CET
    expect(swedishDate(new Date('2026-06-10T21:59:59Z'))).toBe('2026-06-10'); // 23:59:59 CEST
    expect(swedishDate(new Date('2026-06-10T22:00:00Z'))).toBe('2026-06-11');
    expect(swedishDate(new Date('2026-03-29T00:59:59Z'))).toBe('2026-03-29'); // spring forward at 01:00 UTC
    expect(swedishDate(new Date('2026-10-24T22:00:00Z'))).toBe('2026-10-25'); // the night clocks go back
  });

  it('turns Swedish wall-clock times into instants', () => {
    expect(fromSwedishWallClock(2026, 11, 23, 12).toISOString()).toBe('2026-11-23T11:00:00.000Z');
    expect(fromSwedishWallClock(2026, 7, 1, 12).toISOString()).toBe('2026-07-01T10:00:00.000Z');
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true }), (d) => {
        const [y, m, day] = swedishDate(d).split('-').map(Number) as [number, number, number];
        expect(swedishDate(fromSwedishWallClock(y, m, day, 12))).toBe(swedishDate(d));
      }),
    );
  });

  it('parses ISO dates and date-times, local ones as Swedish time', () => {
    expect(parseIsoDateTime('2026-11-23T09:30:00+01:00')?.toISOString()).toBe('2026-11-23T08:30:00.000Z');
    expect(parseIsoDateTime('2026-11-23T09:30:00Z')?.toISOString()).toBe('2026-11-23T09:30:00.000Z');
    expect(parseIsoDateTime('2026-11-23T09:30')?.toISOString()).toBe('2026-11-23T08:30:00.000Z');
    expect(parseIsoDateTime('2026-07-01')?.toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(parseIsoDateTime('2026-11-23T09:30:00.123456-0500')?.toISOString()).toBe('2026-11-23T14:30:00.123Z');
    for (const bad of ['', '2026-02-30', '2026-11-23T24:00', '23/11/2026', '2026-11-23T09:30:00+25:00', 'now']) {
      expect(parseIsoDateTime(bad), bad).toBeNull();
    }
    expect(parseIsoDate('2024-02-29')).toBe('2024-02-29');
    expect(parseIsoDate('2023-02-29')).toBeNull();
  });

  it('adds days across months, years and leap days', () => {
    expect(addDays('2026-11-23' as IsoDate, 14)).toBe('2026-12-07');
    expect(addDays('2026-12-25' as IsoDate, 14)).toBe('2027-01-08');
    expect(addDays('2028-02-20' as IsoDate, 10)).toBe('2028-03-01');
  });

  it('writes dates out in words', () => {
    expect(formatLongDate('2026-12-07' as IsoDate, 'sv')).toBe('7 december 2026');
    expect(formatLongDate('2026-12-07' as IsoDate, 'en')).toBe('7 December 2026');
  });
});

describe('clock changes', () => {
  it('takes the earlier of the two 02:30s on the night clocks go back', () => {
    expect(fromSwedishWallClock(2026, 10, 25, 2, 30).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(fromSwedishWallClock(2026, 10, 25, 3, 30).toISOString()).toBe('2026-10-25T02:30:00.000Z');
  });

  it('reads a time in the spring gap as winter time', () => {
    expect(fromSwedishWallClock(2026, 3, 29, 2, 30).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(fromSwedishWallClock(2026, 3, 29, 3, 30).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
});
