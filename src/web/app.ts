import helmet from '@fastify/helmet';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Database } from '../db/connection.js';
import { isJournalenError, JournalenError } from '../errors/index.js';
import { registerRegionsApi } from '../api/regions.js';
import { registerPublicPages } from './pages/routes.js';
import { pickLang } from './i18n.js';
import { renderPage } from './layout.js';
import { ErrorPage } from './pages/error.js';

/**
 * The HTTP shell: plugins, routes and the one place errors become responses. Everything it
 * shows comes from library modules (registry, disclosure); handlers only translate.
 */

export interface AppDeps {
  readonly database: Database;
  readonly logger: Logger;
  /** The clock, so tests can fix "now". */
  readonly now?: () => Date;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is what Fastify logs with; its types are stricter than FastifyBaseLogger.
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    // Bodies are small forms and JSON; refuse anything larger before parsing it.
    bodyLimit: 1024 * 1024,
    trustProxy: false,
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });

  const now = deps.now ?? (() => new Date());

  app.get('/health', async () => {
    await deps.database.db.execute(sql`select 1`);
    return { status: 'ok', database: deps.database.kind };
  });

  app.setNotFoundHandler((request, reply) => {
    if (isApi(request)) {
      return reply.code(404).send(new JournalenError('NOT_FOUND', `no such resource: ${request.method} ${request.url.split('?')[0]}`).toJSON());
    }
    return sendHtml(reply.code(404), renderPage(ErrorPage({ lang: pickLang(request.query), kind: 'notFound', path: '/' })));
  });

  app.setErrorHandler((error, request, reply) => {
    const known = toJournalenError(error);
    if (known.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: known.code }, known.message);
    if (isApi(request)) return reply.code(known.statusCode).send(known.toJSON());
    const kind = known.statusCode === 404 ? 'notFound' : 'error';
    return sendHtml(reply.code(known.statusCode), renderPage(ErrorPage({ lang: pickLang(request.query), kind, path: '/' })));
  });

  // After the handlers: plugins take the error handler in force when they are registered.
  await app.register(registerRegionsApi, { prefix: '/api/v1', db: deps.database.db, now });
  await app.register(registerPublicPages, { db: deps.database.db, now });

  return app;
}

const isApi = (request: FastifyRequest) => request.url.startsWith('/api/');

export const sendHtml = (reply: FastifyReply, html: string) => reply.type('text/html; charset=utf-8').send(html);

/** Maps whatever was thrown onto the error vocabulary; internals never leak to clients. */
function toJournalenError(error: unknown): JournalenError {
  if (isJournalenError(error)) return error;
  const e = error as { validation?: unknown; statusCode?: number; message?: string; code?: string };
  if (e.validation !== undefined || (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500)) {
    return new JournalenError('INPUT_INVALID', e.message ?? 'invalid request', { status: e.statusCode ?? 400 });
  }
  return new JournalenError('INTERNAL', 'internal error');
}
