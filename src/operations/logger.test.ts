import { describe, expect, it } from 'vitest';

import { JournalenError } from '../errors/index.js';
import {
  PERSONAL_IDENTITY_MASK as MASK,
  createLogger,
  redactPersonalIdentities,
  redactPersonalIdentitiesInJsonLine,
  redactPersonalIdentitiesInText,
} from './logger.js';

/** A logger writing to memory; `entries()` parses each line, which also proves it is valid JSON. */
function capture(options: { level?: string; pretty?: boolean } = {}) {
  const lines: string[] = [];
  const log = createLogger({
    level: options.level ?? 'trace',
    pretty: options.pretty ?? false,
    destination: { write: (line: string) => void lines.push(line) },
  });
  const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const last = () => entries().at(-1) as Record<string, unknown>;
  return { log, lines, entries, last };
}

// Each form of Tolvan Tolvansson's number, plus a samordningsnummer in both lengths.
const FORMS = [
  '19121212-1212',
  '191212121212',
  '121212-1212',
  '1212121212',
  '121212+1212',
  '121212 1212',
  '701063-2391',
  '19701063-2391',
] as const;

/** The ten digits that identify the person, whatever separators or century surround them. */
const core = (form: string) => form.replace(/\D/g, '').slice(-10);

function expectNoLeak(text: string): void {
  const squeezed = text.replace(/[-+ ]/g, '');
  for (const form of FORMS) {
    expect(text).not.toContain(form);
    expect(squeezed).not.toContain(core(form));
  }
}

describe('createLogger: personnummer never reaches a log line', () => {
  it.each(FORMS)('masks %s in the message', (pnr) => {
    const { log, lines, last } = capture();
    log.info(`patient ${pnr} opened the record`);
    expect(last().msg).toBe(`patient ${MASK} opened the record`);
    expectNoLeak(lines.join(''));
  });

  it.each(FORMS)('masks %s in nested fields, arrays and keys', (pnr) => {
    const { log, lines, last } = capture();
    log.info(
      {
        patient: { id: pnr, aliases: [pnr, { note: `see ${pnr}.` }], [pnr]: 'keyed by number' },
        rows: [[[`(${pnr})`]]],
      },
      'lookup',
    );
    expect(last().patient).toEqual({ id: MASK, aliases: [MASK, { note: `see ${MASK}.` }], [MASK]: 'keyed by number' });
    expect(last().rows).toEqual([[[`(${MASK})`]]]);
    expectNoLeak(lines.join(''));
  });

  it('masks a personnummer stored as a number', () => {
    const { log, lines, last } = capture();
    log.info({ pnr: 191212121212, short: 1212121212, count: 1234567890 }, 'numeric');
    expect(last()).toMatchObject({ pnr: MASK, short: MASK, count: 1234567890 });
    expectNoLeak(lines.join(''));
  });

  it('masks an Error passed as the only argument: msg, err.message and err.stack', () => {
    const { log, lines, last } = capture();
    log.error(new Error(`no record for 19121212-1212`));
    const err = last().err as Record<string, string>;
    expect(last().msg).toBe(`no record for ${MASK}`);
    expect(err.message).toBe(`no record for ${MASK}`);
    expect(err.stack).toContain(`Error: no record for ${MASK}`);
    expect(err.type).toBe('Error');
    expectNoLeak(lines.join(''));
  });

  it('masks an Error under `err`, its cause chain and its own fields', () => {
    const { log, lines, last } = capture();
    const inner = new Error(`upstream refused 701063-2391`);
    const err = new JournalenError('NOT_FOUND', `no record for 121212-1212`, { field: 'pnr', value: '191212121212' }, { cause: inner });
    log.error({ err }, 'request failed');
    const logged = last().err as Record<string, unknown>;
    expect(logged.type).toBe('JournalenError');
    expect(logged.code).toBe('JOURNALEN_NOT_FOUND');
    expect(logged.message).toBe(`no record for ${MASK}: upstream refused ${MASK}`);
    expect(logged.details).toEqual({ field: 'pnr', value: MASK });
    expect(String(logged.stack)).toContain(`caused by: Error: upstream refused ${MASK}`);
    expectNoLeak(lines.join(''));
    // The caller's error is left as it was.
    expect(err.message).toBe('no record for 121212-1212');
    expect(err.details.value).toBe('191212121212');
  });

  it('masks an Error whose message pino takes as msg when none is given', () => {
    const { log, lines, last } = capture();
    log.warn({ err: new Error('bad pnr 121212+1212') });
    expect(last().msg).toBe(`bad pnr ${MASK}`);
    expectNoLeak(lines.join(''));
  });

  it('masks printf-style interpolation, also when the number is split over arguments', () => {
    const { log, lines, entries } = capture();
    log.info('user %s', '19121212-1212');
    log.info('user %s signed in at %s', '121212-1212', '2026-11-23T12:00:00Z');
    log.info('user %j', { pnr: '191212121212' });
    log.info('user %o', ['1212121212']);
    log.info('user %d', 191212121212);
    log.info('user %s%s', '121212', '-1212');
    log.info({ route: '/record' }, 'user %s', '701063-2391');
    expect(entries().map((e) => e.msg)).toEqual([
      `user ${MASK}`,
      `user ${MASK} signed in at 2026-11-23T12:00:00Z`,
      `user {"pnr":"${MASK}"}`,
      `user ["${MASK}"]`,
      `user ${MASK}`,
      `user ${MASK}`,
      `user ${MASK}`,
    ]);
    expectNoLeak(lines.join(''));
  });

  it('masks a number given as the message itself', () => {
    const { log, lines, last } = capture();
    log.info(191212121212 as unknown as string);
    expect(last().msg).toBe(MASK);
    expectNoLeak(lines.join(''));
  });

  it('masks child bindings, grandchild bindings, setBindings and msgPrefix', () => {
    const { log, lines, entries } = capture();
    const child = log.child({ patient: '19121212-1212', nested: { ids: ['701063-2391'] } });
    child.info('child');
    const grandchild = child.child({ proxy: '121212+1212' }, { msgPrefix: '[121212-1212] ' });
    grandchild.info('grandchild');
    grandchild.setBindings({ later: '1212121212' });
    grandchild.info('rebound');
    const [first, second, third] = entries();
    expect(first).toMatchObject({ patient: MASK, nested: { ids: [MASK] }, msg: 'child' });
    expect(second).toMatchObject({ patient: MASK, proxy: MASK, msg: `[${MASK}] grandchild` });
    expect(third).toMatchObject({ later: MASK });
    expectNoLeak(lines.join(''));
  });

  it("keeps scrubbing when a child brings its own log formatter", () => {
    const { log, lines, last } = capture();
    const child = log.child({}, { formatters: { log: (object) => ({ ...object, added: 'owner 191212121212' }) } });
    child.info({ pnr: '121212-1212' }, 'formatted');
    expect(last()).toMatchObject({ pnr: MASK, added: `owner ${MASK}` });
    expectNoLeak(lines.join(''));
  });

  it('masks what class instances print through toJSON, without walking into them', () => {
    const { log, lines, last } = capture();
    class Patient {
      constructor(readonly id: string) {}
    }
    log.info({ url: new URL('https://journalen.example/api?pnr=191212121212'), patient: new Patient('121212-1212') }, 'objects');
    expect(last().url).toBe(`https://journalen.example/api?pnr=${MASK}`);
    expect(last().patient).toEqual({ id: MASK });
    expectNoLeak(lines.join(''));
  });

  it('leaves HSA-ids, timestamps, UUIDs, ports and ordinary numbers alone', () => {
    const { log, last } = capture();
    const fields = {
      careUnit: 'SE2321000016-15CQ',
      careGiver: 'SE2321000016-7P35',
      testUnit: 'T-SERVICES-SE165565594230-10JQ',
      company: 'SE5565594230-BDK',
      at: '2026-11-23T12:00:00Z',
      compactAt: '20261123T120000Z',
      day: '2026-11-23',
      requestId: '3f2b8c1e-9d4a-4e7b-8c6f-0a1b2c3d4e5f',
      port: 8080,
      epochMs: 1764000000000,
      epochSeconds: 1764000000,
      orderNumber: '12345678901234',
      organisationNumber: '232100-0016',
      amount: 1234567890,
    };
    log.info(fields, 'listening on port %d at %s for %s', 8080, '2026-11-23T12:00:00Z', 'SE2321000016-15CQ');
    expect(last()).toMatchObject(fields);
    expect(last().msg).toBe('listening on port 8080 at 2026-11-23T12:00:00Z for SE2321000016-15CQ');
  });

  it('writes readable lines when pretty, still masked', () => {
    const { log, lines } = capture({ pretty: true });
    log.info({ patient: '19121212-1212' }, 'opened by %s', '121212-1212');
    log.error(new Error('failed for 701063-2391'));
    expect(lines[0]).toMatch(new RegExp(String.raw`^\d\d:\d\d:\d\d\.\d{3} INFO  opened by \[personnummer\] \{"patient":"\[personnummer\]"\}\n$`));
    expect(lines[1]).toContain(`ERROR failed for ${MASK}`);
    expect(lines[1]).toContain('\n  Error: failed for [personnummer]');
    expectNoLeak(lines.join(''));
  });

  it('honours the level', () => {
    const { log, lines } = capture({ level: 'warn' });
    log.info('hidden');
    log.warn('shown');
    expect(lines).toHaveLength(1);
  });

  it('rejects an unknown level with CONFIG_INVALID', () => {
    expect(() => createLogger({ level: 'verbose' })).toThrow(
      expect.objectContaining({ code: 'JOURNALEN_CONFIG_INVALID', details: { field: 'level', reason: 'level' } }),
    );
    expect(() => createLogger({ level: 'silent', destination: { write: () => undefined } })).not.toThrow();
  });
});

describe('redactPersonalIdentitiesInText', () => {
  it.each([
    ['19121212-1212', MASK],
    ['pnr=191212121212&x=1', `pnr=${MASK}&x=1`],
    ['a 121212-1212, b 701063-2391.', `a ${MASK}, b ${MASK}.`],
    ['"1212121212"', `"${MASK}"`],
    ['line1\n121212+1212', `line1\n${MASK}`],
    ['samordning day 91: 120491-1234', `samordning day 91: ${MASK}`],
  ])('masks %j', (input, expected) => {
    expect(redactPersonalIdentitiesInText(input)).toBe(expected);
  });

  it.each([
    'SE2321000016-15CQ',
    'T-SERVICES-SE165565594230-10JR',
    'X191212121212', // glued to letters: left alone by design, like HSA-ids
    '191212121212X',
    '0191212121212', // part of a longer number
    '19121212-12123',
    '121312-1212', // month 13
    '121200-1212', // day 00
    '121245-1212', // day 45
    '2026-11-23T12:00:00.000Z',
    '3f2b8c1e-9d4a-4e7b-8c6f-0a1b2c3d4e5f',
    'localhost:5432',
  ])('leaves %j alone', (input) => {
    expect(redactPersonalIdentitiesInText(input)).toBe(input);
  });
});

describe('redactPersonalIdentities', () => {
  const deepFreeze = <T>(value: T): T => {
    if (value && typeof value === 'object') {
      for (const item of Object.values(value)) deepFreeze(item);
      Object.freeze(value);
    }
    return value;
  };

  it('does not mutate its input and copies only what changed', () => {
    const clean = { hsa: 'SE2321000016-15CQ', list: [1, 2, 3] };
    const input = deepFreeze({ clean, dirty: { pnr: '19121212-1212' }, list: ['a', '121212-1212'] });
    const output = redactPersonalIdentities(input) as typeof input;
    expect(output).toEqual({ clean, dirty: { pnr: MASK }, list: ['a', MASK] });
    expect(output).not.toBe(input);
    expect(output.clean).toBe(clean);
    expect(input.dirty.pnr).toBe('19121212-1212');
  });

  it('returns a clean value as the same reference', () => {
    const value = { a: { b: ['c', 1, null, true] } };
    expect(redactPersonalIdentities(value)).toBe(value);
  });

  it('passes through primitives and non-plain objects', () => {
    const date = new Date();
    const map = new Map([['pnr', '191212121212']]);
    expect(redactPersonalIdentities(undefined)).toBeUndefined();
    expect(redactPersonalIdentities(42)).toBe(42);
    expect(redactPersonalIdentities(191212121212n)).toBe(MASK);
    expect(redactPersonalIdentities(date)).toBe(date);
    expect(redactPersonalIdentities(map)).toBe(map);
  });

  it('copies an Error keeping its class, fields and toJSON', () => {
    const error = new JournalenError('IDENTIFIER_INVALID', 'bad 191212121212', { field: 'pnr' });
    const copy = redactPersonalIdentities(error) as JournalenError;
    expect(copy).toBeInstanceOf(JournalenError);
    expect(copy).not.toBe(error);
    expect(copy.message).toBe(`bad ${MASK}`);
    expect(copy.stack).not.toContain('191212121212');
    expect(copy.toJSON()).toEqual({ code: 'JOURNALEN_IDENTIFIER_INVALID', message: `bad ${MASK}`, details: { field: 'pnr' } });
    expect(Object.keys(copy)).toEqual(Object.keys(error));
    expect(error.message).toBe('bad 191212121212');
  });

  it('survives cycles and scrubs shared objects once', () => {
    const shared = { pnr: '121212-1212' };
    const cyclic: Record<string, unknown> = { a: shared, b: shared };
    cyclic.self = cyclic;
    const output = redactPersonalIdentities(cyclic) as Record<string, unknown>;
    expect(output.a).toEqual({ pnr: MASK });
    expect(output.b).toBe(output.a);
    expect(output.self).toBe('[Circular]');
  });

  it('treats a __proto__ key as data', () => {
    const input = JSON.parse('{"__proto__": {"pnr": "191212121212"}, "x": "121212-1212"}') as object;
    const output = redactPersonalIdentities(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(output, '__proto__')?.value).toEqual({ pnr: MASK });
  });

  it('reads each field a bounded number of times (linear, not quadratic)', () => {
    // Counts property reads through a Proxy rather than timing, so it cannot flake.
    const readsFor = (size: number): number => {
      const target: Record<string, string> = {};
      for (let i = 0; i < size; i++) target[`field${i}`] = i % 2 === 1 ? `patient 19121212-1212 #${i}` : `value ${i}`;
      let reads = 0;
      const proxy = new Proxy(target, {
        get(object, key, receiver) {
          reads++;
          return Reflect.get(object, key, receiver) as unknown;
        },
      });
      const output = redactPersonalIdentities(proxy) as Record<string, string>;
      expect(Object.keys(output)).toHaveLength(size);
      expect(output.field0).toBe('value 0');
      expect(output[`field${size - 1}`]).toBe(`patient ${MASK} #${size - 1}`);
      return reads;
    };
    expect(readsFor(1_000)).toBeLessThanOrEqual(2 * 1_000);
    expect(readsFor(10_000)).toBeLessThanOrEqual(2 * 10_000);
  });

  it('scrubs a 1,000-field object with a number in every field', () => {
    const input: Record<string, string> = {};
    for (let i = 0; i < 1_000; i++) input[`f${i}`] = `19121212-1212 and 701063-2391 (${i})`;
    const output = redactPersonalIdentities(input) as Record<string, string>;
    expect(Object.values(output).every((v) => v.startsWith(`${MASK} and ${MASK} (`))).toBe(true);
    expectNoLeak(JSON.stringify(output));
  });
});

describe('redactPersonalIdentitiesInJsonLine', () => {
  it.each([
    ['{"msg":"x 191212121212"}', `{"msg":"x ${MASK}"}`],
    ['{"n":191212121212}', `{"n":"${MASK}"}`],
    ['{"n":-1212121212,"m":[1.1912121212]}', `{"n":"${MASK}","m":["${MASK}"]}`],
    ['{"msg":"a\\n121212-1212"}', `{"msg":"a\\n${MASK}"}`],
    ['{"q":"say \\"121212+1212\\""}', `{"q":"say \\"${MASK}\\""}`],
    ['{"a":"\\\\","n":1212121212}', `{"a":"\\\\","n":"${MASK}"}`],
  ])('%s', (line, expected) => {
    const scrubbed = redactPersonalIdentitiesInJsonLine(line);
    expect(scrubbed).toBe(expected);
    expect(() => JSON.parse(scrubbed) as unknown).not.toThrow();
  });

  it('returns a clean line unchanged', () => {
    const line = '{"level":30,"time":1764000000000,"hsa":"SE2321000016-15CQ"}\n';
    expect(redactPersonalIdentitiesInJsonLine(line)).toBe(line);
  });
});

describe('reserve numbers', () => {
  it('masks the reserve-number form the engagement index admits (YYYYMMDD + four characters)', () => {
    const { log, last } = capture();
    log.info({ resident: '20121212P123', other: 'x 19121212T001 y' }, 'resident 20121212P123');
    const line = JSON.stringify(last());
    expect(line).not.toContain('20121212P123');
    expect(line).not.toContain('19121212T001');
    expect(last().msg).toBe('resident [personnummer]');
  });

  it('still leaves HSA-ids and timestamps alone', () => {
    const { log, last } = capture();
    log.info({ unit: 'SE2321000016-15CQ', at: '2026-11-23T09:30:00Z', riv: '20261123093000' }, 'ok');
    expect(last()).toMatchObject({ unit: 'SE2321000016-15CQ', at: '2026-11-23T09:30:00Z', riv: '20261123093000' });
  });
});
