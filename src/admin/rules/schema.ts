import Type, { type TSchema } from 'typebox';
import { INFO_TYPES, RESULT_INFO_TYPES } from '../../domain/record.js';
import { REGION_CODES } from '../../domain/regions.js';
import { SEED_JOURNALEN, SEED_SYSTEMS } from '../../domain/seed-source.js';
import { parseIsoDate } from '../../domain/time.js';
import type { DisclosurePolicy } from '../../disclosure/policy.js';
import { JournalenError } from '../../errors/index.js';
import { pointerToPath, schemaProblems, type SchemaProblem } from '../../errors/schema.js';

/**
 * The disclosure policy as a TypeBox schema. Policies come back from the database as JSON and
 * from administrators' forms; both are checked against this before the engine sees them, so a
 * stored policy from a broken editor fails closed rather than being half-read.
 */

/** The longest delay an administrator may set: ten years is already "never" in practice. */
export const MAX_DAYS = 3650;

const strict = { additionalProperties: false } as const;
const Days = Type.Integer({ minimum: 0, maximum: MAX_DAYS });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const IsoDateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const InfoTypeSchema = Type.Enum([...INFO_TYPES]);

const SeedSourceSchema = Type.Object(
  { document: Type.Enum([SEED_JOURNALEN, SEED_SYSTEMS]), line: Type.Integer({ minimum: 1 }), quote: Text(2000) },
  strict,
);

const BasisSchema = Type.Union([
  Type.Object({ kind: Type.Literal('seed'), sources: Type.Array(SeedSourceSchema) }, strict),
  Type.Object(
    {
      kind: Type.Literal('nationalFramework'),
      principle: Type.Enum(['availableDirectly', 'residentMayHideRecent']),
      sources: Type.Optional(Type.Array(SeedSourceSchema)),
    },
    strict,
  ),
  Type.Object({ kind: Type.Literal('administrator'), comment: Type.Optional(Type.String({ maxLength: 500 })) }, strict),
]);

const DelaySchema = Type.Union([
  Type.Object({ kind: Type.Literal('immediately') }, strict),
  Type.Object({ kind: Type.Literal('afterDays'), days: Days }, strict),
  Type.Object({ kind: Type.Literal('never') }, strict),
]);

const NoteScopeSchema = Type.Enum(['allNotes', 'signedNotes', 'unsignedNotes']);

const RadrumSchema = Type.Union([
  Type.Object({ kind: Type.Literal('none'), basis: BasisSchema }, strict),
  Type.Object({ kind: Type.Literal('mandatory'), days: Days, appliesTo: NoteScopeSchema, basis: BasisSchema }, strict),
  Type.Object({ kind: Type.Literal('residentChoice'), days: Days, appliesTo: NoteScopeSchema, basis: BasisSchema }, strict),
]);

const UnsignedSchema = Type.Union([
  Type.Object({ kind: Type.Literal('immediately'), basis: BasisSchema }, strict),
  Type.Object({ kind: Type.Literal('never'), basis: BasisSchema }, strict),
  Type.Object({ kind: Type.Literal('afterDays'), days: Days, requiresLock: Type.Boolean(), basis: BasisSchema }, strict),
  Type.Object({ kind: Type.Literal('residentChoice'), basis: BasisSchema }, strict),
]);

const ResultRuleSchema = Type.Object({ validated: DelaySchema, unvalidated: DelaySchema, basis: BasisSchema }, strict);

const TermSchema = Type.Object({ value: Text(200), basis: BasisSchema }, strict);

export const DisclosurePolicySchema = Type.Object(
  {
    regionCode: Type.Enum([...REGION_CODES]),
    assessment: Type.Enum(['seed', 'silent']),
    assessmentSource: Type.Array(SeedSourceSchema),
    radrum: RadrumSchema,
    signedNotes: Type.Object({ delay: DelaySchema, basis: BasisSchema }, strict),
    unsignedNotes: UnsignedSchema,
    results: Type.Object(Object.fromEntries(RESULT_INFO_TYPES.map((t) => [t, ResultRuleSchema])) as Record<(typeof RESULT_INFO_TYPES)[number], typeof ResultRuleSchema>, strict),
    hiddenInfoTypes: Type.Array(Type.Object({ infoType: InfoTypeSchema, basis: BasisSchema }, strict)),
    startDates: Type.Array(Type.Object({ infoTypes: Type.Array(InfoTypeSchema, { minItems: 1 }), from: IsoDateText, basis: BasisSchema }, strict)),
    scopedDelays: Type.Array(
      Type.Object(
        {
          infoTypes: Type.Array(InfoTypeSchema, { minItems: 1 }),
          specialty: Type.Optional(Text(100)),
          inpatient: Type.Optional(Type.Boolean()),
          days: Days,
          label: Type.Object({ sv: Text(200), en: Text(200) }, strict),
          basis: BasisSchema,
        },
        strict,
      ),
    ),
    excludedCareUnits: Type.Array(Type.Object({ hsaId: Text(31), name: Type.Optional(Text(200)), basis: BasisSchema }, strict)),
    excludedKeywords: Type.Array(TermSchema),
    excludedTemplates: Type.Array(TermSchema),
  },
  strict,
) satisfies TSchema;

/**
 * Every problem with a value as a policy: the schema's, then what a schema cannot say (a
 * start date that is not a real calendar date). Pointers are JSON-pointer-like (`/radrum/days`).
 */
export function policyProblems(value: unknown): SchemaProblem[] {
  const problems = rank(schemaProblems(DisclosurePolicySchema, value));
  if (problems.length > 0) return problems;
  const policy = value as DisclosurePolicy;
  policy.startDates.forEach((s, i) => {
    if (parseIsoDate(s.from) === null) problems.push({ pointer: `/startDates/${i}/from`, message: `must be a real date (YYYY-MM-DD), got ${JSON.stringify(s.from)}` });
  });
  return problems;
}

const KNOWN_KINDS = new Set(['seed', 'nationalFramework', 'administrator', 'immediately', 'afterDays', 'never', 'none', 'mandatory', 'residentChoice']);

/**
 * A union (every `kind`) reports one problem per branch it tried; the one that says what is
 * wrong with the value ("must be >= 0") is put before the branches' noise ("must not have
 * additional properties"), so the first problem is the one to show.
 */
function rank(problems: SchemaProblem[]): SchemaProblem[] {
  const noise = (p: SchemaProblem) =>
    p.message.startsWith('must match a schema in anyOf') ? 4
    : p.message.startsWith('schema is false') ? 3
    : p.message.startsWith('must not have additional properties') ? 2
    : p.message.startsWith('must be equal to constant') ? 1
    : 0;
  // A `kind` no branch knows is the problem itself, ahead of the fields that branch would need.
  const unknownKind = (p: SchemaProblem) => {
    if (noise(p) !== 1 || !p.pointer.endsWith('/kind')) return false;
    const got = /, got (.*)$/.exec(p.message)?.[1];
    return got === undefined || !KNOWN_KINDS.has(got.replace(/^"|"$/g, ''));
  };
  const seen = new Set<string>();
  return problems
    .map((p, i) => (unknownKind(p) ? { p: { pointer: p.pointer, message: `is not a known kind${p.message.slice('must be equal to constant'.length)}` }, i, n: -1 } : { p, i, n: noise(p) }))
    .sort((a, b) => a.n - b.n || a.i - b.i)
    .map((x) => x.p)
    .filter((p) => {
      const key = `${p.pointer}|${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

export const isValidPolicy = (value: unknown): value is DisclosurePolicy => policyProblems(value).length === 0;

/** The value as a policy, or INPUT_INVALID naming the first bad field (`policy.radrum.days`). */
export function validatePolicy(value: unknown, root = 'policy'): DisclosurePolicy {
  const [first] = policyProblems(value);
  if (first) {
    const field = pointerToPath(first.pointer, root);
    throw new JournalenError('INPUT_INVALID', `${field} ${first.message}`, { field });
  }
  return value as DisclosurePolicy;
}
