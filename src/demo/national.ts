import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/connection.js';
import { createLogger } from '../operations/logger.js';
import { seedRegistry } from '../registry/store.js';
import { TOLVAN } from '../simulators/population.js';
import { createTestPki } from '../testing/pki.js';
import { startDemoIdentityProvider } from '../identity-provider/index.js';
import { startSimulatedNationalPlatform } from './national-platform.js';
import { demoPersons } from './persons.js';

/**
 * A stand-in for the national infrastructure, for trying production mode on one machine, until
 * Ctrl-C:
 *
 *   npm run demo:national -- [--dir national-demo] [--port 8443] [--idp-port 3091] [--service-port 3000]
 *
 * It makes a throwaway CA and certificates (the platform's server certificate, and a function
 * certificate for Journalen with its HSA-id as SERIALNUMBER), serves the simulated national
 * platform (VP/AGP, the person register, the HSA directory, an engagement index and the seven
 * source systems) over mutual TLS, runs an OpenID provider standing in for the e-ID broker, and
 * writes `<dir>/production.env` with every setting a production start needs. Then:
 *
 *   set -a; . national-demo/production.env; set +a; npm start
 */

const CONSUMER = 'SE2321000016-JRNL';

function fail(message: string): never {
  process.stderr.write(`demo:national: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'national-demo' },
    port: { type: 'string', default: '8443' },
    'idp-port': { type: 'string', default: '3091' },
    'service-port': { type: 'string', default: '3000' },
    size: { type: 'string', default: '300' },
  },
});
const port = (name: string, raw: string) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) fail(`--${name} must be a port number, got ${raw}`);
  return n;
};
const platformPort = port('port', values.port);
const idpPort = port('idp-port', values['idp-port']);
const servicePort = port('service-port', values['service-port']);
const size = Number(values.size);
if (!Number.isInteger(size) || size < 1 || size > 365_000) fail(`--size must be an integer from 1 to 365000, got ${values.size}`);
const dir = resolve(values.dir);
mkdirSync(dir, { recursive: true });

const logger = createLogger({ level: 'warn' });
const pki = await createTestPki({ commonName: 'Journalen demo CA (throwaway)' });
const vp = await pki.issue({ commonName: 'localhost', usage: 'server' });
const journalen = await pki.issue({ commonName: 'Journalen', serialNumber: CONSUMER, usage: 'both' });
const files = pki.writeFiles(dir, 'journalen', journalen);

const database = await openDatabase({ inMemory: true, logger });
await seedRegistry(database.db);
const national = await startSimulatedNationalPlatform({
  database,
  logger,
  populationSize: size,
  populationSeed: 'journalen',
  consumers: [CONSUMER],
  platformPort,
  tls: { key: vp.keyPem, cert: vp.certPem, ca: pki.caPem },
});
const origin = `http://localhost:${servicePort}`;
const clientSecret = 'demo-broker-secret';
const idp = await startDemoIdentityProvider({
  port: idpPort,
  host: 'localhost',
  clients: [{ clientId: 'journalen', clientSecret, redirectUris: [`${origin}/auth/callback`], postLogoutRedirectUris: [`${origin}/utloggad`] }],
  persons: () => demoPersons(national.sources.population),
  logger,
});

const settings: Record<string, string> = {
  JOURNALEN_MODE: 'production',
  PORT: String(servicePort),
  PUBLIC_URL: origin,
  DATA_DIR: resolve(dir, 'data'),
  SESSION_SECRET: 'demo-national-session-secret-0123456789abcdef',
  OIDC_ISSUER: idp.issuer,
  OIDC_CLIENT_ID: 'journalen',
  OIDC_CLIENT_SECRET: clientSecret,
  PLATFORM_URL: national.platformUrl,
  PLATFORM_PATH_TEMPLATE: national.pathTemplate,
  CONSUMER_HSA_ID: CONSUMER,
  TLS_CERT_FILE: files.certFile,
  TLS_KEY_FILE: files.keyFile,
  TLS_CA_FILE: files.caFile,
  AGGREGATION_MODE: 'direct',
  AGGREGATOR_LOGICAL_ADDRESS: national.logicalAddresses.aggregator,
  PERSON_REGISTER_LOGICAL_ADDRESS: national.logicalAddresses.personRegister,
  HSA_LOGICAL_ADDRESS: national.logicalAddresses.hsaDirectory,
  ENGAGEMENT_INDEX: 'national',
  ENGAGEMENT_INDEX_LOGICAL_ADDRESS: national.logicalAddresses.engagementIndex,
};
const envFile = resolve(dir, 'production.env');
writeFileSync(envFile, `${Object.entries(settings).map(([k, v]) => `${k}=${v}`).join('\n')}\n`, { mode: 0o600 });

const out = (line = '') => process.stdout.write(`${line}\n`);
out(`Simulated national platform (mutual TLS): ${national.platformUrl}`);
out(`  person register ${national.logicalAddresses.personRegister}, HSA ${national.logicalAddresses.hsaDirectory}, engagement index ${national.logicalAddresses.engagementIndex}, aggregating services ${national.logicalAddresses.aggregator}`);
out(`e-ID broker (OpenID Connect): ${idp.issuer}`);
out(`Certificates (throwaway CA): ${dir}`);
out();
out(`Settings for Journalen in production mode: ${envFile}`);
out('In another terminal:');
out(`  set -a; . ${envFile}; set +a; npm start`);
out(`then open ${origin}/min-journal and log in as Tolvan Tolvansson (${TOLVAN.slice(0, 8)}-${TOLVAN.slice(8)}). AGGREGATION_MODE=platform in the file uses the aggregating services instead.`);
out('Ctrl-C stops.');

let stopping = false;
const stop = async () => {
  if (stopping) process.exit(130);
  stopping = true;
  await idp.close();
  await national.close();
  await database.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
