/**
 * The demo OpenID Connect identity provider: stands in for BankID / Freja eID so the service can
 * be logged into with synthetic people. Built on oidc-provider 8 (Koa), on its own node:http
 * server; the interaction pages (choose a person, type a personnummer, cancel) are ours.
 *
 * What a relying party gets: the authorization code flow with PKCE S256 (required), client
 * authentication with client_secret_basic or client_secret_post, scopes `openid profile`, an ID
 * token whose `sub` is a pseudonym (HMAC of the personnummer) and which carries the personnummer in
 * the Swedish profile's claim, and RP-initiated logout.
 */

import { generateKeyPair, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';

import Provider, { errors as oidcErrors, interactionPolicy } from 'oidc-provider';
import type { Account, ClientMetadata, Configuration, Grant, Interaction, KoaContextWithOIDC } from 'oidc-provider';
import type pino from 'pino';

import { tryParsePersonalIdentity } from '../domain/identifiers/index.js';
import { JournalenError } from '../errors/index.js';
import { createLogger } from '../operations/logger.js';
import {
  COORDINATION_NUMBER_CLAIM,
  NATURAL_PERSON_NUMBER_SCOPE,
  PERSONAL_IDENTITY_NUMBER_CLAIM,
  UNLISTED_FAMILY_NAME,
  UNLISTED_GIVEN_NAME,
  personClaims,
  pseudonymousSubject,
  type AuthenticatedPerson,
} from './claims.js';
import { createMemoryAdapterFactory } from './memory-adapter.js';
import {
  PAGE_HEADERS,
  pickLang,
  renderErrorPage,
  renderLoggedOutPage,
  renderLoginPage,
  renderLogoutPage,
  type ErrorKind,
  type Lang,
  type PersonnummerProblem,
} from './pages.js';

export interface DemoIdentityProviderClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris?: readonly string[];
  /** How the client authenticates at the token endpoint; oidc-provider allows one per client. */
  readonly tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

export interface DemoPerson {
  /** 12 digits, no separator. */
  readonly personnummer: string;
  /** What the login page shows, e.g. "Tolvan Tolvansson, 19121212-1212 (36 år)". */
  readonly label: string;
  readonly givenName: string;
  readonly familyName: string;
}

export interface DemoIdentityProviderOptions {
  /** Address to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** 0 lets the system pick a free port. */
  readonly port: number;
  /**
   * Default http://<host>:<port> (localhost for 0.0.0.0 and ::). Must be an origin, no path: the
   * routes are served at the root. Set it when browsers reach the provider under another name.
   */
  readonly issuer?: string;
  readonly clients: readonly DemoIdentityProviderClient[];
  /** The test persons offered on the login page; read on every page and login. */
  readonly persons: () => readonly DemoPerson[];
  /** Default: the project's masking logger at `warn`. */
  readonly logger?: pino.Logger;
  /** Keys that sign the provider's cookies, newest first; default a random key per process. */
  readonly cookieKeys?: readonly string[];
  /** HMAC key of the pseudonymous `sub`; default random per process (then `sub` is stable only until restart). */
  readonly subjectKey?: string;
}

export interface DemoIdentityProvider {
  readonly issuer: string;
  /** Stops the server and drops open connections; safe to call more than once. */
  close(): Promise<void>;
}

// Lifetimes in seconds. Codes are exchanged at once by the RP; a login page may be left open a while.
const TTL = {
  AuthorizationCode: 60,
  AccessToken: 10 * 60,
  IdToken: 10 * 60,
  Interaction: 15 * 60,
  Session: 60 * 60,
  Grant: 60 * 60,
} as const;

const MAX_FORM_BYTES = 4096;
// Accounts remembered between login and token/userinfo; a demo sees few people, the cap bounds a long run.
const MAX_ACCOUNTS = 10_000;
const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|abort))?$/;

// Every scope this provider grants; a registered client is first-party and never sees a consent page.
const GRANTED_SCOPES = `openid profile ${NATURAL_PERSON_NUMBER_SCOPE}`;

// oidc-provider reports protocol failures as events named "<endpoint>.error".
const ERROR_EVENTS = [
  'authorization.error',
  'grant.error',
  'end_session.error',
  'end_session_confirm.error',
  'end_session_success.error',
  'userinfo.error',
  'discovery.error',
  'jwks.error',
  'pushed_authorization_request.error',
] as const;

const generateKeyPairAsync = promisify(generateKeyPair);

export async function startDemoIdentityProvider(options: DemoIdentityProviderOptions): Promise<DemoIdentityProvider> {
  const host = options.host ?? '127.0.0.1';
  validateOptions(options);
  const log = (options.logger ?? createLogger({ level: 'warn' })).child({ module: 'identity-provider' });
  const cookieKeys = options.cookieKeys?.length ? [...options.cookieKeys] : [randomBytes(32).toString('base64url')];
  const subjectKey = options.subjectKey ?? randomBytes(32);

  // The issuer depends on the port, which is known only once listening; requests that arrive in
  // between (none should: nobody knows the port yet) get a 503.
  let dispatch: http.RequestListener | undefined;
  const server = http.createServer((req, res) => {
    if (dispatch) dispatch(req, res);
    else {
      res.statusCode = 503;
      res.end();
    }
  });
  await listen(server, options.port, host);
  const closeServer = onceClose(server);

  try {
    const { port } = server.address() as AddressInfo;
    // A wildcard address is where to listen, not where browsers can go.
    const publicHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
    const issuer = options.issuer ?? `http://${publicHost}:${port}`;

    // A fresh signing key per start: ID tokens only need to verify while this process runs, and
    // oidc-provider's built-in development key is public.
    const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('base64url'), alg: 'RS256', use: 'sig' };

    const accounts = new Map<string, AuthenticatedPerson>();
    const remember = (sub: string, person: AuthenticatedPerson): void => {
      accounts.delete(sub);
      accounts.set(sub, person);
      if (accounts.size > MAX_ACCOUNTS) accounts.delete(accounts.keys().next().value as string);
    };

    const provider = new Provider(issuer, {
      ...providerConfiguration(options.clients, cookieKeys, jwk),
      async findAccount(_ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> {
        const person = accounts.get(sub);
        if (person === undefined) return undefined;
        return { accountId: sub, claims: () => personClaims(sub, person) };
      },
      renderError(ctx, out, _error) {
        const lang = pickLang(ctx.query.lang, ctx.oidc?.params?.ui_locales);
        const kind: ErrorKind = out.error === 'server_error' ? 'internal' : 'badRequest';
        ctx.set(PAGE_HEADERS);
        ctx.body = renderErrorPage({ lang, kind, code: out.error, description: out.error_description });
      },
    });

    provider.on('server_error', (ctx: KoaContextWithOIDC, err: unknown) => {
      log.error({ error: errorForLog(err), route: ctx.oidc?.route, method: ctx.method }, 'identity provider: internal error');
    });
    for (const event of ERROR_EVENTS) {
      provider.on(event, (ctx: KoaContextWithOIDC, err: unknown) => {
        log.info({ error: errorForLog(err, false), route: ctx.oidc?.route }, `identity provider: ${event}`);
      });
    }
    // Errors outside oidc-provider's own handler; without a listener Koa prints them to stderr.
    provider.app.on('error', (err: unknown) => {
      log.error({ error: errorForLog(err) }, 'identity provider: unhandled error');
    });

    const interactions = createInteractionHandler({ provider, persons: options.persons, subjectKey, remember, log });
    const oidc = provider.callback();
    dispatch = (req, res) => {
      const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
      const match = INTERACTION_PATH.exec(path);
      if (match) void interactions(req, res, match[1] as string, match[2] as 'login' | 'abort' | undefined);
      else void oidc(req, res);
    };

    log.info({ issuer }, 'demo identity provider listening');
    return { issuer, close: closeServer };
  } catch (error) {
    await closeServer();
    throw error;
  }
}

function providerConfiguration(
  clients: readonly DemoIdentityProviderClient[],
  cookieKeys: string[],
  jwk: Record<string, unknown>,
): Configuration {
  const policy = interactionPolicy.base();
  // Like BankID, every login is a new identification: no single sign-on from an earlier login in
  // the same browser, which would also make switching test persons awkward.
  policy.get('login')?.checks.add(
    new interactionPolicy.Check('demo_always_identify', 'every login identifies the person anew', 'login_required', (ctx) =>
      ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
    ),
    0,
  );

  const numberClaims = [PERSONAL_IDENTITY_NUMBER_CLAIM, COORDINATION_NUMBER_CLAIM];
  return {
    adapter: createMemoryAdapterFactory(),
    clients: clients.map(
      (c): ClientMetadata => ({
        client_id: c.clientId,
        client_secret: c.clientSecret,
        redirect_uris: [...c.redirectUris],
        post_logout_redirect_uris: [...(c.postLogoutRedirectUris ?? [])],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: c.tokenEndpointAuthMethod ?? 'client_secret_basic',
      }),
    ),
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    responseTypes: ['code'],
    scopes: ['openid'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', ...numberClaims],
      [NATURAL_PERSON_NUMBER_SCOPE]: numberClaims,
    },
    // Scope claims in the ID token itself, so the RP needs no userinfo call to learn who logged in.
    conformIdTokenClaims: false,
    allowOmittingSingleRegisteredRedirectUri: false,
    pkce: { methods: ['S256'], required: () => true },
    // SameSite=None cookies need Secure, which an http demo cannot set; Lax still reaches the
    // provider on the top-level navigations of login and logout.
    cookies: {
      keys: cookieKeys,
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource(ctx, form) {
          ctx.set(PAGE_HEADERS);
          ctx.body = renderLogoutPage(pickLang(ctx.query.lang, ctx.oidc.params?.ui_locales), form);
        },
        postLogoutSuccessSource(ctx) {
          ctx.set(PAGE_HEADERS);
          ctx.body = renderLoggedOutPage(pickLang(ctx.query.lang, ctx.oidc.params?.ui_locales));
        },
      },
      userinfo: { enabled: true },
      // Not needed by the service; fewer endpoints, less to reason about.
      pushedAuthorizationRequests: { enabled: false },
      resourceIndicators: { enabled: false },
    },
    discovery: { ui_locales_supported: ['sv', 'en'] },
    interactions: { policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async loadExistingGrant(ctx) {
      const { client, session, account } = ctx.oidc;
      if (!client || !session || !account) return undefined;
      const grantId = (ctx.oidc.result?.consent as { grantId?: string } | undefined)?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing && existing.accountId === account.accountId) return existing;
      }
      // The registered clients are the service itself (first-party): grant without asking.
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: account.accountId });
      grant.addOIDCScope(GRANTED_SCOPES);
      await grant.save();
      return grant;
    },
    jwks: { keys: [jwk] },
    ttl: { ...TTL },
  } as Configuration;
}

interface InteractionContext {
  readonly provider: Provider;
  readonly persons: () => readonly DemoPerson[];
  readonly subjectKey: string | Buffer;
  readonly remember: (sub: string, person: AuthenticatedPerson) => void;
  readonly log: pino.Logger;
}

type InteractionHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  uid: string,
  action: 'login' | 'abort' | undefined,
) => Promise<void>;

function createInteractionHandler(context: InteractionContext): InteractionHandler {
  const { provider, persons, subjectKey, remember, log } = context;

  const choices = () => persons().map((p) => ({ personnummer: p.personnummer, label: p.label }));

  return async (req, res, uid, action) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    let lang: Lang = pickLang(query.get('lang'));
    try {
      const expectedMethod = action === undefined ? 'GET' : 'POST';
      if (req.method !== expectedMethod) {
        res.setHeader('allow', expectedMethod);
        sendPage(res, 405, renderErrorPage({ lang, kind: 'badRequest' }));
        return;
      }

      // The interaction comes from its cookie, which oidc-provider bound to this browser; the uid in
      // the path and form must name that same interaction.
      const details = await provider.interactionDetails(req, res);
      if (action === undefined) lang = pickLang(query.get('lang'), details.params.ui_locales);
      if (details.uid !== uid) throw new JournalenError('INPUT_INVALID', 'interaction does not match its cookie', { field: 'uid' });

      if (action === undefined) {
        if (details.prompt.name === 'consent') {
          await finishConsent(provider, details, req, res);
          return;
        }
        if (details.prompt.name !== 'login') {
          throw new JournalenError('INPUT_INVALID', `unexpected prompt ${details.prompt.name}`, { field: 'prompt' });
        }
        sendPage(res, 200, renderLoginPage({ lang, uid, persons: choices() }));
        return;
      }

      const form = await readForm(req);
      lang = pickLang(form.get('lang'), details.params.ui_locales);
      if (form.get('uid') !== details.uid) {
        throw new JournalenError('INPUT_INVALID', 'form does not belong to this interaction', { field: 'uid' });
      }

      if (action === 'abort') {
        await provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'the person cancelled the login' },
          { mergeWithLastSubmission: false },
        );
        log.info('demo login cancelled');
        return;
      }

      if (details.prompt.name !== 'login') {
        throw new JournalenError('INPUT_INVALID', 'this interaction does not ask for a login', { field: 'prompt' });
      }
      const typed = form.get('personnummer') ?? '';
      const parsed = typed.trim() === '' ? undefined : tryParsePersonalIdentity(typed, { field: 'personnummer' });
      if (parsed === undefined || !parsed.ok) {
        const problem: PersonnummerProblem = parsed === undefined ? 'empty' : problemOf(parsed.error);
        sendPage(res, 400, renderLoginPage({ lang, uid, persons: choices(), problem, typed }));
        return;
      }

      const identity = parsed.value;
      // A valid number outside the list is still accepted: who may log in is the RP's decision.
      const listed = persons().find((p) => p.personnummer === identity.normalized);
      const person: AuthenticatedPerson = {
        identity,
        givenName: listed?.givenName ?? UNLISTED_GIVEN_NAME,
        familyName: listed?.familyName ?? UNLISTED_FAMILY_NAME,
      };
      const sub = pseudonymousSubject(identity.normalized, subjectKey);
      remember(sub, person);
      await provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
      log.info({ sub, listed: listed !== undefined }, 'demo login');
    } catch (error) {
      if (res.headersSent) {
        log.error({ error: errorForLog(error) }, 'identity provider: interaction failed after responding');
        res.destroy();
        return;
      }
      if (error instanceof oidcErrors.SessionNotFound) {
        log.info('identity provider: interaction without a valid cookie (expired, finished or another browser)');
        sendPage(res, 400, renderErrorPage({ lang, kind: 'sessionExpired' }));
      } else if (error instanceof JournalenError && error.statusCode < 500) {
        log.info({ error: errorForLog(error, false) }, 'identity provider: interaction refused');
        sendPage(res, error.statusCode, renderErrorPage({ lang, kind: 'badRequest' }));
      } else {
        log.error({ error: errorForLog(error) }, 'identity provider: interaction failed');
        sendPage(res, 500, renderErrorPage({ lang, kind: 'internal' }));
      }
    }
  };
}

/** Fallback only: `loadExistingGrant` grants first-party clients at once, so this prompt should not come. */
async function finishConsent(provider: Provider, details: Interaction, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const accountId = details.session?.accountId;
  const clientId = details.params.client_id;
  if (accountId === undefined || typeof clientId !== 'string') {
    throw new JournalenError('INPUT_INVALID', 'consent without a logged-in person or client', { field: 'prompt' });
  }
  const existing: Grant | undefined = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  grant.addOIDCScope(GRANTED_SCOPES);
  const missingClaims = details.prompt.details.missingOIDCClaims;
  if (Array.isArray(missingClaims)) grant.addOIDCClaims(missingClaims as string[]);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

function problemOf(error: JournalenError): PersonnummerProblem {
  const reason = error.details.reason;
  switch (reason) {
    case 'type':
    case 'characters':
    case 'length':
    case 'separator':
    case 'month':
    case 'day':
    case 'future':
    case 'checksum':
      return reason;
    default:
      return 'type';
  }
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new JournalenError('INPUT_INVALID', 'form must be application/x-www-form-urlencoded', { field: 'content-type' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new JournalenError('INPUT_INVALID', `form larger than ${MAX_FORM_BYTES} bytes`, { field: 'body' });
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sendPage(res: http.ServerResponse, status: number, html: string): void {
  res.writeHead(status, { ...PAGE_HEADERS, 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

/**
 * What of an error goes into the log: its name, message, protocol code and stack, never the
 * request (whose form body holds the typed personnummer). The logger masks numbers besides.
 * Logged under `error`, not `err`: pino's err serializer would replace this plain object's type.
 */
function errorForLog(error: unknown, withStack = true): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const protocol = error as Error & { error?: unknown; error_description?: unknown; status?: unknown };
  return {
    type: error.name,
    message: error.message,
    ...(typeof protocol.error === 'string' && { error: protocol.error }),
    ...(typeof protocol.error_description === 'string' && { description: protocol.error_description }),
    ...(typeof protocol.status === 'number' && { status: protocol.status }),
    ...(error instanceof JournalenError && { code: error.code }),
    ...(withStack && { stack: error.stack }),
  };
}

function validateOptions(options: DemoIdentityProviderOptions): void {
  const invalid = (field: string, message: string) => new JournalenError('CONFIG_INVALID', `${field}: ${message}`, { field });
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw invalid('port', 'must be an integer 0-65535');
  }
  if (options.clients.length === 0) throw invalid('clients', 'at least one client is needed');
  options.clients.forEach((c, i) => {
    if (!c.clientId) throw invalid(`clients[${i}].clientId`, 'must not be empty');
    if (!c.clientSecret) throw invalid(`clients[${i}].clientSecret`, 'must not be empty');
    if (c.redirectUris.length === 0) throw invalid(`clients[${i}].redirectUris`, 'at least one redirect URI is needed');
  });
  if (options.issuer !== undefined) {
    let url: URL;
    try {
      url = new URL(options.issuer);
    } catch {
      throw invalid('issuer', 'must be an absolute URL');
    }
    if (url.pathname !== '/' || url.search || url.hash || options.issuer.endsWith('/')) {
      throw invalid('issuer', 'must be an origin such as http://localhost:3200, without path or trailing slash');
    }
  }
  if (options.cookieKeys?.some((key) => key.length < 16)) throw invalid('cookieKeys', 'each key needs at least 16 characters');
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(new JournalenError('CONFIG_INVALID', `cannot listen on ${host}:${port}: ${error.message}`, { field: 'port' }, { cause: error }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** A close that ends keep-alive connections too, and resolves (once) however often it is called. */
function onceClose(server: http.Server): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
}
