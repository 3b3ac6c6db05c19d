import type { FastifyInstance } from 'fastify';
import { createRelyingParty } from '../access/oidc.js';
import { simulatedRegister } from '../demo/register.js';
import type { PopulationRegister } from '../access/register.js';
import type { Population } from '../simulators/population.js';
import type { SessionTimeouts } from '../access/sessions.js';
import { createAggregator } from '../aggregation/fetch-record.js';
import type { Database } from '../db/connection.js';
import { demoPersons } from '../demo/persons.js';
import { startDemoIdentityProvider, type DemoIdentityProvider } from '../identity-provider/index.js';
import { createLogger } from '../operations/logger.js';
import { createRecordService, type RecordService } from '../record/service.js';
import { buildApp } from '../web/app.js';
import { HttpBrowser, hiddenField, type Page } from './http-browser.js';
import { startWorld, type World } from './world.js';

/**
 * The whole service for in-process tests: the demo world (simulators, index, routing), the demo
 * identity provider on a loopback port, and the public app answering through `app.inject()` at
 * a made-up origin. `logIn` walks the real OpenID Connect flow.
 */

export const APP_ORIGIN = 'http://journalen.test';

export interface Journalen {
  readonly app: FastifyInstance;
  readonly world: World;
  readonly idp: DemoIdentityProvider;
  readonly records: RecordService;
  /** Moves the app's clock (sessions, rules) forward. */
  advance(ms: number): void;
  browser(): HttpBrowser;
  /** Logs in through the identity provider; returns the page the login lands on. */
  logIn(browser: HttpBrowser, personnummer: string, returnTo?: string): Promise<Page>;
  close(): Promise<void>;
}

export async function startJournalen(
  database: Database,
  options: {
    timeouts?: SessionTimeouts;
    loginRateLimit?: number;
    populationSize?: number;
    /** The population register; default the synthetic population's, in-process. */
    register?: (population: Population) => PopulationRegister | Promise<PopulationRegister>;
  } = {},
): Promise<Journalen> {
  const world = await startWorld(database, { populationSize: options.populationSize ?? 40 });
  const population = world.sources.population;
  const register = options.register ? await options.register(population) : simulatedRegister(population);
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const secret = 'test-secret-test-secret-test-secret-0123';
  const idp = await startDemoIdentityProvider({
    port: 0,
    clients: [{ clientId: 'journalen', clientSecret: 'test-client-secret', redirectUris: [`${APP_ORIGIN}/auth/callback`], postLogoutRedirectUris: [`${APP_ORIGIN}/utloggad`] }],
    persons: () => demoPersons(population),
    logger: createLogger({ level: 'silent' }),
  });
  const aggregator = createAggregator({ db: database.db, describeSource: world.sources.describeSource });
  const records = createRecordService({ db: database.db, register, aggregate: aggregator.aggregateRecord, handleKey: secret, now });
  const app = await buildApp({
    database,
    logger: createLogger({ level: (process.env.TEST_LOG_LEVEL as 'silent' | undefined) ?? 'silent' }),
    now,
    login: {
      records,
      relyingParty: createRelyingParty({ issuer: idp.issuer, clientId: 'journalen', clientSecret: 'test-client-secret', redirectUri: `${APP_ORIGIN}/auth/callback`, postLogoutRedirectUri: `${APP_ORIGIN}/utloggad` }),
      secret,
      publicUrl: APP_ORIGIN,
      aggregate: aggregator.aggregateRecord,
      register,
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      ...(options.loginRateLimit ? { loginRateLimit: options.loginRateLimit } : {}),
    },
  });
  return {
    app,
    world,
    idp,
    records,
    advance: (ms) => {
      offset += ms;
    },
    browser: () => new HttpBrowser(app, APP_ORIGIN),
    async logIn(browser, personnummer, returnTo) {
      const loginPage = await browser.get(returnTo ? `/logga-in?returnTo=${encodeURIComponent(returnTo)}` : '/logga-in');
      if (loginPage.status !== 200 || !loginPage.url.href.startsWith(idp.issuer)) throw new Error(`no login page: ${loginPage.status} ${loginPage.url.href}`);
      const uid = hiddenField(loginPage.body, 'uid');
      return browser.post(new URL(`/interaction/${uid}/login`, idp.issuer), { uid, lang: 'sv', personnummer });
    },
    async close() {
      await app.close();
      await idp.close();
      await world.close();
    },
  };
}
