import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/connection.js';
import { routingEntry } from '../db/schema.js';
import { seedDemoAdmins } from '../demo/admins.js';
import { startDemoSources, type DemoSources } from '../demo/sources.js';
import { ENGAGEMENT_INDEX_PATHS } from '../engagement-index/routes.js';
import { createLogger } from '../operations/logger.js';
import { seedDefaultPolicies } from '../registry/policies.js';
import { seedRegistry } from '../registry/store.js';
import { buildInternalApp } from '../web/internal-app.js';

/**
 * The demo world for tests, wired as `npm start` wires it: reference data and rules seeded, the
 * engagement index on a loopback listener, the seven simulators on ephemeral ports with their
 * routes, authorizations, care directory and engagements.
 */
export interface World {
  readonly sources: DemoSources;
  readonly internal: FastifyInstance;
  close(): Promise<void>;
}

export async function startWorld(database: Database, options: { populationSize?: number; seed?: string } = {}): Promise<World> {
  const logger = createLogger({ level: 'silent' });
  await seedRegistry(database.db);
  await seedDefaultPolicies(database.db);
  const internal = await buildInternalApp({ database, logger });
  await internal.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(internal.server.address() as AddressInfo).port}`;
  try {
    const sources = await startDemoSources({
      db: database.db,
      logger,
      populationSize: options.populationSize ?? 40,
      populationSeed: options.seed ?? 'test',
      engagementIndexUpdateUrl: `${base}${ENGAGEMENT_INDEX_PATHS.Update}`,
    });
    await seedDemoAdmins(database.db, sources.population);
    return {
      sources,
      internal,
      async close() {
        await sources.close();
        await internal.close();
      },
    };
  } catch (error) {
    await internal.close();
    throw error;
  }
}

/**
 * Takes simulators out of production routing, so tests can onboard them as new producers (a
 * connection never repoints an address already in production).
 */
export async function takeOutOfProduction(database: Database, world: World, ids: readonly ('cosmic' | 'pmo' | 'melior' | 'takecare' | 'vas' | 'millennium' | 'ncs-cross')[]): Promise<void> {
  for (const id of ids) {
    const address = world.sources.simulators.system(id).logicalAddress;
    await database.db.delete(routingEntry).where(and(eq(routingEntry.logicalAddress, address), eq(routingEntry.environment, 'production')));
  }
}
