import { describe, expect, it } from 'vitest';
import { isJournalenError } from '../errors/index.js';
import { loadConfig } from './index.js';

const fails = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (isJournalenError(error, 'CONFIG_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
};

describe('configuration', () => {
  it('has defaults that start the demo on port 3000 with the embedded database', () => {
    expect(loadConfig({})).toEqual({ port: 3000, host: 'localhost', databaseUrl: undefined, dataDir: 'data', logLevel: 'info' });
  });

  it('reads every variable', () => {
    expect(loadConfig({ PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u:p@db:5432/j', DATA_DIR: '/var/lib/journalen', LOG_LEVEL: 'debug' }))
      .toEqual({ port: 8080, host: '0.0.0.0', databaseUrl: 'postgres://u:p@db:5432/j', dataDir: '/var/lib/journalen', logLevel: 'debug' });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 3000, databaseUrl: undefined });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer from 1 to 65535, got "abc"'],
    [{ PORT: '70000' }, 'PORT must be an integer from 1 to 65535, got "70000"'],
    [{ PORT: '80.5' }, 'PORT must be an integer from 1 to 65535, got "80.5"'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [{ HOST: '   ' }, 'HOST must be a host name or IP address to listen on, e.g. localhost or 0.0.0.0, got "   "'],
  ])('refuses %j with one line naming the variable and what is allowed', (env, message) => {
    expect(fails(env)).toBe(message);
  });

  it('never repeats a database URL, which may hold a password', () => {
    const message = fails({ DATABASE_URL: 'mysql://admin:s3cret@db/journalen' });
    expect(message).toBe('DATABASE_URL must be a PostgreSQL connection URL such as postgres://user:password@host:5432/journalen');
    expect(message).not.toContain('s3cret');
  });
});
