import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { responderSchemaFile } from '../contracts/schema-validation.js';
import type { ContractVersion } from '../contracts/types.js';

/**
 * Where the RIV-TA XSDs are: `shared/rivta/` beside the package (as in development and CI),
 * found from the package root so that it works from `src/` (vitest) and from `dist/` (the
 * installed command) alike. The schemas are read in place, never copied into the package.
 */

/** The nearest folder above this module holding a package.json. */
export function packageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** `<package root>/../shared/rivta`, or undefined when it is not there. */
export function defaultRivtaDir(): string | undefined {
  const root = packageRoot();
  if (root === undefined) return undefined;
  const dir = path.join(root, '..', 'shared', 'rivta');
  return existsSync(dir) ? dir : undefined;
}

/** The responder XSD of a contract version in `rivtaDir`, or why it cannot be used. */
export function schemaFileFor(rivtaDir: string | undefined, contract: ContractVersion): { file: string } | { missing: string } {
  if (rivtaDir === undefined) return { missing: 'the RIV-TA schema folder (shared/rivta beside the package) was not found' };
  const file = responderSchemaFile(rivtaDir, contract);
  return existsSync(file) ? { file } : { missing: `the schema ${path.join(contract.schemaDir, contract.responderXsd)} is not in ${rivtaDir}` };
}
