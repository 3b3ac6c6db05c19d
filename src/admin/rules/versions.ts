import { and, desc, eq, lte, sql } from 'drizzle-orm';
import { appendAudit, type AuditActor } from '../../audit/index.js';
import type { Db } from '../../db/connection.js';
import { disclosurePolicyVersion } from '../../db/schema.js';
import { region as regionOf, type RegionCode } from '../../domain/regions.js';
import type { DisclosurePolicy } from '../../disclosure/policy.js';
import { JournalenError } from '../../errors/index.js';
import { pointerToPath } from '../../errors/schema.js';
import { diffPolicies, type ClauseChange } from './diff.js';
import { policyProblems, validatePolicy } from './schema.js';

/**
 * The versions of a region's disclosure rules, as administrators change them. A change is always
 * a new version effective from a chosen moment; nothing is updated or deleted, so the history is
 * the table itself, and "restore" is a new version with an old version's rules.
 */

export interface StoredVersion {
  readonly regionCode: RegionCode;
  readonly version: number;
  readonly effectiveFrom: Date;
  readonly createdAt: Date;
  readonly createdBy: string;
  readonly note: string | null;
  /** Null when the stored JSON is not a valid policy (the engine then treats the region as having none). */
  readonly policy: DisclosurePolicy | null;
  readonly problem: { readonly field: string; readonly message: string } | null;
  readonly status: 'past' | 'inForce' | 'pending';
}

/**
 * Every version of a region, newest first, each marked past / in force / pending at `now`.
 * Invalid stored versions are listed with their problem, so an administrator can see and replace them.
 */
export async function listVersions(db: Db, regionCode: RegionCode, now: Date = new Date()): Promise<StoredVersion[]> {
  const rows = await db
    .select()
    .from(disclosurePolicyVersion)
    .where(eq(disclosurePolicyVersion.regionCode, regionCode))
    .orderBy(desc(disclosurePolicyVersion.effectiveFrom), desc(disclosurePolicyVersion.version));
  // The one in force is the first (by effective time, then version) that has taken effect, as policyInForce picks it.
  const inForce = rows.find((r) => r.effectiveFrom <= now);
  return rows
    .map((r) => {
      const [problem] = policyProblems(r.policy);
      return {
        regionCode: r.regionCode as RegionCode,
        version: r.version,
        effectiveFrom: r.effectiveFrom,
        createdAt: r.createdAt,
        createdBy: r.createdBy,
        note: r.note,
        policy: problem ? null : (r.policy as DisclosurePolicy),
        problem: problem ? { field: pointerToPath(problem.pointer, 'policy'), message: problem.message } : null,
        status: r === inForce ? ('inForce' as const) : r.effectiveFrom > now ? ('pending' as const) : ('past' as const),
      };
    })
    .sort((a, b) => b.version - a.version);
}

/** `now`, or a moment not in the past; a change never rewrites what residents were shown. */
export type EffectiveFrom = 'now' | Date;

export interface CreatedVersion {
  readonly version: number;
  readonly effectiveFrom: Date;
  readonly changes: readonly ClauseChange[];
}

export interface VersionOptions {
  readonly now?: () => Date;
  readonly note?: string;
}

/** How far in the past a chosen moment may lie and still count as "now" (a form's round trip). */
const CLOCK_SLACK_MS = 60_000;

/**
 * Stores `policy` as the region's next version, effective from `effectiveFrom`, and writes the
 * `rulesChanged` audit entry with the rules before (in force at that moment) and after, in one
 * transaction: the change and the record of who made it never part.
 */
export async function createVersion(
  db: Db,
  actor: AuditActor,
  regionCode: RegionCode,
  candidate: unknown,
  effectiveFrom: EffectiveFrom,
  options: VersionOptions = {},
): Promise<CreatedVersion> {
  const policy = validatePolicy(candidate);
  if (policy.regionCode !== regionCode) {
    throw new JournalenError('INPUT_INVALID', `policy.regionCode must be ${regionCode}, the region being changed`, { field: 'policy.regionCode' });
  }
  const now = (options.now ?? (() => new Date()))();
  const at = effectiveFrom === 'now' ? now : effectiveFrom;
  if (!(at instanceof Date) || !Number.isFinite(at.getTime())) {
    throw new JournalenError('INPUT_INVALID', 'effectiveFrom must be "now" or a valid moment', { field: 'effectiveFrom' });
  }
  if (at.getTime() < now.getTime() - CLOCK_SLACK_MS) {
    throw new JournalenError('INPUT_INVALID', 'effectiveFrom must not be in the past: a change cannot alter what residents were already shown', { field: 'effectiveFrom' });
  }
  const note = options.note?.trim() || null;
  if (note !== null && note.length > 500) throw new JournalenError('INPUT_INVALID', 'note must be at most 500 characters', { field: 'note' });

  try {
    return await db.transaction(async (tx) => {
      // One change per region at a time: the lock orders concurrent changes, so the version
      // numbers follow the order they were made in and "before" is the rules they replaced.
      await tx.execute(sql`select pg_advisory_xact_lock(${REGION_LOCK_BASE}, ${Number(regionCode)})`);
      const [latest] = await tx
        .select({ version: disclosurePolicyVersion.version })
        .from(disclosurePolicyVersion)
        .where(eq(disclosurePolicyVersion.regionCode, regionCode))
        .orderBy(desc(disclosurePolicyVersion.version))
        .limit(1);
      const [beforeRow] = await tx
        .select()
        .from(disclosurePolicyVersion)
        .where(and(eq(disclosurePolicyVersion.regionCode, regionCode), lte(disclosurePolicyVersion.effectiveFrom, at)))
        .orderBy(desc(disclosurePolicyVersion.effectiveFrom), desc(disclosurePolicyVersion.version))
        .limit(1);
      const version = (latest?.version ?? 0) + 1;
      const before = beforeRow ? (beforeRow.policy as DisclosurePolicy) : null;
      const changes = before && policyProblems(before).length === 0 ? diffPolicies(before, policy) : [];
      await tx.insert(disclosurePolicyVersion).values({ regionCode, version, effectiveFrom: at, policy, createdBy: actor.id, note });
      await appendAudit(tx, {
        kind: 'rulesChanged',
        actor,
        details: {
          regionCode,
          regionName: regionOf(regionCode).name,
          version,
          replaces: beforeRow?.version ?? null,
          effectiveFrom: at.toISOString(),
          ...(options.note ? { note } : {}),
          changedClauses: changes.map((c) => c.clause),
          before,
          after: policy,
        },
      });
      return { version, effectiveFrom: at, changes };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new JournalenError('CONFLICT', 'another change to these rules was saved at the same moment; reload and try again');
    throw error;
  }
}

/** A new version carrying an earlier version's rules; the earlier version itself is untouched. */
export async function restoreVersion(
  db: Db,
  actor: AuditActor,
  regionCode: RegionCode,
  version: number,
  effectiveFrom: EffectiveFrom,
  options: VersionOptions = {},
): Promise<CreatedVersion> {
  const [row] = await db
    .select()
    .from(disclosurePolicyVersion)
    .where(and(eq(disclosurePolicyVersion.regionCode, regionCode), eq(disclosurePolicyVersion.version, version)));
  if (!row) throw new JournalenError('NOT_FOUND', `${regionOf(regionCode).name} has no version ${version}`, { field: 'version' });
  if (policyProblems(row.policy).length > 0) {
    throw new JournalenError('INPUT_INVALID', `version ${version} is not a valid policy and cannot be restored`, { field: 'version' });
  }
  return createVersion(db, actor, regionCode, row.policy, effectiveFrom, { ...options, note: options.note ?? `Återställd från version ${version}` });
}

// Distinct from the audit chain's and the migrations' advisory locks (two-key form, region in the second).
const REGION_LOCK_BASE = 73_184;

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
