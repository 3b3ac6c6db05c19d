import { and, count, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { ehrSystem, regionSystem } from '../db/schema.js';
import { EHR_SYSTEM_IDS } from '../domain/ehr-systems.js';
import { REGION_CODES } from '../domain/regions.js';
import { describeEachDatabase } from '../testing/databases.js';
import { listEhrSystems, listRegionsWithSystems, seedRegistry } from './store.js';

describeEachDatabase('registry store', (getDb) => {
  beforeAll(async () => {
    await seedRegistry(getDb().db);
  });

  it('holds the 21 regions in county-code order and the 8 systems', async () => {
    const regions = await listRegionsWithSystems(getDb().db);
    expect(regions.map((r) => r.code)).toEqual([...REGION_CODES]);
    const systems = await listEhrSystems(getDb().db);
    expect(systems.map((s) => s.id)).toEqual([...EHR_SYSTEM_IDS].sort());
  });

  it('gives Skåne PMO, Melior and a planned Millennium', async () => {
    const skane = (await listRegionsWithSystems(getDb().db)).find((r) => r.code === '12');
    expect(skane).toEqual({
      code: '12',
      name: 'Region Skåne',
      countyName: 'Skåne län',
      primary: { id: 'pmo', name: 'PMO' },
      hospital: { id: 'melior', name: 'Melior' },
      planned: { id: 'millennium', name: 'Millennium' },
    });
  });

  it('gives Gotland no planned system', async () => {
    const gotland = (await listRegionsWithSystems(getDb().db)).find((r) => r.code === '09');
    expect(gotland?.primary).toEqual({ id: 'takecare', name: 'TakeCare' });
    expect(gotland?.planned).toBeNull();
  });

  it('stores the systems in full, with their seed sources', async () => {
    const asynja = (await listEhrSystems(getDb().db)).find((s) => s.id === 'asynjavisph');
    expect(asynja).toMatchObject({ vendor: 'CompuGroup Medical', careLevels: ['primary'], sameAs: 'takecare', fullName: null });
    expect(asynja?.sources[0]).toEqual({ document: '000_4ce2af865df94af0.txt', line: 60, quote: '### AsynjaVisph {#av}' });
    expect(asynja?.updatedAt).toBeInstanceOf(Date);
  });

  it('seeding again changes nothing', async () => {
    const { db } = getDb();
    const before = { regions: await listRegionsWithSystems(db), systems: await listEhrSystems(db) };
    expect(await seedRegistry(db)).toEqual({ systems: 0, regions: 0, regionSystems: 0 });
    expect({ regions: await listRegionsWithSystems(db), systems: await listEhrSystems(db) }).toEqual(before);
    const [rows] = await db.select({ n: count() }).from(regionSystem);
    expect(rows?.n).toBe(21 * 3);
  });

  it("keeps an operator's edits when seeding again", async () => {
    const { db } = getDb();
    await db
      .update(regionSystem)
      .set({ systemId: 'cosmic', source: { note: 'beslut i regionfullmäktige' }, updatedBy: 'operator-1', updatedAt: new Date() })
      .where(and(eq(regionSystem.regionCode, '09'), eq(regionSystem.careLevel, 'planned')));
    await db.update(ehrSystem).set({ vendor: 'Cambio Healthcare Systems' }).where(eq(ehrSystem.id, 'cosmic'));

    expect(await seedRegistry(db)).toEqual({ systems: 0, regions: 0, regionSystems: 0 });

    const gotland = (await listRegionsWithSystems(db)).find((r) => r.code === '09');
    expect(gotland?.planned).toEqual({ id: 'cosmic', name: 'Cosmic' });
    const [edited] = await db
      .select()
      .from(regionSystem)
      .where(and(eq(regionSystem.regionCode, '09'), eq(regionSystem.careLevel, 'planned')));
    expect(edited).toMatchObject({ updatedBy: 'operator-1', source: { note: 'beslut i regionfullmäktige' } });
    const cosmic = (await listEhrSystems(db)).find((s) => s.id === 'cosmic');
    expect(cosmic?.vendor).toBe('Cambio Healthcare Systems');
  });

  it('refuses a care level outside primary/hospital/planned, and a missing system outside planned', async () => {
    const { db } = getDb();
    const source = { note: 'test' };
    const checkViolation = { cause: expect.objectContaining({ code: '23514' }) };
    await expect(
      db.insert(regionSystem).values({ regionCode: '01', careLevel: 'dental' as 'primary', systemId: 'cosmic', source }),
    ).rejects.toMatchObject(checkViolation);
    await expect(
      db.update(regionSystem).set({ systemId: null }).where(and(eq(regionSystem.regionCode, '01'), eq(regionSystem.careLevel, 'primary'))),
    ).rejects.toMatchObject(checkViolation);
  });
});
