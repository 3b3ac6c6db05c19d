import { asc, count, eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { type Database, type Db, openDatabase } from '../db/connection.js';
import { auditEntry } from '../db/schema.js';
import { isJournalenError, JournalenError } from '../errors/index.js';
import { describeEachDatabase, describePostgres } from '../testing/databases.js';
import { auditEntryHash, GENESIS_HASH } from './chain.js';
import { type AuditEntryInput, type AuditRecord, appendAudit, withAudit } from './log.js';
import { verifyAuditChain } from './verify.js';

const TOLVAN = '191212121212';
const CHILD = '201701012393';
const GUARDIAN = '198503142385';

const selfRead = (i = 0): AuditEntryInput => ({
  kind: 'recordRead',
  actor: { id: TOLVAN, role: 'self' },
  subject: TOLVAN,
  details: { informationTypes: ['note'], sources: [{ careUnitHsaId: `SE2321000016-${i}` }] },
});

async function entryCount(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(auditEntry);
  return row?.n ?? -1;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describeEachDatabase('audit log', (getDb) => {
  it('chains entries from the genesis hash, each carrying the hash of the one before', async () => {
    const { db } = getDb();
    const first = await appendAudit(db, { kind: 'login', actor: { id: TOLVAN, role: 'self' }, subject: TOLVAN, details: { method: 'bankid' } });
    const second = await appendAudit(db, selfRead());
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, kind: 'login', actor: TOLVAN, actorRole: 'self', actorName: null });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    expect(first.hash).toBe(auditEntryHash(first));

    const rows = await db.select().from(auditEntry).orderBy(asc(auditEntry.seq));
    expect(rows.map(({ id: _id, ...rest }) => rest)).toEqual([first, second]);
  });

  it("stamps entries with the database's clock, in chain order", async () => {
    const { db } = getDb();
    const before = Date.now();
    const records = [];
    for (let i = 0; i < 5; i++) records.push(await appendAudit(db, selfRead(i)));
    const times = records.map((r) => r.at.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // Same machine here, so the database clock and ours agree within a little.
    expect(times[0]).toBeGreaterThanOrEqual(before - 5_000);
    expect(times.at(-1)).toBeLessThanOrEqual(Date.now() + 5_000);
  });

  it('keeps a given time as given', async () => {
    const at = new Date('2026-11-23T08:00:00.001Z');
    const record = await appendAudit(getDb().db, { ...selfRead(), at });
    expect(record.at).toEqual(at);
  });

  it('stores a guardian, a change without a subject, and details as given', async () => {
    const { db } = getDb();
    const read = await appendAudit(db, {
      kind: 'itemRead',
      actor: { id: GUARDIAN, role: 'guardian', name: 'Anna Andersson' },
      subject: CHILD,
      details: { informationTypes: ['vaccination'], sources: [{ careUnitName: 'BVC Åsen' }], itemId: 'v-1' },
    });
    expect(read).toMatchObject({ actorRole: 'guardian', actorName: 'Anna Andersson', subject: CHILD, details: { itemId: 'v-1' } });
    const rules = await appendAudit(db, {
      kind: 'rulesChanged',
      actor: { id: 'SE2321000016-ADM1', role: 'administrator' },
      details: { region: '05', before: { version: 1 }, after: { version: 2 } },
    });
    expect(rules).toMatchObject({ subject: null, details: { after: { version: 2 } } });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it('gives back any storable details exactly as hashed, through jsonb (property)', async () => {
    const { db } = getDb();
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 })), async (details) => {
        let record: AuditRecord;
        try {
          record = await appendAudit(db, { kind: 'adminAction', actor: { id: 'operator-1', role: 'administrator' }, details });
        } catch (error) {
          // U+0000 and unpaired surrogates are refused up front, naming the field; nothing else may fail.
          if (isJournalenError(error, 'INTERNAL') && String(error.details.field).startsWith('details')) return;
          throw error;
        }
        const [row] = await db.select().from(auditEntry).where(eq(auditEntry.seq, record.seq));
        expect(auditEntryHash(row!)).toBe(record.hash);
      }),
      { numRuns: 40 },
    );
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    const { db } = getDb();
    await appendAudit(db, selfRead());
    for (const statement of [
      sql`update audit_entry set kind = 'login'`,
      sql`update audit_entry set kind = 'login' where false`,
      sql`delete from audit_entry where seq = 1`,
      sql`truncate audit_entry`,
    ]) {
      const error = (await caught(db.execute(statement))) as Error;
      expect(String((error.cause as Error | undefined)?.message ?? error.message)).toMatch(/audit_entry is append-only: (UPDATE|DELETE|TRUNCATE) refused/);
    }
    const error = await caught(db.update(auditEntry).set({ actorName: 'someone else' }));
    expect(String(((error as Error).cause as Error).message)).toMatch(/append-only/);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it('serialises 50 concurrent appends into one gap-free, valid chain', async () => {
    const { db } = getDb();
    const start = await entryCount(db);
    const records = await Promise.all(Array.from({ length: 50 }, (_, i) => appendAudit(db, selfRead(i))));
    const seqs = records.map((r) => r.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => start + 1 + i));
    const report = await verifyAuditChain(db, { batchSize: 16 });
    expect(report).toEqual({ ok: true, entries: start + 50, head: { seq: start + 50, hash: records.find((r) => r.seq === start + 50)?.hash } });
  });

  it('runs fn only once its entry is committed, and keeps the entry when fn fails', async () => {
    const { db } = getDb();
    const seen = await withAudit(db, selfRead(), async (record) => {
      // A separate query (another pooled connection on PostgreSQL) already sees the entry.
      const [row] = await db.select({ hash: auditEntry.hash }).from(auditEntry).where(sql`${auditEntry.seq} = ${record.seq}`);
      return row?.hash === record.hash;
    });
    expect(seen).toBe(true);

    const before = await entryCount(db);
    await expect(withAudit(db, selfRead(), () => Promise.reject(new Error('producer down')))).rejects.toThrow('producer down');
    expect(await entryCount(db)).toBe(before + 1);
  });

  it.each<[string, unknown]>([
    ['an unknown kind', { ...selfRead(), kind: 'peek' }],
    ['an unknown role', { ...selfRead(), actor: { id: TOLVAN, role: 'neighbour' } }],
    ['a personnummer with a separator', { ...selfRead(), actor: { id: '19121212-1212', role: 'self' }, subject: '19121212-1212' }],
    ['"self" reading someone else', { ...selfRead(), subject: CHILD }],
    ['a read without a subject', { ...selfRead(), subject: null }],
    ['a read without information types', { ...selfRead(), details: { sources: [] } }],
    ['an unknown information type', { ...selfRead(), details: { informationTypes: ['gossip'], sources: [] } }],
    ['details that are not JSON', { ...selfRead(), details: { informationTypes: ['note'], sources: [], when: new Date() } }],
    ['an invalid time', { ...selfRead(), at: new Date(Number.NaN) }],
    ['a name with a control character', { ...selfRead(), actor: { id: TOLVAN, role: 'self', name: 'Tolvan\u0007' } }],
  ])('refuses %s before writing anything, and fn never runs (INTERNAL, no identifier in the message)', async (_what, entry) => {
    const { db } = getDb();
    const before = await entryCount(db);
    const fn = vi.fn();
    const error = await caught(withAudit(db, entry as AuditEntryInput, fn));
    expect(isJournalenError(error, 'INTERNAL')).toBe(true);
    expect(fn).not.toHaveBeenCalled();
    expect(JSON.stringify((error as JournalenError).toJSON())).not.toMatch(/1212/);
    expect(await entryCount(db)).toBe(before);
  });

  it('fails closed when the database refuses the insert, without leaking the row into the error', async () => {
    const { db } = getDb();
    // A stand-in for any failure at insert time (disk full, a constraint, a killed session).
    await db.execute(sql`create function audit_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'refused for the test'; end $$`);
    await db.execute(sql`create trigger audit_test_refuse before insert on audit_entry for each row execute function audit_test_refuse()`);
    try {
      const before = await entryCount(db);
      const fn = vi.fn();
      const entry: AuditEntryInput = { ...selfRead(), actor: { id: TOLVAN, role: 'self', name: 'Tolvan Tolvansson' } };
      const error = await caught(withAudit(db, entry, fn));
      expect(isJournalenError(error, 'DATABASE_UNAVAILABLE')).toBe(true);
      expect(fn).not.toHaveBeenCalled();
      expect(await entryCount(db)).toBe(before);
      // drizzle's own error quotes every parameter; none of them may come along.
      const everything = JSON.stringify({ message: (error as Error).message, details: (error as JournalenError).details, cause: String((error as Error).cause) });
      expect(everything).toContain('refused for the test');
      expect(everything).not.toContain(TOLVAN);
      expect(everything).not.toContain('Tolvansson');
    } finally {
      await db.execute(sql`drop trigger audit_test_refuse on audit_entry`);
      await db.execute(sql`drop function audit_test_refuse()`);
    }
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it('refuses to run inside a transaction, where the entry could still roll back', async () => {
    const { db } = getDb();
    const fn = vi.fn();
    const error = await caught(db.transaction((tx) => withAudit(tx, selfRead(), fn)));
    expect(isJournalenError(error, 'INTERNAL')).toBe(true);
    expect(fn).not.toHaveBeenCalled();
  });

  it('appends inside a caller’s transaction, committing or rolling back with it', async () => {
    const { db } = getDb();
    const before = await entryCount(db);
    await caught(
      db.transaction(async (tx) => {
        await appendAudit(tx, { kind: 'sealChanged', actor: { id: TOLVAN, role: 'self' }, subject: TOLVAN, details: { before: false, after: true } });
        throw new Error('the change failed');
      }),
    );
    expect(await entryCount(db)).toBe(before);
    await db.transaction((tx) => appendAudit(tx, { kind: 'sealChanged', actor: { id: TOLVAN, role: 'self' }, subject: TOLVAN, details: { before: false, after: true } }));
    expect(await entryCount(db)).toBe(before + 1);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: before + 1 });
  });
});

function describeClosedDatabase(title: string, open: () => Promise<Database>): void {
  it(`${title}: a closed database fails closed with DATABASE_UNAVAILABLE and fn never runs`, async () => {
    const database = await open();
    await database.close();
    const fn = vi.fn();
    const error = await caught(withAudit(database.db, selfRead(), fn));
    expect(isJournalenError(error, 'DATABASE_UNAVAILABLE')).toBe(true);
    expect(fn).not.toHaveBeenCalled();
    expect((error as Error).message).not.toContain(TOLVAN);
  });
}

describe('audit log, database gone [pglite]', () => {
  describeClosedDatabase('pglite', () => openDatabase({ inMemory: true }));
});

describePostgres('audit log, several processes', (getUrl) => {
  describeClosedDatabase('postgres', () => openDatabase({ databaseUrl: getUrl() }));

  it('two processes appending at once still make one gap-free, valid chain', async () => {
    // Two pools are two processes as far as PostgreSQL is concerned: only its lock orders them.
    const [a, b] = await Promise.all([openDatabase({ databaseUrl: getUrl() }), openDatabase({ databaseUrl: getUrl() })]);
    try {
      const records = await Promise.all(
        Array.from({ length: 60 }, (_, i) => appendAudit((i % 2 === 0 ? a : b).db, selfRead(i))),
      );
      expect(records.map((r) => r.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      expect(await verifyAuditChain(a.db, { batchSize: 7 })).toMatchObject({ ok: true, entries: 60 });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
