import type { EhrSystemId } from './ehr-systems.js';
import { SEED_SYSTEMS, seed, type SeedSource } from './seed-source.js';

/**
 * The 21 regions with their EHR systems today and as planned (seed 000, the table on lines
 * 27-49). The SCB county codes (länskoder) are not in the seed; they are Statistics Sweden's
 * standard codes, which is how the service and the CLI name a region.
 */

export const REGION_CODES = [
  '01', '03', '04', '05', '06', '07', '08', '09', '10', '12', '13',
  '14', '17', '18', '19', '20', '21', '22', '23', '24', '25',
] as const;

export type RegionCode = (typeof REGION_CODES)[number];

export const isRegionCode = (value: unknown): value is RegionCode =>
  typeof value === 'string' && (REGION_CODES as readonly string[]).includes(value);

export interface Region {
  readonly code: RegionCode;
  /** The organisation's name, as in the seed's table. */
  readonly name: string;
  /** The county's name as seed 002 uses it ("Blekinge län"), the key of its disclosure assessment. */
  readonly countyName: string;
  readonly primaryCare: EhrSystemId;
  readonly hospitalCare: EhrSystemId;
  /** The planned system, or null where the seed says "-" (no decision). */
  readonly planned: EhrSystemId | null;
  readonly source: SeedSource;
}

type Row = [RegionCode, string, string, EhrSystemId, EhrSystemId, EhrSystemId | null, number, string];

// code, name, county, primary, hospital, planned, seed line, verbatim table row
const ROWS: readonly Row[] = [
  ['10', 'Region Blekinge', 'Blekinge län', 'ncs-cross', 'ncs-cross', 'cosmic', 29, '|Region Blekinge|NCS Cross|NCS Cross|Cosmic|'],
  ['20', 'Region Dalarna', 'Dalarnas län', 'takecare', 'takecare', 'cosmic', 30, '|Region Dalarna|TakeCare|TakeCare|Cosmic|'],
  ['09', 'Region Gotland', 'Gotlands län', 'takecare', 'takecare', null, 31, '|Region Gotland|TakeCare|TakeCare|-|'],
  ['21', 'Region Gävleborg', 'Gävleborgs län', 'pmo', 'melior', 'cosmic', 32, '|Region Gävleborg|PMO|Melior|Cosmic|'],
  ['13', 'Region Halland', 'Hallands län', 'vas', 'vas', 'cosmic', 33, '|Region Halland|VAS|VAS|Cosmic|'],
  ['23', 'Region Jämtland Härjedalen', 'Jämtlands län', 'cosmic', 'cosmic', null, 34, '|Region Jämtland Härjedalen|Cosmic|Cosmic|-|'],
  ['06', 'Region Jönköpings län', 'Jönköpings län', 'cosmic', 'cosmic', null, 35, '|Region Jönköpings län|Cosmic|Cosmic|-|'],
  ['08', 'Region Kalmar län', 'Kalmar län', 'cosmic', 'cosmic', null, 36, '|Region Kalmar län|Cosmic|Cosmic|-|'],
  ['07', 'Region Kronoberg', 'Kronobergs län', 'cosmic', 'cosmic', null, 37, '|Region Kronoberg|Cosmic|Cosmic|-|'],
  ['25', 'Region Norrbotten', 'Norrbottens län', 'vas', 'vas', 'cosmic', 38, '|Region Norrbotten|VAS|VAS|Cosmic|'],
  ['12', 'Region Skåne', 'Skåne län', 'pmo', 'melior', 'millennium', 39, '|Region Skåne|PMO|Melior|Millenium|'],
  ['01', 'Region Stockholm', 'Stockholms län', 'takecare', 'takecare', null, 40, '|Region Stockholm|TakeCare|TakeCare|-|'],
  ['04', 'Region Sörmland', 'Södermanlands län', 'ncs-cross', 'ncs-cross', 'cosmic', 41, '|Region Sörmland|NCS Cross|NCS Cross|Cosmic|'],
  ['03', 'Region Uppsala', 'Uppsala län', 'cosmic', 'cosmic', null, 42, '|Region Uppsala|Cosmic|Cosmic|-|'],
  ['17', 'Region Värmland', 'Värmlands län', 'cosmic', 'cosmic', null, 43, '|Region Värmland|Cosmic|Cosmic|-|'],
  ['24', 'Region Västerbotten', 'Västerbottens län', 'ncs-cross', 'ncs-cross', 'cosmic', 44, '|Region Västerbotten|NCS Cross|NCS Cross|Cosmic|'],
  ['22', 'Region Västernorrland', 'Västernorrlands län', 'ncs-cross', 'ncs-cross', 'cosmic', 45, '|Region Västernorrland|NCS Cross|NCS Cross|Cosmic|'],
  ['19', 'Region Västmanland', 'Västmanlands län', 'cosmic', 'cosmic', null, 46, '|Region Västmanland|Cosmic|Cosmic|-|'],
  ['18', 'Region Örebro län', 'Örebro län', 'ncs-cross', 'ncs-cross', 'cosmic', 47, '|Region Örebro län|NCS Cross|NCS Cross|Cosmic|'],
  ['05', 'Region Östergötland', 'Östergötlands län', 'cosmic', 'cosmic', null, 48, '|Region Östergötland|Cosmic|Cosmic|-|'],
  ['14', 'Västra Götalandsregionen', 'Västra Götalands län', 'asynjavisph', 'melior', 'millennium', 49, '|Västra Götalandsregionen|AsynjaVisph|Melior|Millenium|'],
];

/** Ordered by county code, as Statistics Sweden lists them. */
export const REGIONS: readonly Region[] = ROWS.map(
  ([code, name, countyName, primaryCare, hospitalCare, planned, line, quote]): Region => ({
    code,
    name,
    countyName,
    primaryCare,
    hospitalCare,
    planned,
    source: seed(SEED_SYSTEMS, line, quote),
  }),
).sort((a, b) => a.code.localeCompare(b.code));

const byCode = new Map(REGIONS.map((r) => [r.code, r]));

export function region(code: RegionCode): Region {
  const found = byCode.get(code);
  if (!found) throw new Error(`region ${code} missing from the reference data`);
  return found;
}

export function findRegion(code: string): Region | undefined {
  return byCode.get(code as RegionCode);
}
