import type { EhrSystemId } from '../domain/ehr-systems.js';
import type { InfoType, RecordItem } from '../domain/record.js';
import { simulatorSystemOf, SIMULATOR_SYSTEM_IDS, type SimulatorSystemId } from './care-units.js';
import type { Seed } from './random.js';
import { RecordGenerator, type CareSite } from './records.js';
import { Register, SPECIAL_INDEXES, type Resident, type SpecialCase } from './residents.js';

/**
 * The synthetic population the source-system simulators serve: residents and their records,
 * computed on demand from (seed, index) and never held in memory all at once, so a population of
 * hundreds of thousands costs what a few hundred do. The same seed, size and `now` give the same
 * residents and items on every run.
 */

export { MAX_POPULATION_SIZE, SPECIAL_INDEXES, TOLVAN } from './residents.js';
export type { Resident, Role, SpecialCase } from './residents.js';
export type { CareSite, CareSiteLevel } from './records.js';

export const DEFAULT_POPULATION_SIZE = 300;
export const DEFAULT_SEED = 'journalen';

export interface PopulationOptions {
  readonly seed?: Seed;
  /** Number of residents, 1 to MAX_POPULATION_SIZE (365 000). */
  readonly size?: number;
  /**
   * The end of the record: items are spread over ten years up to this instant, with some in the
   * last 14 days. Ages and so the birth years of identity numbers are counted from 1 January of
   * its year. Default: the current time (pass one for reproducible output).
   */
  readonly now?: Date;
}

export interface Population {
  readonly seed: Seed;
  readonly size: number;
  readonly now: Date;
  residentAt(index: number): Resident;
  /** A personnummer or samordningsnummer, 12 digits without separator; undefined if not in the population. */
  residentByPersonnummer(personnummer: string): Resident | undefined;
  /** Every resident in index order, generated one at a time. */
  residents(): IterableIterator<Resident>;
  /** The special residents by case (Tolvan, guardians, children of each age band, ...). */
  special(which: SpecialCase): Resident;
  /** Where the resident has had care (region, care level, system). */
  careSitesOf(personnummer: string): CareSite[];
  /** The simulators holding something about the resident. */
  systemsOf(personnummer: string): SimulatorSystemId[];
  /** Items a system holds about the resident (all info types, or one), oldest first; [] for an unknown number. */
  itemsFor(personnummer: string, system: EhrSystemId, infoType?: InfoType): RecordItem[];
  // Register facts for the access layer.
  guardiansOf(personnummer: string): string[];
  childrenOf(personnummer: string): string[];
  hasProtectedIdentity(personnummer: string): boolean;
  /** YYYY-MM-DD, or undefined for the living (and for unknown numbers). */
  deceasedOn(personnummer: string): string | undefined;
}

// Recently generated (resident, system) records: a login asks one system for every contract in
// turn, and each answer would otherwise regenerate the same items.
const CACHE_ENTRIES = 256;

export function createPopulation(options: PopulationOptions = {}): Population {
  const seed = options.seed ?? DEFAULT_SEED;
  const size = options.size ?? DEFAULT_POPULATION_SIZE;
  const now = new Date((options.now ?? new Date()).getTime());
  const register = new Register(seed, size, now);
  const records = new RecordGenerator(seed, now);
  const cache = new Map<string, RecordItem[]>();

  const byNumber = (personnummer: string): Resident | undefined => {
    const index = register.indexOf(personnummer);
    return index === undefined ? undefined : register.resident(index);
  };

  const systemItems = (resident: Resident, system: SimulatorSystemId): RecordItem[] => {
    const key = `${resident.index}|${system}`;
    let items = cache.get(key);
    if (items) {
      cache.delete(key);
    } else {
      items = records.items(resident, system);
      if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    }
    cache.set(key, items);
    return items;
  };

  return {
    seed,
    size,
    now,
    residentAt: (index) => register.resident(index),
    residentByPersonnummer: byNumber,
    *residents() {
      for (let i = 0; i < size; i++) yield register.resident(i);
    },
    special: (which) => register.resident(SPECIAL_INDEXES[which]),
    careSitesOf: (personnummer) => {
      const resident = byNumber(personnummer);
      return resident ? records.careSites(resident) : [];
    },
    systemsOf: (personnummer) => {
      const resident = byNumber(personnummer);
      if (!resident) return [];
      const held = new Set(records.careSites(resident).map((s) => s.system));
      return SIMULATOR_SYSTEM_IDS.filter((s) => held.has(s));
    },
    itemsFor: (personnummer, system, infoType) => {
      const resident = byNumber(personnummer);
      if (!resident) return [];
      const items = systemItems(resident, simulatorSystemOf(system));
      return infoType === undefined ? [...items] : items.filter((i) => i.infoType === infoType);
    },
    guardiansOf: (personnummer) => [...(byNumber(personnummer)?.guardians ?? [])],
    childrenOf: (personnummer) => [...(byNumber(personnummer)?.children ?? [])],
    hasProtectedIdentity: (personnummer) => byNumber(personnummer)?.protectedIdentity ?? false,
    deceasedOn: (personnummer) => byNumber(personnummer)?.deceasedOn,
  };
}
