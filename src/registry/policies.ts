import { and, asc, desc, eq, lte } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { disclosurePolicyVersion } from '../db/schema.js';
import type { RegionCode } from '../domain/regions.js';
import { DEFAULT_POLICIES, type DisclosurePolicy } from '../disclosure/index.js';

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

/** The version in force for a region at a moment, or undefined when none is. */
export async function policyInForce(db: Db, regionCode: RegionCode, at: Date): Promise<PolicyVersion | undefined> {
  const [row] = await db
    .select()
    .from(disclosurePolicyVersion)
    .where(and(eq(disclosurePolicyVersion.regionCode, regionCode), lte(disclosurePolicyVersion.effectiveFrom, at)))
    .orderBy(desc(disclosurePolicyVersion.effectiveFrom), desc(disclosurePolicyVersion.version))
    .limit(1);
  return row && toVersion(row);
}

/** Every region's version in force at a moment, in one query. */
export async function policiesInForce(db: Db, at: Date): Promise<PolicyVersion[]> {
  const rows = await db
    .selectDistinctOn([disclosurePolicyVersion.regionCode])
    .from(disclosurePolicyVersion)
    .where(lte(disclosurePolicyVersion.effectiveFrom, at))
    .orderBy(asc(disclosurePolicyVersion.regionCode), desc(disclosurePolicyVersion.effectiveFrom), desc(disclosurePolicyVersion.version));
  return rows.map(toVersion);
}

function toVersion(row: typeof disclosurePolicyVersion.$inferSelect): PolicyVersion {
  return {
    regionCode: row.regionCode as RegionCode,
    version: row.version,
    effectiveFrom: row.effectiveFrom,
    createdBy: row.createdBy,
    policy: row.policy as DisclosurePolicy,
  };
}

