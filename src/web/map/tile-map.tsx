import { scaleBand } from 'd3-scale';
import { withLang, type Lang } from '../i18n.js';
import { systemStyle } from './palette.js';
import type { Tile } from './systems-view.js';
import { GRID_COLS, GRID_ROWS } from './tile-grid.js';

/**
 * The tile map as server-rendered SVG: one link per region, so it works without JavaScript and
 * every tile is a Tab stop. The viewBox scales it to any width; the table beside it stays the
 * main accessible view.
 */

const STEP = 72;
const GAP = 10;
// Room outside the outer tiles for the focus ring.
const MARGIN = 8;
const RING = 5;

const band = (n: number) =>
  scaleBand<number>()
    .domain(Array.from({ length: n }, (_, i) => i))
    .range([0, n * STEP - GAP + 2 * MARGIN])
    .paddingInner(GAP / STEP)
    .paddingOuter(MARGIN / STEP);

const x = band(GRID_COLS);
const y = band(GRID_ROWS);
// Whole units keep the markup short (band arithmetic leaves 7.999999…).
const at = (scale: typeof x, i: number) => Math.round(scale(i) ?? 0);
const SIZE = Math.round(x.bandwidth());
export const MAP_WIDTH = Math.round(x.range()[1]);
export const MAP_HEIGHT = Math.round(y.range()[1]);

/** The styles the map needs; the page puts them in its head. */
export const TILE_MAP_CSS = `
.tilemap svg { display:block; width:100%; max-width:26rem; height:auto; }
.tilemap a { outline:none; }
.tilemap a:focus { outline:none; box-shadow:none; }
.tilemap .ring { fill:none; stroke:transparent; stroke-width:4; }
.tilemap a:hover .ring { stroke:#595959; }
.tilemap a:focus-visible .ring { stroke:#1a1a1a; }
.tilemap a:hover .tile-label, .tilemap a:focus-visible .tile-label { text-decoration:underline; }
`;

export interface TileMapProps {
  readonly lang: Lang;
  readonly tiles: readonly Tile[];
  /** The accessible name of each tile's link. */
  readonly nameOf: (tile: Tile) => string;
  /** What is shown on the second line of a tile: the system's label, "?" when undecided. */
  readonly markOf: (tile: Tile) => string;
  /** Id of the element that names the map (the figure's caption). */
  readonly labelledBy: string;
}

export function TileMap({ lang, tiles, nameOf, markOf, labelledBy }: TileMapProps) {
  return (
    <svg viewBox={`0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`} role="group" aria-labelledby={labelledBy} focusable="false">
      {tiles.map((tile) => {
        const left = at(x, tile.place.col);
        const top = at(y, tile.place.row);
        const colour = tile.system ? systemStyle(tile.system.id, tile.system.name).colour : '#595959';
        const name = nameOf(tile);
        return (
          <a key={tile.region.code} href={withLang(`/regioner/${tile.region.code}`, lang)} aria-label={name} data-region={tile.region.code} data-system={tile.system?.id ?? ''}>
            <title>{name}</title>
            <rect className="ring" x={left - RING} y={top - RING} width={SIZE + 2 * RING} height={SIZE + 2 * RING} rx={8} />
            <rect x={left} y={top} width={SIZE} height={SIZE} rx={5} fill={colour} />
            <text className="tile-label" x={left + SIZE / 2} y={top + 27} textAnchor="middle" fontSize={20} fontWeight={700} fill="#ffffff">
              {tile.place.letter}
            </text>
            <text x={left + SIZE / 2} y={top + 50} textAnchor="middle" fontSize={15} fill="#ffffff">
              {markOf(tile)}
            </text>
          </a>
        );
      })}
    </svg>
  );
}
