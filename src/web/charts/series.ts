import type { MeasuredValue } from '../../domain/record.js';
import type { IsoDate } from '../../domain/time.js';
import { swedishDate } from '../../domain/time.js';
import type { ShownItem } from '../../record/service.js';

/**
 * From shown record items to the rows of a chart and its table: every value of one analysis (by
 * NPU code), or a child's growth measurements. Pure, so the pages stay thin.
 */

export interface AnalysisRow {
  readonly time: Date;
  readonly date: IsoDate;
  readonly value: MeasuredValue;
  /** Null when the value is not a number (e.g. "<5", "Positiv"): in the table, not in the chart. */
  readonly numeric: number | null;
  readonly abnormal: boolean;
  readonly careUnit: string | null;
  readonly itemKey: string;
}

export interface AnalysisSeries {
  readonly code: string;
  /** "Hemoglobin (B-Hb)". */
  readonly name: string;
  readonly shortName: string;
  /** The unit the chart is drawn in: the latest value's. */
  readonly unit: string | null;
  /** Oldest first. */
  readonly rows: readonly AnalysisRow[];
}

/**
 * What may name an analysis in a URL: its NPU (or local) code, or, for a value the lab sent
 * without a code (high-sensitive troponin), its name. Anything else is refused before the lookup.
 */
export const isAnalysisCode = (code: string): boolean => /^[\p{L}\p{N}][\p{L}\p{N} .,_()/*%-]{0,59}$/u.test(code);

/** The key an analysis is found by: its code, or its name when it has none. */
export const analysisKey = (v: MeasuredValue): string => v.code?.code ?? v.name;

/** "Hemoglobin (B-Hb)", or the one name when the source gave only one. */
export function analysisName(v: MeasuredValue): string {
  const long = v.code?.displayName?.trim();
  if (!long || long.toLocaleLowerCase('sv') === v.name.trim().toLocaleLowerCase('sv')) return v.name;
  return `${long} (${v.name})`;
}

const careUnitOf = (s: ShownItem) => s.item.careUnit.name ?? s.careProviderName;

function abnormalOf(v: MeasuredValue): boolean {
  if (v.abnormal !== undefined) return v.abnormal;
  const n = v.numeric;
  const r = v.referenceInterval;
  if (n === undefined || !r) return false;
  return (r.low !== undefined && n < r.low) || (r.high !== undefined && n > r.high);
}

export function analysisSeries(items: readonly ShownItem[], code: string): AnalysisSeries | null {
  const rows: AnalysisRow[] = [];
  let name: string | null = null;
  let shortName: string | null = null;
  for (const shown of items) {
    if (shown.item.infoType !== 'labResult') continue;
    for (const value of shown.item.values) {
      if (analysisKey(value) !== code) continue;
      name ??= analysisName(value);
      shortName ??= value.name;
      rows.push({
        time: shown.item.time,
        date: swedishDate(shown.item.time),
        value,
        numeric: typeof value.numeric === 'number' && Number.isFinite(value.numeric) ? value.numeric : null,
        abnormal: abnormalOf(value),
        careUnit: careUnitOf(shown),
        itemKey: shown.key,
      });
    }
  }
  if (rows.length === 0) return null;
  rows.sort((a, b) => a.time.getTime() - b.time.getTime());
  const unit = [...rows].reverse().find((r) => r.value.unit)?.value.unit ?? null;
  return { code, name: name ?? code, shortName: shortName ?? code, unit, rows };
}

/** The analyses with at least one value in the items, for a list of charts; most values first. */
export function analysesIn(items: readonly ShownItem[]): { code: string; name: string; count: number; latest: IsoDate }[] {
  const found = new Map<string, { code: string; name: string; count: number; latest: IsoDate }>();
  for (const shown of items) {
    if (shown.item.infoType !== 'labResult') continue;
    const date = swedishDate(shown.item.time);
    for (const v of shown.item.values) {
      const code = analysisKey(v);
      if (!isAnalysisCode(code)) continue;
      const before = found.get(code);
      if (before) {
        before.count++;
        if (date > before.latest) before.latest = date;
      } else {
        found.set(code, { code, name: analysisName(v), count: 1, latest: date });
      }
    }
  }
  return [...found.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, 'sv'));
}

export type GrowthMeasure = 'length' | 'weight' | 'head';

export interface GrowthRow {
  readonly time: Date;
  readonly date: IsoDate;
  /** Age in months (30.44-day months) at the measurement. */
  readonly ageMonths: number;
  readonly length: number | null;
  readonly weight: number | null;
  readonly head: number | null;
  readonly careUnit: string | null;
}

// Growth values as BVC and child health notes carry them: by name, with the unit checked, since
// they have no NPU code in the sources.
const GROWTH_NAMES: readonly { measure: GrowthMeasure; names: RegExp; unit: RegExp }[] = [
  { measure: 'length', names: /^(längd|kroppslängd|length|height)$/i, unit: /^cm$/i },
  { measure: 'weight', names: /^(vikt|kroppsvikt|weight)$/i, unit: /^kg$/i },
  { measure: 'head', names: /^(huvudomfång|head circumference)$/i, unit: /^cm$/i },
];

/** A child's growth measurements, oldest first; empty when the record has none. */
export function growthSeries(items: readonly ShownItem[], birthDate: string): GrowthRow[] {
  const birthMs = Date.parse(`${birthDate}T00:00:00Z`);
  if (!Number.isFinite(birthMs)) return [];
  const rows: GrowthRow[] = [];
  for (const shown of items) {
    const got: Record<GrowthMeasure, number | null> = { length: null, weight: null, head: null };
    for (const v of shown.item.values) {
      const kind = GROWTH_NAMES.find((g) => g.names.test(v.name.trim()) && g.unit.test(v.unit ?? ''));
      if (kind && typeof v.numeric === 'number' && Number.isFinite(v.numeric) && v.numeric > 0) got[kind.measure] = v.numeric;
    }
    if (got.length === null && got.weight === null) continue;
    const date = swedishDate(shown.item.time);
    const ageMonths = (Date.parse(`${date}T00:00:00Z`) - birthMs) / (30.4375 * 86_400_000);
    if (ageMonths < 0) continue;
    rows.push({ time: shown.item.time, date, ageMonths: Math.round(ageMonths * 10) / 10, ...got, careUnit: careUnitOf(shown) });
  }
  return rows.sort((a, b) => a.time.getTime() - b.time.getTime());
}
