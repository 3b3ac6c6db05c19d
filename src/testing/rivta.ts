import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SHARED_DIR } from './seeds.js';

/** The RIV-TA schemas and samples in shared/rivta/, read in place (never copied). */
export const RIVTA_DIR = path.join(SHARED_DIR, 'rivta');
export const SAMPLES_DIR = path.join(RIVTA_DIR, 'samples');

/** Values for the SoapUI `${...}` placeholders of the official mocks, valid for the schemas. */
const PLACEHOLDERS: Record<string, string> = {
  patientId: '191212121212',
  patientid: '191212121212',
  patientIdType: '1.2.752.129.2.1.3.1',
  documentId: 'DOC-1',
  now: '20261123120000',
  sourceSystemHSAId: 'SE2321000016-SRC1',
  logicalAddress: 'SE2321000016-SRC1',
  careUnitHSAId: 'SE2321000016-CU01',
};

/** Substitutes `${name}` placeholders; unknown names get a neutral token. */
export function substitutePlaceholders(xml: string): string {
  return xml.replace(/\$\{([^}]+)\}/g, (_m, name: string) => PLACEHOLDERS[name] ?? (/time|date/i.test(name) ? '20261123120000' : 'X1'));
}

export function samplesOf(contract: string): { file: string; xml: string }[] {
  const dir = path.join(SAMPLES_DIR, contract);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.xml') && !f.includes('testsuite_') && !f.includes('_request_') && !f.startsWith('official_request_'))
    .sort()
    .map((file) => ({ file, xml: substitutePlaceholders(readFileSync(path.join(dir, file), 'utf8')) }));
}
