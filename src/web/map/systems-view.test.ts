import { describe, expect, it } from 'vitest';
import { ehrSystem } from '../../domain/ehr-systems.js';
import { REGIONS } from '../../domain/regions.js';
import type { RegionWithSystems } from '../../registry/store.js';
import { seedLines } from '../../testing/seeds.js';
import { legendFor, mapHref, pickLevel, pickView, planStatus, regionSeedSource, systemUse, tilesFor, UNDECIDED } from './systems-view.js';

/** The registry as seeded: the same rows the database holds after seedRegistry. */
const ref = (id: string | null) => (id ? { id, name: ehrSystem(id as never).name } : null);
const REGISTRY: RegionWithSystems[] = REGIONS.map((r) => ({
  code: r.code,
  name: r.name,
  countyName: r.countyName,
  primary: ref(r.primaryCare),
  hospital: ref(r.hospitalCare),
  planned: ref(r.planned),
}));
const tileOf = (tiles: ReturnType<typeof tilesFor>, code: string) => tiles.find((t) => t.region.code === code);

describe('what the systems map shows', () => {
  it('reads the choice from the query, falling back to today and hospitals', () => {
    expect([pickView({ vy: 'planerat' }), pickView({ vy: 'x' }), pickView(undefined)]).toEqual(['planerat', 'idag', 'idag']);
    expect([pickLevel({ niva: 'primarvard' }), pickLevel({ niva: ['primarvard'] }), pickLevel({})]).toEqual(['primarvard', 'sjukhus', 'sjukhus']);
    expect(mapHref('idag', 'sjukhus')).toBe('/journalsystem');
    expect(mapHref('planerat', 'primarvard')).toBe('/journalsystem?vy=planerat&niva=primarvard');
  });

  it('colours each region by the chosen level today, and by its plan after the change', () => {
    const hospital = tilesFor(REGISTRY, 'idag', 'sjukhus');
    expect(hospital).toHaveLength(21);
    expect(tileOf(hospital, '12')?.system?.id).toBe('melior');
    expect(tileOf(tilesFor(REGISTRY, 'idag', 'primarvard'), '12')?.system?.id).toBe('pmo');
    expect(tileOf(tilesFor(REGISTRY, 'idag', 'primarvard'), '14')?.system?.id).toBe('asynjavisph');
    const planned = tilesFor(REGISTRY, 'planerat', 'primarvard');
    expect(tileOf(planned, '12')).toMatchObject({ system: { id: 'millennium' }, status: 'change' });
    expect(tileOf(planned, '01')).toMatchObject({ system: { id: 'takecare' }, status: 'undecided' });
    expect(tileOf(planned, '23')).toMatchObject({ system: { id: 'cosmic' }, status: 'noChange' });
    // Reading order: north first.
    expect(hospital[0]?.region.code).toBe('25');
    expect(hospital.at(-1)?.region.code).toBe('12');
  });

  it('counts regions per system in the legend, the most used first', () => {
    expect(legendFor(tilesFor(REGISTRY, 'idag', 'sjukhus')).map((e) => [e.system.id, e.regions])).toEqual([
      ['cosmic', 8],
      ['ncs-cross', 5],
      ['melior', 3],
      ['takecare', 3],
      ['vas', 2],
    ]);
    // Seed line 68: Cosmic "kommer att införas i ytterligare nio regioner" (8 + 9 = 17).
    expect(legendFor(tilesFor(REGISTRY, 'planerat', 'sjukhus')).map((e) => [e.system.id, e.regions])).toEqual([
      ['cosmic', 17],
      ['millennium', 2],
      ['takecare', 2],
    ]);
  });

  it('knows Stockholm and Gotland as undecided from the line of the seed that says so', () => {
    expect(seedLines(UNDECIDED.source.document)[UNDECIDED.source.line - 1]).toContain(UNDECIDED.source.quote);
    expect(REGISTRY.filter((r) => planStatus(r) === 'undecided').map((r) => r.name)).toEqual(['Region Stockholm', 'Region Gotland']);
    for (const code of UNDECIDED.codes) expect(REGIONS.find((r) => r.code === code)?.planned).toBeNull();
  });

  it('cites the seed row while the registry agrees with it, and not after an operator changed it', () => {
    const skane = REGISTRY.find((r) => r.code === '12')!;
    expect(regionSeedSource(skane)).toMatchObject({ line: 39, quote: '|Region Skåne|PMO|Melior|Millenium|' });
    expect(regionSeedSource({ ...skane, planned: null })).toBeNull();
    expect(regionSeedSource({ ...skane, code: '99' })).toBeNull();
  });

  it('lists the regions of a system per care level', () => {
    const melior = systemUse(REGISTRY, 'melior');
    expect(melior.primary).toEqual([]);
    expect(melior.hospital.map((r) => r.code)).toEqual(['21', '12', '14']);
    expect(systemUse(REGISTRY, 'millennium').planned.map((r) => r.name)).toEqual(['Region Skåne', 'Västra Götalandsregionen']);
  });
});
