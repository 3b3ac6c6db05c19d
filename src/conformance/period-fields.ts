import type { ContractName } from '../contracts/types.js';
import { rivTime, type XmlNode } from '../contracts/xml.js';

/**
 * Which timestamps of an item a contract's period filter applies to, read from the item's own
 * XML (not our canonical model, which keeps only some of them). The official test suites
 * (`../shared/rivta/samples/<Contract>/testsuite_*_data.xml`, test case 1.2.1) say, per
 * contract, which elements the filter searches: an item matches when any of them falls inside
 * the asked period, or when a period it names (start..end) overlaps it.
 *
 * A path is a chain of element local names, each found at any depth below the previous one;
 * `period` paths name an element with `start` and `end` children.
 */

export interface PeriodFields {
  /** The item element under the response element. */
  readonly itemElement: string;
  readonly instants: readonly (readonly string[])[];
  readonly periods: readonly (readonly string[])[];
  /** Where the rule comes from. */
  readonly source: string;
}

type Key = `${ContractName}/${string}`;

export const PERIOD_FIELDS: Readonly<Record<Key, PeriodFields>> = {
  // testsuite_3.0_data.xml 1.2.1 datePeriod: "record.timestamp, author.timestamp, signature.timestamp och dissentingOpinion.authorTime".
  'GetCareDocumentation/3': {
    itemElement: 'careDocumentation',
    instants: [['record', 'timestamp'], ['author', 'timestamp'], ['signature', 'timestamp'], ['dissentingOpinion', 'authorTime']],
    periods: [],
    source: 'samples/GetCareDocumentation/testsuite_3.0_data.xml, 1.2.1 datePeriod',
  },
  // No 2.1 test suite in the samples: the 2.1 header's documentTime, authorTime and signatureTime, the same moments as 3.0's record, author and signature timestamps.
  'GetCareDocumentation/2': {
    itemElement: 'careDocumentation',
    instants: [['documentTime'], ['authorTime'], ['signatureTime'], ['dissentingOpinion', 'authorTime']],
    periods: [],
    source: 'as samples/GetCareDocumentation/testsuite_3.0_data.xml 1.2.1, mapped to the 2.1 PatientSummaryHeader',
  },
  // testsuite_2.0_data.xml 1.2.1 timePeriod: "authorTime, signatureTime och diagnosisTime".
  'GetDiagnosis/2': {
    itemElement: 'diagnosis',
    instants: [['authorTime'], ['signatureTime'], ['diagnosisTime']],
    periods: [],
    source: 'samples/GetDiagnosis/testsuite_2.0_data.xml, 1.2.1 timePeriod',
  },
  // testsuite_2.0_data.xml 1.2.1: "validityTimePeriod.start, validityTimePeriod.end eller obsoleteTime".
  'GetAlertInformation/2': {
    itemElement: 'alertInformation',
    instants: [['validityTimePeriod', 'start'], ['validityTimePeriod', 'end'], ['obsoleteTime']],
    periods: [],
    source: 'samples/GetAlertInformation/testsuite_2.0_data.xml, 1.2.1 TimePeriod giltighetsdatum',
  },
  // No test suite in the samples for care contacts: the request's datePeriod selects the care
  // contacts whose careContactTimePeriod overlaps it (GetCareContactsResponder_3.0.xsd, the body's only period).
  'GetCareContacts/3': {
    itemElement: 'careContact',
    instants: [],
    periods: [['careContactTimePeriod']],
    source: 'GetCareContactsResponder_3.0.xsd: careContactBody/careContactTimePeriod',
  },
  'GetCareContacts/2': {
    itemElement: 'careContact',
    instants: [],
    periods: [['careContactTimePeriod']],
    source: 'GetCareContactsResponder_2.0.xsd: careContactBody/careContactTimePeriod',
  },
  // testsuite_4.2_data.xml 1.2.1 TimePeriod: "Provtagningstidpunkt (blockComparisionTime) är inom tidsperioden i anropet".
  'GetLaboratoryOrderOutcome/4': {
    itemElement: 'laboratoryOrderOutcome',
    instants: [['accessControlHeader', 'blockComparisonTime']],
    periods: [],
    source: 'samples/GetLaboratoryOrderOutcome/testsuite_4.2_data.xml, 1.2.1 TimePeriod',
  },
  // No 3.1 test suite in the samples: the registration time of the order outcome (the body's
  // required registrationTime) and the header's documentTime, which 3.1 producers set to it.
  'GetLaboratoryOrderOutcome/3': {
    itemElement: 'laboratoryOrderOutcome',
    instants: [['registrationTime'], ['documentTime']],
    periods: [],
    source: 'GetLaboratoryOrderOutcomeResponder_3.1.xsd: laboratoryOrderOutcomeBody/registrationTime',
  },
  // testsuite_3.2_data.xml 1.2.1 DatePeriod: "authorTime och signatureTime".
  'GetReferralOutcome/3': {
    itemElement: 'referralOutcome',
    instants: [['referralOutcomeHeader', 'authorTime'], ['referralOutcomeHeader', 'signatureTime']],
    periods: [],
    source: 'samples/GetReferralOutcome/testsuite_3.2_data.xml, 1.2.1 DatePeriod',
  },
  // testsuite_1.0_data.xml 1.2.1 DatePeriod: "header.authorTime, resultTime och referral.authorTime".
  'GetImagingOutcome/1': {
    itemElement: 'imagingOutcome',
    instants: [['imagingOutcomeHeader', 'authorTime'], ['resultTime'], ['referral', 'authorTime']],
    periods: [],
    source: 'samples/GetImagingOutcome/testsuite_1.0_data.xml, 1.2.1 DatePeriod',
  },
  // testsuite_2.2_data.xml 1.2.1 DatePeriod: "prescriber.authorTime, accountableHealthcareProfessional.authorTime, startOfTreatment och endOfTreatment".
  'GetMedicationHistory/2': {
    itemElement: 'medicationMedicalRecord',
    instants: [['prescriber', 'authorTime'], ['accountableHealthcareProfessional', 'authorTime'], ['startOfTreatment'], ['endOfTreatment']],
    periods: [],
    source: 'samples/GetMedicationHistory/testsuite_2.2_data.xml, 1.2.1 DatePeriod',
  },
  // testsuite_2.0_data.xml 1.2.1 TimePeriod: "documentTime, authorTime, signatureTime och registrationRecord.date".
  'GetVaccinationHistory/2': {
    itemElement: 'vaccinationMedicalRecord',
    instants: [['documentTime'], ['authorTime'], ['signatureTime'], ['registrationRecord', 'date']],
    periods: [],
    source: 'samples/GetVaccinationHistory/testsuite_2.0_data.xml, 1.2.1 TimePeriod',
  },
};

export function periodFieldsFor(contract: string, major: string): PeriodFields | undefined {
  return PERIOD_FIELDS[`${contract}/${major}` as Key];
}

const elementKeys = (node: XmlNode) => Object.keys(node).filter((k) => !k.startsWith('@_') && k !== '#text');

/** Every element named `name` at any depth below `node`. */
export function descendants(node: XmlNode, name: string): XmlNode[] {
  const found: XmlNode[] = [];
  const walk = (n: XmlNode) => {
    for (const key of elementKeys(n)) {
      const value = n[key];
      if (!Array.isArray(value)) continue;
      for (const c of value) {
        if (key === name) found.push(c);
        walk(c);
      }
    }
  };
  walk(node);
  return found;
}

function along(node: XmlNode, path: readonly string[]): XmlNode[] {
  let nodes = [node];
  for (const name of path) nodes = nodes.flatMap((n) => descendants(n, name));
  return nodes;
}

const textOf = (node: XmlNode): string | undefined => {
  const t = node['#text'];
  return typeof t === 'string' ? t.trim() : undefined;
};

/** A date (YYYYMMDD) is the whole day; a timestamp is itself. */
function span(value: string | undefined): { start: number; end: number } | undefined {
  if (value === undefined) return undefined;
  const start = rivTime(value);
  if (!start) return undefined;
  return /^\d{8}$/.test(value) ? { start: start.getTime(), end: start.getTime() + 86_400_000 - 1 } : { start: start.getTime(), end: start.getTime() };
}

export interface ItemTimes {
  /** Instants (or whole days) the filter applies to. */
  readonly instants: readonly { start: number; end: number }[];
  /** Periods; an open end is unbounded. */
  readonly periods: readonly { start: number; end: number }[];
}

export function itemTimes(item: XmlNode, fields: PeriodFields): ItemTimes {
  const instants = fields.instants.flatMap((path) => along(item, path).map((n) => span(textOf(n)))).filter((s) => s !== undefined);
  const periods = fields.periods.flatMap((path) =>
    along(item, path).map((p) => {
      const start = span(textOf(descendants(p, 'start')[0] ?? {}));
      const end = span(textOf(descendants(p, 'end')[0] ?? {}));
      return { start: start?.start ?? -Infinity, end: end?.end ?? Infinity };
    }),
  );
  return { instants, periods };
}

/** Does the item match a period filter [start, end] (ms, inclusive)? */
export function matchesPeriod(times: ItemTimes, start: number, end: number): boolean {
  return times.instants.some((s) => s.end >= start && s.start <= end) || times.periods.some((p) => p.end >= start && p.start <= end);
}

/** The earliest moment the item's filtered timestamps name, if any. */
export function earliest(times: ItemTimes): number | undefined {
  const all = [...times.instants.map((s) => s.start), ...times.periods.map((p) => p.start).filter(Number.isFinite)];
  return all.length === 0 ? undefined : Math.min(...all);
}

/** The item elements of a response element. */
export function itemElements(response: XmlNode, fields: PeriodFields): XmlNode[] {
  const value = response[fields.itemElement];
  return Array.isArray(value) ? value : [];
}
