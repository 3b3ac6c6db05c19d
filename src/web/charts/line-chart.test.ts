import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ageLabel, ageTicks, chartGeometry, dateTickFormat, type ChartPoint } from './line-chart.js';
import { LineChartSvg } from './line-chart-svg.js';

const day = (iso: string) => Date.parse(`${iso}T10:00:00Z`);
const noNaN = (s: string | null) => expect(s ?? '').not.toMatch(/NaN|Infinity|undefined/);

describe('chartGeometry', () => {
  const points: ChartPoint[] = [
    { x: day('2024-01-10'), y: 130, band: { low: 117, high: 153 } },
    { x: day('2024-06-01'), y: 110, abnormal: true, band: { low: 117, high: 153 } },
    { x: day('2025-03-15'), y: 140, band: { low: 117, high: 153 } },
  ];

  it('maps time to x and values to y inside the plot, oldest left and higher values up', () => {
    const g = chartGeometry(points, { xKind: 'time', lang: 'sv' });
    const [a, b, c] = g.points;
    expect(a!.cx).toBeCloseTo(g.plot.left, 0);
    expect(c!.cx).toBeCloseTo(g.plot.right, 0);
    expect(a!.cx).toBeLessThan(b!.cx);
    // 110 is lower than 130, so further down (SVG y grows downwards).
    expect(b!.cy).toBeGreaterThan(a!.cy);
    for (const p of g.points) {
      expect(p.cy).toBeGreaterThanOrEqual(g.plot.top);
      expect(p.cy).toBeLessThanOrEqual(g.plot.bottom);
    }
    expect(g.linePath).toMatch(/^M/);
    noNaN(g.linePath);
    noNaN(g.bandPath);
  });

  it('gives abnormal points a different shape (a triangle), not only a colour', () => {
    const g = chartGeometry(points, { xKind: 'time', lang: 'sv' });
    expect(g.points[1]!.abnormal).toBe(true);
    expect(g.points[1]!.marker).not.toBe(g.points[0]!.marker);
    // A circle is drawn with arcs, the triangle with straight lines only.
    expect(g.points[0]!.marker).toMatch(/A/);
    expect(g.points[1]!.marker).not.toMatch(/A/);
  });

  it('includes the reference interval in the y domain and draws the band between its ends', () => {
    const g = chartGeometry([{ x: day('2024-01-01'), y: 5, band: { low: 3.5, high: 8.8 } }, { x: day('2024-02-01'), y: 6, band: { low: 3.5, high: 8.8 } }], { xKind: 'time', lang: 'sv' });
    const ys = g.yTicks.map((t) => Number(t.label.replace(',', '.')));
    expect(Math.min(...ys)).toBeLessThanOrEqual(3.5);
    expect(Math.max(...ys)).toBeGreaterThanOrEqual(8.8);
    expect(g.bandPath).toMatch(/^M/);
    noNaN(g.bandPath);
    // The band spans the whole plot width.
    const xs = [...g.bandPath!.matchAll(/[ML]([\d.]+),/g)].map((m) => Number(m[1]));
    expect(Math.min(...xs)).toBeCloseTo(g.plot.left, 0);
    expect(Math.max(...xs)).toBeCloseTo(g.plot.right, 0);
  });

  it('draws a one-sided interval (CRP < 5) from the axis, and no band when there is no interval', () => {
    const oneSided = chartGeometry([{ x: day('2024-01-01'), y: 2, band: { high: 5 } }, { x: day('2024-03-01'), y: 40, abnormal: true, band: { high: 5 } }], { xKind: 'time', lang: 'sv' });
    expect(oneSided.bandPath).not.toBeNull();
    noNaN(oneSided.bandPath);
    const none = chartGeometry([{ x: day('2024-01-01'), y: 2 }, { x: day('2024-03-01'), y: 4 }], { xKind: 'time', lang: 'sv' });
    expect(none.bandPath).toBeNull();
  });

  it('handles no points: empty, no paths, finite ticks', () => {
    const g = chartGeometry([], { xKind: 'time', lang: 'sv' });
    expect(g.empty).toBe(true);
    expect(g.linePath).toBeNull();
    expect(g.bandPath).toBeNull();
    expect(g.points).toEqual([]);
    for (const t of [...g.xTicks, ...g.yTicks]) expect(Number.isFinite(t.at)).toBe(true);
  });

  it('handles one point: a marker in the plot, no line, a band, nothing NaN', () => {
    const g = chartGeometry([{ x: day('2024-05-05'), y: 140, band: { low: 117, high: 153 } }], { xKind: 'time', lang: 'sv' });
    expect(g.points).toHaveLength(1);
    expect(g.linePath).toBeNull();
    const p = g.points[0]!;
    expect(p.cx).toBeGreaterThan(g.plot.left);
    expect(p.cx).toBeLessThan(g.plot.right);
    noNaN(g.bandPath);
    expect(g.xTicks.length).toBeGreaterThan(0);
    for (const t of [...g.xTicks, ...g.yTicks]) expect(Number.isFinite(t.at)).toBe(true);
  });

  it('handles equal values and drops values that are not numbers', () => {
    const g = chartGeometry(
      [{ x: day('2024-01-01'), y: 7 }, { x: day('2024-02-01'), y: 7 }, { x: day('2024-03-01'), y: Number.NaN }, { x: Number.NaN, y: 3 }],
      { xKind: 'time', lang: 'sv' },
    );
    expect(g.points).toHaveLength(2);
    noNaN(g.linePath);
    expect(new Set(g.yTicks.map((t) => t.at)).size).toBeGreaterThan(1);
  });

  it('labels the time axis in Swedish (or English) dates, and the y axis with a decimal comma', () => {
    const sv = chartGeometry([{ x: day('2024-01-15'), y: 0.5 }, { x: day('2024-09-15'), y: 1.25 }], { xKind: 'time', lang: 'sv' });
    expect(sv.xTicks.map((t) => t.label).join(' ')).toMatch(/(jan|feb|mars|apr|maj|juni|juli|aug|sep|okt|nov|dec)/);
    expect(sv.yTicks.some((t) => t.label.includes(','))).toBe(true);
    const en = chartGeometry([{ x: day('2024-01-15'), y: 0.5 }, { x: day('2024-09-15'), y: 1.25 }], { xKind: 'time', lang: 'en' });
    expect(en.yTicks.some((t) => t.label.includes('.'))).toBe(true);
  });

  it('labels years when the ticks fall on new year, days when they fall inside months', () => {
    expect(dateTickFormat([new Date('2020-01-01T00:00:00Z'), new Date('2022-01-01T00:00:00Z')], 'sv')(new Date('2022-01-01T00:00:00Z'))).toBe('2022');
    expect(dateTickFormat([new Date('2024-05-01T00:00:00Z'), new Date('2024-06-01T00:00:00Z')], 'sv')(new Date('2024-05-01T00:00:00Z'))).toMatch(/^maj 2024$/);
    expect(dateTickFormat([new Date('2024-05-03T00:00:00Z'), new Date('2024-05-10T00:00:00Z')], 'sv')(new Date('2024-05-03T00:00:00Z'))).toMatch(/^3 maj$/);
  });

  it('puts age ticks in months for small children and in years after', () => {
    expect(ageTicks(1, 18)).toEqual([3, 6, 9, 12, 15, 18]);
    expect(ageTicks(1, 60)).toEqual([12, 24, 36, 48, 60]);
    expect(ageLabel(6, 'sv')).toBe('6 mån');
    expect(ageLabel(24, 'sv')).toBe('2 år');
    const g = chartGeometry([{ x: 1, y: 54 }, { x: 12, y: 75 }, { x: 60, y: 110 }], { xKind: 'ageMonths', lang: 'sv' });
    expect(g.xTicks.map((t) => t.label)).toContain('5 år');
    noNaN(g.linePath);
  });
});

describe('LineChartSvg', () => {
  it('is one image with an accessible name and description, sized by its viewBox', () => {
    const g = chartGeometry([{ x: day('2024-01-01'), y: 130, band: { low: 117, high: 153 } }, { x: day('2024-02-01'), y: 160, abnormal: true, band: { low: 117, high: 153 } }], { xKind: 'time', lang: 'sv' });
    const svg = renderToStaticMarkup(LineChartSvg({ geometry: g, idBase: 'hb', title: 'Hemoglobin över tid', description: '2 värden, ett utanför referensintervallet.', unit: 'g/L' }));
    expect(svg).toMatch(/^<svg viewBox="0 0 340 230" role="img" aria-labelledby="hb-titel" aria-describedby="hb-beskrivning"/);
    expect(svg).toContain('<title id="hb-titel">Hemoglobin över tid</title>');
    expect(svg).toContain('<desc id="hb-beskrivning">');
    expect(svg).toContain('class="band"');
    expect(svg.match(/class="point abnormal"/g)).toHaveLength(1);
    expect(svg).not.toMatch(/NaN/);
    expect(svg).not.toMatch(/\swidth="/);
  });
});
