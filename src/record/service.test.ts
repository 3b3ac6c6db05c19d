import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { simulatedRegister } from '../demo/register.js';
import { readAccessLog, verifyAuditChain } from '../audit/index.js';
import { createAggregator } from '../aggregation/fetch-record.js';
import { addDays, swedishDate } from '../domain/time.js';
import { isJournalenError } from '../errors/index.js';
import { careUnitByHsaId } from '../simulators/care-units.js';
import { TOLVAN, type Population } from '../simulators/population.js';
import { describeEachDatabase } from '../testing/databases.js';
import { startWorld, type World } from '../testing/world.js';
import { addCareSeal, saveChoices, setAccountSeal } from './protections.js';
import { createRecordService, parseItemKey, type RecordService, type Viewer } from './service.js';

describeEachDatabase('record service', (getDb) => {
  let world: World;
  let population: Population;
  let service: RecordService;

  beforeAll(async () => {
    world = await startWorld(getDb());
    population = world.sources.population;
    const aggregator = createAggregator({ db: getDb().db, describeSource: world.sources.describeSource });
    service = createRecordService({
      db: getDb().db,
      register: simulatedRegister(population),
      aggregate: aggregator.aggregateRecord,
      handleKey: 'test-key',
      directory: undefined,
    });
  });
  afterAll(async () => world?.close());

  const viewer = (which: Parameters<Population['special']>[0]): Viewer => {
    const r = population.special(which);
    return { personnummer: r.personnummer, name: `${r.givenName} ${r.familyName}` };
  };
  const self = { relation: 'self' } as const;
  const forbidden = async (run: () => Promise<unknown>) => {
    const error = await run().then(() => undefined, (e: unknown) => e);
    expect(isJournalenError(error, 'FORBIDDEN')).toBe(true);
    return error as { details: { basis: string } };
  };
  const readsOf = async (subject: string) => (await readAccessLog(getDb().db, subject, { limit: 100 })).entries;

  it('shows Tolvan his record from every source, only what the rules allow, newest first, after the audit entry', async () => {
    const before = (await readsOf(TOLVAN)).length;
    const view = await service.read(viewer('tolvan'), self);
    expect(view.items.length).toBeGreaterThan(50);
    expect(view.items.every((s) => s.item.patientId === TOLVAN)).toBe(true);
    expect(view.items.every((s) => s.item.approvedForPatient && !s.item.nullified)).toBe(true);
    const times = view.items.map((s) => s.item.time.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(view.sources.every((s) => s.status === 'answered')).toBe(true);
    expect(new Set(view.items.map((s) => s.region?.code)).size).toBeGreaterThan(1);
    // Everything withheld has a date and a reason, and none of it is in the items.
    expect(view.withheld.every((w) => w.visibleFrom > swedishDate(new Date()) && w.reason.sv !== '')).toBe(true);

    const log = await readsOf(TOLVAN);
    expect(log.length).toBe(before + 1);
    expect(log[0]!.viewer).toEqual({ role: 'self', name: 'Tolvan Tolvansson' });
    expect(new Set(log[0]!.informationTypes)).toEqual(new Set(view.items.map((s) => s.item.infoType)));
    expect((await verifyAuditChain(getDb().db)).ok).toBe(true);
  });

  it('hides what the producer did not approve and what is still within the rules\' delays', async () => {
    const raw = world.sources.simulators.systems.flatMap((s) => population.itemsFor(TOLVAN, s.id)).filter((i) => i.time.getTime() <= Date.now());
    const view = await service.read(viewer('tolvan'), self);
    const shown = new Set(view.items.map((s) => s.item.id));
    const unapproved = raw.filter((i) => !i.approvedForPatient);
    expect(unapproved.length).toBeGreaterThan(0);
    expect(unapproved.filter((i) => shown.has(i.id))).toEqual([]);
    expect(raw.length).toBeGreaterThan(view.items.length);
  });

  it('applies a care unit\'s specialty from the care directory: Skåne\'s psychiatric inpatient notes wait 28 days', async () => {
    const resident = population.special('multiRegion');
    const raw = world.sources.simulators.systems.flatMap((s) => population.itemsFor(resident.personnummer, s.id, 'note'));
    const today = swedishDate(new Date());
    const recentPsych = raw.filter((i) => {
      const unit = careUnitByHsaId(i.careUnit.hsaId ?? '');
      return unit?.regionCode === '12' && unit.specialty === 'psychiatry' && unit.inpatient && i.approvedForPatient && i.signed && i.time.getTime() <= Date.now() && addDays(swedishDate(i.time), 28) > today;
    });
    const view = await service.read({ personnummer: resident.personnummer }, self, { infoTypes: ['note'] });
    const shown = new Set(view.items.map((s) => s.item.id));
    for (const note of recentPsych) expect(shown.has(note.id)).toBe(false);
    if (recentPsych.length > 0) expect(view.withheld.some((w) => w.reason.code === 'SCOPED_DELAY')).toBe(true);
    // The contracts do not carry the specialty; the catalogue filled it in.
    expect(view.items.filter((s) => s.item.specialty !== undefined).length).toBeGreaterThan(0);
  });

  it('filters by type, period, region and text', async () => {
    const all = await service.read(viewer('tolvan'), self);
    const notes = await service.read(viewer('tolvan'), self, { infoTypes: ['note'] });
    expect(notes.items.length).toBe(all.items.filter((s) => s.item.infoType === 'note').length);
    const code = all.items[0]!.region!.code;
    const inRegion = await service.read(viewer('tolvan'), self, { regionCode: code });
    expect(inRegion.items.length).toBe(all.items.filter((s) => s.region?.code === code).length);
    const day = swedishDate(all.items[5]!.item.time);
    const onDay = await service.read(viewer('tolvan'), self, { from: day, to: day });
    expect(onDay.items.every((s) => swedishDate(s.item.time) === day)).toBe(true);
    expect(onDay.items.length).toBeGreaterThan(0);
    const title = all.items.find((s) => s.item.title)!.item.title!;
    const found = await service.read(viewer('tolvan'), self, { text: title.toUpperCase() });
    expect(found.items.length).toBeGreaterThan(0);
  });

  it('gives one item by its key, audited as an item read, and NOT_FOUND for keys not shown', async () => {
    const overview = await service.overview(viewer('tolvan'), self);
    const latest = overview.types.find((t) => t.latest)!.latest!;
    const { item } = await service.item(viewer('tolvan'), self, latest.key);
    expect(item.item.id).toBe(latest.item.id);
    expect(parseItemKey(latest.key).infoType).toBe(latest.item.infoType);
    expect((await readsOf(TOLVAN))[0]!.kind).toBe('itemRead');
    for (const bad of ['x', 'bm90ZQ', '%%%', '']) {
      await expect(service.item(viewer('tolvan'), self, bad)).rejects.toMatchObject({ code: 'JOURNALEN_NOT_FOUND' });
    }
  });

  it('lets a guardian read a child under 13, not a 13-15 year old, and withholds a protected child without saying why', async () => {
    const guardian = viewer('guardianA');
    const children = await service.children(guardian);
    const young = children.find((c) => c.age !== null && c.age < 13)!;
    const teen = children.find((c) => c.age !== null && c.age >= 13 && c.age < 16)!;
    expect(young.allowed).toBe(true);
    expect(teen.allowed).toBe(false);
    const view = await service.read(guardian, { relation: 'guardian', child: young.handle });
    expect(view.subject.relation).toBe('guardian');
    expect((await readsOf(population.special('child0to12').personnummer))[0]!.viewer.role).toBe('guardian');
    await forbidden(() => service.read(guardian, { relation: 'guardian', child: teen.handle }));

    const protectedGuardian = viewer('protectedChildGuardian');
    const [protectedChild] = await service.children(protectedGuardian);
    expect(protectedChild!.allowed).toBe(false);
    expect(protectedChild!.reason.code).toBe('GUARDIAN_ACCESS_WITHHELD');
    const refused = await forbidden(() => service.read(protectedGuardian, { relation: 'guardian', child: protectedChild!.handle }));
    expect(refused.details.basis).toBe('GUARDIAN_ACCESS_WITHHELD');
    // Someone else's child handle, or a made-up one, is just "not your child".
    await forbidden(() => service.read(viewer('tolvan'), { relation: 'guardian', child: young.handle }));
    await forbidden(() => service.read(guardian, { relation: 'guardian', child: 'AAAAAAAAAAAAAAAAAAAAAA' }));
  });

  it('refuses a sealed account, and hides a sealed care unit\'s items, for anyone', async () => {
    const resident = population.residentAt(20);
    const me: Viewer = { personnummer: resident.personnummer };
    const before = await service.read(me, self);
    const unit = before.items[0]!.item.careUnit.hsaId!;
    await addCareSeal(getDb().db, { id: 'SE2321000016-ADM1', role: 'administrator' }, { kind: 'careUnit', subject: resident.personnummer, careUnitHsaId: unit, setBy: 'care' });
    const sealedUnit = await service.read(me, self);
    expect(sealedUnit.items.some((s) => s.item.careUnit.hsaId === unit)).toBe(false);
    expect(sealedUnit.items.length).toBeLessThan(before.items.length);
    // With part of the record sealed, the sources named are only those something shown came from.
    const contributed = new Set(sealedUnit.items.map((s) => `${s.item.sourceSystemHsaId}|${s.item.infoType}`));
    expect(sealedUnit.sources.every((s) => contributed.has(`${s.logicalAddress}|${s.infoType}`))).toBe(true);
    expect(before.sources.length).toBeGreaterThanOrEqual(sealedUnit.sources.length);

    await setAccountSeal(getDb().db, { id: resident.personnummer, role: 'self' }, resident.personnummer, true);
    const refused = await forbidden(() => service.read(me, self));
    expect(refused.details.basis).toBe('ACCOUNT_SEALED');
    await setAccountSeal(getDb().db, { id: resident.personnummer, role: 'self' }, resident.personnummer, false);
    expect((await service.read(me, self)).items.length).toBe(sealedUnit.items.length);
  });

  it('applies the resident\'s choice to hide the last 14 days', async () => {
    const resident = population.residentAt(21);
    const me: Viewer = { personnummer: resident.personnummer };
    await saveChoices(getDb().db, { id: resident.personnummer, role: 'self' }, resident.personnummer, { showUnsigned: false, hideRecent: true });
    const view = await service.read(me, self);
    const cutoff = addDays(swedishDate(new Date()), -14);
    expect(view.items.every((s) => swedishDate(s.item.time) <= cutoff)).toBe(true);
    expect(view.choices.hideRecent).toBe(true);
  });

  it('refuses a deceased resident and a child under 16 reading their own record', async () => {
    await forbidden(() => service.read(viewer('deceased'), self));
    await forbidden(() => service.read(viewer('child13to15'), self));
    expect((await service.mayLogIn(population.special('samordningsnummer').personnummer)).allowed).toBe(false);
    expect((await service.mayLogIn(TOLVAN)).allowed).toBe(true);
  });

  it('still shows the rest when a source system is down or sends another patient\'s items, naming what is missing', async () => {
    const sims = world.sources.simulators;
    for (const kind of ['down', 'http500', 'soapFault', 'malformedXml', 'otherPatient'] as const) {
      const fault = kind;
      await sims.setFault('cosmic', { kind });
      try {
        const view = await service.read(viewer('tolvan'), self);
        expect(view.items.length, fault).toBeGreaterThan(0);
        expect(view.items.every((s) => s.item.patientId === TOLVAN), fault).toBe(true);
        const cosmic = view.sources.filter((s) => s.logicalAddress === sims.system('cosmic').logicalAddress);
        expect(cosmic.length, fault).toBeGreaterThan(0);
        expect(cosmic.map((s) => [s.status, s.systemName]).filter(([status, name]) => status !== 'failed' || name !== 'Cosmic'), fault).toEqual([]);
        expect(view.items.some((s) => s.item.sourceSystemHsaId === sims.system('cosmic').logicalAddress), fault).toBe(false);
      } finally {
        await sims.setFault('cosmic', null);
      }
    }
  });

  it('shows nothing when the audit entry cannot be written', async () => {
    const db = getDb().db;
    await db.execute(sql`alter table audit_entry rename to audit_entry_away`);
    try {
      const error = await service.read(viewer('tolvan'), self).then(() => undefined, (e: unknown) => e);
      expect(isJournalenError(error)).toBe(true);
      expect((error as { statusCode: number }).statusCode).toBeGreaterThanOrEqual(500);
    } finally {
      await db.execute(sql`alter table audit_entry_away rename to audit_entry`);
    }
  });
});
