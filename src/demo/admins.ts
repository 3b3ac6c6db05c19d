import { sql } from 'drizzle-orm';
import { grantRole, type AdminRole } from '../admin/roles.js';
import type { AuditActor } from '../audit/index.js';
import type { Db } from '../db/connection.js';
import { adminRole } from '../db/schema.js';
import { ageOn } from '../domain/identifiers/index.js';
import type { RegionCode } from '../domain/regions.js';
import { JournalenError } from '../errors/index.js';
import { SPECIAL_INDEXES, type Population } from '../simulators/population.js';

/**
 * The demo's administrators, taken from the synthetic population. Only the demo seeds them; in
 * production the first administrator is granted with `journalen admin grant`.
 */

/** The region of the demo's care provider administrator (Region Skåne). */
export const DEMO_ADMIN_REGION: RegionCode = '12';
const DEMO_ROLES = ['operator', 'careProviderAdmin', 'auditor'] as const;

/**
 * The first three adults of the synthetic population after the special cases (an administrator
 * logs in like anyone, so must be 16 or older and alive).
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

/** Grants the demo administrators their roles, unless someone already administers this database. */
export async function seedDemoAdmins(db: Db, population: Pick<Population, 'size' | 'residentAt'>): Promise<void> {
  const system: AuditActor = { id: 'journalen', role: 'system', name: 'Journalen (demo)' };
  const existing = await db.select({ n: sql<number>`count(*)::int` }).from(adminRole);
  if ((existing[0]?.n ?? 0) > 0) return;
  for (const admin of demoAdmins(population)) {
    await grantRole(db, system, { personnummer: admin.personnummer, role: admin.role, regionCode: admin.role === 'careProviderAdmin' ? DEMO_ADMIN_REGION : null });
  }
}
