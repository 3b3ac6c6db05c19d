import type { AddressInfo } from 'node:net';
import { loadConfig } from './config/index.js';
import { openDatabase } from './db/connection.js';
import { startDemoSources } from './demo/sources.js';
import { ENGAGEMENT_INDEX_PATHS } from './engagement-index/routes.js';
import { isJournalenError } from './errors/index.js';
import { createLogger } from './operations/logger.js';
import { seedDefaultPolicies } from './registry/policies.js';
import { seedRegistry } from './registry/store.js';
import { randomBytes } from 'node:crypto';
import { createRelyingParty } from './access/oidc.js';
import { simulatedRegister } from './demo/register.js';
import { createAggregator, type AggregatedRecord, type RecordQuery } from './aggregation/fetch-record.js';
import { aggregateViaPlatform, NATIONAL_AGGREGATOR_LOGICAL_ADDRESS } from './aggregation/platform.js';
import type { ContractVersion } from './contracts/types.js';
import { startAggregatingPlatform } from './simulators/platform.js';
import { seedDemoAdmins } from './demo/admins.js';
import { recordSourceStatuses } from './admin/statistics/index.js';
import { demoPersons } from './demo/persons.js';
import { startDemoIdentityProvider } from './identity-provider/index.js';
import { createRecordService } from './record/service.js';
import { createPopulation } from './simulators/population.js';
import { buildApp } from './web/app.js';
import { buildInternalApp } from './web/internal-app.js';

/**
 * `npm start`: configuration, database (migrated and seeded), the public HTTP service, the
 * platform-side listener (engagement index, loopback only) and, for the demo, the simulated
 * source systems. A bad configuration or an unreachable database stops the start with one line.
 * Ctrl-C at any moment, even during start-up, closes everything opened so far; a second Ctrl-C
 * exits at once.
 */

class Stopped extends Error {}

async function start(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });

  // Everything opened is pushed here and closed in reverse order, each close on its own.
  const closers: { name: string; close: () => Promise<unknown> }[] = [];
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stopping');
    for (const { name, close } of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        logger.error({ err: error, part: name }, 'could not close cleanly');
      }
    }
  };
  const onSignal = (signal: string) => {
    if (stopping) {
      process.stderr.write('journalen: stopping at once\n');
      process.exit(130);
    }
    void stop(signal);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  const opened = <T extends { close: () => Promise<unknown> }>(name: string, thing: T): T => {
    closers.push({ name, close: () => thing.close() });
    if (stopping) throw new Stopped();
    return thing;
  };

  try {
    const database = opened(
      'database',
      await openDatabase(config.databaseUrl !== undefined ? { databaseUrl: config.databaseUrl, logger } : { dataDir: config.dataDir, logger }),
    );
    await seedRegistry(database.db);
    await seedDefaultPolicies(database.db);

    // The population register: the synthetic population's (the national register has no adapter yet).
    const population = createPopulation({ seed: config.populationSeed, size: config.populationSize });
    const secret = config.sessionSecret ?? randomBytes(32).toString('base64url');
    if (config.sessionSecret === undefined) logger.warn('SESSION_SECRET is not set: a random one is used, so sessions end when the service restarts');

    let oidc = config.oidc;
    if (!oidc) {
      const clientSecret = randomBytes(24).toString('base64url');
      const idp = opened(
        'demo identity provider',
        await startDemoIdentityProvider({
          port: config.demoIdpPort,
          host: 'localhost',
          clients: [{ clientId: 'journalen', clientSecret, redirectUris: [`${config.publicUrl}/auth/callback`], postLogoutRedirectUris: [`${config.publicUrl}/utloggad`] }],
          persons: () => demoPersons(population),
          logger,
        }),
      );
      oidc = { issuer: idp.issuer, clientId: 'journalen', clientSecret };
      logger.info({ issuer: idp.issuer }, 'demo identity provider (stands in for BankID) is running');
    }
    // Filled in once the simulators run: names each source for the "could not be fetched" notices.
    let describe: (address: string) => { systemName?: string; regionNames?: readonly string[] } | undefined = () => undefined;
    const aggregator = createAggregator({ db: database.db, logger, describeSource: (address) => describe(address) });
    // Direct mode until the platform (if chosen) is known below.
    let aggregate: (q: RecordQuery) => Promise<AggregatedRecord> = aggregator.aggregateRecord;
    // Each answer's source statuses feed the producer statistics; a failure there never stops a read.
    const measured = async (q: RecordQuery) => {
      const answer = await aggregate(q);
      recordSourceStatuses(database.db, answer.sources, new Date()).catch((error: unknown) => logger.warn({ err: error }, 'producer statistics not recorded'));
      return answer;
    };
    const records = createRecordService({ db: database.db, register: simulatedRegister(population), aggregate: measured, handleKey: secret, logger });
    const login = {
      records,
      relyingParty: createRelyingParty({ ...oidc, redirectUri: `${config.publicUrl}/auth/callback`, postLogoutRedirectUri: `${config.publicUrl}/utloggad` }),
      secret,
      publicUrl: config.publicUrl,
      aggregate: (q: RecordQuery) => aggregate(q),
      register: simulatedRegister(population),
      timeouts: { idleMs: config.sessionIdleMinutes * 60_000, absoluteMs: config.sessionAbsoluteHours * 3_600_000 },
    };
    const app = opened('http', await buildApp({ database, logger, login }));
    // A contract that fails as a whole is shown under the platform's name.
    const platformAggregate = (url: (c: ContractVersion) => string, address: string) => (q: RecordQuery) =>
      aggregateViaPlatform(
        { platformUrl: url, logicalAddress: address, logger, describeSource: (a) => (a === address ? { systemName: 'Nationella aggregeringstjänsten' } : describe(a)) },
        q,
      );
    const internal = opened('internal http', await buildInternalApp({ database, logger }));
    await app.listen({ port: config.port, host: config.host });
    await internal.listen({ port: config.internalPort, host: '127.0.0.1' });
    const internalUrl = `http://127.0.0.1:${(internal.server.address() as AddressInfo).port}`;

    if (config.simulators) {
      if (stopping) throw new Stopped();
      const sources = opened(
        'simulated source systems',
        await startDemoSources({
          db: database.db,
          logger,
          populationSize: config.populationSize,
          populationSeed: config.populationSeed,
          basePort: config.simulatorPort,
          engagementIndexUpdateUrl: `${internalUrl}${ENGAGEMENT_INDEX_PATHS.Update}`,
        }),
      );
      describe = sources.describeSource;
      if (config.aggregationMode === 'platform' && config.platformUrl === undefined) {
        const platform = opened('simulated aggregating platform', await startAggregatingPlatform({ db: database.db, logger }));
        aggregate = platformAggregate((c) => platform.endpointFor(c), platform.logicalAddress);
        logger.info({ url: platform.baseUrl }, 'platform mode: records come through the simulated national aggregating services');
      }
      await seedDemoAdmins(database.db, population);
    }
    if (config.aggregationMode === 'platform' && config.platformUrl !== undefined) {
      const base = config.platformUrl;
      aggregate = platformAggregate((c) => `${base}/${c.contract}/${c.major}`, NATIONAL_AGGREGATOR_LOGICAL_ADDRESS);
    }
    if (stopping) throw new Stopped();
    logger.info({ database: database.kind, url: `http://${config.host}:${config.port}`, engagementIndex: internalUrl }, 'Journalen is running');
  } catch (error) {
    await stop(error instanceof Stopped ? 'stopped during start' : 'start failed');
    if (!(error instanceof Stopped)) throw error;
  }
}

start().catch((error: unknown) => {
  const message = isJournalenError(error)
    ? error.message
    : (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
      ? `port is already in use: ${(error as Error).message}`
      : `could not start: ${(error as Error)?.message ?? String(error)}`;
  process.stderr.write(`journalen: ${message}\n`);
  process.exitCode = 1;
});
