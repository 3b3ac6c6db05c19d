import { scaleLinear, scaleUtc } from 'd3-scale';
import { area, curveStepAfter, line, symbol, symbolCircle, symbolTriangle } from 'd3-shape';

/**
 * The geometry of a line/point chart, computed on the server with d3-scale and d3-shape: paths,
 * ticks, the reference band and the points, as plain numbers and strings. No markup here, so the
 * awkward cases (no points, one point, one-sided or changing reference intervals) are tested
 * without rendering; `line-chart-svg.tsx` turns it into SVG.
 */

export interface ChartPoint {
  /** Time (epoch ms) for time charts, age in months for age charts. */
  readonly x: number;
  readonly y: number;
  /** Outside the reference interval: drawn with its own shape, not only its own colour. */
  readonly abnormal?: boolean;
  /** The reference interval in force for this value; either end may be missing. */
  readonly band?: { readonly low?: number; readonly high?: number };
}

export type XKind = 'time' | 'ageMonths';

export interface ChartOptions {
  readonly xKind: XKind;
  readonly lang: 'sv' | 'en';
  readonly width?: number;
  readonly height?: number;
}

export interface Tick {
  readonly at: number;
  readonly label: string;
}

export interface PlacedPoint {
  readonly cx: number;
  readonly cy: number;
  readonly abnormal: boolean;
  /** Path of the marker, centred on (0,0): a circle, or a triangle when abnormal. */
  readonly marker: string;
  readonly source: ChartPoint;
}

export interface ChartGeometry {
  readonly width: number;
  readonly height: number;
  readonly plot: { readonly left: number; readonly top: number; readonly right: number; readonly bottom: number };
  readonly xTicks: readonly Tick[];
  readonly yTicks: readonly Tick[];
  /** Null when there are fewer than two points (one point is a marker, not a line). */
  readonly linePath: string | null;
  /** The shaded reference band, null when no point has an interval. */
  readonly bandPath: string | null;
  readonly points: readonly PlacedPoint[];
  readonly empty: boolean;
}

export const DEFAULT_WIDTH = 340;
export const DEFAULT_HEIGHT = 230;
const MARGIN = { top: 24, right: 16, bottom: 30, left: 46 };
const DAY_MS = 86_400_000;
const MARKER_AREA = 48;

const finite = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n);

export function chartGeometry(input: readonly ChartPoint[], options: ChartOptions): ChartGeometry {
  const width = options.width ?? DEFAULT_WIDTH;
  const height = options.height ?? DEFAULT_HEIGHT;
  const plot = { left: MARGIN.left, top: MARGIN.top, right: width - MARGIN.right, bottom: height - MARGIN.bottom };
  // A value that is not a number cannot be placed; dropping it here keeps NaN out of every path.
  const points = input.filter((p) => finite(p.x) && finite(p.y)).slice().sort((a, b) => a.x - b.x);

  const xDomain = spread(points.map((p) => p.x), options.xKind === 'time' ? 30 * DAY_MS : 1);
  const bandValues = points.flatMap((p) => [p.band?.low, p.band?.high].filter(finite));
  const yDomain = spread([...points.map((p) => p.y), ...bandValues], 1);

  const y = scaleLinear().domain(yDomain).nice(5).range([plot.bottom, plot.top]);
  const [yMin, yMax] = y.domain() as [number, number];
  const numberFormat = new Intl.NumberFormat(options.lang === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: decimalsFor(y.ticks(5)) });
  const yTicks = y.ticks(5).map((v) => ({ at: round(y(v)), label: numberFormat.format(v) }));

  let xOf: (v: number) => number;
  let xTicks: Tick[];
  if (options.xKind === 'time') {
    const x = scaleUtc().domain(xDomain.map((v) => new Date(v))).range([plot.left, plot.right]);
    xOf = (v) => x(new Date(v));
    const ticks = x.ticks(4);
    const label = dateTickFormat(ticks, options.lang);
    xTicks = ticks.map((t) => ({ at: round(x(t)), label: label(t) }));
  } else {
    const x = scaleLinear().domain(xDomain).range([plot.left, plot.right]);
    xOf = (v) => x(v);
    const ticks = ageTicks(xDomain[0], xDomain[1]);
    xTicks = ticks.map((m) => ({ at: round(x(m)), label: ageLabel(m, options.lang) }));
  }

  const placed: PlacedPoint[] = points.map((p) => ({
    cx: round(xOf(p.x)),
    cy: round(y(p.y)),
    abnormal: p.abnormal === true,
    marker: symbol(p.abnormal ? symbolTriangle : symbolCircle, p.abnormal ? MARKER_AREA * 1.4 : MARKER_AREA)() ?? '',
    source: p,
  }));

  const linePath = placed.length >= 2 ? line<PlacedPoint>().x((p) => p.cx).y((p) => p.cy)(placed) : null;

  return { width, height, plot, xTicks, yTicks, linePath, bandPath: bandPath(placed, plot, y, yMin, yMax), points: placed, empty: placed.length === 0 };
}

/**
 * The reference band as steps: each interval holds from its value until the next one (a child's
 * interval changes with age), stretched to the plot's edges. A missing end is the plot's edge;
 * a value without an interval leaves a gap.
 */
function bandPath(placed: readonly PlacedPoint[], plot: ChartGeometry['plot'], y: (v: number) => number, yMin: number, yMax: number): string | null {
  if (!placed.some((p) => finite(p.source.band?.low) || finite(p.source.band?.high))) return null;
  type Step = { x: number; low: number; high: number; defined: boolean };
  const clamp = (v: number) => Math.min(yMax, Math.max(yMin, v));
  const steps: Step[] = placed.map((p) => {
    const low = p.source.band?.low;
    const high = p.source.band?.high;
    const defined = finite(low) || finite(high);
    return { x: p.cx, low: round(y(clamp(finite(low) ? low : yMin))), high: round(y(clamp(finite(high) ? high : yMax))), defined };
  });
  const first = steps[0]!;
  const last = steps[steps.length - 1]!;
  const edged = [{ ...first, x: plot.left }, ...steps.slice(1), { ...last, x: plot.right }];
  return (
    area<Step>()
      .defined((s) => s.defined)
      .curve(curveStepAfter)
      .x((s) => s.x)
      .y0((s) => s.low)
      .y1((s) => s.high)(edged) ?? null
  );
}

/** A domain that is never a single value (one point, or all values equal), padded around it. */
function spread(values: readonly number[], pad: number): [number, number] {
  if (values.length === 0) return [0, pad];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < Number.EPSILON * Math.max(1, Math.abs(hi))) {
    const p = Math.max(pad, Math.abs(hi) * 0.1);
    lo -= p;
    hi += p;
  }
  return [lo, hi];
}

const round = (v: number) => Math.round(v * 10) / 10;

function decimalsFor(ticks: readonly number[]): number {
  const step = ticks.length >= 2 ? Math.abs(ticks[1]! - ticks[0]!) : 1;
  return step >= 1 || step === 0 ? 0 : Math.min(4, Math.ceil(-Math.log10(step)));
}

/** Swedish or English date labels, as coarse as the ticks allow (years, months, or days). */
export function dateTickFormat(ticks: readonly Date[], lang: 'sv' | 'en'): (d: Date) => string {
  const locale = lang === 'sv' ? 'sv-SE' : 'en-GB';
  // d3's UTC ticks fall on UTC boundaries, so they are read in UTC too.
  const allYears = ticks.every((t) => t.getUTCMonth() === 0 && t.getUTCDate() === 1);
  const allMonths = ticks.every((t) => t.getUTCDate() === 1);
  const format = allYears
    ? new Intl.DateTimeFormat(locale, { year: 'numeric', timeZone: 'UTC' })
    : allMonths
      ? new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' })
      : new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return (d) => format.format(d);
}

/** Ticks on an age axis in months: months for the first two years, whole years after. */
export function ageTicks(from: number, to: number): number[] {
  const span = to - from;
  const step = span <= 8 ? 1 : span <= 24 ? 3 : span <= 72 ? 12 : 24;
  const out: number[] = [];
  for (let m = Math.ceil(from / step) * step; m <= to + 1e-9; m += step) out.push(m);
  return out;
}

export function ageLabel(months: number, lang: 'sv' | 'en'): string {
  if (months % 12 === 0 && months >= 12) return lang === 'sv' ? `${months / 12} år` : `${months / 12} y`;
  return lang === 'sv' ? `${months} mån` : `${months} mo`;
}
