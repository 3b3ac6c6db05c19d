import { SEED_SYSTEMS, seed, type SeedSource } from './seed-source.js';

/**
 * The EHR systems catalogue, from "Journalsystem i Sverige 2021" (seed 000). The seed spells
 * Cerner's product "Millenium"; the product is Millennium, so the id and name use the right
 * spelling and the quote keeps the seed's.
 */

export const EHR_SYSTEM_IDS = [
  'cosmic',
  'melior',
  'millennium',
  'ncs-cross',
  'pmo',
  'takecare',
  'asynjavisph',
  'vas',
] as const;

export type EhrSystemId = (typeof EHR_SYSTEM_IDS)[number];

export type CareLevel = 'primary' | 'hospital';

export interface EhrSystem {
  readonly id: EhrSystemId;
  readonly name: string;
  readonly fullName?: string;
  readonly vendor: string;
  /** Care levels the seed gives for the system; empty where the seed says nothing. */
  readonly careLevels: readonly CareLevel[];
  /** Extra words on care level, in Swedish as in the seed. */
  readonly careLevelNote?: string;
  /** Regions the seed says use it (region codes are derived from the region table, not here). */
  readonly usedIn: string;
  /** Short history, Swedish, as in the seed. */
  readonly history?: string;
  /** AsynjaVisph is TakeCare under another name ("Se TakeCare"). */
  readonly sameAs?: EhrSystemId;
  readonly sources: readonly SeedSource[];
}

export const EHR_SYSTEMS: readonly EhrSystem[] = [
  {
    id: 'asynjavisph',
    name: 'AsynjaVisph',
    vendor: 'CompuGroup Medical',
    careLevels: ['primary'],
    careLevelNote: 'i VGR bara i primärvård',
    usedIn: 'Västra Götaland',
    sameAs: 'takecare',
    sources: [
      seed(SEED_SYSTEMS, 60, '### AsynjaVisph {#av}'),
      seed(SEED_SYSTEMS, 61, 'Se TakeCare.'),
      seed(SEED_SYSTEMS, 91, '### TakeCare/AsynjaVisph {#tc}'),
      seed(SEED_SYSTEMS, 92, '**Leverantör:** CompuGroup Medical'),
      seed(SEED_SYSTEMS, 93, '(i VGR bara i primärvård)'),
    ],
  },
  {
    id: 'cosmic',
    name: 'Cosmic',
    vendor: 'Cambio',
    careLevels: ['primary', 'hospital'],
    usedIn: 'Jämtland Härjedalen, Jönköpings län, Kalmar län, Kronoberg, Uppsala, Värmland, Västmanland, Östergötland',
    history:
      'Modulbaserat journalsystem, där de olika modulerna kan installeras oberoende av varandra. Kommer att införas i ytterligare nio regioner.',
    sources: [
      seed(SEED_SYSTEMS, 63, '### Cosmic {#cosmic}'),
      seed(SEED_SYSTEMS, 64, '**Leverantör:** Cambio'),
      seed(SEED_SYSTEMS, 65, '**Vårdnivå:** Primärvård/sjukhus'),
      seed(SEED_SYSTEMS, 66, '**Används i:** Jämtland Härjedalen, Jönköpings län, Kalmar län, Kronoberg, Uppsala, Värmland, Västmanland, Östergötland'),
      seed(SEED_SYSTEMS, 68, 'Modulbaserat journalsystem'),
    ],
  },
  {
    id: 'melior',
    name: 'Melior',
    vendor: 'Cerner',
    careLevels: ['hospital'],
    usedIn: 'Gävleborg, Skåne, Västra Götaland',
    history:
      'Infördes på 90-talet med Siemens som leverantör. 2015 köptes Siemens Health Services upp av Cerner, som har fortsatt att förvalta lösningen.',
    sources: [
      seed(SEED_SYSTEMS, 69, '### Melior {#melior}'),
      seed(SEED_SYSTEMS, 70, '**Leverantör:** Cerner'),
      seed(SEED_SYSTEMS, 71, '**Vårdnivå:** Sjukhus'),
      seed(SEED_SYSTEMS, 72, '**Används i:** Gävleborg, Skåne, Västra Götaland'),
      seed(SEED_SYSTEMS, 74, 'Infördes på 90-talet med Siemens som leverantör.'),
    ],
  },
  {
    id: 'millennium',
    name: 'Millennium',
    vendor: 'Cerner',
    careLevels: ['primary', 'hospital'],
    usedIn: 'Planerat att införas i Skåne och Västra Götalandsregionen',
    history:
      'Amerikanska Millenium introducerades 1997. Det är planerat att systemet ska bli en gemensam lösning för primär- och sjukhusvård i Region Skåne och Västra Götalandsregionen.',
    sources: [
      seed(SEED_SYSTEMS, 75, '### Millenium {#millenium}'),
      seed(SEED_SYSTEMS, 76, '**Leverantör:** Cerner'),
      seed(SEED_SYSTEMS, 77, '**Vårdnivå:** Primärvård/sjukhus'),
      seed(SEED_SYSTEMS, 78, '**Används i:** Planerat att införas i Skåne och Västra Götalandsregionen'),
      seed(SEED_SYSTEMS, 80, 'Amerikanska Millenium introducerades 1997.'),
    ],
  },
  {
    id: 'ncs-cross',
    name: 'NCS Cross',
    vendor: 'Evry',
    careLevels: ['primary', 'hospital'],
    usedIn: 'Blekinge, Sörmland, Västerbotten, Västernorrland, Örebro län',
    history:
      'NCS Cross (tidigare SysTeamCross) utvecklades ursprungligen av IBM och Landstinget Sörmland. Sussa samverkan (strategisk utveckling av sjukvårdsstödjande applikationer) är ett samarbete mellan fem regioner som började 1990-talet, bland annat för att förvalta NCS Cross.',
    sources: [
      seed(SEED_SYSTEMS, 81, '### NCS Cross {#ncs}'),
      seed(SEED_SYSTEMS, 82, '**Leverantör:** Evry'),
      seed(SEED_SYSTEMS, 83, '**Vårdnivå:** Primärvård/sjukhus'),
      seed(SEED_SYSTEMS, 84, '**Används i:** Blekinge, Sörmland, Västerbotten, Västernorrland, Örebro län'),
      seed(SEED_SYSTEMS, 86, 'NCS Cross (tidigare SysTeamCross) utvecklades ursprungligen av IBM och Landstinget Sörmland.'),
    ],
  },
  {
    id: 'pmo',
    name: 'PMO',
    fullName: 'Profdoc Medical Office',
    vendor: 'CompuGroup Medical',
    careLevels: ['primary'],
    usedIn: 'Gävleborg, Skåne',
    sources: [
      seed(SEED_SYSTEMS, 87, '### Profdoc Medical Office (PMO) {#pmo}'),
      seed(SEED_SYSTEMS, 88, '**Leverantör:** CompuGroup Medical'),
      seed(SEED_SYSTEMS, 89, '**Vårdnivå:** Primärvård'),
      seed(SEED_SYSTEMS, 90, '**Används i:** Gävleborg, Skåne'),
    ],
  },
  {
    id: 'takecare',
    name: 'TakeCare',
    vendor: 'CompuGroup Medical',
    careLevels: ['primary', 'hospital'],
    careLevelNote: 'i VGR bara i primärvård',
    usedIn: 'Dalarna, Gotland, Stockholm, Västra Götaland',
    sources: [
      seed(SEED_SYSTEMS, 91, '### TakeCare/AsynjaVisph {#tc}'),
      seed(SEED_SYSTEMS, 92, '**Leverantör:** CompuGroup Medical'),
      seed(SEED_SYSTEMS, 93, '**Vårdnivå:** Primärvård/sjukhus (i VGR bara i primärvård)'),
      seed(SEED_SYSTEMS, 94, '**Används i:** Dalarna, Gotland, Stockholm, Västra Götaland'),
    ],
  },
  {
    id: 'vas',
    name: 'VAS',
    fullName: 'VårdAdministrativt System',
    vendor: 'Region Norrbotten och Region Halland',
    careLevels: [],
    usedIn: 'Halland, Norrbotten',
    history: 'VAS utvecklades under 80-talet av Norrbottens Läns Landsting.',
    sources: [
      seed(SEED_SYSTEMS, 95, '### VårdAdministrativt System (VAS) {#vas}'),
      seed(SEED_SYSTEMS, 96, '**Leverantör:** Region Norrbotten och Region Halland'),
      seed(SEED_SYSTEMS, 97, '**Används i:** Halland, Norrbotten'),
      seed(SEED_SYSTEMS, 99, 'VAS utvecklades under 80-talet av Norrbottens Läns Landsting.'),
    ],
  },
];

const byId = new Map(EHR_SYSTEMS.map((s) => [s.id, s]));

export function ehrSystem(id: EhrSystemId): EhrSystem {
  const system = byId.get(id);
  if (!system) throw new Error(`EHR system ${id} missing from the catalogue`);
  return system;
}
