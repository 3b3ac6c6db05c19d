import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { MeasuredValue, RecordItem } from '../../domain/record.js';
import type { ShownItem } from '../../record/service.js';
import { AnalysisPage, GrowthPage } from './pages.js';
import { analysesIn, analysisName, analysisSeries, growthSeries, isAnalysisCode } from './series.js';

const item = (id: string, infoType: RecordItem['infoType'], time: string, values: MeasuredValue[], unit = 'Vårdcentralen Åby'): ShownItem => ({
  key: id,
  region: null,
  careProviderName: 'Region Östergötland',
  item: {
    id, infoType, time: new Date(time), signed: true, approvedForPatient: true, patientId: '201907062382',
    careGiver: {}, careUnit: { name: unit }, codes: [], values, attributes: {}, provenance: { contract: 'x', version: '1' },
  },
});
const hb = (numeric: number, abnormal = false): MeasuredValue => ({
  name: 'B-Hb', code: { code: 'NPU02319', displayName: 'Hemoglobin' }, value: String(numeric), numeric, unit: 'g/L', referenceInterval: { low: 117, high: 153 }, abnormal,
});
const session = { name: 'Åsa Öberg', csrf: 't' };

describe('analysis series', () => {
  const items = [
    item('a', 'labResult', '2025-02-01T08:00:00Z', [hb(150), { name: 'P-CRP', code: { code: 'NPU19748' }, value: '<5', unit: 'mg/L' }]),
    item('b', 'labResult', '2024-01-01T08:00:00Z', [hb(110, true)]),
    item('c', 'note', '2024-06-01T08:00:00Z', [hb(999)]),
  ];

  it('collects every value of one analysis from the lab results, oldest first', () => {
    const s = analysisSeries(items, 'NPU02319')!;
    expect(s.name).toBe('Hemoglobin (B-Hb)');
    expect(s.unit).toBe('g/L');
    expect(s.rows.map((r) => r.numeric)).toEqual([110, 150]);
    expect(s.rows[0]!.abnormal).toBe(true);
    expect(analysisSeries(items, 'NPU00000')).toBeNull();
    // A value without a number stays in the table only.
    expect(analysisSeries(items, 'NPU19748')!.rows[0]!.numeric).toBeNull();
  });

  it('lists the analyses, most values first, and checks codes before they are looked up', () => {
    expect(analysesIn(items).map((a) => [a.code, a.count])).toEqual([['NPU02319', 2], ['NPU19748', 1]]);
    expect(isAnalysisCode('NPU02319')).toBe(true);
    expect(isAnalysisCode('<script>')).toBe(false);
    expect(isAnalysisCode('P-T4, fritt')).toBe(true);
    expect(isAnalysisCode('../x')).toBe(false);
    expect(isAnalysisCode('')).toBe(false);
    expect(analysisName({ name: 'Kreatinin', code: { code: 'NPU04998', displayName: 'Kreatinin' } })).toBe('Kreatinin');
  });

  it('renders the chart and a table row per value, the abnormal one marked in words too', () => {
    const html = renderToStaticMarkup(AnalysisPage({ lang: 'sv', path: '/x', session, base: '/min-journal', series: analysisSeries(items, 'NPU02319')! }));
    expect(html).toContain('role="img"');
    expect(html.match(/data-row="value"/g)).toHaveLength(2);
    expect(html).toContain('utanför referensintervallet');
    expect(html).toContain('117–153');
    expect(html).not.toMatch(/NaN/);
  });
});

describe('growth series', () => {
  const growth = (length: number, weight: number): MeasuredValue[] => [
    { name: 'Vikt', numeric: weight, value: String(weight), unit: 'kg' },
    { name: 'Längd', numeric: length, value: String(length), unit: 'cm' },
  ];
  const items = [
    item('g2', 'note', '2020-07-06T09:00:00Z', growth(75.5, 9.6)),
    item('g1', 'note', '2019-08-06T09:00:00Z', growth(54.5, 4.5)),
    item('x', 'note', '2020-01-01T09:00:00Z', [{ name: 'Vikt', numeric: 8, unit: 'g' }]),
    item('y', 'note', '2020-02-01T09:00:00Z', []),
  ];

  it('reads length and weight (by name and unit) with the age at each measurement', () => {
    const rows = growthSeries(items, '2019-07-06');
    expect(rows.map((r) => [r.ageMonths, r.length, r.weight])).toEqual([[1, 54.5, 4.5], [12, 75.5, 9.6]]);
    expect(growthSeries([], '2019-07-06')).toEqual([]);
  });

  it('draws a chart for length and one for weight, with the table', () => {
    const html = renderToStaticMarkup(GrowthPage({ lang: 'sv', path: '/x', session, base: '/min-journal/barn/h', childName: 'Viktor', rows: growthSeries(items, '2019-07-06') }));
    expect(html).toContain('aria-labelledby="tillvaxt-length-titel"');
    expect(html).toContain('aria-labelledby="tillvaxt-weight-titel"');
    expect(html).not.toContain('tillvaxt-head');
    expect(html.match(/data-row="growth"/g)).toHaveLength(2);
    expect(html).toContain('12 mån');
    expect(html).not.toMatch(/NaN/);
  });

  it('says so when there are no measurements', () => {
    const html = renderToStaticMarkup(GrowthPage({ lang: 'en', path: '/x', session, base: '/min-journal/barn/h', childName: 'Viktor', rows: [] }));
    expect(html).toContain('There are no measurements');
    expect(html).not.toContain('<svg viewBox="0 0 340');
  });
});
