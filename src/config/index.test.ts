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
      publicUrl: 'http://localhost:3000', oidc: undefined, demoIdpPort: 3090, sessionSecret: undefined,
      sessionIdleMinutes: 15, sessionAbsoluteHours: 8, aggregationMode: 'direct', platformUrl: undefined,
    });
  });

  it('reads every variable', () => {
    const secret = 's'.repeat(40);
    expect(loadConfig({
      PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u:p@db:5432/j', DATA_DIR: '/var/lib/journalen', LOG_LEVEL: 'debug', SIMULATORS: 'off', POPULATION_SIZE: '100000', POPULATION_SEED: 'x', SIMULATOR_PORT: '0', INTERNAL_PORT: '0',
      PUBLIC_URL: 'https://journalen.example.se', OIDC_ISSUER: 'https://broker.example.se', OIDC_CLIENT_ID: 'j', OIDC_CLIENT_SECRET: 'c', DEMO_IDP_PORT: '0',
      SESSION_SECRET: secret, SESSION_IDLE_MINUTES: '10', SESSION_ABSOLUTE_HOURS: '4', AGGREGATION_MODE: 'platform', PLATFORM_URL: 'https://agp.example.se/',
    })).toEqual({
      port: 8080, host: '0.0.0.0', databaseUrl: 'postgres://u:p@db:5432/j', dataDir: '/var/lib/journalen', logLevel: 'debug', simulators: false, populationSize: 100000, populationSeed: 'x', simulatorPort: 0, internalPort: 0,
      publicUrl: 'https://journalen.example.se', oidc: { issuer: 'https://broker.example.se', clientId: 'j', clientSecret: 'c' }, demoIdpPort: 0, sessionSecret: secret,
      sessionIdleMinutes: 10, sessionAbsoluteHours: 4, aggregationMode: 'platform', platformUrl: 'https://agp.example.se',
    });
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

  it('refuses a login configuration that cannot work, and never repeats a secret', () => {
    expect(fails({ OIDC_ISSUER: 'https://broker.example.se' })).toBe('OIDC_CLIENT_SECRET must be set when OIDC_ISSUER is');
    expect(fails({ OIDC_ISSUER: 'http://broker.example.se', OIDC_CLIENT_SECRET: 'c' })).toMatch(/^OIDC_ISSUER must be/);
    expect(fails({ PUBLIC_URL: 'https://journalen.example.se/app' })).toMatch(/^PUBLIC_URL must be/);
    const short = fails({ SESSION_SECRET: 'hunter2' });
    expect(short).toBe('SESSION_SECRET must be at least 32 characters');
    expect(short).not.toContain('hunter2');
  });

  it('never repeats a database URL, which may hold a password', () => {
    const message = fails({ DATABASE_URL: 'mysql://admin:s3cret@db/journalen' });
    expect(message).toBe('DATABASE_URL must be a PostgreSQL connection URL such as postgres://user:password@host:5432/journalen');
    expect(message).not.toContain('s3cret');
  });
});
