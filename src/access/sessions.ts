import { createHash, randomBytes } from 'node:crypto';
import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { loginSession } from '../db/schema.js';

/**
 * Server-side login sessions. The browser holds a random 256-bit id; the database holds only
 * its SHA-256, so a copy of the table lets nobody in. A session ends at whichever comes first:
 * the idle timeout (no request for `idleMs`), the absolute timeout (`absoluteMs` after login),
 * logout, or revocation (the row deleted). A new id is issued at every login, never reused from
 * before it, so a planted id is worthless (session fixation).
 */

export interface SessionTimeouts {
  /** Default 15 minutes. */
  readonly idleMs: number;
  /** Default 8 hours. */
  readonly absoluteMs: number;
}

export const DEFAULT_TIMEOUTS: SessionTimeouts = { idleMs: 15 * 60_000, absoluteMs: 8 * 3_600_000 };

/** Writing last-seen at most this often: a page view need not be a database write. */
const TOUCH_EVERY_MS = 30_000;

export interface SessionData {
  /** Display name from the e-ID. */
  readonly name?: string;
  /** The ID token, for the identity provider's logout. */
  readonly idToken?: string;
  readonly [more: string]: unknown;
}

export interface Session {
  /** SHA-256 of the cookie's id, hex: safe to log and to use as a key. */
  readonly idHash: string;
  readonly personnummer: string;
  readonly data: SessionData;
  readonly createdAt: Date;
  readonly idleExpiresAt: Date;
  readonly absoluteExpiresAt: Date;
}

export type SessionLookup =
  | { readonly kind: 'active'; readonly session: Session }
  | { readonly kind: 'expired' }
  | { readonly kind: 'none' };

const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const hashSessionId = (id: string) => createHash('sha256').update(id).digest('hex');

export async function createSession(
  db: Db,
  personnummer: string,
  data: SessionData,
  now: Date,
  timeouts: SessionTimeouts = DEFAULT_TIMEOUTS,
): Promise<{ id: string; session: Session }> {
  const id = randomBytes(32).toString('base64url');
  const session: Session = {
    idHash: hashSessionId(id),
    personnummer,
    data,
    createdAt: now,
    idleExpiresAt: new Date(now.getTime() + timeouts.idleMs),
    absoluteExpiresAt: new Date(now.getTime() + timeouts.absoluteMs),
  };
  await db.insert(loginSession).values({ ...session, data: { ...data }, lastSeenAt: now });
  return { id, session };
}

/** The session for a cookie value, moving its idle timeout forward; expired ones are deleted. */
export async function findSession(db: Db, id: string | undefined, now: Date, timeouts: SessionTimeouts = DEFAULT_TIMEOUTS): Promise<SessionLookup> {
  if (id === undefined || !ID_PATTERN.test(id)) return { kind: 'none' };
  const idHash = hashSessionId(id);
  const [row] = await db.select().from(loginSession).where(eq(loginSession.idHash, idHash));
  if (!row) return { kind: 'none' };
  if (row.idleExpiresAt <= now || row.absoluteExpiresAt <= now) {
    await db.delete(loginSession).where(eq(loginSession.idHash, idHash));
    return { kind: 'expired' };
  }
  let idleExpiresAt = row.idleExpiresAt;
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    idleExpiresAt = new Date(Math.min(now.getTime() + timeouts.idleMs, row.absoluteExpiresAt.getTime()));
    await db.update(loginSession).set({ lastSeenAt: now, idleExpiresAt }).where(eq(loginSession.idHash, idHash));
  }
  return {
    kind: 'active',
    session: {
      idHash,
      personnummer: row.personnummer,
      data: row.data as SessionData,
      createdAt: row.createdAt,
      idleExpiresAt,
      absoluteExpiresAt: row.absoluteExpiresAt,
    },
  };
}

export async function endSession(db: Db, idHash: string): Promise<void> {
  await db.delete(loginSession).where(eq(loginSession.idHash, idHash));
}

/** Ends every session of a person (e.g. after a seal or on request); returns how many. */
export async function endSessionsOf(db: Db, personnummer: string): Promise<number> {
  const rows = await db.delete(loginSession).where(eq(loginSession.personnummer, personnummer)).returning({ idHash: loginSession.idHash });
  return rows.length;
}

export async function sessionsOf(db: Db, personnummer: string, now: Date) {
  return db
    .select({ idHash: loginSession.idHash, createdAt: loginSession.createdAt, lastSeenAt: loginSession.lastSeenAt })
    .from(loginSession)
    .where(and(eq(loginSession.personnummer, personnummer), sql`${loginSession.idleExpiresAt} > ${now}`, sql`${loginSession.absoluteExpiresAt} > ${now}`));
}

/** Deletes sessions past either timeout; run now and then. */
export async function purgeExpiredSessions(db: Db, now: Date): Promise<number> {
  const rows = await db
    .delete(loginSession)
    .where(or(lt(loginSession.idleExpiresAt, now), lt(loginSession.absoluteExpiresAt, now)))
    .returning({ idHash: loginSession.idHash });
  return rows.length;
}
