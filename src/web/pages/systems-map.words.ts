import type { Lang } from '../i18n.js';

/**
 * Text of the "Journalsystem i Sverige" pages, Swedish first. Kept out of i18n.ts so these pages
 * can change without touching the shared dictionary; typed the same way, so a string missing in
 * English fails the build.
 */

const sv = {
  mapTitle: 'Journalsystem i Sverige',
  mapLink: 'Journalsystem i Sverige: karta över regionernas journalsystem',
  mapIntro:
    'Vilket journalsystem varje region använder, på en karta och i en tabell. Journalen hämtar din journal direkt från de här systemen.',
  todaySummary: 'Idag används sex journalsystem i den regionalt styrda vården. 18 regioner använder samma journalsystem inom primärvård och på sjukhus, medan tre regioner använder olika system.',
  plannedSummary:
    'Ett flertal regioner planerar att byta ut sina journalsystem. Inom några år kommer flertalet regioner att använda Cambio Cosmic, men storregionerna Skåne och Västra Götaland har valt Cerner Millenium. Stockholm och Gotland har ännu inte beslutat sig.',
  seedLine: (doc: string, line: number) => `Källa: ${doc}, rad ${line}`,
  seedLineShort: (line: number) => `seed rad ${line}`,
  changedInRegistry: 'Ändrad i registret efter seeden',
  switchLabel: 'Kartans visning',
  timeLabel: 'Tidpunkt',
  today: 'Idag',
  planned: 'Planerat',
  levelLabel: 'Vårdnivå',
  hospital: 'Sjukhus',
  primary: 'Primärvård',
  showing: (time: string, level: string) => `Visar: ${time.toLowerCase()}, ${level.toLowerCase()}`,
  mapCaption: (time: 'idag' | 'planerat', level: 'sjukhus' | 'primarvard') =>
    `Karta: journalsystem ${level === 'sjukhus' ? 'på sjukhus' : 'i primärvård'} ${time === 'idag' ? 'idag' : 'efter planerade byten'} i Sveriges 21 regioner.`,
  mapHowTo:
    'Varje ruta är en region, placerad ungefär som på Sverigekartan och märkt med länsbokstav och systemets förkortning. Välj en ruta för regionens sida. Samma uppgifter finns i tabellen nedan.',
  plannedNote: 'Planerat: regionen visas med det system den planerar att byta till, annars med det den har idag. Frågetecken: inget beslut.',
  legendTitle: 'Förklaring',
  regionsCount: (n: number) => (n === 1 ? '1 region' : `${n} regioner`),
  undecidedLegend: '? = regionen har inte beslutat om byte',
  tileName: (region: string, letter: string, level: string, system: string, note: string) =>
    `${region} (${letter}), ${level.toLowerCase()}: ${system}${note ? `, ${note}` : ''}`,
  noSystem: 'uppgift saknas',
  afterChange: 'efter planerat byte',
  noChangeNote: 'inget byte planerat',
  undecidedNote: 'inget beslut om byte',
  tableTitle: 'Tabell',
  tableCaption: 'Journalsystem per region, idag och planerat',
  region: 'Region',
  plannedChange: 'Planerat byte',
  source: 'Källa',
  noChange: 'Inget byte planerat',
  undecided: 'Inte beslutat',
  systemsTitle: 'Systemen',
  systemsIntro: 'Leverantör och användning för varje system.',
  backToMap: 'Journalsystem i Sverige',
  backToStart: 'Alla regioner',
  // Profile page
  profileTitle: (name: string) => `Journalsystemet ${name}`,
  fullName: 'Fullständigt namn',
  vendor: 'Leverantör',
  careLevel: 'Vårdnivå enligt källan',
  usedIn: 'Används i enligt källan',
  history: 'Om systemet',
  sameAs: 'Samma system som',
  alsoCalled: 'Kallas också',
  careLevels: { primary: 'primärvård', hospital: 'sjukhus' } as Record<string, string>,
  notStated: 'Anges inte i källan',
  useTitle: 'Regioner som använder systemet',
  useIntro: 'Enligt journalsystemsregistret. Varje region med raden i källan som uppgiften bygger på.',
  usePrimary: 'Primärvård idag',
  useHospital: 'Sjukhus idag',
  usePlanned: 'Planerat byte till systemet',
  noRegions: 'Ingen region.',
  sourcesTitle: 'Källor',
  operatorNote: (note: string) => `Ändrad av administratör: ${note}`,
};

type Words = typeof sv;

const en: Words = {
  mapTitle: 'Record systems in Sweden',
  mapLink: 'Record systems in Sweden: a map of the regions’ record systems',
  mapIntro: 'Which record system each region uses, on a map and in a table. Journalen reads your record live from these systems.',
  todaySummary:
    'Today six record systems are used in the care run by the regions. 18 regions use the same system in primary care and in hospitals, while three regions use different systems.',
  plannedSummary:
    'Several regions plan to replace their record systems. Within a few years most regions will use Cambio Cosmic, while the large regions Skåne and Västra Götaland have chosen Cerner Millennium. Stockholm and Gotland have not decided yet.',
  seedLine: (doc: string, line: number) => `Source: ${doc}, line ${line}`,
  seedLineShort: (line: number) => `seed line ${line}`,
  changedInRegistry: 'Changed in the registry after the seed',
  switchLabel: 'What the map shows',
  timeLabel: 'Time',
  today: 'Today',
  planned: 'Planned',
  levelLabel: 'Care level',
  hospital: 'Hospital',
  primary: 'Primary care',
  showing: (time: string, level: string) => `Showing: ${time.toLowerCase()}, ${level.toLowerCase()}`,
  mapCaption: (time: 'idag' | 'planerat', level: 'sjukhus' | 'primarvard') =>
    `Map: record systems ${level === 'sjukhus' ? 'in hospitals' : 'in primary care'} ${time === 'idag' ? 'today' : 'after planned changes'} in Sweden’s 21 regions.`,
  mapHowTo:
    'Each square is a region, placed roughly as on the map of Sweden and marked with its county letter and the system’s abbreviation. Choose a square for the region’s page. The table below has the same information.',
  plannedNote: 'Planned: each region is shown with the system it plans to move to, otherwise with the one it has today. Question mark: no decision.',
  legendTitle: 'Key',
  regionsCount: (n: number) => (n === 1 ? '1 region' : `${n} regions`),
  undecidedLegend: '? = the region has not decided on a change',
  tileName: (region: string, letter: string, level: string, system: string, note: string) =>
    `${region} (${letter}), ${level.toLowerCase()}: ${system}${note ? `, ${note}` : ''}`,
  noSystem: 'not known',
  afterChange: 'after the planned change',
  noChangeNote: 'no change planned',
  undecidedNote: 'no decision on a change',
  tableTitle: 'Table',
  tableCaption: 'Record systems per region, today and planned',
  region: 'Region',
  plannedChange: 'Planned change',
  source: 'Source',
  noChange: 'No change planned',
  undecided: 'Not decided',
  systemsTitle: 'The systems',
  systemsIntro: 'Vendor and use of each system.',
  backToMap: 'Record systems in Sweden',
  backToStart: 'All regions',
  profileTitle: (name: string) => `The record system ${name}`,
  fullName: 'Full name',
  vendor: 'Vendor',
  careLevel: 'Care level according to the source',
  usedIn: 'Used in according to the source',
  history: 'About the system',
  sameAs: 'Same system as',
  alsoCalled: 'Also called',
  careLevels: { primary: 'primary care', hospital: 'hospital' },
  notStated: 'Not stated in the source',
  useTitle: 'Regions that use the system',
  useIntro: 'From the record systems registry. Each region with the line of the source its entry rests on.',
  usePrimary: 'Primary care today',
  useHospital: 'Hospital today',
  usePlanned: 'Planned move to the system',
  noRegions: 'No region.',
  sourcesTitle: 'Sources',
  operatorNote: (note: string) => `Changed by an administrator: ${note}`,
};

export const WORDS: Record<Lang, Words> = { sv, en };
