// Server time of the record pages for a large record: 1,000 items, answered at once by a stand-in
// for the sources, so what is measured is the service's own work per page: session lookup,
// access decision, disclosure of every item, the audit entry (committed before the page), and
// the React render. In-process requests (app.inject) on the embedded PGlite database, as
// `npm start` runs; PostgreSQL when DATABASE_URL is set. Prints numbers; it is not a test.
// Run with `npm run bench:pages`. Target: p95 under 50 ms for the overview.
import { performance } from 'node:perf_hooks';
import { createSession } from '../dist/access/sessions.js';
import { simulatedRegister } from '../dist/demo/register.js';
import { openDatabase } from '../dist/db/connection.js';
import { createLogger } from '../dist/operations/logger.js';
import { upsertCareProviders, upsertCareUnits } from '../dist/record/directory.js';
import { createRecordService } from '../dist/record/service.js';
import { seedDefaultPolicies } from '../dist/registry/policies.js';
import { seedRegistry } from '../dist/registry/store.js';
import { CARE_UNITS, careGiverOf, careGivers, SIMULATOR_SYSTEM_IDS } from '../dist/simulators/care-units.js';
import { createPopulation, TOLVAN } from '../dist/simulators/population.js';
import { buildApp } from '../dist/web/app.js';

const ITEMS = 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);

const logger = createLogger({ level: 'silent' });
const database = await openDatabase(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL, logger } : { inMemory: true, logger });
try {
  await seedRegistry(database.db);
  await seedDefaultPolicies(database.db);
  await upsertCareProviders(database.db, careGivers().map((g) => ({ hsaId: g.hsaId, name: g.name, regionCode: g.regionCode })));
  await upsertCareUnits(database.db, CARE_UNITS.map((u) => ({ hsaId: u.hsaId, name: u.name, careProviderHsaId: careGiverOf(u.regionCode).hsaId, specialty: u.specialty, inpatient: u.inpatient })));

  // Tolvan's own items from every system, copied with new ids until there are 1,000.
  const population = createPopulation({ size: 300 });
  const own = SIMULATOR_SYSTEM_IDS.flatMap((s) => population.itemsFor(TOLVAN, s)).filter((i) => i.time.getTime() <= Date.now());
  const items = Array.from({ length: ITEMS }, (_, n) => {
    const item = own[n % own.length];
    return { ...item, id: `${item.id}-${Math.floor(n / own.length)}` };
  });
  const sources = SIMULATOR_SYSTEM_IDS.map((s) => ({ logicalAddress: s, systemName: s, contract: 'GetCareDocumentation', version: '3', infoType: 'note', status: 'answered', itemCount: 0, durationMs: 0 }));
  const records = createRecordService({
    db: database.db,
    register: simulatedRegister(population),
    aggregate: async () => ({ items, sources }),
    handleKey: 'bench-key-bench-key-bench-key-bench',
  });
  const app = await buildApp({
    database,
    logger,
    login: {
      records,
      // Never called: the session is made directly below, the login itself is not measured.
      relyingParty: { issuerOrigin: 'http://127.0.0.1:1', start: async () => { throw new Error('no login in the bench'); }, finish: async () => { throw new Error('no login'); }, logoutUrl: async () => undefined },
      secret: 'bench-secret-bench-secret-bench-secret',
      publicUrl: 'http://localhost:3000',
    },
  });
  const { id } = await createSession(database.db, TOLVAN, { name: 'Tolvan Tolvansson' }, new Date());
  const headers = { cookie: `journalen=${id}` };

  const measure = async (label, url) => {
    const times = [];
    let bytes = 0;
    for (let i = 0; i < ROUNDS + 10; i++) {
      const start = performance.now();
      const res = await app.inject({ method: 'GET', url, headers });
      const ms = performance.now() - start;
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      bytes = res.body.length;
      if (i >= 10) times.push(ms); // the first rounds warm the JIT
    }
    times.sort((a, b) => a - b);
    const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    console.log(`${label}: p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${times.at(-1).toFixed(1)} ms (${ROUNDS} requests, ${(bytes / 1024).toFixed(0)} KiB)`);
    return at(0.95);
  };

  console.log(`record of ${ITEMS} items (Tolvan's ${own.length}, repeated), database ${database.kind}`);
  const overview = await measure('overview /min-journal', '/min-journal');
  await measure('notes page /min-journal/anteckningar (25 per page)', '/min-journal/anteckningar');
  await measure('lab results page /min-journal/provsvar', '/min-journal/provsvar');
  await measure('JSON overview /api/v1/records/self/overview', '/api/v1/records/self/overview');
  console.log(`pages: overview of ${ITEMS} items p95 ${overview.toFixed(1)} ms (target under 50 ms)`);
  await app.close();
} finally {
  await database.close();
}
