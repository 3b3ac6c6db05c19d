import { INFO_TYPE_NAMES, RESULT_INFO_TYPES } from '../domain/record.js';
import { formatLongDate } from '../domain/time.js';
import type { Basis, Delay, DisclosurePolicy, NoteScope } from './policy.js';

/**
 * A policy in words, clause by clause, each with the basis it rests on: what a resident reads
 * under "Vad visar regionen?" and what an administrator checks against the region's decision.
 */

export interface ClauseDescription {
  readonly topic: { readonly sv: string; readonly en: string };
  readonly rule: { readonly sv: string; readonly en: string };
  readonly basis: Basis;
}

const delayText = (d: Delay) =>
  d.kind === 'immediately'
    ? { sv: 'visas direkt', en: 'shown directly' }
    : d.kind === 'never'
      ? { sv: 'visas inte', en: 'not shown' }
      : { sv: `visas efter ${d.days} dagar`, en: `shown after ${d.days} days` };

const scopeText: Record<NoteScope, { sv: string; en: string }> = {
  allNotes: { sv: 'alla anteckningar', en: 'all notes' },
  signedNotes: { sv: 'signerade anteckningar', en: 'signed notes' },
  unsignedNotes: { sv: 'osignerade anteckningar', en: 'unsigned notes' },
};

export function describePolicy(policy: DisclosurePolicy): ClauseDescription[] {
  const out: ClauseDescription[] = [];
  const r = policy.radrum;
  out.push({
    topic: { sv: 'Rådrum', en: 'Delay (rådrum)' },
    rule:
      r.kind === 'none'
        ? { sv: 'Inget obligatoriskt rådrum', en: 'No mandatory delay' }
        : r.kind === 'mandatory'
          ? { sv: `Obligatoriskt rådrum ${r.days} dagar för ${scopeText[r.appliesTo].sv}`, en: `Mandatory ${r.days}-day delay for ${scopeText[r.appliesTo].en}` }
          : { sv: `Du kan välja ${r.days} dagars rådrum för ${scopeText[r.appliesTo].sv}`, en: `You may choose a ${r.days}-day delay for ${scopeText[r.appliesTo].en}` },
    basis: r.basis,
  });
  const signed = delayText(policy.signedNotes.delay);
  out.push({ topic: { sv: 'Signerade anteckningar', en: 'Signed notes' }, rule: { sv: capital(signed.sv), en: capital(signed.en) }, basis: policy.signedNotes.basis });
  const u = policy.unsignedNotes;
  out.push({
    topic: { sv: 'Osignerade anteckningar', en: 'Unsigned notes' },
    rule:
      u.kind === 'immediately'
        ? { sv: 'Visas direkt', en: 'Shown directly' }
        : u.kind === 'never'
          ? { sv: 'Visas inte', en: 'Not shown' }
          : u.kind === 'residentChoice'
            ? { sv: 'Du väljer själv om du vill se dem', en: 'You choose whether to see them' }
            : u.requiresLock
              ? { sv: `Visas efter ${u.days} dagar, när de har låsts`, en: `Shown after ${u.days} days, once locked` }
              : { sv: `Visas efter ${u.days} dagar`, en: `Shown after ${u.days} days` },
    basis: u.basis,
  });
  for (const t of RESULT_INFO_TYPES) {
    const rule = policy.results[t];
    const v = delayText(rule.validated);
    const uv = delayText(rule.unvalidated);
    const name = INFO_TYPE_NAMES[t];
    out.push({
      topic: { sv: capital(name.sv), en: capital(name.en) },
      rule: { sv: `Vidimerade ${v.sv}, ovidimerade ${uv.sv}`, en: `Validated ${v.en}, unvalidated ${uv.en}` },
      basis: rule.basis,
    });
  }
  for (const h of policy.hiddenInfoTypes) {
    const name = INFO_TYPE_NAMES[h.infoType];
    out.push({ topic: { sv: capital(name.sv), en: capital(name.en) }, rule: { sv: 'Visas inte i Journalen', en: 'Not shown in Journalen' }, basis: h.basis });
  }
  for (const s of policy.startDates) {
    const names = s.infoTypes.map((t) => INFO_TYPE_NAMES[t]);
    out.push({
      topic: { sv: 'Startdatum', en: 'Start date' },
      rule: {
        sv: `${capital(names.map((n) => n.sv).join(', '))} visas från och med ${formatLongDate(s.from, 'sv')}`,
        en: `${capital(names.map((n) => n.en).join(', '))} shown from ${formatLongDate(s.from, 'en')}`,
      },
      basis: s.basis,
    });
  }
  for (const d of policy.scopedDelays) {
    out.push({
      topic: { sv: 'Särskilt rådrum', en: 'Special delay' },
      rule: { sv: `${capital(d.label.sv)} visas efter ${d.days} dagar`, en: `${capital(d.label.en)} shown after ${d.days} days` },
      basis: d.basis,
    });
  }
  for (const unit of policy.excludedCareUnits) {
    out.push({ topic: { sv: 'Undantagen vårdenhet', en: 'Excluded care unit' }, rule: { sv: unit.name ?? unit.hsaId, en: unit.name ?? unit.hsaId }, basis: unit.basis });
  }
  for (const k of policy.excludedKeywords) {
    out.push({ topic: { sv: 'Undantaget sökord', en: 'Excluded keyword' }, rule: { sv: k.value, en: k.value }, basis: k.basis });
  }
  for (const t of policy.excludedTemplates) {
    out.push({ topic: { sv: 'Undantagen mall', en: 'Excluded template' }, rule: { sv: t.value, en: t.value }, basis: t.basis });
  }
  return out;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
