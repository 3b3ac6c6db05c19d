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
} as const;

function read<T>(env: Env, name: keyof typeof VARIABLES, variable: Variable<T>): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return variable.fallback;
  const value = variable.parse(raw);
  if (value === undefined) {
    // A connection URL may hold a password: never echo it.
    const shown = name === 'DATABASE_URL' ? '' : `, got ${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 57)}...` : raw)}`;
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
  };
}
