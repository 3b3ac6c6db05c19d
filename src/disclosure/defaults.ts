import { RESULT_INFO_TYPES, type ResultInfoType } from '../domain/record.js';
import type { RegionCode } from '../domain/regions.js';
import { SEED_JOURNALEN, seed, type SeedSource } from '../domain/seed-source.js';
import type { IsoDate } from '../domain/time.js';
import type {
  Basis,
  Delay,
  DisclosurePolicy,
  NationalPrinciple,
  RadrumRule,
  ResultRule,
  UnsignedNotesRule,
} from './policy.js';

/**
 * The default disclosure rules of the 21 regions, read from "Vårdgivarens bedömning" in seed
 * 002 (lines 249-439). Every clause cites the line it rests on, verbatim; a test compares each
 * quote with the seed. Where a region's assessment says "ingen information" or nothing at all,
 * the clause is the national framework's default (research/journalen-domain.md §2): information
 * is available directly, and the resident may hide what is newer than 14 days.
 *
 * Interpretations that go beyond the words are written beside the clause.
 */

const s = (line: number, quote: string): SeedSource => seed(SEED_JOURNALEN, line, quote);
const fromSeed = (...sources: SeedSource[]): Basis => ({ kind: 'seed', sources });
const national = (principle: NationalPrinciple, ...sources: SeedSource[]): Basis =>
  sources.length > 0 ? { kind: 'nationalFramework', principle, sources } : { kind: 'nationalFramework', principle };

const IMMEDIATELY: Delay = { kind: 'immediately' };
const after = (days: number): Delay => ({ kind: 'afterDays', days });

const directly = (basis: Basis): ResultRule => ({ validated: IMMEDIATELY, unvalidated: IMMEDIATELY, basis });

interface RegionAssessment {
  readonly regionCode: RegionCode;
  /** Heading lines of the region's assessment (county name, "Vårdgivarens bedömning i ..."). */
  readonly heading: readonly SeedSource[];
  readonly radrum?: RadrumRule;
  readonly signedNotes?: { readonly delay: Delay; readonly basis: Basis };
  readonly unsignedNotes?: UnsignedNotesRule;
  readonly results?: Partial<Record<ResultInfoType, ResultRule>>;
  /** Lines that say "ingen information" about results: the defaults then cite them. */
  readonly resultsSilent?: SeedSource;
  readonly radrumSilent?: SeedSource;
  readonly notesSilent?: SeedSource;
  readonly rest?: Partial<Pick<DisclosurePolicy, 'hiddenInfoTypes' | 'startDates' | 'scopedDelays'>>;
}

function policy(a: RegionAssessment): DisclosurePolicy {
  const silent = a.radrum === undefined && a.signedNotes === undefined && a.unsignedNotes === undefined && a.results === undefined;
  const resultDefault = directly(national('availableDirectly', ...(a.resultsSilent ? [a.resultsSilent] : [])));
  const results = Object.fromEntries(
    RESULT_INFO_TYPES.map((t) => [t, a.results?.[t] ?? resultDefault]),
  ) as Record<ResultInfoType, ResultRule>;
  const notesDefault = national('availableDirectly', ...(a.notesSilent ? [a.notesSilent] : []));
  return {
    regionCode: a.regionCode,
    assessment: silent ? 'silent' : 'seed',
    assessmentSource: a.heading,
    radrum: a.radrum ?? { kind: 'none', basis: national('availableDirectly', ...(a.radrumSilent ? [a.radrumSilent] : [])) },
    signedNotes: a.signedNotes ?? { delay: IMMEDIATELY, basis: notesDefault },
    unsignedNotes: a.unsignedNotes ?? { kind: 'immediately', basis: notesDefault },
    results,
    hiddenInfoTypes: a.rest?.hiddenInfoTypes ?? [],
    startDates: a.rest?.startDates ?? [],
    scopedDelays: a.rest?.scopedDelays ?? [],
    excludedCareUnits: [],
    excludedKeywords: [],
    excludedTemplates: [],
  };
}

const ASSESSMENTS: readonly RegionAssessment[] = [
  {
    regionCode: '10', // Blekinge
    heading: [s(249, 'Blekinge län'), s(251, 'Vårdgivarens bedömning i Blekinge län')],
    radrum: { kind: 'mandatory', days: 14, appliesTo: 'unsignedNotes', basis: fromSeed(s(253, 'obligatoriskt rådrum 14 dagar för osignerade anteckningar')) },
    signedNotes: { delay: IMMEDIATELY, basis: fromSeed(s(254, 'signerade journalanteckningar visas direkt')) },
    unsignedNotes: { kind: 'afterDays', days: 14, requiresLock: false, basis: fromSeed(s(254, 'Osignerade anteckningar visas efter 14 dagar')) },
    // "provsvar" is lab results; imaging is not mentioned and keeps the national default.
    results: { labResult: { validated: after(14), unvalidated: after(14), basis: fromSeed(s(255, 'vidimerade/ovidimerade provsvar visas efter 14 dagar')) } },
  },
  {
    regionCode: '20', // Dalarna
    heading: [s(261, 'Dalarnas län'), s(263, 'Vårdgivarens bedömning i Dalarnas län')],
    // "rådrum." alone: read together with the next two lines, the rådrum is the 14-day delay of
    // what is not yet signed or validated.
    radrum: { kind: 'mandatory', days: 14, appliesTo: 'unsignedNotes', basis: fromSeed(s(265, 'Rådrum/Inte rådrum: rådrum.')) },
    signedNotes: { delay: IMMEDIATELY, basis: fromSeed(s(266, 'visar signerat eller med 14 dagars förskjutning.')) },
    unsignedNotes: { kind: 'afterDays', days: 14, requiresLock: false, basis: fromSeed(s(266, 'visar signerat eller med 14 dagars förskjutning.')) },
    results: Object.fromEntries(
      RESULT_INFO_TYPES.map((t) => [t, { validated: IMMEDIATELY, unvalidated: after(14), basis: fromSeed(s(267, 'visar vidimerat eller med 14 dagars förskjutning.')) }]),
    ),
  },
  {
    regionCode: '09', // Gotland
    heading: [s(270, 'Gotlands län'), s(272, 'Vårdgivarens bedömning i Gotlands län')],
    radrum: { kind: 'none', basis: fromSeed(s(274, 'Rådrum/Inte rådrum: inget rådrum')) },
    signedNotes: { delay: IMMEDIATELY, basis: fromSeed(s(275, 'signerade journalanteckningar visas så snart de är inskrivna i journalen')) },
    unsignedNotes: { kind: 'afterDays', days: 14, requiresLock: false, basis: fromSeed(s(275, 'Osignerade journalanteckningar visas först 14 dagar efter att de skrivits in i journalen')) },
    results: { labResult: directly(fromSeed(s(276, 'de provsvar som finns tillgängliga i Journalen visas ovidimerade'))) },
  },
  {
    regionCode: '21', // Gävleborg
    heading: [s(279, 'Gävleborgs län'), s(281, 'Vårdgivarens bedömning i Gävleborgs län')],
    radrum: { kind: 'none', basis: fromSeed(s(283, 'Inte rådrum, visar allt direkt')) },
    signedNotes: { delay: IMMEDIATELY, basis: fromSeed(s(283, 'Inte rådrum, visar allt direkt')) },
    unsignedNotes: { kind: 'immediately', basis: fromSeed(s(284, 'visar osignerat utan fördröjning')) },
    resultsSilent: s(285, 'Vidimerat/Ovidimerat: ingen information är i nuläget tillgänglig'),
  },
  {
    regionCode: '13', // Halland
    heading: [s(288, 'Hallands län'), s(290, 'Vårdgivarens bedömning i Hallands län')],
    radrum: { kind: 'none', basis: fromSeed(s(292, 'Inget obligatorisk rådrum')) },
    unsignedNotes: { kind: 'immediately', basis: fromSeed(s(293, 'Signerat/Osignerat: Visar osignerat')) },
    results: { labResult: directly(fromSeed(s(294, 'Visar osignerade resultat från Kemlab'))) },
  },
  {
    regionCode: '23', // Jämtland Härjedalen
    heading: [s(297, 'Jämtlands län'), s(299, 'Vårdgivarens bedömning i Jämtlands län')],
    radrum: { kind: 'mandatory', days: 14, appliesTo: 'unsignedNotes', basis: fromSeed(s(301, 'obligatoriskt rådrum 14 dagar för osignerade anteckningar.')) },
    signedNotes: { delay: IMMEDIATELY, basis: fromSeed(s(303, 'signerade journalanteckningar visas direkt.')) },
    unsignedNotes: { kind: 'afterDays', days: 14, requiresLock: false, basis: fromSeed(s(303, 'Osignerade anteckningar visas efter 14 dagar.')) },
    results: { labResult: { validated: IMMEDIATELY, unvalidated: after(14), basis: fromSeed(s(305, 'vidimerade provsvar visas direkt, ovidimerade provsvar visas efter 14 dagar.')) } },
  },
  {
    regionCode: '06', // Jönköping: heading only, no assessment in the seed
    heading: [s(309, 'Jönköpings län')],
  },
  {
    regionCode: '08', // Kalmar
    heading: [s(313, 'Kalmar län'), s(315, 'Vårdgivarens bedömning i Kalmar län')],
    radrumSilent: s(317, 'Rådrum/Inte rådrum: ingen information är i nuläget tillgänglig'),
    signedNotes: { delay: IMMEDIATELY, basis: fromSeed(s(318, 'endast signerade anteckningar visas.')) },
    unsignedNotes: { kind: 'afterDays', days: 14, requiresLock: true, basis: fromSeed(s(318, 'Efter 14 dagar visas autolåsta osignerade anteckningar.')) },
    resultsSilent: s(319, 'Vidimerat/Ovidimerat: ingen information är i nuläget tillgänglig'),
  },
  {
    regionCode: '07', // Kronoberg
    heading: [s(322, 'Kronobergs län'), s(324, 'Vårdgivarens bedömning i Kronobergs län')],
    radrumSilent: s(326, 'Rådrum/Inte rådrum: ingen information är i nuläget tillgänglig'),
    signedNotes: { delay: IMMEDIATELY, basis: national('availableDirectly', s(327, 'Du kan läsa journalanteckningar gjorda från och med 1 januari 2015.')) },
    unsignedNotes: { kind: 'afterDays', days: 14, requiresLock: false, basis: fromSeed(s(327, 'Du kan inte se journalanteckningar nyare än två veckor där vårdpersonalen ännu inte har signerat')) },
    resultsSilent: s(328, 'Vidimerat/Ovidimerat: ingen information är i nuläget tillgänglig'),
    // "Ditt barns journalanteckningar fram till dess att barnet fyller 13 år" (line 327) is a
    // guardian access rule; the access module owns it.
    rest: { startDates: [{ infoTypes: ['note'], from: '2015-01-01' as IsoDate, basis: fromSeed(s(327, 'Du kan läsa journalanteckningar gjorda från och med 1 januari 2015.')) }] },
  },
  {
    regionCode: '25', // Norrbotten
    heading: [s(331, 'Norrbottens län'), s(333, 'Vårdgivarens bedömning i Norrbottens län')],
    radrum: { kind: 'mandatory', days: 14, appliesTo: 'unsignedNotes', basis: fromSeed(s(335, 'obligatoriskt rådrum 14 dagar för osignerade anteckningar.')) },
    signedNotes: { delay: IMMEDIATELY, basis: fromSeed(s(336, 'signerade journalanteckningar visas direkt.')) },
    unsignedNotes: { kind: 'afterDays', days: 14, requiresLock: false, basis: fromSeed(s(336, 'Osignerade anteckningar syns efter 14 dagar.')) },
    rest: { hiddenInfoTypes: [{ infoType: 'labResult', basis: fromSeed(s(337, 'ej aktuellt eftersom provsvar inte visas.')) }] },
  },
  {
    regionCode: '12', // Skåne
    heading: [s(340, 'Skåne län'), s(342, 'Vårdgivarens bedömning i Skåne län')],
    radrum: { kind: 'none', basis: fromSeed(s(344, 'inget obligatoriskt rådrum')) },
    unsignedNotes: { kind: 'residentChoice', basis: fromSeed(s(345, 'Signerat/Osignerade: patienten kan själv välja')) },
    resultsSilent: s(346, 'Vidimerat/Ovidimerat: ingen information är i nuläget tillgänglig'),
    rest: {
      scopedDelays: [
        {
          infoTypes: ['note'],
          specialty: 'psychiatry',
          inpatient: true,
          days: 28,
          label: { sv: 'slutenvårdsanteckningar inom psykiatrin', en: 'psychiatric inpatient notes' },
          basis: fromSeed(s(344, 'förutom inom psykiatrin där slutenvårdsanteckningar har en fördröjning på 28 dagar')),
        },
      ],
    },
  },
  {
    regionCode: '01', // Stockholm
    heading: [s(349, 'Stockholms län'), s(351, 'Vårdgivarens bedömning i Stockholms län')],
    radrum: { kind: 'none', basis: fromSeed(s(353, 'Rådrum/ Inte rådrum: inget rådrum')) },
    signedNotes: { delay: IMMEDIATELY, basis: fromSeed(s(354, 'signerade journalanteckningar visas så snart de är inskrivna i journalen')) },
    unsignedNotes: { kind: 'afterDays', days: 14, requiresLock: false, basis: fromSeed(s(354, 'Osignerade journalanteckningar visas först 14 dagar efter att de skrivits in i journalen')) },
    // "vissa provsvar" does not say which; the results Journalen receives are shown unvalidated.
    results: { labResult: directly(fromSeed(s(355, 'vissa provsvar visas ovidimerade'))) },
  },
  {
    regionCode: '04', // Sörmland
    heading: [s(358, 'Södermanlands län'), s(360, 'Vårdgivarens bedömning i Södermanlands län')],
    radrum: { kind: 'none', basis: fromSeed(s(362, 'inget obligatoriskt rådrum')) },
    unsignedNotes: { kind: 'immediately', basis: fromSeed(s(363, 'Signerat/Osignerat: visar osignerat')) },
    resultsSilent: s(364, 'Vidimerat/Ovidimerat: ingen information är i nuläget tillgänglig'),
  },
  {
    regionCode: '03', // Uppsala
    heading: [s(367, 'Uppsala län'), s(369, 'Vårdgivarens bedömning i Uppsala län')],
    radrum: { kind: 'residentChoice', days: 14, appliesTo: 'allNotes', basis: fromSeed(s(371, 'Rådrum/ Inte rådrum: patienten kan välja')) },
    unsignedNotes: { kind: 'immediately', basis: fromSeed(s(372, 'Signerat/Osignerat: visar osignerat')) },
    results: Object.fromEntries(
      RESULT_INFO_TYPES.map((t) => [t, directly(fromSeed(s(373, 'visar ovidimerat, (prov, röntgen, konsultationssvar)')))]),
    ),
  },
  {
    regionCode: '17', // Värmland
    heading: [s(376, 'Värmlands län'), s(378, 'Vårdgivarens bedömning i Värmlands län')],
    radrum: { kind: 'none', basis: fromSeed(s(380, 'Rådrum/Inte rådrum: inget rådrum')) },
    unsignedNotes: { kind: 'immediately', basis: fromSeed(s(381, 'Signerat/Osignerat: osignerade anteckningar.')) },
    results: Object.fromEntries(RESULT_INFO_TYPES.map((t) => [t, directly(fromSeed(s(382, 'Vidimerat/Ovidimerat: ovidimerat')))])),
  },
  {
    regionCode: '24', // Västerbotten
    heading: [s(385, 'Västerbottens län'), s(387, 'Vårdgivarens bedömning i Västerbottens län')],
    radrum: { kind: 'none', basis: fromSeed(s(389, 'inget obligatorisk rådrum')) },
    unsignedNotes: { kind: 'immediately', basis: fromSeed(s(390, 'Signerat/Osignerat: visar osignerat')) },
    resultsSilent: s(391, 'Vidimerat/Ovidimerat: ingen information är i nuläget tillgänglig'),
  },
  {
    regionCode: '22', // Västernorrland: the assessment's three headings are empty
    heading: [s(394, 'Västernorrlands län'), s(396, 'Vårdgivarens bedömning i Västernorrlands län')],
    radrumSilent: s(398, 'Rådrum/Inte rådrum:'),
    notesSilent: s(399, 'Signerat/Osignerat:'),
    resultsSilent: s(400, 'Vidimerat/Ovidimerat:'),
  },
  {
    regionCode: '19', // Västmanland
    heading: [s(403, 'Västmanlands län'), s(405, 'Vårdgivarens bedömning i Västmanlands län')],
    radrum: { kind: 'mandatory', days: 14, appliesTo: 'unsignedNotes', basis: fromSeed(s(407, 'rådrum 14 dagar för osignerade anteckningar')) },
    signedNotes: { delay: IMMEDIATELY, basis: fromSeed(s(409, 'Signerade journalanteckningar visas direkt')) },
    unsignedNotes: { kind: 'afterDays', days: 14, requiresLock: true, basis: fromSeed(s(409, 'efter 14 dagar visas även de så kallade låsta anteckningarna (osignerade)')) },
    results: { imagingResult: directly(fromSeed(s(411, 'Ovidimerade röntgensvar visas'))) },
  },
  {
    regionCode: '14', // Västra Götaland
    heading: [s(415, 'Västra Götalands län'), s(417, 'Vårdgivarens bedömning i Västra Götalands län')],
    radrum: { kind: 'mandatory', days: 14, appliesTo: 'unsignedNotes', basis: fromSeed(s(419, 'obligatoriskt rådrum 14 dagar för osignerade anteckningar.')) },
    signedNotes: { delay: IMMEDIATELY, basis: fromSeed(s(420, 'signerade journalanteckningar visas direkt.')) },
    unsignedNotes: { kind: 'afterDays', days: 14, requiresLock: false, basis: fromSeed(s(420, 'Osignerade anteckningar syns efter 14 dagar.')) },
    resultsSilent: s(421, 'Vidimerat/Ovidimerat: Ingen information är i nuläget tillgänglig.'),
  },
  {
    regionCode: '18', // Örebro
    heading: [s(424, 'Örebro län'), s(426, 'Vårdgivarens bedömning i Örebro län')],
    radrum: { kind: 'residentChoice', days: 14, appliesTo: 'signedNotes', basis: fromSeed(s(428, 'patient kan välja en fördröjning på 14 dagar för de signerade anteckningarna, så kallat rådrum.')) },
    signedNotes: { delay: IMMEDIATELY, basis: fromSeed(s(429, 'signerade journalanteckningar visas direkt.')) },
    unsignedNotes: { kind: 'afterDays', days: 14, requiresLock: false, basis: fromSeed(s(429, 'Osignerade anteckningar syns efter 14 dagar.')) },
    results: Object.fromEntries(RESULT_INFO_TYPES.map((t) => [t, directly(fromSeed(s(430, 'ingen skillnad för vidimerat/ovidimerat.')))])),
  },
  {
    regionCode: '05', // Östergötland
    heading: [s(433, 'Östergötlands län'), s(435, 'Vårdgivarens bedömning i Östergötlands län')],
    // The rådrum line names no scope; the results line gives results their own rule, so the
    // 14-day rådrum is read as applying to notes, signed and unsigned.
    radrum: { kind: 'mandatory', days: 14, appliesTo: 'allNotes', basis: fromSeed(s(437, 'Rådrum/Inte rådrum: obligatoriskt rådrum 14 dagar.')) },
    signedNotes: { delay: IMMEDIATELY, basis: fromSeed(s(438, 'Signerat/Osignerat: signerade anteckningar visas.')) },
    // Cosmic autolocks 14 days after "ready for signing"; the note's own date stands in for that.
    unsignedNotes: {
      kind: 'afterDays',
      days: 14,
      requiresLock: true,
      basis: fromSeed(
        s(438, 'Osignerade anteckningar som blivit autolåsta i Cosmic visas.'),
        s(438, 'Autolåsning inträffar när det förflutit 14 dagar sedan anteckningen markerats som ”klar för signering”.'),
      ),
    },
    results: {
      labResult: { validated: IMMEDIATELY, unvalidated: after(14), basis: fromSeed(s(439, 'ovidimerade provsvar (klinisk kemi) och ovidimerade röntgensvar visas när det har passerat 14 dagar.')) },
      imagingResult: { validated: IMMEDIATELY, unvalidated: after(14), basis: fromSeed(s(439, 'ovidimerade provsvar (klinisk kemi) och ovidimerade röntgensvar visas när det har passerat 14 dagar.')) },
    },
  },
];

export const DEFAULT_POLICIES: readonly DisclosurePolicy[] = ASSESSMENTS.map(policy).sort((a, b) =>
  a.regionCode.localeCompare(b.regionCode),
);

const byRegion = new Map(DEFAULT_POLICIES.map((p) => [p.regionCode, p]));

export function defaultPolicy(regionCode: RegionCode): DisclosurePolicy {
  const found = byRegion.get(regionCode);
  if (!found) throw new Error(`no default disclosure policy for region ${regionCode}`);
  return found;
}
