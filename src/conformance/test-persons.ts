import { PERSONNUMMER_OID, SAMORDNINGSNUMMER_OID } from '../contracts/types.js';

/**
 * The national test persons: Skatteverket's test identity numbers that Inera's official test
 * suites ("Verifiering av tjänsteproducent", `samples/<Contract>/testsuite_*_data.xml` in
 * ../shared/rivta) and the aggregating services' functional tests ask producers about. A
 * producer's test environment holds records for them; none is a real person. Never our
 * synthetic population: its numbers may coincide with real people's.
 */

export interface TestPerson {
  readonly id: string;
  /** OID of the id kind; a reserve number carries a local, non-national type. */
  readonly type: string;
  readonly kind: 'personnummer' | 'samordningsnummer' | 'reservnummer';
  /** Where the number is used. */
  readonly source: string;
}

/** `<globaldata><patientId>` of every testsuite_*_data.xml (test case 1.1.1 Personnummer). */
export const TESTSUITE_PERSONNUMMER: TestPerson = {
  id: '195709263080',
  type: PERSONNUMMER_OID,
  kind: 'personnummer',
  source: 'samples/*/testsuite_*_data.xml, globaldata patientId (1.1.1 Personnummer)',
};

/** Tolvan Tolvansson, in the aggregating services' functional tests (samples/GetECGOutcome/agp_functest_request_1.0_GetECGOutcome-121212121212-Tolvan-Tolvansson.xml). */
export const TOLVAN_TOLVANSSON: TestPerson = {
  id: '191212121212',
  type: PERSONNUMMER_OID,
  kind: 'personnummer',
  source: 'samples/*/agp_functest_request_*-Tolvan-Tolvansson.xml',
};

/** Test case 1.1.2 Samordningsnummer of every test suite. */
export const TESTSUITE_SAMORDNINGSNUMMER: TestPerson = {
  id: '196812732391',
  type: SAMORDNINGSNUMMER_OID,
  kind: 'samordningsnummer',
  source: 'samples/*/testsuite_*_data.xml, test case 1.1.2 Samordningsnummer',
};

/** Test case 1.1.3/1.1.4 Lokalt reservnummer: the id with a local type (the suites' own example type). */
export const TESTSUITE_RESERVNUMMER: TestPerson = {
  id: '19570926308A',
  type: 'ABC-123',
  kind: 'reservnummer',
  source: 'samples/*/testsuite_*_data.xml, test case 1.1.3 Lokalt reservnummer',
};

/**
 * Agda Andersson, the aggregating services' resident without records
 * (samples/GetECGOutcome/agp_functest_request_1.0_GetECGOutcome-188803099368-Agda-Andersson.xml).
 */
export const AGDA_ANDERSSON = '188803099368';

/** Default residents asked about: the test suites' personnummer and Tolvan. */
export const DEFAULT_TEST_PATIENTS: readonly string[] = [TESTSUITE_PERSONNUMMER.id, TOLVAN_TOLVANSSON.id];

/** Ids of the other kinds a producer must accept (test cases 1.1.2 and 1.1.3). */
export const DEFAULT_OTHER_ID_KINDS: readonly TestPerson[] = [TESTSUITE_SAMORDNINGSNUMMER, TESTSUITE_RESERVNUMMER];

export const ALL_TEST_PERSONS: readonly TestPerson[] = [TESTSUITE_PERSONNUMMER, TOLVAN_TOLVANSSON, TESTSUITE_SAMORDNINGSNUMMER, TESTSUITE_RESERVNUMMER];
