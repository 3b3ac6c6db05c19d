import { is, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db } from '../db/connection.js';
import { AUDIT_ACTOR_ROLES, AUDIT_KINDS, type AuditActorRole, type AuditKind, auditEntry } from '../db/schema.js';
import { type InfoType, isInfoType } from '../domain/record.js';
import { JournalenError } from '../errors/index.js';
import { auditEntryHash, type ChainedFields, GENESIS_HASH, toJsonObject } from './chain.js';
import { auditDatabaseFailure } from './failures.js';

/**
 * Writing the audit log. One chain for the whole service, strictly serialised: every append
 * takes a transaction-level advisory lock, reads the head, and inserts head + 1 carrying the
 * head's hash. The lock is the database's, so web processes on several machines cannot fork the
 * chain; the unique `seq` is the second guard should anything append without it.
 *
 * Callers fail closed: when `appendAudit` throws, nothing the entry describes may be shown.
 */

/** A resident's identity as stored: a personnummer or samordningsnummer, 12 characters, no separator. */
export const RESIDENT_ID = /^[0-9]{8}[0-9A-Zptf]{4}$/;

/** Roles in which the actor is a resident, identified by personnummer. */
const RESIDENT_ROLES: readonly AuditActorRole[] = ['self', 'guardian', 'legalRepresentative'];
/** Kinds about one resident's record: they must name whose. */
const SUBJECT_KINDS: readonly AuditKind[] = ['recordRead', 'itemRead', 'settingsChanged', 'sealChanged'];
export const READ_KINDS = ['recordRead', 'itemRead'] as const satisfies readonly AuditKind[];

const MAX_ID_LENGTH = 128;
const MAX_NAME_LENGTH = 200;

// Differs from the migration lock in db/connection.ts, so appends never wait on a migration's session lock.
const CHAIN_LOCK_KEY = 7_318_402_552;
// A writer stuck on the lock makes readers fail closed after this, rather than hang.
const LOCK_TIMEOUT_MS = 5_000;

export interface AuditActor {
  /** Normalized personnummer for self, guardian and legal representative; HSA-id or operator id for staff; `journalen` for the service. */
  readonly id: string;
  readonly role: AuditActorRole;
  /** What the resident is shown about this actor; the id never is. */
  readonly name?: string | null;
}

/** Where read information came from, as the resident is shown it. */
export interface AuditSource {
  readonly careGiverHsaId?: string;
  readonly careGiverName?: string;
  readonly careUnitHsaId?: string;
  readonly careUnitName?: string;
  /** The source system's HSA-id or name. */
  readonly system?: string;
}

/** What a read showed; more fields may follow and are stored as given. */
export interface RecordReadDetails {
  readonly informationTypes: readonly InfoType[];
  readonly sources: readonly AuditSource[];
  readonly [more: string]: unknown;
}

interface EntryBase {
  readonly actor: AuditActor;
  /** Whose record, as a normalized personnummer; required for reads, settings and seals. */
  readonly subject?: string | null;
  /**
   * When it happened. Leave it out: the database's clock is read under the chain lock, so the
   * times of all writers follow the chain. Given, it is stored as given (imports, tests).
   */
  readonly at?: Date;
}

export type AuditEntryInput =
  | (EntryBase & { readonly kind: (typeof READ_KINDS)[number]; readonly details: RecordReadDetails })
  | (EntryBase & {
      readonly kind: Exclude<AuditKind, (typeof READ_KINDS)[number]>;
      /** A plain JSON object: for changes `{ before, after }`, for administrators what and why. */
      readonly details?: object;
    });

/** An entry as stored in the chain. */
export interface AuditRecord extends ChainedFields {
  readonly hash: string;
}

/**
 * Appends one entry and returns it as stored. Throws JournalenError, and nothing is written:
 * INTERNAL for an entry that is not well-formed (a fault in the caller) or that the database
 * refuses, DATABASE_UNAVAILABLE when the database cannot be reached or the lock not taken in time.
 *
 * Given the database, the entry is committed when this returns. Given a transaction, the entry
 * commits or rolls back with it (a change and its entry together), the chain stays locked until
 * then, and nothing must be shown before that commit; reads go through `withAudit`.
 */
export async function appendAudit(db: Db, entry: AuditEntryInput): Promise<AuditRecord> {
  const prepared = prepare(entry);
  try {
    // Read committed, whatever the server's default: the head must be read in a snapshot taken
    // after the lock was granted, so it includes the entry of the writer that held it last.
    return await db.transaction(
      async (tx) => {
        await tx.execute(sql`select set_config('lock_timeout', ${`${LOCK_TIMEOUT_MS}ms`}, true)`);
        await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK_KEY})`);
        // The head and the database's clock in one statement (one round trip fewer per read).
        const { head, now } = await headAndNow(tx);
        const fields: ChainedFields = {
          ...prepared,
          seq: (head?.seq ?? 0) + 1,
          at: prepared.at ?? now,
          prevHash: head?.hash ?? GENESIS_HASH,
        };
        const record: AuditRecord = { ...fields, hash: auditEntryHash(fields) };
        await tx.insert(auditEntry).values(record);
        return record;
      },
      { isolationLevel: 'read committed' },
    );
  } catch (error) {
    throw auditDatabaseFailure(error, 'the audit entry could not be written');
  }
}

/**
 * Writes the entry, then runs `fn`: `fn` never runs unless the entry is committed, so what it
 * shows is always in the log. The entry stays when `fn` fails, since the access was attempted.
 * Needs the database itself: in a transaction the entry could still roll back after `fn` showed
 * something.
 */
export async function withAudit<T>(db: Db, entry: AuditEntryInput, fn: (record: AuditRecord) => Promise<T> | T): Promise<T> {
  if (is(db, PgTransaction)) {
    throw new JournalenError('INTERNAL', 'withAudit needs the database, not a transaction: its entry must be committed before anything is shown');
  }
  const record = await appendAudit(db, entry);
  return fn(record);
}

type PreparedEntry = Omit<ChainedFields, 'seq' | 'at' | 'prevHash'> & { readonly at: Date | undefined };

/** Checks an entry before any database work; messages never repeat an identifier or a name. */
function prepare(entry: AuditEntryInput): PreparedEntry {
  if (typeof entry !== 'object' || entry === null) throw invalid('entry', 'must be an object');
  const { kind, actor } = entry;
  if (!(AUDIT_KINDS as readonly unknown[]).includes(kind)) throw invalid('kind', `must be one of ${AUDIT_KINDS.join(', ')}`);
  if (typeof actor !== 'object' || actor === null) throw invalid('actor', 'must be an object');
  if (!(AUDIT_ACTOR_ROLES as readonly unknown[]).includes(actor.role)) throw invalid('actor.role', `must be one of ${AUDIT_ACTOR_ROLES.join(', ')}`);

  if (RESIDENT_ROLES.includes(actor.role)) {
    if (typeof actor.id !== 'string' || !RESIDENT_ID.test(actor.id)) {
      throw invalid('actor.id', `must be a normalized personnummer (12 characters, no separator) for the role ${actor.role}`);
    }
  } else if (typeof actor.id !== 'string' || actor.id.trim() === '' || actor.id.length > MAX_ID_LENGTH || /[\p{Cc}\p{Cs}]/u.test(actor.id)) {
    throw invalid('actor.id', `must be 1-${MAX_ID_LENGTH} printable characters`);
  }

  const name = actor.name ?? null;
  if (name !== null && (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME_LENGTH || /[\p{Cc}\p{Cs}]/u.test(name))) {
    throw invalid('actor.name', `must be 1-${MAX_NAME_LENGTH} printable characters when given`);
  }

  const subject = entry.subject ?? null;
  if (subject !== null && (typeof subject !== 'string' || !RESIDENT_ID.test(subject))) {
    throw invalid('subject', 'must be a normalized personnummer (12 characters, no separator)');
  }
  if (subject === null && SUBJECT_KINDS.includes(kind)) throw invalid('subject', `is required for ${kind}`);
  // "You read your record" is only true of the record's own resident.
  if (actor.role === 'self' && subject !== null && subject !== actor.id) throw invalid('subject', 'must be the actor for the role self');

  if (entry.at !== undefined && !(entry.at instanceof Date && Number.isFinite(entry.at.getTime()))) {
    throw invalid('at', 'must be a valid Date when given');
  }

  const details = toJsonObject(entry.details ?? {}, 'details');
  if ((READ_KINDS as readonly AuditKind[]).includes(kind)) checkReadDetails(details);

  return { kind, actor: actor.id, actorRole: actor.role, actorName: name, subject, details, at: entry.at };
}

function checkReadDetails(details: Record<string, unknown>): void {
  const { informationTypes, sources } = details;
  if (!Array.isArray(informationTypes) || !informationTypes.every(isInfoType)) {
    throw invalid('details.informationTypes', 'must be a list of information types (note, diagnosis, ...)');
  }
  if (!Array.isArray(sources) || !sources.every((s) => typeof s === 'object' && s !== null && !Array.isArray(s))) {
    throw invalid('details.sources', 'must be a list of sources ({ careUnitHsaId, careUnitName, ... })');
  }
}

/** The chain's head (none when the log is empty) and the database's clock, read in one statement. */
async function headAndNow(tx: Pick<Db, 'execute'>): Promise<{ head: { seq: number; hash: string } | undefined; now: Date }> {
  // Whole milliseconds, so the Date written and the timestamptz read back are the same instant.
  const result = (await tx.execute(sql`
    select floor(extract(epoch from clock_timestamp()) * 1000)::bigint::text as ms, h.seq::text as seq, h.hash as hash
    from (select 1) as one
    left join lateral (select ${auditEntry.seq} as seq, ${auditEntry.hash} as hash from ${auditEntry} order by ${auditEntry.seq} desc limit 1) as h on true`)) as unknown as {
    rows: { ms: string; seq: string | null; hash: string | null }[];
  };
  const row = result.rows[0];
  const ms = Number(row?.ms);
  if (!Number.isSafeInteger(ms)) throw new JournalenError('INTERNAL', 'the database clock could not be read');
  if (row?.seq == null || row.hash == null) return { head: undefined, now: new Date(ms) };
  const seq = Number(row.seq);
  if (!Number.isSafeInteger(seq)) throw new JournalenError('INTERNAL', 'the audit chain head could not be read');
  return { head: { seq, hash: row.hash }, now: new Date(ms) };
}

function invalid(field: string, message: string): JournalenError {
  return new JournalenError('INTERNAL', `audit entry ${field} ${message}`, { field });
}
