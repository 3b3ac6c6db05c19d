import { PassThrough, Readable } from 'node:stream';
import Value from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transport } from '../aggregation/source-call.js';
import { EXIT, main } from '../cli/main.js';
import { startReplayProducer, type ReplayProducer } from '../testing/replay-producer.js';
import { RIVTA_DIR } from '../testing/rivta.js';
import { ConformanceReportSchema, DEFAULT_TEST_PATIENTS, PERIOD_FIELDS, SIMULATOR_PATH_TEMPLATE, verifyProducer, type ConformanceReport, type VerifyProducerOptions } from './index.js';

/**
 * The suite against the official test data: a replay producer serving Inera's mock responses
 * (samples/<Contract>/official_mock_*) for the national test persons, filtering as the
 * specifications say, passes; an always-empty producer fails; a producer that ignores the period
 * filter on the specification's timestamps fails.
 */

let replay: ReplayProducer;
let empty: ReplayProducer;
beforeAll(async () => {
  [replay, empty] = await Promise.all([startReplayProducer({ rivtaDir: RIVTA_DIR }), startReplayProducer({ rivtaDir: RIVTA_DIR, empty: true })]);
});
afterAll(async () => {
  await Promise.all([replay?.close(), empty?.close()]);
});

const run = (producer: ReplayProducer, options: Partial<VerifyProducerOptions> = {}) =>
  verifyProducer({ endpoint: producer.baseUrl, pathTemplate: SIMULATOR_PATH_TEMPLATE, logicalAddress: producer.logicalAddress, contracts: ['GetDiagnosis', 'GetAlertInformation', 'GetCareDocumentation', 'GetLaboratoryOrderOutcome', 'GetReferralOutcome', 'GetImagingOutcome', 'GetMedicationHistory', 'GetVaccinationHistory'], rivtaDir: RIVTA_DIR, ...options });
/** Only the contract versions the official mocks cover (GetCareDocumentation 2.1 and GetLaboratoryOrderOutcome 3.1 have none). */
const served = (report: ConformanceReport) => report.contracts.filter((c) => replay.contracts.has(`${c.contract}/${c.major}`));

describe('verifyProducer against the official samples', () => {
  it('serves every contract version the mocks cover, from their own items', () => {
    expect([...replay.contracts.keys()].sort()).toEqual(
      ['GetAlertInformation/2', 'GetCareDocumentation/3', 'GetDiagnosis/2', 'GetImagingOutcome/1', 'GetLaboratoryOrderOutcome/4', 'GetMedicationHistory/2', 'GetReferralOutcome/3', 'GetVaccinationHistory/2'].sort(),
    );
    for (const c of replay.contracts.values()) expect(c.items.length, c.contract.contract).toBeGreaterThan(2);
    for (const key of replay.contracts.keys()) expect(PERIOD_FIELDS[key as keyof typeof PERIOD_FIELDS], key).toBeDefined();
  });

  it('passes every check of every contract version, with the national test persons by default', async () => {
    const report = await run(replay, { endpoint: Object.fromEntries([...replay.contracts.keys()].map((k) => [k, `${replay.baseUrl}/${k}`])), contracts: undefined });
    expect(Value.Check(ConformanceReportSchema, report)).toBe(true);
    const problems = report.contracts.flatMap((c) => c.checks.filter((k) => k.status !== 'pass' && k.skipReason !== 'notApplicable').map((k) => `${c.contract} ${c.major} ${k.id}: ${k.message}`));
    expect(problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.contracts).toHaveLength(8);
    expect(report.settings.testResidents).toBe(DEFAULT_TEST_PATIENTS.length);
    expect(report.summary).toMatchObject({ failed: 0, noData: 0 });
    expect(report.summary.passed).toBeGreaterThan(120);
    // The period check ran on the specification's timestamps, e.g. authorTime and signatureTime for referral outcomes.
    const referral = report.contracts.find((c) => c.contract === 'GetReferralOutcome')!.checks.find((k) => k.id === 'period')!;
    expect(referral.message).toMatch(/^on referralOutcomeHeader\.authorTime, referralOutcomeHeader\.signatureTime: \d{4}-\d{2}-\d{2} gave the \d+ items of that day, a period before them all gave none$/);
    const lab = report.contracts.find((c) => c.contract === 'GetLaboratoryOrderOutcome')!.checks.find((k) => k.id === 'period')!;
    expect(lab.message).toMatch(/^on accessControlHeader\.blockComparisonTime:/);
    for (const id of ['idKinds', 'careParties', 'approvedForPatient', 'encoding'] as const) {
      for (const c of report.contracts) expect(c.checks.find((k) => k.id === id)!.status, `${c.contract} ${id}`).toBe('pass');
    }
    expect(report.contracts.find((c) => c.contract === 'GetDiagnosis')!.checks.find((k) => k.id === 'careContact')!.status).toBe('pass');
    expect(report.contracts.find((c) => c.contract === 'GetMedicationHistory')!.checks.find((k) => k.id === 'careGiver')!.status).toBe('pass');
  }, 120_000);

  it('fails overall against a producer that answers every request with an empty valid answer: no data is never a pass', async () => {
    const report = await run(empty, { contracts: ['GetDiagnosis', 'GetReferralOutcome'] });
    expect(Value.Check(ConformanceReportSchema, report)).toBe(true);
    expect(report.ok).toBe(false);
    for (const c of report.contracts) {
      expect(c.ok).toBe(false);
      for (const id of ['items', 'patient', 'careParties', 'approvedForPatient', 'encoding', 'period', 'careUnit', 'careContact', 'sourceSystem'] as const) {
        expect(c.checks.find((k) => k.id === id), `${c.contract} ${id}`).toMatchObject({ status: 'skipped', skipReason: 'noData' });
      }
      // What can be judged without data is still judged.
      expect(c.checks.find((k) => k.id === 'unknownPatient')!.status).toBe('pass');
    }
    expect(report.summary.noData).toBeGreaterThan(10);
    expect(report.summary.passed).toBeLessThan(report.summary.passed + report.summary.noData);
  });

  it('fails the period check when the producer filters on another timestamp than the specification', async () => {
    // A producer that filters referral outcomes on documentTime instead of authorTime/signatureTime:
    // its answer for the asked day misses items, or holds items of other days.
    const onDocumentTime: Transport = async (url, init) => {
      const response = await fetch(url, init);
      const xml = await response.text();
      const day = /<datePeriod><c:start>(\d{8})<\/c:start><c:end>(\d{8})<\/c:end><\/datePeriod>/.exec(init.body);
      if (!day || !url.includes('GetReferralOutcome')) return new Response(xml, { status: response.status, headers: response.headers });
      const all = await (await fetch(url, { ...init, body: init.body.replace(/<datePeriod>.*?<\/datePeriod>/, '') })).text();
      const items = all.match(/<urn:referralOutcome>[\s\S]*?<\/urn:referralOutcome>/g) ?? [];
      const kept = items.filter((i) => (/documentTime>(\d{8})/.exec(i)?.[1] ?? '') >= day[1]! && (/documentTime>(\d{8})/.exec(i)?.[1] ?? '') <= day[2]!);
      const rebuilt = all.replace(/<urn:referralOutcome>[\s\S]*<\/urn:referralOutcome>/, kept.join(''));
      return new Response(rebuilt, { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } });
    };
    const report = await run(replay, { contracts: ['GetReferralOutcome'], transport: onDocumentTime });
    const period = report.contracts[0]!.checks.find((k) => k.id === 'period')!;
    expect(period.status).toBe('fail');
    expect(report.ok).toBe(false);
  });
});

describe('journalen verify-producer', () => {
  async function cli(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = new PassThrough().on('data', (c) => out.push(String(c)));
    const stderr = new PassThrough().on('data', (c) => err.push(String(c)));
    const code = await main(args, { stdin: Readable.from(['']), stdout, stderr });
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  it('--help prints the usage and exits 0', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await cli(['verify-producer', flag]);
      expect(r.code).toBe(EXIT.ok);
      expect(r.stdout).toMatch(/^Usage: journalen verify-producer --endpoint <url> --logical-address <hsa-id>/);
      expect(r.stdout).toContain('/vp/{domain}/{contract}/{major}/rivtabp21');
      expect(r.stdout).toContain('--cert <file> --key <file>');
      expect(r.stderr).toBe('');
    }
  });

  it('passes the replay producer (exit 0) and fails the always-empty one (exit 1, naming the checks without data)', async () => {
    const args = (p: ReplayProducer) => ['verify-producer', '--endpoint', p.baseUrl, '--path-template', 'simulator', '--logical-address', p.logicalAddress, '--contract', 'GetDiagnosis'];
    const ok = await cli(args(replay));
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(EXIT.ok);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, settings: { pathTemplate: SIMULATOR_PATH_TEMPLATE } });
    const bad = await cli(args(empty));
    expect(bad.code).toBe(EXIT.input);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false });
    expect(bad.stderr).toMatch(/^journalen: not passed: \d+ checks could not be run \(no data or nothing usable to check with\): GetDiagnosis 2 items, /);
  });

  it('builds the platform URLs by default and refuses TLS options without https', async () => {
    // The replay producer answers on the platform's paths too.
    const r = await cli(['verify-producer', '--endpoint', replay.baseUrl, '--logical-address', replay.logicalAddress, '--contract', 'GetDiagnosis', '--timeout-ms', '2000']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT.ok);
    expect(JSON.parse(r.stdout).contracts[0].url).toBe(`${replay.baseUrl}/vp/clinicalprocess/healthcond/description/GetDiagnosis/2/rivtabp21`);
    const elsewhere = await cli(['verify-producer', '--endpoint', replay.baseUrl, '--path-template', '/elsewhere/{contract}', '--logical-address', replay.logicalAddress, '--contract', 'GetDiagnosis', '--timeout-ms', '2000']);
    expect(elsewhere.code).toBe(EXIT.input);
    expect(JSON.parse(elsewhere.stdout).contracts[0].url).toBe(`${replay.baseUrl}/elsewhere/GetDiagnosis`);
    const tls = await cli(['verify-producer', '--endpoint', replay.baseUrl, '--logical-address', 'X', '--cert', 'a.pem', '--key', 'b.pem']);
    expect(tls.code).toBe(EXIT.usage);
    expect(tls.stderr).toMatch(/needs an https --endpoint/);
    const half = await cli(['verify-producer', '--endpoint', 'https://127.0.0.1:1', '--logical-address', 'X', '--cert', 'a.pem']);
    expect(half.stderr).toMatch(/--cert and --key go together/);
    const template = await cli(['verify-producer', '--endpoint', 'https://127.0.0.1:1', '--logical-address', 'X', '--path-template', 'vp/{x}']);
    expect(template.code).toBe(EXIT.usage);
    expect(template.stderr).toMatch(/--path-template "vp\/\{x\}" must start with \//);
  });
});
