/**
 * One colour and one short label per EHR system, for the tile map and its legend.
 *
 * Every colour is dark enough for white tile text (4.5:1, WCAG 1.4.3) and therefore also far
 * above the 3:1 a tile needs against the white page (WCAG 1.4.11); palette.test.ts checks both.
 * Hues are spread (blue, red, purple, green, brown, teal, magenta) so that any two differ by a
 * CIELAB ΔE of 30 or more (also tested), but colour is never the only cue: each tile carries
 * the system's label too.
 *
 * Labels follow the seed's own anchors where they are short (seed 000: #ncs line 81, #pmo line
 * 87, #tc line 91, #av line 60, #vas line 95); the others are the first three letters.
 * AsynjaVisph is TakeCare under another name ("Se TakeCare.", seed line 61), so it shares
 * TakeCare's colour and keeps its own label.
 */

export interface SystemStyle {
  readonly colour: string;
  readonly label: string;
}

const STYLES: Readonly<Record<string, SystemStyle>> = {
  cosmic: { colour: '#1f5fa6', label: 'COS' },
  melior: { colour: '#b02a30', label: 'MEL' },
  millennium: { colour: '#6b2fa0', label: 'MIL' },
  'ncs-cross': { colour: '#2e6b1f', label: 'NCS' },
  pmo: { colour: '#8a4b00', label: 'PMO' },
  takecare: { colour: '#00666b', label: 'TC' },
  asynjavisph: { colour: '#00666b', label: 'AV' },
  vas: { colour: '#a61e78', label: 'VAS' },
};

/** For a system an operator added after the seed: neutral grey, still 7:1 with white. */
export const FALLBACK_COLOUR = '#595959';

export function systemStyle(id: string, name: string): SystemStyle {
  return STYLES[id] ?? { colour: FALLBACK_COLOUR, label: name.replace(/[^\p{L}\p{N}]/gu, '').slice(0, 3).toUpperCase() || '?' };
}

export const KNOWN_SYSTEM_STYLES = STYLES;

/** WCAG 2.1 relative luminance of a #rrggbb colour. */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [x, y] = [relativeLuminance(a), relativeLuminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/** CIELAB (D65) of a #rrggbb colour, to measure how far apart two colours look. */
export function toLab(hex: string): [number, number, number] {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const fx = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const fy = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const fz = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** CIE76 colour difference; above about 10 two swatches read as different colours. */
export function deltaE(a: string, b: string): number {
  const [x, y] = [toLab(a), toLab(b)];
  return Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2]);
}
