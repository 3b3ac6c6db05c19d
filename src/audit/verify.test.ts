import { eq, sql } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import type { Db } from '../db/connection.js';
import { auditEntry } from '../db/schema.js';
import { isJournalenError } from '../errors/index.js';
import { describeEachDatabase } from '../testing/databases.js';
import { auditEntryHash } from './chain.js';
import { type AuditEntryInput, type AuditRecord, appendAudit } from './log.js';
import { verifyAuditChain } from './verify.js';

const TOLVAN = '191212121212';

const read = (i: number): AuditEntryInput => ({
  kind: 'recordRead',
  actor: { id: TOLVAN, role: 'self' },
  subject: TOLVAN,
  details: { informationTypes: ['note'], sources: [{ careUnitHsaId: `SE2321000016-${i}` }] },
});

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * What someone who owns the table could do: switch the append-only trigger off, change rows,
 * switch it on again. One transaction, so the trigger is never off for anyone else.
 */
async function tamper(db: Db, change: (tx: Tx) => Promise<unknown>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_entry disable trigger audit_entry_append_only`);
    await change(tx);
    await tx.execute(sql`alter table audit_entry enable trigger audit_entry_append_only`);
  });
}

async function appendMany(db: Db, n: number): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for (let i = 0; i < n; i++) records.push(await appendAudit(db, read(i)));
  return records;
}

/** A row that passes every constraint, for inserting forgeries directly. */
function forged(seq: number, prevHash: string, hash?: string) {
  const fields = {
    seq,
    at: new Date('2026-11-23T10:00:00.000Z'),
    kind: 'login' as const,
    actor: TOLVAN,
    actorRole: 'self' as const,
    actorName: null,
    subject: TOLVAN,
    details: {},
    prevHash,
  };
  return { ...fields, hash: hash ?? auditEntryHash(fields) };
}

describeEachDatabase('audit chain verification', (getDb) => {
  beforeEach(async () => {
    await tamper(getDb().db, (tx) => tx.execute(sql`truncate audit_entry restart identity`));
  });

  it('finds an empty log sound, with no head', async () => {
    expect(await verifyAuditChain(getDb().db)).toEqual({ ok: true, entries: 0, head: null });
  });

  it('verifies a long chain read in many batches, and reports its head', async () => {
    const { db } = getDb();
    const records = await appendMany(db, 120);
    const last = records.at(-1)!;
    for (const batchSize of [1, 7, 120, 1000]) {
      expect(await verifyAuditChain(db, { batchSize })).toEqual({ ok: true, entries: 120, head: { seq: 120, hash: last.hash } });
    }
  });

  it('names the entry whose content was changed', async () => {
    const { db } = getDb();
    await appendMany(db, 30);
    await tamper(db, (tx) => tx.update(auditEntry).set({ details: { informationTypes: [], sources: [] } }).where(eq(auditEntry.seq, 17)));
    expect(await verifyAuditChain(db, { batchSize: 5 })).toMatchObject({ ok: false, firstBrokenSeq: 17, reason: 'hashMismatch', entries: 16 });
  });

  it.each([
    ['the time', { at: new Date('2020-01-01T00:00:00.000Z') }],
    ['the actor', { actor: '198503142385', actorRole: 'guardian' as const }],
    ['the display name', { actorName: 'Someone Else' }],
    ['the kind', { kind: 'login' as const }],
  ])('notices a change of %s alone', async (_what, change) => {
    const { db } = getDb();
    await appendMany(db, 5);
    await tamper(db, (tx) => tx.update(auditEntry).set(change).where(eq(auditEntry.seq, 3)));
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, firstBrokenSeq: 3, reason: 'hashMismatch' });
  });

  it('names the next entry when a change came with a recomputed hash', async () => {
    const { db } = getDb();
    const records = await appendMany(db, 10);
    const original = records[5]!; // seq 6
    const rewritten = { ...original, actorName: 'Nobody' };
    await tamper(db, (tx) => tx.update(auditEntry).set({ actorName: 'Nobody', hash: auditEntryHash(rewritten) }).where(eq(auditEntry.seq, 6)));
    const report = await verifyAuditChain(db, { batchSize: 3 });
    expect(report).toMatchObject({ ok: false, firstBrokenSeq: 7, reason: 'prevHashMismatch' });
    expect(!report.ok && report.message).toBe('entry 7 does not carry the hash of entry 6: one of them was changed or forged');
  });

  it('names the first missing entry when one was deleted', async () => {
    const { db } = getDb();
    await appendMany(db, 12);
    await tamper(db, (tx) => tx.delete(auditEntry).where(eq(auditEntry.seq, 9)));
    const report = await verifyAuditChain(db, { batchSize: 4 });
    expect(report).toMatchObject({ ok: false, firstBrokenSeq: 9, reason: 'seqGap', entries: 8 });
    expect(!report.ok && report.message).toBe('entry 9 is missing: the next entry stored is 10');
  });

  it('notices a missing first entry', async () => {
    const { db } = getDb();
    await appendMany(db, 3);
    await tamper(db, (tx) => tx.delete(auditEntry).where(eq(auditEntry.seq, 1)));
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, firstBrokenSeq: 1, reason: 'seqGap', entries: 0 });
  });

  it('notices forged rows inserted without switching anything off', async () => {
    const { db } = getDb();
    const records = await appendMany(db, 4);
    const head = records.at(-1)!;

    // Linked to the head, but its hash is not its content's.
    await db.insert(auditEntry).values(forged(5, head.hash, 'a'.repeat(64)));
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, firstBrokenSeq: 5, reason: 'hashMismatch' });
  });

  it('notices a forged row whose own hash is right but which is not linked to the chain', async () => {
    const { db } = getDb();
    await appendMany(db, 4);
    await db.insert(auditEntry).values(forged(5, 'b'.repeat(64)));
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, firstBrokenSeq: 5, reason: 'prevHashMismatch', entries: 4 });
  });

  it('notices a chain that does not start from the genesis hash', async () => {
    const { db } = getDb();
    await db.insert(auditEntry).values(forged(1, 'c'.repeat(64)));
    const report = await verifyAuditChain(db);
    expect(report).toMatchObject({ ok: false, firstBrokenSeq: 1, reason: 'prevHashMismatch' });
    expect(!report.ok && report.message).toBe('entry 1 does not start from the genesis hash');
  });

  it('reports the first of several breaks', async () => {
    const { db } = getDb();
    await appendMany(db, 20);
    await tamper(db, async (tx) => {
      await tx.update(auditEntry).set({ actorName: 'x' }).where(eq(auditEntry.seq, 15));
      await tx.delete(auditEntry).where(eq(auditEntry.seq, 18));
      await tx.update(auditEntry).set({ actorName: 'y' }).where(eq(auditEntry.seq, 4));
    });
    expect(await verifyAuditChain(db, { batchSize: 6 })).toMatchObject({ ok: false, firstBrokenSeq: 4, reason: 'hashMismatch' });
  });

  it('refuses a batch size outside 1-10000', async () => {
    for (const batchSize of [0, -1, 1.5, 10_001]) {
      const error = await verifyAuditChain(getDb().db, { batchSize }).catch((e: unknown) => e);
      expect(isJournalenError(error, 'INPUT_INVALID')).toBe(true);
    }
  });
});
