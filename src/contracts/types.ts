import type { InfoType, RecordItem } from '../domain/record.js';
import type { XmlNode } from './xml.js';

/**
 * What every RIV-TA contract version plugs into: how to ask (request builder), how to read the
 * answer (parser into canonical items), and for the simulators how to answer (writer).
 */

export const CONTRACT_NAMES = [
  'GetCareDocumentation',
  'GetDiagnosis',
  'GetAlertInformation',
  'GetCareContacts',
  'GetLaboratoryOrderOutcome',
  'GetReferralOutcome',
  'GetImagingOutcome',
  'GetMedicationHistory',
  'GetVaccinationHistory',
] as const;

export type ContractName = (typeof CONTRACT_NAMES)[number];

/** What a consumer asks a producer for (RIV-TA request filters). */
export interface ContractRequest {
  /** 12 digits, no separator. */
  readonly patientId: string;
  /** OID of the id kind; personnummer when absent. */
  readonly patientIdType?: string;
  readonly careUnitHsaIds?: readonly string[];
  readonly careGiverHsaIds?: readonly string[];
  readonly period?: { readonly start?: Date; readonly end?: Date };
  readonly sourceSystemHsaId?: string;
  /** Paging: the reference the producer gave in `hasMore` (contracts that page). */
  readonly continuation?: string;
}

export const PERSONNUMMER_OID = '1.2.752.129.2.1.3.1';
export const SAMORDNINGSNUMMER_OID = '1.2.752.129.2.1.3.3';

/** A problem reported by the producer or found in its answer; never thrown across modules. */
export type ContractFault =
  | { readonly kind: 'soapFault'; readonly code?: string; readonly message: string }
  /** result/resultCode ERROR (or INFO with a message) in the response body. */
  | { readonly kind: 'resultError'; readonly code?: string; readonly message: string }
  /** One item could not be read; the rest of the answer still counts. */
  | { readonly kind: 'itemInvalid'; readonly index: number; readonly message: string };

export interface ProcessingStatusEntry {
  readonly logicalAddress: string;
  readonly statusCode: string;
  readonly isResponseFromCache?: boolean;
  readonly isResponseInSynch?: boolean;
  readonly lastSuccessfulSynch?: string;
  readonly lastUnsuccessfulSynchError?: { readonly causingAgent?: string; readonly code?: string; readonly text?: string };
}

export interface ContractResponse {
  /** Null for a SOAP Fault, which does not say which contract it answers. */
  readonly contract: ContractName | null;
  /** Major version, as in the responder namespace (`...Responder:3` → "3"); null for a fault. */
  readonly version: string | null;
  readonly items: RecordItem[];
  readonly faults: ContractFault[];
  /** Paging: there is more to fetch with this reference (contracts that page). */
  readonly hasMore?: { readonly logicalAddress?: string; readonly reference: string };
  /** ProcessingStatus header, from an aggregating service. */
  readonly processingStatus?: ProcessingStatusEntry[];
}

export interface ContractVersion {
  readonly contract: ContractName;
  /** Schema version the parser is written for, e.g. "3.0"; the namespace carries the major. */
  readonly version: string;
  readonly major: string;
  readonly infoType: InfoType;
  /** `urn:riv:...:GetXResponder:N` */
  readonly responderNamespace: string;
  /** The domain's core schema namespace, e.g. `urn:riv:clinicalprocess:healthcond:description:2`. */
  readonly coreNamespace: string;
  /** Engagement index service domain and categorization for this information. */
  readonly serviceDomain: string;
  readonly categorization: string;
  /** Folder under shared/rivta/ and the responder XSD in it (tests and conformance only). */
  readonly schemaDir: string;
  readonly responderXsd: string;
  /** The request element (`<GetX xmlns=...>...</GetX>`) for the SOAP body. */
  buildRequest(request: ContractRequest): string;
  /**
   * Reads the response element (the SOAP Body's child). Items that cannot be read become
   * `itemInvalid` faults; nothing throws.
   */
  parseResponse(response: XmlNode): { items: RecordItem[]; faults: ContractFault[]; hasMore?: ContractResponse['hasMore'] };
  /** The response element a producer sends for these items (used by the simulators). */
  writeResponse(items: readonly RecordItem[], options?: { readonly hasMore?: { readonly reference: string; readonly logicalAddress?: string } }): string;
}
