import type { CareLevel, EhrSystemId } from '../domain/ehr-systems.js';
import { luhnCheckDigit } from '../domain/identifiers/index.js';
import { REGIONS, region, type Region, type RegionCode } from '../domain/regions.js';
import { hash32 } from './random.js';

/**
 * Care givers (the 21 regions) and their care units, for the simulated source systems. Hospital
 * and town names are real places; every HSA-id and organisation number here is synthetic. The
 * organisation numbers follow the regions' pattern (232100-0NNC, county code NN, Luhn digit C);
 * Region Stockholm's comes out as 232100-0016, the number the RIV-TA examples use, the others do
 * not belong to the regions. Units do not depend on the population seed, so their ids stay put.
 */

/** The systems that run a simulator: AsynjaVisph is TakeCare under another name, served by TakeCare's. */
export type SimulatorSystemId = Exclude<EhrSystemId, 'asynjavisph'>;

export const SIMULATOR_SYSTEM_IDS: readonly SimulatorSystemId[] = ['cosmic', 'melior', 'millennium', 'ncs-cross', 'pmo', 'takecare', 'vas'];

export const simulatorSystemOf = (system: EhrSystemId): SimulatorSystemId => (system === 'asynjavisph' ? 'takecare' : system);

/**
 * Each simulator's source-system HSA-id (its logical address). Synthetic, in the zero-padded
 * style of the national platform's test material (SE0000000003-1234), so they cannot clash with a
 * real organisation.
 */
export const SOURCE_SYSTEM_HSA_IDS: Readonly<Record<SimulatorSystemId, string>> = {
  cosmic: 'SE0000000001-COSMIC',
  melior: 'SE0000000002-MELIOR',
  millennium: 'SE0000000003-MILLENNIUM',
  'ncs-cross': 'SE0000000004-NCSCROSS',
  pmo: 'SE0000000005-PMO',
  takecare: 'SE0000000006-TAKECARE',
  vas: 'SE0000000007-VAS',
};

/** What kind of unit; decides the episodes it documents. */
export type UnitKind =
  | 'vc'
  | 'bvc'
  | 'medicine'
  | 'medicineWard'
  | 'emergency'
  | 'surgery'
  | 'orthopedics'
  | 'pediatrics'
  | 'gynecology'
  | 'psychiatry'
  | 'psychiatryWard'
  | 'radiology'
  | 'laboratory'
  | 'physiology'
  | 'dermatology'
  | 'ophthalmology';

/** Specialty as the disclosure rules name it (`psychiatry` matters; the rest are descriptive). */
const SPECIALTY: Readonly<Record<UnitKind, string>> = {
  vc: 'general-practice',
  bvc: 'child-health',
  medicine: 'internal-medicine',
  medicineWard: 'internal-medicine',
  emergency: 'emergency-medicine',
  surgery: 'surgery',
  orthopedics: 'orthopedics',
  pediatrics: 'pediatrics',
  gynecology: 'obstetrics-gynecology',
  psychiatry: 'psychiatry',
  psychiatryWard: 'psychiatry',
  radiology: 'radiology',
  laboratory: 'clinical-chemistry',
  physiology: 'clinical-physiology',
  dermatology: 'dermatology',
  ophthalmology: 'ophthalmology',
};

export interface CareGiver {
  readonly regionCode: RegionCode;
  readonly hsaId: string;
  readonly name: string;
  /** Synthetic organisation number, 10 digits. */
  readonly organisationNumber: string;
}

export interface CareUnit {
  readonly hsaId: string;
  readonly name: string;
  readonly regionCode: RegionCode;
  /** The simulator whose records this unit writes in. */
  readonly system: SimulatorSystemId;
  readonly level: CareLevel;
  readonly kind: UnitKind;
  readonly specialty: string;
  /** A ward (slutenvård); notes written there are inpatient notes. */
  readonly inpatient: boolean;
  /** The hospital it belongs to (hospital units). */
  readonly hospital?: string;
}

/** Towns with a health centre, and hospitals, per region (the first hospital is the largest). */
const PLACES: Readonly<Record<RegionCode, { readonly towns: readonly string[]; readonly hospitals: readonly string[] }>> = {
  '01': { towns: ['Farsta', 'Rinkeby', 'Solna', 'Södertälje', 'Norrtälje', 'Täby'], hospitals: ['Karolinska Universitetssjukhuset', 'Södersjukhuset', 'Danderyds sjukhus'] },
  '03': { towns: ['Gottsunda', 'Enköping', 'Tierp', 'Östhammar'], hospitals: ['Akademiska sjukhuset', 'Lasarettet i Enköping'] },
  '04': { towns: ['Eskilstuna', 'Nyköping', 'Katrineholm', 'Strängnäs'], hospitals: ['Mälarsjukhuset', 'Nyköpings lasarett'] },
  '05': { towns: ['Linköping', 'Norrköping', 'Motala', 'Mjölby'], hospitals: ['Universitetssjukhuset i Linköping', 'Vrinnevisjukhuset'] },
  '06': { towns: ['Jönköping', 'Nässjö', 'Värnamo', 'Gislaved'], hospitals: ['Länssjukhuset Ryhov', 'Höglandssjukhuset'] },
  '07': { towns: ['Växjö', 'Ljungby', 'Älmhult', 'Alvesta'], hospitals: ['Centrallasarettet Växjö', 'Ljungby lasarett'] },
  '08': { towns: ['Kalmar', 'Västervik', 'Oskarshamn', 'Nybro'], hospitals: ['Länssjukhuset i Kalmar', 'Västerviks sjukhus'] },
  '09': { towns: ['Visby', 'Hemse', 'Slite', 'Klintehamn'], hospitals: ['Visby lasarett'] },
  '10': { towns: ['Karlskrona', 'Ronneby', 'Karlshamn', 'Sölvesborg'], hospitals: ['Blekingesjukhuset'] },
  '12': { towns: ['Malmö', 'Lund', 'Helsingborg', 'Kristianstad', 'Ystad'], hospitals: ['Skånes universitetssjukhus', 'Helsingborgs lasarett', 'Centralsjukhuset Kristianstad'] },
  '13': { towns: ['Halmstad', 'Varberg', 'Falkenberg', 'Kungsbacka'], hospitals: ['Hallands sjukhus Halmstad', 'Hallands sjukhus Varberg'] },
  '14': { towns: ['Majorna', 'Borås', 'Skövde', 'Trollhättan', 'Uddevalla'], hospitals: ['Sahlgrenska Universitetssjukhuset', 'Södra Älvsborgs sjukhus', 'Skaraborgs sjukhus'] },
  '17': { towns: ['Karlstad', 'Arvika', 'Kristinehamn', 'Torsby'], hospitals: ['Centralsjukhuset Karlstad', 'Arvika sjukhus'] },
  '18': { towns: ['Örebro', 'Karlskoga', 'Lindesberg', 'Kumla'], hospitals: ['Universitetssjukhuset Örebro', 'Karlskoga lasarett'] },
  '19': { towns: ['Västerås', 'Köping', 'Sala', 'Fagersta'], hospitals: ['Västmanlands sjukhus Västerås', 'Västmanlands sjukhus Köping'] },
  '20': { towns: ['Falun', 'Borlänge', 'Mora', 'Ludvika'], hospitals: ['Falu lasarett', 'Mora lasarett'] },
  '21': { towns: ['Gävle', 'Sandviken', 'Hudiksvall', 'Bollnäs'], hospitals: ['Gävle sjukhus', 'Hudiksvalls sjukhus'] },
  '22': { towns: ['Sundsvall', 'Härnösand', 'Örnsköldsvik', 'Kramfors'], hospitals: ['Sundsvalls sjukhus', 'Örnsköldsviks sjukhus'] },
  '23': { towns: ['Östersund', 'Strömsund', 'Sveg', 'Järpen'], hospitals: ['Östersunds sjukhus'] },
  '24': { towns: ['Umeå', 'Skellefteå', 'Lycksele', 'Vilhelmina'], hospitals: ['Norrlands universitetssjukhus', 'Skellefteå lasarett'] },
  '25': { towns: ['Luleå', 'Piteå', 'Kiruna', 'Gällivare'], hospitals: ['Sunderby sjukhus', 'Gällivare sjukhus'] },
};

export function organisationNumberOf(code: RegionCode): string {
  const nine = `2321000${code}`;
  return `${nine}${luhnCheckDigit(nine)}`;
}

const BASE36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A 4-character local part, opaque like real ones (SE2321000016-15CQ), stable for a name. */
function localPart(key: string, taken: Set<string>): string {
  for (let attempt = 0; ; attempt++) {
    let h = hash32(`${key}#${attempt}`);
    let local = '';
    for (let i = 0; i < 4; i++) {
      local += BASE36[h % 36];
      h = Math.floor(h / 36);
    }
    if (!taken.has(local)) {
      taken.add(local);
      return local;
    }
  }
}

interface UnitSpec {
  readonly name: string;
  readonly kind: UnitKind;
  readonly hospital?: string;
}

function primaryUnits(towns: readonly string[]): UnitSpec[] {
  return [
    ...towns.map((town) => ({ name: `Vårdcentralen ${town}`, kind: 'vc' as const })),
    ...towns.slice(0, 2).map((town) => ({ name: `Barnavårdscentralen ${town}`, kind: 'bvc' as const })),
  ];
}

function hospitalUnits(hospital: string, main: boolean): UnitSpec[] {
  const units: UnitSpec[] = [
    { name: `Akutmottagningen, ${hospital}`, kind: 'emergency' },
    { name: `Medicinkliniken, ${hospital}`, kind: 'medicine' },
    { name: `Medicinavdelning 3, ${hospital}`, kind: 'medicineWard' },
    { name: `Ortopedkliniken, ${hospital}`, kind: 'orthopedics' },
    { name: `Röntgenkliniken, ${hospital}`, kind: 'radiology' },
    { name: `Klinisk kemi, ${hospital}`, kind: 'laboratory' },
  ];
  if (main) {
    units.push(
      { name: `Kirurgkliniken, ${hospital}`, kind: 'surgery' },
      { name: `Barnmottagningen, ${hospital}`, kind: 'pediatrics' },
      { name: `Kvinnokliniken, ${hospital}`, kind: 'gynecology' },
      { name: `Psykiatriska mottagningen, ${hospital}`, kind: 'psychiatry' },
      { name: `Psykiatriska kliniken, avdelning 12, ${hospital}`, kind: 'psychiatryWard' },
      { name: `Klinisk fysiologi, ${hospital}`, kind: 'physiology' },
    );
  }
  return units;
}

function buildCareGivers(): Map<RegionCode, CareGiver> {
  return new Map(
    REGIONS.map((r) => {
      const organisationNumber = organisationNumberOf(r.code);
      return [r.code, { regionCode: r.code, hsaId: `SE${organisationNumber}-${localPart(`vårdgivare ${r.code}`, new Set())}`, name: r.name, organisationNumber }];
    }),
  );
}

function buildUnits(givers: Map<RegionCode, CareGiver>): CareUnit[] {
  const units: CareUnit[] = [];
  for (const r of REGIONS) {
    const places = PLACES[r.code];
    const org = givers.get(r.code)!.organisationNumber;
    const taken = new Set<string>();
    const add = (spec: UnitSpec, system: SimulatorSystemId, level: CareLevel) =>
      units.push({
        hsaId: `SE${org}-${localPart(`${r.code} ${spec.name}`, taken)}`,
        name: spec.name,
        regionCode: r.code,
        system,
        level,
        kind: spec.kind,
        specialty: SPECIALTY[spec.kind],
        inpatient: spec.kind === 'medicineWard' || spec.kind === 'psychiatryWard',
        ...(spec.hospital !== undefined ? { hospital: spec.hospital } : {}),
      });
    for (const spec of primaryUnits(places.towns)) add(spec, simulatorSystemOf(r.primaryCare), 'primary');
    places.hospitals.forEach((hospital, i) => {
      for (const spec of hospitalUnits(hospital, i === 0)) add({ ...spec, hospital }, simulatorSystemOf(r.hospitalCare), 'hospital');
    });
    // Millennium is only planned in the seed; its simulator holds a go-live pilot in those regions.
    if (r.planned === 'millennium') {
      const hospital = places.hospitals[0]!;
      add({ name: `Hudmottagningen, ${hospital}`, kind: 'dermatology', hospital }, 'millennium', 'hospital');
      add({ name: `Ögonmottagningen, ${hospital}`, kind: 'ophthalmology', hospital }, 'millennium', 'hospital');
    }
  }
  return units;
}

const CARE_GIVERS = buildCareGivers();
export const CARE_UNITS: readonly CareUnit[] = buildUnits(CARE_GIVERS);
const unitsByHsaId = new Map(CARE_UNITS.map((u) => [u.hsaId, u]));

export const careGiverOf = (code: RegionCode): CareGiver => CARE_GIVERS.get(code)!;
export const careGivers = (): CareGiver[] => [...CARE_GIVERS.values()];
export const careUnitByHsaId = (hsaId: string): CareUnit | undefined => unitsByHsaId.get(hsaId);

/** Units of one region that one simulator holds records for. */
export function unitsOf(code: RegionCode, system: SimulatorSystemId): CareUnit[] {
  return CARE_UNITS.filter((u) => u.regionCode === code && u.system === system);
}

/** The regions a simulator serves: where it is the primary or hospital care system, or runs a pilot. */
export function regionsServedBy(system: SimulatorSystemId): Region[] {
  return REGIONS.filter(
    (r) => simulatorSystemOf(r.primaryCare) === system || simulatorSystemOf(r.hospitalCare) === system || (system === 'millennium' && r.planned === 'millennium'),
  );
}

/**
 * A region's service unit of a kind (radiology, laboratory, physiology): the one in the same
 * hospital as `near` when there is one, else the main hospital's.
 */
export function serviceUnit(code: RegionCode, kind: 'radiology' | 'laboratory' | 'physiology', near?: CareUnit): CareUnit {
  const unit =
    (near?.hospital !== undefined ? CARE_UNITS.find((u) => u.regionCode === code && u.kind === kind && u.hospital === near.hospital) : undefined) ??
    CARE_UNITS.find((u) => u.regionCode === code && u.kind === kind);
  if (!unit) throw new Error(`region ${code} has no ${kind} unit`);
  return unit;
}

/** The system that holds a region's records at a care level. */
export const systemFor = (code: RegionCode, level: CareLevel): SimulatorSystemId =>
  simulatorSystemOf(level === 'primary' ? region(code).primaryCare : region(code).hospitalCare);
