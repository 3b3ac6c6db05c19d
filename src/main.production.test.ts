import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './db/connection.js';
import { startSimulatedNationalPlatform, type SimulatedNationalPlatform } from './demo/national-platform.js';
import { demoPersons } from './demo/persons.js';
import { startDemoIdentityProvider, type DemoIdentityProvider } from './identity-provider/index.js';
import { createLogger } from './operations/logger.js';
import { seedRegistry } from './registry/store.js';
import { TOLVAN } from './simulators/population.js';
import { describePostgres } from './testing/databases.js';
import { HttpBrowser, hiddenField } from './testing/http-browser.js';
import { freePort } from './testing/listening-journalen.js';
import { createTestPki, type TestPkiFiles } from './testing/pki.js';

/**
 * `JOURNALEN_MODE=production node dist/main.js`, as an operator starts it: first with nothing
 * configured (it must refuse, naming every missing setting), then pointed at a simulated national
 * platform that requires mutual TLS (VP/AGP, person register, HSA directory, engagement index and
 * seven source systems), where a resident logs in through an external OpenID provider and reads
 * the record. Nothing of the demo runs inside the service: it knows the national services only
 * from its settings, on both databases.
 */

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const CONSUMER = 'SE2321000016-JRNL';
const silent = createLogger({ level: 'silent' });

describe('production mode with nothing configured', () => {
  it('exits non-zero naming every missing setting, one line each', () => {
    expect(existsSync(MAIN), 'dist/ is built (npm test builds first)').toBe(true);
    const run = spawnSync(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', JOURNALEN_MODE: 'production' }, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).not.toBe(0);
    const lines = run.stderr.trim().split('\n');
    for (const name of ['PLATFORM_URL', 'CONSUMER_HSA_ID', 'PERSON_REGISTER_LOGICAL_ADDRESS', 'HSA_LOGICAL_ADDRESS', 'TLS_CERT_FILE', 'TLS_CA_FILE', 'OIDC_ISSUER', 'SESSION_SECRET', 'PUBLIC_URL']) {
      expect(lines.some((line) => line.startsWith(`journalen: ${name} must be set in production`)), name).toBe(true);
    }
    // Nothing of the demo was started.
    expect(run.stdout).not.toMatch(/simulated|demo identity provider/);
  });
});

/** The simulated national platform over mutual TLS, and an e-ID broker, outside the service. */
interface Outside {
  readonly national: SimulatedNationalPlatform;
  readonly nationalDb: Database;
  readonly idp: DemoIdentityProvider;
  readonly files: TestPkiFiles;
  readonly dir: string;
  readonly origin: string;
  readonly port: number;
}

async function startOutside(): Promise<Outside> {
  const dir = mkdtempSync(join(tmpdir(), 'journalen-production-'));
  const pki = await createTestPki();
  const vp = await pki.issue({ commonName: 'vp.test', usage: 'server' });
  // One function certificate: client towards the platform, server of the internal listener.
  const journalen = await pki.issue({ commonName: 'Journalen', serialNumber: CONSUMER, usage: 'both' });
  const files = pki.writeFiles(dir, 'journalen', journalen);
  const nationalDb = await openDatabase({ inMemory: true });
  await seedRegistry(nationalDb.db);
  const national = await startSimulatedNationalPlatform({
    database: nationalDb,
    logger: silent,
    populationSize: 40,
    populationSeed: 'production',
    consumers: [CONSUMER],
    tls: { key: vp.keyPem, cert: vp.certPem, ca: pki.caPem },
  });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const idp = await startDemoIdentityProvider({
    port: 0,
    clients: [{ clientId: 'journalen', clientSecret: 'broker-secret', redirectUris: [`${origin}/auth/callback`], postLogoutRedirectUris: [`${origin}/utloggad`] }],
    persons: () => demoPersons(national.sources.population),
    logger: silent,
  });
  return { national, nationalDb, idp, files, dir, origin, port };
}

/** Starts the compiled service as a process; resolves once it says it is running. */
async function startService(outside: Outside, database: Record<string, string>, mode: 'direct' | 'platform'): Promise<{ child: ChildProcess; output: () => string }> {
  const env = {
    PATH: process.env.PATH ?? '',
    JOURNALEN_MODE: 'production',
    HOST: '127.0.0.1',
    PORT: String(outside.port),
    PUBLIC_URL: outside.origin,
    INTERNAL_PORT: '0',
    LOG_LEVEL: 'info',
    ...database,
    PLATFORM_URL: outside.national.platformUrl,
    CONSUMER_HSA_ID: CONSUMER,
    PERSON_REGISTER_LOGICAL_ADDRESS: outside.national.logicalAddresses.personRegister,
    HSA_LOGICAL_ADDRESS: outside.national.logicalAddresses.hsaDirectory,
    ENGAGEMENT_INDEX: 'national',
    ENGAGEMENT_INDEX_LOGICAL_ADDRESS: outside.national.logicalAddresses.engagementIndex,
    AGGREGATOR_LOGICAL_ADDRESS: outside.national.logicalAddresses.aggregator,
    AGGREGATION_MODE: mode,
    TLS_CERT_FILE: outside.files.certFile,
    TLS_KEY_FILE: outside.files.keyFile,
    TLS_CA_FILE: outside.files.caFile,
    OIDC_ISSUER: outside.idp.issuer,
    OIDC_CLIENT_ID: 'journalen',
    OIDC_CLIENT_SECRET: 'broker-secret',
    SESSION_SECRET: 'production-test-secret-0123456789abcdef',
    // Everything is on this machine: a loaded CI machine still answers well within these.
    DISPLAY_DEADLINE_MS: '15000',
    SOURCE_TIMEOUT_MS: '15000',
    AGGREGATION_DEADLINE_MS: '20000',
    PLATFORM_CALL_TIMEOUT_MS: '20000',
  };
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service did not start within 60 s:\n${output.slice(-3000)}`)), 60_000);
    const check = () => {
      if (output.includes('Journalen is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited (${code}) during start:\n${output.slice(-3000)}`));
    });
  });
  return { child, output: () => output };
}

async function stopService(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

/** A browser speaking real HTTP to every origin (the service is another process). */
const browser = () => new HttpBrowser(undefined as unknown as FastifyInstance, 'http://no-in-process-app.invalid');

async function logIn(outside: Outside, b: HttpBrowser, personnummer: string) {
  const loginPage = await b.get(`${outside.origin}/logga-in`);
  expect(loginPage.url.href.startsWith(outside.idp.issuer), `login goes to the e-ID broker (${loginPage.status} ${loginPage.url.href})`).toBe(true);
  const uid = hiddenField(loginPage.body, 'uid');
  return b.post(new URL(`/interaction/${uid}/login`, outside.idp.issuer), { uid, lang: 'sv', personnummer });
}

function productionSuite(title: string, database: (dir: string) => Record<string, string>) {
  describe(title, () => {
    let outside: Outside;
    beforeAll(async () => {
      outside = await startOutside();
    }, 120_000);
    afterAll(async () => {
      await outside?.idp.close();
      await outside?.national.close();
      await outside?.nationalDb.close();
      if (outside) rmSync(outside.dir, { recursive: true, force: true });
    });

    for (const mode of ['direct', 'platform'] as const) {
      it(`serves Tolvan's record over mutual TLS through the national platform (${mode})`, async () => {
        const before = { platform: outside.national.platform.stats().requests, register: outside.national.personRegister.requests, hsa: outside.national.hsaDirectory.calls() };
        const service = await startService(outside, database(outside.dir), mode);
        try {
          const b = browser();
          const landed = await logIn(outside, b, TOLVAN);
          expect(landed.status, landed.body.slice(0, 500)).toBe(200);
          const api = await b.json('GET', `${outside.origin}/api/v1/records/self/overview`);
          expect(api.status, api.body.slice(0, 500)).toBe(200);
          const overview = api.data as { sources: { status: string; systemName?: string }[]; latest?: unknown };
          // Every source answered: the record came through VP (direct) or AGP (platform), over mutual TLS.
          expect(overview.sources.length).toBeGreaterThan(0);
          expect(overview.sources.filter((s) => s.status !== 'answered'), JSON.stringify(overview.sources)).toEqual([]);
          const page = await b.get(`${outside.origin}/min-journal`);
          expect(page.status).toBe(200);
          expect(page.body).toContain('Tolvan');
          expect(page.body).not.toMatch(/kunde inte hämtas/);
          // The national services were asked, not a copy inside the service.
          expect(outside.national.platform.stats().requests).toBeGreaterThan(before.platform);
          expect(outside.national.personRegister.requests).toBeGreaterThan(before.register);
          // The first start on a database finds its directory tables empty: HSA is asked and the answers kept.
          if (mode === 'direct') expect(outside.national.hsaDirectory.calls()).toBeGreaterThan(before.hsa);
          // Items are shown: the HSA directory told which region's rules apply.
          const notes = await b.get(`${outside.origin}/min-journal/anteckningar`);
          expect(notes.status).toBe(200);
          expect(notes.body).toMatch(/post\//);
        } finally {
          const code = await stopService(service.child);
          expect(service.output()).not.toMatch(/19121212-?1212/);
          expect(code).toBe(0);
        }
      }, 120_000);
    }
  });
}

// A fresh embedded database for each start, inside the suite's folder (removed with it).
productionSuite('production mode on the simulated national platform [pglite]', (dir) => ({ DATA_DIR: mkdtempSync(join(dir, 'data-')) }));
describePostgres('production mode on the simulated national platform', (getUrl) => {
  productionSuite('with its own database', () => ({ DATABASE_URL: getUrl() }));
});
