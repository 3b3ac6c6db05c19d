import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import type { RelyingParty } from '../access/oidc.js';
import type { PopulationRegister } from '../access/register.js';
import type { Transport } from '../aggregation/source-call.js';
import type { SessionTimeouts } from '../access/sessions.js';
import { registerRecordApi } from '../api/record.js';
import type { RecordService } from '../record/service.js';
import type { AggregatedRecord, RecordQuery } from '../aggregation/fetch-record.js';
import { registerAdminOperationsPages } from './admin/operations-routes.js';
import { registerAdminRulesPages } from './admin/routes.js';
import { registerChartAndPrintPages } from './charts-print-routes.js';
import { authPlugin } from './auth.js';
import { NoticePage } from './pages/my-record.js';
import { RECORD_WORDS } from './record-words.js';
import { registerRecordPages } from './record-pages.js';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Database } from '../db/connection.js';
import { isJournalenError, JournalenError } from '../errors/index.js';
import { registerRegionsApi } from '../api/regions.js';
import { registerPublicPages } from './pages/routes.js';
import { pickLang, type Lang } from './i18n.js';
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
  /**
   * Requests in progress beyond which new ones get 503 and the "overloaded" page at once, rather
   * than queueing until everyone times out. Default 256.
   */
  readonly maxInFlight?: number;
  /** Login and the record (issue 4); without it the app serves the public pages only. */
  readonly login?: {
    readonly records: RecordService;
    readonly relyingParty: RelyingParty;
    /** At least 32 characters. */
    readonly secret: string;
    readonly publicUrl: string;
    readonly timeouts?: SessionTimeouts;
    readonly loginRateLimit?: number;
    /** The live record sources, for the administrators' rules preview (issue 6); without it the preview is unavailable. */
    readonly aggregate?: (query: RecordQuery) => Promise<AggregatedRecord>;
    /** The population register, for the preview's refusals. */
    readonly register?: PopulationRegister;
    /** How the onboarding's verification calls a producer (production: the mutual-TLS transport); default fetch. */
    readonly verifyTransport?: Transport;
  };
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is what Fastify logs with; its types are stricter than FastifyBaseLogger.
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    // Bodies are small forms and JSON; refuse anything larger before parsing it.
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    // An unknown query parameter is refused, not dropped: a misspelt filter must not look like an answer.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    schemaErrorFormatter: (errors, dataVar) => {
      // One line naming the field, e.g. "querystring.limit must be >= 1" or "querystring: unknown parameter \"foo\"".
      const first = errors[0];
      if (!first) return new Error(`${dataVar} is invalid`);
      const where = `${dataVar}${first.instancePath.replace(/\//g, '.')}`;
      const extra = (first.params as { additionalProperty?: string }).additionalProperty;
      return new Error(extra !== undefined ? `${where}: unknown parameter ${JSON.stringify(extra.slice(0, 40))}` : `${where} ${first.message ?? 'is invalid'}`);
    },
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'"],
        // Logout is a form post that ends at the e-ID broker's logout; Chrome applies form-action to that redirect.
        formAction: ["'self'", ...(deps.login ? [deps.login.relyingParty.issuerOrigin] : [])],
        frameAncestors: ["'none'"],
      },
    },
  });

  const now = deps.now ?? (() => new Date());

  // Load shedding: a record read holds a request open while the sources answer, so under a
  // surge the honest answer is a quick "try again shortly", not a slow failure for everyone.
  const maxInFlight = deps.maxInFlight ?? 256;
  let inFlight = 0;
  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/health') return;
    if (inFlight >= maxInFlight) {
      void reply.header('retry-after', '10');
      throw new JournalenError('OVERLOADED', 'the service is overloaded; try again in a little while');
    }
    inFlight++;
    // 'close' comes for every response, also when the client gives up first.
    reply.raw.once('close', () => inFlight--);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Journalen API', version: '1', description: 'The resident\'s own health record, gathered live and shown by each care provider\'s disclosure rules.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'journalen', description: 'The session cookie from the login (named __Host-journalen behind HTTPS). Changes also need the x-csrf-token header from GET /api/v1/me.' } } },
    },
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

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
    return sendHtml(reply.code(known.statusCode), renderPage(errorPageFor(known, pickLang(request.query))));
  });

  // After the handlers: plugins take the error handler in force when they are registered.
  await app.register(registerRegionsApi, { prefix: '/api/v1', db: deps.database.db, now });
  await app.register(registerPublicPages, { db: deps.database.db, now });
  if (deps.login) {
    const { records } = deps.login;
    await app.register(authPlugin, {
      db: deps.database.db,
      relyingParty: deps.login.relyingParty,
      records,
      secret: deps.login.secret,
      publicUrl: deps.login.publicUrl,
      ...(deps.login.timeouts ? { timeouts: deps.login.timeouts } : {}),
      ...(deps.login.loginRateLimit ? { loginRateLimit: deps.login.loginRateLimit } : {}),
      now,
      logger: deps.logger,
      renderRefusal: (request, reason) => {
        const lang = pickLang(request.query);
        return renderPage(NoticePage({ lang, path: '/', title: RECORD_WORDS[lang].refusedTitle, text: reason[lang] }));
      },
    });
    await app.register(registerRecordApi, { prefix: '/api/v1', db: deps.database.db, records });
    await app.register(registerRecordPages, { db: deps.database.db, records });
    await app.register(registerAdminRulesPages, {
      db: deps.database.db,
      now,
      ...(deps.login.aggregate ? { aggregate: deps.login.aggregate } : {}),
      ...(deps.login.register ? { register: deps.login.register } : {}),
    });
    await app.register(registerAdminOperationsPages, {
      db: deps.database.db,
      now,
      ...(deps.login.verifyTransport ? { verify: { transport: deps.login.verifyTransport } } : {}),
    });
    await app.register(registerChartAndPrintPages, { records });
  }

  return app;
}

const isApi = (request: FastifyRequest) => request.url.startsWith('/api/');

export const sendHtml = (reply: FastifyReply, html: string) => reply.type('text/html; charset=utf-8').send(html);

function errorPageFor(error: JournalenError, lang: Lang) {
  const w = RECORD_WORDS[lang];
  const notice = (title: string, text: string, action?: { href: string; label: string }) =>
    NoticePage({ lang, path: '/', title, text, status: 'alert', ...(action ? { action } : {}) });
  switch (error.code) {
    case 'JOURNALEN_NOT_FOUND':
    case 'JOURNALEN_REGION_UNKNOWN':
      return ErrorPage({ lang, kind: 'notFound', path: '/' });
    case 'JOURNALEN_LOGIN_FAILED':
      return notice(w.loginFailedTitle, w.loginFailedText, { href: '/logga-in', label: w.logIn });
    case 'JOURNALEN_RATE_LIMITED':
      return notice(w.tooManyTitle, w.tooManyText);
    case 'JOURNALEN_UNAUTHENTICATED':
    case 'JOURNALEN_SESSION_EXPIRED':
      return notice(w.expiredTitle, w.expiredText, { href: '/logga-in', label: w.logIn });
    case 'JOURNALEN_FORBIDDEN':
    case 'JOURNALEN_CSRF_INVALID':
      return notice(w.forbiddenTitle, lang === 'sv' && typeof error.details.sv === 'string' ? error.details.sv : error.message);
    case 'JOURNALEN_OVERLOADED':
      return notice(w.overloadedTitle, w.overloadedText);
    // Fail closed: without the register's answer nobody's access can be decided, so nothing is shown.
    case 'JOURNALEN_REGISTER_UNAVAILABLE':
      return notice(w.registerUnavailableTitle, w.registerUnavailableText);
    default:
      return ErrorPage({ lang, kind: 'error', path: '/' });
  }
}

/** Maps whatever was thrown onto the error vocabulary; internals never leak to clients. */
function toJournalenError(error: unknown): JournalenError {
  if (isJournalenError(error)) return error;
  const e = error as { validation?: unknown; statusCode?: number; message?: string; code?: string };
  if (e.statusCode === 429) return new JournalenError('RATE_LIMITED', 'too many requests; wait a minute and try again');
  if (typeof e.code === 'string' && e.code.startsWith('FST_CSRF')) {
    return new JournalenError('CSRF_INVALID', 'the form has expired or did not come from this service; reload the page and try again');
  }
  if (e.statusCode === 413) return new JournalenError('INPUT_INVALID', 'the request is too large', { status: 413 });
  if (e.validation !== undefined || (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500)) {
    return new JournalenError('INPUT_INVALID', e.message ?? 'invalid request', { status: e.statusCode ?? 400 });
  }
  return new JournalenError('INTERNAL', 'internal error');
}
