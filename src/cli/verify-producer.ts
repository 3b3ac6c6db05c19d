import { parseArgs } from 'node:util';
import {
  createRivTransport,
  DEFAULT_TEST_PATIENTS,
  loadTlsMaterial,
  PLATFORM_PATH_TEMPLATE,
  renderReportHtml,
  SIMULATOR_PATH_TEMPLATE,
  templateProblem,
  verifyProducer,
  type TlsFileSettings,
  type TlsMaterial,
  type TlsSettingNames,
} from '../conformance/index.js';
import { CONTRACT_NAMES, type ContractName } from '../contracts/types.js';
import { isJournalenError, JournalenError } from '../errors/index.js';
import { EXIT, type CliIo } from './main.js';

/**
 * `journalen verify-producer`: the producer conformance suite from the command line, against a
 * producer's test environment (over mutual TLS with --cert/--key or --pfx) or our simulators.
 * Usage errors are answered here (exit 2); errors of the suite's options reach main (exit 1).
 */

export const VERIFY_PRODUCER_USAGE = `Usage: journalen verify-producer --endpoint <url> --logical-address <hsa-id> [options]

Runs the producer conformance suite ("Verifiering av tjänsteproducent": the automatable checks of
Inera's official test suites) against a RIV-TA producer and prints the report (JSON by default).

  --endpoint <url>           base URL of the producer or of the platform (http or https)
  --logical-address <hsa-id> the producer's logical address, sent in the LogicalAddress header
  --path-template <path>     path of a contract below the endpoint; placeholders {domain},
                             {contract}, {major}. Default the national platform's
                             ${PLATFORM_PATH_TEMPLATE}
                             ("simulator" is short for ${SIMULATOR_PATH_TEMPLATE}, our simulators' form)
  --contract <name>          a contract to check (every major version of it); repeatable.
                             Default every contract: ${CONTRACT_NAMES.join(', ')}
  --patient <id>             a test resident the producer has records for; repeatable. Default the
                             national test persons of the official test suites (${DEFAULT_TEST_PATIENTS.join(', ')})
  --cert <file> --key <file> client certificate and key (PEM) for mutual TLS
  --pfx <file>               the same as one PKCS#12 file; --passphrase <text> opens it (or the key)
  --ca <file>                CA bundle (PEM) the producer's certificate must chain to
  --timeout-ms <n>           abandon a call after n ms (default 30000; the response time limit is 27000)
  --format json|html         the report as JSON (default) or a standalone HTML page
  --lang sv|en               language of the HTML report (default sv)
  -h, --help                 this text

A check with nothing to check (no records for the test residents) is "skipped (no data)" and is
never a pass. Exit 0 only when every check passes (or does not apply to the contract), 1 when
any fails or could not be run, 2 for a wrong command line.
`;

class VerifyUsageError extends Error {}

/** The options the TLS files came from, named in loadTlsMaterial's messages. */
const TLS_OPTION_NAMES: TlsSettingNames = { certFile: '--cert', keyFile: '--key', pfxFile: '--pfx', passphrase: '--passphrase', caFile: '--ca' };

/**
 * The client certificate and CA, read and checked before any call (a wrong file is one clear
 * line, not an OpenSSL message per check). A file that cannot be used is wrong input (exit 1).
 */
function clientTls(files: TlsFileSettings): TlsMaterial {
  try {
    return loadTlsMaterial(files, { names: TLS_OPTION_NAMES });
  } catch (error) {
    if (isJournalenError(error, 'CONFIG_INVALID')) throw new JournalenError('INPUT_INVALID', error.message, error.details);
    throw error;
  }
}

const options = {
  endpoint: { type: 'string' },
  'logical-address': { type: 'string' },
  'path-template': { type: 'string' },
  contract: { type: 'string', multiple: true },
  patient: { type: 'string', multiple: true },
  cert: { type: 'string' },
  key: { type: 'string' },
  pfx: { type: 'string' },
  passphrase: { type: 'string' },
  ca: { type: 'string' },
  'timeout-ms': { type: 'string' },
  // Kept so that old scripts still run: data is now always required.
  'require-data': { type: 'boolean', default: false },
  format: { type: 'string', default: 'json' },
  lang: { type: 'string', default: 'sv' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function runVerifyProducer(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseUsage(args);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (error instanceof VerifyUsageError || code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`journalen: ${(error as Error).message.replace(/\s*\n\s*/g, ' ')}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  if (parsed === 'help') {
    io.stdout.write(VERIFY_PRODUCER_USAGE);
    return EXIT.ok;
  }
  const { values, contracts, timeoutMs, tls, pathTemplate } = parsed;
  // Without TLS options the global fetch is enough (http, or https with Node's default roots).
  const transport = tls === undefined ? undefined : createRivTransport({ tls: clientTls(tls) });
  let report;
  try {
    report = await verifyProducer({
      endpoint: values.endpoint!,
      logicalAddress: values['logical-address']!,
      ...(pathTemplate !== undefined ? { pathTemplate } : {}),
      ...(contracts.length > 0 ? { contracts: contracts as ContractName[] } : {}),
      // Written as people write them (19121212-1212); the producer gets the 12 characters.
      ...(values.patient !== undefined ? { testPatients: values.patient.map((p) => p.replace(/[-+]/, '')) } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs, maxResponseMs: Math.min(timeoutMs, 27_000) } : {}),
      ...(transport !== undefined ? { transport } : {}),
    });
  } finally {
    await transport?.close();
  }
  io.stdout.write(values.format === 'html' ? renderReportHtml(report, values.lang as 'sv' | 'en') : `${JSON.stringify(report, null, 2)}\n`);
  if (report.ok) return EXIT.ok;
  const named = (status: 'fail' | 'skipped') =>
    report.contracts.flatMap((c) => c.checks.filter((k) => k.status === status && (status === 'fail' || k.skipReason !== 'notApplicable')).map((k) => `${c.contract} ${c.major} ${k.id}`));
  const failed = named('fail');
  const unchecked = named('skipped');
  const list = (names: string[]) => `${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}`;
  io.stderr.write(
    failed.length > 0
      ? `journalen: the producer failed ${failed.length} checks: ${list(failed)}${unchecked.length > 0 ? `; ${unchecked.length} more could not be run` : ''}\n`
      : `journalen: not passed: ${unchecked.length} checks could not be run (no data or nothing usable to check with): ${list(unchecked)}\n`,
  );
  return EXIT.input;
}

function parseUsage(args: string[]) {
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options });
  if (values.help) return 'help' as const;
  if (positionals.length > 0) throw new VerifyUsageError(`verify-producer takes no positional arguments (got ${JSON.stringify(positionals[0])})`);
  if (values.endpoint === undefined) throw new VerifyUsageError('verify-producer needs --endpoint <url>, e.g. --endpoint https://test.esb.ntjp.se (see verify-producer --help)');
  if (!URL.canParse(values.endpoint) || !/^https?:$/.test(new URL(values.endpoint).protocol)) throw new VerifyUsageError(`--endpoint must be an http or https URL, got ${JSON.stringify(values.endpoint)}`);
  if (values['logical-address'] === undefined) throw new VerifyUsageError('verify-producer needs --logical-address <hsa-id> of the producer');
  const contracts = values.contract ?? [];
  for (const name of contracts) {
    if (!(CONTRACT_NAMES as readonly string[]).includes(name)) throw new VerifyUsageError(`--contract ${JSON.stringify(name)} is not a contract; known: ${CONTRACT_NAMES.join(', ')}`);
  }
  if (values.format !== 'json' && values.format !== 'html') throw new VerifyUsageError(`--format must be json or html, got ${JSON.stringify(values.format)}`);
  if (values.lang !== 'sv' && values.lang !== 'en') throw new VerifyUsageError(`--lang must be sv or en, got ${JSON.stringify(values.lang)}`);
  const timeoutMs = values['timeout-ms'] === undefined ? undefined : Number(values['timeout-ms']);
  if (timeoutMs !== undefined && !(Number.isSafeInteger(timeoutMs) && timeoutMs >= 1 && timeoutMs <= 600_000)) throw new VerifyUsageError('--timeout-ms must be a whole number from 1 to 600000');
  const tlsGiven = ['cert', 'key', 'pfx', 'passphrase', 'ca'].some((k) => values[k as 'cert'] !== undefined);
  if (values.pfx !== undefined && (values.cert !== undefined || values.key !== undefined)) throw new VerifyUsageError('give either --pfx or --cert with --key, not both');
  if ((values.cert === undefined) !== (values.key === undefined)) throw new VerifyUsageError('--cert and --key go together');
  if (tlsGiven && new URL(values.endpoint).protocol !== 'https:') throw new VerifyUsageError('a client certificate (--cert, --pfx, --ca) needs an https --endpoint');
  const tls: TlsFileSettings | undefined = tlsGiven
    ? {
        ...(values.cert !== undefined ? { certFile: values.cert } : {}),
        ...(values.key !== undefined ? { keyFile: values.key } : {}),
        ...(values.pfx !== undefined ? { pfxFile: values.pfx } : {}),
        ...(values.passphrase !== undefined ? { passphrase: values.passphrase } : {}),
        ...(values.ca !== undefined ? { caFile: values.ca } : {}),
      }
    : undefined;
  const pathTemplate = values['path-template'] === 'simulator' ? SIMULATOR_PATH_TEMPLATE : values['path-template'];
  const wrongTemplate = pathTemplate === undefined ? undefined : templateProblem(pathTemplate);
  if (wrongTemplate !== undefined) throw new VerifyUsageError(`--path-template ${JSON.stringify(pathTemplate)} ${wrongTemplate}`);
  return { values, contracts, timeoutMs, tls, pathTemplate };
}
