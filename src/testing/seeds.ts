import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SeedDocument, SeedSource } from '../domain/seed-source.js';

/** shared/ sits beside the repository (as in CI): the seeds are read from there, never copied. */
export const SHARED_DIR = fileURLToPath(new URL('../../../shared/', import.meta.url));

const cache = new Map<SeedDocument, readonly string[]>();

export function seedLines(document: SeedDocument): readonly string[] {
  let lines = cache.get(document);
  if (!lines) {
    lines = readFileSync(`${SHARED_DIR}seeds/${document}`, 'utf8').split('\n');
    cache.set(document, lines);
  }
  return lines;
}

/** Every SeedSource anywhere inside a value, with the path it was found at. */
export function collectSeedSources(value: unknown, path = '$'): { path: string; source: SeedSource }[] {
  if (value === null || typeof value !== 'object') return [];
  const v = value as Record<string, unknown>;
  if (typeof v.document === 'string' && typeof v.line === 'number' && typeof v.quote === 'string') {
    return [{ path, source: v as unknown as SeedSource }];
  }
  return Object.entries(v).flatMap(([k, child]) => collectSeedSources(child, `${path}.${k}`));
}
