import { describe, expect, it } from 'vitest';
import { REGION_CODES } from '../../domain/regions.js';
import { GRID_COLS, GRID_ROWS, TILE_PLACES, tilePlace } from './tile-grid.js';

const place = (code: string) => {
  const p = tilePlace(code);
  if (!p) throw new Error(`no tile for ${code}`);
  return p;
};
const occupied = new Set(TILE_PLACES.map((p) => `${p.col},${p.row}`));

describe('the tile grid of the 21 regions', () => {
  it('has one tile per region, each on its own square inside the grid', () => {
    expect(TILE_PLACES.map((p) => p.code).sort()).toEqual([...REGION_CODES]);
    expect(occupied.size).toBe(21);
    for (const p of TILE_PLACES) {
      expect(p.col, p.code).toBeGreaterThanOrEqual(0);
      expect(p.col, p.code).toBeLessThan(GRID_COLS);
      expect(p.row, p.code).toBeGreaterThanOrEqual(0);
      expect(p.row, p.code).toBeLessThan(GRID_ROWS);
    }
    expect(new Set(TILE_PLACES.map((p) => p.letter)).size).toBe(21);
  });

  it('reads as Sweden: Norrbotten alone at the top, Skåne alone at the bottom', () => {
    expect(TILE_PLACES.filter((p) => p.row === 0).map((p) => p.code)).toEqual(['25']);
    expect(TILE_PLACES.filter((p) => p.row === GRID_ROWS - 1).map((p) => p.code)).toEqual(['12']);
    // North to south down the east coast: Västerbotten, Västernorrland, Gävleborg, Uppsala, Stockholm.
    const rows = ['24', '22', '21', '03', '01'].map((c) => place(c).row);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
  });

  it('has the west coast on the left and Stockholm and Uppsala as the easternmost mainland', () => {
    for (const west of ['17', '14', '13']) expect(place(west).col, west).toBe(0);
    const mainland = TILE_PLACES.filter((p) => p.code !== '09');
    const east = Math.max(...mainland.map((p) => p.col));
    expect(mainland.filter((p) => p.col === east).map((p) => p.code).sort()).toEqual(['01', '03']);
    expect(place('14').row).toBeLessThan(place('13').row); // Västra Götaland above Halland
  });

  it('puts Gotland in the sea east of Kalmar, touching no other tile', () => {
    const gotland = place('09');
    expect(gotland.col).toBeGreaterThan(place('08').col);
    expect(gotland.col).toBe(GRID_COLS - 1);
    for (const [dc, dr] of [[1, 0], [-1, 0], [0, 1], [0, -1]] as const) {
      expect(occupied.has(`${gotland.col + dc},${gotland.row + dr}`)).toBe(false);
    }
  });
});
