import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/connection.js';
import { careProvider, careUnit } from '../db/schema.js';
import type { RegionCode } from '../domain/regions.js';

/**
 * The care directory: which region's rules apply to a care provider, and what the HSA catalogue
 * says about a care unit (specialty, inpatient ward). No RIV-TA contract carries these facts,
 * yet the disclosure rules need them (Skåne's delay for psychiatric inpatient notes).
 *
 * Both tables are small (thousands of rows) and read on every record request, so the record
 * service keeps a snapshot and reloads it after `maxAgeMs`. In the demo the simulated source
 * systems fill the tables; in production an HSA lookup (the national HSA directory) fills them on
 * first sight: a unit or provider an item names that the tables do not have, or had for longer
 * than `refreshAfterMs`, is looked up, stored for every process, and used at once.
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

/** The providers and units a record's items name, which the directory must know. */
export interface DirectoryNeed {
  readonly providers: readonly string[];
  readonly units: readonly string[];
}

/** A unit as the HSA directory describes it: the entry, and the county it is in (not stored). */
export interface HsaCareUnit extends CareUnitEntry {
  /** The region of the county (länskod) the unit is in; how a private provider's region is found. */
  readonly countyRegion?: RegionCode;
}

/**
 * Looks units and providers up in the HSA directory. Not in the directory: undefined. The
 * directory did not answer or answered wrongly: throws (JOURNALEN_DIRECTORY_UNAVAILABLE).
 */
export interface HsaLookup {
  unit(hsaId: string): Promise<HsaCareUnit | undefined>;
  /** `regionCode` is set for a region; a private provider comes back with null (its units' county decides). */
  provider(hsaId: string): Promise<CareProviderEntry | undefined>;
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
      .values(
        units.slice(i, i + 500).map((u) => ({
          hsaId: u.hsaId,
          name: u.name,
          careProviderHsaId: u.careProviderHsaId,
          specialty: u.specialty,
          inpatient: u.inpatient,
        })),
      )
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

/** The tables' rows, with when each was last written (for the refresh). */
interface Snapshot {
  readonly providers: Map<string, { entry: CareProviderEntry; updatedAt: number }>;
  readonly units: Map<string, { entry: CareUnitEntry; updatedAt: number }>;
}

const providerEntry = (p: typeof careProvider.$inferSelect): CareProviderEntry => ({ hsaId: p.hsaId, name: p.name, regionCode: p.regionCode as RegionCode | null });
const unitEntry = (u: typeof careUnit.$inferSelect): CareUnitEntry => ({
  hsaId: u.hsaId,
  name: u.name,
  careProviderHsaId: u.careProviderHsaId,
  specialty: u.specialty,
  inpatient: u.inpatient,
});

async function loadSnapshot(db: Db): Promise<Snapshot> {
  const [providers, units] = await Promise.all([db.select().from(careProvider), db.select().from(careUnit)]);
  return {
    providers: new Map(providers.map((p) => [p.hsaId, { entry: providerEntry(p), updatedAt: p.updatedAt.getTime() }])),
    units: new Map(units.map((u) => [u.hsaId, { entry: unitEntry(u), updatedAt: u.updatedAt.getTime() }])),
  };
}

const viewOf = (snapshot: Snapshot): CareDirectory => ({
  provider: (hsaId) => (hsaId === undefined ? undefined : snapshot.providers.get(hsaId)?.entry),
  unit: (hsaId) => (hsaId === undefined ? undefined : snapshot.units.get(hsaId)?.entry),
});

export async function loadCareDirectory(db: Db): Promise<CareDirectory> {
  return viewOf(await loadSnapshot(db));
}

export interface CachedCareDirectoryOptions {
  /** Reload the tables when the snapshot is older than this; default one minute. */
  readonly maxAgeMs?: number;
  /** The HSA directory; without it, the tables are all there is (the demo, tests). */
  readonly lookup?: HsaLookup;
  /** Look an entry up again when the tables have had it this long; default 24 hours. */
  readonly refreshAfterMs?: number;
  /** A unit or provider HSA does not have is not asked about again for this long; default 10 minutes. */
  readonly notFoundForMs?: number;
  /** HSA calls in flight at once, per process; default 4. */
  readonly maxConcurrentLookups?: number;
  readonly logger?: Logger;
  readonly clock?: () => number;
}

export interface CachedCareDirectory {
  /** The directory, with what `need` names looked up first where the tables lack it (with a lookup). */
  get(need?: DirectoryNeed): Promise<CareDirectory>;
  /** Forget the snapshot (after an edit). */
  invalidate(): void;
}

/**
 * A snapshot reloaded when older than `maxAgeMs` (concurrent callers share one reload), and,
 * with an HSA lookup, the unknown looked up on first sight:
 *
 * - ids in `need` missing from the snapshot, or older than `refreshAfterMs`, are looked up in
 *   parallel (at most `maxConcurrentLookups` calls at once; concurrent reads asking for one id
 *   share its call), stored in the tables (so every process has them) and included;
 * - a unit's provider is looked up with it when unknown. A region gets its own county's rules;
 *   a private provider (HSA gives it no region) the rules of the county its unit is in;
 * - not in HSA: remembered for `notFoundForMs`, so one unknown id is not asked on every read;
 *   a provider stored without a region is asked again after that long, not after a day;
 * - HSA failing: logged, not remembered; the entry is left out (its items are not shown, as
 *   before) or, when only a refresh failed, the stored entry is used. The next read asks again.
 */
export function cachedCareDirectory(db: Db, options: CachedCareDirectoryOptions = {}): CachedCareDirectory {
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const refreshAfterMs = options.refreshAfterMs ?? 24 * 60 * 60 * 1000;
  const notFoundForMs = options.notFoundForMs ?? 10 * 60 * 1000;
  const clock = options.clock ?? (() => Date.now());
  const lookup = options.lookup;
  const limit = concurrencyLimit(options.maxConcurrentLookups ?? 4);

  let current: { at: number; snapshot: Snapshot } | undefined;
  let loading: Promise<Snapshot> | undefined;
  const notFound = new Map<string, number>();
  const unitCalls = new Map<string, Promise<HsaCareUnit | undefined | Failed>>();
  const providerCalls = new Map<string, Promise<CareProviderEntry | undefined | Failed>>();

  async function snapshot(): Promise<Snapshot> {
    if (current && clock() - current.at < maxAgeMs) return current.snapshot;
    loading ??= loadSnapshot(db)
      .then((loaded) => {
        current = { at: clock(), snapshot: loaded };
        return loaded;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  }

  const knownMissing = (key: string) => {
    const until = notFound.get(key);
    if (until === undefined) return false;
    if (until > clock()) return true;
    notFound.delete(key);
    return false;
  };

  /** One call per id at a time, whoever asks; failures become a value (logged once, here). */
  function shared<T>(calls: Map<string, Promise<T | undefined | Failed>>, kind: 'unit' | 'provider', hsaId: string, call: () => Promise<T | undefined>) {
    let pending = calls.get(hsaId);
    if (!pending) {
      pending = limit(call)
        .then((found) => {
          if (found === undefined) notFound.set(`${kind}:${hsaId}`, clock() + notFoundForMs);
          return found;
        })
        .catch((error: unknown): Failed => {
          options.logger?.warn({ hsaId, kind, err: reasonOf(error) }, 'HSA lookup failed; items of this care unit or provider are left out for now');
          return FAILED;
        })
        .finally(() => calls.delete(hsaId));
      calls.set(hsaId, pending);
    }
    return pending;
  }

  const needsLookup = (entry: { updatedAt: number } | undefined, key: string) =>
    !knownMissing(key) && (entry === undefined || clock() - entry.updatedAt >= refreshAfterMs);

  async function resolve(base: Snapshot, need: DirectoryNeed): Promise<Snapshot> {
    if (!lookup) return base;
    const unitIds = [...new Set(need.units)].filter((id) => id !== '' && needsLookup(base.units.get(id), `unit:${id}`));
    // A provider stored without a region hides its items: it is asked again sooner.
    const providerWanted = (id: string) => {
      const stored = base.providers.get(id);
      const stale = stored !== undefined && stored.entry.regionCode === null && clock() - stored.updatedAt >= notFoundForMs;
      return id !== '' && (stale ? !knownMissing(`provider:${id}`) : needsLookup(stored, `provider:${id}`));
    };
    const askProvider = (id: string) => shared(providerCalls, 'provider', id, () => lookup.provider(id));
    // The providers the items name are asked for alongside their units.
    const early = new Map([...new Set(need.providers)].filter(providerWanted).map((id) => [id, askProvider(id)]));
    const foundUnits = (await Promise.all(unitIds.map((id) => shared(unitCalls, 'unit', id, () => lookup.unit(id))))).filter(
      (u): u is HsaCareUnit => u !== undefined && u !== FAILED,
    );
    // Then the providers of the units just found that the tables lack or had too long.
    for (const id of new Set(foundUnits.map((u) => u.careProviderHsaId))) if (!early.has(id) && providerWanted(id)) early.set(id, askProvider(id));
    const found = (await Promise.all(early.values())).filter((p): p is CareProviderEntry => p !== undefined && p !== FAILED);

    // A private provider (HSA gives it no region) gets the rules of the county where it gave the
    // care: the seeds' rules are per county. One region per provider: one in several counties
    // keeps the first county it was seen in. Its unit's county comes from a unit just looked up,
    // or else one of the needed units the tables place under it is looked up for it.
    const countyOf = async (providerId: string): Promise<RegionCode | null> => {
      const seen = foundUnits.find((u) => u.careProviderHsaId === providerId && u.countyRegion !== undefined)?.countyRegion;
      if (seen !== undefined) return seen;
      const unitId = need.units.find((id) => base.units.get(id)?.entry.careProviderHsaId === providerId);
      if (unitId === undefined) return null;
      const unit = await shared(unitCalls, 'unit', unitId, () => lookup.unit(unitId));
      return unit !== undefined && unit !== FAILED && unit.careProviderHsaId === providerId ? (unit.countyRegion ?? null) : null;
    };
    const foundProviders = await Promise.all(
      found.map(async (p): Promise<CareProviderEntry> => {
        if (p.regionCode !== null) return p;
        const stored = base.providers.get(p.hsaId)?.entry.regionCode ?? null;
        return { ...p, regionCode: stored ?? (await countyOf(p.hsaId)) };
      }),
    );
    if (foundUnits.length === 0 && foundProviders.length === 0) return base;

    const storedUnits = foundUnits.map(({ countyRegion: _county, ...entry }) => entry);
    try {
      await upsertCareProviders(db, foundProviders);
      await upsertCareUnits(db, storedUnits);
    } catch (error) {
      // Not stored: still used for this read, and asked again when the snapshot is reloaded.
      options.logger?.warn({ err: reasonOf(error) }, 'care directory entries from HSA could not be stored');
    }
    const at = clock();
    const next: Snapshot = { providers: new Map(base.providers), units: new Map(base.units) };
    for (const p of foundProviders) next.providers.set(p.hsaId, { entry: p, updatedAt: at });
    for (const u of storedUnits) next.units.set(u.hsaId, { entry: u, updatedAt: at });
    // Later reads of this process see them without a reload.
    if (current?.snapshot === base) current = { at: current.at, snapshot: next };
    return next;
  }

  return {
    async get(need?: DirectoryNeed): Promise<CareDirectory> {
      const base = await snapshot();
      return viewOf(need ? await resolve(base, need) : base);
    },
    invalidate(): void {
      current = undefined;
    },
  };
}

/** The providers and units a set of items name. */
export function needOf(items: Iterable<{ readonly careGiver: { readonly hsaId?: string }; readonly careUnit: { readonly hsaId?: string }; readonly careUnitHsaId?: string }>): DirectoryNeed {
  const providers = new Set<string>();
  const units = new Set<string>();
  for (const item of items) {
    if (item.careGiver.hsaId) providers.add(item.careGiver.hsaId);
    const unit = item.careUnitHsaId ?? item.careUnit.hsaId;
    if (unit) units.add(unit);
  }
  return { providers: [...providers], units: [...units] };
}

const FAILED = Symbol('lookup failed');
type Failed = typeof FAILED;

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Runs at most `max` of the given calls at once; the rest wait in order. */
function concurrencyLimit(max: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(call: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await call();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
