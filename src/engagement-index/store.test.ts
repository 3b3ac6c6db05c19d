import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db/connection.js';
import { engagement } from '../db/schema.js';
import { describeEachDatabase } from '../testing/databases.js';
import { engagementId, JOURNALEN_HSA_ID, type EngagementInput } from './engagement.js';
import { applyNotification, applyUpdate, findContent, findContentStatement } from './store.js';

const DESCRIPTION = 'riv:clinicalprocess:healthcond:description';
const ACTOUTCOME = 'riv:clinicalprocess:healthcond:actoutcome';
const TAKECARE = 'SE2321000016-TC01';
const COSMIC = 'SE2321000032-CO01';

/** A pattern-valid resident id per test, so tests sharing a database never see each other. */
let residents = 0;
const nextResident = () => `19121212${String(++residents).padStart(4, '0')}`;

const dia = (resident: string, source = TAKECARE, extra: Partial<EngagementInput> = {}): EngagementInput => ({
  registeredResidentIdentification: resident,
  serviceDomain: DESCRIPTION,
  categorization: 'dia',
  logicalAddress: source,
  sourceSystem: source,
  dataController: 'SE2321000016-0001',
  ...extra,
});

const T0 = new Date('2026-11-20T10:00:00Z');
const T1 = new Date('2026-11-21T10:00:00Z');

describe('engagementId', () => {
  it('is the hex SHA-256 of the key fields in skltp/ei order, separated so different keys never meet', () => {
    const key = {
      registeredResidentIdentification: '191212121212', serviceDomain: DESCRIPTION, categorization: 'dia', logicalAddress: 'A',
      businessObjectInstanceIdentifier: 'NA', clinicalProcessInterestId: 'NA', sourceSystem: 'A', dataController: 'D', owner: 'O',
    };
    const joined = ['191212121212', DESCRIPTION, 'dia', 'A', 'NA', 'A', 'D', 'O', 'NA'].join('\u001f');
    expect(engagementId(key)).toBe(createHash('sha256').update(joined).digest('hex'));
    expect(engagementId({ ...key, logicalAddress: 'AB', sourceSystem: '' })).not.toBe(engagementId({ ...key, logicalAddress: 'A', sourceSystem: 'B' }));
  });
});

describeEachDatabase('engagement index store', (getDb) => {
  const db = (): Db => getDb().db;

  it('stores an engagement with the contract defaults and finds it', async () => {
    const r = nextResident();
    const result = await applyUpdate(db(), [dia(r, TAKECARE, { mostRecentContent: T0 })], { now: T1 });
    expect(result).toMatchObject({ created: 1, updated: 0, deleted: 0, unchanged: 0 });
    const [found, ...rest] = await findContent(db(), { registeredResidentIdentification: r, serviceDomain: DESCRIPTION });
    expect(rest).toEqual([]);
    expect(found).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
      registeredResidentIdentification: r,
      serviceDomain: DESCRIPTION,
      categorization: 'dia',
      logicalAddress: TAKECARE,
      businessObjectInstanceIdentifier: 'NA',
      clinicalProcessInterestId: 'NA',
      sourceSystem: TAKECARE,
      dataController: 'SE2321000016-0001',
      owner: JOURNALEN_HSA_ID,
      mostRecentContent: T0,
      creationTime: T1,
      updateTime: null,
    });
    expect(result.changes).toEqual([{ kind: 'created', engagement: found }]);
  });

  it('is idempotent: the same update again changes nothing', async () => {
    const r = nextResident();
    const update = [dia(r, TAKECARE, { mostRecentContent: T0 }), dia(r, COSMIC, { mostRecentContent: T0 })];
    await applyUpdate(db(), update, { now: T0 });
    const before = await findContent(db(), { registeredResidentIdentification: r, serviceDomain: DESCRIPTION });
    const again = await applyUpdate(db(), update, { now: T1 });
    expect(again).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 2, changes: [] });
    expect(await findContent(db(), { registeredResidentIdentification: r, serviceDomain: DESCRIPTION })).toEqual(before);
  });

  it('moves mostRecentContent forward, never back', async () => {
    const r = nextResident();
    await applyUpdate(db(), [dia(r, TAKECARE, { mostRecentContent: T0 })], { now: T0 });
    const newer = await applyUpdate(db(), [dia(r, TAKECARE, { mostRecentContent: T1 })], { now: T1 });
    expect(newer).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    expect(newer.changes[0]?.engagement).toMatchObject({ mostRecentContent: T1, creationTime: T0, updateTime: T1 });
    for (const stale of [T0, undefined]) {
      const older = await applyUpdate(db(), [dia(r, TAKECARE, stale ? { mostRecentContent: stale } : {})], { now: new Date() });
      expect(older).toMatchObject({ updated: 0, unchanged: 1 });
    }
    const [stored] = await findContent(db(), { registeredResidentIdentification: r, serviceDomain: DESCRIPTION });
    expect(stored).toMatchObject({ mostRecentContent: T1, updateTime: T1 });
  });

  it('keeps whole seconds, the precision of the contract', async () => {
    const r = nextResident();
    await applyUpdate(db(), [dia(r, TAKECARE, { mostRecentContent: new Date('2026-11-20T10:00:00.987Z') })]);
    const [stored] = await findContent(db(), { registeredResidentIdentification: r, serviceDomain: DESCRIPTION });
    expect(stored?.mostRecentContent).toEqual(new Date('2026-11-20T10:00:00Z'));
  });

  it('removes an engagement with deleteFlag; removing it again is no change', async () => {
    const r = nextResident();
    await applyUpdate(db(), [dia(r, TAKECARE), dia(r, COSMIC)]);
    const removed = await applyUpdate(db(), [dia(r, TAKECARE), dia(r, 'SE2321000016-NONE')], { deleteFlags: true });
    expect(removed).toMatchObject({ deleted: 1, unchanged: 1 });
    expect(removed.changes.map((c) => [c.kind, c.engagement.sourceSystem])).toEqual([['deleted', TAKECARE]]);
    const left = await findContent(db(), { registeredResidentIdentification: r, serviceDomain: DESCRIPTION });
    expect(left.map((e) => e.sourceSystem)).toEqual([COSMIC]);
    expect(await applyUpdate(db(), [dia(r, TAKECARE)], { deleteFlags: [true] })).toMatchObject({ deleted: 0, unchanged: 1 });
  });

  it('saves and deletes in one call, by per-engagement flags', async () => {
    const r = nextResident();
    await applyUpdate(db(), [dia(r, TAKECARE)]);
    const result = await applyUpdate(db(), [dia(r, TAKECARE), dia(r, COSMIC)], { deleteFlags: [true, false] });
    expect(result).toMatchObject({ created: 1, deleted: 1 });
    const left = await findContent(db(), { registeredResidentIdentification: r, serviceDomain: DESCRIPTION });
    expect(left.map((e) => e.sourceSystem)).toEqual([COSMIC]);
  });

  it('stores nothing from a call with one bad engagement, and names it', async () => {
    const r = nextResident();
    const bad = [dia(r, TAKECARE), dia(r, COSMIC), dia('19121212-1212', COSMIC)];
    await expect(applyUpdate(db(), bad)).rejects.toMatchObject({
      code: 'JOURNALEN_INPUT_INVALID',
      details: { field: 'engagements[2].registeredResidentIdentification' },
      message: expect.stringContaining('got 13 characters'),
    });
    await expect(applyUpdate(db(), [dia(r, TAKECARE), { ...dia(r, TAKECARE), categorization: '' }])).rejects.toMatchObject({
      details: { field: 'engagements[1].categorization' },
    });
    await expect(applyUpdate(db(), [dia(r, TAKECARE), dia(r, TAKECARE)], { deleteFlags: [false, true] })).rejects.toMatchObject({
      code: 'JOURNALEN_INPUT_INVALID',
      message: 'engagements[1]: is the same engagement as engagements[0]',
    });
    await expect(applyUpdate(db(), [dia(r)], { deleteFlags: [true, false] })).rejects.toMatchObject({ details: { field: 'deleteFlags' } });
    expect(await findContent(db(), { registeredResidentIdentification: r, serviceDomain: DESCRIPTION })).toEqual([]);
  });

  it('never tells the resident id in an error', async () => {
    const error = await applyUpdate(db(), [dia('1912121212xx')]).catch((e: unknown) => e);
    expect(JSON.stringify(error)).not.toContain('1912121212');
    expect(String((error as Error).message)).not.toContain('1912121212');
  });

  it('answers FindContent with that resident only, filtered by domain, categorization and source', async () => {
    const r = nextResident();
    const other = nextResident();
    await applyUpdate(db(), [
      dia(r, TAKECARE, { mostRecentContent: T0 }),
      dia(r, COSMIC, { mostRecentContent: T1 }),
      { ...dia(r, TAKECARE), categorization: 'voo' },
      { ...dia(r, TAKECARE), serviceDomain: ACTOUTCOME, categorization: 'und-kkm-ure' },
      dia(other, TAKECARE),
    ]);
    const all = await findContent(db(), { registeredResidentIdentification: r, serviceDomain: DESCRIPTION });
    // Ordered by categorization, then source system.
    expect(all.map((e) => [e.categorization, e.sourceSystem])).toEqual([['dia', TAKECARE], ['dia', COSMIC], ['voo', TAKECARE]]);
    expect(all.every((e) => e.registeredResidentIdentification === r)).toBe(true);

    const ask = (q: object) => findContent(db(), { registeredResidentIdentification: r, serviceDomain: DESCRIPTION, ...q });
    expect((await ask({ categorization: 'dia' })).map((e) => e.sourceSystem)).toEqual([TAKECARE, COSMIC]);
    expect((await ask({ categorization: 'dia', sourceSystem: COSMIC })).map((e) => e.sourceSystem)).toEqual([COSMIC]);
    expect((await ask({ logicalAddress: TAKECARE })).map((e) => e.categorization)).toEqual(['dia', 'voo']);
    expect((await ask({ mostRecentContent: T1 })).map((e) => e.sourceSystem)).toEqual([COSMIC]);
    expect(await ask({ categorization: 'upp' })).toEqual([]);
    expect(await ask({ owner: 'SE2321000016-OTHER' })).toEqual([]);
    expect((await findContent(db(), { registeredResidentIdentification: r, serviceDomain: ACTOUTCOME })).map((e) => e.categorization)).toEqual(['und-kkm-ure']);
    expect(await findContent(db(), { registeredResidentIdentification: nextResident(), serviceDomain: DESCRIPTION })).toEqual([]);
  });

  it('refuses a FindContent with a malformed resident id or an empty filter, naming the field', async () => {
    await expect(findContent(db(), { registeredResidentIdentification: '1212121212', serviceDomain: DESCRIPTION })).rejects.toMatchObject({
      code: 'JOURNALEN_INPUT_INVALID',
      details: { field: 'registeredResidentIdentification' },
    });
    await expect(findContent(db(), { registeredResidentIdentification: nextResident(), serviceDomain: '' })).rejects.toMatchObject({
      details: { field: 'serviceDomain' },
    });
    await expect(findContent(db(), { registeredResidentIdentification: nextResident(), serviceDomain: DESCRIPTION, categorization: '' })).rejects.toMatchObject({
      message: 'categorization: is empty; leave it out to match every value',
    });
  });

  it('refuses a malformed resident id in the database itself', async () => {
    await expect(
      db().insert(engagement).values({
        id: 'x', registeredResidentIdentification: '19121212-1212', serviceDomain: DESCRIPTION, categorization: 'dia', logicalAddress: 'A',
        businessObjectInstanceIdentifier: 'NA', clinicalProcessInterestId: 'NA', sourceSystem: 'A', dataController: 'D', owner: 'O',
      }),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ code: '23514' }) });
  });

  it('applies notifications from another index: drops its own, replaces its own copy when the owner changed', async () => {
    const r = nextResident();
    await applyUpdate(db(), [dia(r, TAKECARE), dia(r, COSMIC)]);
    const OTHER_INDEX = 'SE2321000016-EI01';
    const result = await applyNotification(db(), [{ ...dia(r, TAKECARE), owner: OTHER_INDEX }, { ...dia(r, COSMIC), owner: JOURNALEN_HSA_ID }]);
    expect(result).toMatchObject({ created: 1, circular: 1 });
    const stored = await findContent(db(), { registeredResidentIdentification: r, serviceDomain: DESCRIPTION });
    expect(stored.map((e) => [e.sourceSystem, e.owner])).toEqual([[TAKECARE, OTHER_INDEX], [COSMIC, JOURNALEN_HSA_ID]]);
    await expect(applyNotification(db(), [dia(r)])).rejects.toMatchObject({ details: { field: 'engagements[0].owner' } });
  });

  it('answers FindContent from the (resident, domain, categorization) index', async () => {
    // Enough residents that a sequential scan would cost more than the index, then fresh statistics.
    const batch = (from: number) =>
      Array.from({ length: 1000 }, (_, i) => dia(`20${String(from + i).padStart(10, '0')}`, TAKECARE));
    for (let from = 0; from < 4000; from += 1000) await applyUpdate(db(), batch(from));
    await db().execute(sql`analyze engagement`);
    const statement = findContentStatement(db(), { registeredResidentIdentification: '200000000042', serviceDomain: DESCRIPTION, categorization: 'dia' });
    const plan = await db().execute(sql`explain `.append(statement.getSQL()));
    const text = (plan as unknown as { rows: Record<string, string>[] }).rows.map((row) => Object.values(row).join('')).join('\n');
    expect(text).toContain('engagement_resident_domain_categorization_idx');
    expect(text).not.toMatch(/Seq Scan/);
    // Without the categorization the index still serves (resident, domain) as its prefix.
    const wider = findContentStatement(db(), { registeredResidentIdentification: '200000000042', serviceDomain: DESCRIPTION });
    const widerPlan = await db().execute(sql`explain `.append(wider.getSQL()));
    expect(JSON.stringify((widerPlan as unknown as { rows: unknown[] }).rows)).toContain('engagement_resident_domain_categorization_idx');
  });
});
