import os from 'node:os';
import { parseArgs } from 'node:util';
import { grantRole, listGrants, revokeRoles, rolesOf, type AdminGrant, type AdminRole } from '../admin/roles.js';
import type { AuditActor } from '../audit/index.js';
import { loadConfig } from '../config/index.js';
import { openDatabase, type Database } from '../db/connection.js';
import { isHsaId, maskPersonalIdentity, parseHsaId, parsePersonalIdentity } from '../domain/identifiers/index.js';
import { findRegion, isRegionCode, REGION_CODES, type RegionCode } from '../domain/regions.js';
import { isJournalenError, JournalenError } from '../errors/index.js';
import { seedRegistry } from '../registry/store.js';
import { EXIT, type CliIo } from './main.js';

/**
 * `journalen admin`: the first administrator, and every later one, from the command line. This
 * is the only way to create an administrator when the service runs in production (the demo
 * seeds its own). Each change is written to the audit log with the operating-system user who
 * ran the command, in the same transaction as the change.
 */

export const ADMIN_USAGE = `Usage: journalen admin <grant | list | revoke | help> [options]

Administrators log in with the e-ID (BankID) like residents, so they are named by personnummer:
YYYYMMDD-NNNN, YYMMDD-NNNN, or the same without the dash. Only the last four digits are hidden
in what is printed, unless --show-identity is given.
The database is the service's own: DATABASE_URL, else the embedded one in DATA_DIR (stop the
service first when it uses the embedded one: it allows one process at a time). Every change is
in the audit log with the operating-system user who ran the command.

  admin grant --role operator|regional|auditor [--region <NN>] [--replace] <personnummer>
      Gives the person the role: operator (everything, nationally), regional (one region's
      rules, access exceptions and connections; needs --region), auditor (reads everything,
      changes nothing). A person may hold several roles; --replace takes away the others.
  admin list [--show-identity]
      One line per grant: the person, role, region, when granted (UTC) and by whom.
  admin revoke [--role operator|regional|auditor] [--region <NN>] <personnummer>
      Takes away the person's roles: all of them, or those named. Exit 1 when none matched.
  admin help
      Shows this text.

--region is a county code, required for regional and refused for the other roles:
  ${REGION_CODES.join(' ')}
An HSA-id is refused: Journalen has no staff login (SITHS card) yet, so a role given to an
HSA-id could never be used. Grant it to the person's personnummer.

Exit codes: 0 done, 1 refused (invalid personnummer, nothing to revoke), 2 wrong command line,
70 internal fault.
`;

/** The roles as the command line names them; `regional` is a care provider administrator. */
const CLI_ROLES = { operator: 'operator', regional: 'careProviderAdmin', auditor: 'auditor' } as const satisfies Record<string, AdminRole>;
type CliRole = keyof typeof CLI_ROLES;
const cliName = (role: AdminRole): CliRole => (Object.keys(CLI_ROLES) as CliRole[]).find((k) => CLI_ROLES[k] === role)!;

export interface AdminCliOptions {
  /** An open database to use (and leave open); default: the service's, from `env`. */
  readonly database?: Database;
  /** The environment the database settings are read from; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Who runs the command, for the audit log; default the operating-system user. */
  readonly user?: string;
}

class AdminUsageError extends Error {}

/** Runs `journalen admin ...` (args after `admin`); returns the exit code. */
export async function runAdmin(args: readonly string[], io: CliIo, options: AdminCliOptions = {}): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h' || rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(ADMIN_USAGE);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  const line = (message: string) => io.stderr.write(`journalen: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  try {
    switch (sub) {
      case 'grant':
        return await grant(rest, io, options);
      case 'list':
        return await list(rest, io, options);
      case 'revoke':
        return await revoke(rest, io, options);
      default:
        throw new AdminUsageError(`unknown admin command ${JSON.stringify(sub)}; try "journalen admin help"`);
    }
  } catch (error) {
    if (isJournalenError(error)) {
      line(error.message);
      return EXIT.input;
    }
    if (error instanceof AdminUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      line((error as Error).message);
      return EXIT.usage;
    }
    throw error;
  }
}

const ROLE_OPTIONS = {
  role: { type: 'string' },
  region: { type: 'string' },
  'show-identity': { type: 'boolean', default: false },
} as const;

async function grant(args: readonly string[], io: CliIo, options: AdminCliOptions): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], strict: true, allowPositionals: true, options: { ...ROLE_OPTIONS, replace: { type: 'boolean', default: false } } });
  const who = onePerson(positionals, 'grant');
  if (values.role === undefined) throw new AdminUsageError('admin grant needs --role operator, regional or auditor');
  const wanted = grantOf(values.role, values.region, true);
  const personnummer = personnummerOf(who);
  const show = identityShown(personnummer, values['show-identity']);
  return withDatabase(options, async (db) => {
    // Regions are reference data, loaded by every start; a database not yet started has none.
    await seedRegistry(db);
    const actor = cliActor(options.user);
    const added = await grantRole(db, actor, { personnummer, ...wanted });
    const others = values.replace ? (await rolesOf(db, personnummer)).filter((g) => !sameGrant(g, wanted)) : [];
    for (const g of others) await revokeRoles(db, actor, { personnummer, role: g.role, ...(g.regionCode !== null ? { regionCode: g.regionCode } : {}) });
    const now = await rolesOf(db, personnummer);
    const did = added ? `Granted ${describeGrant(wanted)} to ${show}.` : `${show} already holds ${describeGrant(wanted)}; nothing added.`;
    const removed = others.length > 0 ? ` Revoked ${others.map(describeGrant).join(', ')}.` : '';
    io.stdout.write(`${did}${removed} ${show} now holds: ${now.map(describeGrant).join(', ')}.\n`);
    return EXIT.ok;
  });
}

async function revoke(args: readonly string[], io: CliIo, options: AdminCliOptions): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], strict: true, allowPositionals: true, options: ROLE_OPTIONS });
  const who = onePerson(positionals, 'revoke');
  // A region alone means that region's administrator; a role alone, that role wherever held.
  const which = values.role === undefined && values.region === undefined ? undefined : grantOf(values.role ?? 'regional', values.region, false);
  const personnummer = personnummerOf(who);
  const show = identityShown(personnummer, values['show-identity']);
  return withDatabase(options, async (db) => {
    const removed = await revokeRoles(db, cliActor(options.user), {
      personnummer,
      ...(which !== undefined ? { role: which.role } : {}),
      ...(which?.regionCode != null ? { regionCode: which.regionCode } : {}),
    });
    if (removed.length === 0) {
      io.stderr.write(`journalen: ${show} holds no ${which === undefined ? 'administrator role' : describeGrant(which)}; nothing revoked\n`);
      return EXIT.input;
    }
    const left = await rolesOf(db, personnummer);
    io.stdout.write(`Revoked ${removed.map(describeGrant).join(', ')} from ${show}. ${left.length === 0 ? `${show} is no longer an administrator.` : `${show} still holds: ${left.map(describeGrant).join(', ')}.`}\n`);
    return EXIT.ok;
  });
}

async function list(args: readonly string[], io: CliIo, options: AdminCliOptions): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], strict: true, allowPositionals: true, options: { 'show-identity': { type: 'boolean', default: false } } });
  if (positionals.length > 0) throw new AdminUsageError(`admin list takes no arguments (got ${JSON.stringify(positionals[0])})`);
  return withDatabase(options, async (db) => {
    const grants = await listGrants(db);
    if (grants.length === 0) {
      io.stdout.write('No administrators. Grant the first with: journalen admin grant --role operator <personnummer>\n');
      return EXIT.ok;
    }
    const rows = grants.map((g) => [
      identityShown(g.personnummer, values['show-identity']),
      cliName(g.role),
      g.regionCode === null ? '-' : `${g.regionCode} ${findRegion(g.regionCode)?.name ?? ''}`.trim(),
      `${g.grantedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      // Who granted it: `cli:<user>`, `journalen` for the demo, or an administrator's personnummer.
      /^\d{12}$/.test(g.grantedBy) ? identityShown(g.grantedBy, values['show-identity']) : g.grantedBy,
    ]);
    const table = [['person', 'role', 'region', 'granted', 'granted by'], ...rows];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
    for (const r of table) io.stdout.write(`${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}\n`);
    return EXIT.ok;
  });
}

function onePerson(positionals: string[], command: string): string {
  if (positionals.length !== 1) {
    throw new AdminUsageError(`admin ${command} takes one personnummer${positionals.length > 1 ? `, got ${positionals.length} arguments` : ''}: journalen admin ${command} ... <personnummer>`);
  }
  return positionals[0]!;
}

/** The grant `--role` and `--region` name; `--region` required for regional, refused for the rest. */
function grantOf(role: string, region: string | undefined, regionRequired: boolean): AdminGrant {
  if (!(role in CLI_ROLES)) throw new AdminUsageError(`--role must be operator, regional or auditor, got ${JSON.stringify(role)}`);
  const adminRole = CLI_ROLES[role as CliRole];
  if (adminRole !== 'careProviderAdmin') {
    if (region !== undefined) throw new AdminUsageError(`--region is only for --role regional; ${role} is not limited to a region`);
    return { role: adminRole, regionCode: null };
  }
  if (region === undefined) {
    if (regionRequired) throw new AdminUsageError('--role regional needs --region <county code>, e.g. --region 12 for Region Skåne');
    return { role: adminRole, regionCode: null };
  }
  if (!isRegionCode(region)) throw new AdminUsageError(`--region must be one of the 21 county codes (${REGION_CODES.join(', ')}), got ${JSON.stringify(region)}`);
  return { role: adminRole, regionCode: region };
}

/**
 * The normalized personnummer of the argument. An HSA-id is refused with the reason: the admin
 * table holds personnummer because the only login is the e-ID, and a role nobody can log in to
 * use is worse than none (it looks granted).
 */
function personnummerOf(arg: string): string {
  const text = arg.trim();
  if (/[A-Za-z]/.test(text)) {
    if (isHsaId(text)) {
      throw new JournalenError(
        'INPUT_INVALID',
        'an HSA-id cannot be an administrator yet: administrators log in with the e-ID (BankID), and Journalen has no staff login with SITHS card, so the role could never be used. Grant it to the person\'s personnummer',
        { field: 'identity', reason: 'hsaIdWithoutStaffLogin' },
      );
    }
    try {
      parseHsaId(text, { field: 'identity' });
    } catch (error) {
      if (isJournalenError(error)) throw new JournalenError('IDENTIFIER_INVALID', `not a personnummer, nor an HSA-id (${error.message})`, { field: 'identity' });
      throw error;
    }
  }
  const identity = parsePersonalIdentity(text, { field: 'identity' });
  if (identity.kind !== 'personnummer') {
    throw new JournalenError('INPUT_INVALID', 'a samordningsnummer cannot log in with the e-ID, so cannot be an administrator', { field: 'identity', reason: 'samordningsnummer' });
  }
  return identity.normalized;
}

/** `YYYYMMDD-****`, or the whole number when asked for. */
function identityShown(personnummer: string, full: boolean): string {
  if (!/^\d{12}$/.test(personnummer)) return '(not a personnummer)';
  return full ? `${personnummer.slice(0, 8)}-${personnummer.slice(8)}` : maskPersonalIdentity(personnummer);
}

function describeGrant(g: AdminGrant): string {
  const name = cliName(g.role);
  if (g.regionCode === null) return name;
  return `${name} ${g.regionCode} (${findRegion(g.regionCode)?.name ?? 'unknown region'})`;
}

const sameGrant = (a: AdminGrant, b: AdminGrant) => a.role === b.role && a.regionCode === b.regionCode;

/** The audit actor: the operating-system user at the terminal, as a staff member acting. */
export function cliActor(user: string | undefined = undefined): AuditActor {
  const name = (user ?? osUser()).replace(/[\p{Cc}\p{Cs}]/gu, '').slice(0, 100) || 'unknown';
  return { id: `cli:${name}`, role: 'administrator', name: `${name} (journalen admin)` };
}

function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    // A container user with no passwd entry has no name; its uid still says who.
    return typeof process.getuid === 'function' ? `uid ${process.getuid()}` : 'unknown';
  }
}

async function withDatabase(options: AdminCliOptions, fn: (db: Database['db']) => Promise<number>): Promise<number> {
  if (options.database !== undefined) return fn(options.database.db);
  // Only the database settings: granting the first administrator must not wait for the rest
  // of a production configuration (the start checks that).
  const env = options.env ?? process.env;
  const config = loadConfig({ DATABASE_URL: env.DATABASE_URL, DATA_DIR: env.DATA_DIR });
  const database = await openDatabase(config.databaseUrl !== undefined ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}
