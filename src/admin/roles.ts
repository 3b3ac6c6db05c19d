import { and, asc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { appendAudit, type AuditActor } from '../audit/index.js';
import type { Db } from '../db/connection.js';
import { ADMIN_ROLES, adminRole, type AdminRole } from '../db/schema.js';
import { parsePersonalIdentity } from '../domain/identifiers/index.js';
import { isRegionCode, type RegionCode } from '../domain/regions.js';
import { JournalenError } from '../errors/index.js';
import { requireSession } from '../web/auth.js';

/**
 * Administrators' roles and the one check every admin page and action goes through. A resident
 * without a role never reaches an admin page: the answer is FORBIDDEN, whatever the page.
 *
 * - operator: everything, nationally;
 * - careProviderAdmin: read and change one region's rules and connections;
 * - auditor: read everything, change nothing.
 */

export { ADMIN_ROLES, type AdminRole } from '../db/schema.js';

export interface AdminGrant {
  readonly role: AdminRole;
  readonly regionCode: RegionCode | null;
}

export interface AdminContext {
  readonly personnummer: string;
  readonly name: string | null;
  readonly grants: readonly AdminGrant[];
  /** For audit entries: who did it. */
  readonly actor: AuditActor;
}

export async function rolesOf(db: Db, personnummer: string): Promise<AdminGrant[]> {
  const rows = await db.select().from(adminRole).where(eq(adminRole.personnummer, personnummer));
  return rows.map((r) => ({ role: r.role, regionCode: r.regionCode as RegionCode | null }));
}

// Differs from the audit chain's and the migrations' locks (src/audit/log.ts, src/db/connection.ts).
const GRANT_LOCK_KEY = 7_318_402_553;

/** One stored grant, as `admin list` shows it. */
export interface AdminGrantRecord extends AdminGrant {
  readonly personnummer: string;
  /** The audit actor id of whoever gave it (`cli:<user>`, a personnummer, `journalen`). */
  readonly grantedBy: string;
  readonly grantedAt: Date;
}

/**
 * Gives `grant` to a person; true when it was new, false when they already held it (nothing is
 * written then). The grant and its audit entry (naming the person as subject) commit together.
 * The personnummer must be the normalized 12 digits: administrators log in with the e-ID, so
 * nothing else could ever use the role.
 */
export async function grantRole(db: Db, actor: AuditActor, grant: AdminGrant & { readonly personnummer: string }): Promise<boolean> {
  checkGrant(grant);
  return db.transaction(async (tx) => {
    // The table's unique constraint treats a null region as distinct from every other, so it does
    // not stop a second operator grant; two grants at once are serialised here instead.
    await tx.execute(sql`select pg_advisory_xact_lock(${GRANT_LOCK_KEY})`);
    const held = await tx
      .select({ id: adminRole.id })
      .from(adminRole)
      .where(and(eq(adminRole.personnummer, grant.personnummer), eq(adminRole.role, grant.role), grant.regionCode === null ? isNull(adminRole.regionCode) : eq(adminRole.regionCode, grant.regionCode)))
      .limit(1);
    if (held.length > 0) return false;
    const inserted = await tx
      .insert(adminRole)
      .values({ personnummer: grant.personnummer, role: grant.role, regionCode: grant.regionCode, grantedBy: actor.id })
      .onConflictDoNothing()
      .returning({ id: adminRole.id });
    if (inserted.length === 0) return false;
    await appendAudit(tx, { kind: 'adminAction', actor, subject: grant.personnummer, details: { action: 'roleGranted', role: grant.role, regionCode: grant.regionCode } });
    return true;
  });
}

/**
 * Takes a person's grants away: all of them, or those of `role` and/or `regionCode` (a region
 * narrows to care provider administrators of that region). Returns what was removed, each with
 * its own audit entry in the same transaction; empty when nothing matched.
 */
export async function revokeRoles(
  db: Db,
  actor: AuditActor,
  which: { readonly personnummer: string; readonly role?: AdminRole; readonly regionCode?: RegionCode },
): Promise<AdminGrant[]> {
  checkPersonnummer(which.personnummer);
  if (which.regionCode !== undefined && !isRegionCode(which.regionCode)) {
    throw new JournalenError('INPUT_INVALID', 'regionCode: not one of the 21 county codes', { field: 'regionCode' });
  }
  const conditions: SQL[] = [eq(adminRole.personnummer, which.personnummer)];
  if (which.role !== undefined) conditions.push(eq(adminRole.role, which.role));
  if (which.regionCode !== undefined) conditions.push(eq(adminRole.regionCode, which.regionCode));
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(adminRole)
      .where(and(...conditions))
      .returning({ role: adminRole.role, regionCode: adminRole.regionCode });
    const grants = removed
      .map((r) => ({ role: r.role, regionCode: r.regionCode as RegionCode | null }))
      .sort((a, b) => compareGrants(a, b));
    for (const g of grants) {
      await appendAudit(tx, { kind: 'adminAction', actor, subject: which.personnummer, details: { action: 'roleRevoked', role: g.role, regionCode: g.regionCode } });
    }
    return grants;
  });
}

/** Every grant, oldest first. */
export async function listGrants(db: Db): Promise<AdminGrantRecord[]> {
  const rows = await db.select().from(adminRole).orderBy(asc(adminRole.grantedAt), asc(adminRole.id));
  return rows.map((r) => ({ personnummer: r.personnummer, role: r.role, regionCode: r.regionCode as RegionCode | null, grantedBy: r.grantedBy, grantedAt: r.grantedAt }));
}

/** By role, then region: a stable order for messages. */
function compareGrants(a: AdminGrant, b: AdminGrant): number {
  return a.role.localeCompare(b.role) || (a.regionCode ?? '').localeCompare(b.regionCode ?? '');
}

function checkGrant(grant: AdminGrant & { readonly personnummer: string }): void {
  checkPersonnummer(grant.personnummer);
  if (!(ADMIN_ROLES as readonly string[]).includes(grant.role)) {
    throw new JournalenError('INPUT_INVALID', `role: must be one of ${ADMIN_ROLES.join(', ')}`, { field: 'role' });
  }
  if ((grant.role === 'careProviderAdmin') !== (grant.regionCode !== null)) {
    throw new JournalenError('INPUT_INVALID', 'regionCode: a care provider administrator needs a region, the other roles none', { field: 'regionCode' });
  }
  if (grant.regionCode !== null && !isRegionCode(grant.regionCode)) {
    throw new JournalenError('INPUT_INVALID', 'regionCode: not one of the 21 county codes', { field: 'regionCode' });
  }
}

/** A normalized personnummer (a samordningsnummer cannot log in, so cannot administer). */
function checkPersonnummer(value: string): void {
  const identity = parsePersonalIdentity(value, { field: 'personnummer' });
  if (identity.normalized !== value) {
    throw new JournalenError('INPUT_INVALID', 'personnummer: must be the normalized 12 digits, YYYYMMDDNNNC', { field: 'personnummer' });
  }
  if (identity.kind !== 'personnummer') {
    throw new JournalenError('INPUT_INVALID', 'personnummer: a samordningsnummer cannot log in with the e-ID, so cannot be an administrator', { field: 'personnummer' });
  }
}

export type AdminNeed =
  | { readonly action: 'read'; readonly regionCode?: RegionCode | null }
  | { readonly action: 'write'; readonly regionCode?: RegionCode | null };

/**
 * May these grants do this? `regionCode` undefined means "national" (the whole registry,
 * statistics, onboarding of any producer): operators, and auditors for reading.
 */
export function allows(grants: readonly AdminGrant[], need: AdminNeed): boolean {
  return grants.some((g) => {
    switch (g.role) {
      case 'operator':
        return true;
      case 'auditor':
        return need.action === 'read';
      case 'careProviderAdmin':
        return need.regionCode !== undefined && need.regionCode !== null && need.regionCode === g.regionCode;
    }
  });
}

/** The logged-in administrator allowed `need`, or UNAUTHENTICATED / FORBIDDEN. */
export async function requireAdmin(request: FastifyRequest, db: Db, need: AdminNeed): Promise<AdminContext> {
  const session = requireSession(request);
  const grants = await rolesOf(db, session.personnummer);
  if (grants.length === 0) throw new JournalenError('FORBIDDEN', 'this page is for administrators of Journalen');
  if (!allows(grants, need)) throw new JournalenError('FORBIDDEN', 'your role does not allow this');
  const name = session.data.name ?? null;
  return { personnummer: session.personnummer, name, grants, actor: { id: session.personnummer, role: 'administrator', name } };
}

/** Regions a context may act on for `action` (all 21 for operators; auditors read all). */
export function regionsAllowed(grants: readonly AdminGrant[], action: 'read' | 'write'): 'all' | RegionCode[] {
  if (grants.some((g) => g.role === 'operator' || (g.role === 'auditor' && action === 'read'))) return 'all';
  return grants.filter((g) => g.role === 'careProviderAdmin' && g.regionCode !== null).map((g) => g.regionCode!);
}
