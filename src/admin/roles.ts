import { eq, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { appendAudit, type AuditActor } from '../audit/index.js';
import type { Db } from '../db/connection.js';
import { adminRole, type AdminRole } from '../db/schema.js';
import { ageOn } from '../domain/identifiers/index.js';
import type { RegionCode } from '../domain/regions.js';
import { SPECIAL_INDEXES, type Population } from '../simulators/population.js';
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

export async function grantRole(db: Db, actor: AuditActor, grant: AdminGrant & { readonly personnummer: string }): Promise<void> {
  if ((grant.role === 'careProviderAdmin') !== (grant.regionCode !== null)) {
    throw new JournalenError('INPUT_INVALID', 'regionCode: a care provider administrator needs a region, the other roles none', { field: 'regionCode' });
  }
  await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(adminRole)
      .values({ personnummer: grant.personnummer, role: grant.role, regionCode: grant.regionCode, grantedBy: actor.id })
      .onConflictDoNothing()
      .returning({ id: adminRole.id });
    if (inserted.length > 0) {
      await appendAudit(tx, { kind: 'adminAction', actor, details: { action: 'roleGranted', role: grant.role, regionCode: grant.regionCode } });
    }
  });
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

export const DEMO_ADMIN_REGION: RegionCode = '12';
const DEMO_ROLES = ['operator', 'careProviderAdmin', 'auditor'] as const;

/**
 * The demo's administrators: the first three adults of the synthetic population after the
 * special cases (an administrator logs in like anyone, so must be 16 or older and alive).
 */
export function demoAdmins(population: Pick<Population, 'size' | 'residentAt'>, today = new Date()): { role: AdminRole; index: number; personnummer: string }[] {
  const out: { role: AdminRole; index: number; personnummer: string }[] = [];
  for (let i = Math.max(...Object.values(SPECIAL_INDEXES)) + 1; i < population.size && out.length < DEMO_ROLES.length; i++) {
    const r = population.residentAt(i);
    if (r.idKind !== 'personnummer' || r.deceasedOn !== undefined || r.protectedIdentity || ageOn(r, today) < 18) continue;
    out.push({ role: DEMO_ROLES[out.length]!, index: i, personnummer: r.personnummer });
  }
  return out;
}

/** The demo administrator with `role` (tests and the demo login list). */
export function demoAdminNumber(population: Pick<Population, 'size' | 'residentAt'>, role: AdminRole): string {
  const found = demoAdmins(population).find((a) => a.role === role);
  if (!found) throw new JournalenError('NOT_FOUND', `the population has no adult for the demo ${role}`);
  return found.personnummer;
}

export async function seedDemoAdmins(db: Db, population: Pick<Population, 'size' | 'residentAt'>): Promise<void> {
  const system: AuditActor = { id: 'journalen', role: 'system', name: 'Journalen (demo)' };
  const existing = await db.select({ n: sql<number>`count(*)::int` }).from(adminRole);
  if ((existing[0]?.n ?? 0) > 0) return;
  for (const admin of demoAdmins(population)) {
    await grantRole(db, system, { personnummer: admin.personnummer, role: admin.role, regionCode: admin.role === 'careProviderAdmin' ? DEMO_ADMIN_REGION : null });
  }
}
