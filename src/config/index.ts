import { JOURNALEN_HSA_ID } from '../engagement-index/engagement.js';
import { JournalenError } from '../errors/index.js';
import { templateProblem } from '../transport/addresses.js';

/** Inera's organisation number: the national aggregating services' logical address (AGP `agp.logicalAddress`). */
const NATIONAL_AGGREGATOR = '5565594230';

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
  /** Port of the platform-side listener (engagement index). 0 picks a free port. */
  readonly internalPort: number;
  /** Address of that listener: 127.0.0.1 by default; where producers or the national index must reach it, theirs to reach. */
  readonly internalHost: string;
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
  /**
   * Base URL of the national platform (VP, e.g. https://vp.example.se); every RIV-TA call goes to
   * `platformUrl + platformPathTemplate`, addressed by LogicalAddress. Unset in the demo: the
   * simulated services are called.
   */
  readonly platformUrl: string | undefined;
  /** demo: simulators, demo identity provider and demo administrators; production: the national services only. */
  readonly mode: 'demo' | 'production';
  /** The path of a contract below platformUrl; `{domain}`, `{contract}` and `{major}` are filled in. */
  readonly platformPathTemplate: string;
  /** This service's HSA-id: the consumer the platform authorizes (it is the function certificate's SERIALNUMBER). */
  readonly consumerHsaId: string;
  /** The national services' logical addresses (the LogicalAddress header of each call). */
  readonly logicalAddresses: {
    readonly aggregator: string;
    readonly personRegister: string | undefined;
    readonly hsaDirectory: string | undefined;
    readonly engagementIndex: string | undefined;
  };
  /**
   * Where "who holds information about P" comes from: our own index (kept by ProcessNotification
   * or Update) or the national one (FindContent). Default own in the demo, national in production.
   */
  readonly engagementIndex: 'own' | 'national';
  /** HSA-ids whose client certificates may send ProcessNotification to our index (the national engagement index). */
  readonly engagementIndexNotifiers: readonly string[];
  /** The function certificate for mutual TLS on every outbound call, and the CA bundle to trust. */
  readonly tls: TlsFiles | undefined;
  /** The internal listener's server certificate (default: the function certificate) and the CA its clients must chain to. */
  readonly internalTls: { readonly certFile?: string; readonly keyFile?: string; readonly clientCaFile?: string };
  readonly timeouts: {
    /** One source system, all its pages (direct mode). */
    readonly sourceMs: number;
    /** The whole fan-out, after which calls still running are abandoned. */
    readonly deadlineMs: number;
    /** One call to an aggregating service (platform mode). */
    readonly platformCallMs: number;
    /** What a resident waits at most: what arrived by then is shown, the rest is named as still answering. */
    readonly displayMs: number;
    /** One call to the person register or the HSA directory. */
    readonly nationalServiceMs: number;
    /** One FindContent call to the national engagement index (AGP's ei.receiveTimeout). */
    readonly engagementIndexMs: number;
  };
}

export interface TlsFiles {
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly pfxFile?: string;
  readonly passphrase?: string;
  readonly caFile?: string;
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

const hsaId: Variable<string | undefined> = {
  allowed: 'an HSA-id such as SE2321000016-1234 (country code, organisation number, dash, serial)',
  fallback: undefined,
  parse: (raw) => (/^SE[0-9]{10}-[0-9A-Za-z]{1,31}$/.test(raw) ? raw : undefined),
};

// A logical address is an HSA-id or, for the national services, an organisation number.
const logicalAddress: Variable<string | undefined> = {
  allowed: 'a logical address: an HSA-id (SE2321000016-1234) or an organisation number (5565594230)',
  fallback: undefined,
  parse: (raw) => (/^(SE[0-9]{10}-[0-9A-Za-z]{1,31}|[0-9]{10})$/.test(raw) ? raw : undefined),
};

const file: Variable<string | undefined> = {
  allowed: 'the path of a readable file',
  fallback: undefined,
  parse: (raw) => (raw.trim() === '' || raw.includes('\0') ? undefined : raw),
};

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
  INTERNAL_HOST: text('127.0.0.1', 'an address for the internal listener, e.g. 127.0.0.1 or 0.0.0.0'),
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
  JOURNALEN_MODE: oneOf(['demo', 'production'] as const, 'demo'),
  PLATFORM_PATH_TEMPLATE: {
    allowed: 'a path starting with / holding {contract}, with only {domain}, {contract} and {major} as placeholders',
    fallback: '/vp/{domain}/{contract}/{major}/rivtabp21',
    parse: (raw: string) => {
      if (!raw.startsWith('/') || !raw.includes('{contract}') || /\s/.test(raw)) return undefined;
      const unknown = [...raw.matchAll(/\{([^}]*)\}/g)].some((m) => !['domain', 'contract', 'major'].includes(m[1]!));
      return unknown || templateProblem(raw) !== undefined ? undefined : raw;
    },
  } as Variable<string>,
  CONSUMER_HSA_ID: hsaId,
  AGGREGATOR_LOGICAL_ADDRESS: logicalAddress,
  PERSON_REGISTER_LOGICAL_ADDRESS: logicalAddress,
  HSA_LOGICAL_ADDRESS: logicalAddress,
  ENGAGEMENT_INDEX_LOGICAL_ADDRESS: logicalAddress,
  ENGAGEMENT_INDEX: oneOf(['own', 'national'] as const, 'own'),
  ENGAGEMENT_INDEX_NOTIFIERS: {
    allowed: 'a comma-separated list of HSA-ids or organisation numbers (the national engagement index\'s certificate)',
    fallback: [] as readonly string[],
    parse: (raw: string) => {
      const ids = raw.split(',').map((id) => id.trim());
      return ids.every((id) => logicalAddress.parse(id) !== undefined) ? ids : undefined;
    },
  } as Variable<readonly string[]>,
  TLS_CERT_FILE: file,
  TLS_KEY_FILE: file,
  TLS_PFX_FILE: file,
  TLS_PFX_PASSPHRASE: { allowed: 'the passphrase of TLS_PFX_FILE', fallback: undefined, parse: (raw: string) => raw } as Variable<string | undefined>,
  TLS_CA_FILE: file,
  INTERNAL_TLS_CERT_FILE: file,
  INTERNAL_TLS_KEY_FILE: file,
  INTERNAL_TLS_CLIENT_CA_FILE: file,
  SOURCE_TIMEOUT_MS: integer(100, 120_000, 27_000),
  AGGREGATION_DEADLINE_MS: integer(100, 120_000, 28_000),
  PLATFORM_CALL_TIMEOUT_MS: integer(100, 120_000, 30_000),
  DISPLAY_DEADLINE_MS: integer(100, 120_000, 5_000),
  NATIONAL_SERVICE_TIMEOUT_MS: integer(100, 120_000, 10_000),
  ENGAGEMENT_INDEX_TIMEOUT_MS: integer(100, 120_000, 20_000),
} as const;

const SECRET_VARIABLES: readonly string[] = ['DATABASE_URL', 'OIDC_CLIENT_SECRET', 'SESSION_SECRET', 'TLS_PFX_PASSPHRASE'];

/** Problems found while reading; every one is reported, not just the first. */
class Problems {
  readonly lines: { field: string; message: string }[] = [];
  add(field: string, message: string): void {
    this.lines.push({ field, message });
  }
}

function read<T>(env: Env, name: keyof typeof VARIABLES, variable: Variable<T>, problems?: Problems): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return variable.fallback;
  const value = variable.parse(raw);
  if (value === undefined) {
    // A connection URL or a secret may hold a password: never echo it.
    const shown = SECRET_VARIABLES.includes(name) ? '' : `, got ${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 57)}...` : raw)}`;
    const message = `${name} must be ${variable.allowed}${shown}`;
    if (!problems) throw new JournalenError('CONFIG_INVALID', message, { field: name });
    problems.add(name, message);
    return variable.fallback;
  }
  return value;
}

/**
 * Reads and checks every variable. Every problem is collected, so a production start that lacks
 * five settings names all five (one line each) rather than the first; a single problem keeps
 * the one-line message it always had.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems = new Problems();
  const r = <T,>(name: keyof typeof VARIABLES, variable: Variable<T>) => read(env, name, variable, problems);
  const mode = r('JOURNALEN_MODE', VARIABLES.JOURNALEN_MODE);
  const port = r('PORT', VARIABLES.PORT);
  const config: Config = {
    port,
    host: r('HOST', VARIABLES.HOST),
    databaseUrl: r('DATABASE_URL', VARIABLES.DATABASE_URL),
    dataDir: r('DATA_DIR', VARIABLES.DATA_DIR),
    logLevel: r('LOG_LEVEL', VARIABLES.LOG_LEVEL),
    simulators: mode === 'demo' && r('SIMULATORS', VARIABLES.SIMULATORS) === 'on',
    populationSize: r('POPULATION_SIZE', VARIABLES.POPULATION_SIZE),
    populationSeed: r('POPULATION_SEED', VARIABLES.POPULATION_SEED),
    simulatorPort: r('SIMULATOR_PORT', VARIABLES.SIMULATOR_PORT),
    internalPort: r('INTERNAL_PORT', VARIABLES.INTERNAL_PORT),
    internalHost: r('INTERNAL_HOST', VARIABLES.INTERNAL_HOST),
    ...loginConfig(env, port, problems),
    aggregationMode: r('AGGREGATION_MODE', VARIABLES.AGGREGATION_MODE),
    platformUrl: r('PLATFORM_URL', VARIABLES.PLATFORM_URL),
    mode,
    platformPathTemplate: r('PLATFORM_PATH_TEMPLATE', VARIABLES.PLATFORM_PATH_TEMPLATE),
    consumerHsaId: r('CONSUMER_HSA_ID', VARIABLES.CONSUMER_HSA_ID) ?? JOURNALEN_HSA_ID,
    logicalAddresses: {
      aggregator: r('AGGREGATOR_LOGICAL_ADDRESS', VARIABLES.AGGREGATOR_LOGICAL_ADDRESS) ?? NATIONAL_AGGREGATOR,
      personRegister: r('PERSON_REGISTER_LOGICAL_ADDRESS', VARIABLES.PERSON_REGISTER_LOGICAL_ADDRESS),
      hsaDirectory: r('HSA_LOGICAL_ADDRESS', VARIABLES.HSA_LOGICAL_ADDRESS),
      engagementIndex: r('ENGAGEMENT_INDEX_LOGICAL_ADDRESS', VARIABLES.ENGAGEMENT_INDEX_LOGICAL_ADDRESS),
    },
    engagementIndex: env.ENGAGEMENT_INDEX === undefined || env.ENGAGEMENT_INDEX === '' ? (mode === 'production' ? 'national' : 'own') : r('ENGAGEMENT_INDEX', VARIABLES.ENGAGEMENT_INDEX),
    engagementIndexNotifiers: r('ENGAGEMENT_INDEX_NOTIFIERS', VARIABLES.ENGAGEMENT_INDEX_NOTIFIERS),
    tls: tlsFiles(env, problems),
    internalTls: {
      ...optional('certFile', r('INTERNAL_TLS_CERT_FILE', VARIABLES.INTERNAL_TLS_CERT_FILE)),
      ...optional('keyFile', r('INTERNAL_TLS_KEY_FILE', VARIABLES.INTERNAL_TLS_KEY_FILE)),
      ...optional('clientCaFile', r('INTERNAL_TLS_CLIENT_CA_FILE', VARIABLES.INTERNAL_TLS_CLIENT_CA_FILE)),
    },
    timeouts: {
      sourceMs: r('SOURCE_TIMEOUT_MS', VARIABLES.SOURCE_TIMEOUT_MS),
      deadlineMs: r('AGGREGATION_DEADLINE_MS', VARIABLES.AGGREGATION_DEADLINE_MS),
      platformCallMs: r('PLATFORM_CALL_TIMEOUT_MS', VARIABLES.PLATFORM_CALL_TIMEOUT_MS),
      displayMs: r('DISPLAY_DEADLINE_MS', VARIABLES.DISPLAY_DEADLINE_MS),
      nationalServiceMs: r('NATIONAL_SERVICE_TIMEOUT_MS', VARIABLES.NATIONAL_SERVICE_TIMEOUT_MS),
      engagementIndexMs: r('ENGAGEMENT_INDEX_TIMEOUT_MS', VARIABLES.ENGAGEMENT_INDEX_TIMEOUT_MS),
    },
  };
  if (config.timeouts.sourceMs > config.timeouts.deadlineMs) {
    problems.add('SOURCE_TIMEOUT_MS', `SOURCE_TIMEOUT_MS (${config.timeouts.sourceMs}) must not be longer than AGGREGATION_DEADLINE_MS (${config.timeouts.deadlineMs})`);
  }
  if (config.engagementIndex === 'national' && config.platformUrl === undefined && mode === 'demo') {
    problems.add('ENGAGEMENT_INDEX', 'ENGAGEMENT_INDEX=national needs PLATFORM_URL (the national engagement index is reached through the platform)');
  }
  if (mode === 'production') productionChecks(env, config, problems);
  if (problems.lines.length > 0) {
    throw new JournalenError('CONFIG_INVALID', problems.lines.map((p) => p.message).join('\n'), {
      field: problems.lines[0]!.field,
      problems: problems.lines,
    });
  }
  return config;
}

/**
 * Production runs only on the real national services: a register, a directory, an identity
 * provider, TLS material and a session secret must all be configured, and nothing of the demo
 * may be asked for. One line per missing setting.
 */
function productionChecks(env: Env, config: Config, problems: Problems): void {
  const missing = (name: string, why: string) => problems.add(name, `${name} must be set in production: ${why}`);
  if (config.platformUrl === undefined) missing('PLATFORM_URL', 'the national platform (VP) every RIV-TA call goes through');
  else if (!config.platformUrl.startsWith('https:')) problems.add('PLATFORM_URL', 'PLATFORM_URL must be https in production: the platform requires mutual TLS');
  if (env.CONSUMER_HSA_ID === undefined || env.CONSUMER_HSA_ID === '') missing('CONSUMER_HSA_ID', "this service's HSA-id, registered as consumer in the platform's TAK");
  if (config.logicalAddresses.personRegister === undefined) missing('PERSON_REGISTER_LOGICAL_ADDRESS', 'the population register (PU, GetPersonsForProfile) for guardians, protected identity and deaths');
  if (config.logicalAddresses.hsaDirectory === undefined) missing('HSA_LOGICAL_ADDRESS', 'the HSA directory for care providers and units');
  if (config.engagementIndex === 'national' && config.logicalAddresses.engagementIndex === undefined) {
    missing('ENGAGEMENT_INDEX_LOGICAL_ADDRESS', 'the national engagement index (FindContent), or ENGAGEMENT_INDEX=own');
  }
  if (config.tls === undefined || (config.tls.pfxFile === undefined && (config.tls.certFile === undefined || config.tls.keyFile === undefined))) {
    missing('TLS_CERT_FILE', 'the function certificate (with TLS_KEY_FILE), or TLS_PFX_FILE, for mutual TLS with the platform');
  }
  if (config.tls?.caFile === undefined) missing('TLS_CA_FILE', 'the CA bundle that the platform\'s and the internal clients\' certificates chain to');
  if (config.oidc === undefined) missing('OIDC_ISSUER', 'the e-ID broker (with OIDC_CLIENT_ID and OIDC_CLIENT_SECRET)');
  if (config.sessionSecret === undefined) missing('SESSION_SECRET', 'at least 32 characters, the same for every process');
  if (env.PUBLIC_URL === undefined || env.PUBLIC_URL === '') missing('PUBLIC_URL', 'the https origin residents use');
  else if (!config.publicUrl.startsWith('https:') && !/^http:\/\/(localhost|127\.0\.0\.1)(:|$)/.test(config.publicUrl)) {
    problems.add('PUBLIC_URL', 'PUBLIC_URL must be https in production');
  }
  if (env.SIMULATORS === 'on') problems.add('SIMULATORS', 'SIMULATORS=on is refused in production: the simulated source systems are the demo\'s');
}

function tlsFiles(env: Env, problems: Problems): TlsFiles | undefined {
  const r = <T,>(name: keyof typeof VARIABLES, variable: Variable<T>) => read(env, name, variable, problems);
  const files: TlsFiles = {
    ...optional('certFile', r('TLS_CERT_FILE', VARIABLES.TLS_CERT_FILE)),
    ...optional('keyFile', r('TLS_KEY_FILE', VARIABLES.TLS_KEY_FILE)),
    ...optional('pfxFile', r('TLS_PFX_FILE', VARIABLES.TLS_PFX_FILE)),
    ...optional('passphrase', r('TLS_PFX_PASSPHRASE', VARIABLES.TLS_PFX_PASSPHRASE)),
    ...optional('caFile', r('TLS_CA_FILE', VARIABLES.TLS_CA_FILE)),
  };
  if (files.pfxFile !== undefined && (files.certFile !== undefined || files.keyFile !== undefined)) {
    problems.add('TLS_PFX_FILE', 'TLS_PFX_FILE and TLS_CERT_FILE/TLS_KEY_FILE are two ways to give the certificate: set one of them');
  }
  if ((files.certFile === undefined) !== (files.keyFile === undefined)) {
    problems.add(files.certFile === undefined ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE', 'TLS_CERT_FILE and TLS_KEY_FILE go together');
  }
  return Object.keys(files).length === 0 ? undefined : files;
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

function loginConfig(env: Env, port: number, problems: Problems) {
  const r = <T,>(name: keyof typeof VARIABLES, variable: Variable<T>) => read(env, name, variable, problems);
  const issuer = r('OIDC_ISSUER', VARIABLES.OIDC_ISSUER);
  const clientSecret = r('OIDC_CLIENT_SECRET', VARIABLES.OIDC_CLIENT_SECRET);
  if (issuer !== undefined && clientSecret === undefined) {
    problems.add('OIDC_CLIENT_SECRET', 'OIDC_CLIENT_SECRET must be set when OIDC_ISSUER is');
  }
  return {
    publicUrl: r('PUBLIC_URL', VARIABLES.PUBLIC_URL) ?? `http://localhost:${port}`,
    oidc: issuer !== undefined && clientSecret !== undefined ? { issuer, clientId: r('OIDC_CLIENT_ID', VARIABLES.OIDC_CLIENT_ID), clientSecret } : undefined,
    demoIdpPort: r('DEMO_IDP_PORT', VARIABLES.DEMO_IDP_PORT),
    sessionSecret: r('SESSION_SECRET', VARIABLES.SESSION_SECRET),
    sessionIdleMinutes: r('SESSION_IDLE_MINUTES', VARIABLES.SESSION_IDLE_MINUTES),
    sessionAbsoluteHours: r('SESSION_ABSOLUTE_HOURS', VARIABLES.SESSION_ABSOLUTE_HOURS),
  };
}
