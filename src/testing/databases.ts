import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type Database, openDatabase } from '../db/connection.js';

/**
 * Every database test runs against both databases: PGlite in memory, and PostgreSQL in a fresh
 * database of its own (created per suite, dropped after), so suites can run in parallel workers.
 *
 * PostgreSQL comes from TEST_DATABASE_URL, an admin URL able to CREATE DATABASE. Unset, the local
 * default below is tried. If PostgreSQL cannot be reached, the PostgreSQL variant fails when CI is
 * set or TEST_DATABASE_URL was given explicitly (someone asked for it), and is skipped otherwise.
 */

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const PROBE_TIMEOUT_MS = 3_000;

export type PostgresForTests =
  | { readonly available: true; readonly adminUrl: string; readonly target: string }
  | { readonly available: false; readonly required: boolean; readonly reason: string };

let probed: Promise<PostgresForTests> | undefined;

/** Whether PostgreSQL can be used by this test process; asked once per test file. */
export function postgresForTests(): Promise<PostgresForTests> {
  return (probed ??= probe());
}

async function probe(): Promise<PostgresForTests> {
  const given = process.env.TEST_DATABASE_URL;
  const adminUrl = given !== undefined && given !== '' ? given : DEFAULT_ADMIN_URL;
  const target = targetOf(adminUrl);
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  // A server that goes away mid-probe emits 'error'; unhandled, it would end the worker.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return { available: true, adminUrl, target };
  } catch (error) {
    const why = error instanceof Error && error.message !== '' ? error.message : 'unreachable';
    const required = isSet(process.env.CI) || adminUrl === given;
    return { available: false, required, reason: `PostgreSQL at ${target}: ${why}` };
  } finally {
    await client.end().catch(() => {});
  }
}

export interface ScratchDatabase {
  /** URL of the new, empty database, with the admin URL's credentials. */
  readonly url: string;
  /** Drops the database, ending any sessions still connected to it. Idempotent. */
  drop(): Promise<void>;
}

export async function createScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const name = `journalen_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    drop: () => (dropped ??= adminQuery(adminUrl, `drop database if exists ${name} with (force)`)),
  };
}

async function adminQuery(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * A suite that needs a PostgreSQL database of its own (e.g. to open it more than once).
 * Skips or fails as described at the top when PostgreSQL is unavailable.
 */
export function describePostgres(title: string, fn: (getUrl: () => string) => void): void {
  // vitest awaits an async suite factory while collecting, so the probe decides what is registered.
  describe(`${title} [postgres]`, async () => {
    const postgres = await postgresForTests();
    if (!postgres.available) {
      if (postgres.required) {
        test('PostgreSQL is required here (CI is set or TEST_DATABASE_URL was given)', () => {
          throw new Error(`${postgres.reason}. Start PostgreSQL or fix TEST_DATABASE_URL.`);
        });
      } else {
        describe.skip(`skipped: ${postgres.reason} (set TEST_DATABASE_URL to run)`, () => {
          fn(() => {
            throw new Error('skipped suites do not run');
          });
        });
      }
      return;
    }
    let scratch: ScratchDatabase | undefined;
    beforeAll(async () => {
      scratch = await createScratchDatabase(postgres.adminUrl);
    });
    afterAll(async () => {
      await scratch?.drop();
    });
    fn(() => {
      if (scratch === undefined) throw new Error('the scratch database is created in beforeAll; call getUrl() inside a test or hook');
      return scratch.url;
    });
  });
}

/** Registers the suite twice: `title [pglite]` and `title [postgres]`, each with its own database. */
export function describeEachDatabase(title: string, fn: (getDb: () => Database) => void): void {
  describe(`${title} [pglite]`, () => {
    const getDb = openedInHooks(async () => openDatabase({ inMemory: true }));
    fn(getDb);
  });
  describePostgres(title, (getUrl) => {
    const getDb = openedInHooks(async () => openDatabase({ databaseUrl: getUrl() }));
    fn(getDb);
  });
}

/** Opens in beforeAll, closes in afterAll; the getter fails loudly if used at collection time. */
function openedInHooks(open: () => Promise<Database>): () => Database {
  let database: Database | undefined;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(async () => {
    await database?.close();
  });
  return () => {
    if (database === undefined) throw new Error('the database is opened in beforeAll; call getDb() inside a test or hook');
    return database;
  };
}

function targetOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port === '' ? '5432' : parsed.port}${parsed.pathname}`;
  } catch {
    return '(unparsable TEST_DATABASE_URL)';
  }
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}
