import { and, eq, isNull, or } from 'drizzle-orm';
import type { AccessException, GuardianBlock, Seal } from '../access/policy.js';
import { appendAudit, type AuditActor } from '../audit/index.js';
import type { Db } from '../db/connection.js';
import { accessException, guardianBlock, recordSeal, residentSetting } from '../db/schema.js';
import type { ViewerChoices } from '../disclosure/policy.js';
import { JournalenError } from '../errors/index.js';

/**
 * What protects one resident's record, as stored: seals, guardian blocks, head-of-unit
 * exceptions for 13-15 year olds, and the resident's own choices. Reading is for the access
 * decision; every change is written with its audit entry in one transaction, so a change and
 * the record of who made it never part.
 */

export interface Protections {
  readonly seals: readonly Seal[];
  readonly guardianBlocks: readonly GuardianBlock[];
  readonly exceptions: readonly AccessException[];
}

export async function loadProtections(db: Db, subject: string): Promise<Protections> {
  const [seals, blocks, exceptions] = await Promise.all([
    db.select().from(recordSeal).where(and(eq(recordSeal.subject, subject), isNull(recordSeal.removedAt))),
    db.select().from(guardianBlock).where(eq(guardianBlock.child, subject)),
    db.select().from(accessException).where(eq(accessException.child, subject)),
  ]);
  return {
    seals: seals.map(toSeal),
    guardianBlocks: blocks.map((b) => ({ guardian: b.guardian, child: b.child })),
    exceptions: exceptions.map((e) => ({
      kind: e.kind,
      careUnitHsaId: e.careUnitHsaId,
      child: e.child,
      validFrom: e.validFrom,
      ...(e.validTo !== null ? { validTo: e.validTo } : {}),
    })),
  };
}

/** Exceptions where the person is the child (for their own login). */
export async function loadExceptionsFor(db: Db, child: string): Promise<AccessException[]> {
  return [...(await loadProtections(db, child)).exceptions];
}

function toSeal(row: typeof recordSeal.$inferSelect): Seal {
  const base = { subject: row.subject, setBy: row.setBy };
  switch (row.kind) {
    case 'account':
      return { ...base, kind: 'account' };
    case 'careUnit':
      return { ...base, kind: 'careUnit', careUnitHsaId: row.careUnitHsaId! };
    case 'careGiver':
      return { ...base, kind: 'careGiver', careGiverHsaId: row.careGiverHsaId! };
    case 'period':
      return { ...base, kind: 'period', from: row.periodFrom!, ...(row.periodTo !== null ? { to: row.periodTo } : {}) };
  }
}

export const DEFAULT_CHOICES: ViewerChoices = { showUnsigned: false, hideRecent: false };

export async function loadChoices(db: Db, subject: string): Promise<ViewerChoices> {
  const [row] = await db.select().from(residentSetting).where(eq(residentSetting.personnummer, subject));
  return row ? { showUnsigned: row.showUnsigned, hideRecent: row.hideRecent } : DEFAULT_CHOICES;
}

/** Saves the resident's choices; the audit entry holds before and after. */
export async function saveChoices(db: Db, actor: AuditActor, subject: string, choices: ViewerChoices): Promise<ViewerChoices> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(residentSetting).where(eq(residentSetting.personnummer, subject)).for('update');
    const before = row ? { showUnsigned: row.showUnsigned, hideRecent: row.hideRecent } : DEFAULT_CHOICES;
    const after = { showUnsigned: choices.showUnsigned, hideRecent: choices.hideRecent };
    await tx
      .insert(residentSetting)
      .values({ personnummer: subject, ...after })
      .onConflictDoUpdate({ target: residentSetting.personnummer, set: { ...after, updatedAt: new Date() } });
    await appendAudit(tx, { kind: 'settingsChanged', actor, subject, details: { before, after } });
    return after;
  });
}

export interface SealRow {
  readonly id: number;
  readonly seal: Seal;
  readonly createdAt: Date;
}

export async function listSeals(db: Db, subject: string): Promise<SealRow[]> {
  const rows = await db
    .select()
    .from(recordSeal)
    .where(and(eq(recordSeal.subject, subject), isNull(recordSeal.removedAt)))
    .orderBy(recordSeal.id);
  return rows.map((r) => ({ id: r.id, seal: toSeal(r), createdAt: r.createdAt }));
}

/** The resident seals (or unseals) the whole account. Idempotent; audited only when something changes. */
export async function setAccountSeal(db: Db, actor: AuditActor, subject: string, sealed: boolean): Promise<boolean> {
  return db.transaction(async (tx) => {
    const open = await tx
      .select()
      .from(recordSeal)
      .where(and(eq(recordSeal.subject, subject), eq(recordSeal.kind, 'account'), isNull(recordSeal.removedAt)))
      .for('update');
    if (sealed && open.length === 0) {
      await tx.insert(recordSeal).values({ subject, kind: 'account', setBy: 'resident' });
      await appendAudit(tx, { kind: 'sealChanged', actor, subject, details: { before: { account: false }, after: { account: true } } });
    } else if (!sealed && open.length > 0) {
      // Only the resident's own account seal can be lifted by the resident; care's stays.
      const own = open.filter((s) => s.setBy === 'resident');
      if (own.length < open.length) {
        throw new JournalenError('FORBIDDEN', 'the account was sealed by care and can only be opened by the care provider');
      }
      await tx.update(recordSeal).set({ removedAt: new Date() }).where(or(...own.map((s) => eq(recordSeal.id, s.id))));
      await appendAudit(tx, { kind: 'sealChanged', actor, subject, details: { before: { account: true }, after: { account: false } } });
    }
    return sealed;
  });
}

/** Care seals a unit, a provider or a period (administrators; issue 6 adds the screens). */
export async function addCareSeal(db: Db, actor: AuditActor, seal: Exclude<Seal, { kind: 'account' }> | Extract<Seal, { kind: 'account' }>): Promise<number> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(recordSeal)
      .values({
        subject: seal.subject,
        kind: seal.kind,
        setBy: seal.setBy,
        careUnitHsaId: seal.kind === 'careUnit' ? seal.careUnitHsaId : null,
        careGiverHsaId: seal.kind === 'careGiver' ? seal.careGiverHsaId : null,
        periodFrom: seal.kind === 'period' ? seal.from : null,
        periodTo: seal.kind === 'period' ? (seal.to ?? null) : null,
      })
      .returning({ id: recordSeal.id });
    await appendAudit(tx, { kind: 'sealChanged', actor, subject: seal.subject, details: { before: null, after: { ...seal } } });
    return row!.id;
  });
}

export async function blockGuardian(db: Db, actor: AuditActor, block: GuardianBlock): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(guardianBlock).values(block).onConflictDoNothing();
    await appendAudit(tx, { kind: 'adminAction', actor, subject: block.child, details: { action: 'guardianBlocked', guardianBlocked: true } });
  });
}

export async function addAccessException(db: Db, actor: AuditActor, exception: AccessException): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(accessException).values({
      kind: exception.kind,
      child: exception.child,
      careUnitHsaId: exception.careUnitHsaId,
      validFrom: exception.validFrom,
      validTo: exception.validTo ?? null,
    });
    await appendAudit(tx, { kind: 'adminAction', actor, subject: exception.child, details: { action: 'accessException', kind: exception.kind, careUnitHsaId: exception.careUnitHsaId, validFrom: exception.validFrom, validTo: exception.validTo ?? null } });
  });
}

/** Everything that protects one resident's record, with ids, for the administrators' overview. */
export interface ProtectionsOverview {
  readonly seals: readonly SealRow[];
  /** Blocks where the resident is the child. */
  readonly guardianBlocks: readonly GuardianBlock[];
  readonly exceptions: readonly (AccessException & { readonly id: number })[];
}

export async function protectionsOf(db: Db, subject: string): Promise<ProtectionsOverview> {
  const [seals, blocks, exceptions] = await Promise.all([
    listSeals(db, subject),
    db.select().from(guardianBlock).where(eq(guardianBlock.child, subject)),
    db.select().from(accessException).where(eq(accessException.child, subject)).orderBy(accessException.id),
  ]);
  return {
    seals,
    guardianBlocks: blocks.map((b) => ({ guardian: b.guardian, child: b.child })),
    exceptions: exceptions.map((e) => ({
      id: e.id,
      kind: e.kind,
      careUnitHsaId: e.careUnitHsaId,
      child: e.child,
      validFrom: e.validFrom,
      ...(e.validTo !== null ? { validTo: e.validTo } : {}),
    })),
  };
}

/** Lifts a care seal (kept in the table with `removedAt` for the history); NOT_FOUND when there is no such open seal. */
export async function liftCareSeal(db: Db, actor: AuditActor, subject: string, id: number): Promise<Seal> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(recordSeal)
      .where(and(eq(recordSeal.id, id), eq(recordSeal.subject, subject), eq(recordSeal.setBy, 'care'), isNull(recordSeal.removedAt)))
      .for('update');
    if (!row) throw new JournalenError('NOT_FOUND', 'no such care seal on this record');
    await tx.update(recordSeal).set({ removedAt: new Date() }).where(eq(recordSeal.id, id));
    const seal = toSeal(row);
    await appendAudit(tx, { kind: 'sealChanged', actor, subject, details: { before: { ...seal }, after: null } });
    return seal;
  });
}

export async function unblockGuardian(db: Db, actor: AuditActor, block: GuardianBlock): Promise<void> {
  await db.transaction(async (tx) => {
    const removed = await tx
      .delete(guardianBlock)
      .where(and(eq(guardianBlock.guardian, block.guardian), eq(guardianBlock.child, block.child)))
      .returning({ child: guardianBlock.child });
    if (removed.length === 0) throw new JournalenError('NOT_FOUND', 'no such guardian block');
    await appendAudit(tx, { kind: 'adminAction', actor, subject: block.child, details: { action: 'guardianUnblocked', guardianBlocked: false } });
  });
}

export async function removeAccessException(db: Db, actor: AuditActor, child: string, id: number): Promise<AccessException> {
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(accessException).where(and(eq(accessException.id, id), eq(accessException.child, child))).returning();
    if (!row) throw new JournalenError('NOT_FOUND', 'no such exception on this record');
    await appendAudit(tx, { kind: 'adminAction', actor, subject: child, details: { action: 'accessExceptionRemoved', kind: row.kind, careUnitHsaId: row.careUnitHsaId, validFrom: row.validFrom, validTo: row.validTo } });
    return { kind: row.kind, careUnitHsaId: row.careUnitHsaId, child: row.child, validFrom: row.validFrom, ...(row.validTo !== null ? { validTo: row.validTo } : {}) };
  });
}
