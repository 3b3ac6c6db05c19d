import { isRegionCode, type RegionCode } from '../domain/regions.js';

/**
 * HSA's codes, read into the facts the disclosure rules use. Shared by the HSA adapter (reading)
 * and the simulated HSA directory (writing the same codes back), so the two cannot drift apart.
 */

/**
 * Specialties as the rules name them, from HSA's business classification (verksamhet). Matched on
 * the classification's name from HSA's verksamhetskod code list, not on the code: the names are
 * stable and readable, and the code values could not be checked against the list here. Anything
 * named "...psykiatri" (allmän-, barn- och ungdoms-, rätts-, äldre-, neuro-) is psychiatry, since
 * the rules' psychiatric delays protect exactly those patients.
 */
const SPECIALTY_BY_NAME: Readonly<Record<string, string>> = {
  psykiatri: 'psychiatry',
  allmänmedicin: 'general-practice',
  barnhälsovård: 'child-health',
  internmedicin: 'internal-medicine',
  akutsjukvård: 'emergency-medicine',
  kirurgi: 'surgery',
  ortopedi: 'orthopedics',
  'barn- och ungdomsmedicin': 'pediatrics',
  'obstetrik och gynekologi': 'obstetrics-gynecology',
  radiologi: 'radiology',
  'klinisk kemi': 'clinical-chemistry',
  'klinisk fysiologi': 'clinical-physiology',
  'hud- och könssjukvård': 'dermatology',
  ögonsjukvård: 'ophthalmology',
};

/** The HSA business classification name written for one of our specialties (the simulator's side). */
export const BUSINESS_CLASSIFICATION_NAME: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(SPECIALTY_BY_NAME).map(([name, specialty]) => [specialty, name.charAt(0).toLocaleUpperCase('sv') + name.slice(1)]),
);

const PSYCHIATRY = 'psychiatry';

/**
 * The specialty of a unit with these business classifications: psychiatry if any of them is
 * (the stricter rules win), else the first one we have a name for, else HSA's own name of the
 * first (so a rule can still name it), else null.
 */
export function specialtyOf(classifications: readonly { readonly name?: string; readonly code?: string }[]): string | null {
  const names = classifications.flatMap((c) => (c.name === undefined ? [] : [c.name.trim()])).filter((n) => n !== '');
  const lower = names.map((n) => n.toLocaleLowerCase('sv'));
  if (lower.some((n) => n.includes('psykiatri'))) return PSYCHIATRY;
  for (const n of lower) {
    const mapped = SPECIALTY_BY_NAME[n];
    if (mapped !== undefined) return mapped;
  }
  return names[0] ?? null;
}

/** HSA vårdform (careType) codes. */
export const CARE_TYPE = { outpatient: '01', inpatient: '02', homeCare: '03' } as const;

/**
 * Whether notes written at a unit are inpatient notes: HSA's careType says slutenvård (02). A
 * unit whose care type HSA does not state counts as a ward: the rules that name wards only ever
 * delay notes, so an unknown unit waits the longer time rather than showing too early.
 */
export function inpatientOf(careTypes: readonly string[]): boolean {
  if (careTypes.length === 0) return true;
  return careTypes.some((c) => c.trim() === CARE_TYPE.inpatient);
}

/** A county code (länskod) as one of the 21 regions; undefined for anything else. */
export function regionOfCounty(countyCode: string | undefined): RegionCode | undefined {
  const code = countyCode?.trim();
  return isRegionCode(code) ? code : undefined;
}

/**
 * Whether an organisation number is a region's. Regions have legal form 23 ("regioner"), numbers
 * 232100-NNNN; Gotland is a municipality with a region's tasks (212000-0803). Dashes and the
 * century prefix 16 are ignored.
 */
export function isRegionOrganisation(orgNo: string): boolean {
  const digits = orgNo.replace(/[\s-]/g, '').replace(/^16(?=\d{10}$)/, '');
  return /^232100\d{4}$/.test(digits) || digits === '2120000803';
}
