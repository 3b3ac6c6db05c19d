import { findRegion } from '../../domain/regions.js';
import { SEED_SYSTEMS, seed, type SeedSource } from '../../domain/seed-source.js';
import type { RegionWithSystems, SystemRef } from '../../registry/store.js';
import { tilePlace, type TilePlace } from './tile-grid.js';

/**
 * What the map page shows for a choice of time (today / planned) and care level, computed from
 * the registry rows. Pure, so the page components only draw.
 */

export const VIEWS = ['idag', 'planerat'] as const;
export type MapView = (typeof VIEWS)[number];
export const LEVELS = ['sjukhus', 'primarvard'] as const;
export type MapLevel = (typeof LEVELS)[number];

/**
 * The choices come from links (`?vy=planerat&niva=primarvard`). Anything else falls back to the
 * default rather than an error page: a mistyped value on a public page should still show the map.
 */
export function pickView(query: unknown): MapView {
  const v = (query as { vy?: unknown } | undefined)?.vy;
  return v === 'planerat' ? 'planerat' : 'idag';
}

export function pickLevel(query: unknown): MapLevel {
  const v = (query as { niva?: unknown } | undefined)?.niva;
  return v === 'primarvard' ? 'primarvard' : 'sjukhus';
}

/** The page's address for a choice, with defaults left out so `/journalsystem` is the plain map. */
export function mapHref(view: MapView, level: MapLevel): string {
  const params = [view === 'idag' ? '' : `vy=${view}`, level === 'sjukhus' ? '' : `niva=${level}`].filter(Boolean);
  return params.length ? `/journalsystem?${params.join('&')}` : '/journalsystem';
}

/**
 * "-" in the seed's Planerat column means two things: most of those regions already run Cosmic
 * and plan no change, but Stockholm and Gotland have not decided (seed 000, line 54).
 */
export const UNDECIDED = {
  codes: ['01', '09'] as readonly string[],
  source: seed(SEED_SYSTEMS, 54, 'Stockholm och Gotland har ännu inte beslutat sig.'),
};

export type PlanStatus = 'change' | 'noChange' | 'undecided';

export function planStatus(region: RegionWithSystems): PlanStatus {
  if (region.planned) return 'change';
  return UNDECIDED.codes.includes(region.code) ? 'undecided' : 'noChange';
}

/**
 * The seed line a region's row rests on, when the registry still says what the seed says.
 * Null once an operator has changed the row: then the seed is no longer the source.
 */
export function regionSeedSource(region: RegionWithSystems): SeedSource | null {
  const seeded = findRegion(region.code);
  if (!seeded) return null;
  const same =
    region.primary?.id === seeded.primaryCare && region.hospital?.id === seeded.hospitalCare && (region.planned?.id ?? null) === seeded.planned;
  return same ? seeded.source : null;
}

export interface Tile {
  readonly place: TilePlace;
  readonly region: RegionWithSystems;
  /** The system coloured: the chosen level's system today, or after the planned change. */
  readonly system: SystemRef | null;
  readonly status: PlanStatus;
}

/**
 * One tile per region the grid knows, in reading order (north to south, west to east) so Tab
 * moves through the map as the eye does. The seed gives one planned system per region, for
 * primary care and hospitals alike (Millennium as "en gemensam lösning för primär- och
 * sjukhusvård", line 80); where nothing is planned the region keeps what it has.
 */
export function tilesFor(regions: readonly RegionWithSystems[], view: MapView, level: MapLevel): Tile[] {
  const tiles: Tile[] = [];
  for (const region of regions) {
    const place = tilePlace(region.code);
    if (!place) continue;
    const today = level === 'sjukhus' ? region.hospital : region.primary;
    const system = view === 'planerat' ? (region.planned ?? today) : today;
    tiles.push({ place, region, system, status: planStatus(region) });
  }
  return tiles.sort((a, b) => a.place.row - b.place.row || a.place.col - b.place.col);
}

export interface LegendEntry {
  readonly system: SystemRef;
  readonly regions: number;
}

/** The systems on the map now, most regions first, then by name in Swedish order. */
export function legendFor(tiles: readonly Tile[]): LegendEntry[] {
  const counts = new Map<string, { system: SystemRef; regions: number }>();
  for (const { system } of tiles) {
    if (!system) continue;
    const entry = counts.get(system.id) ?? { system, regions: 0 };
    entry.regions += 1;
    counts.set(system.id, entry);
  }
  const collator = new Intl.Collator('sv');
  return [...counts.values()].sort((a, b) => b.regions - a.regions || collator.compare(a.system.name, b.system.name));
}

export interface SystemUse {
  readonly primary: RegionWithSystems[];
  readonly hospital: RegionWithSystems[];
  readonly planned: RegionWithSystems[];
}

/** Which regions use a system, per care level today and in their plans; for its profile page. */
export function systemUse(regions: readonly RegionWithSystems[], systemId: string): SystemUse {
  const collator = new Intl.Collator('sv');
  const sorted = [...regions].sort((a, b) => collator.compare(a.name, b.name));
  return {
    primary: sorted.filter((r) => r.primary?.id === systemId),
    hospital: sorted.filter((r) => r.hospital?.id === systemId),
    planned: sorted.filter((r) => r.planned?.id === systemId),
  };
}
