import { createHash } from 'node:crypto';
import type { AuditActorRole, AuditKind } from '../db/schema.js';
import { JournalenError } from '../errors/index.js';

/**
 * The hash chain of the audit log, without I/O: what an entry's hash covers and how it is
 * serialised. Each entry's hash covers its own fields and the previous entry's hash, so changing,
 * removing or inserting an entry anywhere breaks every link after it.
 */

/** `prev_hash` of entry 1: there is no entry before it. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Names the serialisation inside every hashed payload, so a later format cannot produce the
 * same bytes as this one for different fields.
 */
export const AUDIT_HASH_FORMAT = 'journalen-audit/1';

/** The fields of an entry that its hash covers: everything but the row id and the hash itself. */
export interface ChainedFields {
  readonly seq: number;
  readonly at: Date;
  readonly kind: AuditKind;
  readonly actor: string;
  readonly actorRole: AuditActorRole;
  readonly actorName: string | null;
  readonly subject: string | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly prevHash: string;
}

/** Hex SHA-256 of the canonical JSON of the entry's fields. */
export function auditEntryHash(fields: ChainedFields): string {
  const payload = {
    format: AUDIT_HASH_FORMAT,
    seq: fields.seq,
    // Milliseconds, as JavaScript and the stored timestamptz (written from a Date) both keep them.
    at: fields.at.toISOString(),
    kind: fields.kind,
    actor: { id: fields.actor, role: fields.actorRole, name: fields.actorName },
    subject: fields.subject,
    details: fields.details,
    prevHash: fields.prevHash,
  };
  return createHash('sha256').update(canonicalJson(payload), 'utf8').digest('hex');
}

/**
 * JSON with object keys sorted by UTF-16 code units and no whitespace, as RFC 8785 (JCS) does
 * for these values: jsonb gives keys back in its own order, so the order written cannot count.
 * Only JSON values are accepted (see `toJsonObject`); anything else is a programming error.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: numbers must be finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: a ${typeof value} is not a JSON value`);
}

const MAX_DEPTH = 32;
// jsonb refuses U+0000 and unpaired surrogates; refusing them here names the field instead.
const UNSTORABLE = /[\u0000\p{Cs}]/u;

/**
 * A copy of `value` that is a plain JSON object and survives the jsonb round trip unchanged,
 * so the hash computed before the insert is the hash recomputed from the row. Properties whose
 * value is undefined are left out, as JSON.stringify does; anything else that JSON or jsonb
 * cannot hold (a Date, a bigint, NaN, U+0000, a cycle) throws INTERNAL naming `field`. The
 * message never repeats a value, since a value may be a personnummer.
 */
export function toJsonObject(value: unknown, field: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw notJson(field, 'must be a plain object');
  return copyJson(value, field, 0) as Record<string, unknown>;
}

function copyJson(value: unknown, field: string, depth: number): unknown {
  if (depth > MAX_DEPTH) throw notJson(field, `nests deeper than ${MAX_DEPTH} levels`);
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw notJson(field, 'must be a finite number');
      // -0 would be written as 0 and read back as 0.
      return value === 0 ? 0 : value;
    case 'string':
      if (UNSTORABLE.test(value)) throw notJson(field, 'holds U+0000 or an unpaired surrogate, which jsonb cannot store');
      return value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        return value.map((item, i) => {
          if (item === undefined) throw notJson(`${field}[${i}]`, 'is undefined');
          return copyJson(item, `${field}[${i}]`, depth + 1);
        });
      }
      if (!isPlainObject(value)) throw notJson(field, 'must be a JSON value (a Date or class instance is not; give an ISO string)');
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        if (item === undefined) continue;
        if (UNSTORABLE.test(key)) throw notJson(field, 'has a key with U+0000 or an unpaired surrogate');
        // defineProperty: a `__proto__` key is data here, as it is in jsonb.
        Object.defineProperty(copy, key, { value: copyJson(item, `${field}.${key}`, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      return copy;
    }
    default:
      throw notJson(field, `must be a JSON value, not a ${typeof value}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function notJson(field: string, message: string): JournalenError {
  return new JournalenError('INTERNAL', `audit entry ${field} ${message}`, { field });
}
