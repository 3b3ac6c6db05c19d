import type { ContractVersion } from '../types.js';

/** clinicalprocess:activityprescription:actoutcome contract versions; the preferred version of each contract first. */
export const ACTIVITYPRESCRIPTION_CONTRACTS: readonly ContractVersion[] = [];
