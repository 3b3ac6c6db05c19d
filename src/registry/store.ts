import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { appendAudit, type AuditActor } from '../audit/index.js';
import type { Db } from '../db/connection.js';
import { ehrSystem, producerConnection, region, REGISTRY_CARE_LEVELS, registryChangeConnection, regionSystem, type OperatorSource, type RegistryCareLevel } from '../db/schema.js';
import { EHR_SYSTEMS } from '../domain/ehr-systems.js';
import { isRegionCode, REGIONS } from '../domain/regions.js';
import { JournalenError } from '../errors/index.js';

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

// ---- Operators' edits ---------------------------------------------------------------------------

export interface RegionSystemEdit {
  readonly regionCode: string;
  readonly careLevel: RegistryCareLevel;
  /** Null only for 'planned': no decision. */
  readonly systemId: string | null;
  /** Why, stored as the row's OperatorSource. */
  readonly note: string;
  /** For a planned change: the producer connections it needs (replaces the earlier list). */
  readonly connectionIds?: readonly number[];
}

/**
 * Sets the system a region uses (or plans) at one care level, with the operator's note as its
 * source; the public map reads it at once. Audited with before and after, in one transaction.
 */
export async function setRegionSystem(db: Db, actor: AuditActor, edit: RegionSystemEdit): Promise<void> {
  const errors: { field: string; message: string }[] = [];
  if (!isRegionCode(edit.regionCode)) errors.push({ field: 'regionCode', message: 'must be the county code of one of the 21 regions' });
  if (!(REGISTRY_CARE_LEVELS as readonly string[]).includes(edit.careLevel)) errors.push({ field: 'careLevel', message: `must be one of ${REGISTRY_CARE_LEVELS.join(', ')}` });
  const note = (edit.note ?? '').trim();
  if (note === '' || note.length > 500) errors.push({ field: 'note', message: 'say where the change comes from (a decision, a procurement), at most 500 characters' });
  if (edit.systemId === null && edit.careLevel !== 'planned') errors.push({ field: 'systemId', message: 'a region always has a system in use; only the plan may be undecided' });
  if (edit.systemId !== null && (await db.select({ id: ehrSystem.id }).from(ehrSystem).where(eq(ehrSystem.id, edit.systemId))).length === 0) {
    errors.push({ field: 'systemId', message: 'is not a system of the catalogue' });
  }
  const connectionIds = [...new Set(edit.connectionIds ?? [])];
  if (connectionIds.length > 0 && edit.careLevel !== 'planned') errors.push({ field: 'connectionIds', message: 'only a planned change is tied to producer connections' });
  if (connectionIds.length > 0) {
    const found = await db.select({ id: producerConnection.id }).from(producerConnection).where(inArray(producerConnection.id, connectionIds));
    if (found.length !== connectionIds.length) errors.push({ field: 'connectionIds', message: 'names a producer connection that does not exist' });
  }
  if (errors.length > 0) throw new JournalenError('INPUT_INVALID', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { field: errors[0]!.field, errors });

  await db.transaction(async (tx) => {
    const key = and(eq(regionSystem.regionCode, edit.regionCode), eq(regionSystem.careLevel, edit.careLevel));
    const [before] = await tx.select().from(regionSystem).where(key).for('update');
    const source: OperatorSource = { note };
    await tx
      .insert(regionSystem)
      .values({ regionCode: edit.regionCode, careLevel: edit.careLevel, systemId: edit.systemId, source, updatedBy: actor.id })
      .onConflictDoUpdate({ target: [regionSystem.regionCode, regionSystem.careLevel], set: { systemId: edit.systemId, source, updatedBy: actor.id, updatedAt: sql`now()` } });
    const linkKey = and(eq(registryChangeConnection.regionCode, edit.regionCode), eq(registryChangeConnection.careLevel, edit.careLevel));
    const beforeLinks = (await tx.select({ id: registryChangeConnection.connectionId }).from(registryChangeConnection).where(linkKey)).map((r) => r.id);
    if (edit.careLevel === 'planned') {
      await tx.delete(registryChangeConnection).where(linkKey);
      if (connectionIds.length > 0) await tx.insert(registryChangeConnection).values(connectionIds.map((connectionId) => ({ regionCode: edit.regionCode, careLevel: edit.careLevel, connectionId })));
    }
    await appendAudit(tx, {
      kind: 'adminAction',
      actor,
      details: {
        action: 'registryChanged',
        regionCode: edit.regionCode,
        careLevel: edit.careLevel,
        before: { systemId: before?.systemId ?? null, connectionIds: beforeLinks },
        after: { systemId: edit.systemId, note, connectionIds: edit.careLevel === 'planned' ? connectionIds : beforeLinks },
      },
    });
  });
}

/** The producer connections each planned change needs, keyed by region code. */
export async function plannedChangeConnections(db: Db): Promise<Map<string, number[]>> {
  const rows = await db.select().from(registryChangeConnection).where(eq(registryChangeConnection.careLevel, 'planned')).orderBy(asc(registryChangeConnection.connectionId));
  const byRegion = new Map<string, number[]>();
  for (const r of rows) byRegion.set(r.regionCode, [...(byRegion.get(r.regionCode) ?? []), r.connectionId]);
  return byRegion;
}

/** The operator's note on each edited row, keyed `region|careLevel`. */
export async function registryNotes(db: Db): Promise<Map<string, { note: string; updatedAt: Date }>> {
  const rows = await db.select().from(regionSystem).where(isNotNull(regionSystem.updatedBy));
  return new Map(rows.flatMap((r) => ('note' in r.source ? [[`${r.regionCode}|${r.careLevel}`, { note: r.source.note, updatedAt: r.updatedAt }] as const] : [])));
}
