import { parseArgs } from 'node:util';
import { disclose } from './disclose.js';
import { runVerifyProducer } from './verify-producer.js';
import { rivParse, rivRequest } from './riv.js';
import { runAdmin } from './admin.js';
import { verifyAuditChain } from '../audit/index.js';
import { CONTRACT_NAMES, type ContractName } from '../contracts/types.js';
import { loadConfig } from '../config/index.js';
import { openDatabase } from '../db/connection.js';
import { isJournalenError } from '../errors/index.js';

/**
 * The `journalen` command. Each subcommand is a thin shell over a library function; this file
 * only reads arguments and streams and turns errors into one line on stderr and an exit code.
 */

export interface CliIo {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Exit codes: 0 done, 1 the input was refused, 2 the command line was wrong, 70 an internal fault. */
export const EXIT = { ok: 0, input: 1, usage: 2, internal: 70 } as const;

const MAX_STDIN_BYTES = 64 * 1024 * 1024;

const USAGE = `Usage: journalen <command> [options]

Commands:
  disclose --region <SCB code> [--now <YYYY-MM-DD>] [--show-unsigned] [--hide-recent] [--lang sv|en]
      Reads a JSON array of record items on stdin and prints, for each, whether the region's
      disclosure rules show it now, from which date if later, and why.
  riv parse <file.xml | ->
      Reads a producer's RIV-TA SOAP response and prints its items in the canonical model:
      {"contract", "version", "items", "faults"}. A SOAP Fault gives contract null and the fault.
  riv request <Contract> --patient <personnummer> [--version <major>] [--logical-address <hsa-id>]
              [--care-unit <hsa-id>]... [--source-system <hsa-id>] [--from <YYYY-MM-DD>] [--to <YYYY-MM-DD>]
      Prints the SOAP request the service sends a producer for that contract.
  audit verify [--batch-size <n>]
      Checks the audit log's hash chain in the service's database (DATABASE_URL or DATA_DIR) and
      prints {"ok", "entries", "head"}, or the first broken entry (exit 1).
  verify-producer --endpoint <url> --logical-address <hsa-id> [--path-template <path>] [--contract <name>]...
                  [--patient <id>]... [--cert <file> --key <file> | --pfx <file>] [--passphrase <text>] [--ca <file>]
                  [--timeout-ms <n>] [--format json|html] [--lang sv|en]
      Runs the producer conformance suite ("Verifiering av tjänsteproducent") against a RIV-TA
      producer and prints the report (JSON by default). Exit 0 only when every check passes, 1
      when any fails or has no data to check with. "journalen verify-producer --help" tells more.
  admin grant --role operator|regional|auditor [--region <NN>] <personnummer>
  admin list [--show-identity]
  admin revoke [--role <role>] [--region <NN>] <personnummer>
      Gives, lists and takes away administrators' roles in the service's database, each change
      in the audit log. "journalen admin help" tells more.
  help
      Shows this text.
`;

class UsageError extends Error {}

async function readAll(stream: CliIo['stdin']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_STDIN_BYTES) throw new UsageError(`input is larger than ${MAX_STDIN_BYTES / 1024 / 1024} MiB`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function runDisclose(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      region: { type: 'string' },
      now: { type: 'string' },
      'show-unsigned': { type: 'boolean', default: false },
      'hide-recent': { type: 'boolean', default: false },
      lang: { type: 'string', default: 'sv' },
    },
  });
  if (values.region === undefined) throw new UsageError('disclose needs --region <SCB county code>, e.g. --region 05');
  if (values.lang !== 'sv' && values.lang !== 'en') throw new UsageError(`--lang must be sv or en, got ${JSON.stringify(values.lang)}`);
  if (io.stdin.isTTY) throw new UsageError('disclose reads a JSON array of items on stdin; pipe a file into it');
  const results = disclose(await readAll(io.stdin), {
    region: values.region,
    ...(values.now !== undefined ? { now: values.now } : {}),
    showUnsigned: values['show-unsigned'],
    hideRecent: values['hide-recent'],
    lang: values.lang,
  });
  io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  return EXIT.ok;
}

async function runRiv(args: string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      patient: { type: 'string' },
      version: { type: 'string' },
      'logical-address': { type: 'string' },
      'care-unit': { type: 'string', multiple: true },
      'source-system': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
    },
  });
  const [sub, arg, ...extra] = positionals;
  if (sub === 'parse') {
    if (arg === undefined || extra.length > 0) throw new UsageError('riv parse takes one file (or - for stdin): riv parse <file.xml>');
    const source = arg === '-' ? Buffer.from(await readAll(io.stdin)) : arg;
    io.stdout.write(`${JSON.stringify(await rivParse(source), null, 2)}\n`);
    return EXIT.ok;
  }
  if (sub === 'request') {
    if (arg === undefined || extra.length > 0) throw new UsageError('riv request takes one contract name: riv request <Contract> --patient <personnummer>');
    if (values.patient === undefined) throw new UsageError('riv request needs --patient <personnummer>');
    io.stdout.write(
      `${rivRequest({
        contract: arg,
        patient: values.patient,
        ...(values.version !== undefined ? { major: values.version } : {}),
        ...(values['logical-address'] !== undefined ? { logicalAddress: values['logical-address'] } : {}),
        ...(values['care-unit'] !== undefined ? { careUnits: values['care-unit'] } : {}),
        ...(values['source-system'] !== undefined ? { sourceSystem: values['source-system'] } : {}),
        ...(values.from !== undefined ? { from: values.from } : {}),
        ...(values.to !== undefined ? { to: values.to } : {}),
      })}\n`,
    );
    return EXIT.ok;
  }
  throw new UsageError(`riv needs a subcommand: riv parse <file.xml> or riv request <Contract>${sub ? ` (got ${JSON.stringify(sub)})` : ''}`);
}

async function runAudit(args: string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseArgs({ args, strict: true, allowPositionals: true, options: { 'batch-size': { type: 'string' } } });
  const [sub, ...extra] = positionals;
  if (sub !== 'verify' || extra.length > 0) {
    throw new UsageError(`audit needs a subcommand: audit verify [--batch-size <1-10000>]${sub && sub !== 'verify' ? ` (got ${JSON.stringify(sub)})` : ''}`);
  }
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  if (batchSize !== undefined && !(Number.isSafeInteger(batchSize) && batchSize >= 1 && batchSize <= 10_000)) {
    throw new UsageError('--batch-size must be a whole number from 1 to 10000');
  }
  // The service's own database settings (DATABASE_URL, else DATA_DIR), checked as at start.
  const config = loadConfig();
  const database = await openDatabase(config.databaseUrl !== undefined ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir });
  try {
    const report = await verifyAuditChain(database.db, batchSize === undefined ? {} : { batchSize });
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (report.ok) return EXIT.ok;
    io.stderr.write(`journalen: the audit chain is broken at entry ${report.firstBrokenSeq} (${report.reason}): ${report.message}\n`);
    return EXIT.input;
  } finally {
    await database.close();
  }
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'disclose':
        return await runDisclose(rest, io);
      case 'riv':
        return await runRiv(rest, io);
      case 'audit':
        return await runAudit(rest, io);
      case 'admin':
        return await runAdmin(rest, io);
      case 'verify-producer':
        return await runVerifyProducer(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}; try "journalen help"`);
    }
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: CliIo): number {
  const line = (message: string) => io.stderr.write(`journalen: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  if (isJournalenError(error)) {
    line(error.message);
    return EXIT.input;
  }
  // parseArgs reports unknown or malformed options with these codes.
  const code = (error as { code?: string }).code;
  if (error instanceof UsageError || code?.startsWith('ERR_PARSE_ARGS')) {
    line((error as Error).message);
    return EXIT.usage;
  }
  line(`internal error: ${(error as Error)?.message ?? String(error)}`);
  return EXIT.internal;
}
