import type { ContractVersion } from '../types.js';
import { getMedicationHistory2 } from './get-medication-history-2.js';
import { getVaccinationHistory2 } from './get-vaccination-history-2.js';

/** clinicalprocess:activityprescription:actoutcome contract versions; the preferred version of each contract first. */
export const ACTIVITYPRESCRIPTION_CONTRACTS: readonly ContractVersion[] = [getMedicationHistory2, getVaccinationHistory2];
