/**
 * Calendar dates as Swedish care sees them. Disclosure delays are counted in whole days on the
 * Swedish calendar ("visas efter 14 dagar"), so an item documented at 23:30 on 10 November
 * Swedish time belongs to 10 November even though it is 22:30 UTC. Dates are plain
 * `YYYY-MM-DD` strings: they compare correctly as strings and need no time zone.
 */

export const SWEDISH_TIME_ZONE = 'Europe/Stockholm';

export type IsoDate = string & { readonly __isoDate: unique symbol };

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// ISO 8601 date-time: date, 'T' or space, time with optional seconds and fraction, optional zone.
const DATE_TIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const partsFormatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: SWEDISH_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function swedishWallClock(instant: Date): { y: number; m: number; d: number; h: number; min: number; s: number } {
  const p: Record<string, number> = {};
  for (const part of partsFormatter.formatToParts(instant)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return { y: p.year!, m: p.month!, d: p.day!, h: p.hour!, min: p.minute!, s: p.second! };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** `YYYY-MM-DD` if it is a real calendar date, otherwise null. */
export function parseIsoDate(value: string): IsoDate | null {
  const m = DATE_RE.exec(value);
  if (!m) return null;
  return isRealDate(Number(m[1]), Number(m[2]), Number(m[3])) ? (value as IsoDate) : null;
}

/** Swedish wall-clock time at an instant as `YYYYMMDDhhmmss` (the RIV-TA TimeStampType). */
export function swedishCompactTimestamp(instant: Date): string {
  const t = new Date(instant.getTime() + swedishOffsetMs(instant.getTime()));
  return `${pad(t.getUTCFullYear(), 4)}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}`;
}

/** The calendar date in Sweden at the given instant. */
export function swedishDate(instant: Date): IsoDate {
  const t = new Date(instant.getTime() + swedishOffsetMs(instant.getTime()));
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}` as IsoDate;
}

const HOUR_MS = 3_600_000;
// Sweden's offset from UTC changes only on whole UTC hours, so it is cached per hour: Intl is
// slow (microseconds a call) and the disclosure engine asks for thousands of dates per record.
const offsetByUtcHour = new Map<number, number>();

function swedishOffsetMs(instantMs: number): number {
  const hour = Math.floor(instantMs / HOUR_MS);
  let offset = offsetByUtcHour.get(hour);
  if (offset === undefined) {
    const at = new Date(hour * HOUR_MS);
    const w = swedishWallClock(at);
    offset = Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s) - at.getTime();
    if (offsetByUtcHour.size > 100_000) offsetByUtcHour.clear();
    offsetByUtcHour.set(hour, offset);
  }
  return offset;
}

/** The instant a Swedish wall-clock time denotes (the earlier one when clocks go back). */
export function fromSwedishWallClock(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): Date {
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Sweden is UTC+2 (summer) or UTC+1: a candidate is right when the offset in force then is
  // the one assumed. Summer time first, so the earlier of two 02:30s in October wins; in the
  // March gap neither fits and the winter reading is used.
  for (const offset of [2 * HOUR_MS, HOUR_MS]) {
    if (swedishOffsetMs(asUtc - offset) === offset) return new Date(asUtc - offset);
  }
  return new Date(asUtc - HOUR_MS);
}

/**
 * Parses an ISO 8601 date or date-time. With a zone (`Z`, `+01:00`) it is that instant; without
 * one it is Swedish local time, which is what Swedish source systems mean. Returns null when the
 * text is not such a value or names an impossible date or time.
 */
export function parseIsoDateTime(value: string): Date | null {
  const m = DATE_TIME_RE.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isRealDate(y, mo, d)) return null;
  const h = Number(m[4] ?? 0);
  const mi = Number(m[5] ?? 0);
  const s = Number(m[6] ?? 0);
  if (h > 23 || mi > 59 || s > 59) return null;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const zone = m[8];
  if (zone === undefined) return fromSwedishWallClock(y, mo, d, h, mi, s, ms);
  if (zone === 'Z') return new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  if (Math.abs(offsetMinutes) > 18 * 60) return null;
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMinutes * 60_000);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}` as IsoDate;
}

export const maxDate = (a: IsoDate, b: IsoDate): IsoDate => (a >= b ? a : b);

const longDate = {
  sv: new Intl.DateTimeFormat('sv-SE', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
};

/** "7 december 2026" / "7 December 2026". */
export function formatLongDate(date: IsoDate, lang: 'sv' | 'en'): string {
  return longDate[lang].format(new Date(`${date}T00:00:00Z`));
}
