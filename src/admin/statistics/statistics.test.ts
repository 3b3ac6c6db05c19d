import { beforeAll, describe, expect, it } from 'vitest';
import type { SourceStatus } from '../../aggregation/fetch-record.js';
import { appendAudit } from '../../audit/index.js';
import { upsertCareProviders } from '../../record/directory.js';
import { seedRegistry } from '../../registry/store.js';
import { describeEachDatabase } from '../../testing/databases.js';
import { defaultRange, gatherStatistics, loginsPerMonth, producerStatistics, quantileBound, recordSourceStatuses, statisticsCsv, viewsPerInfoType, viewsPerRegion } from './index.js';

const person = (n: number) => `19800101${String(1000 + n)}`;
const at = (iso: string) => new Date(iso);

describe('statistics helpers', () => {
  it('finds the bucket of a quantile', () => {
    expect(quantileBound([0, 0, 0], 0.5)).toBeNull();
    expect(quantileBound([5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0.5)).toBe(50);
    expect(quantileBound([5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0.95)).toBe(100);
    expect(quantileBound([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3], 0.5)).toBeNull();
  });

  it('defaults to the last twelve whole months', () => {
    expect(defaultRange(at('2026-03-15T12:00:00Z'))).toEqual({ from: '2025-04-01', to: '2026-03-15' });
  });
});

describeEachDatabase('statistics aggregation', (getDb) => {
  const db = () => getDb().db;
  const range = { from: '2026-01-01', to: '2026-02-28' };

  beforeAll(async () => {
    await seedRegistry(db());
    await upsertCareProviders(db(), [
      { hsaId: 'SE2321000016-R05A', name: 'Region Östergötland', regionCode: '05' },
      { hsaId: 'SE2321000016-R12A', name: 'Region Skåne', regionCode: '12' },
    ]);
    // January: 7 logins by 3 residents; February: 2 logins; one refused login that never counts.
    for (let i = 0; i < 7; i++) await appendAudit(db(), { kind: 'login', actor: { id: person(i % 3), role: 'self' }, subject: person(i % 3), details: { outcome: 'allowed' }, at: at(`2026-01-${10 + i}T10:00:00Z`) });
    for (let i = 0; i < 2; i++) await appendAudit(db(), { kind: 'login', actor: { id: person(i), role: 'self' }, subject: person(i), details: { outcome: 'allowed' }, at: at(`2026-02-0${3 + i}T10:00:00Z`) });
    await appendAudit(db(), { kind: 'login', actor: { id: person(9), role: 'self' }, subject: person(9), details: { outcome: 'refused' }, at: at('2026-01-20T10:00:00Z') });
    // Just after midnight Swedish time on 1 January is still 31 December UTC: counted in January.
    await appendAudit(db(), { kind: 'login', actor: { id: person(1), role: 'self' }, subject: person(1), details: { outcome: 'allowed' }, at: at('2025-12-31T23:30:00Z') });
    // Reads on 14 January: 6 drawing on region 05 (one also on 12), 2 more on region 12 only.
    for (let i = 0; i < 6; i++) {
      const sources = i === 0 ? [{ careGiverHsaId: 'SE2321000016-R05A' }, { careGiverHsaId: 'SE2321000016-R12A' }, { careGiverHsaId: 'SE2321000016-R05A' }] : [{ careGiverHsaId: 'SE2321000016-R05A' }];
      await appendAudit(db(), { kind: 'recordRead', actor: { id: person(i), role: 'self' }, subject: person(i), details: { informationTypes: i < 5 ? ['note', 'diagnosis'] : ['note'], sources }, at: at(`2026-01-14T0${i}:00:00Z`) });
    }
    for (let i = 0; i < 2; i++) {
      await appendAudit(db(), { kind: 'recordRead', actor: { id: person(i), role: 'self' }, subject: person(i), details: { informationTypes: ['vaccination'], sources: [{ careGiverHsaId: 'SE2321000016-R12A' }] }, at: at(`2026-01-14T1${i}:00:00Z`) });
    }
  });

  it('counts logins and unique residents per Swedish month, suppressing counts below 5', async () => {
    expect(await loginsPerMonth(db(), range)).toEqual([
      { month: '2026-01', logins: 8, uniqueUsers: null },
      { month: '2026-02', logins: null, uniqueUsers: null },
    ]);
  });

  it('counts views per information type, suppressing below 5', async () => {
    expect(await viewsPerInfoType(db(), range)).toEqual([
      { infoType: 'note', views: 6 },
      { infoType: 'diagnosis', views: 5 },
      { infoType: 'vaccination', views: null },
    ]);
  });

  it('counts views per region of the care providers, once per view, per day and in all', async () => {
    const { total, perDay } = await viewsPerRegion(db(), range);
    expect(total).toEqual([
      { regionCode: '05', views: 6 },
      { regionCode: '12', views: null },
    ]);
    expect(perDay).toEqual([
      { day: '2026-01-14', regionCode: '05', views: 6 },
      { day: '2026-01-14', regionCode: '12', views: null },
    ]);
  });

  it('hides a region\'s total when one of its days is hidden, so no day can be worked out by subtraction', async () => {
    // 5 more reads of region 12 on another day: that day and the sum (8) would reveal 14 January's 3.
    for (let i = 0; i < 5; i++) {
      await appendAudit(db(), { kind: 'recordRead', actor: { id: person(i), role: 'self' }, subject: person(i), details: { informationTypes: ['note'], sources: [{ careGiverHsaId: 'SE2321000016-R12A' }] }, at: at(`2026-01-20T0${i}:00:00Z`) });
    }
    const { total, perDay } = await viewsPerRegion(db(), range);
    expect(perDay).toContainEqual({ day: '2026-01-20', regionCode: '12', views: 5 });
    expect(perDay).toContainEqual({ day: '2026-01-14', regionCode: '12', views: null });
    expect(total).toContainEqual({ regionCode: '12', views: null });
    expect(total).toContainEqual({ regionCode: '05', views: 6 });
  });

  it('adds producer calls into daily rows and reports availability and p50/p95 per source system', async () => {
    const status = (over: Partial<SourceStatus>): SourceStatus => ({ logicalAddress: 'SE2321000016-COSM', systemName: 'Cosmic', contract: 'GetDiagnosis', version: '2', infoType: 'diagnosis', status: 'answered', itemCount: 1, durationMs: 40, ...over }) as SourceStatus;
    const day = at('2026-01-20T09:00:00Z');
    await recordSourceStatuses(db(), [status({}), status({ durationMs: 90 }), status({ contract: 'GetCareDocumentation', durationMs: 180 }), status({ status: 'noRoute', durationMs: 0 })], day);
    await recordSourceStatuses(db(), [status({ status: 'timedOut', durationMs: 3000 }), ...Array.from({ length: 16 }, () => status({ durationMs: 30 }))], day);
    await recordSourceStatuses(db(), [status({ logicalAddress: 'SE2321000016-MELI', systemName: 'Melior', status: 'failed', durationMs: 10 })], at('2026-03-01T09:00:00Z'));
    const stats = await producerStatistics(db(), range);
    expect(stats).toHaveLength(1);
    expect(stats[0]).toMatchObject({ logicalAddress: 'SE2321000016-COSM', systemName: 'Cosmic', calls: 20, failures: 1, availability: 0.95, p50Ms: 50, p95Ms: 200 });
  });

  it('writes one CSV with suppressed counts as <5', async () => {
    const csv = statisticsCsv(await gatherStatistics(db(), range));
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('"statistic","period","dimension","measure","value"');
    expect(lines).toContain('"logins","2026-01","","logins",8');
    expect(lines).toContain('"logins","2026-01","","uniqueUsers",<5');
    expect(lines).toContain('"viewsPerRegion","2026-01-14","12","views",<5');
    expect(lines).toContain('"producer","2026-01-01/2026-02-28","Cosmic SE2321000016-COSM","availability",0.95');
  });
});
