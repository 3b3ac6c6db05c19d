/**
 * HSA-id: the identity of a care provider, care unit or person in the national health care
 * directory (HSA-katalogen). Shape: optional environment prefix segments (`T-SERVICES-`), `SE`,
 * the organisation number (10 digits, optionally preceded by `16`), `-`, a local part of
 * uppercase letters and digits; 31 characters at most.
 *
 * The organisation number's Luhn digit is deliberately not checked: synthetic and test ids in
 * the national platform do not always have a valid one.
 */

import { JournalenError } from '../../errors/index.js';

declare const hsaIdBrand: unique symbol;
/** A string that has passed `parseHsaId`. */
export type HsaId = string & { readonly [hsaIdBrand]: true };

export const HSA_ID_MAX_LENGTH = 31;

/** Stable machine reasons in `details.reason` of IDENTIFIER_INVALID errors from this module. */
export const HSA_ID_INVALID_REASONS = [
  'type',
  'empty',
  'length',
  'lowercase',
  'characters',
  'prefix',
  'organisation',
  'local-part',
] as const;
export type HsaIdInvalidReason = (typeof HSA_ID_INVALID_REASONS)[number];

const EXAMPLE = 'SE2321000016-15CQ';
const ORGANISATION = /^SE(?:16)?\d{10}$/;

/** Parses an HSA-id, trimming surrounding whitespace; case is kept, since HSA-ids are case-sensitive. */
export function parseHsaId(input: string, options: { readonly field?: string } = {}): HsaId {
  const text = typeof input === 'string' ? input.trim() : input;
  const problem = findProblem(text);
  if (problem) {
    const details = options.field === undefined ? { reason: problem.reason } : { field: options.field, reason: problem.reason };
    throw new JournalenError('IDENTIFIER_INVALID', problem.message, details);
  }
  return text as HsaId;
}

/** True for a string that is exactly a valid HSA-id (no surrounding whitespace). */
export function isHsaId(value: unknown): value is HsaId {
  return findProblem(value) === undefined;
}

function findProblem(text: unknown): { reason: HsaIdInvalidReason; message: string } | undefined {
  if (typeof text !== 'string') {
    return { reason: 'type', message: `HSA-id must be a string, got ${text === null ? 'null' : typeof text}` };
  }
  if (text === '') return { reason: 'empty', message: `HSA-id is empty; expected e.g. ${EXAMPLE}` };
  if (text.length > HSA_ID_MAX_LENGTH) {
    return { reason: 'length', message: `HSA-id is ${text.length} characters; at most ${HSA_ID_MAX_LENGTH} allowed` };
  }
  if (/\p{Ll}/u.test(text)) {
    return {
      reason: 'lowercase',
      message: `HSA-id contains lowercase letters; HSA-ids are case-sensitive and written in uppercase, e.g. ${EXAMPLE}`,
    };
  }
  const bad = /[^A-Z0-9-]/.exec(text);
  if (bad) {
    return {
      reason: 'characters',
      message: `HSA-id contains ${JSON.stringify(bad[0])} at position ${bad.index + 1}; only A-Z, 0-9 and - are allowed`,
    };
  }

  const segments = text.split('-');
  const local = segments.length > 1 ? segments[segments.length - 1] : undefined;
  const organisation = segments.length > 1 ? segments[segments.length - 2] : segments[0];
  const prefix = segments.slice(0, -2);

  if (local === undefined || local === '') {
    return ORGANISATION.test(organisation ?? '')
      ? { reason: 'local-part', message: `HSA-id must end with - and a local part of letters or digits, e.g. ${EXAMPLE}` }
      : { reason: 'organisation', message: `HSA-id must start with SE and an organisation number, e.g. ${EXAMPLE}` };
  }
  if (!ORGANISATION.test(organisation ?? '')) {
    if (prefix.some((segment) => ORGANISATION.test(segment))) {
      return { reason: 'local-part', message: 'HSA-id local part after the organisation number may not contain -' };
    }
    if (organisation?.startsWith('SE')) {
      const digits = organisation.slice(2);
      const got = /\D/.test(digits)
        ? 'letters among the digits'
        : digits.length === 12
          ? '12 digits not beginning with 16'
          : `${digits.length} digits`;
      return {
        reason: 'organisation',
        message: `HSA-id organisation number after SE must be 10 digits, or 12 beginning with 16; got ${got}`,
      };
    }
    return prefix.length === 0
      ? { reason: 'organisation', message: `HSA-id must start with SE and an organisation number, e.g. ${EXAMPLE}` }
      : {
          reason: 'organisation',
          message: `HSA-id must have SE and an organisation number after its prefix ${prefix.join('-')}-, e.g. T-SERVICES-SE165565594230-10JQ`,
        };
  }
  if (prefix.some((segment) => segment === '')) {
    return { reason: 'prefix', message: 'HSA-id prefix segments must be letters or digits, each followed by a single -' };
  }
  return undefined;
}
