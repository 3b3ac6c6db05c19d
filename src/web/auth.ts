import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { RelyingParty, LoginTransaction } from '../access/oidc.js';
import { safeReturnPath } from '../access/oidc.js';
import { createSession, DEFAULT_TIMEOUTS, endSession, findSession, type Session, type SessionTimeouts } from '../access/sessions.js';
import { appendAudit } from '../audit/index.js';
import type { Db } from '../db/connection.js';
import { isJournalenError, JournalenError } from '../errors/index.js';
import type { RecordService } from '../record/service.js';

/**
 * Login, logout and the session of each request. The session cookie is HttpOnly, SameSite=Lax
 * (the broker's redirect back is a top-level navigation) and Secure behind HTTPS, named
 * `__Host-` there so no subdomain can set it. Every unsafe request carries a CSRF token bound to
 * the session. Logins are rate-limited per address; every login, refusal and logout is audited.
 */

export interface AuthOptions {
  readonly db: Db;
  readonly relyingParty: RelyingParty;
  readonly records: RecordService;
  /** Signs cookies (login transaction, CSRF); at least 32 characters. */
  readonly secret: string;
  /** https origins get Secure cookies. */
  readonly publicUrl: string;
  readonly timeouts?: SessionTimeouts;
  readonly now: () => Date;
  readonly logger: Logger;
  /** Logins per address and minute. */
  readonly loginRateLimit?: number;
  /** Renders the refusal page for a person who may not log in. */
  readonly renderRefusal: (request: FastifyRequest, reason: { sv: string; en: string }) => string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in session, if any. */
    viewerSession: Session | null;
    /** The cookie named a session that has timed out (for the notice). */
    sessionExpired: boolean;
  }
}

const LOGIN_COOKIE = 'journalen_login';
const LOGIN_TTL_S = 600;

export const sessionCookieName = (secure: boolean) => (secure ? '__Host-journalen' : 'journalen');

export const authPlugin = fp<AuthOptions>(async (app, options) => {
  const secure = options.publicUrl.startsWith('https:');
  const cookieName = sessionCookieName(secure);
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const { db, now } = options;

  await app.register(cookie, { secret: options.secret, hook: 'onRequest' });
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(rateLimit, { global: false });
  await app.register(csrf, {
    cookieKey: secure ? '__Host-journalen-csrf' : 'journalen-csrf',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure, signed: true },
    // The token is only valid for the session it was made in.
    csrfOpts: { hmacKey: options.secret },
    getUserInfo: (request) => request.viewerSession?.idHash ?? 'anonymous',
    getToken: (request) => {
      const body = request.body as { _csrf?: unknown } | undefined;
      if (body && typeof body === 'object' && typeof body._csrf === 'string') return body._csrf;
      const header = request.headers['x-csrf-token'];
      return typeof header === 'string' ? header : undefined;
    },
  });

  // A browser-session cookie (no Max-Age): gone when the browser closes, which matters on a shared
  // computer; the server ends the session at the idle and absolute timeouts anyway. Cleared with
  // the same attributes, or a browser keeps a __Host- cookie.
  const sessionCookie = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure };

  app.decorateRequest('viewerSession', null);
  app.decorateRequest('sessionExpired', false);

  app.addHook('onRequest', async (request, reply) => {
    const raw = request.cookies[cookieName];
    if (raw === undefined) return;
    const found = await findSession(db, raw, now(), timeouts);
    if (found.kind === 'active') {
      request.viewerSession = found.session;
      return;
    }
    request.sessionExpired = found.kind === 'expired';
    void reply.clearCookie(cookieName, sessionCookie);
  });

  const loginLimit = { rateLimit: { max: options.loginRateLimit ?? 20, timeWindow: 60_000 } };

  app.get<{ Querystring: { returnTo?: string; lang?: string } }>('/logga-in', { config: loginLimit }, async (request, reply) => {
    const returnTo = safeReturnPath(request.query.returnTo ?? (request.query.lang === 'en' ? '/min-journal?lang=en' : '/min-journal'));
    const { url, transaction } = await options.relyingParty.start(returnTo);
    void reply.setCookie(LOGIN_COOKIE, JSON.stringify(transaction), { path: '/auth', httpOnly: true, sameSite: 'lax', secure, signed: true, maxAge: LOGIN_TTL_S });
    return reply.redirect(url, 303);
  });

  app.get('/auth/callback', { config: loginLimit }, async (request, reply) => {
    const transaction = readTransaction(request);
    void reply.clearCookie(LOGIN_COOKIE, { path: '/auth' });
    if (!transaction) throw new JournalenError('LOGIN_FAILED', 'the login took too long or was started in another browser; please log in again', { reason: 'transaction' });
    const callbackUrl = new URL(request.url, options.publicUrl);
    const result = await options.relyingParty.finish(callbackUrl, transaction);

    const actor = { id: result.personnummer, role: 'self' as const, name: result.name ?? null };
    let decision;
    try {
      decision = await options.records.mayLogIn(result.personnummer);
    } catch (error) {
      // Fail closed: no register answer, no login; the refusal is audited and the error page says why.
      if (isJournalenError(error, 'REGISTER_UNAVAILABLE')) {
        await appendAudit(db, { kind: 'login', actor, subject: result.personnummer, details: { outcome: 'refused', reason: 'REGISTER_UNAVAILABLE' } });
      }
      throw error;
    }
    if (!decision.allowed) {
      await appendAudit(db, { kind: 'login', actor, subject: result.personnummer, details: { outcome: 'refused', reason: decision.reason.code } });
      return reply.code(403).type('text/html; charset=utf-8').send(options.renderRefusal(request, decision.reason));
    }
    // A session from before the login is never carried over (fixation): end it, issue a new id.
    if (request.viewerSession) await endSession(db, request.viewerSession.idHash);
    await appendAudit(db, { kind: 'login', actor, subject: result.personnummer, details: { outcome: 'allowed', reason: decision.reason.code } });
    const { id } = await createSession(db, result.personnummer, { ...(result.name ? { name: result.name } : {}), ...(result.idToken ? { idToken: result.idToken } : {}) }, now(), timeouts);
    void reply.setCookie(cookieName, id, sessionCookie);
    return reply.redirect(transaction.returnTo, 303);
  });

  // Without a session there is nothing to forge: an expired page's logout button just lands logged out.
  const csrfIfSession = (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) =>
    request.viewerSession ? app.csrfProtection.call(app, request, reply, done) : done();
  app.post('/logga-ut', { preHandler: csrfIfSession }, async (request, reply) => {
    const session = request.viewerSession;
    void reply.clearCookie(cookieName, sessionCookie);
    if (!session) return reply.redirect('/utloggad', 303);
    await appendAudit(db, { kind: 'logout', actor: { id: session.personnummer, role: 'self', name: session.data.name ?? null }, subject: session.personnummer, details: {} });
    await endSession(db, session.idHash);
    const brokerLogout = await options.relyingParty.logoutUrl(typeof session.data.idToken === 'string' ? session.data.idToken : undefined);
    return reply.redirect(brokerLogout ?? '/utloggad', 303);
  });

  function readTransaction(request: FastifyRequest): LoginTransaction | undefined {
    const raw = request.cookies[LOGIN_COOKIE];
    if (raw === undefined) return undefined;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || unsigned.value === null) return undefined;
    try {
      const value = JSON.parse(unsigned.value) as Partial<LoginTransaction>;
      if (typeof value.state !== 'string' || typeof value.nonce !== 'string' || typeof value.codeVerifier !== 'string') return undefined;
      return { state: value.state, nonce: value.nonce, codeVerifier: value.codeVerifier, returnTo: safeReturnPath(value.returnTo) };
    } catch {
      return undefined;
    }
  }
});

/** The logged-in viewer, or UNAUTHENTICATED / SESSION_EXPIRED. */
export function requireSession(request: FastifyRequest): Session {
  if (request.viewerSession) return request.viewerSession;
  if (request.sessionExpired) throw new JournalenError('SESSION_EXPIRED', 'your session has expired; please log in again');
  throw new JournalenError('UNAUTHENTICATED', 'please log in');
}

/** A fresh CSRF token for a form or an API client. */
export const csrfToken = (reply: FastifyReply): string => reply.generateCsrf({ userInfo: reply.request.viewerSession?.idHash ?? 'anonymous' });
