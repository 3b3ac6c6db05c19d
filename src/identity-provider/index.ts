/** The demo OpenID Connect identity provider, standing in for BankID / Freja eID. */
export {
  startDemoIdentityProvider,
  type DemoIdentityProvider,
  type DemoIdentityProviderClient,
  type DemoIdentityProviderOptions,
  type DemoPerson,
} from './provider.js';
export {
  COORDINATION_NUMBER_CLAIM,
  NATURAL_PERSON_NUMBER_SCOPE,
  PERSONAL_IDENTITY_NUMBER_CLAIM,
  pseudonymousSubject,
} from './claims.js';
