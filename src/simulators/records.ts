import type { Sex } from '../domain/identifiers/index.js';
import type { CodedValue, InfoType, MeasuredValue, Party, RecordItem } from '../domain/record.js';
import type { RegionCode } from '../domain/regions.js';
import { fromSwedishWallClock, swedishDate, type IsoDate } from '../domain/time.js';
import {
  CARE_UNITS,
  careGiverOf,
  serviceUnit,
  SOURCE_SYSTEM_HSA_IDS,
  systemFor,
  unitsOf,
  type CareUnit,
  type SimulatorSystemId,
  type UnitKind,
} from './care-units.js';
import {
  ALERTS,
  ANALYSES,
  atcCode,
  BEFATTNING,
  CHILD_PROGRAMME,
  CONTACT_TYPE,
  diagnosisCode,
  LAB_PANELS,
  MEDICINES,
  NOTE_TYPE,
  NPU,
  referenceInterval,
  VACCINES,
  type AlertKey,
  type Analysis,
  type AnalysisKey,
  type MedicineKey,
  type VaccineKey,
} from './codes.js';
import { ACUTE_BY_UNIT, EPISODES, IMAGING, REFERRALS, sv, type Author, type EpisodeKey, type EpisodeSpec, type NoteType } from './episodes.js';
import { FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES } from './names.js';
import { hash32, Random, type Seed } from './random.js';
import { pickRegion, type Resident } from './residents.js';

/**
 * A resident's care: where they get it (care sites: a region's primary care, hospital care, or
 * the Millennium pilot), the episodes at each site over the last ten years up to "now", and the
 * canonical record items those episodes leave in the source system. Each site has its own random
 * stream, so one system's items are generated without the others'.
 *
 * Item attributes use the contracts' element names where one exists (careContactReason,
 * careContactStatus, careContactStatusCode, typeOfDiagnosis, chronicDiagnosis, nullifiedReason),
 * otherwise a plain name: dosage, purpose, prescriptionStatus (medications); modality, question
 * (imaging); performingLab, specimen (lab); referralOutcomeTypeCode, referralReason (referral
 * answers); vaccinationProgram, doseNumber, disease, route, anatomicalSite, batchNumber
 * (vaccinations); typeOfAlertInformation, severity, certainty (alerts); lockTime (notes locked
 * without signature).
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const WINDOW_DAYS = 10 * 365;

export type CareSiteLevel = 'primary' | 'hospital' | 'pilot';

export interface CareSite {
  readonly regionCode: RegionCode;
  readonly system: SimulatorSystemId;
  readonly level: CareSiteLevel;
  /** The resident's home region (chronic care, child health care and vaccinations happen there). */
  readonly home: boolean;
}

type Depression = 'none' | 'vc' | 'psych' | 'inpatient';

interface Health {
  readonly hypertoni: boolean;
  readonly diabetes: boolean;
  readonly astma: boolean;
  readonly hypotyreos: boolean;
  readonly formaksflimmer: boolean;
  readonly depression: Depression;
  readonly alerts: readonly AlertKey[];
}

interface ForcedEpisode {
  readonly level: CareSiteLevel;
  readonly regionCode?: RegionCode;
  readonly key: EpisodeKey;
  readonly daysAgo: number;
}

interface Special {
  readonly health?: Partial<Health>;
  readonly sites?: readonly Omit<CareSite, 'system'>[];
  readonly episodes?: readonly ForcedEpisode[];
}

/** Hand-made care for the special residents, so the demo and the tests have what they need. */
const SPECIAL_CARE: Readonly<Record<number, Special>> = {
  0: {
    health: { hypertoni: true, formaksflimmer: true, astma: false, diabetes: false, hypotyreos: false, depression: 'none', alerts: ['penicillin'] },
    sites: [
      { regionCode: '01', level: 'primary', home: true },
      { regionCode: '01', level: 'hospital', home: true },
      { regionCode: '03', level: 'hospital', home: false },
      { regionCode: '12', level: 'primary', home: false },
      { regionCode: '12', level: 'hospital', home: false },
      { regionCode: '12', level: 'pilot', home: false },
      { regionCode: '24', level: 'hospital', home: false },
      { regionCode: '13', level: 'primary', home: false },
      { regionCode: '14', level: 'primary', home: false },
    ],
    episodes: [
      { level: 'hospital', regionCode: '01', key: 'brostsmarta', daysAgo: 60 },
      { level: 'hospital', regionCode: '01', key: 'pneumoni', daysAgo: 900 },
      { level: 'primary', regionCode: '01', key: 'uri', daysAgo: 3 },
      { level: 'hospital', regionCode: '03', key: 'handled', daysAgo: 10 },
      { level: 'pilot', regionCode: '12', key: 'katarakt', daysAgo: 200 },
      { level: 'hospital', regionCode: '12', key: 'fotled', daysAgo: 400 },
      { level: 'primary', regionCode: '12', key: 'uriPhone', daysAgo: 1 },
      { level: 'hospital', regionCode: '24', key: 'brostsmarta', daysAgo: 1500 },
      { level: 'primary', regionCode: '13', key: 'halsokontroll', daysAgo: 700 },
      { level: 'primary', regionCode: '14', key: 'lumbago', daysAgo: 5 },
    ],
  },
  3: { health: { astma: true, alerts: ['jordnot'] }, episodes: [{ level: 'primary', key: 'otit', daysAgo: 4 }] },
  4: { health: { astma: true }, episodes: [{ level: 'primary', key: 'uri', daysAgo: 12 }] },
  5: { episodes: [{ level: 'hospital', key: 'fotled', daysAgo: 6 }] },
  6: { episodes: [{ level: 'primary', key: 'uri', daysAgo: 9 }] },
  8: { health: { hypertoni: true, diabetes: true }, sites: [{ regionCode: '12', level: 'primary', home: true }, { regionCode: '12', level: 'hospital', home: true }], episodes: [{ level: 'hospital', key: 'pneumoni', daysAgo: 150 }] },
  9: { episodes: [{ level: 'primary', key: 'uri', daysAgo: 2 }] },
  10: {
    health: { depression: 'inpatient', formaksflimmer: true, hypertoni: true },
    sites: [
      { regionCode: '05', level: 'primary', home: true },
      { regionCode: '05', level: 'hospital', home: true },
      { regionCode: '01', level: 'hospital', home: false },
      { regionCode: '13', level: 'primary', home: false },
    ],
    episodes: [
      { level: 'hospital', regionCode: '05', key: 'psykiatriSlutenvard', daysAgo: 20 },
      { level: 'hospital', regionCode: '01', key: 'brostsmarta', daysAgo: 8 },
      { level: 'primary', regionCode: '13', key: 'uri', daysAgo: 300 },
    ],
  },
};

const SYSTEM_CODES: Readonly<Record<SimulatorSystemId, string>> = {
  cosmic: 'COS', melior: 'MEL', millennium: 'MIL', 'ncs-cross': 'NCS', pmo: 'PMO', takecare: 'TC', vas: 'VAS',
};
const LEVEL_CODES: Readonly<Record<CareSiteLevel, string>> = { primary: 'P', hospital: 'S', pilot: 'X' };

const PROVENANCE: Readonly<Record<InfoType, string>> = {
  note: 'GetCareDocumentation',
  diagnosis: 'GetDiagnosis',
  careContact: 'GetCareContacts',
  labResult: 'GetLaboratoryOrderOutcome',
  imagingResult: 'GetImagingOutcome',
  referralOutcome: 'GetReferralOutcome',
  medication: 'GetMedicationHistory',
  vaccination: 'GetVaccinationHistory',
  alert: 'GetAlertInformation',
};

/** Status codes of careContactStatus (SNOMED CT-SE, as the GetCareContacts 3 TKB names them). */
const CONTACT_DONE = { careContactStatus: 'avslutad vårdkontakt', careContactStatusCode: '53671000052101' } as const;
const CONTACT_ONGOING = { careContactStatus: 'pågående vårdkontakt', careContactStatusCode: '53651000052107' } as const;

interface Clinician {
  readonly hsaId: string;
  readonly name: string;
  readonly role?: CodedValue;
}

const ROLE_CODES: Readonly<Record<Author, readonly CodedValue[]>> = {
  doctor: [
    { code: '201010', ...BEFATTNING, displayName: 'Överläkare' },
    { code: '202010', ...BEFATTNING, displayName: 'Specialistläkare' },
    { code: '203010', ...BEFATTNING, displayName: 'Legitimerad läkare under specialiseringstjänstgöring (ST-läkare)' },
  ],
  // Other professions have no HSA befattning code here; their title travels as text.
  nurse: [{ code: '', displayName: 'Sjuksköterska' }],
  psychologist: [{ code: '', displayName: 'Psykolog' }],
  physiotherapist: [{ code: '', displayName: 'Fysioterapeut' }],
};
const GP: CodedValue = { code: '201011', ...BEFATTNING, displayName: 'Distriktsläkare/Specialist allmänmedicin' };

const clinicianCache = new Map<string, Clinician>();

/** The clinicians of a unit: a few per profession, the same for every seed (units are fixed). */
function clinician(unit: CareUnit, author: Author, n: number): Clinician {
  const key = `${unit.hsaId}|${author}|${n}`;
  const cached = clinicianCache.get(key);
  if (cached) return cached;
  const rng = new Random(hash32(key));
  const female = rng.chance(0.6);
  const name = `${rng.pick(female ? FEMALE_NAMES : MALE_NAMES)} ${rng.pick(FAMILY_NAMES)}`;
  const org = unit.hsaId.slice(0, unit.hsaId.indexOf('-'));
  const local = (hash32(`person ${key}`) % 36 ** 5).toString(36).toUpperCase().padStart(5, '0');
  const role = author === 'doctor' && unit.kind === 'vc' ? GP : rng.pick(ROLE_CODES[author]);
  const value: Clinician = { hsaId: `${org}-P${local}`, name, role };
  clinicianCache.set(key, value);
  return value;
}

function ageOn(birth: IsoDate, on: IsoDate): number {
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

interface EpisodeInstance {
  readonly spec: EpisodeSpec;
  readonly unit: CareUnit;
  readonly daysAgo: number;
  readonly first: boolean;
  readonly chronic: boolean;
}

/** Working state while one site's items are written. */
interface SiteRun {
  readonly resident: Resident;
  readonly health: Health;
  readonly site: CareSite;
  readonly rng: Random;
  readonly items: RecordItem[];
  readonly idPrefix: string;
  readonly endMs: number;
  episodeNo: number;
}

export class RecordGenerator {
  private readonly nowMs: number;

  constructor(
    private readonly seed: Seed,
    now: Date,
  ) {
    this.nowMs = now.getTime();
  }

  health(resident: Resident): Health {
    const rng = Random.of(this.seed, 'health', resident.index);
    const age = this.ageNow(resident);
    const p = (young: number, middle: number, old: number) => (age < 40 ? young : age < 60 ? middle : old);
    const depressionRoll = rng.next();
    const depression: Depression = age < 18 || age > 75 || depressionRoll > 0.09 ? 'none' : depressionRoll < 0.01 ? 'inpatient' : depressionRoll < 0.04 ? 'psych' : 'vc';
    const formaksflimmer = age >= 65 && rng.chance(0.1);
    const alerts: AlertKey[] = [];
    if (rng.chance(0.06)) alerts.push('penicillin');
    if (age < 18 && rng.chance(0.03)) alerts.push('jordnot');
    if (age >= 18 && rng.chance(0.01)) alerts.push('kontrastmedel');
    const base: Health = {
      hypertoni: age >= 30 && rng.chance(p(0.03, 0.2, 0.4)),
      diabetes: age >= 35 && rng.chance(p(0.01, 0.06, 0.12)),
      astma: age >= 4 && rng.chance(0.07),
      hypotyreos: age >= 30 && rng.chance(resident.sex === 'female' ? 0.08 : 0.01),
      formaksflimmer,
      depression,
      alerts,
    };
    return { ...base, ...SPECIAL_CARE[resident.index]?.health };
  }

  /** Where the resident gets care; empty for the few who have had none in ten years. */
  careSites(resident: Resident): CareSite[] {
    const special = SPECIAL_CARE[resident.index];
    if (special?.sites) return special.sites.map((s) => ({ ...s, system: this.systemOf(s.regionCode, s.level) }));
    const rng = Random.of(this.seed, 'sites', resident.index);
    const age = this.ageNow(resident);
    const health = this.health(resident);
    if (resident.special === undefined && age >= 18 && age < 45 && rng.chance(0.06)) return [];
    const home = resident.homeRegion;
    const sites: CareSite[] = [{ regionCode: home, level: 'primary', home: true, system: this.systemOf(home, 'primary') }];
    const needsHospital = health.formaksflimmer || health.depression === 'psych' || health.depression === 'inpatient';
    if (needsHospital || rng.chance(Math.min(0.85, 0.3 + age / 200))) sites.push({ regionCode: home, level: 'hospital', home: true, system: this.systemOf(home, 'hospital') });
    if (age >= 18 && unitsOf(home, 'millennium').length > 0 && rng.chance(0.15)) sites.push({ regionCode: home, level: 'pilot', home: true, system: 'millennium' });
    if (rng.chance(0.12)) {
      let other = pickRegion(rng);
      if (other === home) other = home === '01' ? '03' : '01';
      const level: CareSiteLevel = rng.chance(0.5) ? 'primary' : 'hospital';
      sites.push({ regionCode: other, level, home: false, system: this.systemOf(other, level) });
    }
    return sites;
  }

  /** All items one system holds for the resident, oldest first. */
  items(resident: Resident, system: SimulatorSystemId): RecordItem[] {
    const items: RecordItem[] = [];
    for (const site of this.careSites(resident)) {
      if (site.system === system) items.push(...this.siteItems(resident, site));
    }
    return items.sort((a, b) => a.time.getTime() - b.time.getTime() || (a.id < b.id ? -1 : 1));
  }

  private systemOf(code: RegionCode, level: CareSiteLevel): SimulatorSystemId {
    return level === 'pilot' ? 'millennium' : systemFor(code, level);
  }

  private ageNow(resident: Resident): number {
    return ageOn(resident.birthDate, swedishDate(new Date(this.nowMs)));
  }

  private siteItems(resident: Resident, site: CareSite): RecordItem[] {
    const rng = Random.of(this.seed, 'site', resident.index, site.regionCode, site.level);
    const deathMs = resident.deceasedOn ? fromSwedishWallClock(...dateParts(resident.deceasedOn), 12).getTime() : undefined;
    const health = this.health(resident);
    const run: SiteRun = {
      resident,
      health,
      site,
      rng,
      items: [],
      idPrefix: `${SYSTEM_CODES[site.system]}${site.regionCode}${LEVEL_CODES[site.level]}-${resident.index.toString(36).toUpperCase()}`,
      endMs: deathMs !== undefined ? Math.min(deathMs, this.nowMs) : this.nowMs,
      episodeNo: 0,
    };
    const births = fromSwedishWallClock(...dateParts(resident.birthDate), 12).getTime();
    const windowDays = Math.max(0, Math.min(WINDOW_DAYS, Math.floor((run.endMs - births) / DAY_MS) - 3));
    const offsetDays = Math.floor((this.nowMs - run.endMs) / DAY_MS);
    const units = unitsOf(site.regionCode, site.system);
    const episodes: EpisodeInstance[] = [];

    const unitOf = (kind: UnitKind): CareUnit | undefined => {
      const candidates = units.filter((u) => u.kind === kind);
      return candidates.length === 0 ? undefined : candidates[hash32(`${resident.index}|${kind}`) % candidates.length];
    };
    const ageAt = (daysAgo: number) => ageOn(resident.birthDate, swedishDate(new Date(this.nowMs - daysAgo * DAY_MS)));
    const fits = (spec: EpisodeSpec, daysAgo: number) => {
      const age = ageAt(daysAgo);
      return age >= spec.minAge && age <= spec.maxAge && (spec.sex === undefined || spec.sex === resident.sex);
    };

    const chronic = (key: EpisodeKey, kind: UnitKind, maxVisits = 8) => {
      const spec = EPISODES[key];
      const unit = unitOf(kind);
      if (!unit || windowDays < 60) return;
      let daysAgo = offsetDays + rng.int(60, windowDays);
      for (let n = 0; n < maxVisits && daysAgo > offsetDays; n++) {
        if (fits(spec, daysAgo)) episodes.push({ spec, unit, daysAgo, first: n === 0, chronic: true });
        daysAgo -= rng.int(320, 400);
      }
    };
    const acute = (kinds: readonly UnitKind[], count: number, recent = false) => {
      const options = kinds.flatMap((kind) => (unitOf(kind) ? (ACUTE_BY_UNIT[kind] ?? []).map(([key, w]) => [[key, kind], w] as const) : []));
      for (let i = 0; i < count && windowDays > 0; i++) {
        const daysAgo = offsetDays + (recent ? rng.int(0, Math.min(13, windowDays)) : rng.int(0, windowDays));
        const fitting = options.filter(([[key]]) => fits(EPISODES[key], daysAgo));
        if (fitting.length === 0) continue;
        const [key, kind] = rng.weighted(fitting);
        episodes.push({ spec: EPISODES[key], unit: unitOf(kind)!, daysAgo, first: true, chronic: false });
      }
    };

    const age = this.ageNow(resident);
    if (site.level === 'primary') {
      if (site.home) {
        if (health.hypertoni) chronic('hypertoni', 'vc');
        if (health.diabetes) chronic('diabetes', 'vc');
        if (health.hypotyreos) chronic('hypotyreos', 'vc', 4);
        if (health.astma && age >= 18) chronic('astma', 'vc', 4);
        if (health.depression === 'vc') chronic('depressionVc', 'vc', 1);
      }
      acute(['vc', 'bvc'], site.home ? (age < 18 ? rng.int(2, 5) : age < 65 ? rng.int(1, 4) : rng.int(2, 6)) : rng.int(1, 2));
    } else if (site.level === 'hospital') {
      if (site.home) {
        if (health.formaksflimmer) chronic('formaksflimmer', 'medicine', 3);
        if (health.depression === 'psych' || health.depression === 'inpatient') chronic('depressionPsyk', 'psychiatry', 4);
        if (health.depression === 'inpatient') chronic('psykiatriSlutenvard', 'psychiatryWard', 1);
        if (health.astma && age < 18) chronic('astma', 'pediatrics', 3);
      }
      const kinds: UnitKind[] = age < 18 ? ['pediatrics', 'emergency', 'surgery'] : ['emergency', 'medicineWard', 'surgery', 'gynecology', 'psychiatry'];
      acute(kinds, rng.int(1, 3));
    } else {
      acute(['dermatology', 'ophthalmology'], rng.int(1, 2));
    }
    // Something recent for some residents, so the 14-day rules have something to decide.
    if (site.home && site.level === 'primary' && rng.chance(0.25)) acute(['vc'], 1, true);

    for (const forced of SPECIAL_CARE[resident.index]?.episodes ?? []) {
      if (forced.level !== site.level || (forced.regionCode ?? resident.homeRegion) !== site.regionCode) continue;
      const spec = EPISODES[forced.key];
      const kind = spec.unitKinds.find((k) => unitOf(k));
      const unit = kind ? unitOf(kind) : undefined;
      if (unit) episodes.push({ spec, unit, daysAgo: offsetDays + forced.daysAgo, first: true, chronic: false });
    }

    episodes.sort((a, b) => b.daysAgo - a.daysAgo);
    for (const episode of episodes) this.writeEpisode(run, episode);

    if (site.home && site.level === 'primary') {
      this.writeChildHealth(run, unitOf('bvc') ?? unitOf('vc'));
      this.writeAdultVaccinations(run, unitOf('vc'), windowDays);
    }
    this.writeResidentAlerts(run, unitOf, windowDays);
    return run.items.filter((item) => item.time.getTime() <= run.endMs);
  }

  // ---- Time ------------------------------------------------------------------------------------

  /** An instant `daysAgo` Swedish days before now at hh:mm Swedish time, never after now. */
  private at(daysAgo: number, hour: number, minute: number): Date {
    const [y, m, d] = dateParts(swedishDate(new Date(this.nowMs - daysAgo * DAY_MS)));
    const t = fromSwedishWallClock(y, m, d, hour, minute);
    return t.getTime() <= this.nowMs ? t : new Date(this.nowMs - (5 + ((hour * 7 + minute) % 90)) * 60_000);
  }

  private startOf(rng: Random, episode: EpisodeInstance): Date {
    const anyHour = episode.spec.contact === 'inpatient' || episode.unit.kind === 'emergency';
    return this.at(episode.daysAgo, anyHour ? rng.int(0, 23) : rng.int(8, 16), rng.pick([0, 10, 15, 20, 30, 40, 45, 50]));
  }

  // ---- Items ------------------------------------------------------------------------------------

  private base(run: SiteRun, unit: CareUnit, id: string, infoType: InfoType, time: Date, extra: Partial<RecordItem> = {}): RecordItem {
    const giver = careGiverOf(run.site.regionCode);
    return {
      id,
      infoType,
      time,
      signed: false,
      approvedForPatient: true,
      specialty: unit.specialty,
      inpatient: unit.inpatient,
      careUnitHsaId: unit.hsaId,
      patientId: run.resident.personnummer,
      patientIdType: run.resident.patientIdType,
      sourceSystemHsaId: SOURCE_SYSTEM_HSA_IDS[run.site.system],
      careGiver: { hsaId: giver.hsaId, name: giver.name },
      careUnit: { hsaId: unit.hsaId, name: unit.name },
      blockComparisonTime: time,
      codes: [],
      values: [],
      attributes: {},
      provenance: { contract: PROVENANCE[infoType], version: 'simulated' },
      ...extra,
    };
  }

  /** Signature: most items are signed within a day or two; recent ones often not yet. */
  private signing(run: SiteRun, time: Date, who: Clinician, rate = 1): Pick<RecordItem, 'signed' | 'signer' | 'locked' | 'attributes'> {
    const ageDays = (this.nowMs - time.getTime()) / DAY_MS;
    const unsignedChance = (ageDays < 2 ? 0.5 : ageDays < 14 ? 0.15 : 0.04) * rate;
    const signTime = new Date(time.getTime() + run.rng.real(0.2, 30) * HOUR_MS);
    if (!run.rng.chance(unsignedChance) && signTime.getTime() <= this.nowMs) {
      return { signed: true, signer: { hsaId: who.hsaId, name: who.name, time: signTime }, attributes: {} };
    }
    // Cosmic locks an unsigned note after a week (autolock); the other systems do not say.
    if (run.site.system === 'cosmic' && ageDays > 7) {
      return { signed: false, locked: true, attributes: { lockTime: new Date(time.getTime() + 7 * DAY_MS).toISOString() } };
    }
    return run.site.system === 'cosmic' ? { signed: false, locked: false, attributes: {} } : { signed: false, attributes: {} };
  }

  private author(clinicianOf: Clinician, time: Date): Party & { role?: CodedValue; time: Date } {
    return { hsaId: clinicianOf.hsaId, name: clinicianOf.name, ...(clinicianOf.role ? { role: clinicianOf.role } : {}), time };
  }

  private writeEpisode(run: SiteRun, episode: EpisodeInstance): void {
    const { rng, resident } = run;
    const { spec, unit } = episode;
    const n = ++run.episodeNo;
    const id = `${run.idPrefix}-${n}`;
    const start = this.startOf(rng, episode);
    const age = ageOn(resident.birthDate, swedishDate(start));
    const doctor = clinician(unit, 'doctor', rng.int(0, 2));
    const stayDays = spec.stay ? rng.int(spec.stay[0], spec.stay[1]) : 0;
    const inpatient = spec.contact === 'inpatient';

    // Care contact.
    const minutes = spec.contact === 'phone' ? rng.int(5, 15) : rng.int(20, 50);
    const endMs = inpatient ? start.getTime() + stayDays * DAY_MS + rng.int(2, 6) * HOUR_MS : start.getTime() + minutes * 60_000;
    const ongoing = endMs > run.endMs;
    const contactType: CodedValue = spec.contact === 'phone'
      ? { code: '2', ...CONTACT_TYPE, displayName: 'Telefon' }
      : inpatient ? { code: '3', ...CONTACT_TYPE, displayName: 'Vårdtillfälle' } : { code: '1', ...CONTACT_TYPE, displayName: 'Besök' };
    run.items.push(this.base(run, unit, `${id}-k`, 'careContact', start, {
      title: contactType.displayName!,
      codes: [contactType],
      careContactId: id,
      inpatient,
      author: this.author(doctor, start),
      period: ongoing ? { start } : { start, end: new Date(endMs) },
      approvedForPatient: !rng.chance(0.01),
      attributes: { careContactReason: spec.reason, ...(ongoing ? CONTACT_ONGOING : CONTACT_DONE) },
    }));

    // Lab values first: the notes quote them.
    const lab: Partial<Record<AnalysisKey, number>> = {};
    if (spec.labs) {
      for (const key of LAB_PANELS[spec.labs].analyses) {
        const analysis: Analysis = ANALYSES[key];
        const shift = spec.labShift?.[key] && (!spec.labShiftFirstOnly || episode.first) ? spec.labShift[key] : undefined;
        const [mean, sd] = shift ?? analysis.typical(resident.sex, age);
        lab[key] = round(Math.max(analysis.decimals === 0 ? 1 : 0.1, rng.normal(mean, sd)), analysis.decimals);
      }
    }

    // Notes.
    const penicillinAllergy = run.health.alerts.includes('penicillin');
    const drafts = spec.notes({ rng, age, sex: resident.sex, lab, first: episode.first, stayDays, penicillinAllergy });
    drafts.forEach((draft, i) => {
      const time = draft.day === undefined ? new Date(start.getTime() + rng.int(10, 90) * 60_000) : this.laterOn(start, draft.day, rng);
      const noteUnit = (draft.unitKind && unitsOf(run.site.regionCode, run.site.system).find((u) => u.kind === draft.unitKind)) || unit;
      const writer = draft.author === 'doctor' ? (noteUnit === unit ? doctor : clinician(noteUnit, 'doctor', 0)) : clinician(noteUnit, draft.author, rng.int(0, 2));
      const signing = this.signing(run, time, writer);
      run.items.push(this.base(run, noteUnit, `${id}-n${i + 1}`, 'note', time, {
        ...signing,
        title: draft.title,
        text: draft.text,
        codes: [noteCode(draft.type)],
        keywords: draft.keywords,
        template: draft.template,
        careContactId: id,
        inpatient,
        author: this.author(writer, time),
        approvedForPatient: !draft.notForPatient && !rng.chance(0.015),
      }));
    });

    // Diagnoses, set by the doctor at the contact.
    (spec.diagnoses ?? []).forEach((code, i) => {
      const time = new Date(start.getTime() + rng.int(15, 120) * 60_000);
      run.items.push(this.base(run, unit, `${id}-d${i + 1}`, 'diagnosis', time, {
        ...this.signing(run, time, doctor, 0.5),
        title: diagnosisCode(code).displayName!,
        codes: [diagnosisCode(code)],
        careContactId: id,
        inpatient,
        author: this.author(doctor, time),
        approvedForPatient: !rng.chance(0.01),
        attributes: { typeOfDiagnosis: i === 0 ? 'Huvuddiagnos' : 'Bidiagnos', chronicDiagnosis: String(episode.chronic) },
      }));
    });

    if (spec.labs) this.writeLab(run, unit, doctor, id, start, spec.labs, lab, age);
    if (spec.imaging) this.writeImaging(run, unit, doctor, id, start, spec.imaging);
    if (spec.referral && (episode.first || !spec.referralFirstOnly)) this.writeReferral(run, unit, doctor, id, start, spec.referral);
    const medicines = penicillinAllergy && spec.penicillinFree ? spec.penicillinFree : spec.medicines;
    if (medicines && (episode.first || !spec.medicinesFirstOnly)) {
      medicines.forEach((key, i) => this.writeMedication(run, unit, doctor, `${id}-m${i + 1}`, new Date(start.getTime() + rng.int(20, 60) * 60_000), key, id));
    }
    if (spec.alert && episode.first) this.writeAlert(run, unit, doctor, `${id}-a`, new Date(start.getTime() + rng.int(30, 90) * 60_000), spec.alert);
  }

  private laterOn(start: Date, day: number, rng: Random): Date {
    return new Date(start.getTime() + day * DAY_MS + rng.int(1, 6) * HOUR_MS);
  }

  private writeLab(run: SiteRun, unit: CareUnit, orderer: Clinician, id: string, start: Date, panelKey: keyof typeof LAB_PANELS, lab: Partial<Record<AnalysisKey, number>>, age: number): void {
    const { rng, resident } = run;
    const panel = LAB_PANELS[panelKey];
    const labUnit = serviceUnit(run.site.regionCode, 'laboratory', unit);
    const time = new Date(start.getTime() + rng.int(1, 5) * HOUR_MS);
    const ageDays = (this.nowMs - time.getTime()) / DAY_MS;
    // Recent results are often still preliminary; a few stay so, awaiting a supplementary analysis.
    const preliminary = rng.chance(ageDays < 3 ? 0.5 : 0.02);
    const validated = !preliminary && rng.chance(ageDays < 3 ? 0.3 : 0.92);
    const validatedAt = new Date(time.getTime() + rng.real(2, 48) * HOUR_MS);
    const values: MeasuredValue[] = panel.analyses.map((key) => {
      const analysis: Analysis = ANALYSES[key];
      const interval = analysis.interval(resident.sex, age);
      const numeric = lab[key]!;
      const abnormal = (interval.low !== undefined && numeric < interval.low) || (interval.high !== undefined && numeric > interval.high);
      return {
        name: analysis.name,
        ...(analysis.npu !== undefined ? { code: { code: analysis.npu, ...NPU, displayName: analysis.longName } } : {}),
        value: sv(numeric, analysis.decimals),
        numeric,
        unit: analysis.unit,
        referenceInterval: referenceInterval(interval),
        abnormal,
      };
    });
    const labDoctor = clinician(labUnit, 'doctor', 0);
    run.items.push(this.base(run, unit, `${id}-l`, 'labResult', time, {
      title: panel.title,
      text: values.some((v) => v.abnormal) ? 'Värden utanför referensintervallet är markerade.' : undefined,
      values,
      resultType: preliminary ? 'preliminary' : 'final',
      signed: !preliminary,
      ...(!preliminary ? { signer: { hsaId: labDoctor.hsaId, name: labDoctor.name, time } } : {}),
      validated: validated && validatedAt.getTime() <= this.nowMs,
      ...(validated && validatedAt.getTime() <= this.nowMs ? { validator: { hsaId: orderer.hsaId, name: orderer.name, time: validatedAt } } : {}),
      careContactId: id,
      author: this.author(orderer, start),
      approvedForPatient: !rng.chance(0.01),
      attributes: { performingLab: labUnit.name, performingLabHsaId: labUnit.hsaId, specimen: 'Venöst blod', orderTime: start.toISOString() },
    }));
  }

  private writeImaging(run: SiteRun, orderingUnit: CareUnit, orderer: Clinician, id: string, start: Date, key: keyof typeof IMAGING): void {
    const { rng } = run;
    const spec = IMAGING[key];
    const radiology = serviceUnit(run.site.regionCode, 'radiology', orderingUnit);
    const radiologist = clinician(radiology, 'doctor', rng.int(0, 2));
    const time = new Date(start.getTime() + rng.int(1, 4) * HOUR_MS);
    const ageDays = (this.nowMs - time.getTime()) / DAY_MS;
    const preliminary = ageDays < 1 && rng.chance(0.5);
    const validatedAt = new Date(time.getTime() + rng.real(1, 48) * HOUR_MS);
    const validated = !preliminary && rng.chance(ageDays < 3 ? 0.4 : 0.9) && validatedAt.getTime() <= this.nowMs;
    run.items.push(this.base(run, radiology, `${id}-r`, 'imagingResult', time, {
      title: spec.title,
      text: `Frågeställning: ${spec.question}\n\nFynd: ${spec.findings}\n\nUtlåtande: ${spec.conclusion}`,
      resultType: preliminary ? 'preliminary' : 'final',
      signed: !preliminary,
      ...(!preliminary ? { signer: { hsaId: radiologist.hsaId, name: radiologist.name, time } } : {}),
      validated,
      ...(validated ? { validator: { hsaId: orderer.hsaId, name: orderer.name, time: validatedAt } } : {}),
      careContactId: id,
      author: this.author(radiologist, time),
      approvedForPatient: !rng.chance(0.01),
      attributes: { modality: spec.modality, question: spec.question, orderingUnit: orderingUnit.name, orderingUnitHsaId: orderingUnit.hsaId },
    }));
  }

  private writeReferral(run: SiteRun, orderingUnit: CareUnit, orderer: Clinician, id: string, start: Date, key: keyof typeof REFERRALS): void {
    const { rng } = run;
    const spec = REFERRALS[key];
    const performer = serviceUnit(run.site.regionCode, spec.unitKind, orderingUnit);
    const physician = clinician(performer, 'doctor', rng.int(0, 2));
    const time = this.at((this.nowMs - start.getTime()) / DAY_MS - rng.int(7, 45), rng.int(8, 15), rng.int(0, 59));
    if (time.getTime() <= start.getTime()) return; // not answered yet
    const validatedAt = new Date(time.getTime() + rng.real(4, 96) * HOUR_MS);
    const validated = rng.chance(0.85) && validatedAt.getTime() <= this.nowMs;
    run.items.push(this.base(run, performer, `${id}-s`, 'referralOutcome', time, {
      title: `Remissvar: ${spec.title}`,
      text: `Frågeställning: ${spec.question}\n\n${spec.answer}`,
      resultType: 'final',
      signed: true,
      signer: { hsaId: physician.hsaId, name: physician.name, time },
      validated,
      ...(validated ? { validator: { hsaId: orderer.hsaId, name: orderer.name, time: validatedAt } } : {}),
      careContactId: id,
      author: this.author(physician, time),
      approvedForPatient: !rng.chance(0.01),
      attributes: { referralOutcomeTypeCode: 'SS', referralReason: spec.question, referralId: `${id}-rem`, orderingUnit: orderingUnit.name, orderingUnitHsaId: orderingUnit.hsaId },
    }));
  }

  private writeMedication(run: SiteRun, unit: CareUnit, prescriber: Clinician, id: string, time: Date, key: MedicineKey, careContactId?: string): void {
    const { rng } = run;
    const medicine = MEDICINES[key];
    const days = 'days' in medicine ? medicine.days : undefined;
    const end = days !== undefined ? new Date(time.getTime() + days * DAY_MS) : undefined;
    const nullified = rng.chance(0.01);
    const active = !nullified && (end === undefined || end.getTime() > this.nowMs);
    run.items.push(this.base(run, unit, id, 'medication', time, {
      title: medicine.product,
      text: `${medicine.dosage}. ${medicine.purpose}.`,
      codes: [atcCode(medicine.atc, medicine.substance)],
      signed: true,
      signer: { hsaId: prescriber.hsaId, name: prescriber.name, time },
      author: this.author(prescriber, time),
      period: end ? { start: time, end } : { start: time },
      ...(careContactId ? { careContactId } : {}),
      approvedForPatient: !rng.chance(0.01),
      ...(nullified ? { nullified: true } : {}),
      attributes: {
        dosage: medicine.dosage,
        purpose: medicine.purpose,
        prescriptionStatus: active ? 'Active' : 'Inactive',
        ...(nullified ? { nullifiedReason: 'Felregistrering' } : {}),
      },
    }));
  }

  private writeAlert(run: SiteRun, unit: CareUnit, who: Clinician, id: string, time: Date, key: AlertKey): void {
    const spec = ALERTS[key];
    run.items.push(this.base(run, unit, id, 'alert', time, {
      title: spec.title,
      text: spec.text,
      codes: 'agent' in spec ? [spec.agent] : [],
      signed: true,
      signer: { hsaId: who.hsaId, name: who.name, time },
      author: this.author(who, time),
      approvedForPatient: true,
      attributes: {
        typeOfAlertInformation: spec.type,
        ...('severity' in spec ? { severity: spec.severity } : {}),
        ...('certainty' in spec ? { certainty: spec.certainty } : {}),
      },
    }));
  }

  private writeVaccination(run: SiteRun, unit: CareUnit, nurse: Clinician, id: string, time: Date, key: VaccineKey, dose: number, program: string, given: { route: string; site: string }): void {
    const vaccine = VACCINES[key];
    run.items.push(this.base(run, unit, id, 'vaccination', time, {
      title: vaccine.product,
      text: `Vaccination mot ${lowerFirst(vaccine.disease)}, dos ${dose}.`,
      codes: [atcCode(vaccine.atc, vaccine.product)],
      signed: true,
      signer: { hsaId: nurse.hsaId, name: nurse.name, time },
      author: this.author(nurse, time),
      approvedForPatient: true,
      attributes: {
        vaccinationProgram: program,
        doseNumber: String(dose),
        disease: vaccine.disease,
        route: given.route,
        anatomicalSite: given.site,
        batchNumber: `${String.fromCharCode(65 + (hash32(id) % 26))}${(hash32(`${id}b`) % 900000 + 100000).toString()}`,
      },
    }));
  }

  /** Child health care (BVC): visits with growth measurements, and the childhood programme. */
  private writeChildHealth(run: SiteRun, unit: CareUnit | undefined): void {
    if (!unit) return;
    const { rng, resident } = run;
    const birthMs = fromSwedishWallClock(...dateParts(resident.birthDate), 12).getTime();
    const birthYear = Number(resident.birthDate.slice(0, 4));
    const growth = rng.normal(0, 0.8);
    const doses = new Map<VaccineKey, number>();
    for (const months of BVC_VISITS) {
      const visitMs = birthMs + months * 30.44 * DAY_MS;
      if (visitMs > run.endMs || this.nowMs - visitMs > WINDOW_DAYS * DAY_MS) {
        // Count doses given before the window so dose numbers stay right.
        if (visitMs <= run.endMs) for (const key of programmeAt(months, birthYear)) doses.set(key, (doses.get(key) ?? 0) + 1);
        continue;
      }
      const n = ++run.episodeNo;
      const id = `${run.idPrefix}-${n}`;
      const time = this.at((this.nowMs - visitMs) / DAY_MS, rng.int(8, 15), rng.pick([0, 15, 30, 45]));
      const nurse = clinician(unit, 'nurse', rng.int(0, 2));
      const values = growthValues(months, resident.sex, growth);
      const vaccines = programmeAt(months, birthYear);
      run.items.push(this.base(run, unit, `${id}-k`, 'careContact', time, {
        title: 'Besök', codes: [{ code: '1', ...CONTACT_TYPE, displayName: 'Besök' }], careContactId: id, author: this.author(nurse, time),
        period: { start: time, end: new Date(time.getTime() + 30 * 60_000) },
        attributes: { careContactReason: `Hälsobesök ${bvcAge(months)}`, ...CONTACT_DONE },
      }));
      run.items.push(this.base(run, unit, `${id}-n1`, 'note', time, {
        ...this.signing(run, time, nurse, 0.5),
        title: `Hälsobesök ${bvcAge(months)}`,
        text: bvcText(months, values, vaccines.map((k) => lowerFirst(VACCINES[k].disease))),
        codes: [noteCode('bes')],
        keywords: ['Aktuellt', 'Tillväxt', 'Utveckling', 'Bedömning'],
        template: 'BVC hälsobesök',
        careContactId: id,
        values,
        author: this.author(nurse, time),
      }));
      vaccines.forEach((key, i) => {
        const dose = (doses.get(key) ?? 0) + 1;
        doses.set(key, dose);
        const given = key === 'rota'
          ? { route: 'Oralt', site: 'Munnen' }
          : { route: 'Intramuskulärt', site: months < 12 ? (i % 2 === 0 ? 'Vänster lår' : 'Höger lår') : 'Vänster överarm' };
        this.writeVaccination(run, unit, nurse, `${id}-v${i + 1}`, new Date(time.getTime() + 20 * 60_000), key, dose, 'Nationella vaccinationsprogrammet för barn', given);
      });
    }
  }

  /** Seasonal influenza for 65+, each autumn of the last three years; TBE for some where ticks carry it. */
  private writeAdultVaccinations(run: SiteRun, unit: CareUnit | undefined, windowDays: number): void {
    if (!unit) return;
    const { rng, resident } = run;
    const year = Number(swedishDate(new Date(this.nowMs)).slice(0, 4));
    for (let back = 0; back < 3; back++) {
      // Some day from 10 October to 19 November, when the regions vaccinate.
      const day = new Date(Date.UTC(year - back, 9, 10 + rng.int(0, 40)));
      const t = fromSwedishWallClock(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), rng.int(8, 15), rng.pick([0, 10, 20, 30, 40, 50]));
      const daysAgo = (this.nowMs - t.getTime()) / DAY_MS;
      const age = ageOn(resident.birthDate, swedishDate(t));
      if (daysAgo < 0 || daysAgo > windowDays || age < 65 || !rng.chance(0.75)) continue;
      const n = ++run.episodeNo;
      this.writeVaccination(run, unit, clinician(unit, 'nurse', rng.int(0, 2)), `${run.idPrefix}-${n}-v1`, t, 'influensa', 1, 'Säsongsinfluensa, riskgrupper och 65 år och äldre', { route: 'Intramuskulärt', site: 'Vänster överarm' });
    }
    if (['01', '03', '04', '19'].includes(run.site.regionCode) && ageOn(resident.birthDate, swedishDate(new Date(this.nowMs))) >= 18 && rng.chance(0.1) && windowDays > 800) {
      const startDays = rng.int(400, windowDays);
      [0, 30, 365].forEach((offset, i) => {
        const n = ++run.episodeNo;
        const t = this.at(startDays - offset, rng.int(8, 15), 30);
        this.writeVaccination(run, unit, clinician(unit, 'nurse', 0), `${run.idPrefix}-${n}-v1`, t, 'tbe', i + 1, 'Egen bekostnad', { route: 'Intramuskulärt', site: 'Vänster överarm' });
      });
    }
  }

  /** Alerts about the resident (allergies), documented once, where they were found. */
  private writeResidentAlerts(run: SiteRun, unitOf: (kind: UnitKind) => CareUnit | undefined, windowDays: number): void {
    if (!run.site.home || windowDays < 30) return;
    const rng = Random.of(this.seed, 'alerts', run.resident.index, run.site.level);
    for (const key of run.health.alerts) {
      const kind: UnitKind | undefined = key === 'kontrastmedel' ? (run.site.level === 'hospital' ? 'radiology' : undefined) : run.site.level === 'primary' ? 'vc' : undefined;
      const unit = kind === 'radiology' ? serviceUnitIn(run.site, 'radiology') : kind ? unitOf(kind) : undefined;
      if (!unit) continue;
      const time = this.at(rng.int(30, windowDays), rng.int(8, 16), rng.pick([0, 15, 30, 45]));
      const n = ++run.episodeNo;
      this.writeAlert(run, unit, clinician(unit, 'doctor', 0), `${run.idPrefix}-${n}-a`, time, key);
    }
  }
}

const serviceUnitIn = (site: CareSite, kind: 'radiology'): CareUnit | undefined =>
  CARE_UNITS.find((u) => u.regionCode === site.regionCode && u.kind === kind && u.system === site.system);

const noteCode = (type: NoteType): CodedValue => ({ code: type, ...NOTE_TYPE, displayName: NOTE_TYPE_NAMES[type] });

const NOTE_TYPE_NAMES: Readonly<Record<NoteType, string>> = {
  bes: 'Besöksanteckning', auf: 'Anteckning utan fysiskt möte', ins: 'Inskrivning', sva: 'Slutenvårdsanteckning',
  sam: 'Sammanfattning', slu: 'Slutanteckning', utr: 'Utredning', atb: 'Åtgärd/Behandling',
};

const round = (value: number, decimals: number): number => Math.round(value * 10 ** decimals) / 10 ** decimals;

const dateParts = (date: IsoDate | string): [number, number, number] => date.split('-').map(Number) as [number, number, number];

/** BVC visits by age in months (Rikshandboken's programme, home visit left out). */
const BVC_VISITS = [1, 1.5, 3, 5, 6, 8, 10, 12, 18, 30, 36, 48, 60] as const;

function programmeAt(months: number, birthYear: number): VaccineKey[] {
  const entry = CHILD_PROGRAMME.find((p) => p.months === months);
  if (!entry) return [];
  return entry.vaccines
    .filter((k) => (k === 'rota' ? birthYear >= 2019 : k === 'pneumokock' ? birthYear >= 2009 : true))
    .map((k) => (k === 'hexa' && birthYear < 2016 ? 'penta' : k));
}

const bvcAge = (months: number): string =>
  months === 1 ? '1 månad' : months < 12 ? `${sv(months, months % 1 === 0 ? 0 : 1)} månader` : months % 12 === 0 ? `${months / 12} år` : `${sv(months / 12, 1)} år`;

/** "Difteri, ..., Hib" → "difteri, ..., Hib": lower-case the first letter only, abbreviations keep theirs. */
const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);

// WHO growth standard medians (both sexes, rounded); the child's own curve is a fixed offset.
const GROWTH: readonly (readonly [number, number, number, number])[] = [
  [0, 3.4, 50, 34.5], [1, 4.5, 54.5, 37], [3, 6.2, 61, 40.5], [6, 7.9, 67, 43], [12, 9.6, 75.5, 46],
  [18, 10.9, 82, 47.3], [24, 12.2, 87, 48], [36, 14.3, 96, 49], [48, 16.3, 103, 50], [60, 18.3, 110, 50.5],
];

function growthValues(months: number, sex: Sex, z: number): MeasuredValue[] {
  const i = Math.max(0, GROWTH.findIndex(([m]) => m > months) - 1);
  const [m0, w0, l0, h0] = GROWTH[i]!;
  const [m1, w1, l1, h1] = GROWTH[Math.min(i + 1, GROWTH.length - 1)]!;
  const f = m1 === m0 ? 0 : (months - m0) / (m1 - m0);
  const lerp = (a: number, b: number) => a + (b - a) * f;
  const sexFactor = sex === 'male' ? 1.03 : 0.98;
  const weight = round(lerp(w0, w1) * sexFactor * (1 + 0.1 * z), 2);
  const length = round(lerp(l0, l1) * (1 + 0.035 * z) * (sex === 'male' ? 1.01 : 0.995), 1);
  const values: MeasuredValue[] = [
    { name: 'Vikt', value: sv(weight, 2), numeric: weight, unit: 'kg' },
    { name: 'Längd', value: sv(length, 1), numeric: length, unit: 'cm' },
  ];
  if (months <= 18) {
    const head = round(lerp(h0, h1) * (1 + 0.03 * z), 1);
    values.push({ name: 'Huvudomfång', value: sv(head, 1), numeric: head, unit: 'cm' });
  }
  return values;
}

function bvcText(months: number, values: readonly MeasuredValue[], vaccines: readonly string[]): string {
  const measures = values.map((v) => `${v.name.toLowerCase()} ${v.value} ${v.unit}`).join(', ');
  const development =
    months <= 1.5 ? 'Ler socialt, följer med blicken. Äter bra, går upp i vikt enligt sin kurva.'
    : months <= 6 ? 'Jollrar, griper efter leksaker, vänder sig från mage till rygg. Föräldrarna beskriver god sömn och aptit.'
    : months <= 12 ? 'Sitter stadigt, kryper och drar sig upp till stående. Säger enstaka stavelser. Smakportioner och familjemat fungerar bra.'
    : months <= 18 ? 'Går själv, säger flera ord och förstår enkla uppmaningar.'
    : months <= 36 ? 'Talar i meningar, leker med andra barn. Språkutveckling utan anmärkning.'
    : 'Syn- och hörselkontroll utan anmärkning. Ritar människa med huvud och kropp, klarar av påklädning själv.';
  return [
    `Aktuellt: Hälsobesök ${bvcAge(months)}. Föräldrarna mår bra och har inga särskilda frågor.`,
    `Tillväxt: ${measures[0]!.toUpperCase()}${measures.slice(1)}. Följer sin tillväxtkurva.`,
    `Utveckling: ${development}`,
    vaccines.length > 0 ? `Vaccination: Enligt barnvaccinationsprogrammet mot ${vaccines.join(' samt ')}. Ingen reaktion under väntetiden.` : '',
    `Bedömning: Friskt barn med normal tillväxt och utveckling. Nästa besök enligt programmet.`,
  ].filter((p) => p !== '').join('\n\n');
}

