import type { TSchema, Static } from 'typebox';
import Value from 'typebox/value';
import { JournalenError } from './index.js';

/**
 * Validates outside input against a TypeBox schema and turns the first problem into one
 * INPUT_INVALID error whose message a person can act on: where (`items[3].signed`), what was
 * expected, and what came instead.
 */

export interface SchemaProblem {
  /** JSON-pointer-like path, e.g. `/3/signed`. */
  readonly pointer: string;
  readonly message: string;
}

const describe = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
};

function at(root: unknown, pointer: string): unknown {
  let v = root;
  for (const key of pointer.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

export function schemaProblems(schema: TSchema, value: unknown): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const e of Value.Errors(schema, value)) {
    const params = e.params as Record<string, unknown>;
    const got = describe(at(value, e.instancePath));
    switch (e.keyword) {
      case 'required': {
        const missing = (params.requiredProperties as string[] | undefined) ?? [];
        for (const name of missing) problems.push({ pointer: `${e.instancePath}/${name}`, message: 'is required' });
        break;
      }
      case 'type':
        problems.push({ pointer: e.instancePath, message: `must be ${article(String(params.type))}, got ${got}` });
        break;
      case 'enum':
        problems.push({
          pointer: e.instancePath,
          message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}; got ${got}`,
        });
        break;
      default:
        problems.push({ pointer: e.instancePath, message: `${e.message}, got ${got}` });
    }
  }
  return problems;
}

const article = (type: string) =>
  ({ boolean: 'true or false', string: 'a string', number: 'a number', integer: 'an integer', array: 'an array', object: 'an object' })[type] ??
  type;

/** `/3/signed` → `items[3].signed` (with `root` = `items`). */
export function pointerToPath(pointer: string, root: string): string {
  return pointer
    .split('/')
    .slice(1)
    .reduce((path, key) => (/^\d+$/.test(key) ? `${path}[${key}]` : `${path}.${key}`), root);
}

export function assertSchema<S extends TSchema>(schema: S, value: unknown, root: string): Static<S> {
  const [first] = schemaProblems(schema, value);
  if (first) {
    const field = pointerToPath(first.pointer, root);
    throw new JournalenError('INPUT_INVALID', `${field} ${first.message}`, { field });
  }
  return value as Static<S>;
}
