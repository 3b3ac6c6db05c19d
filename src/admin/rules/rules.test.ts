import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEntry, disclosurePolicyVersion } from '../../db/schema.js';
import { DEFAULT_POLICIES, defaultPolicy } from '../../disclosure/index.js';
import type { DisclosurePolicy } from '../../disclosure/policy.js';
import { isJournalenError } from '../../errors/index.js';
import { onInvalidPolicyVersion, policiesInForce, policyInForce, seedDefaultPolicies, type InvalidPolicyVersion } from '../../registry/policies.js';
import { seedRegistry } from '../../registry/store.js';
import { describeEachDatabase } from '../../testing/databases.js';
import { diffPolicies } from './diff.js';
import { policyProblems, validatePolicy } from './schema.js';
import { createVersion, listVersions, restoreVersion } from './versions.js';

const admin = { id: '199001012384', role: 'administrator' as const, name: 'Test Admin' };
const ADMIN_BASIS = { kind: 'administrator' as const, comment: 'test' };

describe('the policy schema', () => {
  it('accepts every region’s default rules', () => {
    for (const p of DEFAULT_POLICIES) expect(policyProblems(p), p.regionCode).toEqual([]);
  });

  it('names the field of a negative delay, an unknown kind, an unknown information type and a bad date', () => {
    const base = defaultPolicy('12');
    const check = (p: unknown) => {
      try {
        validatePolicy(p);
        return undefined;
      } catch (error) {
        expect(isJournalenError(error, 'INPUT_INVALID')).toBe(true);
        return (error as { details: { field: string } }).details.field;
      }
    };
    expect(check({ ...base, signedNotes: { delay: { kind: 'afterDays', days: -1 }, basis: ADMIN_BASIS } })).toBe('policy.signedNotes.delay.days');
    expect(check({ ...base, radrum: { kind: 'sometimes', basis: ADMIN_BASIS } })).toBe('policy.radrum.kind');
    expect(check({ ...base, hiddenInfoTypes: [{ infoType: 'xray', basis: ADMIN_BASIS }] })).toBe('policy.hiddenInfoTypes[0].infoType');
    expect(check({ ...base, startDates: [{ infoTypes: ['note'], from: '2015-02-30', basis: ADMIN_BASIS }] })).toBe('policy.startDates[0].from');
    expect(check({ ...base, signedNotes: { delay: { kind: 'afterDays', days: 1.5 }, basis: ADMIN_BASIS } })).toBe('policy.signedNotes.delay.days');
    expect(check(base)).toBeUndefined();
  });
});

describe('diffPolicies', () => {
  it('lists the clauses whose rule changed, ignoring bases', () => {
    const a = defaultPolicy('12');
    const b: DisclosurePolicy = { ...a, signedNotes: { delay: { kind: 'afterDays', days: 3 }, basis: ADMIN_BASIS }, excludedKeywords: [{ value: 'Hot', basis: ADMIN_BASIS }] };
    const changes = diffPolicies(a, b);
    expect(changes.map((c) => c.clause)).toEqual(['signedNotes', 'excludedKeywords']);
    expect(changes[0]!.after.sv).toBe('visas efter 3 dagar');
    expect(diffPolicies(a, { ...a, radrum: { ...a.radrum, basis: ADMIN_BASIS } })).toEqual([]);
  });
});

describeEachDatabase('rule versions', (getDb) => {
  const T0 = new Date('2026-11-01T10:00:00+01:00');
  const clock = () => T0;

  beforeAll(async () => {
    await seedRegistry(getDb().db);
    await seedDefaultPolicies(getDb().db);
  });

  it('stores a change as a new version from its moment, keeps the history, and audits before and after in one go', async () => {
    const { db } = getDb();
    const before = defaultPolicy('12');
    const after: DisclosurePolicy = { ...before, signedNotes: { delay: { kind: 'afterDays', days: 7 }, basis: ADMIN_BASIS } };
    const from = new Date('2026-12-01T00:00:00+01:00');
    const created = await createVersion(db, admin, '12', after, from, { now: clock, note: 'Sju dagar' });
    expect(created.version).toBe(2);
    expect(created.changes.map((c) => c.clause)).toEqual(['signedNotes']);
    expect((await policyInForce(db, '12', new Date('2026-11-30T23:59:59+01:00')))?.version).toBe(1);
    expect((await policyInForce(db, '12', from))?.policy).toEqual(after);
    const versions = await listVersions(db, '12', T0);
    expect(versions.map((v) => [v.version, v.status])).toEqual([[2, 'pending'], [1, 'inForce']]);
    expect(versions[0]).toMatchObject({ createdBy: admin.id, note: 'Sju dagar' });

    const [entry] = await db.select().from(auditEntry).where(eq(auditEntry.kind, 'rulesChanged')).orderBy(auditEntry.seq);
    expect(entry).toMatchObject({ actor: admin.id, actorRole: 'administrator', subject: null });
    const details = entry!.details as { before: unknown; after: unknown; version: number; changedClauses: string[] };
    expect(details.before).toEqual(before);
    expect(details.after).toEqual(after);
    expect(details.version).toBe(2);
    expect(details.changedClauses).toEqual(['signedNotes']);
  });

  it('refuses a moment in the past, an invalid policy and another region’s policy, storing nothing', async () => {
    const { db } = getDb();
    const count = async () => (await db.select().from(disclosurePolicyVersion).where(eq(disclosurePolicyVersion.regionCode, '03'))).length;
    const n = await count();
    await expect(createVersion(db, admin, '03', defaultPolicy('03'), new Date('2026-10-01T00:00:00Z'), { now: clock })).rejects.toMatchObject({ code: 'JOURNALEN_INPUT_INVALID', details: { field: 'effectiveFrom' } });
    await expect(createVersion(db, admin, '03', { ...defaultPolicy('03'), scopedDelays: [{ infoTypes: [], days: 3, label: { sv: 'x', en: 'x' }, basis: ADMIN_BASIS }] }, 'now', { now: clock })).rejects.toMatchObject({ details: { field: 'policy.scopedDelays[0].infoTypes' } });
    await expect(createVersion(db, admin, '03', defaultPolicy('04'), 'now', { now: clock })).rejects.toMatchObject({ details: { field: 'policy.regionCode' } });
    expect(await count()).toBe(n);
  });

  it('restores an earlier version as a new one, leaving the history as it was', async () => {
    const { db } = getDb();
    const changed: DisclosurePolicy = { ...defaultPolicy('05'), unsignedNotes: { kind: 'never', basis: ADMIN_BASIS } };
    const v2 = await createVersion(db, admin, '05', changed, 'now', { now: clock });
    const later = () => new Date(T0.getTime() + 60_000);
    const v3 = await restoreVersion(db, admin, '05', 1, 'now', { now: later });
    expect([v2.version, v3.version]).toEqual([2, 3]);
    expect((await policyInForce(db, '05', later()))?.policy).toEqual(defaultPolicy('05'));
    expect((await policyInForce(db, '05', later()))?.version).toBe(3);
    expect((await listVersions(db, '05', later())).map((v) => v.version)).toEqual([3, 2, 1]);
    await expect(restoreVersion(db, admin, '05', 9, 'now', { now: later })).rejects.toMatchObject({ code: 'JOURNALEN_NOT_FOUND' });
  });

  it('fails closed on a stored version that is not a valid policy, and reports it without record data', async () => {
    const { db } = getDb();
    const reports: InvalidPolicyVersion[] = [];
    onInvalidPolicyVersion((r) => reports.push(r));
    await db.insert(disclosurePolicyVersion).values({ regionCode: '06', version: 2, effectiveFrom: new Date('2026-01-01T00:00:00Z'), policy: { ...defaultPolicy('06'), radrum: { kind: 'whenever' } }, createdBy: 'broken editor' });
    expect(await policyInForce(db, '06', T0)).toBeUndefined();
    const all = await policiesInForce(db, T0);
    expect(all.find((p) => p.regionCode === '06')).toBeUndefined();
    expect(all.length).toBe(20);
    expect(reports[0]).toMatchObject({ regionCode: '06', version: 2, field: 'policy.radrum.kind' });
    const listed = await listVersions(db, '06', T0);
    expect(listed[0]).toMatchObject({ version: 2, status: 'inForce', policy: null, problem: { field: 'policy.radrum.kind' } });
    // Before it took effect, the valid version 1 still answers.
    expect((await policyInForce(db, '06', new Date('2025-12-31T00:00:00Z')))?.version).toBe(1);
    const [rows] = await db.select().from(disclosurePolicyVersion).where(and(eq(disclosurePolicyVersion.regionCode, '06'), eq(disclosurePolicyVersion.version, 2)));
    expect(rows).toBeDefined();
  });
});
