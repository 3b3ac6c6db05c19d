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
    expect(loadConfig({})).toEqual({
      port: 3000, host: 'localhost', databaseUrl: undefined, dataDir: 'data', logLevel: 'info',
      simulators: true, populationSize: 300, populationSeed: 'journalen', simulatorPort: 3101, internalPort: 3100,
    });
  });

  it('reads every variable', () => {
    expect(loadConfig({ PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u:p@db:5432/j', DATA_DIR: '/var/lib/journalen', LOG_LEVEL: 'debug', SIMULATORS: 'off', POPULATION_SIZE: '100000', POPULATION_SEED: 'x', SIMULATOR_PORT: '0', INTERNAL_PORT: '0' }))
      .toEqual({ port: 8080, host: '0.0.0.0', databaseUrl: 'postgres://u:p@db:5432/j', dataDir: '/var/lib/journalen', logLevel: 'debug', simulators: false, populationSize: 100000, populationSeed: 'x', simulatorPort: 0, internalPort: 0 });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 3000, databaseUrl: undefined });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer from 1 to 65535, got "abc"'],
    [{ PORT: '70000' }, 'PORT must be an integer from 1 to 65535, got "70000"'],
    [{ PORT: '80.5' }, 'PORT must be an integer from 1 to 65535, got "80.5"'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [{ SIMULATORS: 'yes' }, 'SIMULATORS must be one of on, off, got "yes"'],
    [{ POPULATION_SIZE: '400000' }, 'POPULATION_SIZE must be an integer from 1 to 365000, got "400000"'],
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
