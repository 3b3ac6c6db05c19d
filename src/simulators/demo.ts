import { parseArgs } from 'node:util';
import { CONTRACT_VERSIONS } from '../contracts/registry.js';
import { soapEnvelope } from '../contracts/soap.js';
import { ENGAGEMENT_INDEX_PATHS } from '../engagement-index/routes.js';
import { createPopulation, DEFAULT_POPULATION_SIZE, DEFAULT_SEED, SPECIAL_INDEXES, type SpecialCase } from './population.js';
import { startSimulators } from './server.js';

/**
 * Runs the source-system simulators by hand, until Ctrl-C:
 *
 *   npm run demo:simulators -- [--seed journalen] [--size 300] [--port 8401] [--ei http://127.0.0.1:3000]
 *
 * --port fixes the ports (port, port+1, ... in the order cosmic, melior, millennium, ncs-cross,
 * pmo, takecare, vas); --ei reports every system's engagements to an engagement index (the
 * service's base URL, or the full Update URL). It prints the systems, the special residents and a
 * curl command to try.
 */

function fail(message: string): never {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: DEFAULT_SEED },
    size: { type: 'string', default: String(DEFAULT_POPULATION_SIZE) },
    port: { type: 'string' },
    ei: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});

const size = Number(values.size);
if (!Number.isInteger(size) || size < 1) fail(`--size must be a positive integer, got ${values.size}`);
const basePort = values.port === undefined ? undefined : Number(values.port);
if (basePort !== undefined && (!Number.isInteger(basePort) || basePort < 1 || basePort > 65_528)) fail(`--port must be a port number, got ${values.port}`);
let updateUrl: string | undefined;
if (values.ei !== undefined) {
  let url: URL;
  try {
    url = new URL(values.ei);
  } catch {
    fail(`--ei must be a URL, got ${values.ei}`);
  }
  updateUrl = url.pathname === '/' || url.pathname === '' ? new URL(ENGAGEMENT_INDEX_PATHS.Update, url).href : url.href;
}

const population = createPopulation({ seed: values.seed, size });
const sims = await startSimulators({
  population,
  host: values.host,
  ...(basePort !== undefined ? { basePort } : {}),
  ...(updateUrl !== undefined ? { reportEngagementsTo: updateUrl } : {}),
});

const out = (line = '') => process.stdout.write(`${line}\n`);
out(`Population: seed ${String(population.seed)}, ${population.size} residents, records up to ${population.now.toISOString()}`);
out();
out('Source systems (POST a RIV-TA request to <base>/<Contract>/<major>):');
for (const s of sims.systems) out(`  ${s.name.padEnd(28)} ${s.logicalAddress.padEnd(24)} ${s.baseUrl}   regions ${s.regions.join(' ')}`);
out();
out(`Contracts: ${CONTRACT_VERSIONS.map((c) => `${c.contract}/${c.major}`).join(', ')}`);
out();
out('Special residents:');
for (const which of Object.keys(SPECIAL_INDEXES) as SpecialCase[]) {
  if (SPECIAL_INDEXES[which] >= population.size) continue;
  const r = population.special(which);
  out(`  ${which.padEnd(24)} ${r.personnummer}  ${r.givenName} ${r.familyName}, born ${r.birthDate}  systems: ${population.systemsOf(r.personnummer).join(', ')}`);
}
if (sims.engagements.messages > 0 || sims.engagements.failures.length > 0) {
  out();
  out(`Engagements: ${sims.engagements.engagements} in ${sims.engagements.messages} Update messages to ${updateUrl}`);
  for (const failure of sims.engagements.failures.slice(0, 5)) out(`  failed: ${failure}`);
}
const example = CONTRACT_VERSIONS.find((c) => c.contract === 'GetCareDocumentation') ?? CONTRACT_VERSIONS[0];
if (example) {
  const takecare = sims.system('takecare');
  const body = soapEnvelope(example.buildRequest({ patientId: '191212121212' }), { logicalAddress: takecare.logicalAddress });
  out();
  out('Try:');
  out(`  curl -s -H 'content-type: text/xml' --data '${body.replaceAll("'", "'\\''")}' ${takecare.endpointFor(example)}`);
}
out();
out('Ctrl-C stops.');

const stop = () => {
  void sims.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
