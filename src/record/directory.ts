import { sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { careProvider, careUnit } from '../db/schema.js';
import type { RegionCode } from '../domain/regions.js';

/**
 * The care directory: which region's rules apply to a care provider, and what the HSA catalogue
 * says about a care unit (specialty, inpatient ward). No RIV-TA contract carries these facts,
 * yet the disclosure rules need them (Skåne's delay for psychiatric inpatient notes). In
 * production the HSA catalogue and the producer connections feed it; in the demo the simulated
 * source systems register their own.
 *
 * Both tables are small (thousands of rows) and read on every record request, so the record
 * service keeps a snapshot and reloads it after `maxAgeMs`.
 */

export interface CareProviderEntry {
  readonly hsaId: string;
  readonly name: string;
  readonly regionCode: RegionCode | null;
}

export interface CareUnitEntry {
  readonly hsaId: string;
  readonly name: string;
  readonly careProviderHsaId: string;
  readonly specialty: string | null;
  readonly inpatient: boolean;
}

export interface CareDirectory {
  provider(hsaId: string | undefined): CareProviderEntry | undefined;
  unit(hsaId: string | undefined): CareUnitEntry | undefined;
}

/** Inserts or updates providers, in one statement. */
export async function upsertCareProviders(db: Db, providers: readonly CareProviderEntry[]): Promise<void> {
  if (providers.length === 0) return;
  await db
    .insert(careProvider)
    .values(providers.map((p) => ({ hsaId: p.hsaId, name: p.name, regionCode: p.regionCode })))
    .onConflictDoUpdate({
      target: careProvider.hsaId,
      set: { name: sql`excluded.name`, regionCode: sql`excluded.region_code`, updatedAt: sql`now()` },
    });
}

/** Inserts or updates units, in batches. */
export async function upsertCareUnits(db: Db, units: readonly CareUnitEntry[]): Promise<void> {
  for (let i = 0; i < units.length; i += 500) {
    await db
      .insert(careUnit)
      .values(units.slice(i, i + 500).map((u) => ({ ...u })))
      .onConflictDoUpdate({
        target: careUnit.hsaId,
        set: {
          name: sql`excluded.name`,
          careProviderHsaId: sql`excluded.care_provider_hsa_id`,
          specialty: sql`excluded.specialty`,
          inpatient: sql`excluded.inpatient`,
          updatedAt: sql`now()`,
        },
      });
  }
}

export async function loadCareDirectory(db: Db): Promise<CareDirectory> {
  const [providers, units] = await Promise.all([db.select().from(careProvider), db.select().from(careUnit)]);
  const byProvider = new Map<string, CareProviderEntry>(
    providers.map((p) => [p.hsaId, { hsaId: p.hsaId, name: p.name, regionCode: p.regionCode as RegionCode | null }]),
  );
  const byUnit = new Map<string, CareUnitEntry>(
    units.map((u) => [u.hsaId, { hsaId: u.hsaId, name: u.name, careProviderHsaId: u.careProviderHsaId, specialty: u.specialty, inpatient: u.inpatient }]),
  );
  return {
    provider: (hsaId) => (hsaId === undefined ? undefined : byProvider.get(hsaId)),
    unit: (hsaId) => (hsaId === undefined ? undefined : byUnit.get(hsaId)),
  };
}

/** A snapshot reloaded when older than `maxAgeMs`; concurrent callers share one reload. */
export function cachedCareDirectory(db: Db, maxAgeMs = 60_000, clock: () => number = () => Date.now()) {
  let current: { at: number; directory: CareDirectory } | undefined;
  let loading: Promise<CareDirectory> | undefined;
  return {
    async get(): Promise<CareDirectory> {
      if (current && clock() - current.at < maxAgeMs) return current.directory;
      loading ??= loadCareDirectory(db)
        .then((directory) => {
          current = { at: clock(), directory };
          return directory;
        })
        .finally(() => {
          loading = undefined;
        });
      return loading;
    },
    /** Forget the snapshot (after an edit). */
    invalidate(): void {
      current = undefined;
    },
  };
}
