import { DrizzleQueryError } from 'drizzle-orm';
import { isJournalenError, JournalenError } from '../errors/index.js';

/**
 * Turns a database failure in the audit module into a JournalenError that is safe to log.
 *
 * drizzle's DrizzleQueryError puts the query's parameters in its message, and the driver's error
 * may carry the failing row in `detail`: both would put personnummer and names in the process
 * logs. So only the driver's SQLSTATE and, where it cannot quote a value, its message are kept.
 */
export function auditDatabaseFailure(error: unknown, doing: string): JournalenError {
  if (isJournalenError(error)) return error;
  const driverError = error instanceof DrizzleQueryError ? error.cause : error;
  const sqlstate = sqlstateOf(driverError);
  // Class 22 (data exception) and 23 (integrity constraint) mean the database refused this entry,
  // not that it is unreachable: a fault in our code, and their messages may quote the value.
  if (sqlstate !== undefined && (sqlstate.startsWith('22') || sqlstate.startsWith('23'))) {
    const constraint = (driverError as { constraint?: unknown }).constraint;
    return new JournalenError('INTERNAL', `${doing}: the database refused it (SQLSTATE ${sqlstate})`, {
      sqlstate,
      ...(typeof constraint === 'string' ? { constraint } : {}),
    });
  }
  const message = driverError instanceof Error ? driverError.message || driverError.name : String(driverError);
  return new JournalenError(
    'DATABASE_UNAVAILABLE',
    `${doing}: ${message}`,
    sqlstate === undefined ? {} : { sqlstate },
    // The unwrapped driver error only: without the query parameters the wrapper holds.
    driverError instanceof Error ? { cause: driverError } : undefined,
  );
}

function sqlstateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
