import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { ehrSystem, region, regionSystem, type RegistryCareLevel } from '../db/schema.js';
import { EHR_SYSTEMS } from '../domain/ehr-systems.js';
import { REGIONS } from '../domain/regions.js';

/**
 * The journal systems registry in the database. The reference data in src/domain is only the
 * starting point: operators edit the registry afterwards, and seeding never overwrites that.
 */

export type EhrSystemRow = typeof ehrSystem.$inferSelect;

export interface SystemRef {
  readonly id: string;
  readonly name: string;
}

export interface RegionWithSystems {
  /** Two-digit SCB county code. */
  readonly code: string;
  readonly name: string;
  readonly countyName: string;
  /** Null only if the row is missing (an operator removed it). */
  readonly primary: SystemRef | null;
  readonly hospital: SystemRef | null;
  /** Null where no decision has been made. */
  readonly planned: SystemRef | null;
}

export interface SeedResult {
  /** Rows inserted by this call; all zero when everything was already there. */
  readonly systems: number;
  readonly regions: number;
  readonly regionSystems: number;
}

/**
 * Inserts the reference data where absent, in one transaction. Existing rows are left exactly as
 * they are (ON CONFLICT DO NOTHING), so it is safe on every start and from several processes.
 * A row an operator deleted does come back; set a system to null rather than delete a row.
 */
export async function seedRegistry(db: Db): Promise<SeedResult> {
  return db.transaction(async (tx) => {
    const systems = await tx
      .insert(ehrSystem)
      .values(
        EHR_SYSTEMS.map((s) => ({
          id: s.id,
          name: s.name,
          fullName: s.fullName ?? null,
          vendor: s.vendor,
          careLevels: [...s.careLevels],
          careLevelNote: s.careLevelNote ?? null,
          usedIn: s.usedIn,
          history: s.history ?? null,
          sameAs: s.sameAs ?? null,
          sources: s.sources,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: ehrSystem.id });

    const regions = await tx
      .insert(region)
      .values(REGIONS.map((r) => ({ code: r.code, name: r.name, countyName: r.countyName, source: r.source })))
      .onConflictDoNothing()
      .returning({ code: region.code });

    const regionSystems = await tx
      .insert(regionSystem)
      .values(
        REGIONS.flatMap((r) =>
          (
            [
              ['primary', r.primaryCare],
              ['hospital', r.hospitalCare],
              ['planned', r.planned],
            ] as const
          ).map(([careLevel, systemId]) => ({ regionCode: r.code, careLevel, systemId, source: r.source })),
        ),
      )
      .onConflictDoNothing()
      .returning({ regionCode: regionSystem.regionCode });

    return { systems: systems.length, regions: regions.length, regionSystems: regionSystems.length };
  });
}

/** Regions by code, each with its primary, hospital and planned system; one query. */
export async function listRegionsWithSystems(db: Db): Promise<RegionWithSystems[]> {
  const rows = await db
    .select({
      code: region.code,
      name: region.name,
      countyName: region.countyName,
      careLevel: regionSystem.careLevel,
      systemId: ehrSystem.id,
      systemName: ehrSystem.name,
    })
    .from(region)
    .leftJoin(regionSystem, eq(regionSystem.regionCode, region.code))
    .leftJoin(ehrSystem, eq(ehrSystem.id, regionSystem.systemId))
    .orderBy(asc(region.code));

  // Rows come ordered by code, so consecutive rows of one region fold into one entry.
  const result: { code: string; name: string; countyName: string; systems: Map<RegistryCareLevel, SystemRef> }[] = [];
  for (const row of rows) {
    let current = result.at(-1);
    if (current?.code !== row.code) {
      current = { code: row.code, name: row.name, countyName: row.countyName, systems: new Map() };
      result.push(current);
    }
    if (row.careLevel !== null && row.systemId !== null && row.systemName !== null) {
      current.systems.set(row.careLevel, { id: row.systemId, name: row.systemName });
    }
  }
  return result.map(({ systems, ...r }) => ({
    ...r,
    primary: systems.get('primary') ?? null,
    hospital: systems.get('hospital') ?? null,
    planned: systems.get('planned') ?? null,
  }));
}

/** By id: ids are ASCII, so the order is the same under every collation (sort names with Intl for display). */
export async function listEhrSystems(db: Db): Promise<EhrSystemRow[]> {
  return db.select().from(ehrSystem).orderBy(asc(ehrSystem.id));
}
