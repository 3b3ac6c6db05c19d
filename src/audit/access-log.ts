import { and, desc, eq, gte, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { AUDIT_KINDS, type AuditActorRole, type AuditKind, auditEntry } from '../db/schema.js';
import { type InfoType, isInfoType } from '../domain/record.js';
import { inputInvalid } from '../errors/index.js';
import { auditDatabaseFailure } from './failures.js';
import { READ_KINDS, RESIDENT_ID } from './log.js';

/**
 * "Who has read my record here": the audit entries about one resident, newest first, as the
 * resident (or whoever may act for them) is shown them.
 *
 * What a viewer is shown about another person: the role (self, guardian, ...) and the display
 * name the writer recorded, never an identifier. That holds for guardians too: the name tells a
 * child which guardian it was, while the number would hand one guardian's personnummer to the
 * child or to the other guardian and add nothing they need to judge the access. Staff and the
 * service are shown by role and name only, as the national log extract names units, not staff
 * ids. The full entry, identifiers included, stays in the database for support and supervision.
 */

export interface AccessLogOptions {
  /** From this instant, inclusive. */
  readonly from?: Date;
  /** Up to this instant, exclusive. */
  readonly to?: Date;
  /** Entries per page, 1-100. */
  readonly limit: number;
  /** `nextCursor` of the page before; absent for the newest page. */
  readonly cursor?: string | null;
  /** Which kinds of entry; default the reads (recordRead, itemRead). */
  readonly kinds?: readonly AuditKind[];
  /** Only entries by actors in these roles; default all. */
  readonly actorRoles?: readonly AuditActorRole[];
}

export interface AccessLogSource {
  readonly careGiverHsaId: string | null;
  readonly careGiverName: string | null;
  readonly careUnitHsaId: string | null;
  readonly careUnitName: string | null;
  readonly system: string | null;
}

export interface AccessLogEntry {
  readonly seq: number;
  readonly at: Date;
  readonly kind: AuditKind;
  readonly viewer: { readonly role: AuditActorRole; readonly name: string | null };
  readonly informationTypes: readonly InfoType[];
  readonly sources: readonly AccessLogSource[];
}

export interface AccessLogPage {
  readonly entries: readonly AccessLogEntry[];
  /** Give it as `cursor` for the next, older page; null when there is none. */
  readonly nextCursor: string | null;
}

export const ACCESS_LOG_MAX_LIMIT = 100;

/** One page of the entries about `subject` (a normalized personnummer). */
export async function readAccessLog(db: Db, subject: string, options: AccessLogOptions): Promise<AccessLogPage> {
  // Fields come from outside (the resident's request): INPUT_INVALID, and no value repeated.
  if (typeof subject !== 'string' || !RESIDENT_ID.test(subject)) {
    throw inputInvalid('subject', 'must be a normalized personnummer (12 characters, no separator)');
  }
  const { limit, from, to } = options;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > ACCESS_LOG_MAX_LIMIT) {
    throw inputInvalid('limit', `must be a whole number from 1 to ${ACCESS_LOG_MAX_LIMIT}`);
  }
  if (from !== undefined && !isValidDate(from)) throw inputInvalid('from', 'must be a valid date');
  if (to !== undefined && !isValidDate(to)) throw inputInvalid('to', 'must be a valid date');
  const kinds = options.kinds ?? READ_KINDS;
  if (kinds.length === 0 || !kinds.every((k) => (AUDIT_KINDS as readonly string[]).includes(k))) {
    throw inputInvalid('kinds', `must list one or more of ${AUDIT_KINDS.join(', ')}`);
  }
  const after = options.cursor === undefined || options.cursor === null ? undefined : decodeCursor(options.cursor);

  const conditions: (SQL | undefined)[] = [eq(auditEntry.subject, subject), inArray(auditEntry.kind, [...kinds])];
  if (options.actorRoles !== undefined) conditions.push(inArray(auditEntry.actorRole, [...options.actorRoles]));
  if (from !== undefined) conditions.push(gte(auditEntry.at, from));
  if (to !== undefined) conditions.push(lt(auditEntry.at, to));
  if (after !== undefined) {
    // Keyset on (at, seq): stable while new entries arrive, and served by the (subject, at) index.
    conditions.push(or(lt(auditEntry.at, after.at), and(eq(auditEntry.at, after.at), lt(auditEntry.seq, after.seq))));
  }

  let rows: (typeof auditEntry.$inferSelect)[];
  try {
    rows = await db
      .select()
      .from(auditEntry)
      .where(and(...conditions))
      .orderBy(desc(auditEntry.at), desc(auditEntry.seq))
      .limit(limit + 1);
  } catch (error) {
    throw auditDatabaseFailure(error, 'the access log could not be read');
  }

  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    entries: page.map(toAccessLogEntry),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.at, last.seq) : null,
  };
}

function toAccessLogEntry(row: typeof auditEntry.$inferSelect): AccessLogEntry {
  const { informationTypes, sources } = row.details;
  return {
    seq: row.seq,
    at: row.at,
    kind: row.kind,
    viewer: { role: row.actorRole, name: row.actorName },
    // Only what the resident is meant to see: other detail fields (before/after, notes) stay out.
    informationTypes: Array.isArray(informationTypes) ? informationTypes.filter(isInfoType) : [],
    sources: Array.isArray(sources) ? sources.filter(isRecord).map(toSource) : [],
  };
}

function toSource(source: Record<string, unknown>): AccessLogSource {
  const text = (key: string): string | null => (typeof source[key] === 'string' ? (source[key] as string) : null);
  return {
    careGiverHsaId: text('careGiverHsaId'),
    careGiverName: text('careGiverName'),
    careUnitHsaId: text('careUnitHsaId'),
    careUnitName: text('careUnitName'),
    system: text('system'),
  };
}

// Opaque to clients; base64url of "<epoch ms>.<seq>".
function encodeCursor(at: Date, seq: number): string {
  return Buffer.from(`${at.getTime()}.${seq}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; seq: number } {
  const match = typeof cursor === 'string' && cursor.length <= 64 ? /^(-?\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
  const at = match ? new Date(Number(match[1])) : undefined;
  const seq = match ? Number(match[2]) : NaN;
  if (at === undefined || !isValidDate(at) || !Number.isSafeInteger(seq)) throw inputInvalid('cursor', 'is not a cursor from an earlier page');
  return { at, seq };
}

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && Number.isFinite(value.getTime());
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
