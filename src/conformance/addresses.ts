import type { ContractVersion } from '../contracts/types.js';
import { JournalenError } from '../errors/index.js';

/**
 * Contract URLs from a path template. INTEGRATION POINT: src/transport/addresses.ts
 * (`contractUrl`, `PLATFORM_PATH_TEMPLATE`, `SIMULATOR_PATH_TEMPLATE`) was not there when this
 * was written; this is the same rule, kept local to the conformance suite until it is.
 *
 * Placeholders: `{domain}` the service domain as a path (`clinicalprocess/healthcond/description`),
 * `{contract}` the contract name, `{major}` its major version.
 */

/** The national platform's form (NATIONAL-PLATFORM.md §1): `/vp/<domain>/<Contract>/<major>/rivtabp21`. */
export const PLATFORM_PATH_TEMPLATE = '/vp/{domain}/{contract}/{major}/rivtabp21';
/** Our simulators' form: `/<Contract>/<major>`. */
export const SIMULATOR_PATH_TEMPLATE = '/{contract}/{major}';

const PLACEHOLDER = /\{(domain|contract|major)\}/g;

/** `urn:riv:clinicalprocess:healthcond:description:GetDiagnosisResponder:2` → `clinicalprocess/healthcond/description`. */
export function domainPath(contract: Pick<ContractVersion, 'responderNamespace'>): string {
  const parts = contract.responderNamespace.split(':');
  // urn, riv, <domain...>, <Contract>Responder, <major>
  return parts.slice(2, -2).join('/');
}

export function checkPathTemplate(template: string, field = 'pathTemplate'): string {
  if (!template.startsWith('/') || /[\s?#]/.test(template) || !template.includes('{contract}')) {
    throw new JournalenError('INPUT_INVALID', `${field}: must be a path starting with / and containing {contract} (placeholders {domain}, {contract}, {major}), e.g. ${PLATFORM_PATH_TEMPLATE}`, { field });
  }
  const unknown = template.replace(PLACEHOLDER, '').match(/\{[^}]*\}/);
  if (unknown) throw new JournalenError('INPUT_INVALID', `${field}: unknown placeholder ${unknown[0]}; known: {domain}, {contract}, {major}`, { field });
  return template;
}

export function contractUrl(baseUrl: string, template: string, contract: Pick<ContractVersion, 'contract' | 'major' | 'responderNamespace'>): string {
  const path = template.replace(PLACEHOLDER, (_m, name: string) => (name === 'domain' ? domainPath(contract) : name === 'contract' ? contract.contract : contract.major));
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}
