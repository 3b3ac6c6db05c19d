import { JournalenError } from '../errors/index.js';

/**
 * Contract URLs from a path template. The platform routes on the message (the Body's namespace
 * and the LogicalAddress header), not on the path, but VP's conventional path is still the one
 * to use (NATIONAL-PLATFORM.md §1); our simulators answer on a shorter one.
 *
 * Placeholders: `{domain}` the service domain as a path (`clinicalprocess/healthcond/description`),
 * `{contract}` the contract name (`GetCareDocumentation`), `{major}` its major version (`3`).
 */

/** VP's convention: the WSDL namespace `urn:riv:<domain>:<Contract>:<major>:rivtabp21` as a path below `/vp`. */
export const PLATFORM_PATH_TEMPLATE = '/vp/{domain}/{contract}/{major}/rivtabp21';
/** Our simulators: `POST /<Contract>/<major>`. */
export const SIMULATOR_PATH_TEMPLATE = '/{contract}/{major}';

const PLACEHOLDERS = ['domain', 'contract', 'major'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];
const PLACEHOLDER = /\{([^{}]*)\}/g;

/** What is wrong with a path template, or undefined when it is usable. For config and CLI checks. */
export function templateProblem(template: string): string | undefined {
  if (!template.startsWith('/')) return `must start with / (e.g. ${PLATFORM_PATH_TEMPLATE})`;
  if (/[\s?#\\]/.test(template)) return 'must be a plain path: no spaces, ?, # or \\';
  const unknown = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0) return `unknown placeholder {${unknown[0]}}; known: {domain}, {contract}, {major}`;
  if (/[{}]/.test(template.replace(PLACEHOLDER, ''))) return 'has an unmatched { or }';
  if (!template.includes('{contract}')) return 'must contain {contract}';
  return undefined;
}

/** The parts of a responder namespace `urn:riv:<domain...>:<Contract>Responder:<major>`. */
export function namespaceParts(responderNamespace: string): { domain: string; contract: string; major: string } {
  const parts = responderNamespace.split(':');
  const responder = parts.at(-2) ?? '';
  const major = parts.at(-1) ?? '';
  const domain = parts.slice(2, -2);
  if (
    parts[0] !== 'urn' || parts[1] !== 'riv' || domain.length === 0 || domain.some((p) => !/^[A-Za-z0-9._-]+$/.test(p))
    || !/^[A-Za-z0-9]+Responder$/.test(responder) || !/^\d+$/.test(major)
  ) {
    throw new JournalenError('INPUT_INVALID', `responderNamespace: ${responderNamespace} is not urn:riv:<domain>:<Contract>Responder:<major>`, { field: 'responderNamespace' });
  }
  return { domain: domain.join('/'), contract: responder.slice(0, -'Responder'.length), major };
}

/** The path of a contract under a template, e.g. `/vp/clinicalprocess/healthcond/description/GetCareDocumentation/3/rivtabp21`. */
export function contractPath(template: string, contract: { readonly responderNamespace: string }): string {
  const wrong = templateProblem(template);
  if (wrong !== undefined) throw new JournalenError('INPUT_INVALID', `pathTemplate: ${template} ${wrong}`, { field: 'pathTemplate' });
  const parts = namespaceParts(contract.responderNamespace);
  return template.replace(PLACEHOLDER, (_m, name: Placeholder) => parts[name]);
}

/** `baseUrl` (any trailing slash dropped) followed by the contract's path. */
export function contractUrl(baseUrl: string, template: string, contract: { readonly responderNamespace: string }): string {
  return `${baseUrl.replace(/\/+$/, '')}${contractPath(template, contract)}`;
}
