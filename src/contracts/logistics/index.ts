import type { ContractVersion } from '../types.js';
import { getCareContacts2 } from './get-care-contacts-2.js';
import { getCareContacts3 } from './get-care-contacts-3.js';

/** clinicalprocess:logistics:logistics contract versions; the preferred version of each contract first. */
export const LOGISTICS_CONTRACTS: readonly ContractVersion[] = [getCareContacts3, getCareContacts2];
