import { createHash } from 'node:crypto';
import { inputInvalid } from '../errors/index.js';

/**
 * An engagement (engagemangspost): "source system S holds information of kind C in service
 * domain D for resident R". The shape is the RIV-TA `EngagementType` of
 * urn:riv:itintegration:engagementindex:1; this file owns its defaults, its checks and its id.
 */

/**
 * The HSA-id this service answers to as an engagement index (the owner of its engagements and
 * the LogicalAddress producers send Update to): Journalen's production HSA-id, "Prod:
 * SE5565594230-BDK" (seed 002_06cdae585d96cb26.txt, line 159). The SIT and QA ids are on lines
 * 161 and 163; a deployment in those environments passes its own to the routes and builders.
 */
export const JOURNALEN_HSA_ID = 'SE5565594230-BDK';

/** The contract's "not applicable", the value the clinical domains require for two key fields. */
export const NOT_APPLICABLE = 'NA';

/** What a source system reports; the optional fields take the contract's usual values. */
export interface EngagementInput {
  /** Personnummer or samordningsnummer, 12 characters without separator. */
  readonly registeredResidentIdentification: string;
  /** e.g. `riv:clinicalprocess:healthcond:description` */
  readonly serviceDomain: string;
  /** e.g. `dia`; one information type within the domain. */
  readonly categorization: string;
  /** Where the information is fetched: for the clinical domains, the source system's HSA-id. */
  readonly logicalAddress: string;
  /** Defaults to `NA`. */
  readonly businessObjectInstanceIdentifier?: string;
  /** Defaults to `NA`. */
  readonly clinicalProcessInterestId?: string;
  readonly sourceSystem: string;
  /** The care provider responsible for the information (personuppgiftsansvarig). */
  readonly dataController: string;
  /** The index that owns the engagement; defaults to this service (JOURNALEN_HSA_ID). */
  readonly owner?: string;
  /** When the source system's information of this kind last changed. */
  readonly mostRecentContent?: Date;
}

/** The key of an engagement with every default applied; what the id is computed from. */
export interface EngagementKey {
  readonly registeredResidentIdentification: string;
  readonly serviceDomain: string;
  readonly categorization: string;
  readonly logicalAddress: string;
  readonly businessObjectInstanceIdentifier: string;
  readonly clinicalProcessInterestId: string;
  readonly sourceSystem: string;
  readonly dataController: string;
  readonly owner: string;
}

/** An engagement as stored and as FindContent answers it. */
export interface Engagement extends EngagementKey {
  /** Hex SHA-256 of the key fields (`engagementId`). */
  readonly id: string;
  readonly mostRecentContent: Date | null;
  readonly creationTime: Date;
  /** Null until the stored engagement changed. */
  readonly updateTime: Date | null;
}

export interface NormalizedEngagement extends EngagementKey {
  readonly id: string;
  readonly mostRecentContent: Date | null;
}

/** The contract's RegisteredResidentIdentificationType pattern (official schema, tag 1.0.10). */
export const RESIDENT_IDENTIFICATION = /^[0-9]{8}[0-9A-Zptf]{4}$/;

/**
 * Longest value per field, as the national index (skltp/ei EngagementValidator) accepts; the
 * schema has none. skltp/ei leaves owner unlimited (it sets it itself): it gets the 64 of the
 * other HSA-id fields. The resident id is exactly 12 by its pattern.
 */
export const FIELD_MAX_LENGTH = {
  registeredResidentIdentification: 12,
  serviceDomain: 255,
  categorization: 255,
  logicalAddress: 64,
  businessObjectInstanceIdentifier: 128,
  clinicalProcessInterestId: 128,
  sourceSystem: 64,
  dataController: 64,
  owner: 64,
} as const satisfies Record<keyof EngagementKey, number>;

export type EngagementField = keyof EngagementKey;

/** The key fields in the order skltp/ei hashes them (Hash.generateHashId). */
const KEY_ORDER: readonly EngagementField[] = [
  'registeredResidentIdentification',
  'serviceDomain',
  'categorization',
  'logicalAddress',
  'businessObjectInstanceIdentifier',
  'sourceSystem',
  'dataController',
  'owner',
  'clinicalProcessInterestId',
];

// skltp/ei concatenates the fields with nothing between them, so ("ab","c") and ("a","bc") share
// an id. A separator that no accepted value may contain (control characters are refused) keeps
// distinct keys distinct; ids never leave this index, so nothing depends on skltp/ei's exact bytes.
const SEPARATOR = '\u001f';

export function engagementId(key: EngagementKey): string {
  return createHash('sha256').update(KEY_ORDER.map((f) => key[f]).join(SEPARATOR), 'utf8').digest('hex');
}

const CONTROL = /[\u0000-\u001f\u007f]/;

export interface FieldProblem {
  /** The field's name in EngagementType, e.g. `categorization`. */
  readonly field: string;
  readonly message: string;
}

/** Why a value cannot be a key field, or undefined when it can. Never echoes the value. */
export function keyFieldProblem(field: EngagementField, value: unknown): string | undefined {
  if (typeof value !== 'string') return 'is missing';
  if (value === '') return 'is empty';
  if (value.trim() !== value) return 'begins or ends with white space';
  if (CONTROL.test(value)) return 'contains a control character';
  if (field === 'registeredResidentIdentification' && !RESIDENT_IDENTIFICATION.test(value)) {
    // Only the length is told: the value is a personal identity number.
    return `must be 12 characters: 8 digits, then 4 of 0-9, A-Z, p, t, f (a personnummer or samordningsnummer without separator); got ${value.length} characters that do not match`;
  }
  if (value.length > FIELD_MAX_LENGTH[field]) return `is ${value.length} characters; at most ${FIELD_MAX_LENGTH[field]} allowed`;
  return undefined;
}

/** Every problem of one input, with the defaults applied first. */
export function engagementProblems(input: EngagementInput, defaultOwner: string = JOURNALEN_HSA_ID): FieldProblem[] {
  const key = withDefaults(input, defaultOwner);
  const problems: FieldProblem[] = [];
  for (const field of KEY_ORDER) {
    const message = keyFieldProblem(field, key[field]);
    if (message !== undefined) problems.push({ field, message });
  }
  const recent = input.mostRecentContent;
  if (recent !== undefined && recent !== null && (!(recent instanceof Date) || Number.isNaN(recent.getTime()))) {
    problems.push({ field: 'mostRecentContent', message: 'is not a valid date' });
  }
  return problems;
}

function withDefaults(input: EngagementInput, defaultOwner: string): EngagementKey {
  return {
    registeredResidentIdentification: input.registeredResidentIdentification,
    serviceDomain: input.serviceDomain,
    categorization: input.categorization,
    logicalAddress: input.logicalAddress,
    businessObjectInstanceIdentifier: input.businessObjectInstanceIdentifier ?? NOT_APPLICABLE,
    clinicalProcessInterestId: input.clinicalProcessInterestId ?? NOT_APPLICABLE,
    sourceSystem: input.sourceSystem,
    dataController: input.dataController,
    owner: input.owner ?? defaultOwner,
  };
}

/**
 * Applies the defaults, checks every field and computes the id. The first problem is thrown as
 * INPUT_INVALID naming `<path>.<field>`, e.g. `engagements[3].categorization`.
 */
export function normalizeEngagement(input: EngagementInput, path: string, defaultOwner: string = JOURNALEN_HSA_ID): NormalizedEngagement {
  if (input === null || typeof input !== 'object') throw inputInvalid(path, 'is not an engagement');
  const [problem] = engagementProblems(input, defaultOwner);
  if (problem) throw inputInvalid(`${path}.${problem.field}`, problem.message);
  const key = withDefaults(input, defaultOwner);
  const recent = input.mostRecentContent;
  // Whole seconds, the contract's precision, so a value read back from a message compares equal.
  const mostRecentContent = recent === undefined || recent === null ? null : new Date(Math.floor(recent.getTime() / 1000) * 1000);
  return { ...key, id: engagementId(key), mostRecentContent };
}

/** FindContent's filters: resident and domain always, the rest narrow the answer. */
export interface FindContentQuery {
  readonly registeredResidentIdentification: string;
  readonly serviceDomain: string;
  readonly categorization?: string;
  readonly logicalAddress?: string;
  readonly businessObjectInstanceIdentifier?: string;
  readonly clinicalProcessInterestId?: string;
  /** Only engagements whose mostRecentContent is at or after this instant. */
  readonly mostRecentContent?: Date;
  readonly sourceSystem?: string;
  readonly dataController?: string;
  readonly owner?: string;
}

const OPTIONAL_FILTERS = [
  'categorization',
  'logicalAddress',
  'businessObjectInstanceIdentifier',
  'clinicalProcessInterestId',
  'sourceSystem',
  'dataController',
  'owner',
] as const satisfies readonly EngagementField[];

/** Checks a query; the first problem is thrown as INPUT_INVALID naming the field. */
export function checkFindContentQuery(query: FindContentQuery): FindContentQuery {
  if (query === null || typeof query !== 'object') throw inputInvalid('query', 'is not a FindContent query');
  for (const field of ['registeredResidentIdentification', 'serviceDomain'] as const) {
    const message = keyFieldProblem(field, query[field]);
    if (message !== undefined) throw inputInvalid(field, message);
  }
  for (const field of OPTIONAL_FILTERS) {
    const value = query[field];
    if (value === undefined) continue;
    const message = keyFieldProblem(field, value);
    // An empty filter would match nothing; saying so beats an empty answer.
    if (message !== undefined) throw inputInvalid(field, message === 'is empty' ? 'is empty; leave it out to match every value' : message);
  }
  const recent = query.mostRecentContent;
  if (recent !== undefined && (!(recent instanceof Date) || Number.isNaN(recent.getTime()))) {
    throw inputInvalid('mostRecentContent', 'is not a valid date');
  }
  return query;
}
