import type { Sex } from '../domain/identifiers/index.js';
import type { UnitKind } from './care-units.js';
import type { AlertKey, AnalysisKey, DiagnosisCode, LabPanel, MedicineKey } from './codes.js';
import type { Random } from './random.js';

/**
 * Care episodes: what happens at one visit, phone call or admission, and what it leaves in the
 * record (notes, diagnoses, lab orders, imaging, referral answers, prescriptions, alerts). The
 * note texts are written the way Swedish clinicians write (Aktuellt, Status, Bedömning, Åtgärd),
 * with careful clinical content: ordinary, plausible care, nothing sensational.
 */

/** KV Anteckningstyp codes the episodes use. */
export type NoteType = 'bes' | 'auf' | 'ins' | 'sva' | 'sam' | 'slu' | 'utr' | 'atb';

export type Author = 'doctor' | 'nurse' | 'psychologist' | 'physiotherapist';

export interface NoteDraft {
  readonly type: NoteType;
  readonly title: string;
  readonly text: string;
  /** Sökord (the headings the note uses); the disclosure rules may exclude some. */
  readonly keywords: readonly string[];
  readonly template: string;
  readonly author: Author;
  /** Days after the episode started (inpatient stays write notes on several days). */
  readonly day?: number;
  /** The clinician judged the note not suitable for direct access (rare; set by the episode). */
  readonly notForPatient?: boolean;
  /** Written at another unit than the episode's own (a follow-up at a specialist clinic). */
  readonly unitKind?: UnitKind;
}

export interface NoteContext {
  readonly rng: Random;
  readonly age: number;
  readonly sex: Sex;
  /** Values of this episode's lab order, by analysis. */
  readonly lab: Readonly<Partial<Record<AnalysisKey, number>>>;
  /** The first time this condition is documented (chronic conditions). */
  readonly first: boolean;
  /** Length of stay in days (inpatient episodes). */
  readonly stayDays: number;
  /** The resident is allergic to penicillin: no penicillins, and the note says what was given instead. */
  readonly penicillinAllergy: boolean;
}

export type ImagingKey = keyof typeof IMAGING;
export type ReferralKey = keyof typeof REFERRALS;

export interface EpisodeSpec {
  readonly key: string;
  readonly unitKinds: readonly UnitKind[];
  readonly minAge: number;
  readonly maxAge: number;
  readonly sex?: Sex;
  readonly contact: 'visit' | 'phone' | 'inpatient';
  /** careContactReason. */
  readonly reason: string;
  readonly diagnoses?: readonly DiagnosisCode[];
  readonly labs?: LabPanel;
  /** Values typical of the condition (mean, sd) instead of health's. */
  readonly labShift?: Readonly<Partial<Record<AnalysisKey, readonly [number, number]>>>;
  /** Shift the values only at the first occurrence (a condition found, then treated). */
  readonly labShiftFirstOnly?: boolean;
  readonly imaging?: ImagingKey;
  readonly referral?: ReferralKey;
  /** Referral only at the first occurrence. */
  readonly referralFirstOnly?: boolean;
  readonly medicines?: readonly MedicineKey[];
  /** What is prescribed instead when the resident is allergic to penicillin. */
  readonly penicillinFree?: readonly MedicineKey[];
  /** Prescribe only at the first occurrence (continuous treatment is renewed in the text). */
  readonly medicinesFirstOnly?: boolean;
  readonly alert?: AlertKey;
  /** Stay length range for inpatient episodes. */
  readonly stay?: readonly [number, number];
  readonly notes: (ctx: NoteContext) => NoteDraft[];
}

/** No upper age: the oldest residents (Tolvan is over a hundred) still get ordinary care. */
const OLDEST = 120;

/** A number as Swedish text: decimal comma. */
export const sv = (n: number, decimals = 0): string => n.toFixed(decimals).replace('.', ',');

const pronoun = (sex: Sex): string => (sex === 'female' ? 'hon' : 'han');

const paragraphs = (...parts: (string | false | undefined)[]): string => parts.filter((p): p is string => typeof p === 'string' && p !== '').join('\n\n');

function bloodPressure(rng: Random, high: boolean): string {
  const sys = high ? rng.int(142, 162) : rng.int(124, 139);
  const dia = high ? rng.int(88, 98) : rng.int(74, 86);
  return `${sys}/${dia}`;
}

const labLine = (ctx: NoteContext, parts: readonly [AnalysisKey, string, string, number?][]): string =>
  parts
    .filter(([key]) => ctx.lab[key] !== undefined)
    .map(([key, name, unit, decimals]) => `${name} ${sv(ctx.lab[key]!, decimals ?? 0)} ${unit}`)
    .join(', ');

// ---- Primary care ------------------------------------------------------------------------------

const uri: EpisodeSpec = {
  key: 'uri', unitKinds: ['vc'], minAge: 0, maxAge: OLDEST, contact: 'visit', reason: 'Halsont och hosta',
  diagnoses: ['J06.9'],
  notes: ({ rng, age }) => {
    const child = age < 13;
    const days = rng.int(3, 8);
    return [{
      type: 'bes', title: 'Besöksanteckning', author: 'doctor', template: 'Läkarbesök', keywords: ['Aktuellt', 'Status', 'Bedömning', 'Åtgärd'],
      text: paragraphs(
        `Aktuellt: ${child ? 'Förälder berättar att barnet sedan' : 'Sedan'} ${days} dagar har haft halsont, snuva och hosta. Feber upp till 38,5 de första dagarna, nu feberfri${child ? '. Äter och dricker något mindre än vanligt men blöter blöjor/kissar som vanligt.' : '. Inga andningsbesvär.'}`,
        `Status: Allmäntillstånd opåverkat. Svalg: Lätt rodnad, inga beläggningar. Öron: Normala trumhinnor bilateralt. Lungor: Normala andningsljud, inga biljud. Andningsfrekvens normal. Inga förstorade lymfkörtlar på halsen.`,
        `Bedömning: Virusorsakad övre luftvägsinfektion. Ingen indikation för antibiotika.`,
        `Åtgärd: Råd om egenvård med vila, vätska och vid behov febernedsättande. Ny kontakt vid andningsbesvär, försämrat allmäntillstånd eller feber längre än en vecka.`,
      ),
    }];
  },
};

const uriPhone: EpisodeSpec = {
  key: 'uriPhone', unitKinds: ['vc'], minAge: 0, maxAge: OLDEST, contact: 'phone', reason: 'Rådgivning luftvägsinfektion',
  notes: ({ rng, age }) => [{
    type: 'auf', title: 'Telefonanteckning', author: 'nurse', template: 'Telefonrådgivning', keywords: ['Kontaktorsak', 'Aktuellt', 'Råd'],
    text: paragraphs(
      `Kontaktorsak: ${age < 13 ? 'Förälder ringer angående barnets' : 'Ringer angående'} hosta och snuva sedan ${rng.int(2, 5)} dagar.`,
      `Aktuellt: Ingen feber i dag. Inga andningsbesvär, dricker bra. Ingen öronvärk.`,
      `Råd: Sannolikt virusinfektion. Egenvårdsråd enligt 1177. Ny kontakt vid feber i mer än tre dagar, andningsbesvär eller påverkat allmäntillstånd.`,
    ),
  }],
};

const cystit: EpisodeSpec = {
  key: 'cystit', unitKinds: ['vc'], minAge: 18, maxAge: 75, sex: 'female', contact: 'phone', reason: 'Sveda vid vattenkastning',
  diagnoses: ['N30.0'], medicines: ['pivmecillinam'], penicillinFree: ['nitrofurantoin'],
  notes: ({ rng, penicillinAllergy }) => [{
    type: 'auf', title: 'Telefonanteckning', author: 'nurse', template: 'Telefonrådgivning', keywords: ['Kontaktorsak', 'Aktuellt', 'Bedömning', 'Åtgärd'],
    text: paragraphs(
      `Kontaktorsak: Sveda och täta trängningar sedan ${rng.int(1, 3)} dagar.`,
      `Aktuellt: Ingen feber, ingen smärta i flankerna. Inte gravid. Inga upprepade urinvägsinfektioner tidigare i år.`,
      `Bedömning: Okomplicerad nedre urinvägsinfektion.`,
      `Åtgärd: Efter samråd med jourhavande läkare recept på ${penicillinAllergy ? 'nitrofurantoin 50 mg, 1 tablett 3 gånger dagligen i 5 dagar, eftersom patienten är allergisk mot penicillin' : 'pivmecillinam 200 mg, 1 tablett 3 gånger dagligen i 5 dagar'}. Ny kontakt om besvären inte har minskat efter 2-3 dagar, vid feber eller smärta i ryggen.`,
    ),
  }],
};

const hypertoni: EpisodeSpec = {
  key: 'hypertoni', unitKinds: ['vc'], minAge: 30, maxAge: OLDEST, contact: 'visit', reason: 'Blodtryckskontroll',
  diagnoses: ['I10'], labs: 'hypertoni', medicines: ['amlodipin'], medicinesFirstOnly: true,
  notes: (ctx) => {
    const { rng, first } = ctx;
    const high = rng.chance(first ? 1 : 0.3);
    const bp = bloodPressure(rng, high);
    const labs = labLine(ctx, [['krea', 'Kreatinin', 'µmol/L'], ['kalium', 'kalium', 'mmol/L', 1], ['natrium', 'natrium', 'mmol/L']]);
    return [{
      type: 'bes', title: first ? 'Nybesök hypertoni' : 'Årskontroll hypertoni', author: 'doctor', template: 'Läkarbesök', keywords: ['Aktuellt', 'Status', 'Lab', 'Bedömning', 'Åtgärd'],
      text: paragraphs(
        first
          ? `Aktuellt: Förhöjda blodtryck vid tre mätningar på sköterskemottagningen senaste månaden. Inga symtom. Ärftlighet för hjärt-kärlsjukdom hos ${rng.pick(['mor', 'far'])}. Röker inte.`
          : `Aktuellt: Kontroll av känd hypertoni. Tar amlodipin 5 mg dagligen utan biverkningar. Mäter blodtrycket hemma, värden kring ${high ? '145/90' : '130/80'}. Inga bröstsmärtor, ingen andfåddhet. Promenerar dagligen.`,
        `Status: Blodtryck ${bp} höger arm, sittande efter vila. Puls ${rng.int(60, 84)}, regelbunden. Hjärta: Regelbunden rytm, inga blåsljud. Inga ankelödem.`,
        labs && `Lab: ${labs}.`,
        first
          ? `Bedömning: Essentiell hypertoni. Ingen känd organskada. Kriterier för läkemedelsbehandling uppfyllda.`
          : high ? `Bedömning: Blodtrycket är inte helt i mål.` : `Bedömning: Välbehandlad hypertoni.`,
        first
          ? `Åtgärd: Start med amlodipin 5 mg dagligen. Information om levnadsvanor: salt, motion, alkohol. Blodtryckskontroll hos distriktssköterska om 4 veckor.`
          : high
            ? `Åtgärd: Tillägg av enalapril övervägs. Patienten vill först försöka minska saltintaget och öka motionen. Ny blodtryckskontroll om 6 veckor.`
            : `Åtgärd: Oförändrad behandling, receptet förnyat. Ny kontroll om ett år med blodprover före besöket.`,
      ),
    }];
  },
};

const diabetes: EpisodeSpec = {
  key: 'diabetes', unitKinds: ['vc'], minAge: 35, maxAge: OLDEST, contact: 'visit', reason: 'Diabeteskontroll',
  diagnoses: ['E11.9'], labs: 'diabetes', labShift: { hba1c: [53, 8], glukos: [8.2, 1.5], ldl: [3.0, 0.6] }, medicines: ['metformin'], medicinesFirstOnly: true,
  notes: (ctx) => {
    const { rng, first } = ctx;
    const hba1c = ctx.lab.hba1c ?? 50;
    const inTarget = hba1c <= 52;
    return [{
      type: 'bes', title: first ? 'Nybesök diabetes' : 'Årskontroll diabetes', author: first ? 'doctor' : 'nurse', template: first ? 'Läkarbesök' : 'Diabetessjuksköterska', keywords: ['Aktuellt', 'Status', 'Lab', 'Bedömning', 'Planering'],
      text: paragraphs(
        first
          ? `Aktuellt: Förhöjt fasteglukos vid hälsokontroll, kontrollerat två gånger. Ökad törst senaste månaderna. Inga tidigare kända sjukdomar.`
          : `Aktuellt: Årskontroll av diabetes typ 2. Tar metformin 500 mg 2 gånger dagligen. Inga känningar av lågt blodsocker. Ögonbottenfotografering är gjord i år, utan tecken på retinopati.`,
        `Status: Vikt ${rng.int(72, 104)} kg. Blodtryck ${bloodPressure(rng, rng.chance(0.3))}. Fötter: Normal känsel för monofilament bilateralt, palpabla fotpulsar, inga sår eller förhårdnader.`,
        `Lab: ${labLine(ctx, [['hba1c', 'HbA1c', 'mmol/mol'], ['glukos', 'glukos', 'mmol/L', 1], ['krea', 'kreatinin', 'µmol/L'], ['ldl', 'LDL-kolesterol', 'mmol/L', 1]])}.`,
        first
          ? `Bedömning: Diabetes mellitus typ 2, nyupptäckt.`
          : inTarget ? `Bedömning: Glukoskontrollen är god, HbA1c inom individuellt mål (under 52 mmol/mol).` : `Bedömning: HbA1c över målvärdet.`,
        first
          ? `Planering: Start med metformin 500 mg 2 gånger dagligen. Remiss till diabetessjuksköterska för utbildning. Kostråd. Ögonbottenfotografering beställd.`
          : inTarget
            ? `Planering: Fortsatt samma behandling. Uppmuntrad att fortsätta med regelbunden fysisk aktivitet. Nästa kontroll om ett år.`
            : `Planering: Samtal om kost och fysisk aktivitet. Läkarbesök bokas för ställningstagande till ändrad behandling. Nytt HbA1c om 3 månader.`,
      ),
    }];
  },
};

const astma: EpisodeSpec = {
  key: 'astma', unitKinds: ['vc', 'pediatrics'], minAge: 4, maxAge: OLDEST, contact: 'visit', reason: 'Astmakontroll',
  diagnoses: ['J45.9'], medicines: ['budesonid', 'salbutamol'], medicinesFirstOnly: true, referral: 'spirometri', referralFirstOnly: true,
  notes: ({ rng, first, age }) => [{
    type: 'bes', title: first ? 'Nybesök astma' : 'Astmakontroll', author: 'doctor', template: 'Läkarbesök', keywords: ['Aktuellt', 'Status', 'Bedömning', 'Åtgärd'],
    text: paragraphs(
      first
        ? `Aktuellt: Återkommande hosta och pipande andning, särskilt vid ansträngning och förkylning, sedan ${rng.int(2, 6)} månader.${age < 13 ? ' Förälder berättar att barnet får hosta efter idrott.' : ''}`
        : `Aktuellt: Kontroll av astma. Använder inhalationssteroid morgon och kväll. Behöver sin luftrörsvidgande spray ${rng.pick(['någon gång i månaden', 'ett par gånger i veckan', 'sällan'])}. Ingen nattlig hosta.`,
      `Status: Allmäntillstånd gott. Lungor: ${first ? 'Enstaka ronki vid forcerad utandning.' : 'Normala andningsljud, inga biljud.'} Saturation ${rng.int(96, 99)} %. PEF ${age < 13 ? rng.int(220, 330) : rng.int(380, 560)} L/min.`,
      first ? `Bedömning: Misstänkt astma.` : `Bedömning: Astma, ${rng.chance(0.7) ? 'väl kontrollerad' : 'delvis kontrollerad'}.`,
      first
        ? `Åtgärd: Remiss för spirometri med reversibilitetstest. Start med budesonid 200 mikrogram 2 gånger dagligen och salbutamol vid behov. Inhalationsteknik genomgången. Återbesök efter spirometri.`
        : `Åtgärd: Fortsatt behandling enligt ordination, receptet förnyat. Inhalationsteknik kontrollerad. Ny kontroll om ett år, tidigare vid försämring.`,
    ),
  }],
};

const hypotyreos: EpisodeSpec = {
  key: 'hypotyreos', unitKinds: ['vc'], minAge: 30, maxAge: OLDEST, contact: 'visit', reason: 'Sköldkörtelkontroll',
  diagnoses: ['E03.9'], labs: 'tyreoidea', labShift: { tsh: [11, 3], ft4: [9.5, 1] }, labShiftFirstOnly: true, medicines: ['levotyroxin'], medicinesFirstOnly: true,
  notes: (ctx) => {
    const { first } = ctx;
    return [{
      type: 'bes', title: first ? 'Besöksanteckning' : 'Kontroll hypotyreos', author: 'doctor', template: 'Läkarbesök', keywords: ['Aktuellt', 'Lab', 'Bedömning', 'Åtgärd'],
      text: paragraphs(
        first
          ? `Aktuellt: Trötthet, frusenhet och viktuppgång på 4 kg senaste halvåret. Torr hud. Inga andra nytillkomna besvär.`
          : `Aktuellt: Kontroll av hypotyreos. Tar levotyroxin 50 mikrogram dagligen. Mår bra, ingen trötthet eller hjärtklappning.`,
        `Lab: ${labLine(ctx, [['tsh', 'TSH', 'mIU/L', 2], ['ft4', 'fritt T4', 'pmol/L']])}.`,
        first ? `Bedömning: Hypotyreos.` : `Bedömning: Välsubstituerad hypotyreos.`,
        first
          ? `Åtgärd: Start med levotyroxin 50 mikrogram på morgonen, en halvtimme före frukost. Nya prover om 6-8 veckor.`
          : `Åtgärd: Oförändrad dos, receptet förnyat. TSH kontrolleras årligen.`,
      ),
    }];
  },
};

const halsokontroll: EpisodeSpec = {
  key: 'halsokontroll', unitKinds: ['vc'], minAge: 30, maxAge: 75, contact: 'visit', reason: 'Hälsokontroll',
  diagnoses: ['Z00.0'], labs: 'halsokontroll',
  notes: (ctx) => [{
    type: 'bes', title: 'Hälsosamtal', author: 'nurse', template: 'Sjuksköterskebesök', keywords: ['Aktuellt', 'Levnadsvanor', 'Status', 'Lab', 'Planering'],
    text: paragraphs(
      `Aktuellt: Hälsosamtal inför ${ctx.age}-årskontroll. Mår bra. Arbetar heltid.`,
      `Levnadsvanor: Röker inte. Alkohol ${ctx.rng.pick(['någon gång i veckan', 'sällan', 'vid enstaka tillfällen'])}. Motion ${ctx.rng.pick(['promenader dagligen', 'gym två gånger i veckan', 'mindre än önskat'])}.`,
      `Status: Blodtryck ${bloodPressure(ctx.rng, false)}. Vikt ${ctx.rng.int(58, 96)} kg, längd ${ctx.sex === 'female' ? ctx.rng.int(158, 176) : ctx.rng.int(170, 190)} cm. Midjemått ${ctx.rng.int(72, 102)} cm.`,
      `Lab: ${labLine(ctx, [['hb', 'Hb', 'g/L'], ['glukos', 'glukos', 'mmol/L', 1], ['kolesterol', 'kolesterol', 'mmol/L', 1], ['krea', 'kreatinin', 'µmol/L']])}.`,
      `Planering: Provsvaren återkopplas via 1177. Ingen uppföljning planerad.`,
    ),
  }],
};

const lumbago: EpisodeSpec = {
  key: 'lumbago', unitKinds: ['vc'], minAge: 20, maxAge: 75, contact: 'visit', reason: 'Ryggsmärta',
  diagnoses: ['M54.5'], medicines: ['ibuprofen'],
  notes: ({ rng }) => [{
    type: 'bes', title: 'Besöksanteckning', author: 'doctor', template: 'Läkarbesök', keywords: ['Aktuellt', 'Status', 'Bedömning', 'Åtgärd'],
    text: paragraphs(
      `Aktuellt: Hastigt insättande smärta i ländryggen för ${rng.int(2, 6)} dagar sedan i samband med lyft. Ingen utstrålning nedom knät. Normal blås- och tarmfunktion. Ingen feber.`,
      `Status: Rör sig något stelt. Palpationsöm paravertebralt i ländryggen. Lasègue negativt bilateralt. Normal kraft, känsel och reflexer i benen.`,
      `Bedömning: Akut lumbago utan tecken på nervrotspåverkan.`,
      `Åtgärd: Information om god prognos. Rådet att vara i rörelse. Ibuprofen vid behov i högst en vecka. Fysioterapeut vid kvarstående besvär efter 2-3 veckor. Ny kontakt omedelbart vid känselbortfall i underlivet eller svårighet att kissa.`,
    ),
  }],
};

const anemi: EpisodeSpec = {
  key: 'anemi', unitKinds: ['vc'], minAge: 18, maxAge: 55, sex: 'female', contact: 'visit', reason: 'Trötthet',
  diagnoses: ['D50.9'], labs: 'anemi', labShift: { hb: [106, 4], ferritin: [6, 2] }, medicines: ['jarn'],
  notes: (ctx) => [{
    type: 'bes', title: 'Besöksanteckning', author: 'doctor', template: 'Läkarbesök', keywords: ['Aktuellt', 'Status', 'Lab', 'Bedömning', 'Åtgärd'],
    text: paragraphs(
      `Aktuellt: Tilltagande trötthet och andfåddhet vid trappgång senaste månaderna. Rikliga menstruationer. Äter blandkost.`,
      `Status: Något blek. Hjärta: Regelbunden rytm, inga blåsljud. Puls ${ctx.rng.int(76, 92)}.`,
      `Lab: ${labLine(ctx, [['hb', 'Hb', 'g/L'], ['ferritin', 'ferritin', 'µg/L'], ['tpk', 'TPK', '×10⁹/L']])}.`,
      `Bedömning: Järnbristanemi, sannolikt på grund av rikliga menstruationer.`,
      `Åtgärd: Järntabletter i 3 månader. Kontroll av Hb och ferritin efter 6-8 veckor. Remiss till gynekolog för bedömning av blödningarna.`,
    ),
  }],
};

const otit: EpisodeSpec = {
  key: 'otit', unitKinds: ['vc', 'pediatrics'], minAge: 1, maxAge: 8, contact: 'visit', reason: 'Öronvärk',
  diagnoses: ['H66.9'], medicines: ['pcvMixtur'], penicillinFree: ['erytromycinMixtur'],
  notes: ({ rng, penicillinAllergy }) => [{
    type: 'bes', title: 'Besöksanteckning', author: 'doctor', template: 'Läkarbesök', keywords: ['Aktuellt', 'Status', 'Bedömning', 'Åtgärd'],
    text: paragraphs(
      `Aktuellt: Förälder berättar att barnet har varit förkylt en vecka och sedan i natt har ont i ${rng.pick(['höger', 'vänster'])} öra. Feber 38,8.`,
      `Status: Opåverkat barn. Öron: Buktande, rodnad trumhinna på den sjuka sidan, normal på andra sidan. Svalg och lungor utan anmärkning.`,
      `Bedömning: Akut mellanöreinflammation.`,
      `Åtgärd: ${penicillinAllergy ? 'Penicillinallergi, därför erytromycin' : 'Penicillin V'} i 5 dagar enligt vikt. Smärtlindring med paracetamol. Ny kontakt om inte bättre inom 2-3 dagar.`,
    ),
  }],
};

const eksem: EpisodeSpec = {
  key: 'eksem', unitKinds: ['bvc', 'vc'], minAge: 0, maxAge: 10, contact: 'visit', reason: 'Torr hud och klåda',
  diagnoses: ['L20.9'], medicines: ['hydrokortison'],
  notes: () => [{
    type: 'bes', title: 'Besöksanteckning', author: 'doctor', template: 'Läkarbesök', keywords: ['Aktuellt', 'Status', 'Bedömning', 'Åtgärd'],
    text: paragraphs(
      `Aktuellt: Förälder har sett torr, rodnad hud i armvecken och knävecken som kliar, särskilt på natten. Ingen känd födoämnesallergi.`,
      `Status: Torr hud. Rodnade, lätt fjällande eksemområden i armböjar och knäveck. Inga tecken på infektion.`,
      `Bedömning: Atopiskt eksem.`,
      `Åtgärd: Mjukgörande kräm flera gånger dagligen. Hydrokortisonkräm på eksemen 1 gång dagligen i 1-2 veckor. Återkontakt om ingen förbättring.`,
    ),
  }],
};

const gastroenterit: EpisodeSpec = {
  key: 'gastroenterit', unitKinds: ['vc'], minAge: 1, maxAge: OLDEST, contact: 'phone', reason: 'Kräkningar och diarré',
  notes: ({ age }) => [{
    type: 'auf', title: 'Telefonanteckning', author: 'nurse', template: 'Telefonrådgivning', keywords: ['Kontaktorsak', 'Aktuellt', 'Råd'],
    text: paragraphs(
      `Kontaktorsak: ${age < 13 ? 'Förälder ringer, barnet har' : 'Har'} kräkts och haft diarré sedan i går.`,
      `Aktuellt: Kan dricka små mängder i taget. ${age < 13 ? 'Har kissat i morse.' : 'Kissar som vanligt.'} Ingen blodig diarré, ingen hög feber.`,
      `Råd: Troligen magsjuka. Vätskeersättning i små portioner. Ny kontakt vid tecken på uttorkning, blod i avföringen eller om besvären inte avtar inom några dagar.`,
    ),
  }],
};

const depressionVc: EpisodeSpec = {
  key: 'depressionVc', unitKinds: ['vc'], minAge: 18, maxAge: 75, contact: 'visit', reason: 'Nedstämdhet',
  diagnoses: ['F32.1'], medicines: ['sertralin'],
  notes: ({ rng }) => [{
    type: 'bes', title: 'Besöksanteckning', author: 'doctor', template: 'Läkarbesök', keywords: ['Aktuellt', 'Psykiskt status', 'Bedömning', 'Åtgärd'],
    text: paragraphs(
      `Aktuellt: Nedstämdhet, sömnsvårigheter och minskad ork sedan ${rng.int(2, 4)} månader. Svårt att koncentrera sig på arbetet. Har stöd av familj och vänner. MADRS-S ${rng.int(20, 30)} poäng.`,
      `Psykiskt status: Vaken, orienterad. God kontakt. Sänkt grundstämning. Inga psykotiska symtom. Förnekar dödstankar och självmordstankar.`,
      `Bedömning: Medelsvår depressiv episod.`,
      `Åtgärd: Start med sertralin 50 mg dagligen, information om effekt och biverkningar. Remiss till psykolog på vårdcentralen för samtalsbehandling. Återbesök om 3 veckor. Informerad om att söka vård direkt vid försämring.`,
    ),
  }],
};

// ---- Hospital --------------------------------------------------------------------------------

const brostsmarta: EpisodeSpec = {
  key: 'brostsmarta', unitKinds: ['emergency'], minAge: 35, maxAge: OLDEST, contact: 'visit', reason: 'Bröstsmärta',
  diagnoses: ['R07.4'], labs: 'brostsmarta', imaging: 'lungrontgen', referral: 'arbetsprov',
  notes: (ctx) => [{
    type: 'bes', title: 'Akutanteckning', author: 'doctor', template: 'Akutmottagning läkare', keywords: ['Kontaktorsak', 'Anamnes', 'Status', 'Lab', 'Bedömning', 'Åtgärd'],
    text: paragraphs(
      `Kontaktorsak: Bröstsmärta.`,
      `Anamnes: Tryckkänsla centralt i bröstet sedan ${ctx.rng.int(3, 8)} timmar, debuterade i vila. Ingen utstrålning, ingen andfåddhet. Tidigare frisk.`,
      `Status: Allmäntillstånd opåverkat. Blodtryck ${bloodPressure(ctx.rng, false)}. Puls ${ctx.rng.int(62, 88)}, regelbunden. Hjärta: Regelbunden rytm, inga blåsljud. Lungor: Normala andningsljud. Bröstkorgen palpationsöm över vänster revbensbrosk. EKG: Sinusrytm, inga ischemiska förändringar.`,
      `Lab: ${labLine(ctx, [['troponin', 'Troponin T', 'ng/L'], ['hb', 'Hb', 'g/L'], ['crp', 'CRP', 'mg/L']])}. Kontroll av troponin T efter 3 timmar oförändrad.`,
      `Bedömning: Bröstsmärta utan hållpunkter för akut koronart syndrom. Sannolikt muskuloskeletal genes.`,
      `Åtgärd: Hemgång. Remiss för arbetsprov. Söka igen vid ny eller tilltagande bröstsmärta.`,
    ),
  }],
};

const fotled: EpisodeSpec = {
  key: 'fotled', unitKinds: ['emergency'], minAge: 10, maxAge: 70, contact: 'visit', reason: 'Fotledsskada',
  diagnoses: ['S93.4'], imaging: 'fotled',
  notes: ({ rng }) => [{
    type: 'bes', title: 'Akutanteckning', author: 'doctor', template: 'Akutmottagning läkare', keywords: ['Kontaktorsak', 'Anamnes', 'Status', 'Bedömning', 'Åtgärd'],
    text: paragraphs(
      `Kontaktorsak: Vrickat ${rng.pick(['höger', 'vänster'])} fotled.`,
      `Anamnes: Vek om foten vid ${rng.pick(['fotbollsträning', 'promenad i skogen', 'trappgång'])} i dag. Har kunnat belasta med smärta.`,
      `Status: Svullnad och ömhet framför och under laterala malleolen. Ingen ömhet över malleolernas bakkant eller femte metatarsalbasen. Distalt status utan anmärkning.`,
      `Bedömning: Distorsion av fotleden. Röntgen utan fraktur.`,
      `Åtgärd: Högläge, kyla och kompression de första dygnen. Belastning efter förmåga. Fysioterapeut vid kvarstående instabilitet efter 4-6 veckor.`,
    ),
  }],
};

const handled: EpisodeSpec = {
  key: 'handled', unitKinds: ['emergency'], minAge: 8, maxAge: OLDEST, contact: 'visit', reason: 'Fall mot utsträckt hand',
  diagnoses: ['S52.5'], imaging: 'handled', medicines: ['paracetamol'],
  notes: ({ rng, age }) => [
    {
      type: 'bes', title: 'Akutanteckning', author: 'doctor', template: 'Akutmottagning läkare', keywords: ['Kontaktorsak', 'Anamnes', 'Status', 'Bedömning', 'Åtgärd'],
      text: paragraphs(
        `Kontaktorsak: Handledsskada.`,
        `Anamnes: ${age > 60 ? 'Halkade på isen' : rng.pick(['Föll från cykel', 'Föll på skateboard', 'Halkade på isen'])} och tog emot sig med ${rng.pick(['höger', 'vänster'])} hand.`,
        `Status: Svullnad och felställning distalt i underarmen. Palpationsöm över distala radius. Cirkulation, känsel och motorik i handen intakt.`,
        `Bedömning: Distal radiusfraktur med lätt dorsal felställning, utan ledengagemang.`,
        `Åtgärd: Reposition i lokalbedövning och dorsal gipsskena. Kontrollröntgen i gips visar godtagbart läge. Ny röntgen och gipskontroll på ortopedmottagningen om en vecka.`,
      ),
    },
    {
      type: 'bes', title: 'Återbesök ortopedmottagning', author: 'doctor', template: 'Läkarbesök', keywords: ['Aktuellt', 'Status', 'Bedömning', 'Åtgärd'], day: 7, unitKind: 'orthopedics',
      text: paragraphs(
        `Aktuellt: Återbesök en vecka efter distal radiusfraktur. Lite värk nattetid, i övrigt bra.`,
        `Status: Gipset sitter bra. Ingen svullnad av fingrarna, normal känsel och cirkulation.`,
        `Bedömning: Röntgen visar oförändrat läge.`,
        `Åtgärd: Fortsatt gips i sammanlagt 4 veckor. Därefter gipsborttagning och instruktion av arbetsterapeut.`,
      ),
    },
  ],
};

const pneumoni: EpisodeSpec = {
  key: 'pneumoni', unitKinds: ['medicineWard'], minAge: 50, maxAge: OLDEST, contact: 'inpatient', reason: 'Feber och andfåddhet',
  diagnoses: ['J18.9'], labs: 'infektion', labShift: { crp: [140, 40], lpk: [13.5, 2] }, imaging: 'lungrontgenPneumoni', medicines: ['pcv'], penicillinFree: ['doxycyklin'], stay: [2, 5],
  notes: (ctx) => {
    const { rng, stayDays, penicillinAllergy } = ctx;
    const notes: NoteDraft[] = [
      {
        type: 'ins', title: 'Inskrivningsanteckning', author: 'doctor', template: 'Inskrivning läkare', keywords: ['Kontaktorsak', 'Anamnes', 'Status', 'Lab', 'Bedömning', 'Planering'],
        text: paragraphs(
          `Kontaktorsak: Feber och andfåddhet.`,
          `Anamnes: Sedan ${rng.int(3, 5)} dagar hosta med missfärgade upphostningar, feber upp till 39,5 och tilltagande andfåddhet. Äter och dricker dåligt sista dygnet.`,
          `Status: Allmäntillstånd lätt påverkat. Temperatur 38,9. Andningsfrekvens ${rng.int(22, 26)}. Saturation ${rng.int(90, 93)} % utan syrgas. Blodtryck ${bloodPressure(rng, false)}. Lungor: Rassel basalt höger.`,
          `Lab: ${labLine(ctx, [['crp', 'CRP', 'mg/L'], ['lpk', 'LPK', '×10⁹/L', 1], ['hb', 'Hb', 'g/L']])}. Lungröntgen visar infiltrat i höger underlob.`,
          `Bedömning: Samhällsförvärvad pneumoni.`,
          `Planering: Inläggning på medicinavdelning. ${penicillinAllergy ? 'Känd penicillinallergi (utslag); cefalosporiner har tolererats tidigare. Cefotaxim' : 'Bensylpenicillin'} intravenöst, syrgas efter behov, dropp. Blododling och sputumodling tagna.`,
        ),
      },
    ];
    for (let day = 1; day < stayDays; day++) {
      notes.push({
        type: 'sva', title: 'Daganteckning', author: 'doctor', template: 'Daganteckning läkare', keywords: ['Aktuellt', 'Status', 'Bedömning'], day,
        text: paragraphs(
          `Aktuellt: ${day === 1 ? 'Fortfarande feber under natten men känner sig något piggare.' : 'Feberfri sedan i går. Äter och dricker bra.'}`,
          `Status: Saturation ${rng.int(94, 97)} % ${day === 1 ? 'med 1 liter syrgas' : 'utan syrgas'}. Lungor: Minskat rassel basalt höger.`,
          `Bedömning: ${day === 1 ? 'Förbättras långsamt.' : 'Fortsatt förbättring, byte till tabletter i dag.'}`,
        ),
      });
    }
    notes.push({
      type: 'sam', title: 'Epikris', author: 'doctor', template: 'Epikris', keywords: ['Orsak till vårdtillfället', 'Förlopp', 'Läkemedel', 'Uppföljning'], day: stayDays,
      text: paragraphs(
        `Orsak till vårdtillfället: Samhällsförvärvad pneumoni i höger underlob.`,
        `Förlopp: Behandlad med intravenöst ${penicillinAllergy ? 'cefotaxim' : 'penicillin'} med god effekt. Feberfri sedan dag ${Math.max(1, stayDays - 1)}. Syrgas kunde sättas ut. Odlingar utan växt av betydelse.`,
        `Läkemedel: Fortsätter med ${penicillinAllergy ? 'doxycyklin' : 'penicillin V'} tabletter, totalt 7 dagars behandling.`,
        `Uppföljning: Återbesök på vårdcentralen om 6 veckor med kontroll av lungröntgen, eftersom patienten är över 50 år.`,
      ),
    });
    return notes;
  },
};

const forMaksflimmer: EpisodeSpec = {
  key: 'formaksflimmer', unitKinds: ['medicine'], minAge: 60, maxAge: OLDEST, contact: 'visit', reason: 'Hjärtklappning',
  diagnoses: ['I48.9'], labs: 'hypertoni', medicines: ['apixaban', 'metoprolol'], medicinesFirstOnly: true, alert: 'antikoagulantia', referral: 'ekokardiografi', referralFirstOnly: true,
  notes: ({ rng, first }) => [{
    type: 'bes', title: first ? 'Nybesök medicinmottagningen' : 'Återbesök förmaksflimmer', author: 'doctor', template: 'Läkarbesök', keywords: ['Aktuellt', 'Status', 'Bedömning', 'Åtgärd'],
    text: paragraphs(
      first
        ? `Aktuellt: Remitterad från vårdcentralen efter fynd av förmaksflimmer på EKG. Har haft oregelbunden hjärtklappning och lätt andfåddhet i några veckor.`
        : `Aktuellt: Kontroll av förmaksflimmer. Tar apixaban och metoprolol. Ingen blödning. Känner sig pigg.`,
      `Status: Blodtryck ${bloodPressure(rng, rng.chance(0.3))}. Hjärta: Oregelbunden rytm, frekvens ${rng.int(64, 96)}. Inga ödem. EKG: Förmaksflimmer.`,
      first ? `Bedömning: Förmaksflimmer. CHA₂DS₂-VASc ${rng.int(2, 4)} poäng, indikation för blodförtunnande behandling.` : `Bedömning: Förmaksflimmer med god frekvenskontroll.`,
      first
        ? `Åtgärd: Start med apixaban 5 mg 2 gånger dagligen och metoprolol 50 mg dagligen. Remiss för ekokardiografi. Information om blödningsrisk.`
        : `Åtgärd: Oförändrad behandling. Fortsatt uppföljning på vårdcentralen.`,
    ),
  }],
};

const appendicit: EpisodeSpec = {
  key: 'appendicit', unitKinds: ['surgery'], minAge: 10, maxAge: 60, contact: 'inpatient', reason: 'Buksmärta',
  diagnoses: ['K35.8'], labs: 'infektion', labShift: { crp: [60, 20], lpk: [13, 1.5] }, imaging: 'ultraljudBuk', stay: [2, 3],
  notes: (ctx) => [
    {
      type: 'ins', title: 'Inskrivningsanteckning', author: 'doctor', template: 'Inskrivning läkare', keywords: ['Kontaktorsak', 'Anamnes', 'Status', 'Bedömning', 'Planering'],
      text: paragraphs(
        `Kontaktorsak: Buksmärta.`,
        `Anamnes: Smärta runt naveln sedan i går som vandrat ned till höger fossa. Illamående, ingen aptit. Temperatur 38,0.`,
        `Status: Opåverkad men smärtpåverkad. Buk: Mjuk, palpationsöm och släppöm i höger fossa.`,
        `Lab: ${labLine(ctx, [['crp', 'CRP', 'mg/L'], ['lpk', 'LPK', '×10⁹/L', 1]])}. Ultraljud talar för akut appendicit.`,
        `Bedömning: Akut appendicit.`,
        `Planering: Fastande, dropp. Laparoskopisk appendektomi i kväll. Patienten informerad och samtycker.`,
      ),
    },
    {
      type: 'sva', title: 'Operationsberättelse', author: 'doctor', template: 'Operationsberättelse', keywords: ['Operation', 'Fynd', 'Åtgärd'], day: 0,
      text: paragraphs(
        `Operation: Laparoskopisk appendektomi i generell anestesi.`,
        `Fynd: Rodnad och svullen appendix utan perforation. Ingen fri vätska.`,
        `Åtgärd: Appendix avlägsnad och skickad för PAD. Okomplicerat ingrepp.`,
      ),
    },
    {
      type: 'sam', title: 'Epikris', author: 'doctor', template: 'Epikris', keywords: ['Orsak till vårdtillfället', 'Förlopp', 'Uppföljning'], day: ctx.stayDays,
      text: paragraphs(
        `Orsak till vårdtillfället: Akut appendicit.`,
        `Förlopp: Opererad med laparoskopisk appendektomi. Okomplicerat postoperativt förlopp. Mobiliserad, äter och dricker.`,
        `Uppföljning: Besked om PAD per brev. Undvik tunga lyft i 2 veckor. Söka vid feber, tilltagande buksmärta eller rodnad kring operationssåren.`,
      ),
    },
  ],
};

const barnfeber: EpisodeSpec = {
  key: 'barnfeber', unitKinds: ['pediatrics'], minAge: 0, maxAge: 12, contact: 'visit', reason: 'Feber',
  diagnoses: ['R50.9'], labs: 'crp', labShift: { crp: [18, 8] },
  notes: (ctx) => [{
    type: 'bes', title: 'Besöksanteckning', author: 'doctor', template: 'Läkarbesök barn', keywords: ['Aktuellt', 'Status', 'Lab', 'Bedömning', 'Åtgärd'],
    text: paragraphs(
      `Aktuellt: Förälder berättar om feber upp till 39,5 sedan två dagar. Barnet är piggt när febern sjunker. Dricker bra, kissar som vanligt. Ingen hosta, inga utslag.`,
      `Status: Opåverkat, piggt barn. Öron, svalg och lungor utan anmärkning. Buk mjuk. Inga nackstelhetstecken. Inga utslag.`,
      `Lab: ${labLine(ctx, [['crp', 'CRP', 'mg/L']])}.`,
      `Bedömning: Feber utan fokus, sannolikt virusinfektion.`,
      `Åtgärd: Febernedsättande vid behov. Föräldrarna informerade om när de ska söka igen: slöhet, andningsbesvär, utslag som inte bleknar vid tryck, eller om barnet slutar dricka.`,
    ),
  }],
};

const gyn: EpisodeSpec = {
  key: 'gyn', unitKinds: ['gynecology'], minAge: 35, maxAge: 52, sex: 'female', contact: 'visit', reason: 'Rikliga menstruationer',
  diagnoses: ['N92.0'], labs: 'blodstatus', labShift: { hb: [114, 6] }, imaging: 'ultraljudGyn',
  notes: () => [{
    type: 'bes', title: 'Besöksanteckning', author: 'doctor', template: 'Läkarbesök', keywords: ['Aktuellt', 'Status', 'Bedömning', 'Åtgärd'],
    text: paragraphs(
      `Aktuellt: Remiss från vårdcentralen för rikliga, regelbundna menstruationer sedan ett år. Järnbrist behandlad med järntabletter.`,
      `Status: Gynekologisk undersökning: Normala yttre genitalia. Portio utan anmärkning. Vaginalt ultraljud: Myom om 2 cm i uterus framvägg. Endometriet 8 mm. Ovarier utan anmärkning.`,
      `Bedömning: Riklig menstruation, sannolikt till följd av myom.`,
      `Åtgärd: Diskuterat behandlingsalternativ. Patienten önskar prova hormonspiral, insättning bokas. Fortsatt järnbehandling.`,
    ),
  }],
};

const depressionPsyk: EpisodeSpec = {
  key: 'depressionPsyk', unitKinds: ['psychiatry'], minAge: 18, maxAge: 75, contact: 'visit', reason: 'Depression',
  diagnoses: ['F32.1'], medicines: ['sertralin'], medicinesFirstOnly: true,
  notes: ({ rng, first }) => [
    {
      type: 'bes', title: first ? 'Nybesök psykiatrisk mottagning' : 'Läkarbesök', author: 'doctor', template: 'Läkarbesök psykiatri', keywords: ['Aktuellt', 'Psykiskt status', 'Suicidriskbedömning', 'Bedömning', 'Planering'],
      text: paragraphs(
        first
          ? `Aktuellt: Remiss från vårdcentralen för depression som inte svarat tillräckligt på behandling. Nedstämd sedan ett halvår, sover dåligt, har svårt att klara arbetet.`
          : `Aktuellt: Uppföljning av depression. Tar sertralin ${rng.pick(['100', '150'])} mg dagligen. Sover bättre, orkar mer. Har börjat arbeta 50 %.`,
        `Psykiskt status: Vaken, orienterad. God kontakt. ${first ? 'Sänkt grundstämning, gråtmild.' : 'Stämningsläget något ljusare.'} Inga psykotiska symtom.`,
        `Suicidriskbedömning: Förnekar aktuella självmordstankar och planer. Har skyddande faktorer i familj och arbete. Bedöms inte ha förhöjd suicidrisk.`,
        first ? `Bedömning: Medelsvår depressiv episod.` : `Bedömning: Depression i förbättring.`,
        first
          ? `Planering: Sertralin höjs till 100 mg. Remiss till KBT-behandling. Återbesök om 4 veckor.`
          : `Planering: Oförändrad behandling. Fortsatta samtal hos psykolog. Återbesök om 3 månader.`,
      ),
    },
    {
      type: 'atb', title: 'Behandlingsanteckning', author: 'psychologist', template: 'Samtalsbehandling', keywords: ['Aktuellt', 'Insats', 'Planering'], day: rng.int(7, 21),
      text: paragraphs(
        `Aktuellt: Samtal ${rng.int(2, 8)} av 12 inom KBT. Har genomfört hemuppgifter med beteendeaktivering.`,
        `Insats: Genomgång av aktivitetsdagbok. Arbete med negativa automatiska tankar kopplade till arbetet.`,
        `Planering: Fortsätter med schemalagda aktiviteter. Nästa samtal om en vecka.`,
      ),
    },
  ],
};

const angest: EpisodeSpec = {
  key: 'angest', unitKinds: ['psychiatry'], minAge: 18, maxAge: 65, contact: 'visit', reason: 'Ångest',
  diagnoses: ['F41.1'],
  notes: () => [{
    type: 'bes', title: 'Besöksanteckning', author: 'psychologist', template: 'Psykologbesök', keywords: ['Aktuellt', 'Bedömning', 'Planering'],
    text: paragraphs(
      `Aktuellt: Bedömningssamtal. Beskriver ständig oro för arbete, ekonomi och familjens hälsa sedan flera år, med spänningar i kroppen och svårt att slappna av. GAD-7 ${14} poäng.`,
      `Bedömning: Generaliserat ångestsyndrom. Motiverad till psykologisk behandling.`,
      `Planering: Start av KBT med fokus på oro och osäkerhetstolerans, 10-14 samtal.`,
    ),
  }],
};

const psykiatriSlutenvard: EpisodeSpec = {
  key: 'psykiatriSlutenvard', unitKinds: ['psychiatryWard'], minAge: 18, maxAge: 80, contact: 'inpatient', reason: 'Svår depression',
  diagnoses: ['F32.2'], medicines: ['sertralin'], stay: [5, 12],
  notes: ({ rng, stayDays, sex }) => {
    const notes: NoteDraft[] = [
      {
        type: 'ins', title: 'Inskrivningsanteckning', author: 'doctor', template: 'Inskrivning psykiatri', keywords: ['Kontaktorsak', 'Anamnes', 'Psykiskt status', 'Suicidriskbedömning', 'Bedömning', 'Planering'],
        text: paragraphs(
          `Kontaktorsak: Tilltagande depression med sömnlöshet och viktnedgång.`,
          `Anamnes: Känd depression, behandlas med sertralin. Senaste veckorna kraftig försämring, äter och sover knappt, har inte orkat ta sig till arbetet. Kommer frivilligt i sällskap med närstående.`,
          `Psykiskt status: Vaken, orienterad. Psykomotoriskt hämmad, sparsamt tal. Kraftigt sänkt grundstämning. Inga psykotiska symtom.`,
          `Suicidriskbedömning: Uppger passiva dödstankar men inga planer. Bedöms ha förhöjd suicidrisk med hänsyn till sömnlöshet och försämring. Frivillig vård, tätare tillsyn första dygnet.`,
          `Bedömning: Svår depressiv episod utan psykotiska symtom.`,
          `Planering: Inläggning enligt HSL. Sömnreglering. Översyn av läkemedelsbehandlingen. Kontakt med närstående efter patientens medgivande.`,
        ),
      },
    ];
    for (const day of [1, Math.max(2, Math.floor(stayDays / 2))]) {
      notes.push({
        type: 'sva', title: 'Omvårdnadsanteckning', author: 'nurse', template: 'Omvårdnad psykiatri', keywords: ['Psykiskt', 'Sömn', 'Nutrition'], day,
        text: paragraphs(
          `Psykiskt: ${day === 1 ? 'Håller sig mest på rummet. Lugn, fåordig.' : 'Deltar i dagens aktiviteter och promenad med personal.'}`,
          `Sömn: Sov ${rng.int(4, 7)} timmar i natt med hjälp av insomningstablett.`,
          `Nutrition: ${day === 1 ? 'Åt hälften av lunchen.' : 'Äter alla måltider.'}`,
        ),
      });
    }
    notes.push({
      type: 'sva', title: 'Samtal med närstående', author: 'doctor', template: 'Daganteckning läkare', keywords: ['Tredje person', 'Bedömning'], day: 3,
      // Information from a relative about the patient: held back from direct access (menprövning).
      notForPatient: true,
      text: paragraphs(
        `Tredje person: Samtal med närstående efter patientens medgivande. Närstående beskriver patientens situation hemma den senaste månaden.`,
        `Bedömning: Uppgifterna stödjer planerad behandling.`,
      ),
    });
    notes.push({
      type: 'sam', title: 'Epikris', author: 'doctor', template: 'Epikris psykiatri', keywords: ['Orsak till vårdtillfället', 'Förlopp', 'Läkemedel', 'Uppföljning'], day: stayDays,
      text: paragraphs(
        `Orsak till vårdtillfället: Svår depressiv episod utan psykotiska symtom.`,
        `Förlopp: Under vårdtiden förbättrad sömn och aptit. Sertralin höjt. Stämningsläget successivt ljusare. Inga självmordstankar vid utskrivningen. Permission över helgen gick bra.`,
        `Läkemedel: Sertralin 150 mg dagligen.`,
        `Uppföljning: Återbesök på psykiatriska mottagningen inom en vecka. Sjukskriven 100 % i fyra veckor. Patienten vet hur ${pronoun(sex)} söker akut vid försämring.`,
      ),
    });
    return notes;
  },
};

// ---- Millennium pilot units ----------------------------------------------------------------

const psoriasis: EpisodeSpec = {
  key: 'psoriasis', unitKinds: ['dermatology'], minAge: 18, maxAge: OLDEST, contact: 'visit', reason: 'Hudutslag',
  diagnoses: ['L40.0'], medicines: ['betametason'],
  notes: () => [{
    type: 'bes', title: 'Besöksanteckning', author: 'doctor', template: 'Läkarbesök', keywords: ['Aktuellt', 'Status', 'Bedömning', 'Åtgärd'],
    text: paragraphs(
      `Aktuellt: Remiss från vårdcentralen för fjällande utslag på armbågar och knän sedan ett år. Klåda periodvis.`,
      `Status: Välavgränsade, rodnade plack med silvervit fjällning på armbågarnas och knänas sträcksidor samt i hårbotten. Naglar utan anmärkning.`,
      `Bedömning: Psoriasis vulgaris av lindrig till måttlig utbredning.`,
      `Åtgärd: Betametason kutan emulsion 1 gång dagligen i 4 veckor, därefter nedtrappning. Återbesök om 3 månader för ställningstagande till ljusbehandling.`,
    ),
  }],
};

const nevus: EpisodeSpec = {
  key: 'nevus', unitKinds: ['dermatology'], minAge: 18, maxAge: OLDEST, contact: 'visit', reason: 'Födelsemärke',
  diagnoses: ['D22.5'],
  notes: () => [{
    type: 'bes', title: 'Besöksanteckning', author: 'doctor', template: 'Läkarbesök', keywords: ['Aktuellt', 'Status', 'Bedömning', 'Åtgärd'],
    text: paragraphs(
      `Aktuellt: Remiss för bedömning av ett födelsemärke på ryggen som patienten tycker har förändrats.`,
      `Status: På ryggen ett 5 mm stort, symmetriskt, jämnt pigmenterat nevus. Dermatoskopi: Regelbundet nätverksmönster, inga oroande strukturer.`,
      `Bedömning: Benignt melanocytärt nevus.`,
      `Åtgärd: Ingen åtgärd. Patienten informerad om vilka förändringar som bör föranleda ny kontakt.`,
    ),
  }],
};

const katarakt: EpisodeSpec = {
  key: 'katarakt', unitKinds: ['ophthalmology'], minAge: 60, maxAge: OLDEST, contact: 'visit', reason: 'Synnedsättning',
  diagnoses: ['H25.9'],
  notes: ({ rng }) => [{
    type: 'bes', title: 'Besöksanteckning', author: 'doctor', template: 'Läkarbesök', keywords: ['Aktuellt', 'Status', 'Bedömning', 'Åtgärd'],
    text: paragraphs(
      `Aktuellt: Gradvis försämrad syn på ${rng.pick(['höger', 'vänster'])} öga, bländas av mötande bilar i mörker.`,
      `Status: Synskärpa med egen korrektion höger 0,5, vänster 0,8. Ögontryck normalt. Spaltlampa: Kärnkatarakt, mest uttalad på det sämre ögat. Ögonbotten utan anmärkning.`,
      `Bedömning: Senil katarakt med påverkan på vardagen.`,
      `Åtgärd: Patienten önskar operation. Uppsatt på väntelista för kataraktoperation.`,
    ),
  }],
};

export const EPISODES = {
  uri, uriPhone, cystit, hypertoni, diabetes, astma, hypotyreos, halsokontroll, lumbago, anemi, otit, eksem, gastroenterit,
  depressionVc, brostsmarta, fotled, handled, pneumoni, formaksflimmer: forMaksflimmer, appendicit, barnfeber, gyn,
  depressionPsyk, angest, psykiatriSlutenvard, psoriasis, nevus, katarakt,
} as const satisfies Record<string, EpisodeSpec>;

export type EpisodeKey = keyof typeof EPISODES;

/** Episodes that start acutely, by the kind of unit, with how common each is. */
export const ACUTE_BY_UNIT: Readonly<Partial<Record<UnitKind, readonly (readonly [EpisodeKey, number])[]>>> = {
  vc: [['uri', 6], ['uriPhone', 5], ['cystit', 3], ['halsokontroll', 2], ['lumbago', 3], ['anemi', 1], ['otit', 2], ['eksem', 1], ['gastroenterit', 3], ['depressionVc', 1]],
  bvc: [['eksem', 1]],
  emergency: [['brostsmarta', 3], ['fotled', 3], ['handled', 2]],
  medicineWard: [['pneumoni', 1]],
  surgery: [['appendicit', 1]],
  pediatrics: [['barnfeber', 3], ['otit', 1]],
  gynecology: [['gyn', 1]],
  psychiatry: [['angest', 1]],
  dermatology: [['psoriasis', 1], ['nevus', 2]],
  ophthalmology: [['katarakt', 1]],
};

// ---- Imaging and referral answers -------------------------------------------------------------

export interface ImagingSpec {
  readonly title: string;
  readonly modality: string;
  readonly question: string;
  readonly findings: string;
  readonly conclusion: string;
}

export const IMAGING = {
  lungrontgen: {
    title: 'Lungröntgen', modality: 'DX', question: 'Bröstsmärta. Pneumoni? Pneumothorax?',
    findings: 'Normalstort hjärta. Inga infiltrat. Inga pleuravätskor. Ingen pneumothorax.',
    conclusion: 'Inga tecken på pneumoni eller pneumothorax.',
  },
  lungrontgenPneumoni: {
    title: 'Lungröntgen', modality: 'DX', question: 'Feber, hosta, rassel höger basalt. Pneumoni?',
    findings: 'Infiltrat i höger underlob. Ingen pleuravätska. Normalstort hjärta.',
    conclusion: 'Fynd förenliga med pneumoni i höger underlob. Kontroll efter 6 veckor rekommenderas.',
  },
  fotled: {
    title: 'Röntgen fotled', modality: 'DX', question: 'Distorsionsvåld. Fraktur?',
    findings: 'Mjukdelssvullnad lateralt. Normal ledställning. Ingen fraktur påvisas.',
    conclusion: 'Ingen fraktur.',
  },
  handled: {
    title: 'Röntgen handled', modality: 'DX', question: 'Fall mot utsträckt hand. Fraktur?',
    findings: 'Distal radiusfraktur med 10 graders dorsal vinkling, utan ledengagemang. Ulna utan anmärkning.',
    conclusion: 'Distal radiusfraktur med lätt dorsal felställning.',
  },
  ultraljudBuk: {
    title: 'Ultraljud buk', modality: 'US', question: 'Smärta i höger fossa, förhöjt CRP. Appendicit?',
    findings: 'Förtjockad, icke komprimerbar appendix, diameter 9 mm, med omgivande inflammatoriska förändringar. Ingen fri vätska.',
    conclusion: 'Fynden talar för akut appendicit.',
  },
  ultraljudGyn: {
    title: 'Ultraljud uterus och ovarier', modality: 'US', question: 'Rikliga menstruationer. Myom?',
    findings: 'Normalstor uterus med ett intramuralt myom om 2 cm i framväggen. Endometriet 8 mm. Båda ovarierna utan anmärkning.',
    conclusion: 'Litet intramuralt myom.',
  },
} as const satisfies Record<string, ImagingSpec>;

export interface ReferralSpec {
  readonly title: string;
  readonly unitKind: 'physiology';
  readonly question: string;
  readonly answer: string;
}

export const REFERRALS = {
  spirometri: {
    title: 'Spirometri med reversibilitetstest', unitKind: 'physiology', question: 'Misstänkt astma.',
    answer: 'Lätt obstruktiv ventilationsnedsättning med signifikant reversibilitet efter inhalation av salbutamol (FEV1 ökade med 14 %). Fynden är förenliga med astma.',
  },
  arbetsprov: {
    title: 'Arbetsprov', unitKind: 'physiology', question: 'Bröstsmärta, ischemi?',
    answer: 'Cykelergometer till 200 W, 110 % av förväntad arbetsförmåga. Avbrutet på grund av benmuskeltrötthet. Ingen bröstsmärta. Inga ischemiska ST-förändringar. Normal blodtrycksreaktion. Inga arytmier. Inga tecken på ansträngningsutlöst ischemi.',
  },
  ekokardiografi: {
    title: 'Ekokardiografi', unitKind: 'physiology', question: 'Nyupptäckt förmaksflimmer. Klaffel? Vänsterkammarfunktion?',
    answer: 'Normalstor vänster kammare med normal systolisk funktion, ejektionsfraktion cirka 60 %. Lätt dilaterat vänster förmak. Inga betydande klaffel. Förmaksflimmer under undersökningen.',
  },
} as const satisfies Record<string, ReferralSpec>;

