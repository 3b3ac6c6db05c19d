import { SEED_SYSTEMS } from '../../domain/seed-source.js';
import type { EhrSystemRow, RegionWithSystems, SystemRef } from '../../registry/store.js';
import { withLang, type Lang } from '../i18n.js';
import { Layout } from '../layout.js';
import { systemStyle } from '../map/palette.js';
import {
  legendFor,
  mapHref,
  planStatus,
  regionSeedSource,
  tilesFor,
  UNDECIDED,
  type MapLevel,
  type MapView,
  type Tile,
} from '../map/systems-view.js';
import { tilePlace } from '../map/tile-grid.js';
import { TILE_MAP_CSS, TileMap } from '../map/tile-map.js';
import { WORDS } from './systems-map.words.js';

/**
 * "Journalsystem i Sverige": the regions' record systems on a tile map with a switch between
 * today and planned, the same data as a table, and links to a profile per system. Public, no
 * login, no JavaScript needed: the switches are plain links.
 */

export const PAGE_CSS = `
${TILE_MAP_CSS}
.switches { display:flex; flex-wrap:wrap; gap:.75rem 2rem; margin:1rem 0; }
.switches p { margin:0 0 .25rem; font-weight:600; }
.switch { display:flex; flex-wrap:wrap; gap:.5rem; list-style:none; margin:0; padding:0; }
.switch a { display:inline-block; padding:.4rem .9rem; border:2px solid var(--accent); border-radius:999px; text-decoration:none; }
.switch a[aria-current] { background:var(--accent); color:#fff; font-weight:700; }
.switch a[aria-current]::before { content:"✓ "; }
.mapbox { display:flex; flex-wrap:wrap; gap:1rem 2rem; align-items:flex-start; margin:0; }
.mapbox .tilemap { flex:1 1 14rem; max-width:26rem; }
.mapbox .key { flex:1 1 14rem; }
.key ul { list-style:none; padding:0; margin:.25rem 0; }
.key li { display:flex; gap:.5rem; align-items:center; margin:.35rem 0; }
.swatch { display:inline-flex; align-items:center; justify-content:center; min-width:3rem; height:1.75rem; border-radius:.25rem; color:#fff; font-weight:700; font-size:.85rem; }
.cite { font-size:.9rem; }
/*
 * The table is the main accessible view, so on a phone each row becomes a block of its own
 * instead of a 30rem-wide grid to scroll. Explicit table roles in the markup keep it a table
 * for screen readers when display changes (Safari drops the semantics otherwise).
 */
@media (max-width: 40rem) {
  .systems-table table, .systems-table tbody, .systems-table tr, .systems-table th, .systems-table td, .systems-table caption { display:block; min-width:0; }
  .systems-table thead { position:absolute; width:1px; height:1px; overflow:hidden; clip-path:inset(50%); white-space:nowrap; }
  .systems-table tbody tr { border-bottom:1px solid var(--line); padding:.5rem 0; }
  .systems-table tbody th, .systems-table tbody td { border:0; padding:.1rem 0; }
  .systems-table tbody td::before { content:attr(data-label) ": "; font-weight:600; }
}
dl.facts > div { display:flex; flex-wrap:wrap; gap:0 .5rem; margin:.25rem 0; }
dl.facts dt { font-weight:700; }
dl.facts dt::after { content:":"; }
dl.facts dd { margin:0; }
`;

export interface SystemsMapProps {
  readonly lang: Lang;
  readonly view: MapView;
  readonly level: MapLevel;
  readonly regions: readonly RegionWithSystems[];
  readonly systems: readonly EhrSystemRow[];
}

export function SystemLink({ system, lang }: { system: SystemRef; lang: Lang }) {
  return <a href={withLang(`/journalsystem/${encodeURIComponent(system.id)}`, lang)}>{system.name}</a>;
}

function Switch({ lang, label, id, options }: { lang: Lang; label: string; id: string; options: readonly { text: string; href: string; current: boolean }[] }) {
  return (
    <div>
      <p id={id}>{label}</p>
      <ul className="switch" aria-labelledby={id}>
        {options.map((o) => (
          <li key={o.href}>
            <a href={withLang(o.href, lang)} aria-current={o.current ? 'page' : undefined}>{o.text}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function SystemsMapPage({ lang, view, level, regions, systems }: SystemsMapProps) {
  const w = WORDS[lang];
  const tiles = tilesFor(regions, view, level);
  const legend = legendFor(tiles);
  const levelWord = level === 'sjukhus' ? w.hospital : w.primary;
  const collator = new Intl.Collator('sv');
  const byName = [...regions].sort((a, b) => collator.compare(a.name, b.name));

  const nameOf = (tile: Tile) => {
    const note = view === 'planerat' ? { change: w.afterChange, noChange: w.noChangeNote, undecided: w.undecidedNote }[tile.status] : '';
    return w.tileName(tile.region.name, tile.place.letter, levelWord, tile.system?.name ?? w.noSystem, note);
  };
  const markOf = (tile: Tile) => {
    const label = tile.system ? systemStyle(tile.system.id, tile.system.name).label : '–';
    return view === 'planerat' && tile.status === 'undecided' ? `${label} ?` : label;
  };

  return (
    <Layout lang={lang} title={w.mapTitle} path={mapHref(view, level)}>
      <style href="journalen-systems-map" precedence="default">{PAGE_CSS}</style>
      <p><a href={withLang('/', lang)}>{`← ${w.backToStart}`}</a></p>
      <h1>{w.mapTitle}</h1>
      <p>{w.mapIntro}</p>
      <figure style={{ margin: 0 }}>
        <blockquote lang="sv">{view === 'idag' ? WORDS.sv.todaySummary : WORDS.sv.plannedSummary}</blockquote>
        {lang !== 'sv' && <p>{view === 'idag' ? w.todaySummary : w.plannedSummary}</p>}
        <figcaption className="muted cite">{w.seedLine(SEED_SYSTEMS, view === 'idag' ? 25 : UNDECIDED.source.line)}</figcaption>
      </figure>

      <nav className="switches" aria-label={w.switchLabel}>
        <Switch
          lang={lang}
          id="vy-rubrik"
          label={w.timeLabel}
          options={[
            { text: w.today, href: mapHref('idag', level), current: view === 'idag' },
            { text: w.planned, href: mapHref('planerat', level), current: view === 'planerat' },
          ]}
        />
        <Switch
          lang={lang}
          id="niva-rubrik"
          label={w.levelLabel}
          options={[
            { text: w.hospital, href: mapHref(view, 'sjukhus'), current: level === 'sjukhus' },
            { text: w.primary, href: mapHref(view, 'primarvard'), current: level === 'primarvard' },
          ]}
        />
      </nav>

      <h2 id="karta">{w.showing(view === 'idag' ? w.today : w.planned, levelWord)}</h2>
      <figure className="mapbox" aria-labelledby="kartbeskrivning">
        <div className="tilemap">
          <TileMap lang={lang} tiles={tiles} nameOf={nameOf} markOf={markOf} labelledBy="kartbeskrivning" />
        </div>
        <figcaption className="key">
          <p>
            <span id="kartbeskrivning">{w.mapCaption(view, level)}</span>
            {` ${w.mapHowTo}${view === 'planerat' ? ` ${w.plannedNote}` : ''}`}
          </p>
          <h3>{w.legendTitle}</h3>
          <ul>
            {legend.map(({ system, regions: n }) => {
              const style = systemStyle(system.id, system.name);
              return (
                <li key={system.id} data-system={system.id}>
                  <span className="swatch" style={{ background: style.colour }} aria-hidden="true">{style.label}</span>
                  <span><SystemLink system={system} lang={lang} />{` (${style.label}): ${w.regionsCount(n)}`}</span>
                </li>
              );
            })}
          </ul>
          {view === 'planerat' && tiles.some((t) => t.status === 'undecided') && <p>{w.undecidedLegend}</p>}
        </figcaption>
      </figure>

      <h2 id="tabell">{w.tableTitle}</h2>
      <div className="scroll systems-table" role="region" aria-labelledby="systems-caption" tabIndex={0}>
        <table role="table">
          <caption id="systems-caption">{w.tableCaption}</caption>
          <thead role="rowgroup">
            <tr role="row">
              <th scope="col" role="columnheader">{w.region}</th>
              <th scope="col" role="columnheader">{w.primary}</th>
              <th scope="col" role="columnheader">{w.hospital}</th>
              <th scope="col" role="columnheader">{w.plannedChange}</th>
              <th scope="col" role="columnheader">{w.source}</th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            {byName.map((r) => {
              const status = planStatus(r);
              const source = regionSeedSource(r);
              const letter = tilePlace(r.code)?.letter;
              return (
                <tr key={r.code} data-region={r.code} role="row">
                  <th scope="row" role="rowheader"><a href={withLang(`/regioner/${r.code}`, lang)}>{r.name}</a>{letter ? ` (${letter})` : ''}</th>
                  <td role="cell" data-label={w.primary}>{r.primary ? <SystemLink system={r.primary} lang={lang} /> : w.noSystem}</td>
                  <td role="cell" data-label={w.hospital}>{r.hospital ? <SystemLink system={r.hospital} lang={lang} /> : w.noSystem}</td>
                  <td role="cell" data-label={w.plannedChange}>
                    {r.planned ? <SystemLink system={r.planned} lang={lang} /> : status === 'undecided' ? w.undecided : w.noChange}
                    {status === 'undecided' && <span className="muted cite">{` (${w.seedLineShort(UNDECIDED.source.line)})`}</span>}
                  </td>
                  <td role="cell" data-label={w.source} className="cite">{source ? w.seedLineShort(source.line) : w.changedInRegistry}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <h2 id="system">{w.systemsTitle}</h2>
      <p>{w.systemsIntro}</p>
      <ul>
        {[...systems]
          .sort((a, b) => collator.compare(a.name, b.name))
          .map((s) => (
            <li key={s.id}>
              <SystemLink system={s} lang={lang} />{` (${systemStyle(s.id, s.name).label}): ${s.vendor}`}
            </li>
          ))}
      </ul>
    </Layout>
  );
}
