import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { and, asc, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listGrants, rolesOf } from '../admin/roles.js';
import { type Database, openDatabase } from '../db/connection.js';
import { adminRole, auditEntry } from '../db/schema.js';
import { demoAdmins } from '../demo/admins.js';
import { ageOn, luhnCheckDigit } from '../domain/identifiers/index.js';
import { describeEachDatabase, describePostgres } from '../testing/databases.js';
import { startJournalen, type Journalen } from '../testing/journalen.js';
import { ADMIN_USAGE, runAdmin, type AdminCliOptions } from './admin.js';
import { EXIT, main } from './main.js';

const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdin: Readable.from(['']), stdout: new PassThrough().on('data', (c) => out.push(String(c))), stderr: new PassThrough().on('data', (c) => err.push(String(c))) },
    out: () => out.join(''),
    err: () => err.join(''),
  };
};

async function runWith(args: string[], options: AdminCliOptions) {
  const s = io();
  const code = await runAdmin(args, s.io, options);
  return { code, stdout: s.out(), stderr: s.err() };
}

/** A valid personnummer born on `yymmdd` (1900s) with serial `nnn`. */
function pnr(yymmdd: string, nnn: string): { short: string; normalized: string } {
  const check = luhnCheckDigit(`${yymmdd}${nnn}`);
  return { short: `${yymmdd}-${nnn}${check}`, normalized: `19${yymmdd}${nnn}${check}` };
}

const ANNA = pnr('800101', '238');
const BERIT = pnr('750615', '482');

describe('journalen admin help', () => {
  it('prints the usage for --help and help, and exits 2 with it when no subcommand is given', async () => {
    for (const args of [['--help'], ['help'], ['grant', '--help'], ['-h']]) {
      const r = await runWith(args, {});
      expect(r.code, args.join(' ')).toBe(EXIT.ok);
      expect(r.stdout).toBe(ADMIN_USAGE);
    }
    expect((await runWith([], {})).code).toBe(EXIT.usage);
    expect(ADMIN_USAGE).toContain('admin grant --role operator|regional|auditor [--region <NN>]');
    expect(ADMIN_USAGE).toContain('01 03 04 05 06 07 08 09 10 12 13 14 17 18 19 20 21 22 23 24 25');
    // Through the top-level command too.
    const s = io();
    expect(await main(['admin', '--help'], s.io)).toBe(EXIT.ok);
    expect(s.out()).toBe(ADMIN_USAGE);
  });
});

describeEachDatabase('journalen admin', (getDb) => {
  const run = (args: string[]) => runWith(args, { database: getDb(), user: 'driftansvarig' });
  const audits = async (afterSeq = 0) =>
    getDb().db.select().from(auditEntry).where(and(eq(auditEntry.kind, 'adminAction'), gt(auditEntry.seq, afterSeq))).orderBy(asc(auditEntry.seq));
  const headSeq = async () => (await getDb().db.select({ seq: auditEntry.seq }).from(auditEntry)).reduce((m, r) => Math.max(m, r.seq), 0);

  it('grants a role to a personnummer in any common form, with an audit entry naming the OS user', async () => {
    const before = await headSeq();
    const r = await run(['grant', '--role', 'operator', ANNA.short]);
    expect(r).toMatchObject({ code: EXIT.ok, stderr: '' });
    expect(r.stdout).toBe(`Granted operator to 19800101-****. 19800101-**** now holds: operator.\n`);
    expect(r.stdout).not.toContain(ANNA.normalized.slice(8));
    expect(await rolesOf(getDb().db, ANNA.normalized)).toEqual([{ role: 'operator', regionCode: null }]);
    const [row] = await getDb().db.select().from(adminRole).where(eq(adminRole.personnummer, ANNA.normalized));
    expect(row?.grantedBy).toBe('cli:driftansvarig');
    const entries = await audits(before);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: 'cli:driftansvarig',
      actorRole: 'administrator',
      actorName: 'driftansvarig (journalen admin)',
      subject: ANNA.normalized,
      details: { action: 'roleGranted', role: 'operator', regionCode: null },
    });
  });

  it('says so, and writes nothing, when the grant is already held (12 digits, no separator)', async () => {
    const before = await headSeq();
    const r = await run(['grant', '--role', 'operator', ANNA.normalized]);
    expect(r).toMatchObject({ code: EXIT.ok, stderr: '' });
    expect(r.stdout).toContain('19800101-**** already holds operator; nothing added.');
    expect(await audits(before)).toEqual([]);
  });

  it('changes an administrator: another role adds to it, --replace takes the others away', async () => {
    const before = await headSeq();
    const regional = await run(['grant', '--role', 'regional', '--region', '12', `${ANNA.normalized.slice(0, 8)}-${ANNA.normalized.slice(8)}`]);
    expect(regional).toMatchObject({ code: EXIT.ok, stderr: '' });
    expect(regional.stdout).toBe('Granted regional 12 (Region Skåne) to 19800101-****. 19800101-**** now holds: operator, regional 12 (Region Skåne).\n');
    const replaced = await run(['grant', '--role', 'auditor', '--replace', ANNA.short]);
    expect(replaced).toMatchObject({ code: EXIT.ok, stderr: '' });
    expect(replaced.stdout).toBe('Granted auditor to 19800101-****. Revoked operator, regional 12 (Region Skåne). 19800101-**** now holds: auditor.\n');
    expect(await rolesOf(getDb().db, ANNA.normalized)).toEqual([{ role: 'auditor', regionCode: null }]);
    expect((await audits(before)).map((e) => [e.subject, e.details])).toEqual([
      [ANNA.normalized, { action: 'roleGranted', role: 'careProviderAdmin', regionCode: '12' }],
      [ANNA.normalized, { action: 'roleGranted', role: 'auditor', regionCode: null }],
      [ANNA.normalized, { action: 'roleRevoked', role: 'operator', regionCode: null }],
      [ANNA.normalized, { action: 'roleRevoked', role: 'careProviderAdmin', regionCode: '12' }],
    ]);
  });

  it('lists one line per grant, the identity masked unless --show-identity', async () => {
    expect((await run(['grant', '--role', 'regional', '--region', '05', BERIT.short])).code).toBe(EXIT.ok);
    expect((await run(['grant', '--role', 'regional', '--region', '01', BERIT.short])).code).toBe(EXIT.ok);
    const r = await run(['list']);
    expect(r).toMatchObject({ code: EXIT.ok, stderr: '' });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^person\s+role\s+region\s+granted\s+granted by$/);
    expect(lines.slice(1)).toHaveLength((await listGrants(getDb().db)).length);
    expect(lines.slice(1)).toHaveLength(3);
    expect(lines[1]).toMatch(/^19800101-\*{4}\s+auditor\s+-\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC\s+cli:driftansvarig$/);
    expect(lines[2]).toMatch(/^19750615-\*{4}\s+regional\s+05 Region Östergötland\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC\s+cli:driftansvarig$/);
    expect(lines[3]).toMatch(/^19750615-\*{4}\s+regional\s+01 Region Stockholm\s+/);
    expect(r.stdout).not.toContain(ANNA.normalized.slice(8));
    expect(r.stdout).not.toContain(BERIT.normalized.slice(8));
    const full = await run(['list', '--show-identity']);
    expect(full.stdout).toContain(`${BERIT.normalized.slice(0, 8)}-${BERIT.normalized.slice(8)}  regional`);
  });

  it('revokes one role or all, with an audit entry each, and exits 1 when there is nothing to revoke', async () => {
    const before = await headSeq();
    const one = await run(['revoke', '--region', '05', BERIT.short]);
    expect(one).toMatchObject({ code: EXIT.ok, stderr: '' });
    expect(one.stdout).toBe('Revoked regional 05 (Region Östergötland) from 19750615-****. 19750615-**** still holds: regional 01 (Region Stockholm).\n');
    const again = await run(['revoke', '--role', 'regional', '--region', '05', BERIT.short]);
    expect(again.code).toBe(EXIT.input);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe('journalen: 19750615-**** holds no regional 05 (Region Östergötland); nothing revoked\n');
    const all = await run(['revoke', BERIT.short]);
    expect(all).toMatchObject({ code: EXIT.ok, stdout: 'Revoked regional 01 (Region Stockholm) from 19750615-****. 19750615-**** is no longer an administrator.\n' });
    const none = await run(['revoke', BERIT.short]);
    expect(none).toMatchObject({ code: EXIT.input, stderr: 'journalen: 19750615-**** holds no administrator role; nothing revoked\n' });
    expect((await run(['revoke', '--role', 'operator', ANNA.short])).code).toBe(EXIT.input);
    expect((await audits(before)).map((e) => [e.actor, e.subject, e.details])).toEqual([
      ['cli:driftansvarig', BERIT.normalized, { action: 'roleRevoked', role: 'careProviderAdmin', regionCode: '05' }],
      ['cli:driftansvarig', BERIT.normalized, { action: 'roleRevoked', role: 'careProviderAdmin', regionCode: '01' }],
    ]);
    expect(await rolesOf(getDb().db, BERIT.normalized)).toEqual([]);
  });

  it('refuses a wrong command line (exit 2) and a person who cannot be an administrator (exit 1), changing nothing', async () => {
    const before = await headSeq();
    const grantsBefore = await listGrants(getDb().db);
    const usage: [string[], RegExp][] = [
      [['grant', '--role', 'admin', BERIT.short], /--role must be operator, regional or auditor, got "admin"/],
      [['grant', BERIT.short], /admin grant needs --role/],
      [['grant', '--role', 'regional', BERIT.short], /--role regional needs --region/],
      [['grant', '--role', 'operator', '--region', '12', BERIT.short], /--region is only for --role regional/],
      [['grant', '--role', 'auditor', '--region', '12', BERIT.short], /--region is only for --role regional/],
      [['grant', '--role', 'regional', '--region', '02', BERIT.short], /--region must be one of the 21 county codes/],
      [['grant', '--role', 'regional', '--region', '12'], /takes one personnummer/],
      [['grant', '--role', 'operator', BERIT.short, ANNA.short], /takes one personnummer, got 2 arguments/],
      [['grant', '--role', 'operator', '--sudo', BERIT.short], /--sudo/],
      [['revoke', '--role', 'operator', '--region', '12', BERIT.short], /--region is only for --role regional/],
      [['revoke'], /takes one personnummer/],
      [['list', 'everyone'], /admin list takes no arguments/],
      [['promote', BERIT.short], /unknown admin command "promote"/],
    ];
    for (const [args, message] of usage) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(EXIT.usage);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stdout).toBe('');
    }
    const wrongCheck = `${BERIT.short.slice(0, -1)}${(Number(BERIT.short.slice(-1)) + 1) % 10}`;
    const refused: [string, RegExp][] = [
      [wrongCheck, /personnummer check digit is \d, expected \d \(Luhn\)/],
      ['19801301-1234', /month 13/],
      ['1980010', /10 or 12 digits/],
      ['SE2321000016-15CQ', /an HSA-id cannot be an administrator yet: .*no staff login with SITHS card.*Grant it to the person's personnummer/],
      ['se2321000016-15cq', /not a personnummer, nor an HSA-id/],
      [pnr('800161', '238').short, /a samordningsnummer cannot log in with the e-ID/],
    ];
    for (const [who, message] of refused) {
      const r = await run(['grant', '--role', 'operator', who]);
      expect(r.code, who).toBe(EXIT.input);
      expect(r.stderr, who).toMatch(message);
      // The number itself is never repeated.
      expect(r.stderr).not.toContain(who.replace(/-/, '').slice(-10));
    }
    expect(await audits(before)).toEqual([]);
    expect(await listGrants(getDb().db)).toEqual(grantsBefore);
  });
});

describe('journalen admin on the service\'s database settings', () => {
  it('opens the embedded database in DATA_DIR (migrating a new one) through `journalen admin`', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'journalen-admin-'));
    const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
    process.env.DATA_DIR = dir;
    delete process.env.DATABASE_URL;
    try {
      const s = io();
      expect(await main(['admin', 'list'], s.io)).toBe(EXIT.ok);
      expect(s.out()).toContain('No administrators. Grant the first with: journalen admin grant --role operator <personnummer>');
      const g = io();
      expect(await main(['admin', 'grant', '--role', 'regional', '--region', '25', ANNA.short], g.io)).toBe(EXIT.ok);
      expect(g.err()).toBe('');
      const l = io();
      expect(await main(['admin', 'list'], l.io)).toBe(EXIT.ok);
      expect(l.out()).toMatch(/19800101-\*{4}\s+regional\s+25 Region Norrbotten/);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    const database = await openDatabase({ dataDir: dir });
    try {
      expect(await rolesOf(database.db, ANNA.normalized)).toEqual([{ role: 'careProviderAdmin', regionCode: '25' }]);
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describePostgres('journalen admin with DATABASE_URL', (getUrl) => {
  it('opens PostgreSQL from DATABASE_URL, migrating a new database, and grants there', async () => {
    const r = await runWith(['grant', '--role', 'operator', BERIT.short], { env: { DATABASE_URL: getUrl() }, user: 'ops' });
    expect(r).toMatchObject({ code: EXIT.ok, stderr: '' });
    const database = await openDatabase({ databaseUrl: getUrl() });
    try {
      expect(await rolesOf(database.db, BERIT.normalized)).toEqual([{ role: 'operator', regionCode: null }]);
    } finally {
      await database.close();
    }
  });
});

describeEachDatabase('journalen admin: a granted administrator uses /admin', (getDb) => {
  let j: Journalen;
  let database: Database;
  beforeAll(async () => {
    database = getDb();
    j = await startJournalen(database);
  });
  afterAll(async () => j?.close());

  it('lets a resident granted operator from the command line into /admin, and out again when revoked', async () => {
    const population = j.world.sources.population;
    const admins = new Set(demoAdmins(population).map((a) => a.personnummer));
    const today = new Date();
    const person = Array.from({ length: population.size }, (_, i) => population.residentAt(i)).find(
      (r, i) => i > 13 && r.idKind === 'personnummer' && !r.protectedIdentity && r.deceasedOn === undefined && ageOn(r, today) >= 18 && !admins.has(r.personnummer),
    )!;
    expect(person).toBeDefined();
    const who = `${person.personnummer.slice(0, 8)}-${person.personnummer.slice(8)}`;

    const before = j.browser();
    await j.logIn(before, person.personnummer);
    expect((await before.get('/admin')).status).toBe(403);

    expect((await runWith(['grant', '--role', 'operator', who], { database, user: 'driftansvarig' })).code).toBe(EXIT.ok);
    const operator = j.browser();
    await j.logIn(operator, person.personnummer);
    const page = await operator.get('/admin');
    expect(page.status).toBe(200);
    expect((await operator.get('/admin/regler/12')).status).toBe(200);

    expect((await runWith(['revoke', who], { database, user: 'driftansvarig' })).code).toBe(EXIT.ok);
    expect((await operator.get('/admin')).status).toBe(403);
  });
});
