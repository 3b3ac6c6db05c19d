import { CONTRACT_VERSIONS } from '../contracts/registry.js';
import { SIMULATOR_SYSTEM_IDS } from '../simulators/care-units.js';
import type { Population } from '../simulators/population.js';
import { TOLVAN } from '../simulators/population.js';

/**
 * Test residents for running the conformance suite against our simulators (tests and the demo
 * only: the suite itself defaults to the national test persons). Tolvan, who has care in every
 * system, and up to seven more residents of the population, chosen so that together they have
 * records in as many (system, contract) pairs as possible.
 */
export function simulatorTestPatients(population: Population, now: Date, candidates = 300, max = 8): string[] {
  const infoTypes = [...new Set(CONTRACT_VERSIONS.map((c) => c.infoType))];
  const pairs = (personnummer: string) =>
    new Set(
      SIMULATOR_SYSTEM_IDS.flatMap((system) => {
        const held = population.itemsFor(personnummer, system).filter((i) => i.time.getTime() <= now.getTime());
        return infoTypes.filter((t) => held.some((i) => i.infoType === t)).map((t) => `${system}/${t}`);
      }),
    );
  const pool = Array.from({ length: Math.min(population.size, candidates) }, (_, i) => population.residentAt(i).personnummer).map((p) => ({ p, covers: pairs(p) }));
  const chosen = [TOLVAN];
  const covered = new Set(pool.find((c) => c.p === TOLVAN)?.covers ?? []);
  while (chosen.length < max) {
    let best: { p: string; gain: number } | undefined;
    for (const c of pool) {
      const gain = [...c.covers].filter((k) => !covered.has(k)).length;
      if (gain > (best?.gain ?? 0)) best = { p: c.p, gain };
    }
    if (!best) break;
    chosen.push(best.p);
    for (const k of pool.find((c) => c.p === best.p)!.covers) covered.add(k);
  }
  return chosen;
}

/** What the conformance suite's own tests use of the simulators, through src/testing (only it, src/demo and main.ts import src/simulators). */
export { createPopulation, TOLVAN } from '../simulators/population.js';
export { startSimulators, type RunningSimulators, type SimulatorFault } from '../simulators/server.js';
