import * as client from 'openid-client';
import { tryParsePersonalIdentity } from '../domain/identifiers/index.js';
import { JournalenError } from '../errors/index.js';

/**
 * The relying party: login through any OpenID Connect e-ID broker (BankID and Freja eID through
 * a broker in production; the demo provider in src/identity-provider/ here), authorization code
 * flow with PKCE. The broker is found by discovery, once, and again after a failure. Only the
 * personnummer and the name are taken from the ID token.
 */

/** The Swedish eID Framework's claims for the personnummer and the samordningsnummer (id.oidc.se, §2.1). */
export const PERSONAL_IDENTITY_NUMBER_CLAIM = 'https://id.oidc.se/claim/personalIdentityNumber';
export const COORDINATION_NUMBER_CLAIM = 'https://id.oidc.se/claim/coordinationNumber';

export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Our callback, as registered at the broker. */
  readonly redirectUri: string;
  /** Where the broker sends the browser after its logout. */
  readonly postLogoutRedirectUri?: string;
}

/** What must survive the round trip to the broker, in a signed cookie; never the outcome. */
export interface LoginTransaction {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** A local path to return to after login. */
  readonly returnTo: string;
}

export interface LoginResult {
  readonly personnummer: string;
  readonly name?: string;
  readonly idToken?: string;
}

export interface RelyingParty {
  /** The broker's origin: the browser is sent there, also from forms (CSP form-action). */
  readonly issuerOrigin: string;
  start(returnTo: string): Promise<{ url: string; transaction: LoginTransaction }>;
  /** The callback URL as received; throws LOGIN_FAILED with a reason safe to show. */
  finish(callbackUrl: URL, transaction: LoginTransaction): Promise<LoginResult>;
  logoutUrl(idToken: string | undefined): Promise<string | undefined>;
}

export function createRelyingParty(settings: OidcSettings): RelyingParty {
  let configuration: Promise<client.Configuration> | undefined;
  const insecure = new URL(settings.issuer).protocol === 'http:';
  const config = () => {
    configuration ??= client
      .discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, client.ClientSecretBasic(settings.clientSecret), {
        ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
        timeout: 10,
      })
      .catch((error: unknown) => {
        configuration = undefined;
        throw new JournalenError('LOGIN_FAILED', 'the e-ID service could not be reached', {}, { cause: error });
      });
    return configuration;
  };

  return {
    issuerOrigin: new URL(settings.issuer).origin,
    async start(returnTo) {
      const cfg = await config();
      const transaction: LoginTransaction = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier: client.randomPKCECodeVerifier(),
        returnTo: safeReturnPath(returnTo),
      };
      const url = client.buildAuthorizationUrl(cfg, {
        redirect_uri: settings.redirectUri,
        scope: 'openid profile',
        state: transaction.state,
        nonce: transaction.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(transaction.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, transaction };
    },

    async finish(callbackUrl, transaction) {
      const cfg = await config();
      const denied = callbackUrl.searchParams.get('error');
      if (denied !== null) {
        throw new JournalenError('LOGIN_FAILED', denied === 'access_denied' ? 'the login was cancelled' : 'the e-ID service refused the login', { reason: denied === 'access_denied' ? 'cancelled' : 'refused' });
      }
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(cfg, callbackUrl, {
          pkceCodeVerifier: transaction.codeVerifier,
          expectedState: transaction.state,
          expectedNonce: transaction.nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        throw new JournalenError('LOGIN_FAILED', 'the login could not be completed', { reason: 'exchange' }, { cause: error });
      }
      const claims = tokens.claims();
      // A samordningsnummer comes in its own claim; it is read so the refusal can say why.
      const raw = claims?.[PERSONAL_IDENTITY_NUMBER_CLAIM] ?? claims?.[COORDINATION_NUMBER_CLAIM];
      const parsed = typeof raw === 'string' ? tryParsePersonalIdentity(raw) : undefined;
      if (!parsed?.ok) throw new JournalenError('LOGIN_FAILED', 'the e-ID gave no valid personal identity number', { reason: 'identity' });
      const name = typeof claims?.name === 'string' && claims.name.trim() !== '' ? claims.name.trim().slice(0, 200) : undefined;
      return {
        personnummer: parsed.value.normalized,
        ...(name ? { name } : {}),
        ...(tokens.id_token ? { idToken: tokens.id_token } : {}),
      };
    },

    async logoutUrl(idToken) {
      try {
        const cfg = await config();
        if (!cfg.serverMetadata().end_session_endpoint) return undefined;
        return client.buildEndSessionUrl(cfg, {
          ...(idToken ? { id_token_hint: idToken } : {}),
          ...(settings.postLogoutRedirectUri ? { post_logout_redirect_uri: settings.postLogoutRedirectUri } : {}),
        }).href;
      } catch {
        // Our session is gone either way; the broker's may outlive it.
        return undefined;
      }
    },
  };
}

/** Only a local path: anything else would make the login an open redirect. */
export function safeReturnPath(path: string | undefined): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//') || path.includes('\\') || path.length > 500) return '/min-journal';
  return /^[\x21-\x7e]*$/.test(path) ? path : '/min-journal';
}
