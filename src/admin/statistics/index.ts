import { sql, type SQL } from 'drizzle-orm';
import type { SourceStatus } from '../../aggregation/fetch-record.js';
import type { Db } from '../../db/connection.js';
import { producerCall } from '../../db/schema.js';
import { fromSwedishWallClock, parseIsoDate, swedishDate } from '../../domain/time.js';
import { inputInvalid } from '../../errors/index.js';

/**
 * Statistics for the operator: logins and unique users per month, record views per information
 * type and per region, producer availability and latency. Planned for the seed's scale (over two
 * million users, a million logins a month): everything is a GROUP BY in the database over an
 * indexed range, and only the grouped rows (months, days × regions, sources) come back to
 * JavaScript.
 *
 * - logins and reads: `audit_entry_kind_at_idx` (kind, at) turns each query into a range scan of
 *   one kind and period. At a million logins a month a year is ~12 M index entries; the next
 *   step, when that is too slow, is a monthly partition of audit_entry or a nightly rollup table,
 *   neither of which changes these functions' results.
 * - producer calls: `producer_call` holds one row per day × logical address × contract with a
 *   latency histogram, so its size grows with days, not calls; its primary key (day, ...) serves
 *   the range.
 *
 * Counts of people's actions below 5 are suppressed (null; "färre än 5") per region and day, and
 * per month and information type, so that no figure points to a person.
 */

export const SUPPRESS_BELOW = 5;

/** A count as shown: null when it is 1-4 (suppressed). */
export type ShownCount = number | null;
export const suppress = (n: number): ShownCount => (n > 0 && n < SUPPRESS_BELOW ? null : n);

export interface StatisticsRange {
  /** Swedish calendar dates, inclusive. */
  readonly from: string;
  readonly to: string;
}

/** The last twelve months up to today, whole months. */
export function defaultRange(now: Date): StatisticsRange {
  const today = swedishDate(now);
  const [y, m] = today.split('-').map(Number) as [number, number];
  const start = new Date(Date.UTC(y, m - 12, 1));
  return { from: `${start.getUTCFullYear()}-${String(start.getUTCMonth() + 1).padStart(2, '0')}-01`, to: today };
}

export function checkRange(range: { from?: string | undefined; to?: string | undefined }, now: Date): StatisticsRange {
  const fallback = defaultRange(now);
  const from = range.from || fallback.from;
  const to = range.to || fallback.to;
  if (parseIsoDate(from) === null) throw inputInvalid('from', 'must be a date YYYY-MM-DD');
  if (parseIsoDate(to) === null) throw inputInvalid('to', 'must be a date YYYY-MM-DD');
  if (from > to) throw inputInvalid('from', 'must not be after to');
  return { from, to };
}

/** [start, end) as instants: from the first moment of `from` to the first moment after `to`, Swedish time. */
function instants(range: StatisticsRange): [Date, Date] {
  const [fy, fm, fd] = range.from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = range.to.split('-').map(Number) as [number, number, number];
  return [fromSwedishWallClock(fy, fm, fd), fromSwedishWallClock(ty, tm, td + 1)];
}

export interface MonthLogins {
  /** YYYY-MM, Swedish time. */
  readonly month: string;
  readonly logins: ShownCount;
  readonly uniqueUsers: ShownCount;
}

/** Allowed logins and distinct residents per month (audit_entry_kind_at_idx). */
export async function loginsPerMonth(db: Db, range: StatisticsRange): Promise<MonthLogins[]> {
  const [start, end] = instants(range);
  const rows = await query<{ month: string; logins: number; users: number }>(db, sql`
    select to_char(at at time zone 'Europe/Stockholm', 'YYYY-MM') as month,
           count(*)::int as logins,
           count(distinct actor)::int as users
      from audit_entry
     where kind = 'login' and at >= ${start.toISOString()} and at < ${end.toISOString()}
       and details->>'outcome' = 'allowed'
     group by 1
     order by 1`);
  return rows.map((r) => ({ month: r.month, logins: suppress(Number(r.logins)), uniqueUsers: suppress(Number(r.users)) }));
}

export interface InfoTypeViews {
  readonly infoType: string;
  readonly views: ShownCount;
}

/** Record views that showed each information type (audit_entry_kind_at_idx, then the entries' JSON). */
export async function viewsPerInfoType(db: Db, range: StatisticsRange): Promise<InfoTypeViews[]> {
  const [start, end] = instants(range);
  const rows = await query<{ info_type: string; views: number }>(db, sql`
    select t.info_type, count(*)::int as views
      from audit_entry e
     cross join lateral jsonb_array_elements_text(coalesce(e.details->'informationTypes', '[]'::jsonb)) as t(info_type)
     where e.kind = 'recordRead' and e.at >= ${start.toISOString()} and e.at < ${end.toISOString()}
     group by 1
     order by 2 desc, 1`);
  return rows.map((r) => ({ infoType: r.info_type, views: suppress(Number(r.views)) }));
}

export interface RegionViews {
  /** County code; '' for information from care providers without a region. */
  readonly regionCode: string;
  readonly views: ShownCount;
}

export interface RegionDayViews extends RegionViews {
  readonly day: string;
}

/**
 * Record views per region of the care providers the information came from (care_provider by
 * the sources' careGiverHsaId, primary key lookups): a view counts once for each region it drew
 * on. Per day, for the table and CSV, and over the whole range.
 */
export async function viewsPerRegion(db: Db, range: StatisticsRange): Promise<{ total: RegionViews[]; perDay: RegionDayViews[] }> {
  const [start, end] = instants(range);
  const rows = await query<{ day: string | null; region_code: string; views: number }>(db, sql`
    with read as (
      select distinct e.id, to_char(e.at at time zone 'Europe/Stockholm', 'YYYY-MM-DD') as day, coalesce(cp.region_code, '') as region_code
        from audit_entry e
       cross join lateral jsonb_array_elements(coalesce(e.details->'sources', '[]'::jsonb)) as s(source)
        left join care_provider cp on cp.hsa_id = s.source->>'careGiverHsaId'
       where e.kind = 'recordRead' and e.at >= ${start.toISOString()} and e.at < ${end.toISOString()}
    )
    select day, region_code, count(*)::int as views from read group by grouping sets ((day, region_code), (region_code))
     order by day nulls first, region_code`);
  const perDay = rows.filter((r) => r.day !== null).map((r) => ({ day: r.day!, regionCode: r.region_code, views: suppress(Number(r.views)) }));
  // Complementary suppression: beside its days, a region's total would give away a hidden day by
  // subtraction, so a region with any hidden day has its total hidden too.
  const withHiddenDay = new Set(perDay.filter((r) => r.views === null).map((r) => r.regionCode));
  return {
    total: rows
      .filter((r) => r.day === null)
      .map((r) => ({ regionCode: r.region_code, views: withHiddenDay.has(r.region_code) ? null : suppress(Number(r.views)) })),
    perDay,
  };
}

// ---- Producer calls -----------------------------------------------------------------------------

/** Upper bounds (ms) of the latency buckets; one more bucket holds everything slower. */
export const LATENCY_BUCKETS_MS = [50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 8000] as const;

const bucketOf = (ms: number) => {
  const i = LATENCY_BUCKETS_MS.findIndex((b) => ms <= b);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
};

/** A live call that did not answer; a cached answer means the live call failed. */
const FAILED = new Set(['timedOut', 'failed', 'answeredFromCache']);

/**
 * Counts one record request's source calls into today's rows: one upsert statement for the
 * whole batch. Sources without a call (no route, not authorized) are not producer calls and
 * are left out. At the seed's scale the same few hundred rows are hit all day, so the record
 * service may batch requests in memory and call this every few seconds: the function adds.
 */
export async function recordSourceStatuses(db: Db, sources: readonly SourceStatus[], at: Date): Promise<void> {
  const day = swedishDate(at);
  const groups = new Map<string, { logicalAddress: string; contract: string; systemName: string | null; calls: number; failures: number; buckets: number[]; totalMs: number }>();
  for (const s of sources) {
    if (s.status === 'noRoute' || s.status === 'notAuthorized') continue;
    const key = `${s.logicalAddress}\u001f${s.contract}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { logicalAddress: s.logicalAddress, contract: s.contract, systemName: s.systemName ?? null, calls: 0, failures: 0, buckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0), totalMs: 0 }));
    const ms = Math.max(0, Math.round(s.durationMs));
    g.calls += 1;
    if (FAILED.has(s.status)) g.failures += 1;
    g.buckets[bucketOf(ms)]! += 1;
    g.totalMs += ms;
  }
  if (groups.size === 0) return;
  await db
    .insert(producerCall)
    .values([...groups.values()].map((g) => ({ day, logicalAddress: g.logicalAddress, contract: g.contract, systemName: g.systemName, calls: g.calls, failures: g.failures, latencyBuckets: g.buckets, totalMs: g.totalMs })))
    .onConflictDoUpdate({
      target: [producerCall.day, producerCall.logicalAddress, producerCall.contract],
      set: {
        calls: sql`${producerCall.calls} + excluded.calls`,
        failures: sql`${producerCall.failures} + excluded.failures`,
        totalMs: sql`${producerCall.totalMs} + excluded.total_ms`,
        systemName: sql`coalesce(excluded.system_name, ${producerCall.systemName})`,
        // Element-wise sum of the two histograms.
        latencyBuckets: sql`(select array_agg(a + b order by i) from unnest(${producerCall.latencyBuckets}, excluded.latency_buckets) with ordinality as u(a, b, i))`,
      },
    });
}

export interface ProducerStats {
  readonly logicalAddress: string;
  readonly systemName: string | null;
  readonly calls: number;
  readonly failures: number;
  /** Share of calls answered, 0-1; null without calls. */
  readonly availability: number | null;
  /** Upper bound (ms) of the bucket holding the median / 95th percentile; null above the last bound or without calls. */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly meanMs: number | null;
}

/** Per source system (logical address) over the range: two grouped queries on producer_call's primary key. */
export async function producerStatistics(db: Db, range: StatisticsRange): Promise<ProducerStats[]> {
  const totals = (
    await query<{ logical_address: string; system_name: string | null; calls: number; failures: number; total_ms: number }>(db, sql`
      select logical_address, max(system_name) as system_name, sum(calls)::int as calls, sum(failures)::int as failures, sum(total_ms)::bigint as total_ms
        from producer_call where day >= ${range.from} and day <= ${range.to}
       group by 1 order by 2, 1`)
  );
  const buckets = (
    await query<{ logical_address: string; i: number; n: number }>(db, sql`
      select logical_address, u.i::int as i, sum(u.n)::int as n
        from producer_call cross join lateral unnest(latency_buckets) with ordinality as u(n, i)
       where day >= ${range.from} and day <= ${range.to}
       group by 1, 2`)
  );
  return totals.map((t) => {
    const histogram = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
    for (const b of buckets) if (b.logical_address === t.logical_address) histogram[Number(b.i) - 1] = Number(b.n);
    const calls = Number(t.calls);
    return {
      logicalAddress: t.logical_address,
      systemName: t.system_name,
      calls,
      failures: Number(t.failures),
      availability: calls === 0 ? null : (calls - Number(t.failures)) / calls,
      p50Ms: quantileBound(histogram, 0.5),
      p95Ms: quantileBound(histogram, 0.95),
      meanMs: calls === 0 ? null : Math.round(Number(t.total_ms) / calls),
    };
  });
}

/** The upper bound of the bucket where the q-quantile falls; null past the last bound or when empty. */
export function quantileBound(histogram: readonly number[], q: number): number | null {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= rank) return LATENCY_BUCKETS_MS[i] ?? null;
  }
  return null;
}

// PGlite answers { rows }, node-postgres a QueryResult with rows too; drizzle types it loosely.
async function query<T>(db: Db, statement: SQL): Promise<T[]> {
  const result: unknown = await db.execute(statement);
  return ((result as { rows?: T[] }).rows ?? (result as T[])) as T[];
}

// ---- CSV ---------------------------------------------------------------------------------------

export interface StatisticsData {
  readonly range: StatisticsRange;
  readonly logins: readonly MonthLogins[];
  readonly infoTypes: readonly InfoTypeViews[];
  readonly regions: { readonly total: readonly RegionViews[]; readonly perDay: readonly RegionDayViews[] };
  readonly producers: readonly ProducerStats[];
}

export async function gatherStatistics(db: Db, range: StatisticsRange): Promise<StatisticsData> {
  const [logins, infoTypes, regions, producers] = await Promise.all([loginsPerMonth(db, range), viewsPerInfoType(db, range), viewsPerRegion(db, range), producerStatistics(db, range)]);
  return { range, logins, infoTypes, regions, producers };
}

const csvCell = (v: string | number | null) => {
  if (v === null) return '<5';
  const s = String(v);
  // Quote everything textual; a leading = + - @ is neutralised so a spreadsheet does not run it.
  return typeof v === 'number' ? s : `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
};

/** One long table: statistic, period, dimension, measure, value; suppressed counts as "<5". */
export function statisticsCsv(data: StatisticsData): string {
  const rows: (string | number | null)[][] = [['statistic', 'period', 'dimension', 'measure', 'value']];
  const period = `${data.range.from}/${data.range.to}`;
  for (const m of data.logins) {
    rows.push(['logins', m.month, '', 'logins', m.logins]);
    rows.push(['logins', m.month, '', 'uniqueUsers', m.uniqueUsers]);
  }
  for (const t of data.infoTypes) rows.push(['viewsPerInformationType', period, t.infoType, 'views', t.views]);
  for (const r of data.regions.total) rows.push(['viewsPerRegion', period, r.regionCode, 'views', r.views]);
  for (const r of data.regions.perDay) rows.push(['viewsPerRegion', r.day, r.regionCode, 'views', r.views]);
  for (const p of data.producers) {
    const dim = p.systemName ? `${p.systemName} ${p.logicalAddress}` : p.logicalAddress;
    rows.push(['producer', period, dim, 'calls', p.calls]);
    rows.push(['producer', period, dim, 'failures', p.failures]);
    rows.push(['producer', period, dim, 'availability', p.availability === null ? '' : Number(p.availability.toFixed(4))]);
    rows.push(['producer', period, dim, 'p50Ms', p.p50Ms ?? '']);
    rows.push(['producer', period, dim, 'p95Ms', p.p95Ms ?? '']);
  }
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
