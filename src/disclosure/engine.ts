import { INFO_TYPE_NAMES, isResultInfoType, type DisclosableItem, type InfoType } from '../domain/record.js';
import { region } from '../domain/regions.js';
import { addDays, formatLongDate, swedishDate, type IsoDate } from '../domain/time.js';
import {
  HIDE_RECENT_DAYS,
  type Basis,
  type Delay,
  type DisclosurePolicy,
  type NoteScope,
  type ViewerChoices,
} from './policy.js';

/**
 * The disclosure rules engine: given one record item, the care provider's rules, the resident's
 * choices and the time, is the item shown? Pure and synchronous; no I/O, no clock of its own.
 *
 * Every applicable clause contributes a constraint: `never`, or `from` a calendar date. The item
 * is shown when no clause says never and today has reached the latest `from` date. Because that
 * date does not depend on "now", an item once shown stays shown as time passes, and the date we
 * tell the resident ("visas från 7 december") is exactly the day it appears.
 */

export type ReasonCode =
  | 'NOT_APPROVED_FOR_PATIENT'
  | 'NULLIFIED'
  | 'INFO_TYPE_NOT_SHOWN'
  | 'BEFORE_START_DATE'
  | 'CARE_UNIT_EXCLUDED'
  | 'KEYWORD_EXCLUDED'
  | 'TEMPLATE_EXCLUDED'
  | 'SIGNED_NOTE_DELAY'
  | 'UNSIGNED_NOTE_DELAY'
  | 'UNSIGNED_NOTE_NOT_LOCKED'
  | 'UNSIGNED_NOTE_NOT_SHOWN'
  | 'UNSIGNED_NOTE_NOT_CHOSEN'
  | 'RADRUM'
  | 'RADRUM_CHOSEN'
  | 'SCOPED_DELAY'
  | 'RESULT_DELAY'
  | 'RESIDENT_HIDES_RECENT'
  | 'SHOWN';

export interface Text {
  readonly sv: string;
  readonly en: string;
}

export type Effect = { readonly kind: 'never' } | { readonly kind: 'from'; readonly date: IsoDate };

/** One clause that applied to the item. */
export interface Constraint {
  readonly code: ReasonCode;
  readonly effect: Effect;
  /** Why, as a clause of a sentence ("14 dagars rådrum i Region Östergötland"). */
  readonly because: Text;
  readonly basis?: Basis;
}

export interface Decision {
  readonly visible: boolean;
  /** Set only when the item is hidden now and will be shown on a known date. */
  readonly visibleFrom: IsoDate | null;
  /** The one sentence that explains the decision to the resident. */
  readonly reason: Text & { readonly code: ReasonCode };
  /** Every clause that applied, the deciding one first. */
  readonly constraints: readonly Constraint[];
}

const never: Effect = { kind: 'never' };

const typeName = (t: InfoType): Text => INFO_TYPE_NAMES[t];

function delayEffect(delay: Delay, itemDate: IsoDate): Effect | null {
  switch (delay.kind) {
    case 'immediately':
      return null;
    case 'never':
      return never;
    case 'afterDays':
      return Number.isInteger(delay.days) && delay.days >= 0 ? { kind: 'from', date: addDays(itemDate, delay.days) } : never;
    default:
      // A rule this engine does not know (stored JSON from a newer or broken editor): hide.
      return never;
  }
}

function noteInScope(scope: NoteScope, signed: boolean): boolean {
  return scope === 'allNotes' || (scope === 'signedNotes') === signed;
}

const sameText = (a: string, b: string) => a.localeCompare(b, 'sv', { sensitivity: 'accent' }) === 0;

/** Collects the constraints, and the phrase that says why an unconstrained item is shown. */
function constraintsFor(
  item: DisclosableItem,
  policy: DisclosurePolicy,
  choices: ViewerChoices,
): { constraints: Constraint[]; shown: { because: Text; basis?: Basis } } {
  const regionName = region(policy.regionCode).name;
  const itemDate = swedishDate(item.time);
  const out: Constraint[] = [];
  const add = (code: ReasonCode, effect: Effect | null, because: Text, basis?: Basis) => {
    if (effect) out.push(basis ? { code, effect, because, basis } : { code, effect, because });
  };
  const tn = typeName(item.infoType);
  let shown: { because: Text; basis?: Basis } = {
    because: { sv: `${tn.sv} visas direkt i ${regionName}`, en: `${tn.en} are shown directly in ${regionName}` },
  };

  // The producer's own judgement comes first and nothing overrides it.
  if (!item.approvedForPatient) {
    add('NOT_APPROVED_FOR_PATIENT', never, {
      sv: 'vårdgivaren har markerat uppgiften som inte lämplig att visa för patienten',
      en: 'the care provider has marked it as not to be shown to the patient',
    });
  }
  if (item.nullified) {
    add('NULLIFIED', never, { sv: 'vårdgivaren har makulerat uppgiften', en: 'the care provider has nullified it' });
  }

  for (const hidden of policy.hiddenInfoTypes) {
    if (hidden.infoType === item.infoType) {
      add('INFO_TYPE_NOT_SHOWN', never, {
        sv: `${regionName} visar inte ${tn.sv} i Journalen`,
        en: `${regionName} does not show ${tn.en} in Journalen`,
      }, hidden.basis);
    }
  }
  for (const start of policy.startDates) {
    if (start.infoTypes.includes(item.infoType) && itemDate < start.from) {
      add('BEFORE_START_DATE', never, {
        sv: `${regionName} visar ${tn.sv} från och med ${formatLongDate(start.from, 'sv')}`,
        en: `${regionName} shows ${tn.en} written on or after ${formatLongDate(start.from, 'en')}`,
      }, start.basis);
    }
  }
  if (item.careUnitHsaId !== undefined) {
    for (const unit of policy.excludedCareUnits) {
      if (unit.hsaId === item.careUnitHsaId) {
        const name = unit.name ?? unit.hsaId;
        add('CARE_UNIT_EXCLUDED', never, {
          sv: `${regionName} visar inte information från ${name} i Journalen`,
          en: `${regionName} does not show information from ${name} in Journalen`,
        }, unit.basis);
      }
    }
  }
  for (const keyword of policy.excludedKeywords) {
    if (item.keywords?.some((k) => sameText(k, keyword.value))) {
      add('KEYWORD_EXCLUDED', never, {
        sv: `uppgiften har sökordet ”${keyword.value}”, som ${regionName} inte visar i Journalen`,
        en: `it has the keyword “${keyword.value}”, which ${regionName} does not show in Journalen`,
      }, keyword.basis);
    }
  }
  for (const template of policy.excludedTemplates) {
    if (item.template !== undefined && sameText(item.template, template.value)) {
      add('TEMPLATE_EXCLUDED', never, {
        sv: `uppgiften är skriven i mallen ”${template.value}”, som ${regionName} inte visar i Journalen`,
        en: `it is written in the template “${template.value}”, which ${regionName} does not show in Journalen`,
      }, template.basis);
    }
  }

  if (item.infoType === 'note') {
    if (item.signed) {
      const rule = policy.signedNotes;
      shown = { because: { sv: `signerade anteckningar visas direkt i ${regionName}`, en: `signed notes are shown directly in ${regionName}` }, basis: rule.basis };
      add('SIGNED_NOTE_DELAY', delayEffect(rule.delay, itemDate), rule.delay.kind === 'afterDays'
        ? { sv: `signerade anteckningar visas ${rule.delay.days} dagar efter att de skrivits i ${regionName}`, en: `signed notes are shown ${rule.delay.days} days after they were written in ${regionName}` }
        : { sv: `${regionName} visar inte signerade anteckningar`, en: `${regionName} does not show signed notes` }, rule.basis);
    } else {
      const rule = policy.unsignedNotes;
      switch (rule.kind) {
        case 'immediately':
          shown = { because: { sv: `osignerade anteckningar visas direkt i ${regionName}`, en: `unsigned notes are shown directly in ${regionName}` }, basis: rule.basis };
          break;
        case 'never':
          add('UNSIGNED_NOTE_NOT_SHOWN', never, {
            sv: `anteckningen är inte signerad, och ${regionName} visar bara signerade anteckningar`,
            en: `the note is not signed, and ${regionName} shows signed notes only`,
          }, rule.basis);
          break;
        case 'residentChoice':
          if (choices.showUnsigned) {
            shown = { because: { sv: 'du har valt att se osignerade anteckningar', en: 'you have chosen to see unsigned notes' }, basis: rule.basis };
          } else {
            add('UNSIGNED_NOTE_NOT_CHOSEN', never, {
              sv: `anteckningen är inte signerad; i ${regionName} kan du välja att se osignerade anteckningar under Inställningar`,
              en: `the note is not signed; in ${regionName} you can choose to see unsigned notes in Settings`,
            }, rule.basis);
          }
          break;
        case 'afterDays':
          if (rule.requiresLock && item.locked === false) {
            add('UNSIGNED_NOTE_NOT_LOCKED', never, {
              sv: `anteckningen är varken signerad eller låst; ${regionName} visar osignerade anteckningar först när de har låsts`,
              en: `the note is neither signed nor locked; ${regionName} shows unsigned notes only once they are locked`,
            }, rule.basis);
          } else {
            add('UNSIGNED_NOTE_DELAY', { kind: 'from', date: addDays(itemDate, rule.days) }, rule.requiresLock
              ? { sv: `osignerade anteckningar visas i ${regionName} när de har låsts, ${rule.days} dagar efter att de skrivits`, en: `unsigned notes are shown in ${regionName} once locked, ${rule.days} days after they were written` }
              : { sv: `osignerade anteckningar visas ${rule.days} dagar efter att de skrivits i ${regionName}`, en: `unsigned notes are shown ${rule.days} days after they were written in ${regionName}` }, rule.basis);
          }
          break;
        default:
          add('UNSIGNED_NOTE_NOT_SHOWN', never, { sv: `${regionName} har en regel för osignerade anteckningar som inte kan tolkas`, en: `${regionName} has a rule for unsigned notes that cannot be read` });
      }
    }

    const radrum = policy.radrum;
    if (radrum.kind !== 'none' && radrum.kind !== 'mandatory' && radrum.kind !== 'residentChoice') {
      add('RADRUM', never, { sv: `${regionName} har en regel för rådrum som inte kan tolkas`, en: `${regionName} has a delay rule that cannot be read` });
    } else if (radrum.kind !== 'none' && noteInScope(radrum.appliesTo, item.signed)) {
      const date = addDays(itemDate, radrum.days);
      if (radrum.kind === 'mandatory') {
        add('RADRUM', { kind: 'from', date }, {
          sv: `${radrum.days} dagars rådrum i ${regionName}, så att vården hinner kontakta dig först`,
          en: `a ${radrum.days}-day delay (rådrum) in ${regionName}, so that care staff can contact you first`,
        }, radrum.basis);
      } else if (choices.hideRecent) {
        add('RADRUM_CHOSEN', { kind: 'from', date }, {
          sv: `du har valt ${radrum.days} dagars rådrum, som ${regionName} erbjuder`,
          en: `you have chosen the ${radrum.days}-day delay (rådrum) that ${regionName} offers`,
        }, radrum.basis);
      }
    }
  }

  for (const scoped of policy.scopedDelays) {
    const applies =
      scoped.infoTypes.includes(item.infoType) &&
      (scoped.specialty === undefined || (item.specialty !== undefined && sameText(scoped.specialty, item.specialty))) &&
      (scoped.inpatient === undefined || item.inpatient === scoped.inpatient);
    if (applies) {
      add('SCOPED_DELAY', { kind: 'from', date: addDays(itemDate, scoped.days) }, {
        sv: `${scoped.label.sv} visas ${scoped.days} dagar efter att de skrivits i ${regionName}`,
        en: `${scoped.label.en} are shown ${scoped.days} days after they were written in ${regionName}`,
      }, scoped.basis);
    }
  }

  if (isResultInfoType(item.infoType)) {
    const rule = policy.results[item.infoType];
    const validated = item.validated === true;
    const delay = validated ? rule.validated : rule.unvalidated;
    const state: Text = validated ? { sv: 'vidimerade', en: 'validated' } : { sv: 'ovidimerade', en: 'unvalidated' };
    shown = { because: { sv: `${state.sv} ${tn.sv} visas direkt i ${regionName}`, en: `${state.en} ${tn.en} are shown directly in ${regionName}` }, basis: rule.basis };
    add('RESULT_DELAY', delayEffect(delay, itemDate), delay.kind === 'afterDays'
      ? { sv: `${state.sv} ${tn.sv} visas ${delay.days} dagar efter att de kommit in i ${regionName}`, en: `${state.en} ${tn.en} are shown ${delay.days} days after they arrive in ${regionName}` }
      : { sv: `${regionName} visar inte ${state.sv} ${tn.sv}`, en: `${regionName} does not show ${state.en} ${tn.en}` }, rule.basis);
  }

  if (choices.hideRecent) {
    add('RESIDENT_HIDES_RECENT', { kind: 'from', date: addDays(itemDate, HIDE_RECENT_DAYS) }, {
      sv: `du har valt att dölja information som är nyare än ${HIDE_RECENT_DAYS} dagar`,
      en: `you have chosen to hide information newer than ${HIDE_RECENT_DAYS} days`,
    });
  }

  return { constraints: out, shown };
}

export function evaluate(
  item: DisclosableItem,
  policy: DisclosurePolicy,
  choices: ViewerChoices,
  now: Date,
): Decision {
  const { constraints, shown } = constraintsFor(item, policy, choices);
  const today = swedishDate(now);

  const blocking = constraints.find((c) => c.effect.kind === 'never');
  if (blocking) {
    return {
      visible: false,
      visibleFrom: null,
      reason: {
        code: blocking.code,
        sv: `Visas inte: ${blocking.because.sv}.`,
        en: `Not shown: ${blocking.because.en}.`,
      },
      constraints: [blocking, ...constraints.filter((c) => c !== blocking)],
    };
  }

  // The latest date decides; among equal dates the first clause (the care provider's) is named.
  let deciding: (Constraint & { effect: { kind: 'from'; date: IsoDate } }) | undefined;
  for (const c of constraints) {
    if (c.effect.kind === 'from' && (!deciding || c.effect.date > deciding.effect.date)) {
      deciding = c as typeof deciding;
    }
  }
  const ordered = deciding ? [deciding, ...constraints.filter((c) => c !== deciding)] : constraints;

  if (deciding && today < deciding.effect.date) {
    const date = deciding.effect.date;
    return {
      visible: false,
      visibleFrom: date,
      reason: {
        code: deciding.code,
        sv: `Visas från ${formatLongDate(date, 'sv')}: ${deciding.because.sv}.`,
        en: `Shown from ${formatLongDate(date, 'en')}: ${deciding.because.en}.`,
      },
      constraints: ordered,
    };
  }

  if (deciding) {
    const date = deciding.effect.date;
    return {
      visible: true,
      visibleFrom: null,
      reason: {
        code: 'SHOWN',
        sv: `Visas sedan ${formatLongDate(date, 'sv')}: ${deciding.because.sv}.`,
        en: `Shown since ${formatLongDate(date, 'en')}: ${deciding.because.en}.`,
      },
      constraints: ordered,
    };
  }

  return {
    visible: true,
    visibleFrom: null,
    reason: { code: 'SHOWN', sv: `Visas: ${shown.because.sv}.`, en: `Shown: ${shown.because.en}.` },
    constraints,
  };
}
