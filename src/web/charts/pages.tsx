import { formatLongDate, type IsoDate } from '../../domain/time.js';
import type { MeasuredValue } from '../../domain/record.js';
import { withLang, type Lang } from '../i18n.js';
import { Layout, type LayoutProps } from '../layout.js';
import { chartGeometry, type ChartPoint } from './line-chart.js';
import { CHART_CSS, ChartLegend, LineChartSvg } from './line-chart-svg.js';
import type { AnalysisSeries, GrowthMeasure, GrowthRow } from './series.js';
import { CHART_WORDS } from './words.js';

/**
 * The chart pages: one analysis over time, the list of analyses, a child's growth. Each chart is
 * followed by the same data as a table, which is the primary view for screen readers and small
 * screens; the chart is a summary with a text alternative.
 */

type Session = NonNullable<LayoutProps['session']>;

interface PageBase {
  readonly lang: Lang;
  readonly path: string;
  readonly session: Session;
  /** `/min-journal` or `/min-journal/barn/<handle>`. */
  readonly base: string;
}

const numberFormat = (lang: Lang) => new Intl.NumberFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: 4 });

export function intervalText(v: MeasuredValue, lang: Lang): string {
  const r = v.referenceInterval;
  if (!r) return '';
  const f = numberFormat(lang);
  if (r.low !== undefined && r.high !== undefined) return `${f.format(r.low)}–${f.format(r.high)}`;
  if (r.high !== undefined) return `< ${f.format(r.high)}`;
  if (r.low !== undefined) return `> ${f.format(r.low)}`;
  return r.text ?? '';
}

export function valueText(v: MeasuredValue, lang: Lang): string {
  if (typeof v.numeric === 'number' && Number.isFinite(v.numeric)) return numberFormat(lang).format(v.numeric);
  return v.value ?? '';
}

export function AnalysesPage({ lang, path, session, base, analyses }: PageBase & { analyses: readonly { code: string; name: string; count: number; latest: IsoDate }[] }) {
  const w = CHART_WORDS[lang];
  return (
    <Layout lang={lang} title={w.analysesTitle} path={path} session={session}>
      <p><a href={withLang(base, lang)}>{w.myRecord}</a></p>
      <h1>{w.analysesTitle}</h1>
      {analyses.length === 0 ? (
        <p>{w.noAnalyses}</p>
      ) : (
        <>
          <p>{w.analysesIntro}</p>
          <div className="scroll">
            <table>
              <caption>{w.analysesCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{w.analysis}</th>
                  <th scope="col">{w.values}</th>
                  <th scope="col">{w.latest}</th>
                </tr>
              </thead>
              <tbody>
                {analyses.map((a) => (
                  <tr key={a.code}>
                    <th scope="row"><a href={withLang(`${base}/provsvar/analys/${encodeURIComponent(a.code)}`, lang)}>{a.name}</a></th>
                    <td>{a.count}</td>
                    <td>{formatLongDate(a.latest, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Layout>
  );
}

export function AnalysisPage({ lang, path, session, base, series }: PageBase & { series: AnalysisSeries }) {
  const w = CHART_WORDS[lang];
  const title = w.analysisTitle(series.name);
  const drawn = series.rows.filter((r) => r.numeric !== null && (r.value.unit ?? null) === series.unit);
  const points: ChartPoint[] = drawn.map((r) => ({
    x: r.time.getTime(),
    y: r.numeric!,
    abnormal: r.abnormal,
    ...(r.value.referenceInterval ? { band: r.value.referenceInterval } : {}),
  }));
  const geometry = chartGeometry(points, { xKind: 'time', lang });
  const latest = drawn.at(-1);
  const description = latest
    ? w.chartDescription(
        drawn.length,
        formatLongDate(drawn[0]!.date, lang),
        formatLongDate(latest.date, lang),
        `${valueText(latest.value, lang)} ${series.unit ?? ''}`.trim(),
        drawn.filter((r) => r.abnormal).length,
      )
    : '';
  const left = series.rows.length - drawn.length;
  return (
    <Layout lang={lang} title={title} path={path} session={session}>
      <style href="journalen-charts" precedence="default">{CHART_CSS}</style>
      <p><a href={withLang(`${base}/provsvar/analys`, lang)}>{w.backToAnalyses}</a></p>
      <h1>{title}</h1>
      <p>{w.analysisIntro}</p>
      {drawn.length > 0 ? (
        <figure className="chart">
          <figcaption className="muted">{description}</figcaption>
          <LineChartSvg geometry={geometry} idBase="analys" title={title} description={description} {...(series.unit ? { unit: series.unit } : {})} />
          <ChartLegend
            {...(drawn.length > 1 ? { line: w.legendLine } : {})}
            normal={w.legendNormal}
            abnormal={w.legendAbnormal}
            {...(geometry.bandPath ? { band: w.legendBand } : {})}
          />
          {drawn.length === 1 ? <p className="muted">{w.onlyOne}</p> : null}
        </figure>
      ) : null}
      {left > 0 ? <p>{w.otherUnits(left)}</p> : null}
      <div className="scroll">
        <table>
          <caption>{w.tableCaption(series.name)}</caption>
          <thead>
            <tr>
              <th scope="col">{w.date}</th>
              <th scope="col">{w.value}</th>
              <th scope="col">{w.unit}</th>
              <th scope="col">{w.referenceInterval}</th>
              <th scope="col">{w.careUnit}</th>
            </tr>
          </thead>
          <tbody>
            {[...series.rows].reverse().map((r, i) => (
              <tr key={`${r.itemKey}-${i}`} data-row="value">
                <th scope="row">{formatLongDate(r.date, lang)}</th>
                <td>
                  {valueText(r.value, lang)}
                  {r.abnormal ? (
                    <>
                      {' '}
                      <span aria-hidden="true">▲</span> <span className="muted">({w.outside})</span>
                    </>
                  ) : null}
                </td>
                <td>{r.value.unit ?? ''}</td>
                <td>{intervalText(r.value, lang)}</td>
                <td>{r.careUnit ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

const GROWTH_UNITS: Record<GrowthMeasure, string> = { length: 'cm', weight: 'kg', head: 'cm' };

export function GrowthPage({ lang, path, session, base, childName, rows }: PageBase & { childName: string; rows: readonly GrowthRow[] }) {
  const w = CHART_WORDS[lang];
  const title = w.growthTitle(childName);
  const f = numberFormat(lang);
  const charts: { measure: GrowthMeasure; label: string; word: string }[] = [
    { measure: 'length', label: w.lengthChart, word: w.length },
    { measure: 'weight', label: w.weightChart, word: w.weight },
    { measure: 'head', label: w.headChart, word: w.head },
  ];
  const hasHead = rows.some((r) => r.head !== null);
  return (
    <Layout lang={lang} title={title} path={path} session={session}>
      <style href="journalen-charts" precedence="default">{CHART_CSS}</style>
      <p><a href={withLang(base, lang)}>{w.myRecord}</a></p>
      <h1>{title}</h1>
      {rows.length === 0 ? (
        <p>{w.noGrowth}</p>
      ) : (
        <>
          <p>{w.growthIntro}</p>
          {charts.map(({ measure, label, word }) => {
            const measured = rows.filter((r) => r[measure] !== null);
            if (measured.length === 0) return null;
            const geometry = chartGeometry(measured.map((r) => ({ x: r.ageMonths, y: r[measure]! })), { xKind: 'ageMonths', lang });
            const last = measured.at(-1)!;
            const description = w.growthDescription(word, measured.length, w.ageText(measured[0]!.ageMonths), w.ageText(last.ageMonths), `${f.format(last[measure]!)} ${GROWTH_UNITS[measure]}`);
            return (
              <section key={measure} aria-labelledby={`rubrik-${measure}`}>
                <h2 id={`rubrik-${measure}`}>{label}</h2>
                <figure className="chart">
                  <LineChartSvg geometry={geometry} idBase={`tillvaxt-${measure}`} title={label} description={description} unit={GROWTH_UNITS[measure]} />
                  <figcaption className="muted">{description}</figcaption>
                </figure>
              </section>
            );
          })}
          <div className="scroll">
            <table>
              <caption>{w.growthCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{w.date}</th>
                  <th scope="col">{w.age}</th>
                  <th scope="col">{w.length} (cm)</th>
                  <th scope="col">{w.weight} (kg)</th>
                  {hasHead ? <th scope="col">{w.head} (cm)</th> : null}
                  <th scope="col">{w.careUnit}</th>
                </tr>
              </thead>
              <tbody>
                {[...rows].reverse().map((r, i) => (
                  <tr key={i} data-row="growth">
                    <th scope="row">{formatLongDate(r.date, lang)}</th>
                    <td>{w.ageText(r.ageMonths)}</td>
                    <td>{r.length !== null ? f.format(r.length) : ''}</td>
                    <td>{r.weight !== null ? f.format(r.weight) : ''}</td>
                    {hasHead ? <td>{r.head !== null ? f.format(r.head) : ''}</td> : null}
                    <td>{r.careUnit ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Layout>
  );
}
