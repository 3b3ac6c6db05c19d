import type { ContractVersion } from '../types.js';
import { getDiagnosis2 } from './get-diagnosis-2.js';

/** clinicalprocess:healthcond:description contract versions; the preferred version of each contract first. */
export const DESCRIPTION_CONTRACTS: readonly ContractVersion[] = [getDiagnosis2];
