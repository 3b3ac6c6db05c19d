import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { luhnCheckDigit } from '../domain/identifiers/index.js';
import { createLogger } from '../operations/logger.js';
import {
  COORDINATION_NUMBER_CLAIM,
  PERSONAL_IDENTITY_NUMBER_CLAIM,
  pseudonymousSubject,
  startDemoIdentityProvider,
  type DemoIdentityProvider,
  type DemoPerson,
} from './index.js';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const POST_LOGOUT_URI = 'http://127.0.0.1:9/logged-out';
const BASIC = { clientId: 'journalen', clientSecret: 'journalen-demo-secret-0123456789' };
const POST = { clientId: 'journalen-post', clientSecret: 'journalen-post-secret-0123456789' };
const SUBJECT_KEY = 'test-subject-key-0123456789';

/** YYYYMMDD + NNN with its Luhn digit: 12 digits. */
const withCheckDigit = (yyyymmddnnn: string): string => yyyymmddnnn + luhnCheckDigit(yyyymmddnnn.slice(2));

const TOLVAN: DemoPerson = {
  personnummer: '191212121212',
  label: 'Tolvan Tolvansson, 19121212-1212 (113 år)',
  givenName: 'Tolvan',
  familyName: 'Tolvansson',
};
const ANNA: DemoPerson = {
  personnummer: withCheckDigit('19850303238'),
  label: 'Anna Andersson, 19850303 (40 år)',
  givenName: 'Anna',
  familyName: 'Andersson',
};
const UNLISTED = withCheckDigit('19900101123');
const SAMORDNINGSNUMMER = withCheckDigit('19900161123'); // day 01 + 60

/** A browser without JavaScript: carries cookies by path, follows no redirect by itself. */
class Browser {
  readonly cookies = new Map<string, { value: string; path: string }>();

  async request(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = [...this.cookies]
      .filter(([, c]) => target.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
    if (cookie) headers.set('cookie', cookie);
    if (!headers.has('accept')) headers.set('accept', 'text/html');
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) this.store(line);
    return response;
  }

  post(url: string | URL, form: Record<string, string>): Promise<Response> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** Follows redirects until a page, or until the browser is sent to the relying party. */
  async follow(first: Response, from: URL): Promise<{ response?: Response; url: URL }> {
    let response = first;
    let url = from;
    for (let hops = 0; hops < 10; hops++) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) return { response, url };
      url = new URL(location, url);
      if (url.origin === new URL(REDIRECT_URI).origin) return { url };
      response = await this.request(url);
    }
    throw new Error('too many redirects');
  }

  private store(line: string): void {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const at = pair.indexOf('=');
    const name = pair.slice(0, at);
    const value = pair.slice(at + 1);
    let path = '/';
    let expired = false;
    for (const attribute of attributes) {
      const [key = '', v = ''] = attribute.split('=');
      if (key.toLowerCase() === 'path') path = v;
      if (key.toLowerCase() === 'expires' && Date.parse(v) <= Date.now()) expired = true;
      if (key.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
    }
    if (expired || value === '') this.cookies.delete(name);
    else this.cookies.set(name, { value, path });
  }
}

const hiddenValue = (html: string, name: string): string => {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match?.[1]) throw new Error(`no hidden ${name} in page`);
  return match[1];
};

describe('demo identity provider', () => {
  let idp: DemoIdentityProvider;
  const logLines: string[] = [];

  beforeAll(async () => {
    idp = await startDemoIdentityProvider({
      port: 0,
      clients: [
        { ...BASIC, redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [POST_LOGOUT_URI] },
        { ...POST, redirectUris: [REDIRECT_URI], tokenEndpointAuthMethod: 'client_secret_post' },
      ],
      persons: () => [TOLVAN, ANNA],
      logger: createLogger({ level: 'trace', destination: { write: (line: string) => void logLines.push(line) } }),
      subjectKey: SUBJECT_KEY,
    });
  });

  afterAll(async () => {
    await idp.close();
  });

  async function relyingParty(client: { clientId: string; clientSecret: string } = BASIC, method = oidc.ClientSecretBasic) {
    return oidc.discovery(new URL(idp.issuer), client.clientId, undefined, method(client.clientSecret), {
      execute: [oidc.allowInsecureRequests],
    });
  }

  /** Starts an authorization request and returns the login page it leads to. */
  async function openLoginPage(config: oidc.Configuration, extra: Record<string, string> = {}) {
    const browser = new Browser();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const authorizationUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      ...extra,
    });
    const { response, url } = await browser.follow(await browser.request(authorizationUrl), authorizationUrl);
    expect(response?.status).toBe(200);
    const html = await response!.text();
    return { browser, verifier, state, url, html, uid: hiddenValue(html, 'uid') };
  }

  async function logIn(personnummer: string, config?: oidc.Configuration) {
    const rp = config ?? (await relyingParty());
    const page = await openLoginPage(rp);
    const loginUrl = new URL(`/interaction/${page.uid}/login`, idp.issuer);
    const { url } = await page.browser.follow(await page.browser.post(loginUrl, { uid: page.uid, lang: 'sv', personnummer }), loginUrl);
    expect(url.href.startsWith(REDIRECT_URI)).toBe(true);
    const tokens = await oidc.authorizationCodeGrant(rp, url, { pkceCodeVerifier: page.verifier, expectedState: page.state });
    return { tokens, claims: tokens.claims()!, browser: page.browser, config: rp };
  }

  it('runs the authorization code flow with PKCE and puts the personnummer and names in the ID token', async () => {
    const { claims } = await logIn(TOLVAN.personnummer);
    expect(claims[PERSONAL_IDENTITY_NUMBER_CLAIM]).toBe('191212121212');
    expect(claims).toMatchObject({ given_name: 'Tolvan', family_name: 'Tolvansson', name: 'Tolvan Tolvansson', iss: idp.issuer, aud: BASIC.clientId });
    // The subject is a pseudonym, stable for the configured key, and not the number.
    expect(claims.sub).toBe(pseudonymousSubject('191212121212', SUBJECT_KEY));
    expect(claims.sub).not.toContain('1212');
  });

  it('gives the same person the same sub on every login, and different people different ones', async () => {
    const first = await logIn(ANNA.personnummer);
    const second = await logIn(ANNA.personnummer);
    const other = await logIn(TOLVAN.personnummer);
    expect(second.claims.sub).toBe(first.claims.sub);
    expect(other.claims.sub).not.toBe(first.claims.sub);
  });

  it('shows the test persons and the typed-number form on the login page, in Swedish and English', async () => {
    const config = await relyingParty();
    const { html, uid, browser } = await openLoginPage(config);
    expect(html).toContain('<html lang="sv">');
    expect(html).toContain('Demo-inloggning (ersätter BankID)');
    expect(html).toContain(TOLVAN.label);
    expect(html).toContain(`value="${ANNA.personnummer}"`);
    expect(html).toContain('<label for="personnummer">');
    const english = await browser.request(new URL(`/interaction/${uid}?lang=en`, idp.issuer));
    expect(english.status).toBe(200);
    const englishHtml = await english.text();
    expect(englishHtml).toContain('<html lang="en">');
    expect(englishHtml).toContain('Demo login');
    expect(english.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('takes English from ui_locales', async () => {
    const { html } = await openLoginPage(await relyingParty(), { ui_locales: 'en-GB sv' });
    expect(html).toContain('<html lang="en">');
  });

  it('accepts a typed number in any usual form, also one not in the list, as a test person', async () => {
    const tenDigits = `${UNLISTED.slice(2, 8)}-${UNLISTED.slice(8)}`;
    const { claims } = await logIn(tenDigits);
    expect(claims[PERSONAL_IDENTITY_NUMBER_CLAIM]).toBe(UNLISTED);
    expect(claims).toMatchObject({ given_name: 'Test', family_name: 'Testperson', name: 'Test Testperson' });

    const typedListed = await logIn(`${ANNA.personnummer.slice(0, 8)}-${ANNA.personnummer.slice(8)}`);
    expect(typedListed.claims).toMatchObject({ given_name: 'Anna', [PERSONAL_IDENTITY_NUMBER_CLAIM]: ANNA.personnummer });
  });

  it('puts a samordningsnummer in the coordination number claim', async () => {
    const { claims } = await logIn(SAMORDNINGSNUMMER);
    expect(claims[COORDINATION_NUMBER_CLAIM]).toBe(SAMORDNINGSNUMMER);
    expect(claims[PERSONAL_IDENTITY_NUMBER_CLAIM]).toBeUndefined();
  });

  it('answers a bad typed personnummer with 400, an announced error and the form again; then a good one works', async () => {
    const config = await relyingParty();
    const page = await openLoginPage(config);
    const loginUrl = new URL(`/interaction/${page.uid}/login`, idp.issuer);
    for (const [typed, message] of [
      ['19121212-1213', 'kontrollsiffran'],
      ['abc', 'bara innehålla siffror'],
      ['1912121212123', '10 eller 12 siffror'],
      ['', 'Skriv ett personnummer'],
    ] as const) {
      const response = await page.browser.post(loginUrl, { uid: page.uid, lang: 'sv', personnummer: typed });
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(html).toContain('role="alert"');
      expect(html).toContain(message);
      expect(html).toMatch(/aria-describedby="personnummer-hint personnummer-error"/);
      expect(html).toContain('aria-invalid="true"');
      expect(html).toContain(`value="${typed}"`);
      expect(html).toContain('<title>Fel: ');
    }
    const { url } = await page.browser.follow(
      await page.browser.post(loginUrl, { uid: page.uid, lang: 'sv', personnummer: TOLVAN.personnummer }),
      loginUrl,
    );
    const tokens = await oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: page.verifier, expectedState: page.state });
    expect(tokens.claims()?.[PERSONAL_IDENTITY_NUMBER_CLAIM]).toBe(TOLVAN.personnummer);
  });

  it('refuses a form whose uid is not the interaction of its cookie', async () => {
    const page = await openLoginPage(await relyingParty());
    const response = await page.browser.post(new URL(`/interaction/${page.uid}/login`, idp.issuer), {
      uid: 'someone-elses-interaction',
      personnummer: TOLVAN.personnummer,
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Något gick fel');
  });

  it('refuses an interaction without its cookie, with a page that says to start again', async () => {
    const page = await openLoginPage(await relyingParty());
    const stranger = new Browser();
    const response = await stranger.post(new URL(`/interaction/${page.uid}/login`, idp.issuer), { uid: page.uid, personnummer: TOLVAN.personnummer });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('börja om');
  });

  it('cancel returns error=access_denied to the redirect URI', async () => {
    const page = await openLoginPage(await relyingParty());
    const abortUrl = new URL(`/interaction/${page.uid}/abort`, idp.issuer);
    const { url } = await page.browser.follow(await page.browser.post(abortUrl, { uid: page.uid, lang: 'sv' }), abortUrl);
    expect(url.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('state')).toBe(page.state);
  });

  it('requires PKCE with S256', async () => {
    const config = await relyingParty();
    const browser = new Browser();
    const withoutPkce = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid profile', state: 's1' });
    const refused = await browser.follow(await browser.request(withoutPkce), withoutPkce);
    expect(refused.url.searchParams.get('error')).toBe('invalid_request');
    expect(refused.url.searchParams.get('error_description')).toMatch(/PKCE/);

    const plain = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile',
      state: 's2',
      code_challenge: oidc.randomPKCECodeVerifier(),
      code_challenge_method: 'plain',
    });
    const refusedPlain = await browser.follow(await browser.request(plain), plain);
    expect(refusedPlain.url.searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses a code exchanged without the right verifier', async () => {
    const config = await relyingParty();
    const page = await openLoginPage(config);
    const loginUrl = new URL(`/interaction/${page.uid}/login`, idp.issuer);
    const { url } = await page.browser.follow(await page.browser.post(loginUrl, { uid: page.uid, personnummer: TOLVAN.personnummer }), loginUrl);
    await expect(
      oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: page.state }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses an unknown client with an error page, and a wrong secret at the token endpoint', async () => {
    const config = await relyingParty();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    url.searchParams.set('client_id', 'no-such-client');
    const response = await new Browser().request(url);
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('invalid_client');
    expect(html).toContain('<html lang="sv">');

    const wrongSecret = await relyingParty({ clientId: BASIC.clientId, clientSecret: 'not-the-secret' });
    const page = await openLoginPage(wrongSecret);
    const loginUrl = new URL(`/interaction/${page.uid}/login`, idp.issuer);
    const { url: callback } = await page.browser.follow(await page.browser.post(loginUrl, { uid: page.uid, personnummer: TOLVAN.personnummer }), loginUrl);
    await expect(
      oidc.authorizationCodeGrant(wrongSecret, callback, { pkceCodeVerifier: page.verifier, expectedState: page.state }),
    ).rejects.toMatchObject({ status: 401, cause: [{ parameters: { error: 'invalid_client' } }] });
  });

  it('accepts client_secret_post for a client registered with it', async () => {
    const config = await relyingParty(POST, oidc.ClientSecretPost);
    const { claims } = await logIn(TOLVAN.personnummer, config);
    expect(claims.aud).toBe(POST.clientId);
  });

  it('answers userinfo with the same claims', async () => {
    const { tokens, claims, config } = await logIn(ANNA.personnummer);
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo[PERSONAL_IDENTITY_NUMBER_CLAIM]).toBe(ANNA.personnummer);
    expect(userinfo.name).toBe('Anna Andersson');
  });

  it('asks who you are on every login, even in a browser that just logged in', async () => {
    const { browser, config } = await logIn(TOLVAN.personnummer);
    const verifier = oidc.randomPKCECodeVerifier();
    const again = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const { response } = await browser.follow(await browser.request(again), again);
    expect(response?.status).toBe(200);
    expect(await response!.text()).toContain('Demo-inloggning');
  });

  it('logs out through end_session and returns to the post-logout redirect URI', async () => {
    const { tokens, browser, config } = await logIn(TOLVAN.personnummer);
    expect(browser.cookies.has('_session')).toBe(true);
    const endSession = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: POST_LOGOUT_URI,
      state: 'bye',
    });
    const confirmPage = await browser.request(endSession);
    expect(confirmPage.status).toBe(200);
    const html = await confirmPage.text();
    expect(html).toContain('<html lang="sv">');
    expect(html).toContain('Logga ut');
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    expect(action).toBeDefined();
    const confirmUrl = new URL(action!, idp.issuer);
    const done = await browser.post(confirmUrl, { xsrf: hiddenValue(html, 'xsrf'), logout: 'yes' });
    expect(done.status).toBe(303);
    const back = new URL(done.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(POST_LOGOUT_URI);
    expect(back.searchParams.get('state')).toBe('bye');
    expect(browser.cookies.has('_session')).toBe(false);
  });

  it('refuses a post-logout redirect URI that is not registered', async () => {
    const { tokens, browser, config } = await logIn(TOLVAN.personnummer);
    const endSession = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://evil.example/' });
    const response = await browser.request(endSession);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('post_logout_redirect_uri');
  });

  it('never writes a personnummer to the log', () => {
    expect(logLines.length).toBeGreaterThan(0);
    const all = logLines.join('\n');
    expect(all).toContain('demo login');
    for (const number of [TOLVAN.personnummer, ANNA.personnummer, UNLISTED, SAMORDNINGSNUMMER]) {
      expect(all).not.toContain(number);
      expect(all).not.toContain(number.slice(2));
    }
  });
});

describe('demo identity provider lifecycle', () => {
  it('closes cleanly, more than once, and stops answering', async () => {
    const idp = await startDemoIdentityProvider({
      port: 0,
      clients: [{ ...BASIC, redirectUris: [REDIRECT_URI] }],
      persons: () => [TOLVAN],
      logger: createLogger({ level: 'silent' }),
    });
    const discovery = await fetch(new URL('/.well-known/openid-configuration', idp.issuer));
    const metadata = (await discovery.json()) as Record<string, unknown>;
    expect(metadata.issuer).toBe(idp.issuer);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post']);
    expect(metadata.claims_supported).toContain(PERSONAL_IDENTITY_NUMBER_CLAIM);
    expect(metadata.end_session_endpoint).toBeDefined();
    await idp.close();
    await idp.close();
    await expect(fetch(new URL('/.well-known/openid-configuration', idp.issuer))).rejects.toThrow();
  });

  it('refuses bad options with CONFIG_INVALID', async () => {
    const base = { port: 0, clients: [{ ...BASIC, redirectUris: [REDIRECT_URI] }], persons: () => [] };
    await expect(startDemoIdentityProvider({ ...base, port: 70000 })).rejects.toMatchObject({ code: 'JOURNALEN_CONFIG_INVALID' });
    await expect(startDemoIdentityProvider({ ...base, clients: [] })).rejects.toMatchObject({ code: 'JOURNALEN_CONFIG_INVALID' });
    await expect(startDemoIdentityProvider({ ...base, issuer: 'http://localhost:1/idp' })).rejects.toMatchObject({
      code: 'JOURNALEN_CONFIG_INVALID',
    });
  });
});
