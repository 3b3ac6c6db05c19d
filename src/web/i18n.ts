/**
 * Page text, Swedish first. The dictionary is typed so a string missing in one language fails
 * the build rather than showing a key to a resident.
 */

export type Lang = 'sv' | 'en';
export const LANGS: readonly Lang[] = ['sv', 'en'];

export function pickLang(query: unknown): Lang {
  const lang = (query as { lang?: unknown } | undefined)?.lang;
  return lang === 'en' ? 'en' : 'sv';
}

/** Keeps the chosen language on links; Swedish needs no parameter. */
export const withLang = (href: string, lang: Lang) => (lang === 'sv' ? href : `${href}${href.includes('?') ? '&' : '?'}lang=${lang}`);

const sv = {
  serviceName: 'Journalen',
  tagline: 'Läs din journal från hela Sveriges vård',
  skipToContent: 'Hoppa till innehållet',
  otherLanguage: 'In English',
  otherLanguageCode: 'en',
  regionsTitle: 'Regionernas journalsystem',
  regionsIntro:
    'Journalen hämtar din journal direkt från de journalsystem där den finns. Så här ser det ut i de 21 regionerna, i primärvård och på sjukhus, och vilket system regionen planerar att byta till.',
  regionsCaption: 'Journalsystem per region, i dag och planerat',
  countyCode: 'Länskod',
  region: 'Region',
  primaryCare: 'Primärvård',
  hospitalCare: 'Sjukhus',
  planned: 'Planerat',
  noDecision: 'Inget beslut',
  rules: 'Vad visas?',
  rulesFor: (name: string) => `Vad visar ${name} i Journalen?`,
  rulesIntro:
    'Varje vårdgivare bestämmer hur och när du kan läsa din journal. Här är regionens bedömning, regel för regel, med den text regeln bygger på.',
  rulesCaption: (name: string) => `Regler för ${name}`,
  topic: 'Gäller',
  rule: 'Regel',
  basis: 'Underlag',
  seedLine: (doc: string, line: number) => `${doc}, rad ${line}`,
  nationalFramework: 'Nationellt ramverk: regionens bedömning säger inget här',
  administrator: 'Ändrad av administratör',
  silentAssessment: 'Källan innehåller ingen bedömning för den här regionen, så det nationella ramverkets grundregler gäller.',
  systemsTitle: 'Journalsystemen',
  vendor: 'Leverantör',
  careLevel: 'Vårdnivå',
  usedIn: 'Används i',
  sameAs: 'Se',
  backToRegions: 'Alla regioner',
  source: 'Källa: Journalsystem i Sverige 2021 och Inera, Journalen – Vårdgivarens bedömning.',
  notFoundTitle: 'Sidan finns inte',
  notFoundText: 'Vi hittar inte sidan du letar efter. Kontrollera adressen eller gå till startsidan.',
  errorTitle: 'Något gick fel',
  errorText: 'Tjänsten kunde inte visa sidan just nu. Försök igen om en stund.',
  toStart: 'Till startsidan',
};

type Dictionary = typeof sv;

const en: Dictionary = {
  serviceName: 'Journalen',
  tagline: 'Read your health record from all of Swedish care',
  skipToContent: 'Skip to content',
  otherLanguage: 'På svenska',
  otherLanguageCode: 'sv',
  regionsTitle: "The regions' record systems",
  regionsIntro:
    'Journalen reads your record live from the record systems that hold it. This is how it looks in the 21 regions, in primary care and in hospitals, and which system each region plans to move to.',
  regionsCaption: 'Record systems per region, today and planned',
  countyCode: 'County code',
  region: 'Region',
  primaryCare: 'Primary care',
  hospitalCare: 'Hospital',
  planned: 'Planned',
  noDecision: 'No decision',
  rules: 'What is shown?',
  rulesFor: (name: string) => `What does ${name} show in Journalen?`,
  rulesIntro:
    'Each care provider decides how and when you can read your record. This is the region’s assessment, rule by rule, with the text each rule rests on.',
  rulesCaption: (name: string) => `Rules of ${name}`,
  topic: 'Applies to',
  rule: 'Rule',
  basis: 'Basis',
  seedLine: (doc: string, line: number) => `${doc}, line ${line}`,
  nationalFramework: 'National framework: the region’s assessment says nothing here',
  administrator: 'Changed by an administrator',
  silentAssessment: 'The source has no assessment for this region, so the national framework’s defaults apply.',
  systemsTitle: 'The record systems',
  vendor: 'Vendor',
  careLevel: 'Care level',
  usedIn: 'Used in',
  sameAs: 'See',
  backToRegions: 'All regions',
  source: 'Sources: Journalsystem i Sverige 2021 and Inera, Journalen – the care providers’ assessments.',
  notFoundTitle: 'Page not found',
  notFoundText: 'We cannot find the page you are looking for. Check the address or go to the start page.',
  errorTitle: 'Something went wrong',
  errorText: 'The service could not show the page just now. Please try again in a moment.',
  toStart: 'To the start page',
};

export const TEXT: Record<Lang, Dictionary> = { sv, en };
