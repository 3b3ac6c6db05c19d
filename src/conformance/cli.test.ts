import { PassThrough, Readable } from 'node:stream';
import Value from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, main } from '../cli/main.js';
import { createPopulation, startSimulators, TOLVAN, type RunningSimulators } from '../testing/conformance-patients.js';
import { ConformanceReportSchema } from './report.js';

/** `journalen verify-producer`, in the style of src/cli/main.test.ts: in process, exit codes and streams. */

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough().on('data', (c) => out.push(String(c)));
  const stderr = new PassThrough().on('data', (c) => err.push(String(c)));
  const code = await main(args, { stdin: Readable.from(['']), stdout, stderr });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('journalen verify-producer', () => {
  let sims: RunningSimulators;
  beforeAll(async () => {
    sims = await startSimulators({ population: createPopulation({ size: 50 }) });
  });
  afterAll(async () => {
    await sims?.close();
  });
  const takecare = () => sims.system('takecare');
  const args = (...extra: string[]) => ['verify-producer', '--endpoint', takecare().baseUrl, '--path-template', '/{contract}/{major}', '--logical-address', takecare().logicalAddress, '--patient', '19121212-1212', ...extra];

  it('prints the JSON report, with the exit code of its verdict (the replay producer test shows a pass)', async () => {
    const r = await run(args('--contract', 'GetDiagnosis', '--contract', 'GetCareContacts'));
    const report = JSON.parse(r.stdout);
    expect(Value.Check(ConformanceReportSchema, report)).toBe(true);
    expect(r.code).toBe(report.ok ? EXIT.ok : EXIT.input);
    expect(report.summary.failed === 0 && report.summary.noData === 0).toBe(report.ok);
    expect(report).toMatchObject({ logicalAddress: takecare().logicalAddress, settings: { testResidents: 1, pathTemplate: '/{contract}/{major}' } });
    expect(report.contracts.map((c: { contract: string; major: string }) => `${c.contract} ${c.major}`)).toEqual(['GetDiagnosis 2', 'GetCareContacts 3', 'GetCareContacts 2']);
    expect(r.stdout).not.toContain(TOLVAN);
  });

  it('exits 1 and names the failed checks when the producer fails', async () => {
    await sims.setFault('takecare', { kind: 'soapFault' });
    try {
      const r = await run(args('--contract', 'GetDiagnosis'));
      expect(r.code).toBe(EXIT.input);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false });
      expect(r.stderr).toMatch(/^journalen: the producer failed \d+ checks: GetDiagnosis 2 result, /);
    } finally {
      await sims.setFault('takecare', null);
    }
  });

  it('prints the HTML report in Swedish or English', async () => {
    const sv = await run(args('--contract', 'GetAlertInformation', '--format', 'html'));
    expect(sv.stdout).toMatch(/^<!doctype html>\n<html lang="sv">/);
    expect(sv.stdout).toMatch(/<caption>GetAlertInformation 2: (godkänd|inte godkänd)<\/caption>/);
    const en = await run(args('--contract', 'GetAlertInformation', '--format', 'html', '--lang', 'en'));
    expect(en.stdout).toMatch(/<caption>GetAlertInformation 2: (passed|not passed)<\/caption>/);
  });

  it.each([
    [['verify-producer', '--logical-address', 'X'], /needs --endpoint/],
    [['verify-producer', '--endpoint', 'http://127.0.0.1:1'], /needs --logical-address/],
    [['verify-producer', '--endpoint', 'http://127.0.0.1:1', '--logical-address', 'X', 'extra'], /takes no positional arguments/],
    [['verify-producer', '--endpoint', 'not a url', '--logical-address', 'X'], /--endpoint must be an http or https URL/],
    [['verify-producer', '--endpoint', 'http://127.0.0.1:1', '--logical-address', 'X', '--contract', 'GetXray'], /--contract "GetXray" is not a contract; known: GetCareDocumentation/],
    [['verify-producer', '--endpoint', 'http://127.0.0.1:1', '--logical-address', 'X', '--format', 'pdf'], /--format must be json or html/],
    [['verify-producer', '--endpoint', 'http://127.0.0.1:1', '--logical-address', 'X', '--lang', 'de'], /--lang must be sv or en/],
    [['verify-producer', '--endpoint', 'http://127.0.0.1:1', '--logical-address', 'X', '--timeout-ms', '0'], /--timeout-ms must be a whole number/],
    [['verify-producer', '--bogus'], /Unknown option '--bogus'/],
  ])('exits 2 on the command line %j', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('exits 1 for a test resident id that is not one', async () => {
    const r = await run(['verify-producer', '--endpoint', 'http://127.0.0.1:1', '--logical-address', 'X', '--patient', '12345']);
    expect(r.code).toBe(EXIT.input);
    expect(r.stderr).toMatch(/testPatients\[0\]: must be 12 characters/);
  });

  it('is in the usage text', async () => {
    expect((await run(['help'])).stdout).toContain('verify-producer --endpoint <url> --logical-address <hsa-id> [--path-template <path>] [--contract <name>]...');
  });
});
