import type { Lang } from '../i18n.js';

/** Words of the chart pages, Swedish first; typed so a missing English string fails the build. */

const sv = {
  analysesTitle: 'Provsvar över tid',
  analysesIntro: 'Välj en analys för att se alla dina värden över tid, som diagram och tabell.',
  analysesCaption: 'Analyser med svar i journalen',
  analysis: 'Analys',
  values: 'Antal värden',
  latest: 'Senaste',
  noAnalyses: 'Det finns inga provsvar med analyskod att visa.',
  analysisTitle: (name: string) => `${name} över tid`,
  analysisIntro: 'Alla svar på analysen som du kan se i Journalen. Det skuggade fältet är referensintervallet, det som är vanligt hos friska.',
  chartDescription: (n: number, from: string, to: string, latest: string, outside: number) =>
    `${n} ${n === 1 ? 'värde' : 'värden'} från ${from} till ${to}. Senaste värdet ${latest}. ${outside === 0 ? 'Inget värde' : outside === 1 ? 'Ett värde' : `${outside} värden`} utanför referensintervallet.`,
  otherUnits: (n: number) => `${n} ${n === 1 ? 'värde' : 'värden'} i en annan enhet eller utan siffervärde visas bara i tabellen.`,
  tableCaption: (name: string) => `${name}, alla värden`,
  date: 'Datum',
  value: 'Värde',
  unit: 'Enhet',
  referenceInterval: 'Referensintervall',
  careUnit: 'Vårdenhet',
  outside: 'utanför referensintervallet',
  legendLine: 'Dina värden',
  legendNormal: 'Värde inom referensintervallet',
  legendAbnormal: 'Värde utanför referensintervallet',
  legendBand: 'Referensintervall',
  onlyOne: 'Det finns bara ett värde, så ingen linje kan ritas.',
  backToAnalyses: 'Alla analyser',
  growthTitle: (name: string) => `Tillväxt för ${name}`,
  growthIntro: 'Längd och vikt som de mätts vid besök i vården, efter ålder. Kurvorna visar bara barnets egna mätningar.',
  noGrowth: 'Det finns inga mätningar av längd eller vikt i journalen som kan visas.',
  lengthChart: 'Längd efter ålder',
  weightChart: 'Vikt efter ålder',
  headChart: 'Huvudomfång efter ålder',
  growthDescription: (what: string, n: number, from: string, to: string, latest: string) =>
    `${what}: ${n} ${n === 1 ? 'mätning' : 'mätningar'} från ${from} till ${to} ålder. Senast ${latest}.`,
  growthCaption: 'Mätningar av tillväxt',
  age: 'Ålder',
  length: 'Längd',
  weight: 'Vikt',
  head: 'Huvudomfång',
  ageText: (months: number) => (months < 24 ? `${fmt(months, 'sv')} mån` : `${fmt(months / 12, 'sv')} år`),
  legendMeasurement: 'Mätning',
  myRecord: 'Min journal',
};

type Words = typeof sv;

const en: Words = {
  analysesTitle: 'Lab results over time',
  analysesIntro: 'Choose an analysis to see all your values over time, as a chart and a table.',
  analysesCaption: 'Analyses with results in the record',
  analysis: 'Analysis',
  values: 'Number of values',
  latest: 'Latest',
  noAnalyses: 'There are no lab results with an analysis code to show.',
  analysisTitle: (name: string) => `${name} over time`,
  analysisIntro: 'Every result of the analysis that you can see in Journalen. The shaded band is the reference interval, what is usual in healthy people.',
  chartDescription: (n: number, from: string, to: string, latest: string, outside: number) =>
    `${n} ${n === 1 ? 'value' : 'values'} from ${from} to ${to}. Latest value ${latest}. ${outside === 0 ? 'No value' : outside === 1 ? 'One value' : `${outside} values`} outside the reference interval.`,
  otherUnits: (n: number) => `${n} ${n === 1 ? 'value' : 'values'} in another unit or without a number are shown in the table only.`,
  tableCaption: (name: string) => `${name}, all values`,
  date: 'Date',
  value: 'Value',
  unit: 'Unit',
  referenceInterval: 'Reference interval',
  careUnit: 'Care unit',
  outside: 'outside the reference interval',
  legendLine: 'Your values',
  legendNormal: 'Value within the reference interval',
  legendAbnormal: 'Value outside the reference interval',
  legendBand: 'Reference interval',
  onlyOne: 'There is only one value, so no line can be drawn.',
  backToAnalyses: 'All analyses',
  growthTitle: (name: string) => `Growth of ${name}`,
  growthIntro: 'Length and weight as measured at care visits, by age. The curves show the child’s own measurements only.',
  noGrowth: 'There are no measurements of length or weight in the record to show.',
  lengthChart: 'Length by age',
  weightChart: 'Weight by age',
  headChart: 'Head circumference by age',
  growthDescription: (what: string, n: number, from: string, to: string, latest: string) =>
    `${what}: ${n} ${n === 1 ? 'measurement' : 'measurements'} from age ${from} to ${to}. Latest ${latest}.`,
  growthCaption: 'Growth measurements',
  age: 'Age',
  length: 'Length',
  weight: 'Weight',
  head: 'Head circumference',
  ageText: (months: number) => (months < 24 ? `${fmt(months, 'en')} mo` : `${fmt(months / 12, 'en')} y`),
  legendMeasurement: 'Measurement',
  myRecord: 'My record',
};

function fmt(n: number, lang: Lang): string {
  return new Intl.NumberFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: 1 }).format(n);
}

export const CHART_WORDS: Record<Lang, Words> = { sv, en };
