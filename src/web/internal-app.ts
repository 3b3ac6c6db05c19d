import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Database } from '../db/connection.js';
import { registerEngagementIndex } from '../engagement-index/routes.js';

/**
 * The platform side of the service, on its own listener: the engagement index that producers
 * report to. It says where a person has received care, so it is never on the public port; in
 * production it sits behind the national platform's mutual TLS, here it listens on loopback.
 */
export async function buildInternalApp(deps: { readonly database: Database; readonly logger: Logger }): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger as unknown as FastifyBaseLogger, bodyLimit: 2 * 1024 * 1024 });
  app.get('/health', async () => ({ status: 'ok' }));
  // The engagement index speaks SOAP with its own parser and fault handling, kept inside it.
  await app.register(registerEngagementIndex, { db: deps.database.db });
  return app;
}
