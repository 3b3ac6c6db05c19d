import { describe, expect, it } from 'vitest';
import type { DisclosableItem } from '../domain/record.js';
import { REGIONS, type RegionCode } from '../domain/regions.js';
import { fromSwedishWallClock } from '../domain/time.js';
import { defaultPolicy } from './defaults.js';
import { evaluate, type ReasonCode } from './engine.js';
import type { ViewerChoices } from './policy.js';

// "Today" is 23 November 2026, 12:00 Swedish time; 14 days after today is 7 December.
const NOW = fromSwedishWallClock(2026, 11, 23, 12);
const TODAY = fromSwedishWallClock(2026, 11, 23, 9, 30);
const DAYS_AGO_20 = fromSwedishWallClock(2026, 11, 3, 14);
const IN_14_DAYS = '2026-12-07';

const NO_CHOICES: ViewerChoices = { showUnsigned: false, hideRecent: false };

function item(overrides: Partial<DisclosableItem>): DisclosableItem {
  return { id: 'x', infoType: 'note', time: TODAY, signed: true, approvedForPatient: true, ...overrides };
}

function decide(regionCode: RegionCode, overrides: Partial<DisclosableItem>, choices: Partial<ViewerChoices> = {}, now = NOW) {
  return evaluate(item(overrides), defaultPolicy(regionCode), { ...NO_CHOICES, ...choices }, now);
}

interface Case {
  readonly name: string;
  readonly item: Partial<DisclosableItem>;
  readonly choices?: Partial<ViewerChoices>;
  readonly visibleFrom: string | null | 'visible';
  readonly code?: ReasonCode;
}

const signedToday: Partial<DisclosableItem> = { infoType: 'note', signed: true };
const unsignedToday: Partial<DisclosableItem> = { infoType: 'note', signed: false };
const unsignedOld: Partial<DisclosableItem> = { infoType: 'note', signed: false, time: DAYS_AGO_20 };
const lab = (validated: boolean, time = TODAY): Partial<DisclosableItem> => ({ infoType: 'labResult', validated, time });
const imaging = (validated: boolean): Partial<DisclosableItem> => ({ infoType: 'imagingResult', validated });
const referral = (validated: boolean): Partial<DisclosableItem> => ({ infoType: 'referralOutcome', validated });

// One table per region, read straight off "Vårdgivarens bedömning" in seed 002.
const CASES: Record<RegionCode, readonly Case[]> = {
  '10': [ // Blekinge, lines 253-255
    { name: 'signed note shown directly', item: signedToday, visibleFrom: 'visible' },
    { name: 'unsigned note after 14 days', item: unsignedToday, visibleFrom: IN_14_DAYS, code: 'UNSIGNED_NOTE_DELAY' },
    { name: 'validated lab result after 14 days', item: lab(true), visibleFrom: IN_14_DAYS, code: 'RESULT_DELAY' },
    { name: 'unvalidated lab result after 14 days', item: lab(false), visibleFrom: IN_14_DAYS },
    { name: 'lab result 20 days old shown', item: lab(false, DAYS_AGO_20), visibleFrom: 'visible' },
    { name: 'imaging keeps the national default', item: imaging(false), visibleFrom: 'visible' },
  ],
  '20': [ // Dalarna, lines 265-267
    { name: 'signed note shown', item: signedToday, visibleFrom: 'visible' },
    { name: 'unsigned note after 14 days', item: unsignedToday, visibleFrom: IN_14_DAYS },
    { name: 'validated lab result shown', item: lab(true), visibleFrom: 'visible' },
    { name: 'unvalidated lab result after 14 days', item: lab(false), visibleFrom: IN_14_DAYS },
    { name: 'unvalidated imaging after 14 days', item: imaging(false), visibleFrom: IN_14_DAYS },
  ],
  '09': [ // Gotland, lines 274-276
    { name: 'signed note shown as soon as written', item: signedToday, visibleFrom: 'visible' },
    { name: 'unsigned note 14 days after written', item: unsignedToday, visibleFrom: IN_14_DAYS },
    { name: 'unvalidated lab result shown', item: lab(false), visibleFrom: 'visible' },
  ],
  '21': [ // Gävleborg, lines 283-285
    { name: 'unsigned note without delay', item: unsignedToday, visibleFrom: 'visible' },
    { name: 'unvalidated lab result (no information: default)', item: lab(false), visibleFrom: 'visible' },
  ],
  '13': [ // Halland, lines 292-294
    { name: 'unsigned note shown', item: unsignedToday, visibleFrom: 'visible' },
    { name: 'unvalidated lab result shown', item: lab(false), visibleFrom: 'visible' },
  ],
  '23': [ // Jämtland Härjedalen, lines 301-305
    { name: 'signed note shown directly', item: signedToday, visibleFrom: 'visible' },
    { name: 'unsigned note after 14 days', item: unsignedToday, visibleFrom: IN_14_DAYS },
    { name: 'validated lab result directly', item: lab(true), visibleFrom: 'visible' },
    { name: 'unvalidated lab result after 14 days', item: lab(false), visibleFrom: IN_14_DAYS },
  ],
  '06': [ // Jönköping: no assessment in the seed, national framework
    { name: 'signed note shown', item: signedToday, visibleFrom: 'visible' },
    { name: 'unsigned note shown directly', item: unsignedToday, visibleFrom: 'visible' },
    { name: 'unvalidated lab result shown', item: lab(false), visibleFrom: 'visible' },
    { name: 'resident may hide recent', item: signedToday, choices: { hideRecent: true }, visibleFrom: IN_14_DAYS, code: 'RESIDENT_HIDES_RECENT' },
  ],
  '08': [ // Kalmar, lines 317-319
    { name: 'signed note shown', item: signedToday, visibleFrom: 'visible' },
    { name: 'unsigned note after 14 days (autolocked)', item: unsignedToday, visibleFrom: IN_14_DAYS },
    { name: 'unsigned note 20 days old shown', item: unsignedOld, visibleFrom: 'visible' },
    { name: 'unsigned note the producer says is not locked', item: { ...unsignedOld, locked: false }, visibleFrom: null, code: 'UNSIGNED_NOTE_NOT_LOCKED' },
  ],
  '07': [ // Kronoberg, lines 326-328
    { name: 'note from 31 December 2014 not shown', item: { ...signedToday, time: fromSwedishWallClock(2014, 12, 31, 23, 59) }, visibleFrom: null, code: 'BEFORE_START_DATE' },
    { name: 'note from 1 January 2015 shown', item: { ...signedToday, time: fromSwedishWallClock(2015, 1, 1, 0, 5) }, visibleFrom: 'visible' },
    { name: 'lab result from 2014 shown (start date is for notes)', item: lab(true, fromSwedishWallClock(2014, 5, 1)), visibleFrom: 'visible' },
    { name: 'unsigned note newer than two weeks hidden', item: unsignedToday, visibleFrom: IN_14_DAYS },
    { name: 'unsigned note older than two weeks shown', item: unsignedOld, visibleFrom: 'visible' },
  ],
  '25': [ // Norrbotten, lines 335-337
    { name: 'signed note shown directly', item: signedToday, visibleFrom: 'visible' },
    { name: 'unsigned note after 14 days', item: unsignedToday, visibleFrom: IN_14_DAYS },
    { name: 'lab results are not shown at all', item: lab(true, DAYS_AGO_20), visibleFrom: null, code: 'INFO_TYPE_NOT_SHOWN' },
    { name: 'imaging shown', item: imaging(true), visibleFrom: 'visible' },
  ],
  '12': [ // Skåne, lines 344-346
    { name: 'signed note shown', item: signedToday, visibleFrom: 'visible' },
    { name: 'unsigned note hidden unless chosen', item: unsignedToday, visibleFrom: null, code: 'UNSIGNED_NOTE_NOT_CHOSEN' },
    { name: 'unsigned note shown when chosen', item: unsignedToday, choices: { showUnsigned: true }, visibleFrom: 'visible' },
    { name: 'psychiatric inpatient note after 28 days', item: { ...signedToday, specialty: 'psychiatry', inpatient: true }, visibleFrom: '2026-12-21', code: 'SCOPED_DELAY' },
    { name: 'psychiatric inpatient note 30 days old shown', item: { ...signedToday, specialty: 'psychiatry', inpatient: true, time: fromSwedishWallClock(2026, 10, 24) }, visibleFrom: 'visible' },
    { name: 'psychiatric outpatient note shown', item: { ...signedToday, specialty: 'psychiatry', inpatient: false }, visibleFrom: 'visible' },
    { name: 'surgical inpatient note shown', item: { ...signedToday, specialty: 'surgery', inpatient: true }, visibleFrom: 'visible' },
  ],
  '01': [ // Stockholm, lines 353-355
    { name: 'signed note shown as soon as written', item: signedToday, visibleFrom: 'visible' },
    { name: 'unsigned note 14 days after written', item: unsignedToday, visibleFrom: IN_14_DAYS },
    { name: 'unvalidated lab result shown', item: lab(false), visibleFrom: 'visible' },
  ],
  '04': [ // Sörmland, lines 362-364
    { name: 'unsigned note shown', item: unsignedToday, visibleFrom: 'visible' },
  ],
  '03': [ // Uppsala, lines 371-373
    { name: 'unsigned note shown', item: unsignedToday, visibleFrom: 'visible' },
    { name: 'resident chose rådrum', item: signedToday, choices: { hideRecent: true }, visibleFrom: IN_14_DAYS, code: 'RADRUM_CHOSEN' },
    { name: 'unvalidated lab result shown', item: lab(false), visibleFrom: 'visible' },
    { name: 'unvalidated imaging shown', item: imaging(false), visibleFrom: 'visible' },
    { name: 'unvalidated referral answer shown', item: referral(false), visibleFrom: 'visible' },
  ],
  '17': [ // Värmland, lines 380-382
    { name: 'unsigned note shown', item: unsignedToday, visibleFrom: 'visible' },
    { name: 'unvalidated imaging shown', item: imaging(false), visibleFrom: 'visible' },
  ],
  '24': [ // Västerbotten, lines 389-391
    { name: 'unsigned note shown', item: unsignedToday, visibleFrom: 'visible' },
  ],
  '22': [ // Västernorrland: empty assessment, national framework
    { name: 'unsigned note shown directly', item: unsignedToday, visibleFrom: 'visible' },
    { name: 'unvalidated lab result shown', item: lab(false), visibleFrom: 'visible' },
  ],
  '19': [ // Västmanland, lines 407-411
    { name: 'signed note shown directly', item: signedToday, visibleFrom: 'visible' },
    { name: 'unsigned (locked) note after 14 days', item: unsignedToday, visibleFrom: IN_14_DAYS },
    { name: 'unsigned note not locked stays hidden', item: { ...unsignedOld, locked: false }, visibleFrom: null },
    { name: 'unvalidated imaging shown', item: imaging(false), visibleFrom: 'visible' },
  ],
  '14': [ // Västra Götaland, lines 419-421
    { name: 'signed note shown directly', item: signedToday, visibleFrom: 'visible' },
    { name: 'unsigned note after 14 days', item: unsignedToday, visibleFrom: IN_14_DAYS },
  ],
  '18': [ // Örebro, lines 428-430
    { name: 'signed note shown directly', item: signedToday, visibleFrom: 'visible' },
    { name: 'signed note with chosen rådrum', item: signedToday, choices: { hideRecent: true }, visibleFrom: IN_14_DAYS, code: 'RADRUM_CHOSEN' },
    { name: 'unsigned note after 14 days', item: unsignedToday, visibleFrom: IN_14_DAYS },
    { name: 'unvalidated lab result shown like validated', item: lab(false), visibleFrom: 'visible' },
  ],
  '05': [ // Östergötland, lines 437-439
    { name: 'signed note after the 14-day rådrum', item: signedToday, visibleFrom: IN_14_DAYS, code: 'RADRUM' },
    { name: 'signed note 20 days old shown', item: { ...signedToday, time: DAYS_AGO_20 }, visibleFrom: 'visible' },
    { name: 'autolocked unsigned note after 14 days', item: unsignedToday, visibleFrom: IN_14_DAYS },
    { name: 'unvalidated lab result after 14 days', item: lab(false), visibleFrom: IN_14_DAYS },
    { name: 'unvalidated imaging after 14 days', item: imaging(false), visibleFrom: IN_14_DAYS },
    { name: 'validated lab result directly', item: lab(true), visibleFrom: 'visible' },
  ],
};

describe('default rules of each region (seed 002, "Vårdgivarens bedömning")', () => {
  for (const r of REGIONS) {
    describe(`${r.code} ${r.name}`, () => {
      it.each(CASES[r.code].map((c) => [c.name, c] as const))('%s', (_name, c) => {
        const d = decide(r.code, c.item, c.choices);
        if (c.visibleFrom === 'visible') {
          expect(d).toMatchObject({ visible: true, visibleFrom: null });
        } else {
          expect(d).toMatchObject({ visible: false, visibleFrom: c.visibleFrom });
        }
        if (c.code) expect(d.reason.code).toBe(c.code);
      });

      it('never shows what the producer has not approved for the patient', () => {
        const d = decide(r.code, { ...signedToday, time: DAYS_AGO_20, approvedForPatient: false }, { showUnsigned: true });
        expect(d).toMatchObject({ visible: false, visibleFrom: null, reason: { code: 'NOT_APPROVED_FOR_PATIENT' } });
      });

      it('hides everything newer than 14 days when the resident asks', () => {
        const d = decide(r.code, { infoType: 'diagnosis' }, { hideRecent: true });
        expect(d).toMatchObject({ visible: false, visibleFrom: IN_14_DAYS });
        expect(decide(r.code, { infoType: 'diagnosis', time: DAYS_AGO_20 }, { hideRecent: true }).visible).toBe(true);
      });
    });
  }
});

describe('explanations', () => {
  it('names the date and the rule, in Swedish and English', () => {
    const d = decide('05', signedToday);
    expect(d.reason.sv).toBe('Visas från 7 december 2026: 14 dagars rådrum i Region Östergötland, så att vården hinner kontakta dig först.');
    expect(d.reason.en).toBe('Shown from 7 December 2026: a 14-day delay (rådrum) in Region Östergötland, so that care staff can contact you first.');
    expect(d.constraints[0]?.basis).toMatchObject({ kind: 'seed', sources: [{ line: 437 }] });
  });

  it('says since when a delayed item is shown', () => {
    const d = decide('05', { ...signedToday, time: DAYS_AGO_20 });
    expect(d.reason.sv).toBe('Visas sedan 17 november 2026: 14 dagars rådrum i Region Östergötland, så att vården hinner kontakta dig först.');
  });

  it('explains a shown item by the rule that lets it through', () => {
    expect(decide('01', signedToday).reason.sv).toBe('Visas: signerade anteckningar visas direkt i Region Stockholm.');
    expect(decide('12', unsignedToday, { showUnsigned: true }).reason.en).toBe('Shown: you have chosen to see unsigned notes.');
  });

  it('points the resident to the setting where the region lets them choose', () => {
    expect(decide('12', unsignedToday).reason.sv).toContain('kan du välja att se osignerade anteckningar under Inställningar');
  });

  it('names the latest of several delays, and the producer before the region', () => {
    const d = decide('12', { ...signedToday, specialty: 'psychiatry', inpatient: true }, { hideRecent: true });
    expect(d).toMatchObject({ visibleFrom: '2026-12-21', reason: { code: 'SCOPED_DELAY' } });
    expect(d.constraints.map((c) => c.code)).toEqual(['SCOPED_DELAY', 'RESIDENT_HIDES_RECENT']);
    const both = decide('25', { ...lab(true), approvedForPatient: false });
    expect(both.reason.code).toBe('NOT_APPROVED_FOR_PATIENT');
  });
});

describe('item dates are Swedish calendar dates', () => {
  it('counts an item written late in the Swedish evening on its Swedish date', () => {
    // 23:30 UTC on 10 November is 00:30 on 11 November in Sweden: 14 days on is the 25th, not the 24th.
    const late = decide('01', { ...unsignedToday, time: new Date('2026-11-10T23:30:00Z') }, {}, NOW);
    expect(late).toMatchObject({ visible: false, visibleFrom: '2026-11-25' });
  });

  it('shows an item from the first minute of its date', () => {
    const i = { ...unsignedToday, time: fromSwedishWallClock(2026, 11, 9, 23, 59) };
    expect(decide('01', i, {}, fromSwedishWallClock(2026, 11, 22, 23, 59)).visibleFrom).toBe('2026-11-23');
    expect(decide('01', i, {}, fromSwedishWallClock(2026, 11, 23, 0, 0)).visible).toBe(true);
  });
});

describe('rules the seed does not use but administrators can set', () => {
  const base = defaultPolicy('06');

  it('hides notes from an excluded care unit, with a keyword, or written in a template', () => {
    const policy = {
      ...base,
      excludedCareUnits: [{ hsaId: 'SE2321000057-BARN', name: 'Barnahus Jönköping', basis: { kind: 'administrator' as const } }],
      excludedKeywords: [{ value: 'Tidiga hypoteser', basis: { kind: 'administrator' as const } }],
      excludedTemplates: [{ value: 'Oro för att barn far illa', basis: { kind: 'administrator' as const } }],
    };
    const run = (o: Partial<DisclosableItem>) => evaluate(item({ time: DAYS_AGO_20, ...o }), policy, NO_CHOICES, NOW);
    expect(run({ careUnitHsaId: 'SE2321000057-BARN' }).reason).toMatchObject({ code: 'CARE_UNIT_EXCLUDED', sv: 'Visas inte: Region Jönköpings län visar inte information från Barnahus Jönköping i Journalen.' });
    expect(run({ careUnitHsaId: 'SE2321000057-OTHER' }).visible).toBe(true);
    expect(run({ keywords: ['Status', 'tidiga hypoteser'] }).reason.code).toBe('KEYWORD_EXCLUDED');
    expect(run({ keywords: ['Status'] }).visible).toBe(true);
    expect(run({ template: 'ORO FÖR ATT BARN FAR ILLA' }).reason.code).toBe('TEMPLATE_EXCLUDED');
  });

  it('can delay signed notes and hide unsigned notes altogether', () => {
    const policy = {
      ...base,
      signedNotes: { delay: { kind: 'afterDays' as const, days: 3 }, basis: { kind: 'administrator' as const } },
      unsignedNotes: { kind: 'never' as const, basis: { kind: 'administrator' as const } },
    };
    expect(evaluate(item({}), policy, NO_CHOICES, NOW)).toMatchObject({ visibleFrom: '2026-11-26', reason: { code: 'SIGNED_NOTE_DELAY' } });
    expect(evaluate(item({ signed: false, time: DAYS_AGO_20 }), policy, NO_CHOICES, NOW).reason.code).toBe('UNSIGNED_NOTE_NOT_SHOWN');
  });

  it('hides nullified items', () => {
    expect(evaluate(item({ nullified: true, time: DAYS_AGO_20 }), base, NO_CHOICES, NOW).reason.code).toBe('NULLIFIED');
  });
});

describe('rules the engine cannot read', () => {
  it('hides rather than shows (stored policies are data and may be broken)', () => {
    const base = defaultPolicy('21');
    const broken = (patch: object) => ({ ...base, ...patch }) as never;
    const old = item({ time: DAYS_AGO_20 });
    expect(evaluate({ ...old, signed: false }, broken({ unsignedNotes: { kind: 'sometimes', basis: { kind: 'administrator' } } }), NO_CHOICES, NOW).visible).toBe(false);
    expect(evaluate(old, broken({ signedNotes: { delay: { kind: 'later' }, basis: { kind: 'administrator' } } }), NO_CHOICES, NOW).visible).toBe(false);
    expect(evaluate(old, broken({ radrum: { kind: 'maybe', days: 14, appliesTo: 'allNotes', basis: { kind: 'administrator' } } }), NO_CHOICES, NOW).visible).toBe(false);
    expect(evaluate(old, broken({ signedNotes: { delay: { kind: 'afterDays', days: -3 }, basis: { kind: 'administrator' } } }), NO_CHOICES, NOW).visible).toBe(false);
  });
});
