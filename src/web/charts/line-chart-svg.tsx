import type { ReactNode } from 'react';
import type { ChartGeometry } from './line-chart.js';

/**
 * A chart's geometry as SVG, for server rendering. The SVG is one image to assistive technology
 * (role="img", named by its <title>, described by its <desc>); the table beside it carries the
 * numbers. The viewBox lets it shrink to a 320 px screen.
 */

export const CHART_CSS = `
.chart { margin:1rem 0; }
.chart svg { display:block; width:100%; max-width:30rem; height:auto; font-family:inherit; }
.chart .legend { display:flex; flex-wrap:wrap; gap:.25rem 1.25rem; list-style:none; padding:0; margin:.5rem 0 0; font-size:.95rem; }
.chart .legend svg { display:inline-block; width:1.1rem; height:1.1rem; vertical-align:-.2rem; margin-right:.35rem; }
`;

// Colours: 3:1 or more against white for the line, markers and axis (WCAG 1.4.11); the band is
// background and has a darker edge.
export const CHART_COLOURS = { line: '#005a9c', normal: '#005a9c', abnormal: '#b3261e', band: '#dff0e3', bandEdge: '#2e7d32', axis: '#4a4a4a', grid: '#e2e2e2' } as const;

export interface LineChartSvgProps {
  readonly geometry: ChartGeometry;
  readonly idBase: string;
  /** The accessible name: what the chart shows. */
  readonly title: string;
  /** A short summary in words: how many values, over what time, the latest, how many outside the interval. */
  readonly description: string;
  /** The unit, written above the y axis. */
  readonly unit?: string;
}

export function LineChartSvg({ geometry: g, idBase, title, description, unit }: LineChartSvgProps) {
  const { plot } = g;
  const titleId = `${idBase}-titel`;
  const descId = `${idBase}-beskrivning`;
  return (
    <svg viewBox={`0 0 ${g.width} ${g.height}`} role="img" aria-labelledby={titleId} aria-describedby={descId} focusable="false" data-chart={idBase}>
      <title id={titleId}>{title}</title>
      <desc id={descId}>{description}</desc>
      {g.bandPath ? <path className="band" d={g.bandPath} fill={CHART_COLOURS.band} stroke={CHART_COLOURS.bandEdge} strokeWidth={1} strokeDasharray="4 3" /> : null}
      <g className="y-axis" fontSize={11} fill={CHART_COLOURS.axis}>
        {g.yTicks.map((t) => (
          <g key={`y${t.at}`}>
            <line x1={plot.left} x2={plot.right} y1={t.at} y2={t.at} stroke={CHART_COLOURS.grid} />
            <text x={plot.left - 6} y={t.at} dy="0.32em" textAnchor="end">{t.label}</text>
          </g>
        ))}
        {unit ? <text x={plot.left - 6} y={plot.top - 10} textAnchor="end" fontWeight={600}>{unit}</text> : null}
      </g>
      <g className="x-axis" fontSize={11} fill={CHART_COLOURS.axis}>
        <line x1={plot.left} x2={plot.right} y1={plot.bottom} y2={plot.bottom} stroke={CHART_COLOURS.axis} />
        {g.xTicks.map((t) => (
          <g key={`x${t.at}`}>
            <line x1={t.at} x2={t.at} y1={plot.bottom} y2={plot.bottom + 5} stroke={CHART_COLOURS.axis} />
            <text x={t.at} y={plot.bottom + 18} textAnchor="middle">{t.label}</text>
          </g>
        ))}
      </g>
      {g.linePath ? <path className="line" d={g.linePath} fill="none" stroke={CHART_COLOURS.line} strokeWidth={2} /> : null}
      <g className="points">
        {g.points.map((p, i) => (
          <path
            key={i}
            className={p.abnormal ? 'point abnormal' : 'point'}
            d={p.marker}
            transform={`translate(${p.cx},${p.cy})`}
            fill={p.abnormal ? CHART_COLOURS.abnormal : CHART_COLOURS.normal}
            stroke="#ffffff"
            strokeWidth={1.5}
          />
        ))}
      </g>
    </svg>
  );
}

/** The legend, in HTML under the chart: each mark with its words. */
export function ChartLegend({ line, normal, abnormal, band }: { line?: string; normal: string; abnormal?: string; band?: string }) {
  const mark = (children: ReactNode) => (
    <svg viewBox="-8 -8 16 16" aria-hidden="true" focusable="false">{children}</svg>
  );
  return (
    <ul className="legend">
      {line ? <li>{mark(<line x1={-7} x2={7} y1={0} y2={0} stroke={CHART_COLOURS.line} strokeWidth={2} />)}{line}</li> : null}
      <li>{mark(<circle r={4} fill={CHART_COLOURS.normal} />)}{normal}</li>
      {abnormal ? <li>{mark(<path d="M0,-6L5.2,3L-5.2,3Z" fill={CHART_COLOURS.abnormal} />)}{abnormal}</li> : null}
      {band ? <li>{mark(<rect x={-7} y={-5} width={14} height={10} fill={CHART_COLOURS.band} stroke={CHART_COLOURS.bandEdge} strokeDasharray="3 2" />)}{band}</li> : null}
    </ul>
  );
}
