import { MAX_DAYS, policyProblems } from '../../admin/rules/schema.js';
import { sameSubstance } from '../../admin/rules/diff.js';
import type { EffectiveFrom } from '../../admin/rules/versions.js';
import { isHsaId } from '../../domain/identifiers/index.js';
import { INFO_TYPES, RESULT_INFO_TYPES, type InfoType, type ResultInfoType } from '../../domain/record.js';
import { fromSwedishWallClock, parseIsoDate, swedishDate, type IsoDate } from '../../domain/time.js';
import type {
  Basis,
  Delay,
  DisclosurePolicy,
  ExcludedCareUnit,
  ExcludedTerm,
  HiddenInfoType,
  NoteScope,
  RadrumRule,
  ScopedDelay,
  StartDate,
  UnsignedNotesRule,
} from '../../disclosure/policy.js';

/**
 * The rules edit form as plain fields, both ways: a policy to the values the form shows, and
 * the posted values back to a draft policy with an error per field. Clauses the administrator
 * did not change keep their basis (the seed's words); changed ones get an administrator basis
 * with the comment given, so the public page says which rules were changed and why.
 */

export type FormValues = Record<string, string | string[] | undefined>;
export interface Words {
  readonly sv: string;
  readonly en: string;
}
export type FieldErrors = Map<string, Words>;

export const DELAY_KINDS = ['immediately', 'afterDays', 'never'] as const;
export const RADRUM_KINDS = ['none', 'mandatory', 'residentChoice'] as const;
export const NOTE_SCOPES = ['allNotes', 'signedNotes', 'unsignedNotes'] as const;
export const UNSIGNED_KINDS = ['immediately', 'never', 'afterDays', 'residentChoice'] as const;
export const INPATIENT_CHOICES = ['any', 'yes', 'no'] as const;
/** Empty rows offered for new scoped delays. */
export const NEW_SCOPED_ROWS = 1;

/** A form field as one string; anything else (a JSON body's numbers or objects) reads as empty, never a crash. */
export const one = (v: unknown): string => (Array.isArray(v) ? (typeof v[0] === 'string' ? v[0] : '') : typeof v === 'string' ? v : '').trim();
export const many = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v]);

const resultField = (t: ResultInfoType, which: 'validated' | 'unvalidated', part: 'kind' | 'days') => `${t}_${which}_${part}`;
export { resultField };

const delayToFields = (d: Delay): [string, string] => [d.kind, d.kind === 'afterDays' ? String(d.days) : ''];

/** The values the form shows for a policy. */
export function policyToForm(p: DisclosurePolicy): FormValues {
  const v: FormValues = {};
  v.radrum_kind = p.radrum.kind;
  v.radrum_days = p.radrum.kind === 'none' ? '' : String(p.radrum.days);
  v.radrum_scope = p.radrum.kind === 'none' ? 'allNotes' : p.radrum.appliesTo;
  [v.signed_kind, v.signed_days] = delayToFields(p.signedNotes.delay);
  v.unsigned_kind = p.unsignedNotes.kind;
  v.unsigned_days = p.unsignedNotes.kind === 'afterDays' ? String(p.unsignedNotes.days) : '';
  v.unsigned_lock = p.unsignedNotes.kind === 'afterDays' && p.unsignedNotes.requiresLock ? 'on' : '';
  for (const t of RESULT_INFO_TYPES) {
    [v[resultField(t, 'validated', 'kind')], v[resultField(t, 'validated', 'days')]] = delayToFields(p.results[t].validated);
    [v[resultField(t, 'unvalidated', 'kind')], v[resultField(t, 'unvalidated', 'days')]] = delayToFields(p.results[t].unvalidated);
  }
  v.shown = INFO_TYPES.filter((t) => !p.hiddenInfoTypes.some((h) => h.infoType === t));
  for (const t of INFO_TYPES) v[`start_${t}`] = p.startDates.filter((s) => s.infoTypes.includes(t)).map((s) => s.from).sort().at(-1) ?? '';
  p.scopedDelays.forEach((d, i) => {
    v[`scoped_${i}_types`] = [...d.infoTypes];
    v[`scoped_${i}_specialty`] = d.specialty ?? '';
    v[`scoped_${i}_inpatient`] = d.inpatient === undefined ? 'any' : d.inpatient ? 'yes' : 'no';
    v[`scoped_${i}_days`] = String(d.days);
    v[`scoped_${i}_label_sv`] = d.label.sv;
    v[`scoped_${i}_label_en`] = d.label.en;
  });
  v.scoped_count = String(p.scopedDelays.length + NEW_SCOPED_ROWS);
  v.excluded_units = p.excludedCareUnits.map((u) => (u.name ? `${u.hsaId} ${u.name}` : u.hsaId)).join('\n');
  v.excluded_keywords = p.excludedKeywords.map((k) => k.value).join('\n');
  v.excluded_templates = p.excludedTemplates.map((k) => k.value).join('\n');
  v.effective = 'now';
  return v;
}

export interface ParsedForm {
  readonly draft: DisclosurePolicy | null;
  readonly errors: FieldErrors;
  readonly effective: EffectiveFrom | null;
  readonly comment: string;
}

/** The posted form as a draft policy built on `base` (the version in force), or errors per field. */
export function formToPolicy(values: FormValues, base: DisclosurePolicy, now: Date): ParsedForm {
  const errors: FieldErrors = new Map();
  const err = (field: string, sv: string, en: string) => {
    if (!errors.has(field)) errors.set(field, { sv, en });
  };
  const comment = one(values.comment);
  if (comment.length > 500) err('comment', 'Motiveringen får vara högst 500 tecken.', 'The reason may be at most 500 characters.');
  const admin: Basis = comment ? { kind: 'administrator', comment } : { kind: 'administrator' };

  const days = (field: string): number => {
    const text = one(values[field]);
    if (text === '') return err(field, 'Ange antal dagar.', 'Enter a number of days.'), 0;
    if (/^-\d+$/.test(text)) return err(field, 'Antal dagar kan inte vara negativt.', 'The number of days cannot be negative.'), 0;
    if (!/^\d+$/.test(text)) return err(field, 'Ange antal dagar som ett heltal, till exempel 14.', 'Enter the number of days as a whole number, for example 14.'), 0;
    const n = Number(text);
    if (n > MAX_DAYS) return err(field, `Högst ${MAX_DAYS} dagar. Välj ”Visas inte” för något som aldrig ska visas.`, `At most ${MAX_DAYS} days. Choose “Not shown” for something never to be shown.`), 0;
    return n;
  };
  const choice = <T extends string>(field: string, allowed: readonly T[]): T => {
    const text = one(values[field]);
    if ((allowed as readonly string[]).includes(text)) return text as T;
    err(field, 'Välj ett av alternativen.', 'Choose one of the options.');
    return allowed[0]!;
  };
  const delay = (kindField: string, daysField: string): Delay => {
    const kind = choice(kindField, DELAY_KINDS);
    return kind === 'afterDays' ? { kind, days: days(daysField) } : { kind };
  };
  const infoTypes = (field: string): InfoType[] => {
    const out: InfoType[] = [];
    for (const t of many(values[field])) {
      if ((INFO_TYPES as readonly string[]).includes(t)) out.push(t as InfoType);
      else err(field, `Okänd informationstyp: ”${t.slice(0, 40)}”.`, `Unknown information type: “${t.slice(0, 40)}”.`);
    }
    return out;
  };

  const radrumKind = choice('radrum_kind', RADRUM_KINDS);
  const radrum: RadrumRule =
    radrumKind === 'none' ? { kind: 'none', basis: admin } : { kind: radrumKind, days: days('radrum_days'), appliesTo: choice('radrum_scope', NOTE_SCOPES), basis: admin };
  const signedNotes = { delay: delay('signed_kind', 'signed_days'), basis: admin };
  const unsignedKind = choice('unsigned_kind', UNSIGNED_KINDS);
  const unsignedNotes: UnsignedNotesRule =
    unsignedKind === 'afterDays' ? { kind: 'afterDays', days: days('unsigned_days'), requiresLock: one(values.unsigned_lock) === 'on', basis: admin } : { kind: unsignedKind, basis: admin };
  const results = Object.fromEntries(
    RESULT_INFO_TYPES.map((t) => [
      t,
      { validated: delay(resultField(t, 'validated', 'kind'), resultField(t, 'validated', 'days')), unvalidated: delay(resultField(t, 'unvalidated', 'kind'), resultField(t, 'unvalidated', 'days')), basis: admin },
    ]),
  ) as Record<ResultInfoType, DisclosurePolicy['results'][ResultInfoType]>;

  const shown = infoTypes('shown');
  const hiddenInfoTypes: HiddenInfoType[] = INFO_TYPES.filter((t) => !shown.includes(t)).map((infoType) => ({ infoType, basis: admin }));

  const byDate = new Map<IsoDate, InfoType[]>();
  for (const t of INFO_TYPES) {
    const text = one(values[`start_${t}`]);
    if (text === '') continue;
    const date = parseIsoDate(text);
    if (!date) {
      err(`start_${t}`, 'Ange ett datum som ÅÅÅÅ-MM-DD, till exempel 2015-01-01.', 'Enter a date as YYYY-MM-DD, for example 2015-01-01.');
      continue;
    }
    byDate.set(date, [...(byDate.get(date) ?? []), t]);
  }
  const startDates: StartDate[] = [...byDate.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([from, types]) => ({ infoTypes: types, from, basis: admin }));

  const scopedDelays: ScopedDelay[] = [];
  const rows = Math.min(Number(one(values.scoped_count)) || 0, 50);
  for (let i = 0; i < rows; i++) {
    const f = (name: string) => `scoped_${i}_${name}`;
    const types = infoTypes(f('types'));
    const texts = [f('specialty'), f('days'), f('label_sv'), f('label_en')].map((n) => one(values[n]));
    const blank = types.length === 0 && texts.every((t) => t === '');
    if (blank || one(values[f('remove')]) === 'on') continue;
    if (types.length === 0) err(f('types'), 'Välj minst en informationstyp.', 'Choose at least one information type.');
    const d = days(f('days'));
    const labelSv = one(values[f('label_sv')]);
    const labelEn = one(values[f('label_en')]);
    if (labelSv === '') err(f('label_sv'), 'Beskriv vad regeln gäller, på svenska.', 'Describe what the rule covers, in Swedish.');
    if (labelEn === '') err(f('label_en'), 'Beskriv vad regeln gäller, på engelska.', 'Describe what the rule covers, in English.');
    const specialty = one(values[f('specialty')]);
    const inpatient = choice(f('inpatient'), INPATIENT_CHOICES);
    scopedDelays.push({
      infoTypes: types,
      ...(specialty ? { specialty } : {}),
      ...(inpatient === 'any' ? {} : { inpatient: inpatient === 'yes' }),
      days: d,
      label: { sv: labelSv.slice(0, 200), en: labelEn.slice(0, 200) },
      basis: admin,
    });
  }

  const excludedCareUnits: ExcludedCareUnit[] = [];
  for (const line of lines(values.excluded_units)) {
    const [hsaId = '', ...name] = line.split(/\s+/);
    if (!isHsaId(hsaId)) {
      err('excluded_units', `”${hsaId.slice(0, 40)}” är inte ett HSA-id. Skriv ett HSA-id per rad, till exempel SE2321000016-15CQ, och gärna enhetens namn efter.`, `“${hsaId.slice(0, 40)}” is not an HSA-id. Write one HSA-id per line, for example SE2321000016-15CQ, optionally followed by the unit's name.`);
      continue;
    }
    const unitName = name.join(' ').slice(0, 200);
    excludedCareUnits.push({ hsaId, ...(unitName ? { name: unitName } : {}), basis: admin });
  }
  const terms = (field: string): ExcludedTerm[] =>
    lines(values[field]).flatMap((value) => {
      if (value.length > 200) return err(field, 'Högst 200 tecken per rad.', 'At most 200 characters a line.'), [];
      return [{ value, basis: admin }];
    });
  const excludedKeywords = terms('excluded_keywords');
  const excludedTemplates = terms('excluded_templates');

  const effective = parseEffective(values, now, err);

  if (errors.size > 0) return { draft: null, errors, effective, comment };
  const draft = keepBases(
    { ...base, radrum, signedNotes, unsignedNotes, results, hiddenInfoTypes, startDates, scopedDelays, excludedCareUnits, excludedKeywords, excludedTemplates },
    base,
  );
  // The form builds only valid policies; this is the last guard before anything is stored.
  const [problem] = policyProblems(draft);
  if (problem) err('form', `Reglerna kunde inte tolkas (${problem.pointer}).`, `The rules could not be read (${problem.pointer}: ${problem.message}).`);
  return { draft: errors.size > 0 ? null : draft, errors, effective, comment };
}

function lines(v: string | string[] | undefined): string[] {
  return one(v)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function parseEffective(values: FormValues, now: Date, err: (field: string, sv: string, en: string) => void): EffectiveFrom | null {
  const kind = one(values.effective);
  if (kind === 'now' || kind === '') return 'now';
  if (kind !== 'later') return err('effective', 'Välj när ändringen ska gälla.', 'Choose when the change takes effect.'), null;
  const text = one(values.effective_at);
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/.exec(text);
  if (!m || !parseIsoDate(`${m[1]}-${m[2]}-${m[3]}`) || Number(m[4]) > 23 || Number(m[5]) > 59) {
    return err('effective_at', 'Ange datum och tid som ÅÅÅÅ-MM-DD TT:MM, svensk tid.', 'Enter the date and time as YYYY-MM-DD HH:MM, Swedish time.'), null;
  }
  const at = fromSwedishWallClock(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  if (at.getTime() < now.getTime()) {
    return err('effective_at', `Tidpunkten har redan passerat. Välj ”Direkt” eller en tid efter i dag ${swedishDate(now)}.`, `That moment has passed. Choose “Now” or a time later than today ${swedishDate(now)}.`), null;
  }
  return at;
}

/** Clauses (and list entries) whose substance is unchanged keep the base's clause and basis. */
function keepBases(draft: DisclosurePolicy, base: DisclosurePolicy): DisclosurePolicy {
  const keep = <T>(next: T, prev: T): T => (sameSubstance(next, prev) ? prev : next);
  const keepEach = <T>(next: readonly T[], prev: readonly T[]): T[] => next.map((n) => prev.find((p) => sameSubstance(n, p)) ?? n);
  return {
    ...draft,
    radrum: keep(draft.radrum, base.radrum),
    signedNotes: keep(draft.signedNotes, base.signedNotes),
    unsignedNotes: keep(draft.unsignedNotes, base.unsignedNotes),
    results: Object.fromEntries(RESULT_INFO_TYPES.map((t) => [t, keep(draft.results[t], base.results[t])])) as DisclosurePolicy['results'],
    hiddenInfoTypes: keepEach(draft.hiddenInfoTypes, base.hiddenInfoTypes),
    startDates: keepEach(draft.startDates, base.startDates),
    scopedDelays: keepEach(draft.scopedDelays, base.scopedDelays),
    excludedCareUnits: keepEach(draft.excludedCareUnits, base.excludedCareUnits),
    excludedKeywords: keepEach(draft.excludedKeywords, base.excludedKeywords),
    excludedTemplates: keepEach(draft.excludedTemplates, base.excludedTemplates),
  };
}

export type { NoteScope };
