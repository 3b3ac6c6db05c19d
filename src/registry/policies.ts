import { and, asc, desc, eq, lte } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { disclosurePolicyVersion } from '../db/schema.js';
import type { RegionCode } from '../domain/regions.js';
import { DEFAULT_POLICIES, type DisclosurePolicy } from '../disclosure/index.js';
import { policyProblems } from '../admin/rules/schema.js';
import { pointerToPath } from '../errors/schema.js';
import { createLogger } from '../operations/logger.js';

/**
 * The disclosure rules in force, versioned in the database. Version 1 of each region is the
 * seed's assessment, in force from the start of time; later versions (the admin issue) take
 * effect at a chosen moment and never replace history.
 */

export const SEED_AUTHOR = 'seed:002_06cdae585d96cb26.txt';
const BEGINNING = new Date('1970-01-01T00:00:00Z');

/** Inserts version 1 for each region that has no version yet; never touches existing ones. */
export async function seedDefaultPolicies(db: Db): Promise<number> {
  const inserted = await db
    .insert(disclosurePolicyVersion)
    .values(
      DEFAULT_POLICIES.map((policy) => ({
        regionCode: policy.regionCode,
        version: 1,
        effectiveFrom: BEGINNING,
        policy,
        createdBy: SEED_AUTHOR,
        note: policy.assessment === 'silent' ? 'The seed has no assessment; national framework defaults.' : 'Vårdgivarens bedömning, seed 002.',
      })),
    )
    .onConflictDoNothing()
    .returning({ id: disclosurePolicyVersion.id });
  return inserted.length;
}

export interface PolicyVersion {
  readonly regionCode: RegionCode;
  readonly version: number;
  readonly effectiveFrom: Date;
  readonly createdBy: string;
  readonly policy: DisclosurePolicy;
}

/** A stored version that is not a valid policy: which, and the first problem (never record data). */
export interface InvalidPolicyVersion {
  readonly regionCode: string;
  readonly version: number;
  readonly field: string;
  readonly message: string;
}

let fallbackLogger: ReturnType<typeof createLogger> | undefined;
let reportInvalid: (problem: InvalidPolicyVersion) => void = (problem) =>
  (fallbackLogger ??= createLogger({ level: 'warn' })).error({ ...problem }, 'stored disclosure policy is invalid; its region shows nothing until it is replaced');

/** Where invalid stored versions are reported (default: an error line on the masking logger). */
export function onInvalidPolicyVersion(report: (problem: InvalidPolicyVersion) => void): void {
  reportInvalid = report;
}

/**
 * The version in force for a region at a moment, or undefined when none is. A version in force
 * that is not a valid policy counts as none (fail closed: the region's items are hidden), rather
 * than falling back to an older version whose rules the region has replaced.
 */
export async function policyInForce(db: Db, regionCode: RegionCode, at: Date): Promise<PolicyVersion | undefined> {
  const [row] = await db
    .select()
    .from(disclosurePolicyVersion)
    .where(and(eq(disclosurePolicyVersion.regionCode, regionCode), lte(disclosurePolicyVersion.effectiveFrom, at)))
    .orderBy(desc(disclosurePolicyVersion.effectiveFrom), desc(disclosurePolicyVersion.version))
    .limit(1);
  return row && checked(row);
}

/** Every region's version in force at a moment, in one query. */
export async function policiesInForce(db: Db, at: Date): Promise<PolicyVersion[]> {
  const rows = await db
    .selectDistinctOn([disclosurePolicyVersion.regionCode])
    .from(disclosurePolicyVersion)
    .where(lte(disclosurePolicyVersion.effectiveFrom, at))
    .orderBy(asc(disclosurePolicyVersion.regionCode), desc(disclosurePolicyVersion.effectiveFrom), desc(disclosurePolicyVersion.version));
  return rows.flatMap((row) => checked(row) ?? []);
}

// Valid versions by their stored content: the record service reads every region's rules on each
// request, and checking a stored policy costs far more than the query. Keyed by the content itself,
// so a row changed in place is checked again; invalid ones are never remembered (reported each time).
const VALID_MAX = 1_000;
const valid = new Map<string, PolicyVersion>();

function checked(row: typeof disclosurePolicyVersion.$inferSelect): PolicyVersion | undefined {
  const key = `${row.id}\u0000${row.regionCode}\u0000${row.version}\u0000${row.effectiveFrom.getTime()}\u0000${row.createdBy}\u0000${JSON.stringify(row.policy)}`;
  const known = valid.get(key);
  if (known) return known;
  const [problem] = policyProblems(row.policy);
  if (!problem) {
    if (valid.size >= VALID_MAX) valid.clear();
    const version = toVersion(row);
    valid.set(key, version);
    return version;
  }
  reportInvalid({ regionCode: row.regionCode, version: row.version, field: pointerToPath(problem.pointer, 'policy'), message: problem.message });
  return undefined;
}

function toVersion(row: typeof disclosurePolicyVersion.$inferSelect): PolicyVersion {
  return {
    regionCode: row.regionCode as RegionCode,
    version: row.version,
    effectiveFrom: row.effectiveFrom,
    createdBy: row.createdBy,
    // Checked by `checked` before this cast.
    policy: row.policy as DisclosurePolicy,
  };
}

