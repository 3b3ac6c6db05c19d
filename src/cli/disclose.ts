import Type, { type Static } from 'typebox';
import { INFO_TYPES, isResultInfoType, type DisclosableItem } from '../domain/record.js';
import { findRegion, REGION_CODES } from '../domain/regions.js';
import { fromSwedishWallClock, parseIsoDate, parseIsoDateTime } from '../domain/time.js';
import { defaultPolicy, evaluate, type ViewerChoices } from '../disclosure/index.js';
import { JournalenError } from '../errors/index.js';
import { pointerToPath, schemaProblems } from '../errors/schema.js';

/**
 * `journalen disclose`: runs the disclosure engine over a JSON array of items with a region's
 * default rules. The wire format of an item is the one documented in the README; fields beyond
 * it are ignored, so a producer's full item can be piped in as it is.
 */

const ItemSchema = Type.Object({
  id: Type.Union([Type.String({ minLength: 1 }), Type.Integer()]),
  infoType: Type.Enum([...INFO_TYPES]),
  time: Type.String(),
  signed: Type.Optional(Type.Boolean()),
  validated: Type.Optional(Type.Boolean()),
  approvedForPatient: Type.Boolean(),
  specialty: Type.Optional(Type.String()),
  inpatient: Type.Optional(Type.Boolean()),
  careUnitHsaId: Type.Optional(Type.String()),
  locked: Type.Optional(Type.Boolean()),
  nullified: Type.Optional(Type.Boolean()),
  keywords: Type.Optional(Type.Array(Type.String())),
  template: Type.Optional(Type.String()),
});

export interface DiscloseOptions {
  readonly region: string;
  /** `YYYY-MM-DD`; today in Sweden when absent. */
  readonly now?: string;
  readonly showUnsigned: boolean;
  readonly hideRecent: boolean;
  readonly lang: 'sv' | 'en';
}

export interface DiscloseResult {
  readonly id: string | number;
  readonly visible: boolean;
  readonly visibleFrom: string | null;
  readonly reason: string;
}

const itemLabel = (index: number, raw: unknown) => {
  const id = raw !== null && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? `item ${index} (id ${JSON.stringify(id)})` : `item ${index}`;
};

function invalidItem(index: number, raw: unknown, field: string, message: string): JournalenError {
  return new JournalenError('INPUT_INVALID', `${itemLabel(index, raw)}: ${field} ${message}`, { field: `[${index}].${field}`, item: index });
}

/** Checks one item of the wire format and turns it into the engine's item. */
export function parseItem(raw: unknown, index: number): DisclosableItem {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new JournalenError('INPUT_INVALID', `${itemLabel(index, raw)} must be an object`, { field: `[${index}]`, item: index });
  }
  const [problem] = schemaProblems(ItemSchema, raw);
  if (problem) throw invalidItem(index, raw, pointerToPath(problem.pointer, '').replace(/^\./, ''), problem.message);

  const v = raw as Static<typeof ItemSchema>;
  const time = parseIsoDateTime(v.time);
  if (!time) {
    throw invalidItem(index, raw, 'time', `must be an ISO 8601 date-time such as "2026-11-23T09:30:00+01:00", got ${JSON.stringify(v.time)}`);
  }
  if (v.infoType === 'note' && v.signed === undefined) {
    throw invalidItem(index, raw, 'signed', 'is required for notes (true or false)');
  }
  const item: DisclosableItem = {
    id: String(v.id),
    infoType: v.infoType,
    time,
    signed: v.signed ?? true,
    approvedForPatient: v.approvedForPatient,
    // A result without a validation flag is treated as not validated: the stricter reading.
    ...(isResultInfoType(v.infoType) ? { validated: v.validated ?? false } : {}),
    ...(v.specialty !== undefined ? { specialty: v.specialty } : {}),
    ...(v.inpatient !== undefined ? { inpatient: v.inpatient } : {}),
    ...(v.careUnitHsaId !== undefined ? { careUnitHsaId: v.careUnitHsaId } : {}),
    ...(v.locked !== undefined ? { locked: v.locked } : {}),
    ...(v.nullified !== undefined ? { nullified: v.nullified } : {}),
    ...(v.keywords !== undefined ? { keywords: v.keywords } : {}),
    ...(v.template !== undefined ? { template: v.template } : {}),
  };
  return item;
}

export function parseItems(text: string): { raw: unknown[]; items: DisclosableItem[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new JournalenError('INPUT_INVALID', `input is not valid JSON: ${(error as Error).message}`, { field: 'stdin' });
  }
  if (!Array.isArray(raw)) {
    throw new JournalenError('INPUT_INVALID', 'input must be a JSON array of items', { field: 'stdin' });
  }
  return { raw, items: raw.map(parseItem) };
}

export function resolveNow(now: string | undefined): Date {
  if (now === undefined) return new Date();
  const date = parseIsoDate(now);
  if (!date) throw new JournalenError('INPUT_INVALID', `--now must be a date YYYY-MM-DD, got ${JSON.stringify(now)}`, { field: '--now' });
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  // Noon: the engine compares Swedish calendar dates, so any time of the day gives the same answer.
  return fromSwedishWallClock(y, m, d, 12);
}

export function resolveRegion(code: string) {
  const normalised = /^\d$/.test(code) ? `0${code}` : code;
  const region = findRegion(normalised);
  if (!region) {
    throw new JournalenError(
      'REGION_UNKNOWN',
      `--region ${JSON.stringify(code)} is not a region; use an SCB county code: ${REGION_CODES.join(', ')}`,
      { field: '--region' },
    );
  }
  return region;
}

export function disclose(text: string, options: DiscloseOptions): DiscloseResult[] {
  const region = resolveRegion(options.region);
  const now = resolveNow(options.now);
  const { raw, items } = parseItems(text);
  const policy = defaultPolicy(region.code);
  const choices: ViewerChoices = { showUnsigned: options.showUnsigned, hideRecent: options.hideRecent };
  return items.map((item, i) => {
    const d = evaluate(item, policy, choices, now);
    return {
      id: (raw[i] as { id: string | number }).id,
      visible: d.visible,
      visibleFrom: d.visibleFrom,
      reason: d.reason[options.lang],
    };
  });
}
