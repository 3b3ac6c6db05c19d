import { describe, expect, it } from 'vitest';
import { REGIONS } from '../domain/regions.js';
import { collectSeedSources, seedLines } from '../testing/seeds.js';
import { DEFAULT_POLICIES, defaultPolicy } from './defaults.js';

describe('default disclosure policies (seed 002, "Vårdgivarens bedömning")', () => {
  it('has one policy per region', () => {
    expect(DEFAULT_POLICIES.map((p) => p.regionCode)).toEqual(REGIONS.map((r) => r.code));
  });

  it('quotes every clause verbatim from the line it cites', () => {
    const sources = collectSeedSources(DEFAULT_POLICIES);
    expect(sources.length).toBeGreaterThan(80);
    for (const { path, source } of sources) {
      const line = seedLines(source.document)[source.line - 1];
      expect(line, `${path} cites ${source.document}:${source.line}`).toContain(source.quote);
    }
  });

  it("starts each region's assessment at its county heading in the seed", () => {
    for (const p of DEFAULT_POLICIES) {
      const county = REGIONS.find((r) => r.code === p.regionCode)!.countyName;
      expect(p.assessmentSource[0]?.quote).toBe(county);
      expect(seedLines(p.assessmentSource[0]!.document)[p.assessmentSource[0]!.line - 1]?.trim()).toBe(county);
    }
  });

  it('marks the regions the seed is silent about, and uses the national framework there', () => {
    const silent = DEFAULT_POLICIES.filter((p) => p.assessment === 'silent').map((p) => p.regionCode);
    expect(silent.sort()).toEqual(['06', '22']); // Jönköping, Västernorrland
    for (const code of silent) {
      const p = defaultPolicy(code);
      expect(p.radrum).toMatchObject({ kind: 'none', basis: { kind: 'nationalFramework', principle: 'availableDirectly' } });
      expect(p.unsignedNotes).toMatchObject({ kind: 'immediately', basis: { kind: 'nationalFramework' } });
      expect(p.results.labResult.basis.kind).toBe('nationalFramework');
    }
  });

  it('cites the "ingen information" lines where the national default fills a gap', () => {
    expect(defaultPolicy('21').results.labResult.basis).toMatchObject({ kind: 'nationalFramework', sources: [{ line: 285 }] });
    expect(defaultPolicy('08').radrum.basis).toMatchObject({ kind: 'nationalFramework', sources: [{ line: 317 }] });
  });
});
