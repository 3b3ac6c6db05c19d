import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { count } from 'drizzle-orm';
import { bigint, pgSchema, serial, text } from 'drizzle-orm/pg-core';
import { afterEach, describe, expect, it } from 'vitest';
import { isJournalenError } from '../errors/index.js';
import { describePostgres } from '../testing/databases.js';
import { type Database, type Db, MIGRATIONS_FOLDER, openDatabase } from './connection.js';
import { disclosurePolicyVersion, ehrSystem, region, regionSystem } from './schema.js';

// drizzle's own bookkeeping table, declared here only to read it.
const appliedMigrations = pgSchema('drizzle').table('__drizzle_migrations', {
  id: serial('id').primaryKey(),
  hash: text('hash').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }),
});

const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
  entries: unknown[];
};

async function appliedCount(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(appliedMigrations);
  return row?.n ?? -1;
}

async function expectEmptySchema(db: Db): Promise<void> {
  for (const table of [ehrSystem, region, regionSystem, disclosurePolicyVersion]) {
    const [row] = await db.select({ n: count() }).from(table);
    expect(row?.n).toBe(0);
  }
}

const opened: Database[] = [];
async function open(options: Parameters<typeof openDatabase>[0]): Promise<Database> {
  const database = await openDatabase(options);
  opened.push(database);
  return database;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close()));
});

describe('openDatabase [pglite]', () => {
  it('applies the migrations in memory', async () => {
    const { db, kind } = await open({ inMemory: true });
    expect(kind).toBe('pglite');
    await expectEmptySchema(db);
    expect(await appliedCount(db)).toBe(journal.entries.length);
  });

  it('creates a missing data directory, keeps data, and re-applying migrations is a no-op', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'journalen-db-'));
    const dataDir = path.join(parent, 'nested', 'pgdata');
    try {
      const first = await openDatabase({ dataDir });
      await first.db.insert(region).values({ code: '01', name: 'Region Stockholm', countyName: 'Stockholms län', source: { note: 'test' } });
      await first.close();

      const second = await openDatabase({ dataDir });
      try {
        expect(await appliedCount(second.db)).toBe(journal.entries.length);
        const rows = await second.db.select().from(region);
        expect(rows.map((r) => r.code)).toEqual(['01']);
      } finally {
        await second.close();
      }
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('close is idempotent, also when called concurrently', async () => {
    const database = await openDatabase({ inMemory: true });
    await Promise.all([database.close(), database.close()]);
    await database.close();
  });

  it('refuses to guess where the data goes when nothing is configured', async () => {
    await expect(openDatabase({})).rejects.toSatisfy((e) => isJournalenError(e, 'CONFIG_INVALID'));
  });
});

describePostgres('openDatabase', (getUrl) => {
  it('applies the migrations', async () => {
    const { db, kind } = await open({ databaseUrl: getUrl() });
    expect(kind).toBe('postgres');
    await expectEmptySchema(db);
    expect(await appliedCount(db)).toBe(journal.entries.length);
  });

  it('re-applying migrations is a no-op, also from several processes starting at once', async () => {
    const all = await Promise.all([1, 2, 3].map(() => open({ databaseUrl: getUrl() })));
    for (const { db } of all) expect(await appliedCount(db)).toBe(journal.entries.length);
  });

  it('close is idempotent', async () => {
    const database = await openDatabase({ databaseUrl: getUrl() });
    await Promise.all([database.close(), database.close()]);
    await database.close();
  });
});

describe('openDatabase with a bad DATABASE_URL', () => {
  const password = 's3cret-Pa55word';

  it('gives DATABASE_UNAVAILABLE without the password when nothing listens', async () => {
    // Port 1 on loopback: refused at once, no waiting for a timeout.
    const error = await openDatabase({ databaseUrl: `postgres://journalen:${password}@127.0.0.1:1/journalen` }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isJournalenError(error, 'DATABASE_UNAVAILABLE')).toBe(true);
    if (!isJournalenError(error)) return;
    expect(error.message).toMatch(/^cannot connect to PostgreSQL at journalen@127\.0\.0\.1:1\/journalen: \S/);
    expect(error.message).not.toContain(password);
    expect(JSON.stringify(error.toJSON())).not.toContain(password);
    expect(error.message).not.toContain('\n');
  });

  it('gives DATABASE_UNAVAILABLE for a URL that is not a postgres URL, without echoing it', async () => {
    const error = await openDatabase({ databaseUrl: `mysql://root:${password}@db/x` }).catch((e: unknown) => e);
    expect(isJournalenError(error, 'DATABASE_UNAVAILABLE')).toBe(true);
    expect(String((error as Error).message)).not.toContain(password);
  });
});
