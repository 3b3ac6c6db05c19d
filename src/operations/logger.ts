/**
 * Structured JSON logs (pino) that never print a personnummer or samordningsnummer.
 *
 * A number is replaced whole by `[personnummer]`; the date part is not kept, since a date of
 * birth is itself identifying. Scrubbing happens in layers, each catching what the one before
 * cannot see:
 *   1. `hooks.logMethod`: the message and every interpolation argument, before pino formats them;
 *   2. `formatters.log` / `formatters.bindings` and a wrapped `child()`: the merged object, the
 *      base bindings and child bindings (pino does not run `formatters.bindings` for children);
 *   3. `hooks.streamWrite`: the finished JSON line, for text pino builds after the hooks ran
 *      (a number split over two `%s` arguments, `msgPrefix`, serializer output, class instances).
 */

import pino from 'pino';

import { JournalenError } from '../errors/index.js';

export const PERSONAL_IDENTITY_MASK = '[personnummer]';

// YYMMDD with month 01-12 and day 01-31, or 61-91 for a samordningsnummer. Organisation numbers
// have 20 or more in the month position, so they never match. The Luhn digit is not checked: a
// mistyped number still identifies a person.
const DATE = String.raw`\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])`;
// Optional century, optional separator (- or +; a space, as people type it), then NNNC, or the
// four characters of a reserve number as the national engagement index admits them (20121212P123).
const NUMBER = String.raw`(?:\d{2})?${DATE}[-+ ]?[0-9A-Zptf]{4}`;
// Not part of a longer run of letters or digits: leaves HSA-ids (SE2321000016-15CQ), longer
// numbers and identifiers with letters glued on alone. A few date-like look-alikes (e.g. phone
// numbers 07xxxxxxxx) are masked too; that is the accepted price of never leaking a real one.
const IN_TEXT = new RegExp(String.raw`(?<![\p{L}\p{N}])${NUMBER}(?![\p{L}\p{N}])`, 'gu');
// In JSON text a control character shows as \n, \t, ...: its letter must not shield the number.
const IN_JSON = new RegExp(String.raw`(?:(?<![\p{L}\p{N}])|(?<=\\[bfnrt]))${NUMBER}(?![\p{L}\p{N}])`, 'gu');
const IN_JSON_PROBE = new RegExp(IN_JSON.source, 'u');
const WHOLE_NUMBER = new RegExp(String.raw`^(?:\d{2})?${DATE}\d{4}$`);

/** Masks personnummer-like numbers in one string. */
export function redactPersonalIdentitiesInText(text: string): string {
  // Shorter strings cannot hold the 10-digit form; skipping them keeps keys and short values cheap.
  return text.length < 10 ? text : text.replace(IN_TEXT, PERSONAL_IDENTITY_MASK);
}

/**
 * Returns `value` with every personnummer-like number masked: in strings, object keys, integers
 * of 10 or 12 digits, and through plain objects, arrays and Errors (message, stack, cause and
 * other own properties; the copy keeps the Error's prototype so serializers still see an Error).
 *
 * Pure: the input is never changed, and parts with nothing to mask are returned as they are
 * (same reference), so a clean value costs one read-only pass. Instances of other classes are
 * returned as they are, without descending into them: they can be large graphs (a request, a
 * socket); the logger's final-line check covers what they print.
 */
export function redactPersonalIdentities(value: unknown): unknown {
  // Finished results, so shared sub-objects are scrubbed once (keeps DAGs linear).
  const done = new WeakMap<object, unknown>();
  // Objects on the current path; meeting one again is a cycle.
  const path = new Set<object>();

  const visit = (v: unknown): unknown => {
    switch (typeof v) {
      case 'string':
        return redactPersonalIdentitiesInText(v);
      case 'number':
        return Number.isInteger(v) && v >= 1e9 && WHOLE_NUMBER.test(String(v)) ? PERSONAL_IDENTITY_MASK : v;
      case 'bigint':
        return WHOLE_NUMBER.test(v.toString()) ? PERSONAL_IDENTITY_MASK : v;
      case 'object':
        if (v === null) return v;
        if (done.has(v)) return done.get(v);
        if (path.has(v)) return '[Circular]';
        path.add(v);
        try {
          const result = Array.isArray(v)
            ? visitArray(v)
            : v instanceof Error
              ? visitError(v)
              : isPlainObject(v)
                ? visitObject(v as Record<string, unknown>)
                : v;
          done.set(v, result);
          return result;
        } finally {
          path.delete(v);
        }
      default:
        return v;
    }
  };

  const visitArray = (array: readonly unknown[]): unknown => {
    let copy: unknown[] | undefined;
    for (let i = 0; i < array.length; i++) {
      const item = array[i];
      const scrubbed = visit(item);
      if (copy === undefined && scrubbed !== item) copy = array.slice(0, i);
      copy?.push(scrubbed);
    }
    return copy ?? array;
  };

  const visitObject = (object: Record<string, unknown>): unknown => {
    const keys = Object.keys(object);
    let copy: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const item = object[key];
      const scrubbed = visit(item);
      const scrubbedKey = redactPersonalIdentitiesInText(key);
      if (copy === undefined && (scrubbed !== item || scrubbedKey !== key)) {
        copy = {};
        for (let j = 0; j < i; j++) setOwn(copy, keys[j] as string, object[keys[j] as string]);
      }
      // Two masked keys collide on the same name; the later value wins, as in a JSON object.
      if (copy !== undefined) setOwn(copy, scrubbedKey, scrubbed);
    }
    return copy ?? object;
  };

  const visitError = (error: Error): unknown => {
    // Own names, not keys: message, stack, cause and AggregateError's errors are not enumerable.
    const names = Object.getOwnPropertyNames(error);
    const entries: { name: string; value: unknown; enumerable: boolean }[] = [];
    let changed = false;
    for (const name of names) {
      const item: unknown = (error as unknown as Record<string, unknown>)[name];
      const scrubbed = visit(item);
      const scrubbedName = redactPersonalIdentitiesInText(name);
      if (scrubbed !== item || scrubbedName !== name) changed = true;
      const enumerable = Object.getOwnPropertyDescriptor(error, name)?.enumerable ?? false;
      entries.push({ name: scrubbedName, value: scrubbed, enumerable });
    }
    if (!changed) return error;
    const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
    for (const { name, value: item, enumerable } of entries) {
      Object.defineProperty(copy, name, { value: item, enumerable, writable: true, configurable: true });
    }
    return copy;
  };

  return visit(value);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // A `__proto__` key from JSON.parse is data; plain assignment would change the prototype instead.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * The last line of defence, on the serialized JSON line. A match inside a JSON string becomes
 * the mask; a match in a number becomes the mask as a string, replacing the whole number token,
 * so the line stays valid JSON.
 */
export function redactPersonalIdentitiesInJsonLine(line: string): string {
  if (!IN_JSON_PROBE.test(line)) return line;
  let out = '';
  let copied = 0;
  let scanned = 0;
  let inString = false;
  for (const match of line.matchAll(IN_JSON)) {
    const at = match.index;
    for (let i = scanned; i < at; i++) {
      const c = line.charCodeAt(i);
      if (inString) {
        if (c === 0x5c) i++; // backslash: skip the escaped character
        else if (c === 0x22) inString = false;
      } else if (c === 0x22) inString = true;
    }
    let start = at;
    let end = at + match[0].length; // digits, separators: no quote or backslash to track
    scanned = end;
    if (inString) {
      out += line.slice(copied, start) + PERSONAL_IDENTITY_MASK;
    } else {
      while (start > copied && isNumberChar(line.charCodeAt(start - 1))) start--;
      while (end < line.length && isNumberChar(line.charCodeAt(end))) end++;
      scanned = end;
      out += line.slice(copied, start) + JSON.stringify(PERSONAL_IDENTITY_MASK);
    }
    copied = end;
  }
  return out + line.slice(copied);
}

// Characters of a JSON number token: digits, sign, decimal point, exponent.
const isNumberChar = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;

export interface LoggerOptions {
  /** A pino level name (trace, debug, info, warn, error, fatal) or `silent`. */
  readonly level: string;
  /** Where lines go; default standard output. */
  readonly destination?: pino.DestinationStream;
  /** One readable line per entry instead of JSON, for a developer's terminal. */
  readonly pretty?: boolean;
}

export function createLogger(options: LoggerOptions): pino.Logger {
  const known = Object.keys(pino.levels.values);
  if (options.level !== 'silent' && !known.includes(options.level)) {
    throw new JournalenError('CONFIG_INVALID', `log level "${options.level}" is not one of ${[...known, 'silent'].join(', ')}`, {
      field: 'level',
      reason: 'level',
    });
  }

  const settings: pino.LoggerOptions = {
    level: options.level,
    hooks: {
      logMethod(args, method) {
        // Top-level numbers stay numbers so `%d` prints digits rather than NaN; once formatted
        // into the message they are masked by streamWrite.
        const scrubbed = args.map((arg) => (typeof arg === 'number' || typeof arg === 'bigint' ? arg : redactPersonalIdentities(arg)));
        method.apply(this, scrubbed as Parameters<pino.LogFn>);
      },
      streamWrite: redactPersonalIdentitiesInJsonLine,
    },
    formatters: {
      bindings: (bindings) => redactPersonalIdentities(bindings) as pino.Bindings,
      log: (object) => redactPersonalIdentities(object) as Record<string, unknown>,
    },
  };

  const target = options.destination ?? (options.pretty ? process.stdout : undefined);
  const stream = options.pretty && target ? prettyStream(target) : target;
  const logger = stream ? pino(settings, stream) : pino(settings);

  // Children inherit these from the root through the prototype chain. pino types child() as
  // generic over custom levels; this logger defines none, hence the casts.
  const child = logger.child as unknown as ChildFn;
  const setBindings = logger.setBindings;
  const scrubbingChild: ChildFn = function (bindings, childOptions) {
    return child.call(this, redactPersonalIdentities(bindings) as pino.Bindings, childOptions && scrubChildOptions(childOptions));
  };
  logger.child = scrubbingChild as unknown as pino.Logger['child'];
  logger.setBindings = function (this: pino.Logger, bindings: pino.Bindings) {
    setBindings.call(this, redactPersonalIdentities(bindings) as pino.Bindings);
  };
  return logger;
}

type ChildFn = (this: pino.Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => pino.Logger;

function scrubChildOptions(options: pino.ChildLoggerOptions): pino.ChildLoggerOptions {
  const scrubbed: pino.ChildLoggerOptions = { ...options };
  if (options.msgPrefix !== undefined) scrubbed.msgPrefix = redactPersonalIdentitiesInText(options.msgPrefix);
  // A child's own log formatter replaces the parent's; keep scrubbing after it.
  const log = options.formatters?.log;
  const bindings = options.formatters?.bindings;
  if (options.formatters) {
    scrubbed.formatters = {
      ...options.formatters,
      log: (object) => redactPersonalIdentities(log ? log(object) : object) as object,
      ...(bindings && { bindings: (b: pino.Bindings) => redactPersonalIdentities(bindings(b)) as object }),
    };
  }
  return scrubbed;
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** Turns each JSON line into `HH:MM:SS.mmm LEVEL message {other fields}`, plus an error's stack. */
function prettyStream(target: pino.DestinationStream): pino.DestinationStream {
  return {
    write(line: string) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        target.write(line);
        return;
      }
      const { time, level, msg, pid: _pid, hostname: _hostname, err, ...rest } = entry;
      const when = typeof time === 'number' ? new Date(time).toISOString().slice(11, 23) : '';
      const label = (typeof level === 'number' && LEVEL_NAMES[level]) || String(level);
      let text = `${when} ${label.padEnd(5)} ${typeof msg === 'string' ? msg : ''}`;
      if (Object.keys(rest).length > 0) text += ` ${JSON.stringify(rest)}`;
      const stack = err && typeof err === 'object' && 'stack' in err ? err.stack : undefined;
      if (typeof stack === 'string') text += `\n  ${stack.replaceAll('\n', '\n  ')}`;
      target.write(`${text}\n`);
    },
  };
}
