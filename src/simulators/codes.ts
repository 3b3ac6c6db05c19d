import type { CodedValue, ReferenceInterval } from '../domain/record.js';
import type { Sex } from '../domain/identifiers/index.js';

/**
 * The code lists the synthetic record draws on: ICD-10-SE diagnoses, NPU lab analyses with
 * Swedish reference intervals, ATC-coded medicines and vaccines under Swedish product names,
 * alert categories. Codes and names are the public classifications'; intervals are typical of
 * Swedish laboratories (NORIP-style) and are for synthetic data, not for clinical use.
 */

export const ICD10SE = { codeSystem: '1.2.752.116.1.1.1', codeSystemName: 'ICD-10-SE' } as const;
export const NPU = { codeSystem: '1.2.752.108.1', codeSystemName: 'NPU' } as const;
// The WHO ATC classification's OID as HL7 registers it.
export const ATC = { codeSystem: '2.16.840.1.113883.6.73', codeSystemName: 'ATC' } as const;
/** KV Anteckningstyp (clinicalDocumentNoteCode). */
export const NOTE_TYPE = { codeSystem: '1.2.752.129.2.2.2.11', codeSystemName: 'KV Anteckningstyp' } as const;
/** KV Vårdkontakttyp (careContactCode). */
export const CONTACT_TYPE = { codeSystem: '1.2.752.129.2.2.2.25', codeSystemName: 'KV Vårdkontakttyp' } as const;
/** HSA Befattning, for the doctors' role codes. */
export const BEFATTNING = { codeSystem: '1.2.752.129.2.2.1.4', codeSystemName: 'Befattning HSA' } as const;

export const DIAGNOSES = {
  I10: 'Essentiell hypertoni',
  'E11.9': 'Diabetes mellitus typ 2 utan komplikationer',
  'J45.9': 'Astma, ospecificerad',
  'E03.9': 'Hypotyreos, ospecificerad',
  'F32.1': 'Medelsvår depressiv episod',
  'F32.2': 'Svår depressiv episod utan psykotiska symtom',
  'F41.1': 'Generaliserat ångestsyndrom',
  'I48.9': 'Förmaksflimmer och förmaksfladder, ospecificerat',
  'J06.9': 'Akut övre luftvägsinfektion, ospecificerad',
  'J18.9': 'Pneumoni, ospecificerad',
  'N30.0': 'Akut cystit',
  'H66.9': 'Mellanöreinflammation, ospecificerad',
  'A09.9': 'Gastroenterit och kolit av ospecificerat ursprung',
  'S93.4': 'Stukning och distorsion av fotleden',
  'S52.5': 'Fraktur på nedre delen av radius',
  'R07.4': 'Bröstsmärtor, ospecificerade',
  'M54.5': 'Lumbago',
  'L20.9': 'Atopiskt eksem, ospecificerat',
  'L40.0': 'Psoriasis vulgaris',
  'D22.5': 'Melanocytärt nevus på bålen',
  'H25.9': 'Senil katarakt, ospecificerad',
  'D50.9': 'Järnbristanemi, ospecificerad',
  'K35.8': 'Akut appendicit, annan och ospecificerad',
  'R50.9': 'Feber, ospecificerad',
  'N92.0': 'Riklig och frekvent menstruation med regelbunden menstruationscykel',
  'Z00.0': 'Allmän medicinsk undersökning',
  'Z00.1': 'Rutinmässig hälsokontroll av barn',
} as const;

export type DiagnosisCode = keyof typeof DIAGNOSES;

export const diagnosisCode = (code: DiagnosisCode): CodedValue => ({ code, ...ICD10SE, displayName: DIAGNOSES[code] });

// ---- Laboratory --------------------------------------------------------------------------------

export interface Analysis {
  /** Short Swedish name, as on a lab report ("B-Hb"). */
  readonly name: string;
  readonly longName: string;
  readonly npu?: string;
  readonly unit: string;
  readonly decimals: number;
  /** Reference interval; by sex where it differs; for children where it differs. */
  readonly interval: (sex: Sex, age: number) => { low?: number; high?: number };
  /** Typical value in health (mean, sd). */
  readonly typical: (sex: Sex, age: number) => readonly [number, number];
}

const bySex = (female: { low?: number; high?: number }, male: { low?: number; high?: number }) => (sex: Sex) => (sex === 'female' ? female : male);

export const ANALYSES = {
  hb: {
    name: 'B-Hb', longName: 'Hemoglobin', npu: 'NPU02319', unit: 'g/L', decimals: 0,
    interval: (sex: Sex, age: number) => (age < 13 ? { low: 105, high: 140 } : sex === 'female' ? { low: 117, high: 153 } : { low: 134, high: 170 }),
    typical: (sex: Sex, age: number) => (age < 13 ? [122, 7] : sex === 'female' ? [134, 8] : [150, 8]),
  },
  lpk: {
    name: 'B-LPK', longName: 'Leukocyter', npu: 'NPU02593', unit: '10*9/L', decimals: 1,
    interval: () => ({ low: 3.5, high: 8.8 }), typical: () => [6.2, 1.2],
  },
  tpk: {
    name: 'B-TPK', longName: 'Trombocyter', npu: 'NPU03568', unit: '10*9/L', decimals: 0,
    interval: bySex({ low: 165, high: 387 }, { low: 145, high: 348 }), typical: () => [250, 45],
  },
  crp: {
    name: 'P-CRP', longName: 'C-reaktivt protein', npu: 'NPU19748', unit: 'mg/L', decimals: 0,
    interval: () => ({ high: 5 }), typical: () => [2, 1],
  },
  glukos: {
    name: 'P-Glukos', longName: 'Glukos', npu: 'NPU02192', unit: 'mmol/L', decimals: 1,
    interval: () => ({ low: 4.0, high: 6.0 }), typical: () => [5.2, 0.4],
  },
  hba1c: {
    name: 'B-HbA1c', longName: 'Hemoglobin A1c (IFCC)', npu: 'NPU27300', unit: 'mmol/mol', decimals: 0,
    interval: () => ({ low: 27, high: 42 }), typical: () => [36, 3],
  },
  krea: {
    name: 'P-Kreatinin', longName: 'Kreatinin', npu: 'NPU04998', unit: 'µmol/L', decimals: 0,
    interval: (sex: Sex, age: number) => (age < 13 ? { low: 15, high: 60 } : sex === 'female' ? { low: 45, high: 90 } : { low: 60, high: 105 }),
    typical: (sex: Sex, age: number) => (age < 13 ? [35, 8] : sex === 'female' ? [66, 9] : [82, 10]),
  },
  kalium: {
    name: 'P-Kalium', longName: 'Kalium', npu: 'NPU03230', unit: 'mmol/L', decimals: 1,
    interval: () => ({ low: 3.5, high: 4.4 }), typical: () => [4.0, 0.2],
  },
  natrium: {
    name: 'P-Natrium', longName: 'Natrium', npu: 'NPU03429', unit: 'mmol/L', decimals: 0,
    interval: () => ({ low: 137, high: 145 }), typical: () => [140, 1.5],
  },
  tsh: {
    name: 'P-TSH', longName: 'Tyreoideastimulerande hormon', npu: 'NPU03577', unit: 'mIU/L', decimals: 2,
    interval: () => ({ low: 0.4, high: 4.0 }), typical: () => [1.8, 0.6],
  },
  ft4: {
    name: 'P-T4, fritt', longName: 'Tyroxin, fritt', npu: 'NPU03579', unit: 'pmol/L', decimals: 0,
    interval: () => ({ low: 12, high: 22 }), typical: () => [16, 2],
  },
  kolesterol: {
    name: 'P-Kolesterol', longName: 'Kolesterol', npu: 'NPU01566', unit: 'mmol/L', decimals: 1,
    interval: () => ({ high: 5.0 }), typical: () => [4.8, 0.7],
  },
  ldl: {
    name: 'P-LDL-kolesterol', longName: 'LDL-kolesterol', npu: 'NPU01568', unit: 'mmol/L', decimals: 1,
    interval: () => ({ high: 3.0 }), typical: () => [2.8, 0.6],
  },
  alat: {
    name: 'P-ALAT', longName: 'Alaninaminotransferas', npu: 'NPU19651', unit: 'µkat/L', decimals: 2,
    interval: bySex({ high: 0.76 }, { high: 1.1 }), typical: () => [0.4, 0.12],
  },
  ferritin: {
    name: 'P-Ferritin', longName: 'Ferritin', npu: 'NPU19763', unit: 'µg/L', decimals: 0,
    interval: bySex({ low: 10, high: 150 }, { low: 30, high: 400 }), typical: (sex: Sex) => (sex === 'female' ? [60, 25] : [140, 50]),
  },
  // High-sensitive troponin T: laboratories report it under local codes, so no NPU code here.
  troponin: {
    name: 'P-Troponin T', longName: 'Troponin T (högkänslig)', unit: 'ng/L', decimals: 0,
    interval: () => ({ high: 15 }), typical: () => [6, 2],
  },
} as const satisfies Record<string, Analysis>;

export type AnalysisKey = keyof typeof ANALYSES;

/** The interval as a Swedish report writes it: decimal comma, "3,5-4,4", "<5". */
export const intervalText = (i: { low?: number; high?: number }): string => {
  const n = (v: number) => String(v).replace('.', ',');
  return i.low !== undefined && i.high !== undefined ? `${n(i.low)}-${n(i.high)}` : i.high !== undefined ? `<${n(i.high)}` : `>${n(i.low ?? 0)}`;
};

export const referenceInterval = (i: { low?: number; high?: number }): ReferenceInterval => ({ ...i, text: intervalText(i) });

export const LAB_PANELS = {
  blodstatus: { title: 'Blodstatus', analyses: ['hb', 'lpk', 'tpk'] },
  infektion: { title: 'Blodstatus, CRP', analyses: ['hb', 'lpk', 'crp'] },
  crp: { title: 'CRP', analyses: ['crp'] },
  hypertoni: { title: 'Elektrolytstatus, kreatinin', analyses: ['natrium', 'kalium', 'krea'] },
  diabetes: { title: 'Diabeteskontroll', analyses: ['hba1c', 'glukos', 'krea', 'kolesterol', 'ldl'] },
  tyreoidea: { title: 'Tyreoideaprover', analyses: ['tsh', 'ft4'] },
  halsokontroll: { title: 'Hälsokontroll', analyses: ['hb', 'glukos', 'krea', 'kolesterol', 'alat'] },
  anemi: { title: 'Anemiutredning', analyses: ['hb', 'ferritin', 'tpk'] },
  brostsmarta: { title: 'Akutprover bröstsmärta', analyses: ['troponin', 'hb', 'krea', 'kalium', 'crp'] },
} as const satisfies Record<string, { title: string; analyses: readonly AnalysisKey[] }>;

export type LabPanel = keyof typeof LAB_PANELS;

// ---- Medicines -----------------------------------------------------------------------------

export interface Medicine {
  readonly atc: string;
  readonly substance: string;
  readonly product: string;
  readonly dosage: string;
  /** Days of treatment; undefined for continuous treatment. */
  readonly days?: number;
  readonly purpose: string;
}

export const MEDICINES = {
  amlodipin: { atc: 'C08CA01', substance: 'Amlodipin', product: 'Amlodipin Teva 5 mg tablett', dosage: '1 tablett 1 gång dagligen', purpose: 'Mot högt blodtryck' },
  enalapril: { atc: 'C09AA02', substance: 'Enalapril', product: 'Enalapril Sandoz 10 mg tablett', dosage: '1 tablett 1 gång dagligen', purpose: 'Mot högt blodtryck' },
  metformin: { atc: 'A10BA02', substance: 'Metformin', product: 'Metformin Teva 500 mg filmdragerad tablett', dosage: '1 tablett 2 gånger dagligen i samband med måltid', purpose: 'Mot diabetes' },
  budesonid: { atc: 'R03BA02', substance: 'Budesonid', product: 'Pulmicort Turbuhaler 200 mikrogram/dos inhalationspulver', dosage: '1 inhalation 2 gånger dagligen. Skölj munnen efteråt', purpose: 'Mot astma, förebyggande' },
  salbutamol: { atc: 'R03AC02', substance: 'Salbutamol', product: 'Ventoline Evohaler 0,1 mg/dos inhalationsspray', dosage: '1-2 inhalationer vid behov, högst 8 inhalationer per dygn', purpose: 'Vid andnöd' },
  levotyroxin: { atc: 'H03AA01', substance: 'Levotyroxin', product: 'Levaxin 50 mikrogram tablett', dosage: '1 tablett på morgonen, en halvtimme före frukost', purpose: 'Mot underfunktion av sköldkörteln' },
  sertralin: { atc: 'N06AB06', substance: 'Sertralin', product: 'Sertralin Accord 50 mg filmdragerad tablett', dosage: '1 tablett 1 gång dagligen', purpose: 'Mot depression' },
  apixaban: { atc: 'B01AF02', substance: 'Apixaban', product: 'Eliquis 5 mg filmdragerad tablett', dosage: '1 tablett 2 gånger dagligen', purpose: 'Blodförtunnande' },
  metoprolol: { atc: 'C07AB02', substance: 'Metoprolol', product: 'Metoprolol Sandoz 50 mg depottablett', dosage: '1 tablett 1 gång dagligen', purpose: 'Mot hjärtklappning' },
  pcv: { atc: 'J01CE02', substance: 'Fenoximetylpenicillin', product: 'Kåvepenin 1 g filmdragerad tablett', dosage: '1 tablett 3 gånger dagligen i 5 dagar', days: 5, purpose: 'Mot infektion' },
  pcvMixtur: { atc: 'J01CE02', substance: 'Fenoximetylpenicillin', product: 'Kåvepenin 50 mg/ml granulat till oral suspension', dosage: 'Enligt ordination efter vikt, 3 gånger dagligen i 5 dagar', days: 5, purpose: 'Mot öroninflammation' },
  nitrofurantoin: { atc: 'J01XE01', substance: 'Nitrofurantoin', product: 'Furadantin 50 mg tablett', dosage: '1 tablett 3 gånger dagligen i 5 dagar', days: 5, purpose: 'Mot urinvägsinfektion' },
  erytromycinMixtur: { atc: 'J01FA01', substance: 'Erytromycin', product: 'Abboticin 40 mg/ml granulat till oral suspension', dosage: 'Enligt ordination efter vikt, 2 gånger dagligen i 5 dagar', days: 5, purpose: 'Mot öroninflammation' },
  pivmecillinam: { atc: 'J01CA08', substance: 'Pivmecillinam', product: 'Selexid 200 mg filmdragerad tablett', dosage: '1 tablett 3 gånger dagligen i 5 dagar', days: 5, purpose: 'Mot urinvägsinfektion' },
  doxycyklin: { atc: 'J01AA02', substance: 'Doxycyklin', product: 'Doxyferm 100 mg tablett', dosage: '2 tabletter första dagen, därefter 1 tablett dagligen i totalt 7 dagar', days: 7, purpose: 'Mot lunginflammation' },
  paracetamol: { atc: 'N02BE01', substance: 'Paracetamol', product: 'Alvedon 500 mg filmdragerad tablett', dosage: '2 tabletter vid behov, högst 3 gånger per dygn', purpose: 'Mot smärta' },
  ibuprofen: { atc: 'M01AE01', substance: 'Ibuprofen', product: 'Ipren 400 mg filmdragerad tablett', dosage: '1 tablett vid behov, högst 3 gånger per dygn, i högst 7 dagar', days: 7, purpose: 'Mot smärta och inflammation' },
  hydrokortison: { atc: 'D07AA02', substance: 'Hydrokortison', product: 'Hydrokortison Orifarm 1 % kräm', dosage: 'Smörjes tunt på eksemet 1 gång dagligen i 1-2 veckor', days: 14, purpose: 'Mot eksem' },
  betametason: { atc: 'D07AC01', substance: 'Betametason', product: 'Betnovat 0,1 % kutan emulsion', dosage: 'Smörjes på utslagen 1 gång dagligen i högst 4 veckor', days: 28, purpose: 'Mot psoriasis' },
  jarn: { atc: 'B03AA07', substance: 'Järn(II)sulfat', product: 'Duroferon 100 mg depottablett', dosage: '1 tablett 1 gång dagligen i 3 månader', days: 90, purpose: 'Mot järnbrist' },
} as const satisfies Record<string, Medicine>;

export type MedicineKey = keyof typeof MEDICINES;

export const atcCode = (atc: string, displayName: string): CodedValue => ({ code: atc, ...ATC, displayName });

// ---- Vaccines (Folkhälsomyndighetens program för barn; influensa för 65+) -------------------------

export interface Vaccine {
  readonly atc: string;
  readonly product: string;
  readonly disease: string;
}

export const VACCINES = {
  hexa: { atc: 'J07CA09', product: 'Hexyon', disease: 'Difteri, stelkramp, kikhosta, polio, Hib och hepatit B' },
  penta: { atc: 'J07CA06', product: 'Pentavac', disease: 'Difteri, stelkramp, kikhosta, polio och Hib' },
  pneumokock: { atc: 'J07AL02', product: 'Prevenar 13', disease: 'Pneumokocker' },
  rota: { atc: 'J07BH01', product: 'Rotarix', disease: 'Rotavirus' },
  mpr: { atc: 'J07BD52', product: 'M-M-RVAXPRO', disease: 'Mässling, påssjuka och röda hund' },
  dtpPolio: { atc: 'J07CA02', product: 'Tetraxim', disease: 'Difteri, stelkramp, kikhosta och polio' },
  influensa: { atc: 'J07BB02', product: 'Vaxigrip Tetra', disease: 'Säsongsinfluensa' },
  tbe: { atc: 'J07BA01', product: 'FSME-Immun Vuxen', disease: 'TBE (fästingburen hjärninflammation)' },
} as const satisfies Record<string, Vaccine>;

export type VaccineKey = keyof typeof VACCINES;

/** The childhood programme's doses given at the child health centre (BVC), by age in months. */
export const CHILD_PROGRAMME: readonly { readonly months: number; readonly vaccines: readonly VaccineKey[] }[] = [
  { months: 1.5, vaccines: ['rota'] },
  { months: 3, vaccines: ['hexa', 'pneumokock', 'rota'] },
  { months: 5, vaccines: ['hexa', 'pneumokock'] },
  { months: 12, vaccines: ['hexa', 'pneumokock'] },
  { months: 18, vaccines: ['mpr'] },
  { months: 60, vaccines: ['dtpPolio'] },
];

// ---- Alerts (uppmärksamhetsinformation) ---------------------------------------------------------

export interface AlertSpec {
  readonly title: string;
  readonly type: string;
  readonly text: string;
  readonly severity?: string;
  readonly certainty?: string;
  readonly agent?: CodedValue;
}

export const ALERTS = {
  penicillin: {
    title: 'Överkänslighet: Penicilliner', type: 'Överkänslighet', severity: 'Skadande', certainty: 'Bekräftad',
    agent: atcCode('J01C', 'Betalaktamantibakteriella medel, penicilliner'),
    text: 'Utslag och svullnad i ansiktet efter behandling med penicillin V. Undvik penicilliner. Cefalosporiner har tolererats.',
  },
  jordnot: {
    title: 'Överkänslighet: Jordnötter', type: 'Överkänslighet', severity: 'Livshotande', certainty: 'Bekräftad',
    text: 'Anafylaktisk reaktion efter intag av jordnöt. Adrenalinpenna förskriven. Familjen informerad om handläggning vid reaktion.',
  },
  antikoagulantia: {
    title: 'Behandling: Antikoagulantia', type: 'Behandling',
    agent: atcCode('B01AF02', 'Apixaban'),
    text: 'Behandlas med apixaban på grund av förmaksflimmer. Beakta blödningsrisk vid ingrepp.',
  },
  kontrastmedel: {
    title: 'Överkänslighet: Jodkontrastmedel', type: 'Överkänslighet', severity: 'Besvärande', certainty: 'Trolig',
    text: 'Nässelutslag efter datortomografi med jodkontrast. Premedicinering bör övervägas inför ny undersökning med kontrast.',
  },
} as const satisfies Record<string, AlertSpec>;

export type AlertKey = keyof typeof ALERTS;
