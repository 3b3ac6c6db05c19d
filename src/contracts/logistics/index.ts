import type { ContractVersion } from '../types.js';

/** clinicalprocess:logistics:logistics contract versions; the preferred version of each contract first. */
export const LOGISTICS_CONTRACTS: readonly ContractVersion[] = [];
