import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { simulatedRegister } from '../demo/register.js';
import { createAggregator } from '../aggregation/fetch-record.js';
import { careProvider, careUnit } from '../db/schema.js';
import { createHsaDirectory } from '../national/hsa-directory.js';
import { createLogger } from '../operations/logger.js';
import { seedRegistry } from '../registry/store.js';
import { CARE_UNITS, careGiverOf, careUnitByHsaId } from '../simulators/care-units.js';
import { demoHsaCatalogue, startSimulatedHsaDirectory, type RunningHsaDirectory } from '../simulators/hsa-directory.js';
import { TOLVAN } from '../simulators/population.js';
import { describeEachDatabase } from '../testing/databases.js';
import { startWorld, type World } from '../testing/world.js';
import { cachedCareDirectory, upsertCareProviders, upsertCareUnits, type CareProviderEntry, type HsaCareUnit, type HsaLookup } from './directory.js';
import { createRecordService } from './service.js';

const ward = CARE_UNITS.find((u) => u.regionCode === '12' && u.kind === 'psychiatryWard')!;
const vc = CARE_UNITS.find((u) => u.regionCode === '05' && u.kind === 'vc')!;
const skane = careGiverOf('12');
const PRIVATE = { healthCareProviderHsaId: 'SE5560000001-PRIV', healthCareProviderName: 'Privatvården AB', healthCareProviderOrgNo: '5560000001', countyCode: '01' as const };
const PRIVATE_UNIT = { hsaId: 'SE5560000001-PV01', name: 'Privatpsykiatrin Malmö', providerHsaId: PRIVATE.healthCareProviderHsaId, businessClassificationName: 'Psykiatri', careTypes: ['01'], countyCode: '12' as const };

/** Log lines, to check what a failure leaves behind. */
const capture = () => {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(line) } }) };
};

describeEachDatabase('care directory with an HSA lookup', (getDb) => {
  let hsa: RunningHsaDirectory;
  let offset = 0;
  const clock = () => Date.now() + offset;
  const lookup = (): HsaLookup => createHsaDirectory({ url: hsa.endpointFor, logicalAddress: hsa.logicalAddress, consumerHsaId: 'SE0000000009-JOURNALEN', timeoutMs: 3000 });
  const rows = async () => ({
    units: await getDb().db.select().from(careUnit),
    providers: await getDb().db.select().from(careProvider),
  });

  beforeAll(async () => {
    await seedRegistry(getDb().db);
    const demo = demoHsaCatalogue();
    hsa = await startSimulatedHsaDirectory({ catalogue: { providers: [...demo.providers, PRIVATE], units: [...demo.units, PRIVATE_UNIT] } });
  });
  afterAll(async () => hsa?.close());
  beforeEach(async () => {
    offset = 0;
    hsa.setFault(null);
    await getDb().db.execute(sql`delete from care_unit`);
    await getDb().db.execute(sql`delete from care_provider`);
  });

  it('without a lookup, the tables are all there is (as before)', async () => {
    const before = hsa.calls();
    const directory = cachedCareDirectory(getDb().db);
    expect((await directory.get({ providers: [skane.hsaId], units: [ward.hsaId] })).unit(ward.hsaId)).toBeUndefined();
    await upsertCareProviders(getDb().db, [{ hsaId: skane.hsaId, name: skane.name, regionCode: '12' }]);
    directory.invalidate();
    expect((await directory.get()).provider(skane.hsaId)?.regionCode).toBe('12');
    expect(hsa.calls()).toBe(before);
  });

  it('looks an unknown unit and its provider up once, stores them, and the next read makes no HSA call', async () => {
    const directory = cachedCareDirectory(getDb().db, { lookup: lookup(), clock });
    const before = hsa.calls();
    const dir = await directory.get({ providers: [skane.hsaId], units: [ward.hsaId] });
    expect(dir.unit(ward.hsaId)).toEqual({ hsaId: ward.hsaId, name: ward.name, careProviderHsaId: skane.hsaId, specialty: 'psychiatry', inpatient: true });
    expect(dir.provider(skane.hsaId)).toEqual({ hsaId: skane.hsaId, name: 'Region Skåne', regionCode: '12' });
    // GetUnit + GetHealthCareUnit for the unit, GetHealthCareProvider + GetUnit (its county) for the provider.
    expect(hsa.calls() - before).toBe(4);

    const stored = await rows();
    expect(stored.units.map((u) => [u.hsaId, u.careProviderHsaId, u.specialty, u.inpatient])).toEqual([[ward.hsaId, skane.hsaId, 'psychiatry', true]]);
    expect(stored.providers.map((p) => [p.hsaId, p.regionCode])).toEqual([[skane.hsaId, '12']]);

    const calls = hsa.calls();
    expect((await directory.get({ providers: [skane.hsaId], units: [ward.hsaId] })).unit(ward.hsaId)?.specialty).toBe('psychiatry');
    // Another process finds them in the tables.
    const other = cachedCareDirectory(getDb().db, { lookup: lookup(), clock });
    expect((await other.get({ providers: [skane.hsaId], units: [ward.hsaId] })).provider(skane.hsaId)?.regionCode).toBe('12');
    expect(hsa.calls()).toBe(calls);
  });

  it('a failing HSA leaves the unit out, logs why without remembering it, and the next read tries again', async () => {
    const { lines, logger } = capture();
    const directory = cachedCareDirectory(getDb().db, { lookup: lookup(), logger, clock });
    hsa.setFault('soapFault');
    const failed = await directory.get({ providers: [careGiverOf('05').hsaId], units: [vc.hsaId] });
    expect(failed.unit(vc.hsaId)).toBeUndefined();
    expect(failed.provider(careGiverOf('05').hsaId)).toBeUndefined();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).toContain('HSA lookup failed');
    expect(lines.join('\n')).toContain(vc.hsaId);
    expect((await rows()).units).toEqual([]);

    hsa.setFault(null);
    const before = hsa.calls();
    const dir = await directory.get({ providers: [careGiverOf('05').hsaId], units: [vc.hsaId] });
    expect(dir.unit(vc.hsaId)?.name).toBe(vc.name);
    expect(dir.provider(careGiverOf('05').hsaId)?.regionCode).toBe('05');
    expect(hsa.calls()).toBeGreaterThan(before);
  });

  it('remembers a unit HSA does not have for a while, then asks again', async () => {
    const directory = cachedCareDirectory(getDb().db, { lookup: lookup(), clock, notFoundForMs: 60_000 });
    const need = { providers: [], units: ['SE2321000016-GONE'] };
    const before = hsa.calls();
    expect((await directory.get(need)).unit('SE2321000016-GONE')).toBeUndefined();
    const asked = hsa.calls();
    expect(asked).toBeGreaterThan(before);
    await directory.get(need);
    expect(hsa.calls()).toBe(asked);
    offset = 61_000;
    await directory.get(need);
    expect(hsa.calls()).toBeGreaterThan(asked);
  });

  it('looks an entry up again when the tables have had it longer than the refresh age', async () => {
    await upsertCareUnits(getDb().db, [{ hsaId: vc.hsaId, name: 'Old name', careProviderHsaId: careGiverOf('05').hsaId, specialty: null, inpatient: false }]);
    await upsertCareProviders(getDb().db, [{ hsaId: careGiverOf('05').hsaId, name: 'Region Östergötland', regionCode: '05' }]);
    const directory = cachedCareDirectory(getDb().db, { lookup: lookup(), clock, refreshAfterMs: 60 * 60_000 });
    const need = { providers: [careGiverOf('05').hsaId], units: [vc.hsaId] };
    const before = hsa.calls();
    expect((await directory.get(need)).unit(vc.hsaId)?.name).toBe('Old name');
    expect(hsa.calls()).toBe(before);
    offset = 2 * 60 * 60_000;
    directory.invalidate();
    const dir = await directory.get(need);
    expect(dir.unit(vc.hsaId)).toMatchObject({ name: vc.name, specialty: 'general-practice' });
    expect(hsa.calls()).toBeGreaterThan(before);
    expect((await rows()).units[0]?.name).toBe(vc.name);
  });

  it('keeps the stored entry when a refresh fails', async () => {
    await upsertCareUnits(getDb().db, [{ hsaId: vc.hsaId, name: 'Stored', careProviderHsaId: careGiverOf('05').hsaId, specialty: null, inpatient: false }]);
    const directory = cachedCareDirectory(getDb().db, { lookup: lookup(), clock, refreshAfterMs: 1000, logger: capture().logger });
    offset = 5000;
    hsa.setFault('http500');
    expect((await directory.get({ providers: [], units: [vc.hsaId] })).unit(vc.hsaId)?.name).toBe('Stored');
  });

  it('gives a private provider the region of the county its unit is in', async () => {
    const directory = cachedCareDirectory(getDb().db, { lookup: lookup(), clock });
    const dir = await directory.get({ providers: [PRIVATE.healthCareProviderHsaId], units: [PRIVATE_UNIT.hsaId] });
    // HQ in Stockholm (01), the care given in Skåne (12): Skåne's rules.
    expect(dir.provider(PRIVATE.healthCareProviderHsaId)).toEqual({ hsaId: PRIVATE.healthCareProviderHsaId, name: 'Privatvården AB', regionCode: '12' });
    expect(dir.unit(PRIVATE_UNIT.hsaId)).toMatchObject({ specialty: 'psychiatry', inpatient: false });
  });

  it('asks again soon about a provider stored without a region, and finds its county through its stored unit', async () => {
    await upsertCareProviders(getDb().db, [{ hsaId: PRIVATE.healthCareProviderHsaId, name: 'Privatvården AB', regionCode: null }]);
    await upsertCareUnits(getDb().db, [{ hsaId: PRIVATE_UNIT.hsaId, name: PRIVATE_UNIT.name, careProviderHsaId: PRIVATE.healthCareProviderHsaId, specialty: 'psychiatry', inpatient: false }]);
    const directory = cachedCareDirectory(getDb().db, { lookup: lookup(), clock, notFoundForMs: 1000 });
    const need = { providers: [PRIVATE.healthCareProviderHsaId], units: [PRIVATE_UNIT.hsaId] };
    const before = hsa.calls();
    expect((await directory.get(need)).provider(PRIVATE.healthCareProviderHsaId)?.regionCode).toBeNull();
    expect(hsa.calls()).toBe(before);
    offset = 5000;
    directory.invalidate();
    expect((await directory.get(need)).provider(PRIVATE.healthCareProviderHsaId)?.regionCode).toBe('12');
    expect((await rows()).providers.map((p) => p.regionCode)).toEqual(['12']);
  });

  it('shares one call between concurrent reads of one id, and keeps at most N calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const asked: string[] = [];
    const slow: HsaLookup = {
      async unit(hsaId): Promise<HsaCareUnit | undefined> {
        asked.push(hsaId);
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 30));
        inFlight--;
        return { hsaId, name: hsaId, careProviderHsaId: skane.hsaId, specialty: null, inpatient: false, countyRegion: '12' };
      },
      async provider(hsaId): Promise<CareProviderEntry | undefined> {
        return { hsaId, name: 'Region Skåne', regionCode: '12' };
      },
    };
    const directory = cachedCareDirectory(getDb().db, { lookup: slow, clock, maxConcurrentLookups: 2 });
    const units = CARE_UNITS.filter((u) => u.regionCode === '12').slice(0, 6).map((u) => u.hsaId);
    const dirs = await Promise.all([directory.get({ providers: [], units }), directory.get({ providers: [], units }), directory.get({ providers: [], units: units.slice(0, 1) })]);
    expect(asked.sort()).toEqual([...units].sort());
    expect(most).toBe(2);
    for (const dir of dirs) expect(dir.unit(units[0])?.careProviderHsaId).toBe(skane.hsaId);
  });
});

describeEachDatabase('record service with empty care directory tables and an HSA lookup', (getDb) => {
  let world: World;
  let hsa: RunningHsaDirectory;
  const service = (directory?: Parameters<typeof createRecordService>[0]['directory']) =>
    createRecordService({
      db: getDb().db,
      register: simulatedRegister(world.sources.population),
      aggregate: createAggregator({ db: getDb().db, describeSource: world.sources.describeSource }).aggregateRecord,
      handleKey: 'test-key',
      ...(directory ? { directory } : {}),
    });

  beforeAll(async () => {
    world = await startWorld(getDb());
    hsa = await startSimulatedHsaDirectory();
  });
  afterAll(async () => {
    await hsa?.close();
    await world?.close();
  });

  it('shows the items with their region\'s rules, as with the tables filled (simulators off: nothing was shown)', async () => {
    const tolvan = { personnummer: TOLVAN, name: 'Tolvan Tolvansson' };
    const self = { relation: 'self' } as const;
    const filled = await service().read(tolvan, self);
    expect(filled.items.length).toBeGreaterThan(50);

    await getDb().db.execute(sql`delete from care_unit`);
    await getDb().db.execute(sql`delete from care_provider`);
    // The bug: with the tables empty and no lookup, every item is dropped as "care provider unknown".
    expect((await service().read(tolvan, self)).items).toEqual([]);

    const directory = cachedCareDirectory(getDb().db, { lookup: createHsaDirectory({ url: hsa.endpointFor, logicalAddress: hsa.logicalAddress, consumerHsaId: 'SE0000000009-JOURNALEN' }) });
    const looked = await service(directory.get).read(tolvan, self);
    const summary = (v: typeof filled) => v.items.map((s) => [s.key, s.region?.code, s.careProviderName, s.item.specialty ?? null, s.item.inpatient ?? null]).sort();
    expect(summary(looked)).toEqual(summary(filled));
    expect(looked.withheld.map((w) => [w.infoType, w.region?.code, w.visibleFrom]).sort()).toEqual(filled.withheld.map((w) => [w.infoType, w.region?.code, w.visibleFrom]).sort());
    // Regions come from HSA: every shown item's region is the county of the unit that wrote it.
    for (const s of looked.items) {
      const unit = careUnitByHsaId(s.item.careUnitHsaId ?? s.item.careUnit.hsaId ?? '');
      if (unit) expect(s.region?.code).toBe(unit.regionCode);
    }
    expect(new Set(looked.items.map((s) => s.region?.code)).size).toBeGreaterThan(1);
    expect((await getDb().db.select().from(careUnit)).length).toBeGreaterThan(0);

    // Stored: a second read asks HSA nothing.
    const calls = hsa.calls();
    await service(directory.get).read(tolvan, self);
    expect(hsa.calls()).toBe(calls);
  });

  it('holds back items whose care unit the directory cannot describe, so a psychiatric delay is never skipped', async () => {
    const tolvan = { personnummer: TOLVAN, name: 'Tolvan Tolvansson' };
    const self = { relation: 'self' } as const;
    const full = cachedCareDirectory(getDb().db, { lookup: createHsaDirectory({ url: hsa.endpointFor, logicalAddress: hsa.logicalAddress, consumerHsaId: 'SE0000000009-JOURNALEN' }) });
    const shown = await service(full.get).read(tolvan, self);
    expect(shown.items.length).toBeGreaterThan(50);

    // Providers known, units unknown: HSA does not answer about units.
    await getDb().db.execute(sql`delete from care_unit`);
    const providersOnly = cachedCareDirectory(getDb().db, {
      lookup: {
        unit: () => Promise.reject(new Error('HSA down')),
        provider: () => Promise.reject(new Error('HSA down')),
      },
    });
    const held = await service(providersOnly.get).read(tolvan, self);
    // Every item the producers did not describe themselves is held back, none shown without its unit's facts.
    for (const s of held.items) expect(s.item.specialty !== undefined && s.item.inpatient !== undefined).toBe(true);
    expect(held.items.length).toBeLessThan(shown.items.length);
  });
});
