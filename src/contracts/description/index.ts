import type { ContractVersion } from '../types.js';
import { getAlertInformation2 } from './get-alert-information-2.js';
import { getCareDocumentation2 } from './get-care-documentation-2.js';
import { getCareDocumentation3 } from './get-care-documentation-3.js';
import { getDiagnosis2 } from './get-diagnosis-2.js';

/** clinicalprocess:healthcond:description contract versions; the preferred version of each contract first. */
export const DESCRIPTION_CONTRACTS: readonly ContractVersion[] = [getCareDocumentation3, getCareDocumentation2, getDiagnosis2, getAlertInformation2];
