import type { AdminRole } from '../../admin/roles.js';
import { INFO_TYPE_NAMES, RESULT_INFO_TYPES, type InfoType, type ResultInfoType } from '../../domain/record.js';
import type { Lang } from '../i18n.js';

/** Words of the admin pages, Swedish first; a pair per phrase so neither language can be missing. */

export const say = (lang: Lang) => (sv: string, en: string) => (lang === 'sv' ? sv : en);

export const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
export const typeName = (t: InfoType, lang: Lang) => capital(INFO_TYPE_NAMES[t][lang]);

export const ROLE_WORDS: Record<AdminRole, { sv: string; en: string; allowsSv: string; allowsEn: string }> = {
  operator: {
    sv: 'Nationell operatör',
    en: 'National operator',
    allowsSv: 'Du kan läsa och ändra alla regioners regler, undantag för 13–15-åringar och spärrar av vårdnadshavare.',
    allowsEn: 'You can read and change every region’s rules, exceptions for 13-15 year olds and blocks of guardians.',
  },
  careProviderAdmin: {
    sv: 'Vårdgivaradministratör',
    en: 'Care provider administrator',
    allowsSv: 'Du kan läsa och ändra reglerna för din region, och undantag och spärrar för dess vårdenheter.',
    allowsEn: 'You can read and change your region’s rules, and exceptions and blocks for its care units.',
  },
  auditor: {
    sv: 'Granskare',
    en: 'Auditor',
    allowsSv: 'Du kan läsa alla regioners regler och deras historik, men inte ändra något.',
    allowsEn: 'You can read every region’s rules and their history, but change nothing.',
  },
};

export const DELAY_WORDS = {
  immediately: { sv: 'Visas direkt', en: 'Shown directly' },
  afterDays: { sv: 'Visas efter ett antal dagar', en: 'Shown after a number of days' },
  never: { sv: 'Visas inte', en: 'Not shown' },
};
export const RADRUM_WORDS = {
  none: { sv: 'Inget rådrum', en: 'No delay' },
  mandatory: { sv: 'Obligatoriskt rådrum för alla', en: 'Mandatory delay for everyone' },
  residentChoice: { sv: 'Invånaren kan välja rådrum', en: 'The resident may choose a delay' },
};
export const SCOPE_WORDS = {
  allNotes: { sv: 'Alla anteckningar', en: 'All notes' },
  signedNotes: { sv: 'Signerade anteckningar', en: 'Signed notes' },
  unsignedNotes: { sv: 'Osignerade anteckningar', en: 'Unsigned notes' },
};
export const UNSIGNED_WORDS = {
  immediately: { sv: 'Visas direkt', en: 'Shown directly' },
  never: { sv: 'Visas inte', en: 'Not shown' },
  afterDays: { sv: 'Visas efter ett antal dagar', en: 'Shown after a number of days' },
  residentChoice: { sv: 'Invånaren väljer själv', en: 'The resident chooses' },
};
export const INPATIENT_WORDS = {
  any: { sv: 'Både öppen- och slutenvård', en: 'Both outpatient and inpatient care' },
  yes: { sv: 'Bara slutenvård', en: 'Inpatient care only' },
  no: { sv: 'Bara öppenvård', en: 'Outpatient care only' },
};

/** What a form field is called, for the error summary ("Rådrum – antal dagar: ..."). */
export function fieldLabel(field: string, lang: Lang): string {
  const t = say(lang);
  const fixed: Record<string, string> = {
    radrum_kind: t('Rådrum', 'Delay (rådrum)'),
    radrum_days: t('Rådrum – antal dagar', 'Delay – number of days'),
    radrum_scope: t('Rådrum – gäller', 'Delay – applies to'),
    signed_kind: t('Signerade anteckningar', 'Signed notes'),
    signed_days: t('Signerade anteckningar – antal dagar', 'Signed notes – number of days'),
    unsigned_kind: t('Osignerade anteckningar', 'Unsigned notes'),
    unsigned_days: t('Osignerade anteckningar – antal dagar', 'Unsigned notes – number of days'),
    shown: t('Informationstyper som visas', 'Information types shown'),
    excluded_units: t('Undantagna vårdenheter', 'Excluded care units'),
    excluded_keywords: t('Undantagna sökord', 'Excluded keywords'),
    excluded_templates: t('Undantagna mallar', 'Excluded templates'),
    comment: t('Motivering', 'Reason'),
    effective: t('Gäller från', 'Takes effect'),
    effective_at: t('Gäller från – datum och tid', 'Takes effect – date and time'),
    personnummer: t('Personnummer', 'Personal identity number'),
    date: t('Datum', 'Date'),
    version: t('Version', 'Version'),
    kind: t('Typ av undantag', 'Kind of exception'),
    child: t('Barnets personnummer', 'The child’s personal identity number'),
    guardian: t('Vårdnadshavarens personnummer', 'The guardian’s personal identity number'),
    careUnit: t('Vårdenhet (HSA-id)', 'Care unit (HSA-id)'),
    validFrom: t('Gäller från', 'Valid from'),
    validTo: t('Gäller till och med', 'Valid until'),
    form: t('Formuläret', 'The form'),
    subject: t('Invånarens personnummer', 'The resident’s personal identity number'),
    resident: t('Invånarens personnummer', 'The resident’s personal identity number'),
    sealKind: t('Vad ska förseglas?', 'What is sealed?'),
    sealUnit: t('Vårdenhet (HSA-id)', 'Care unit (HSA-id)'),
    sealProvider: t('Vårdgivare (HSA-id)', 'Care provider (HSA-id)'),
    sealFrom: t('Från och med', 'From'),
    sealTo: t('Till och med', 'Until'),
  };
  if (fixed[field]) return fixed[field];
  for (const r of RESULT_INFO_TYPES) {
    for (const which of ['validated', 'unvalidated'] as const) {
      const base = `${typeName(r as ResultInfoType, lang)} – ${which === 'validated' ? t('vidimerade', 'validated') : t('ovidimerade', 'unvalidated')}`;
      if (field === `${r}_${which}_kind`) return base;
      if (field === `${r}_${which}_days`) return `${base} – ${t('antal dagar', 'number of days')}`;
    }
  }
  const start = /^start_(\w+)$/.exec(field);
  if (start) return `${t('Startdatum', 'Start date')} – ${INFO_TYPE_NAMES[start[1] as InfoType]?.[lang] ?? start[1]}`;
  const scoped = /^scoped_(\d+)_(\w+)$/.exec(field);
  if (scoped) {
    const part: Record<string, string> = {
      types: t('informationstyper', 'information types'),
      specialty: t('specialitet', 'specialty'),
      inpatient: t('vårdform', 'kind of care'),
      days: t('antal dagar', 'number of days'),
      label_sv: t('beskrivning på svenska', 'description in Swedish'),
      label_en: t('beskrivning på engelska', 'description in English'),
    };
    return `${t('Särskilt rådrum', 'Special delay')} ${Number(scoped[1]) + 1} – ${part[scoped[2]!] ?? scoped[2]}`;
  }
  return field;
}
