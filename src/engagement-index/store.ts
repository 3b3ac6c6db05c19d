import { and, eq, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../db/connection.js';
import { engagement } from '../db/schema.js';
import { inputInvalid } from '../errors/index.js';
import {
  checkFindContentQuery,
  JOURNALEN_HSA_ID,
  normalizeEngagement,
  type Engagement,
  type EngagementInput,
  type FindContentQuery,
  type NormalizedEngagement,
} from './engagement.js';
import { deleteFlagsFor, MAX_TRANSACTIONS } from './messages.js';

/**
 * The engagement index in the database. Writes are idempotent and all-or-nothing per call: the
 * same Update applied twice leaves the same rows, and a call that fails stores nothing.
 */

export interface UpdateOptions {
  /** deleteFlag per engagement (same order), or one value for all; false when absent. */
  readonly deleteFlags?: boolean | readonly boolean[];
  /** The owner given to engagements that name none: this index. */
  readonly owner?: string;
  /** The clock, so tests can fix creation and update times. */
  readonly now?: Date;
}

export type EngagementChange =
  | { readonly kind: 'created'; readonly engagement: Engagement }
  /** mostRecentContent moved forward. */
  | { readonly kind: 'updated'; readonly engagement: Engagement }
  | { readonly kind: 'deleted'; readonly engagement: Engagement };

export interface UpdateResult {
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  /** Already stored as given, or a deletion of something not stored. */
  readonly unchanged: number;
  /** What a subscribing index would be notified of (new, deleted, mostRecentContent changed). */
  readonly changes: readonly EngagementChange[];
}

/**
 * Applies Update transactions: saves engagements (a new one is created; a stored one only has
 * its mostRecentContent moved forward, never back, since a producer's updates may arrive out of
 * order) and removes those with deleteFlag. One transaction; INPUT_INVALID (naming
 * `engagements[i].<field>`) for a bad engagement or one given twice, and nothing is stored.
 */
export async function applyUpdate(db: Db, engagements: readonly EngagementInput[], options: UpdateOptions = {}): Promise<UpdateResult> {
  const prepared = prepare(engagements, options);
  return db.transaction((tx) => applyPrepared(tx, prepared, options.now ?? new Date()));
}

export interface NotificationOptions extends UpdateOptions {
  /** This index's HSA-id: notifications about its own engagements come back in a ring and are dropped. */
  readonly indexHsaId?: string;
}

/**
 * Applies ProcessNotification transactions from another index, as skltp/ei does: engagements
 * this index owns itself are dropped (circular notification); for the others, a copy this index
 * holds under its own ownership is removed (the owner changed), then the update is applied.
 */
export async function applyNotification(
  db: Db,
  engagements: readonly EngagementInput[],
  options: NotificationOptions = {},
): Promise<UpdateResult & { readonly circular: number }> {
  const indexHsaId = options.indexHsaId ?? JOURNALEN_HSA_ID;
  if (!Array.isArray(engagements)) throw inputInvalid('engagements', 'must be a list');
  engagements.forEach((e, i) => {
    if (e?.owner === undefined || e.owner === '') throw inputInvalid(`engagements[${i}].owner`, 'is mandatory in a notification');
  });
  const flags = deleteFlagsFor(engagements.length, options.deleteFlags);
  const keep = engagements.map((e) => e.owner !== indexHsaId);
  const foreign = engagements.filter((_, i) => keep[i]);
  const circular = engagements.length - foreign.length;
  if (foreign.length === 0) return { created: 0, updated: 0, deleted: 0, unchanged: 0, changes: [], circular };
  const prepared = prepare(foreign, { ...options, deleteFlags: flags.filter((_, i) => keep[i]) });
  const ownCopies = foreign.map((e, i) => normalizeEngagement({ ...e, owner: indexHsaId }, `engagements[${i}]`).id);
  return db.transaction(async (tx) => {
    await tx.delete(engagement).where(inArray(engagement.id, ownCopies));
    return { ...(await applyPrepared(tx, prepared, options.now ?? new Date())), circular };
  });
}

interface Prepared {
  readonly deleteFlag: boolean;
  readonly engagement: NormalizedEngagement;
}

function prepare(engagements: readonly EngagementInput[], options: UpdateOptions): Prepared[] {
  if (!Array.isArray(engagements)) throw inputInvalid('engagements', 'must be a list');
  if (engagements.length > MAX_TRANSACTIONS) throw inputInvalid('engagements', `${engagements.length} engagements; at most ${MAX_TRANSACTIONS} per call`);
  const flags = deleteFlagsFor(engagements.length, options.deleteFlags);
  const seen = new Map<string, number>();
  return engagements.map((input, i) => {
    const normalized = normalizeEngagement(input, `engagements[${i}]`, options.owner ?? JOURNALEN_HSA_ID);
    const first = seen.get(normalized.id);
    // Saving and deleting one engagement in one call has no meaningful order (skltp/ei EI002).
    if (first !== undefined) throw inputInvalid(`engagements[${i}]`, `is the same engagement as engagements[${first}]`);
    seen.set(normalized.id, i);
    return { deleteFlag: flags[i]!, engagement: normalized };
  });
}

async function applyPrepared(tx: Db, prepared: readonly Prepared[], now: Date): Promise<UpdateResult> {
  if (prepared.length === 0) return { created: 0, updated: 0, deleted: 0, unchanged: 0, changes: [] };
  const changes: EngagementChange[] = [];
  let unchanged = 0;

  const deletions = prepared.filter((p) => p.deleteFlag).map((p) => p.engagement.id);
  if (deletions.length > 0) {
    const removed = await tx.delete(engagement).where(inArray(engagement.id, deletions)).returning();
    for (const row of removed) changes.push({ kind: 'deleted', engagement: row });
    unchanged += deletions.length - removed.length;
  }

  const saves = prepared.filter((p) => !p.deleteFlag).map((p) => p.engagement);
  if (saves.length > 0) {
    const ids = saves.map((e) => e.id);
    const before = new Set((await tx.select({ id: engagement.id }).from(engagement).where(inArray(engagement.id, ids))).map((r) => r.id));
    // Insert what is new; on conflict, move mostRecentContent forward only. The WHERE keeps the
    // rule under concurrent writers too, and a row it leaves alone is not returned.
    const written = await tx
      .insert(engagement)
      .values(saves.map((e) => ({ ...e, creationTime: now, updateTime: null })))
      .onConflictDoUpdate({
        target: engagement.id,
        set: { mostRecentContent: sql`excluded.most_recent_content`, updateTime: now },
        setWhere: and(
          sql`excluded.most_recent_content is not null`,
          or(isNull(engagement.mostRecentContent), lt(engagement.mostRecentContent, sql`excluded.most_recent_content`)),
        ),
      })
      .returning();
    for (const row of written) changes.push({ kind: before.has(row.id) ? 'updated' : 'created', engagement: row });
    unchanged += saves.length - written.length;
  }

  const count = (kind: EngagementChange['kind']) => changes.filter((c) => c.kind === kind).length;
  return { created: count('created'), updated: count('updated'), deleted: count('deleted'), unchanged, changes };
}

/**
 * FindContent: the resident's engagements in one service domain, narrowed by the optional
 * filters (mostRecentContent: at or after). Answered from the (resident, domain, categorization)
 * index. INPUT_INVALID naming the field for a malformed resident id or an empty filter.
 */
export async function findContent(db: Db, query: FindContentQuery): Promise<Engagement[]> {
  return findContentStatement(db, query);
}

/** The FindContent query itself, unexecuted, so a test can ask the planner about it. */
export function findContentStatement(db: Db, query: FindContentQuery) {
  const q = checkFindContentQuery(query);
  const conditions: SQL[] = [
    eq(engagement.registeredResidentIdentification, q.registeredResidentIdentification),
    eq(engagement.serviceDomain, q.serviceDomain),
  ];
  const filters = [
    [engagement.categorization, q.categorization],
    [engagement.logicalAddress, q.logicalAddress],
    [engagement.businessObjectInstanceIdentifier, q.businessObjectInstanceIdentifier],
    [engagement.clinicalProcessInterestId, q.clinicalProcessInterestId],
    [engagement.sourceSystem, q.sourceSystem],
    [engagement.dataController, q.dataController],
    [engagement.owner, q.owner],
  ] as const;
  for (const [column, value] of filters) if (value !== undefined) conditions.push(eq(column, value));
  if (q.mostRecentContent !== undefined) conditions.push(gte(engagement.mostRecentContent, q.mostRecentContent));
  // A stable order, so answers (and the fan-out built from them) depend neither on the plan nor
  // on the server's collation.
  const byteOrder = (column: AnyPgColumn) => sql`${column} collate "C"`;
  return db
    .select()
    .from(engagement)
    .where(and(...conditions))
    .orderBy(byteOrder(engagement.categorization), byteOrder(engagement.sourceSystem), byteOrder(engagement.logicalAddress), engagement.id);
}
