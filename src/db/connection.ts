import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Logger } from 'pino';
import { JournalenError } from '../errors/index.js';
import * as schema from './schema.js';

/**
 * The database at the edge: PGlite (embedded, nothing to install) by default, PostgreSQL when a
 * URL is given. Both get the same drizzle type and the same migrations, so repositories are
 * written once.
 */

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  readonly db: Db;
  readonly kind: 'pglite' | 'postgres';
  /** Idempotent; must be called, or an open PGlite keeps the process alive. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL connection URL; wins over `dataDir` and `inMemory`. */
  readonly databaseUrl?: string;
  /** PGlite data directory, created if missing. */
  readonly dataDir?: string;
  /** PGlite in memory: nothing survives `close()`. */
  readonly inMemory?: boolean;
  readonly logger?: Logger;
}

/** Two levels up from src/db/ (vitest) or dist/db/ (compiled) is the project root. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

const POOL_SIZE = 10;
const CONNECT_TIMEOUT_MS = 10_000;
// Serialises migrations when several web processes start against one PostgreSQL at once;
// drizzle's migrator takes no lock of its own. Arbitrary, fixed for the project.
const MIGRATION_LOCK_KEY = 7_318_402_551;

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') {
    return openPostgres(options.databaseUrl, options.logger);
  }
  if (options.dataDir !== undefined && options.dataDir !== '') {
    return openPglite(path.resolve(options.dataDir), options.logger);
  }
  if (options.inMemory === true) {
    return openPglite(undefined, options.logger);
  }
  // Refuse to guess: a silent in-memory fallback would lose operators' edits on restart.
  throw new JournalenError(
    'CONFIG_INVALID',
    'no database configured: give a databaseUrl, a dataDir, or inMemory: true',
  );
}

async function openPglite(dataDir: string | undefined, logger: Logger | undefined): Promise<Database> {
  const where = dataDir ?? 'memory';
  let client: PGlite;
  try {
    if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
    client = await PGlite.create(dataDir === undefined ? {} : { dataDir });
  } catch (error) {
    throw new JournalenError('DATABASE_UNAVAILABLE', `cannot open PGlite at ${where}: ${messageOf(error)}`, {
      driver: 'pglite',
    }, { cause: error });
  }
  const close = once(() => client.close());
  const db = drizzlePglite({ client, schema });
  try {
    await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (error) {
    await close();
    throw migrationFailed(error);
  }
  logger?.info({ driver: 'pglite', dataDir: where }, 'database ready');
  return { db, kind: 'pglite', close };
}

async function openPostgres(databaseUrl: string, logger: Logger | undefined): Promise<Database> {
  const target = describeTarget(databaseUrl);
  if (target === undefined) {
    // Not echoed: a malformed URL may still hold a password.
    throw new JournalenError('DATABASE_UNAVAILABLE', 'DATABASE_URL is not a valid postgres:// URL', {
      driver: 'postgres',
    });
  }
  const password = passwordOf(databaseUrl);

  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'journalen',
  });
  // An idle client dropped by the server emits here; without a listener the process would crash.
  pool.on('error', (error) => {
    logger?.warn({ driver: 'postgres', target, err: scrub(messageOf(error), password) }, 'idle database connection lost');
  });
  const close = once(() => pool.end());

  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    await close();
    throw new JournalenError(
      'DATABASE_UNAVAILABLE',
      `cannot connect to PostgreSQL at ${target}: ${scrub(messageOf(error), password)}`,
      { driver: 'postgres', target },
      // The driver's own error is kept only if it cannot carry the password along.
      scrub(String(error), password) === String(error) ? { cause: error } : undefined,
    );
  }

  let failure: unknown;
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      // Same client as the lock, so the migration runs inside the locked session.
      await migrateNodePg(drizzleNodePg({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } catch (error) {
    failure = error ?? new Error('unknown failure');
  }
  // A client that failed mid-migration is discarded rather than returned to the pool.
  client.release(failure !== undefined);
  if (failure !== undefined) {
    await close();
    throw migrationFailed(failure);
  }
  logger?.info({ driver: 'postgres', target }, 'database ready');
  return { db: drizzleNodePg({ client: pool, schema }), kind: 'postgres', close };
}

function migrationFailed(error: unknown): JournalenError {
  return new JournalenError('DATABASE_UNAVAILABLE', `applying migrations failed: ${messageOf(error)}`, {}, {
    cause: error,
  });
}

/** `user@host:port/database`, for messages and logs; never the password. */
function describeTarget(databaseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return undefined;
  const user = url.username === '' ? '' : `${decodeURIComponent(url.username)}@`;
  return `${user}${url.hostname}:${url.port === '' ? '5432' : url.port}${url.pathname}`;
}

function passwordOf(databaseUrl: string): string {
  try {
    return decodeURIComponent(new URL(databaseUrl).password);
  } catch {
    return '';
  }
}

function scrub(message: string, password: string): string {
  if (password === '') return message;
  return message.split(password).join('***').split(encodeURIComponent(password)).join('***');
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    // pg reports "connect ECONNREFUSED" for IPv4 and IPv6 together as an AggregateError with no message.
    return error.errors.map(messageOf).join('; ');
  }
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function once(action: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= action());
}
