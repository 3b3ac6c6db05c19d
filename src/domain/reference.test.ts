import { describe, expect, it } from 'vitest';
import { collectSeedSources, seedLines } from '../testing/seeds.js';
import { EHR_SYSTEMS, EHR_SYSTEM_IDS, ehrSystem } from './ehr-systems.js';
import { REGIONS, REGION_CODES, findRegion, region } from './regions.js';

describe('reference data from seed 000 (Journalsystem i Sverige 2021)', () => {
  it('quotes every value verbatim from the line it cites', () => {
    const sources = collectSeedSources({ REGIONS, EHR_SYSTEMS });
    expect(sources.length).toBeGreaterThan(21 + 8);
    for (const { path, source } of sources) {
      const line = seedLines(source.document)[source.line - 1];
      expect(line, `${path} cites ${source.document}:${source.line}`).toContain(source.quote);
    }
  });

  it('has the 21 regions, one per county code, each with its table row', () => {
    expect(REGIONS.map((r) => r.code)).toEqual([...REGION_CODES]);
    const table = seedLines('000_4ce2af865df94af0.txt').slice(28, 49);
    expect(table).toHaveLength(21);
    expect(new Set(REGIONS.map((r) => r.source.line))).toEqual(new Set(table.map((_, i) => 29 + i)));
  });

  it('names the systems of each row as the table does', () => {
    for (const r of REGIONS) {
      const [, name, primary, hospital, planned] = r.source.quote.split('|');
      expect(r.name).toBe(name);
      const seedName = (id: string) => (id === 'millennium' ? 'Millenium' : ehrSystem(id as never).name);
      expect(seedName(r.primaryCare)).toBe(primary);
      expect(seedName(r.hospitalCare)).toBe(hospital);
      expect(r.planned === null ? '-' : seedName(r.planned)).toBe(planned);
    }
  });

  it('knows Skåne, Gotland and Västra Götaland as the seed describes them', () => {
    expect(region('12')).toMatchObject({ name: 'Region Skåne', primaryCare: 'pmo', hospitalCare: 'melior', planned: 'millennium' });
    expect(region('09').planned).toBeNull();
    expect(region('14')).toMatchObject({ primaryCare: 'asynjavisph', hospitalCare: 'melior' });
    expect(findRegion('02')).toBeUndefined();
  });

  it('has every system a region uses in the catalogue, and nothing unused but the planned Millennium', () => {
    expect(EHR_SYSTEMS.map((s) => s.id).sort()).toEqual([...EHR_SYSTEM_IDS].sort());
    const used = new Set(REGIONS.flatMap((r) => [r.primaryCare, r.hospitalCare, r.planned]));
    for (const s of EHR_SYSTEMS) expect(used.has(s.id), s.id).toBe(true);
    expect(ehrSystem('asynjavisph').sameAs).toBe('takecare');
  });
});
