import type { AddressInfo } from 'node:net';
import { loadConfig } from './config/index.js';
import { openDatabase } from './db/connection.js';
import { startDemoSources } from './demo/sources.js';
import { ENGAGEMENT_INDEX_PATHS } from './engagement-index/routes.js';
import { isJournalenError } from './errors/index.js';
import { createLogger } from './operations/logger.js';
import { seedDefaultPolicies } from './registry/policies.js';
import { seedRegistry } from './registry/store.js';
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

    const app = opened('http', await buildApp({ database, logger }));
    const internal = opened('internal http', await buildInternalApp({ database, logger }));
    await app.listen({ port: config.port, host: config.host });
    await internal.listen({ port: config.internalPort, host: '127.0.0.1' });
    const internalUrl = `http://127.0.0.1:${(internal.server.address() as AddressInfo).port}`;

    if (config.simulators) {
      if (stopping) throw new Stopped();
      opened(
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
