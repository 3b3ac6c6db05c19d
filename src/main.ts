import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createRelyingParty } from './access/oidc.js';
import type { AggregatedRecord, RecordQuery } from './aggregation/fetch-record.js';
import { recordSourceStatuses } from './admin/statistics/index.js';
import { loadConfig, type Config } from './config/index.js';
import { openDatabase } from './db/connection.js';
import { seedDemoAdmins } from './demo/admins.js';
import { startSimulatedNationalPlatform } from './demo/national-platform.js';
import { demoPersons } from './demo/persons.js';
import { isJournalenError, JournalenError } from './errors/index.js';
import { startDemoIdentityProvider } from './identity-provider/index.js';
import { connectNationalServices, type NationalSettings } from './national/services.js';
import { createLogger } from './operations/logger.js';
import { cachedCareDirectory } from './record/directory.js';
import { createRecordService } from './record/service.js';
import { seedDefaultPolicies } from './registry/policies.js';
import { seedRegistry } from './registry/store.js';
import { createRivTransport } from './transport/riv-transport.js';
import { certificateHsaId, INTERNAL_TLS_SETTING_NAMES, loadTlsMaterial, type TlsMaterial } from './transport/tls-material.js';
import { buildApp } from './web/app.js';
import { buildInternalApp, type InternalHttpsOptions } from './web/internal-app.js';

/**
 * `npm start`: configuration, database (migrated and seeded), the national services, the public
 * HTTP service and the platform-side listener (engagement index, loopback only).
 *
 * One product, two configurations. In production every outside party is real and configured:
 * the national platform (VP/AGP) over mutual TLS, the population register (PU), the HSA
 * directory, the engagement index, the e-ID broker. The demo is the same code pointed at a
 * simulated national platform (source systems, PU, HSA, aggregating services) started here, plus
 * the demo identity provider and the demo administrators. Nothing of the demo starts in production.
 *
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

    const secret = config.sessionSecret ?? randomBytes(32).toString('base64url');
    if (config.sessionSecret === undefined) logger.warn('SESSION_SECRET is not set: a random one is used, so sessions end when the service restarts');

    // Mutual TLS for every outbound RIV-TA call, when a function certificate is configured.
    const tls = config.tls ? loadTlsMaterial(config.tls) : undefined;
    if (tls) checkConsumerIdentity(config, tls, logger);
    const transport = opened('outbound connections', createRivTransport({ ...(tls ? { tls } : {}) }));

    // The engagement index's listener: producers (or the national index's ProcessNotification) report here.
    const internalTls = internalHttps(config, tls);
    const internal = opened(
      'internal http',
      await buildInternalApp({
        database,
        logger,
        ...internalTls,
        engagementIndex: {
          notifiers: config.engagementIndexNotifiers,
          // In production the index answers to this service's own HSA-id; the demo's simulated platform addresses the default.
          ...(config.mode === 'production' ? { indexHsaId: config.consumerHsaId } : {}),
          // Where a resident has had care: over TLS only this service may ask (the CA may be a national one).
          ...(internalTls.https ? { readers: [config.consumerHsaId] } : {}),
        },
      }),
    );
    await internal.listen({ port: config.internalPort, host: config.internalHost });
    const internalUrl = `${internalTls.https ? 'https' : 'http'}://127.0.0.1:${(internal.server.address() as AddressInfo).port}`;
    if (config.mode === 'production' && config.databaseUrl === undefined) {
      logger.warn('production on the embedded database (PGlite): one process only, and DATA_DIR must be writable; set DATABASE_URL for PostgreSQL');
    }

    let settings: NationalSettings;
    let describe: Parameters<typeof connectNationalServices>[0]['describeSource'];
    let population: Awaited<ReturnType<typeof startSimulatedNationalPlatform>>['sources']['population'] | undefined;
    if (config.simulators) {
      // The demo: a simulated national platform on our own database, its engagement index ours.
      const simulated = opened(
        'simulated national platform',
        await startSimulatedNationalPlatform({
          database,
          logger,
          populationSize: config.populationSize,
          populationSeed: config.populationSeed,
          consumers: [config.consumerHsaId],
          simulatorPort: config.simulatorPort,
          engagementIndexUrl: internalUrl,
        }),
      );
      population = simulated.sources.population;
      describe = simulated.describeSource;
      settings = {
        platformUrl: simulated.platformUrl,
        pathTemplate: simulated.pathTemplate,
        consumerHsaId: config.consumerHsaId,
        logicalAddresses: simulated.logicalAddresses,
        engagementIndex: config.engagementIndex,
        aggregationMode: config.aggregationMode,
        // The demo's producers are in our own routing table, as an operator's onboarding puts them.
        routeThroughPlatform: config.engagementIndex === 'national',
        timeouts: config.timeouts,
      };
      logger.info({ platform: simulated.platformUrl, mode: config.aggregationMode }, 'demo: the simulated national platform is running');
    } else {
      settings = settingsFromConfig(config);
    }
    const services = opened('national services', connectNationalServices({ db: database.db, settings, transport, logger, ...(describe ? { describeSource: describe } : {}) }));

    let oidc = config.oidc;
    if (!oidc) {
      if (!population) throw new JournalenError('CONFIG_INVALID', 'OIDC_ISSUER must be set when the simulators are off: the demo identity provider lists the simulated population');
      const demoPopulation = population;
      const clientSecret = randomBytes(24).toString('base64url');
      const idp = opened(
        'demo identity provider',
        await startDemoIdentityProvider({
          port: config.demoIdpPort,
          host: 'localhost',
          clients: [{ clientId: 'journalen', clientSecret, redirectUris: [`${config.publicUrl}/auth/callback`], postLogoutRedirectUris: [`${config.publicUrl}/utloggad`] }],
          persons: () => demoPersons(demoPopulation),
          logger,
        }),
      );
      oidc = { issuer: idp.issuer, clientId: 'journalen', clientSecret };
      logger.info({ issuer: idp.issuer }, 'demo identity provider (stands in for BankID) is running');
    }

    // Each answer's source statuses feed the producer statistics; a failure there never stops a read.
    const measured = async (q: RecordQuery): Promise<AggregatedRecord> => {
      const answer = await services.aggregate(q);
      recordSourceStatuses(database.db, answer.sources, new Date()).catch((error: unknown) => logger.warn({ err: error }, 'producer statistics not recorded'));
      return answer;
    };
    const directory = cachedCareDirectory(database.db, { lookup: services.hsa, logger });
    const records = createRecordService({
      db: database.db,
      register: services.register,
      aggregate: measured,
      directory: directory.get,
      handleKey: secret,
      logger,
      consumerHsaId: config.consumerHsaId,
    });
    const login = {
      records,
      relyingParty: createRelyingParty({ ...oidc, redirectUri: `${config.publicUrl}/auth/callback`, postLogoutRedirectUri: `${config.publicUrl}/utloggad` }),
      secret,
      publicUrl: config.publicUrl,
      aggregate: measured,
      register: services.register,
      verifyTransport: transport,
      timeouts: { idleMs: config.sessionIdleMinutes * 60_000, absoluteMs: config.sessionAbsoluteHours * 3_600_000 },
    };
    const app = opened('http', await buildApp({ database, logger, login }));
    if (population) await seedDemoAdmins(database.db, population);
    if (stopping) throw new Stopped();
    await app.listen({ port: config.port, host: config.host });
    logger.info(
      { mode: config.mode, database: database.kind, url: `http://${config.host}:${config.port}`, engagementIndex: internalUrl, aggregation: config.aggregationMode },
      'Journalen is running',
    );
  } catch (error) {
    await stop(error instanceof Stopped ? 'stopped during start' : 'start failed');
    if (!(error instanceof Stopped)) throw error;
  }
}

/** Production (and a demo without simulators): every national service from the settings. */
function settingsFromConfig(config: Config): NationalSettings {
  const { platformUrl, logicalAddresses: a } = config;
  const missing = [
    ...(platformUrl === undefined ? ['PLATFORM_URL'] : []),
    ...(a.personRegister === undefined ? ['PERSON_REGISTER_LOGICAL_ADDRESS'] : []),
    ...(a.hsaDirectory === undefined ? ['HSA_LOGICAL_ADDRESS'] : []),
  ];
  if (missing.length > 0 || platformUrl === undefined || a.personRegister === undefined || a.hsaDirectory === undefined) {
    throw new JournalenError('CONFIG_INVALID', missing.map((name) => `${name} must be set when SIMULATORS=off: the national services are reached through it`).join('\n'));
  }
  return {
    platformUrl,
    pathTemplate: config.platformPathTemplate,
    consumerHsaId: config.consumerHsaId,
    logicalAddresses: {
      aggregator: a.aggregator,
      personRegister: a.personRegister,
      hsaDirectory: a.hsaDirectory,
      ...(a.engagementIndex !== undefined ? { engagementIndex: a.engagementIndex } : {}),
    },
    engagementIndex: config.engagementIndex,
    aggregationMode: config.aggregationMode,
    routeThroughPlatform: true,
    timeouts: config.timeouts,
  };
}

/** The platform takes the consumer from the certificate's SERIALNUMBER: a different CONSUMER_HSA_ID would be refused there. */
function checkConsumerIdentity(config: Config, tls: TlsMaterial, logger: ReturnType<typeof createLogger>): void {
  if (tls.cert === undefined && tls.pfx === undefined) return;
  const inCertificate = certificateHsaId(tls);
  if (inCertificate === undefined) {
    const message = 'the function certificate has no SERIALNUMBER (HSA-id): the national platform refuses it (VP002)';
    if (config.mode === 'production') throw new JournalenError('CONFIG_INVALID', `TLS_CERT_FILE: ${message}`, { field: 'TLS_CERT_FILE' });
    logger.warn(message);
  } else if (inCertificate !== config.consumerHsaId) {
    throw new JournalenError(
      'CONFIG_INVALID',
      `CONSUMER_HSA_ID (${config.consumerHsaId}) differs from the function certificate's HSA-id (${inCertificate}): the platform authorizes the certificate's`,
      { field: 'CONSUMER_HSA_ID' },
    );
  }
}

/** In production the internal listener requires client certificates; its own is the function certificate unless INTERNAL_TLS_* says otherwise. */
function internalHttps(config: Config, tls: TlsMaterial | undefined): { https?: InternalHttpsOptions } {
  if (config.mode !== 'production') return {};
  const own = config.internalTls;
  const material = loadTlsMaterial(
    {
      ...(own.certFile !== undefined ? { certFile: own.certFile, ...(own.keyFile !== undefined ? { keyFile: own.keyFile } : {}) } : {}),
      ...(own.clientCaFile !== undefined ? { caFile: own.clientCaFile } : {}),
    },
    { names: INTERNAL_TLS_SETTING_NAMES },
  );
  const identity = own.certFile !== undefined ? material : tls;
  const ca = material.ca ?? tls?.ca ?? [];
  return {
    https: {
      ...(identity?.cert !== undefined ? { cert: identity.cert } : {}),
      ...(identity?.key !== undefined ? { key: identity.key } : {}),
      ...(identity?.pfx !== undefined ? { pfx: identity.pfx } : {}),
      ...(identity?.passphrase !== undefined ? { passphrase: identity.passphrase } : {}),
      ca,
    },
  };
}

start().catch((error: unknown) => {
  const message = isJournalenError(error)
    ? error.message
    : (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
      ? `port is already in use: ${(error as Error).message}`
      : `could not start: ${(error as Error)?.message ?? String(error)}`;
  // A configuration may have several problems: one line each.
  for (const line of message.split('\n')) process.stderr.write(`journalen: ${line}\n`);
  process.exitCode = 1;
});
