import { JournalenError } from '../errors/index.js';
import { ACTIVITYPRESCRIPTION_CONTRACTS } from './activityprescription/index.js';
import { ACTOUTCOME_CONTRACTS } from './actoutcome/index.js';
import { DESCRIPTION_CONTRACTS } from './description/index.js';
import { LOGISTICS_CONTRACTS } from './logistics/index.js';
import { readEnvelope, readProcessingStatus } from './soap.js';
import type { ContractResponse, ContractVersion } from './types.js';
import type { XmlLimits } from './xml.js';

/**
 * Every contract version the service speaks, found by the responder namespace of a message.
 * Adding a contract version is adding it to this list.
 */

export const CONTRACT_VERSIONS: readonly ContractVersion[] = [
  ...DESCRIPTION_CONTRACTS,
  ...ACTOUTCOME_CONTRACTS,
  ...LOGISTICS_CONTRACTS,
  ...ACTIVITYPRESCRIPTION_CONTRACTS,
];

const byNamespace = new Map(CONTRACT_VERSIONS.map((c) => [c.responderNamespace, c]));

export function contractByNamespace(namespace: string): ContractVersion | undefined {
  return byNamespace.get(namespace);
}

/** Preferred version of a contract (the first listed). */
export function contractVersion(name: string, major?: string): ContractVersion | undefined {
  return CONTRACT_VERSIONS.find((c) => c.contract === name && (major === undefined || c.major === major));
}

const RESPONSE = /^(Get[A-Za-z]+)Response$/;

/**
 * Reads a producer's SOAP response into canonical items. A SOAP Fault is a result with a fault
 * and no items; XML that is malformed, not SOAP, or not a response of a known contract is an
 * INPUT_INVALID error saying which.
 */
export function parseContractResponse(xml: string | Buffer, limits?: XmlLimits): ContractResponse & { readonly contractVersion?: ContractVersion } {
  const envelope = readEnvelope(xml, limits);
  const processingStatus = readProcessingStatus(envelope.header);
  const status = processingStatus ? { processingStatus } : {};
  if (envelope.kind === 'fault') {
    // A fault names no contract; the caller knows which one it asked.
    return { contract: null, version: null, items: [], faults: [envelope.fault], ...status };
  }
  const m = RESPONSE.exec(envelope.localName);
  const name = m?.[1];
  const contract = name === undefined
    ? undefined
    : envelope.namespaces.map((ns) => byNamespace.get(ns)).find((c) => c?.contract === name);
  if (!contract) {
    const known = [...new Set(CONTRACT_VERSIONS.map((c) => c.contract))].join(', ');
    throw new JournalenError('INPUT_INVALID', `not a response of a known contract: <${envelope.localName}> (known: ${known})`, { reason: 'unknownContract' });
  }
  const { items, faults, hasMore } = contract.parseResponse(envelope.element);
  return { contract: contract.contract, version: contract.major, items, faults, ...(hasMore ? { hasMore } : {}), ...status, contractVersion: contract };
}
