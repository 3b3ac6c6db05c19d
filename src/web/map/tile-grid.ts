import type { RegionCode } from '../../domain/regions.js';

/**
 * Where each of the 21 regions sits on our tile map of Sweden: one square per region on a grid
 * of 5 columns (west → east) and 9 rows (north → south). Equal tiles, so a small region is as
 * easy to see and to hit as Norrbotten; the price is that shapes and sizes are not to scale.
 *
 *        c0         c1          c2            c3          c4
 *   r0                          Norrbotten
 *   r1                          Västerbotten
 *   r2              Jämtland    Västernorrl.
 *   r3              Dalarna     Gävleborg
 *   r4   Värmland   Örebro      Västmanland   Uppsala
 *   r5   V Götaland Östergötl.  Södermanland  Stockholm
 *   r6   Halland    Jönköping   Kalmar                    Gotland
 *   r7              Kronoberg   Blekinge
 *   r8              Skåne
 *
 * Placed by each county's rough centre on the map of Sweden and kept so that neighbours on the
 * map touch on the grid where they can: the west coast in column 0, the east coast from
 * Västernorrland down to Kalmar on the right, Gotland alone in the sea (c3 r6 left empty).
 * Östergötland has to sit west of Södermanland rather than south of it, a usual tile-map trade.
 *
 * The letter codes (länsbokstäver: AB Stockholm ... BD Norrbotten) are not in seed 000; like
 * the SCB county codes in src/domain/regions.ts they are the standard Swedish codes (from the
 * vehicle register, still printed on maps and in statistics), used here as short tile labels.
 */

export interface TilePlace {
  readonly code: RegionCode;
  /** Länsbokstav, the short label on the tile. */
  readonly letter: string;
  readonly col: number;
  readonly row: number;
}

export const GRID_COLS = 5;
export const GRID_ROWS = 9;

export const TILE_PLACES: readonly TilePlace[] = [
  { code: '25', letter: 'BD', col: 2, row: 0 }, // Norrbotten
  { code: '24', letter: 'AC', col: 2, row: 1 }, // Västerbotten
  { code: '23', letter: 'Z', col: 1, row: 2 }, // Jämtland Härjedalen
  { code: '22', letter: 'Y', col: 2, row: 2 }, // Västernorrland
  { code: '20', letter: 'W', col: 1, row: 3 }, // Dalarna
  { code: '21', letter: 'X', col: 2, row: 3 }, // Gävleborg
  { code: '17', letter: 'S', col: 0, row: 4 }, // Värmland
  { code: '18', letter: 'T', col: 1, row: 4 }, // Örebro län
  { code: '19', letter: 'U', col: 2, row: 4 }, // Västmanland
  { code: '03', letter: 'C', col: 3, row: 4 }, // Uppsala
  { code: '14', letter: 'O', col: 0, row: 5 }, // Västra Götaland
  { code: '05', letter: 'E', col: 1, row: 5 }, // Östergötland
  { code: '04', letter: 'D', col: 2, row: 5 }, // Södermanland
  { code: '01', letter: 'AB', col: 3, row: 5 }, // Stockholm
  { code: '13', letter: 'N', col: 0, row: 6 }, // Halland
  { code: '06', letter: 'F', col: 1, row: 6 }, // Jönköpings län
  { code: '08', letter: 'H', col: 2, row: 6 }, // Kalmar län
  { code: '09', letter: 'I', col: 4, row: 6 }, // Gotland, in the sea
  { code: '07', letter: 'G', col: 1, row: 7 }, // Kronoberg
  { code: '10', letter: 'K', col: 2, row: 7 }, // Blekinge
  { code: '12', letter: 'M', col: 1, row: 8 }, // Skåne
];

const byCode = new Map<string, TilePlace>(TILE_PLACES.map((p) => [p.code, p]));

/** Undefined for a region the registry has but the grid does not (an operator-added one). */
export const tilePlace = (code: string): TilePlace | undefined => byCode.get(code);
