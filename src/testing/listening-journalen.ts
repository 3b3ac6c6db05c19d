import { createServer, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createRelyingParty } from '../access/oidc.js';
import { simulatedRegister } from '../demo/register.js';
import { createAggregator } from '../aggregation/fetch-record.js';
import type { Database } from '../db/connection.js';
import { demoPersons } from '../demo/persons.js';
import { startDemoIdentityProvider, type DemoIdentityProvider } from '../identity-provider/index.js';
import { createLogger } from '../operations/logger.js';
import { createRecordService, type RecordService } from '../record/service.js';
import { buildApp } from '../web/app.js';
import { startWorld, type World } from './world.js';

/**
 * The whole service listening on loopback, for a real browser: the demo world, the demo
 * identity provider and the public app on its own port, with the redirect URIs naming it.
 * (`journalen.ts` is the in-process variant, answered through `app.inject()`.)
 */

export interface ListeningJournalen {
  readonly app: FastifyInstance;
  readonly world: World;
  readonly idp: DemoIdentityProvider;
  readonly records: RecordService;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  close(): Promise<void>;
}

/** A free loopback port: the identity provider must know the app's address before the app starts. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startListeningJournalen(database: Database, options: { populationSize?: number } = {}): Promise<ListeningJournalen> {
  const world = await startWorld(database, { populationSize: options.populationSize ?? 40 });
  const population = world.sources.population;
  const secret = 'browser-secret-browser-secret-0123456789';
  const origin = `http://127.0.0.1:${await freePort()}`;
  const logger = createLogger({ level: (process.env.TEST_LOG_LEVEL as 'silent' | undefined) ?? 'silent' });
  let idp: DemoIdentityProvider | undefined;
  try {
    idp = await startDemoIdentityProvider({
      port: 0,
      clients: [{ clientId: 'journalen', clientSecret: 'browser-client-secret', redirectUris: [`${origin}/auth/callback`], postLogoutRedirectUris: [`${origin}/utloggad`] }],
      persons: () => demoPersons(population),
      logger,
    });
    const aggregator = createAggregator({ db: database.db, describeSource: world.sources.describeSource });
    const records = createRecordService({ db: database.db, register: simulatedRegister(population), aggregate: aggregator.aggregateRecord, handleKey: secret });
    const app = await buildApp({
      database,
      logger,
      login: {
        records,
        relyingParty: createRelyingParty({ issuer: idp.issuer, clientId: 'journalen', clientSecret: 'browser-client-secret', redirectUri: `${origin}/auth/callback`, postLogoutRedirectUri: `${origin}/utloggad` }),
        secret,
        publicUrl: origin,
        // Browser suites log in many times from one address.
        loginRateLimit: 1000,
      },
    });
    await app.listen({ port: Number(new URL(origin).port), host: '127.0.0.1' });
    const started = idp;
    return {
      app,
      world,
      idp: started,
      records,
      origin,
      async close() {
        await app.close();
        await started.close();
        await world.close();
      },
    };
  } catch (error) {
    await idp?.close();
    await world.close();
    throw error;
  }
}
