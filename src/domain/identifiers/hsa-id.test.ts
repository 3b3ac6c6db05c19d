import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { HSA_ID_INVALID_REASONS, HSA_ID_MAX_LENGTH, isHsaId, parseHsaId, type HsaId } from './index.js';

function rejection(input: string): { reason: string; message: string } {
  try {
    parseHsaId(input);
  } catch (error) {
    expect(error).toMatchObject({ code: 'JOURNALEN_IDENTIFIER_INVALID' });
    const { details, message } = error as { details: { reason: string }; message: string };
    return { reason: details.reason, message };
  }
  throw new Error(`expected ${input} to be rejected`);
}

describe('parseHsaId', () => {
  it.each([
    'SE5565594230-BDK',
    'T-SERVICES-SE165565594230-10JQ',
    'T-SERVICES-SE165565594230-10JR',
    'SE2321000016-7P35',
    'SE2321000016-15CQ',
    'SE2321000016-1',
    'SE1234567890-ABC', // organisation number without a valid Luhn digit: accepted on purpose
  ])('accepts %s', (input) => {
    const id: HsaId = parseHsaId(input);
    expect(id).toBe(input);
    expect(isHsaId(input)).toBe(true);
  });

  it('trims surrounding whitespace', () => {
    expect(parseHsaId('  SE2321000016-15CQ\n')).toBe('SE2321000016-15CQ');
  });

  it.each([
    ['', 'empty', 'HSA-id is empty; expected e.g. SE2321000016-15CQ'],
    ['T-SERVICES-SE165565594230-10JQXXXXXXXXXX', 'length', 'HSA-id is 40 characters; at most 31 allowed'],
    ['se2321000016-15cq', 'lowercase', 'HSA-id contains lowercase letters; HSA-ids are case-sensitive and written in uppercase, e.g. SE2321000016-15CQ'],
    ['SE2321000016-15Cq', 'lowercase', 'HSA-id contains lowercase letters; HSA-ids are case-sensitive and written in uppercase, e.g. SE2321000016-15CQ'],
    ['SE2321000016 15CQ', 'characters', 'HSA-id contains " " at position 13; only A-Z, 0-9 and - are allowed'],
    ['SE2321000016_15CQ', 'characters', 'HSA-id contains "_" at position 13; only A-Z, 0-9 and - are allowed'],
    ['SÖ2321000016-15CQ', 'characters', 'HSA-id contains "Ö" at position 2; only A-Z, 0-9 and - are allowed'],
    ['2321000016-15CQ', 'organisation', 'HSA-id must start with SE and an organisation number, e.g. SE2321000016-15CQ'],
    ['NO2321000016-15CQ', 'organisation', 'HSA-id must start with SE and an organisation number, e.g. SE2321000016-15CQ'],
    ['15CQ', 'organisation', 'HSA-id must start with SE and an organisation number, e.g. SE2321000016-15CQ'],
    ['SE232100001-15CQ', 'organisation', 'HSA-id organisation number after SE must be 10 digits, or 12 beginning with 16; got 9 digits'],
    ['SE23210000166-15CQ', 'organisation', 'HSA-id organisation number after SE must be 10 digits, or 12 beginning with 16; got 11 digits'],
    ['SE172321000016-15CQ', 'organisation', 'HSA-id organisation number after SE must be 10 digits, or 12 beginning with 16; got 12 digits not beginning with 16'],
    ['SE23210000A6-15CQ', 'organisation', 'HSA-id organisation number after SE must be 10 digits, or 12 beginning with 16; got letters among the digits'],
    ['T-SERVICES-XX165565594230-10JQ', 'organisation', 'HSA-id must have SE and an organisation number after its prefix T-SERVICES-, e.g. T-SERVICES-SE165565594230-10JQ'],
    ['SE2321000016', 'local-part', 'HSA-id must end with - and a local part of letters or digits, e.g. SE2321000016-15CQ'],
    ['SE2321000016-', 'local-part', 'HSA-id must end with - and a local part of letters or digits, e.g. SE2321000016-15CQ'],
    ['SE2321000016-15-CQ', 'local-part', 'HSA-id local part after the organisation number may not contain -'],
    ['-SE2321000016-15CQ', 'prefix', 'HSA-id prefix segments must be letters or digits, each followed by a single -'],
    ['T--SE2321000016-15CQ', 'prefix', 'HSA-id prefix segments must be letters or digits, each followed by a single -'],
  ] as const)('rejects %j (%s)', (input, reason, message) => {
    expect(rejection(input)).toEqual({ reason, message });
    expect(isHsaId(input)).toBe(false);
  });

  it('rejects a non-string from untyped callers', () => {
    expect(rejection(42 as unknown as string).reason).toBe('type');
  });

  it('puts the field in the error details when named', () => {
    expect(() => parseHsaId('X', { field: 'careUnitHsaId' })).toThrow(
      expect.objectContaining({ details: { field: 'careUnitHsaId', reason: 'organisation' } }),
    );
  });

  it('declares every reason it produces', () => {
    expect([...HSA_ID_INVALID_REASONS].sort()).toEqual(
      ['type', 'empty', 'length', 'lowercase', 'characters', 'prefix', 'organisation', 'local-part'].sort(),
    );
  });
});

describe('isHsaId', () => {
  it('accepts only an exact HSA-id string', () => {
    expect(isHsaId(' SE2321000016-15CQ')).toBe(false); // parseHsaId would trim; the guard does not
    expect(isHsaId(undefined)).toBe(false);
    expect(isHsaId(null)).toBe(false);
    expect(isHsaId({})).toBe(false);
  });

  it('agrees with parseHsaId on generated ids of the documented shape', () => {
    const segment = fc.stringMatching(/^[A-Z0-9]{1,6}$/);
    const id = fc
      .record({
        prefix: fc.array(segment, { maxLength: 2 }),
        sixteen: fc.boolean(),
        organisation: fc.stringMatching(/^\d{10}$/),
        local: segment,
      })
      .map(({ prefix, sixteen, organisation, local }) =>
        [...prefix, `SE${sixteen ? '16' : ''}${organisation}`, local].join('-'),
      );
    fc.assert(
      fc.property(id, (text) => {
        const fits = text.length <= HSA_ID_MAX_LENGTH;
        expect(isHsaId(text)).toBe(fits);
        if (fits) expect(parseHsaId(text)).toBe(text);
        else expect(rejection(text).reason).toBe('length');
      }),
    );
  });
});
