import type { ContractVersion } from '../types.js';
import { getImagingOutcome1 } from './get-imaging-outcome-1.js';
import { getLaboratoryOrderOutcome3 } from './get-laboratory-order-outcome-3.js';
import { getLaboratoryOrderOutcome4 } from './get-laboratory-order-outcome-4.js';
import { getReferralOutcome3 } from './get-referral-outcome-3.js';

/**
 * clinicalprocess:healthcond:actoutcome contract versions; the preferred version of each contract
 * first. GetReferralOutcome 3.2 also reads 3.1 (same namespace); GetLaboratoryOrderOutcome 4.2 also reads 4.0.
 */
export const ACTOUTCOME_CONTRACTS: readonly ContractVersion[] = [getLaboratoryOrderOutcome4, getLaboratoryOrderOutcome3, getReferralOutcome3, getImagingOutcome1];
