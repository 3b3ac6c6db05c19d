import { INFO_TYPE_NAMES, RESULT_INFO_TYPES, type ResultInfoType } from '../../domain/record.js';
import { formatLongDate } from '../../domain/time.js';
import type { Delay, DisclosurePolicy, NoteScope } from '../../disclosure/policy.js';

/**
 * Which clauses of a policy differ between two versions, in words. Bases are left out of the
 * comparison: a clause whose rule is the same but whose basis moved from the seed to an
 * administrator has not changed what residents see.
 */

export type ClauseKey =
  | 'radrum'
  | 'signedNotes'
  | 'unsignedNotes'
  | `results.${ResultInfoType}`
  | 'hiddenInfoTypes'
  | 'startDates'
  | 'scopedDelays'
  | 'excludedCareUnits'
  | 'excludedKeywords'
  | 'excludedTemplates';

export interface Words {
  readonly sv: string;
  readonly en: string;
}

export interface ClauseChange {
  readonly clause: ClauseKey;
  readonly topic: Words;
  readonly before: Words;
  readonly after: Words;
}

export const CLAUSE_TOPICS: Record<ClauseKey, Words> = {
  radrum: { sv: 'Rådrum', en: 'Delay (rådrum)' },
  signedNotes: { sv: 'Signerade anteckningar', en: 'Signed notes' },
  unsignedNotes: { sv: 'Osignerade anteckningar', en: 'Unsigned notes' },
  'results.labResult': { sv: 'Provsvar', en: 'Lab results' },
  'results.imagingResult': { sv: 'Röntgensvar', en: 'Imaging results' },
  'results.referralOutcome': { sv: 'Remissvar', en: 'Referral answers' },
  hiddenInfoTypes: { sv: 'Informationstyper som inte visas', en: 'Information types not shown' },
  startDates: { sv: 'Startdatum', en: 'Start dates' },
  scopedDelays: { sv: 'Särskilda rådrum', en: 'Special delays' },
  excludedCareUnits: { sv: 'Undantagna vårdenheter', en: 'Excluded care units' },
  excludedKeywords: { sv: 'Undantagna sökord', en: 'Excluded keywords' },
  excludedTemplates: { sv: 'Undantagna mallar', en: 'Excluded templates' },
};

/** A value with every `basis` removed, for comparing what a clause decides. */
export function substance(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(substance);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k, v]) => k !== 'basis' && v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, substance(v)]),
    );
  }
  return value;
}

export const sameSubstance = (a: unknown, b: unknown) => JSON.stringify(substance(a)) === JSON.stringify(substance(b));

const clauseValue = (p: DisclosurePolicy, key: ClauseKey): unknown =>
  key.startsWith('results.') ? p.results[key.slice('results.'.length) as ResultInfoType] : p[key as Exclude<ClauseKey, `results.${string}`>];

export const CLAUSE_KEYS: readonly ClauseKey[] = [
  'radrum',
  'signedNotes',
  'unsignedNotes',
  ...RESULT_INFO_TYPES.map((t) => `results.${t}` as const),
  'hiddenInfoTypes',
  'startDates',
  'scopedDelays',
  'excludedCareUnits',
  'excludedKeywords',
  'excludedTemplates',
];

export function diffPolicies(a: DisclosurePolicy, b: DisclosurePolicy): ClauseChange[] {
  return CLAUSE_KEYS.filter((key) => !sameSubstance(clauseValue(a, key), clauseValue(b, key))).map((clause) => ({
    clause,
    topic: CLAUSE_TOPICS[clause],
    before: clauseWords(a, clause),
    after: clauseWords(b, clause),
  }));
}

const delayWords = (d: Delay): Words =>
  d.kind === 'immediately' ? { sv: 'direkt', en: 'directly' } : d.kind === 'never' ? { sv: 'aldrig', en: 'never' } : { sv: `efter ${d.days} dagar`, en: `after ${d.days} days` };

const scopeWords: Record<NoteScope, Words> = {
  allNotes: { sv: 'alla anteckningar', en: 'all notes' },
  signedNotes: { sv: 'signerade anteckningar', en: 'signed notes' },
  unsignedNotes: { sv: 'osignerade anteckningar', en: 'unsigned notes' },
};

const list = (items: readonly Words[], none: Words): Words =>
  items.length === 0 ? none : { sv: items.map((i) => i.sv).join('; '), en: items.map((i) => i.en).join('; ') };
const NONE: Words = { sv: 'inga', en: 'none' };

/** One clause of a policy in words, for the history and the preview. */
export function clauseWords(p: DisclosurePolicy, key: ClauseKey): Words {
  switch (key) {
    case 'radrum': {
      const r = p.radrum;
      if (r.kind === 'none') return { sv: 'inget rådrum', en: 'no delay' };
      const scope = scopeWords[r.appliesTo];
      return r.kind === 'mandatory'
        ? { sv: `obligatoriskt, ${r.days} dagar, för ${scope.sv}`, en: `mandatory, ${r.days} days, for ${scope.en}` }
        : { sv: `invånaren väljer, ${r.days} dagar, för ${scope.sv}`, en: `the resident chooses, ${r.days} days, for ${scope.en}` };
    }
    case 'signedNotes': {
      const d = delayWords(p.signedNotes.delay);
      return { sv: `visas ${d.sv}`, en: `shown ${d.en}` };
    }
    case 'unsignedNotes': {
      const u = p.unsignedNotes;
      if (u.kind === 'immediately') return { sv: 'visas direkt', en: 'shown directly' };
      if (u.kind === 'never') return { sv: 'visas aldrig', en: 'never shown' };
      if (u.kind === 'residentChoice') return { sv: 'invånaren väljer', en: 'the resident chooses' };
      return u.requiresLock
        ? { sv: `visas efter ${u.days} dagar, när de har låsts`, en: `shown after ${u.days} days, once locked` }
        : { sv: `visas efter ${u.days} dagar`, en: `shown after ${u.days} days` };
    }
    case 'hiddenInfoTypes':
      return list(p.hiddenInfoTypes.map((h) => INFO_TYPE_NAMES[h.infoType]), NONE);
    case 'startDates':
      return list(
        p.startDates.map((s) => ({
          sv: `${s.infoTypes.map((t) => INFO_TYPE_NAMES[t].sv).join(', ')} från ${formatLongDate(s.from, 'sv')}`,
          en: `${s.infoTypes.map((t) => INFO_TYPE_NAMES[t].en).join(', ')} from ${formatLongDate(s.from, 'en')}`,
        })),
        NONE,
      );
    case 'scopedDelays':
      return list(p.scopedDelays.map((d) => ({ sv: `${d.label.sv}: ${d.days} dagar`, en: `${d.label.en}: ${d.days} days` })), NONE);
    case 'excludedCareUnits':
      return list(p.excludedCareUnits.map((u) => ({ sv: u.name ? `${u.name} (${u.hsaId})` : u.hsaId, en: u.name ? `${u.name} (${u.hsaId})` : u.hsaId })), NONE);
    case 'excludedKeywords':
      return list(p.excludedKeywords.map((k) => ({ sv: k.value, en: k.value })), NONE);
    case 'excludedTemplates':
      return list(p.excludedTemplates.map((k) => ({ sv: k.value, en: k.value })), NONE);
    default: {
      const rule = p.results[key.slice('results.'.length) as ResultInfoType];
      const v = delayWords(rule.validated);
      const u = delayWords(rule.unvalidated);
      return { sv: `vidimerade ${v.sv}, ovidimerade ${u.sv}`, en: `validated ${v.en}, unvalidated ${u.en}` };
    }
  }
}
