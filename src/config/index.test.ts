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
      simulators: true, populationSize: 300, populationSeed: 'journalen', simulatorPort: 3101, internalPort: 3100, internalHost: '127.0.0.1',
      publicUrl: 'http://localhost:3000', oidc: undefined, demoIdpPort: 3090, sessionSecret: undefined,
      sessionIdleMinutes: 15, sessionAbsoluteHours: 8, aggregationMode: 'direct', platformUrl: undefined,
      mode: 'demo', platformPathTemplate: '/vp/{domain}/{contract}/{major}/rivtabp21', consumerHsaId: 'SE5565594230-BDK',
      logicalAddresses: { aggregator: '5565594230', personRegister: undefined, hsaDirectory: undefined, engagementIndex: undefined },
      engagementIndex: 'own', engagementIndexNotifiers: [], tls: undefined, internalTls: {},
      timeouts: { sourceMs: 27_000, deadlineMs: 28_000, platformCallMs: 30_000, displayMs: 5_000, nationalServiceMs: 10_000, engagementIndexMs: 20_000 },
    });
  });

  it('reads every variable', () => {
    const secret = 's'.repeat(40);
    expect(loadConfig({
      PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u:p@db:5432/j', DATA_DIR: '/var/lib/journalen', LOG_LEVEL: 'debug', SIMULATORS: 'off', POPULATION_SIZE: '100000', POPULATION_SEED: 'x', SIMULATOR_PORT: '0', INTERNAL_PORT: '0',
      PUBLIC_URL: 'https://journalen.example.se', OIDC_ISSUER: 'https://broker.example.se', OIDC_CLIENT_ID: 'j', OIDC_CLIENT_SECRET: 'c', DEMO_IDP_PORT: '0',
      SESSION_SECRET: secret, SESSION_IDLE_MINUTES: '10', SESSION_ABSOLUTE_HOURS: '4', AGGREGATION_MODE: 'platform', PLATFORM_URL: 'https://agp.example.se/',
    })).toMatchObject({
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

  it('reads the national services, certificates and timeouts', () => {
    expect(loadConfig({
      PLATFORM_PATH_TEMPLATE: '/{contract}/{major}', CONSUMER_HSA_ID: 'SE2321000016-JRNL', AGGREGATOR_LOGICAL_ADDRESS: '5565594230',
      PERSON_REGISTER_LOGICAL_ADDRESS: '5565594230', HSA_LOGICAL_ADDRESS: 'SE2321000016-HSA1', ENGAGEMENT_INDEX_LOGICAL_ADDRESS: '5565594230',
      ENGAGEMENT_INDEX: 'own', ENGAGEMENT_INDEX_NOTIFIERS: '5565594230, SE2321000016-EI01', TLS_PFX_FILE: '/run/secrets/journalen.p12', TLS_PFX_PASSPHRASE: 'pw', TLS_CA_FILE: '/etc/ssl/siths.pem',
      SOURCE_TIMEOUT_MS: '20000', AGGREGATION_DEADLINE_MS: '25000', DISPLAY_DEADLINE_MS: '4000',
    })).toMatchObject({
      platformPathTemplate: '/{contract}/{major}', consumerHsaId: 'SE2321000016-JRNL',
      logicalAddresses: { aggregator: '5565594230', personRegister: '5565594230', hsaDirectory: 'SE2321000016-HSA1', engagementIndex: '5565594230' },
      engagementIndexNotifiers: ['5565594230', 'SE2321000016-EI01'],
      tls: { pfxFile: '/run/secrets/journalen.p12', passphrase: 'pw', caFile: '/etc/ssl/siths.pem' },
      timeouts: { sourceMs: 20_000, deadlineMs: 25_000, displayMs: 4_000 },
    });
  });

  it.each([
    [{ PLATFORM_PATH_TEMPLATE: 'vp/{contract}' }, /^PLATFORM_PATH_TEMPLATE must be a path starting with \//],
    [{ PLATFORM_PATH_TEMPLATE: '/vp/{service}/{major}' }, /^PLATFORM_PATH_TEMPLATE must be/],
    [{ PLATFORM_PATH_TEMPLATE: '/vp/{contract}?x=1' }, /^PLATFORM_PATH_TEMPLATE must be/],
    [{ CONSUMER_HSA_ID: 'journalen' }, /^CONSUMER_HSA_ID must be an HSA-id/],
    [{ HSA_LOGICAL_ADDRESS: '12 34' }, /^HSA_LOGICAL_ADDRESS must be a logical address/],
    [{ ENGAGEMENT_INDEX_NOTIFIERS: '5565594230,,x' }, /^ENGAGEMENT_INDEX_NOTIFIERS must be a comma-separated list/],
    [{ TLS_CERT_FILE: '/a.pem' }, /^TLS_CERT_FILE and TLS_KEY_FILE go together$/],
    [{ TLS_PFX_FILE: '/a.p12', TLS_CERT_FILE: '/a.pem', TLS_KEY_FILE: '/a.key' }, /^TLS_PFX_FILE and TLS_CERT_FILE\/TLS_KEY_FILE are two ways/],
    [{ SOURCE_TIMEOUT_MS: '30000', AGGREGATION_DEADLINE_MS: '20000' }, /^SOURCE_TIMEOUT_MS \(30000\) must not be longer/],
  ])('refuses %j', (env, message) => {
    expect(fails(env)).toMatch(message);
  });

  it('names every problem, one line each, not only the first', () => {
    const message = fails({ PORT: 'abc', LOG_LEVEL: 'loud' });
    expect(message.split('\n')).toEqual(['PORT must be an integer from 1 to 65535, got "abc"', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"']);
  });

  it('in production with nothing configured, names every missing setting', () => {
    const lines = fails({ JOURNALEN_MODE: 'production' }).split('\n');
    const names = lines.map((l) => l.split(' ')[0]);
    expect(names).toEqual([
      'PLATFORM_URL', 'CONSUMER_HSA_ID', 'PERSON_REGISTER_LOGICAL_ADDRESS', 'HSA_LOGICAL_ADDRESS', 'ENGAGEMENT_INDEX_LOGICAL_ADDRESS', 'TLS_CERT_FILE', 'TLS_CA_FILE',
      'OIDC_ISSUER', 'SESSION_SECRET', 'PUBLIC_URL',
    ]);
    for (const line of lines) expect(line).toMatch(/^[A-Z_]+ must be set in production: .{10,}/);
  });

  const production = {
    JOURNALEN_MODE: 'production', PLATFORM_URL: 'https://vp.example.se', CONSUMER_HSA_ID: 'SE2321000016-JRNL',
    PERSON_REGISTER_LOGICAL_ADDRESS: '5565594230', HSA_LOGICAL_ADDRESS: 'SE2321000016-HSA1', ENGAGEMENT_INDEX: 'national',
    ENGAGEMENT_INDEX_LOGICAL_ADDRESS: '5565594230', TLS_CERT_FILE: '/c.pem', TLS_KEY_FILE: '/k.pem', TLS_CA_FILE: '/ca.pem',
    OIDC_ISSUER: 'https://broker.example.se', OIDC_CLIENT_SECRET: 'c', SESSION_SECRET: 's'.repeat(32), PUBLIC_URL: 'https://journalen.example.se',
  };

  it('asks the national engagement index in production unless told otherwise', () => {
    const { ENGAGEMENT_INDEX: _national, ENGAGEMENT_INDEX_LOGICAL_ADDRESS: _address, ...rest } = production;
    expect(fails(rest)).toMatch(/^ENGAGEMENT_INDEX_LOGICAL_ADDRESS must be set in production/);
    expect(loadConfig({ ...rest, ENGAGEMENT_INDEX: 'own' }).engagementIndex).toBe('own');
  });

  it('accepts a complete production configuration and never starts the demo parts', () => {
    expect(loadConfig(production)).toMatchObject({ mode: 'production', simulators: false, engagementIndex: 'national', oidc: { issuer: 'https://broker.example.se' } });
  });

  it.each([
    [{ SIMULATORS: 'on' }, /^SIMULATORS=on is refused in production/],
    [{ PLATFORM_URL: 'http://vp.example.se' }, /^PLATFORM_URL must be https in production/],
    [{ PUBLIC_URL: 'http://journalen.example.se' }, /^PUBLIC_URL must be https in production/],
    [{ ENGAGEMENT_INDEX_LOGICAL_ADDRESS: '' }, /^ENGAGEMENT_INDEX_LOGICAL_ADDRESS must be set in production/],
  ])('refuses production with %j', (change, message) => {
    expect(fails({ ...production, ...change })).toMatch(message);
  });
});
