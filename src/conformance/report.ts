import Type, { type Static } from 'typebox';

/**
 * The conformance report ("Verifiering av tjänsteproducent"): what `verifyProducer` returns and
 * `journalen verify-producer` prints. The TypeBox schema is the documentation of the JSON shape
 * and is checked against real reports in the tests, so the two cannot drift apart.
 *
 * Messages name contracts, checks, counts and record ids, never a personnummer: test residents
 * are "test resident 1, 2, ..." in the order given, because reports end up in logs and tickets.
 */

export const CHECK_IDS = [
  'soap',
  'schema',
  'result',
  'items',
  'patient',
  'idKinds',
  'careParties',
  'approvedForPatient',
  'encoding',
  'period',
  'careUnit',
  'careGiver',
  'careContact',
  'sourceSystem',
  'paging',
  'unknownPatient',
  'badRequest',
  'responseTime',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];

export const CHECK_TITLES: Record<CheckId, { readonly sv: string; readonly en: string }> = {
  soap: { sv: 'Nåbar och svarar med SOAP 1.1', en: 'Reachable, answers with SOAP 1.1' },
  schema: { sv: 'Svaret följer tjänstekontraktets XML-schema', en: "Answer valid against the contract's XML schema" },
  result: { sv: 'Rätt svarsmeddelande med resultatkod OK', en: 'The contract\'s response with result code OK' },
  items: { sv: 'Varje post kan läsas och har approvedForPatient', en: 'Every item is readable and has approvedForPatient' },
  patient: { sv: 'Posterna gäller den invånare som efterfrågades', en: 'Items are about the resident asked for' },
  idKinds: { sv: 'Samordningsnummer och reservnummer tas emot', en: 'Samordningsnummer and reserve numbers accepted' },
  careParties: { sv: 'Vårdgivare och vårdenhet anges i varje post', en: 'Care giver and care unit named in every item' },
  approvedForPatient: { sv: 'Poster som inte godkänts för invånaren skickas och märks', en: 'Items not approved for the resident are sent and marked' },
  encoding: { sv: 'UTF-8 anges och används, åäö kommer fram', en: 'UTF-8 declared and used, åäö intact' },
  period: { sv: 'Tidsfiltret följs på de tidpunkter specifikationen anger', en: "Period filter honoured on the specification's timestamps" },
  careUnit: { sv: 'Vårdenhetsfiltret följs', en: 'Care unit filter honoured' },
  careGiver: { sv: 'Vårdgivarfiltret följs', en: 'Care giver filter honoured' },
  careContact: { sv: 'Vårdkontaktsfiltret (careContactId) följs', en: 'Care contact filter (careContactId) honoured' },
  sourceSystem: { sv: 'Källsystemsfiltret följs', en: 'Source system filter honoured' },
  paging: { sv: 'Paginering (hasMore) följs utan dubbletter', en: 'Paging (hasMore) followed, no duplicates' },
  unknownPatient: { sv: 'Okänd invånare ger tomt svar, inte fel', en: 'Unknown resident gives an empty answer, not a fault' },
  badRequest: { sv: 'Felaktig fråga ger SOAP-fel eller felresultat', en: 'Bad request gives a SOAP Fault or an error result' },
  responseTime: { sv: 'Svarstid inom gränsen', en: 'Response time within the limit' },
};

const Title = Type.Object({ sv: Type.String(), en: Type.String() });

export const CheckStatusSchema = Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('skipped')]);
export type CheckStatus = Static<typeof CheckStatusSchema>;

export const SkipReasonSchema = Type.Enum(['notApplicable', 'noData', 'unavailable']);
export type SkipReason = Static<typeof SkipReasonSchema>;

export const CheckResultSchema = Type.Object(
  {
    id: Type.Enum([...CHECK_IDS]),
    title: Title,
    status: CheckStatusSchema,
    /** What was found; for a failure exactly what was wrong, for a skip why. English. */
    message: Type.String(),
    /**
     * Why a check was skipped. `notApplicable`: the contract has no such feature (paging, a
     * filter); counts as passed. `noData`: no test resident has records to check with; never
     * counts as passed (an always-empty producer fails). `unavailable`: something needed was
     * missing (the schemas, a usable answer); never counts as passed.
     */
    skipReason: Type.Optional(SkipReasonSchema),
  },
  { additionalProperties: false },
);
export type CheckResult = Static<typeof CheckResultSchema>;

const Timing = Type.Object(
  {
    calls: Type.Integer({ minimum: 0 }),
    /** Calls that got no answer within timeoutMs. */
    timedOut: Type.Integer({ minimum: 0 }),
    minMs: Type.Union([Type.Number(), Type.Null()]),
    medianMs: Type.Union([Type.Number(), Type.Null()]),
    maxMs: Type.Union([Type.Number(), Type.Null()]),
  },
  { additionalProperties: false },
);

export const ContractReportSchema = Type.Object(
  {
    contract: Type.String(),
    /** Major version, as in the responder namespace and the endpoint path. */
    major: Type.String(),
    /** Schema version our parser is written for, e.g. "3.0". */
    schemaVersion: Type.String(),
    responderNamespace: Type.String(),
    url: Type.String(),
    ok: Type.Boolean(),
    /** Items received for the test residents (first pages, unfiltered). */
    items: Type.Integer({ minimum: 0 }),
    responseTimes: Timing,
    checks: Type.Array(CheckResultSchema),
  },
  { additionalProperties: false },
);
export type ContractReport = Static<typeof ContractReportSchema>;

export const ConformanceReportSchema = Type.Object(
  {
    kind: Type.Literal('journalen.producer-conformance'),
    /** 2: noData never passes; the checks of the official test suites added. */
    reportVersion: Type.Literal(2),
    /** ISO 8601 instants. */
    startedAt: Type.String(),
    finishedAt: Type.String(),
    logicalAddress: Type.String(),
    /** The base URL, or null when a URL was given per contract. */
    endpoint: Type.Union([Type.String(), Type.Null()]),
    /** Every check of every contract passed (or does not apply to it); a check without data is not a pass. */
    ok: Type.Boolean(),
    summary: Type.Object(
      {
        passed: Type.Integer({ minimum: 0 }),
        failed: Type.Integer({ minimum: 0 }),
        skipped: Type.Integer({ minimum: 0 }),
        /** Of the skipped, those with nothing to check (skipReason noData). */
        noData: Type.Integer({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
    settings: Type.Object(
      {
        /** How many test residents were asked about (their numbers are not in the report). */
        testResidents: Type.Integer({ minimum: 1 }),
        timeoutMs: Type.Integer({ minimum: 1 }),
        maxResponseMs: Type.Integer({ minimum: 1 }),
        maxResponseBytes: Type.Integer({ minimum: 1 }),
        /** Where the XSDs were read from; null when they were not found (schema checks skipped). */
        schemaDir: Type.Union([Type.String(), Type.Null()]),
        /** The path template below the endpoint; null when a URL was given per contract. */
        pathTemplate: Type.Union([Type.String(), Type.Null()]),
      },
      { additionalProperties: false },
    ),
    contracts: Type.Array(ContractReportSchema),
  },
  { additionalProperties: false },
);
export type ConformanceReport = Static<typeof ConformanceReportSchema>;
