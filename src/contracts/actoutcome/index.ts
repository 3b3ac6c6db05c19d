import type { ContractVersion } from '../types.js';

/** clinicalprocess:healthcond:actoutcome contract versions; the preferred version of each contract first. */
export const ACTOUTCOME_CONTRACTS: readonly ContractVersion[] = [];
