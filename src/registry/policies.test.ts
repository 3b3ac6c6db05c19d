import { beforeAll, expect, it } from 'vitest';
import { disclosurePolicyVersion } from '../db/schema.js';
import { DEFAULT_POLICIES, defaultPolicy } from '../disclosure/index.js';
import { describeEachDatabase } from '../testing/databases.js';
import { policiesInForce, policyInForce, seedDefaultPolicies } from './policies.js';
import { seedRegistry } from './store.js';

describeEachDatabase('disclosure policy versions', (getDb) => {
  beforeAll(async () => {
    await seedRegistry(getDb().db);
    expect(await seedDefaultPolicies(getDb().db)).toBe(21);
  });

  it('stores the seed rules of every region as version 1, unchanged by the round trip', async () => {
    const all = await policiesInForce(getDb().db, new Date());
    expect(all).toHaveLength(21);
    for (const v of all) {
      expect(v.version).toBe(1);
      expect(v.policy).toEqual(DEFAULT_POLICIES.find((p) => p.regionCode === v.regionCode));
    }
  });

  it('seeds only once', async () => {
    expect(await seedDefaultPolicies(getDb().db)).toBe(0);
  });

  it('puts a later version in force from its moment, keeping the earlier one for before', async () => {
    const { db } = getDb();
    const changed = { ...defaultPolicy('21'), unsignedNotes: { kind: 'never' as const, basis: { kind: 'administrator' as const } } };
    await db.insert(disclosurePolicyVersion).values({
      regionCode: '21', version: 2, effectiveFrom: new Date('2027-01-01T00:00:00+01:00'), policy: changed, createdBy: 'test',
    });
    expect((await policyInForce(db, '21', new Date('2026-12-31T23:59:59+01:00')))?.version).toBe(1);
    const v2 = await policyInForce(db, '21', new Date('2027-01-01T00:00:00+01:00'));
    expect(v2).toMatchObject({ version: 2, createdBy: 'test', policy: { unsignedNotes: { kind: 'never' } } });
    const all = await policiesInForce(db, new Date('2027-06-01T00:00:00Z'));
    expect(all.find((p) => p.regionCode === '21')?.version).toBe(2);
    expect(all).toHaveLength(21);
  });

  it('has nothing in force for a region before its first version', async () => {
    expect(await policyInForce(getDb().db, '01', new Date('1969-12-31T00:00:00Z'))).toBeUndefined();
  });
});
