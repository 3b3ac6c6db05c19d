import { seed, SEED_JOURNALEN, type SeedSource } from '../../domain/seed-source.js';
import type { ConnectionKind, RoutingEnvironment } from '../../db/schema.js';

/**
 * The onboarding steps of a producer, from seed 002 (the detailed description, steps 1-13),
 * folded into the steps Journalen tracks: the seed's "order" and "configured in TAK" steps are
 * one step here, because our routing table is configured when the order is accepted.
 */

export const ONBOARDING_STEP_IDS = [
  'application',
  'startMeeting',
  'preStudySubmitted',
  'preStudyApproved',
  'sitOrder',
  'producerVerification',
  'qaOrder',
  'endToEndTests',
  'agreementsSigned',
  'productionPreStudy',
  'productionOrder',
  'live',
] as const;
export type OnboardingStepId = (typeof ONBOARDING_STEP_IDS)[number];

/** What completing a step does beyond recording it. */
export type StepEffect =
  | { readonly kind: 'none' }
  /** Writes the routes of every offered contract in the environment, and Journalen's call authorization there. */
  | { readonly kind: 'routing'; readonly environment: RoutingEnvironment }
  /** Needs a passing conformance report against the SIT endpoint. */
  | { readonly kind: 'verification' };

export interface OnboardingStepDefinition {
  readonly id: OnboardingStepId;
  readonly title: { readonly sv: string; readonly en: string };
  readonly effect: StepEffect;
  readonly sources: readonly SeedSource[];
}

const S = (line: number, quote: string) => seed(SEED_JOURNALEN, line, quote);
const none = { kind: 'none' } as const;

export const ONBOARDING_STEPS: Readonly<Record<OnboardingStepId, OnboardingStepDefinition>> = {
  application: {
    id: 'application',
    title: { sv: 'Ansökan om fler informationsmängder', en: 'Application for more information types' },
    effect: none,
    sources: [
      S(88, 'Om källsystemet redan är producent för andra informationsmängder i Journalen så ansöker ni om att komplettera med fler informationsmängder.'),
      S(90, 'Skicka in din ansökan senast 3 månader innan planerad produktionssättning'),
    ],
  },
  startMeeting: {
    id: 'startMeeting',
    title: { sv: 'Uppstartsmöte', en: 'Start meeting' },
    effect: none,
    sources: [S(54, 'En leveransansvarig från Inera\u00a0bokar ett uppstartsmöte med er för genomgång av anslutningsprocessen')],
  },
  preStudySubmitted: {
    id: 'preStudySubmitted',
    title: { sv: 'Förstudie för SIT/QA inskickad', en: 'Pre-study for SIT/QA submitted' },
    effect: none,
    sources: [S(56, 'Skicka in förstudie för SIT/QA.')],
  },
  preStudyApproved: {
    id: 'preStudyApproved',
    title: { sv: 'Förstudie granskad och godkänd', en: 'Pre-study reviewed and approved' },
    effect: none,
    sources: [S(56, 'Förstudien granskas av Inera')],
  },
  sitOrder: {
    id: 'sitOrder',
    title: { sv: 'Beställning för SIT, konfigurerad i routingen', en: 'Order for SIT, configured in routing' },
    effect: { kind: 'routing', environment: 'sit' },
    sources: [
      S(58, 'När förstudien är godkänd skickar ni in beställningar för SIT.'),
      S(60, 'Beställningen konfigureras i Tjänsteadresseringskatalogen.'),
    ],
  },
  producerVerification: {
    id: 'producerVerification',
    title: { sv: 'Verifiering av tjänsteproducent (självdeklaration)', en: 'Producer verification (self-declaration)' },
    effect: { kind: 'verification' },
    sources: [S(62, 'Genomför Verifiering av tjänsteproducent. Resultatet av testerna rapporteras in i självdeklarationer')],
  },
  qaOrder: {
    id: 'qaOrder',
    title: { sv: 'Beställning för QA, konfigurerad i routingen', en: 'Order for QA, configured in routing' },
    effect: { kind: 'routing', environment: 'qa' },
    sources: [
      S(64, 'skickar ni in beställning för QA.'),
      S(65, 'Beställningen konfigureras i Tjänsteadresseringskatalogen.'),
    ],
  },
  endToEndTests: {
    id: 'endToEndTests',
    title: { sv: 'Samverkanstester (E2E) godkända', en: 'End-to-end tests approved' },
    effect: none,
    sources: [S(66, 'genomför ni samverkanstester (E2E) mot Journalen i produktionslik testmiljö')],
  },
  agreementsSigned: {
    id: 'agreementsSigned',
    title: { sv: 'Avtal klara och underskrivna', en: 'Agreements signed' },
    effect: none,
    sources: [S(70, 'Relevanta avtal ska vara klara och underskrivna'), S(71, 'Samtliga testresultaten ska vara godkända')],
  },
  productionPreStudy: {
    id: 'productionPreStudy',
    title: { sv: 'Uppdaterad förstudie för produktion godkänd', en: 'Updated pre-study for production approved' },
    effect: none,
    sources: [S(72, 'Skicka in en uppdaterad förstudie för Produktion.')],
  },
  productionOrder: {
    id: 'productionOrder',
    title: { sv: 'Beställning för produktion', en: 'Order for production' },
    effect: none,
    sources: [S(74, 'beställ anslutning till produktionsmiljö i tjänsteplattformens beställningsstöd')],
  },
  live: {
    id: 'live',
    title: { sv: 'Konfigurerad i produktion: igång', en: 'Configured in production: live' },
    effect: { kind: 'routing', environment: 'production' },
    sources: [S(76, 'Beställningen konfigureras i Tjänsteadresseringskatalogen.'), S(78, 'Nu är ni igång som producenter i Journalen.')],
  },
};

/**
 * The order per kind of connection. A new producer walks every step of seed steps 1-13. A
 * source system that already produces for Journalen and adds information types applies (at
 * least 3 months ahead) and then only tests and routes the new contracts: it has had its start
 * meeting, pre-studies and agreements.
 */
export const STEP_ORDER: Readonly<Record<ConnectionKind, readonly OnboardingStepId[]>> = {
  new: [
    'startMeeting',
    'preStudySubmitted',
    'preStudyApproved',
    'sitOrder',
    'producerVerification',
    'qaOrder',
    'endToEndTests',
    'agreementsSigned',
    'productionPreStudy',
    'productionOrder',
    'live',
  ],
  addInformationTypes: ['application', 'sitOrder', 'producerVerification', 'qaOrder', 'endToEndTests', 'productionOrder', 'live'],
};

/** Months between the application and the planned production date for added information types. */
export const ADD_INFORMATION_TYPES_LEAD_MONTHS = 3;
export const LEAD_TIME_SOURCE = S(90, 'Skicka in din ansökan senast 3 månader innan planerad produktionssättning');

/** Journalen's own HSA-id per environment: the consumer the routing authorizes. */
export const JOURNALEN_HSA_IDS: Readonly<Record<RoutingEnvironment, { readonly hsaId: string; readonly source: SeedSource }>> = {
  production: { hsaId: 'SE5565594230-BDK', source: S(159, 'Prod: SE5565594230-BDK') },
  qa: { hsaId: 'T-SERVICES-SE165565594230-10JQ', source: S(161, 'QA: T-SERVICES-SE165565594230-10JQ') },
  sit: { hsaId: 'T-SERVICES-SE165565594230-10JR', source: S(163, 'SIT: T-SERVICES-SE165565594230-10JR') },
};

export const AGENT_SOURCE = S(143, 'då kan ni göra detta i egenskap av en agent');
