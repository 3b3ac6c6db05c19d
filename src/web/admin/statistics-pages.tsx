import { scaleBand, scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import type { StatisticsData, ShownCount } from '../../admin/statistics/index.js';
import { INFO_TYPE_NAMES, isInfoType } from '../../domain/record.js';
import { REGIONS } from '../../domain/regions.js';
import { withLang, type Lang } from '../i18n.js';
import { AdminFrame, type AdminSession } from './operations-frame.js';

/** The statistics page: each statistic as a server-rendered SVG chart with the same figures in a table. */

const W = {
  sv: {
    title: 'Statistik',
    intro: 'Antal under perioden. Antal under 5 visas inte per region och dag, per månad eller per informationsmängd, så att ingen siffra pekar ut en person.',
    period: 'Period',
    from: 'Från',
    to: 'Till',
    show: 'Visa',
    csv: 'Ladda ner som CSV',
    fewer: 'färre än 5',
    logins: 'Inloggningar per månad',
    loginsDesc: 'Staplar: inloggningar. Linje: unika användare.',
    month: 'Månad',
    loginCount: 'Inloggningar',
    users: 'Unika användare',
    infoTypes: 'Visningar per informationsmängd',
    infoType: 'Informationsmängd',
    views: 'Visningar',
    regions: 'Visningar per region (vårdgivarens region)',
    region: 'Region',
    noRegion: 'Utan region',
    perDay: 'Visningar per region och dag',
    day: 'Dag',
    producers: 'Källsystemens tillgänglighet och svarstider',
    producersDesc: 'Andel besvarade anrop per källsystem.',
    system: 'Källsystem',
    calls: 'Anrop',
    failures: 'Fel',
    availability: 'Tillgänglighet',
    latency: 'Svarstid p50 / p95',
    atMost: (ms: number | null) => (ms === null ? 'över 8 s' : `≤ ${ms} ms`),
    nothing: 'Inga uppgifter för perioden.',
  },
  en: {
    title: 'Statistics',
    intro: 'Counts for the period. Counts below 5 are not shown per region and day, per month or per information type, so that no figure points to a person.',
    period: 'Period',
    from: 'From',
    to: 'To',
    show: 'Show',
    csv: 'Download as CSV',
    fewer: 'fewer than 5',
    logins: 'Logins per month',
    loginsDesc: 'Bars: logins. Line: unique users.',
    month: 'Month',
    loginCount: 'Logins',
    users: 'Unique users',
    infoTypes: 'Views per information type',
    infoType: 'Information type',
    views: 'Views',
    regions: 'Views per region (of the care provider)',
    region: 'Region',
    noRegion: 'No region',
    perDay: 'Views per region and day',
    day: 'Day',
    producers: 'Source systems: availability and response times',
    producersDesc: 'Share of calls answered per source system.',
    system: 'Source system',
    calls: 'Calls',
    failures: 'Failures',
    availability: 'Availability',
    latency: 'Response time p50 / p95',
    atMost: (ms: number | null) => (ms === null ? 'over 8 s' : `≤ ${ms} ms`),
    nothing: 'No figures for the period.',
  },
} as const;

const regionName = (code: string, lang: Lang) => (code === '' ? W[lang].noRegion : (REGIONS.find((r) => r.code === code)?.name ?? code));
const infoTypeName = (t: string, lang: Lang) => (isInfoType(t) ? INFO_TYPE_NAMES[t][lang] : t);
const fmt = (n: ShownCount, lang: Lang) => (n === null ? W[lang].fewer : n.toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB'));
const pct = (v: number | null, lang: Lang) => (v === null ? '–' : `${(v * 100).toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: 1 })} %`);

interface Bar {
  readonly label: string;
  /** Null: suppressed, drawn as a hatched stub. */
  readonly value: number | null;
}

/**
 * A bar chart in SVG (d3-scale for the geometry). The figure is named by its caption and the
 * table beside it holds the same numbers, so the SVG itself is decorative to screen readers.
 */
function BarChart({ id, title, desc, bars, overlay, max: fixedMax, lang }: { id: string; title: string; desc?: string; bars: readonly Bar[]; overlay?: readonly (number | null)[]; max?: number; lang: Lang }) {
  const width = 720;
  const height = 260;
  const margin = { top: 16, right: 16, bottom: 56, left: 64 };
  const x = scaleBand<string>().domain(bars.map((b) => b.label)).range([margin.left, width - margin.right]).padding(0.2);
  const max = fixedMax ?? Math.max(1, ...bars.map((b) => b.value ?? 0), ...(overlay ?? []).map((v) => v ?? 0));
  const y = scaleLinear().domain([0, max]).nice().range([height - margin.bottom, margin.top]);
  const ticks = y.ticks(5);
  const path = overlay
    ? line<[string, number | null]>()
        .defined(([, v]) => v !== null)
        .x(([l]) => (x(l) ?? 0) + x.bandwidth() / 2)
        .y(([, v]) => y(v ?? 0))(bars.map((b, i) => [b.label, overlay[i] ?? null]))
    : null;
  return (
    <figure className="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}><strong>{title}</strong>{desc ? <span className="muted"> {desc}</span> : null}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} aria-hidden="true" focusable="false">
        <defs>
          <pattern id={`${id}-hatch`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <line x1="0" y1="0" x2="0" y2="6" stroke="#595959" strokeWidth="2" />
          </pattern>
        </defs>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={margin.left} x2={width - margin.right} y1={y(t)} y2={y(t)} stroke="#d0d0d0" />
            <text x={margin.left - 6} y={y(t)} textAnchor="end" dominantBaseline="middle" fontSize="12" fill="#1b1b1b">{t.toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB')}</text>
          </g>
        ))}
        {bars.map((b) => {
          const bx = x(b.label) ?? 0;
          const suppressed = b.value === null;
          const top = suppressed ? y(0) - 8 : y(b.value ?? 0);
          return (
            <g key={b.label}>
              <rect x={bx} y={top} width={x.bandwidth()} height={Math.max(0, y(0) - top)} fill={suppressed ? `url(#${id}-hatch)` : '#005a9c'} />
              <text x={bx + x.bandwidth() / 2} y={height - margin.bottom + 16} textAnchor="middle" fontSize="11" fill="#1b1b1b">{b.label.length > 14 ? `${b.label.slice(0, 13)}…` : b.label}</text>
            </g>
          );
        })}
        {path ? <path d={path} fill="none" stroke="#b34700" strokeWidth="3" /> : null}
        <line x1={margin.left} x2={width - margin.right} y1={y(0)} y2={y(0)} stroke="#1b1b1b" />
      </svg>
    </figure>
  );
}

export function StatisticsPage({ lang, path, session, data }: { lang: Lang; path: string; session: AdminSession; data: StatisticsData }) {
  const w = W[lang];
  const csvHref = withLang(`/admin/statistik.csv?from=${data.range.from}&to=${data.range.to}`, lang);
  return (
    <AdminFrame lang={lang} title={w.title} path={path} session={session}>
      <h1>{w.title}</h1>
      <p>{w.intro}</p>
      <form method="get" action="/admin/statistik" className="stack">
        {lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
        <fieldset>
          <legend>{w.period}</legend>
          <label htmlFor="f-from">{w.from}</label>
          <input id="f-from" name="from" type="date" defaultValue={data.range.from} />
          <label htmlFor="f-to">{w.to}</label>
          <input id="f-to" name="to" type="date" defaultValue={data.range.to} />
          <p><button type="submit">{w.show}</button></p>
        </fieldset>
      </form>
      <p><a href={csvHref} download>{w.csv}</a></p>

      <h2>{w.logins}</h2>
      {data.logins.length === 0 ? <p>{w.nothing}</p> : (
        <>
          <BarChart id="logins" lang={lang} title={w.logins} desc={w.loginsDesc} bars={data.logins.map((m) => ({ label: m.month, value: m.logins }))} overlay={data.logins.map((m) => m.uniqueUsers)} />
          <div className="scroll"><table>
            <caption>{w.logins}</caption>
            <thead><tr><th scope="col">{w.month}</th><th scope="col" className="num">{w.loginCount}</th><th scope="col" className="num">{w.users}</th></tr></thead>
            <tbody>{data.logins.map((m) => <tr key={m.month}><th scope="row">{m.month}</th><td className="num">{fmt(m.logins, lang)}</td><td className="num">{fmt(m.uniqueUsers, lang)}</td></tr>)}</tbody>
          </table></div>
        </>
      )}

      <h2>{w.infoTypes}</h2>
      {data.infoTypes.length === 0 ? <p>{w.nothing}</p> : (
        <>
          <BarChart id="infotypes" lang={lang} title={w.infoTypes} bars={data.infoTypes.map((t) => ({ label: infoTypeName(t.infoType, lang), value: t.views }))} />
          <div className="scroll"><table>
            <caption>{w.infoTypes}</caption>
            <thead><tr><th scope="col">{w.infoType}</th><th scope="col" className="num">{w.views}</th></tr></thead>
            <tbody>{data.infoTypes.map((t) => <tr key={t.infoType}><th scope="row">{infoTypeName(t.infoType, lang)}</th><td className="num">{fmt(t.views, lang)}</td></tr>)}</tbody>
          </table></div>
        </>
      )}

      <h2>{w.regions}</h2>
      {data.regions.total.length === 0 ? <p>{w.nothing}</p> : (
        <>
          <BarChart id="regions" lang={lang} title={w.regions} bars={data.regions.total.map((r) => ({ label: regionName(r.regionCode, lang).replace(/^Region /, ''), value: r.views }))} />
          <div className="scroll"><table>
            <caption>{w.regions}</caption>
            <thead><tr><th scope="col">{w.region}</th><th scope="col" className="num">{w.views}</th></tr></thead>
            <tbody>{data.regions.total.map((r) => <tr key={r.regionCode}><th scope="row">{regionName(r.regionCode, lang)}</th><td className="num">{fmt(r.views, lang)}</td></tr>)}</tbody>
          </table></div>
          <details>
            <summary>{w.perDay}</summary>
            <div className="scroll"><table>
              <caption>{w.perDay}</caption>
              <thead><tr><th scope="col">{w.day}</th><th scope="col">{w.region}</th><th scope="col" className="num">{w.views}</th></tr></thead>
              <tbody>{data.regions.perDay.slice(0, 2000).map((r) => <tr key={`${r.day}-${r.regionCode}`}><th scope="row">{r.day}</th><td>{regionName(r.regionCode, lang)}</td><td className="num">{fmt(r.views, lang)}</td></tr>)}</tbody>
            </table></div>
          </details>
        </>
      )}

      <h2>{w.producers}</h2>
      {data.producers.length === 0 ? <p>{w.nothing}</p> : (
        <>
          <BarChart id="producers" lang={lang} title={w.producers} desc={w.producersDesc} max={100} bars={data.producers.map((p) => ({ label: p.systemName ?? p.logicalAddress, value: p.availability === null ? 0 : Math.round(p.availability * 1000) / 10 }))} />
          <div className="scroll"><table>
            <caption>{w.producers}</caption>
            <thead><tr><th scope="col">{w.system}</th><th scope="col" className="num">{w.calls}</th><th scope="col" className="num">{w.failures}</th><th scope="col" className="num">{w.availability}</th><th scope="col">{w.latency}</th></tr></thead>
            <tbody>{data.producers.map((p) => (
              <tr key={p.logicalAddress}><th scope="row">{p.systemName ?? ''} <code>{p.logicalAddress}</code></th><td className="num">{p.calls}</td><td className="num">{p.failures}</td><td className="num">{pct(p.availability, lang)}</td><td>{`${w.atMost(p.p50Ms)} / ${w.atMost(p.p95Ms)}`}</td></tr>
            ))}</tbody>
          </table></div>
        </>
      )}
    </AdminFrame>
  );
}
