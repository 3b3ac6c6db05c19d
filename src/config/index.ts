import { JournalenError } from '../errors/index.js';

/**
 * Typed configuration from environment variables, read once at start. A bad value stops the
 * start with one line naming the variable and what is allowed; nothing reads process.env
 * anywhere else.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  readonly port: number;
  readonly host: string;
  /** PostgreSQL when set; otherwise the embedded PGlite database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  /** Start the simulated source systems with the service (the demo). */
  readonly simulators: boolean;
  readonly populationSize: number;
  readonly populationSeed: string;
  /** Port of the platform-side listener (engagement index); always on 127.0.0.1. 0 picks a free port. */
  readonly internalPort: number;
  /** First port of the seven simulators (port, port+1, ...); 0 for ports the system picks. */
  readonly simulatorPort: number;
  /** The address residents use, for the login callback and cookie security; default http://localhost:PORT. */
  readonly publicUrl: string;
  /** The OpenID Connect e-ID broker; unset: the demo identity provider is started on `demoIdpPort`. */
  readonly oidc: { readonly issuer: string; readonly clientId: string; readonly clientSecret: string } | undefined;
  readonly demoIdpPort: number;
  /** Signs cookies and CSRF tokens; unset: a random one per start (sessions end at a restart). */
  readonly sessionSecret: string | undefined;
  readonly sessionIdleMinutes: number;
  readonly sessionAbsoluteHours: number;
  /** direct: engagement index, routing and one call per source; platform: the national aggregating services. */
  readonly aggregationMode: 'direct' | 'platform';
  /** Base URL of the aggregating services (platform mode); unset in the demo: a simulated platform is started. */
  readonly platformUrl: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

interface Variable<T> {
  readonly allowed: string;
  readonly fallback: T;
  readonly parse: (raw: string) => T | undefined;
}

const integer = (min: number, max: number, fallback: number): Variable<number> => ({
  allowed: `an integer from ${min} to ${max}`,
  fallback,
  parse: (raw) => {
    if (!/^\d+$/.test(raw)) return undefined;
    const n = Number(raw);
    return n >= min && n <= max ? n : undefined;
  },
});

const oneOf = <T extends string>(values: readonly T[], fallback: T): Variable<T> => ({
  allowed: `one of ${values.join(', ')}`,
  fallback,
  parse: (raw) => (values as readonly string[]).includes(raw) ? (raw as T) : undefined,
});

const postgresUrl: Variable<string | undefined> = {
  allowed: 'a PostgreSQL connection URL such as postgres://user:password@host:5432/journalen',
  fallback: undefined,
  parse: (raw) => {
    try {
      const url = new URL(raw);
      return url.protocol === 'postgres:' || url.protocol === 'postgresql:' ? raw : undefined;
    } catch {
      return undefined;
    }
  },
};

const text = (fallback: string, allowed: string): Variable<string> => ({
  allowed,
  fallback,
  parse: (raw) => (raw.trim() === '' || raw.includes('\0') ? undefined : raw),
});

const VARIABLES = {
  PORT: integer(1, 65535, 3000),
  HOST: text('localhost', 'a host name or IP address to listen on, e.g. localhost or 0.0.0.0'),
  DATABASE_URL: postgresUrl,
  DATA_DIR: text('data', 'a folder path for the embedded database'),
  LOG_LEVEL: oneOf(LOG_LEVELS, 'info'),
  SIMULATORS: oneOf(['on', 'off'] as const, 'on'),
  // The population generator encodes a resident's index in the birth date and number: 365 000 at most.
  POPULATION_SIZE: integer(1, 365_000, 300),
  POPULATION_SEED: text('journalen', 'a non-empty seed for the synthetic population'),
  SIMULATOR_PORT: integer(0, 65_528, 3101),
  INTERNAL_PORT: integer(0, 65_535, 3100),
  PUBLIC_URL: {
    allowed: 'an http(s) origin such as https://journalen.example.se, without a path',
    fallback: undefined,
    parse: (raw: string) => {
      try {
        const url = new URL(raw);
        return (url.protocol === 'http:' || url.protocol === 'https:') && (url.pathname === '/' || url.pathname === '') && !url.search ? url.origin : undefined;
      } catch {
        return undefined;
      }
    },
  } as Variable<string | undefined>,
  OIDC_ISSUER: {
    allowed: 'the e-ID broker\'s issuer URL (https, or http on localhost)',
    fallback: undefined,
    parse: (raw: string) => {
      try {
        const url = new URL(raw);
        return url.protocol === 'https:' || (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) ? raw : undefined;
      } catch {
        return undefined;
      }
    },
  } as Variable<string | undefined>,
  OIDC_CLIENT_ID: text('journalen', 'the client id registered at the e-ID broker'),
  OIDC_CLIENT_SECRET: { allowed: 'the client secret registered at the e-ID broker', fallback: undefined, parse: (raw: string) => (raw.trim() === '' ? undefined : raw) } as Variable<string | undefined>,
  DEMO_IDP_PORT: integer(0, 65_535, 3090),
  SESSION_SECRET: { allowed: 'at least 32 characters', fallback: undefined, parse: (raw: string) => (raw.length >= 32 ? raw : undefined) } as Variable<string | undefined>,
  SESSION_IDLE_MINUTES: integer(1, 120, 15),
  SESSION_ABSOLUTE_HOURS: integer(1, 24, 8),
  AGGREGATION_MODE: oneOf(['direct', 'platform'] as const, 'direct'),
  PLATFORM_URL: {
    allowed: 'the base URL of the national aggregating services, e.g. https://agp.example.se',
    fallback: undefined,
    parse: (raw: string) => {
      try {
        const url = new URL(raw);
        return url.protocol === 'http:' || url.protocol === 'https:' ? raw.replace(/\/+$/, '') : undefined;
      } catch {
        return undefined;
      }
    },
  } as Variable<string | undefined>,
} as const;

const SECRET_VARIABLES: readonly string[] = ['DATABASE_URL', 'OIDC_CLIENT_SECRET', 'SESSION_SECRET'];

function read<T>(env: Env, name: keyof typeof VARIABLES, variable: Variable<T>): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return variable.fallback;
  const value = variable.parse(raw);
  if (value === undefined) {
    // A connection URL or a secret may hold a password: never echo it.
    const shown = SECRET_VARIABLES.includes(name) ? '' : `, got ${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 57)}...` : raw)}`;
    throw new JournalenError('CONFIG_INVALID', `${name} must be ${variable.allowed}${shown}`, { field: name });
  }
  return value;
}

export function loadConfig(env: Env = process.env): Config {
  return {
    port: read(env, 'PORT', VARIABLES.PORT),
    host: read(env, 'HOST', VARIABLES.HOST),
    databaseUrl: read(env, 'DATABASE_URL', VARIABLES.DATABASE_URL),
    dataDir: read(env, 'DATA_DIR', VARIABLES.DATA_DIR),
    logLevel: read(env, 'LOG_LEVEL', VARIABLES.LOG_LEVEL),
    simulators: read(env, 'SIMULATORS', VARIABLES.SIMULATORS) === 'on',
    populationSize: read(env, 'POPULATION_SIZE', VARIABLES.POPULATION_SIZE),
    populationSeed: read(env, 'POPULATION_SEED', VARIABLES.POPULATION_SEED),
    simulatorPort: read(env, 'SIMULATOR_PORT', VARIABLES.SIMULATOR_PORT),
    internalPort: read(env, 'INTERNAL_PORT', VARIABLES.INTERNAL_PORT),
    ...loginConfig(env),
    aggregationMode: read(env, 'AGGREGATION_MODE', VARIABLES.AGGREGATION_MODE),
    platformUrl: read(env, 'PLATFORM_URL', VARIABLES.PLATFORM_URL),
  };
}

function loginConfig(env: Env) {
  const port = read(env, 'PORT', VARIABLES.PORT);
  const issuer = read(env, 'OIDC_ISSUER', VARIABLES.OIDC_ISSUER);
  const clientSecret = read(env, 'OIDC_CLIENT_SECRET', VARIABLES.OIDC_CLIENT_SECRET);
  if (issuer !== undefined && clientSecret === undefined) {
    throw new JournalenError('CONFIG_INVALID', 'OIDC_CLIENT_SECRET must be set when OIDC_ISSUER is', { field: 'OIDC_CLIENT_SECRET' });
  }
  return {
    publicUrl: read(env, 'PUBLIC_URL', VARIABLES.PUBLIC_URL) ?? `http://localhost:${port}`,
    oidc: issuer !== undefined && clientSecret !== undefined ? { issuer, clientId: read(env, 'OIDC_CLIENT_ID', VARIABLES.OIDC_CLIENT_ID), clientSecret } : undefined,
    demoIdpPort: read(env, 'DEMO_IDP_PORT', VARIABLES.DEMO_IDP_PORT),
    sessionSecret: read(env, 'SESSION_SECRET', VARIABLES.SESSION_SECRET),
    sessionIdleMinutes: read(env, 'SESSION_IDLE_MINUTES', VARIABLES.SESSION_IDLE_MINUTES),
    sessionAbsoluteHours: read(env, 'SESSION_ABSOLUTE_HOURS', VARIABLES.SESSION_ABSOLUTE_HOURS),
  };
}
