import { loadConfig } from './config/index.js';
import { openDatabase } from './db/connection.js';
import { isJournalenError } from './errors/index.js';
import { createLogger } from './operations/logger.js';
import { seedDefaultPolicies } from './registry/policies.js';
import { seedRegistry } from './registry/store.js';
import { buildApp } from './web/app.js';
import { startDemoSources, type DemoSources } from './demo/sources.js';
import { ENGAGEMENT_INDEX_PATHS } from './engagement-index/routes.js';

/**
 * `npm start`: configuration, database (migrated and seeded), HTTP. A bad configuration or an
 * unreachable database stops the start with one line saying why.
 */

async function start(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  const database = await openDatabase(
    config.databaseUrl !== undefined ? { databaseUrl: config.databaseUrl, logger } : { dataDir: config.dataDir, logger },
  );
  await seedRegistry(database.db);
  await seedDefaultPolicies(database.db);

  const app = await buildApp({ database, logger });
  let sources: DemoSources | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await sources?.close();
    await app.close();
    await database.close();
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  try {
    await app.listen({ port: config.port, host: config.host });
    if (config.simulators) {
      // The simulators are producers on loopback; they report to this service's own index.
      const self = `http://127.0.0.1:${config.port}`;
      sources = await startDemoSources({
        db: database.db,
        logger,
        populationSize: config.populationSize,
        populationSeed: config.populationSeed,
        basePort: config.simulatorPort,
        engagementIndexUpdateUrl: `${self}${ENGAGEMENT_INDEX_PATHS.Update}`,
      });
    }
  } catch (error) {
    await stop('start failed');
    throw error;
  }
  logger.info({ database: database.kind, url: `http://${config.host}:${config.port}` }, 'Journalen is running');
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
