/**
 * What the demo identity provider says about a person: claim names from the Swedish OpenID
 * Connect profile and the pseudonymous subject identifier.
 */

import { createHmac } from 'node:crypto';

import type { PersonalIdentity } from '../domain/identifiers/index.js';

/**
 * The personnummer, 12 digits without separator ("Claims and Scopes Specification for the Swedish
 * OpenID Connect Profile" 1.0, 2.1.1).
 */
export const PERSONAL_IDENTITY_NUMBER_CLAIM = 'https://id.oidc.se/claim/personalIdentityNumber';

/** A samordningsnummer goes in its own claim in that profile (2.1.2), never in the one above. */
export const COORDINATION_NUMBER_CLAIM = 'https://id.oidc.se/claim/coordinationNumber';

/** The profile's scope for the number claims (3.2); `profile` carries them as well here. */
export const NATURAL_PERSON_NUMBER_SCOPE = 'https://id.oidc.se/scope/naturalPersonNumber';

/** Names for a valid number typed in by hand that is not one of the listed test persons. */
export const UNLISTED_GIVEN_NAME = 'Test';
export const UNLISTED_FAMILY_NAME = 'Testperson';

/** A person as the identity provider asserts them after login. */
export interface AuthenticatedPerson {
  readonly identity: PersonalIdentity;
  readonly givenName: string;
  readonly familyName: string;
}

/**
 * The `sub` claim: HMAC-SHA256 of the normalized number, base64url. Stable for a given key, so a
 * relying party can recognise a returning person, yet it is not the personnummer, which would
 * otherwise spread into every log and session store that keeps a `sub`.
 */
export function pseudonymousSubject(normalized: string, key: string | Buffer): string {
  return createHmac('sha256', key).update(normalized, 'utf8').digest('base64url');
}

/** The claims of the ID token and userinfo (before oidc-provider filters them by scope). */
export function personClaims(sub: string, person: AuthenticatedPerson): { sub: string; [claim: string]: string } {
  const numberClaim = person.identity.kind === 'samordningsnummer' ? COORDINATION_NUMBER_CLAIM : PERSONAL_IDENTITY_NUMBER_CLAIM;
  return {
    sub,
    name: `${person.givenName} ${person.familyName}`.trim(),
    given_name: person.givenName,
    family_name: person.familyName,
    [numberClaim]: person.identity.normalized,
  };
}
