/**
 * One error vocabulary for the whole service, in the manner of Fastify's coded errors: every
 * failure that crosses a module boundary is a JournalenError with a stable `code` that API
 * clients, the CLI and tests can rely on. Messages are for people and may change; codes may not.
 */

export const ErrorCodes = {
  CONFIG_INVALID: { status: 500, title: 'Invalid configuration' },
  INPUT_INVALID: { status: 400, title: 'Invalid input' },
  IDENTIFIER_INVALID: { status: 400, title: 'Invalid identifier' },
  REGION_UNKNOWN: { status: 404, title: 'Unknown region' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  UNAUTHENTICATED: { status: 401, title: 'Not logged in' },
  SESSION_EXPIRED: { status: 401, title: 'Session expired' },
  FORBIDDEN: { status: 403, title: 'Not allowed' },
  CSRF_INVALID: { status: 403, title: 'Form expired or forged' },
  CONFLICT: { status: 409, title: 'Conflict' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  LOGIN_FAILED: { status: 502, title: 'Login failed' },
  OVERLOADED: { status: 503, title: 'Service overloaded' },
  DATABASE_UNAVAILABLE: { status: 503, title: 'Database unavailable' },
  /** The national population register (PU) did not answer: access is refused, never guessed. */
  REGISTER_UNAVAILABLE: { status: 503, title: 'Population register unavailable' },
  /** The HSA directory did not answer for a care unit or provider that is not yet known. */
  DIRECTORY_UNAVAILABLE: { status: 503, title: 'Care directory unavailable' },
  INTERNAL: { status: 500, title: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export interface ErrorDetails {
  /** Where in the input the problem is, e.g. `items[3].time` or `PORT`. */
  readonly field?: string;
  readonly [key: string]: unknown;
}

export class JournalenError extends Error {
  override readonly name = 'JournalenError';
  readonly code: `JOURNALEN_${ErrorCode}`;
  readonly statusCode: number;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = `JOURNALEN_${code}`;
    this.statusCode = ErrorCodes[code].status;
    this.details = details;
  }

  /** The one shape errors take on the wire (API responses, CLI JSON). */
  toJSON(): { code: string; message: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isJournalenError(value: unknown, code?: ErrorCode): value is JournalenError {
  return value instanceof JournalenError && (code === undefined || value.code === `JOURNALEN_${code}`);
}

export const inputInvalid = (field: string, message: string, details: Omit<ErrorDetails, 'field'> = {}) =>
  new JournalenError('INPUT_INVALID', `${field}: ${message}`, { ...details, field });
