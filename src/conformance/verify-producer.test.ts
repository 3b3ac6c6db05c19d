import Value from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transport } from '../aggregation/source-call.js';
import { isJournalenError } from '../errors/index.js';
import { createPopulation, startSimulators, TOLVAN, type RunningSimulators, type SimulatorFault } from '../testing/conformance-patients.js';
import { simulatorTestPatients } from '../testing/conformance-patients.js';
import { RIVTA_DIR } from '../testing/rivta.js';
import {
  CHECK_IDS,
  ConformanceReportSchema,
  DEFAULT_UNKNOWN_PATIENT,
  renderReportHtml,
  SIMULATOR_PATH_TEMPLATE,
  verifyProducer,
  type CheckId,
  type ConformanceReport,
  type VerifyProducerOptions,
} from './index.js';

/**
 * The suite against our own simulators: each of the seven fails no check; each fault mode
 * fails the check it should while the other checks still report. Small pages, so that paging
 * is really followed.
 */

const NOW = new Date('2026-11-23T10:00:00+01:00');
const population = createPopulation({ now: NOW });
const defaultTestPatients = (now: Date) => simulatorTestPatients(population, now);
let sims: RunningSimulators;

beforeAll(async () => {
  sims = await startSimulators({ population, now: () => NOW, pageSize: 10 });
});
afterAll(async () => {
  await sims?.close();
});

const cosmic = () => sims.system('cosmic');
const run = (options: Partial<VerifyProducerOptions> = {}) =>
  verifyProducer({ endpoint: cosmic().baseUrl, pathTemplate: SIMULATOR_PATH_TEMPLATE, logicalAddress: cosmic().logicalAddress, rivtaDir: RIVTA_DIR, now: () => NOW, testPatients: defaultTestPatients(NOW), ...options });

const statusOf = (report: ConformanceReport, id: CheckId, contract = 0) => report.contracts[contract]!.checks.find((c) => c.id === id)!;
const statuses = (report: ConformanceReport) => Object.fromEntries(report.contracts[0]!.checks.map((c) => [c.id, c.status]));

/** No identity number of anyone asked about may appear anywhere in the report. */
function expectNoPersonnummer(report: ConformanceReport, patients: readonly string[]) {
  const json = JSON.stringify(report);
  for (const p of [...patients, DEFAULT_UNKNOWN_PATIENT]) expect(json).not.toContain(p);
  expect(json).not.toMatch(/\b(19|20)\d{6}-?\d{4}\b/);
}

/**
 * Checks our simulators once failed (issue 10), fixed in src/simulators/request.ts: GetCareContacts
 * 2 honours careContactId (test case 1.5 CareContact); GetCareDocumentation 2 filters the period on
 * documentTime, authorTime and signatureTime (test case 1.2.1); GetMedicationHistory 2 on the
 * instants prescriber/accountable authorTime, startOfTreatment, endOfTreatment (testsuite_2.2
 * 1.2.1), not the whole treatment. Each must pass for real wherever there is data.
 */
const FORMER_SIMULATOR_GAPS = ['GetCareContacts 2 careContact', 'GetCareDocumentation 2 period', 'GetMedicationHistory 2 period'] as const;

describe('verifyProducer against the simulators', () => {
  const passedGaps = new Set<string>();
  const patients = defaultTestPatients(NOW);

  it('picks Tolvan and residents with records, and an unknown resident the population does not have', () => {
    expect(patients[0]).toBe(TOLVAN);
    expect(patients.length).toBeGreaterThan(2);
    expect(population.residentByPersonnummer(DEFAULT_UNKNOWN_PATIENT)).toBeUndefined();
  });

  it.each(['cosmic', 'melior', 'millennium', 'ncs-cross', 'pmo', 'takecare', 'vas'] as const)('%s fails no check of any contract; only missing data is unchecked', async (id) => {
    const system = sims.system(id);
    const report = await verifyProducer({ endpoint: system.baseUrl, pathTemplate: SIMULATOR_PATH_TEMPLATE, logicalAddress: system.logicalAddress, rivtaDir: RIVTA_DIR, now: () => NOW, testPatients: patients });
    expect(Value.Check(ConformanceReportSchema, report)).toBe(true);
    const problems = report.contracts.flatMap((c) =>
      c.checks.filter((k) => k.status === 'fail' || k.skipReason === 'unavailable').map((k) => `${c.contract} ${c.major} ${k.id}: ${k.message}`),
    );
    expect(problems).toEqual([]);
    // A contract is passed exactly when nothing in it was left unchecked for want of data.
    for (const c of report.contracts) expect(c.ok, `${c.contract} ${c.major}`).toBe(c.checks.every((k) => k.skipReason !== 'noData' && k.status !== 'fail'));
    expect(report.ok).toBe(report.summary.noData === 0 && report.summary.failed === 0);
    for (const c of report.contracts) {
      expect(c.checks.map((k) => k.id)).toEqual([...CHECK_IDS]);
      // What must be checked for real is checked for real: the answer itself, never skipped.
      for (const k of ['soap', 'schema', 'result', 'idKinds', 'unknownPatient', 'badRequest', 'responseTime'] as const) {
        expect(c.checks.find((x) => x.id === k)!.status, `${c.contract} ${c.major} ${k}`).toBe('pass');
      }
      // Items are read for real wherever the simulator holds any for the test residents.
      const items = c.checks.find((x) => x.id === 'items')!;
      expect(items.status === 'pass' || items.skipReason === 'noData', `${c.contract} ${c.major} items`).toBe(true);
      expect(c.responseTimes.calls).toBeGreaterThan(patients.length);
    }
    // Every system has notes and care contacts for the test residents: the filters were really tried.
    const gcc = report.contracts.find((c) => c.contract === 'GetCareContacts' && c.major === '3')!;
    expect(gcc.checks.filter((k) => ['period', 'careUnit', 'sourceSystem'].includes(k.id)).map((k) => k.status)).toEqual(['pass', 'pass', 'pass']);
    for (const name of FORMER_SIMULATOR_GAPS) {
      const [contract, major, id] = name.split(' ');
      const k = report.contracts.find((c) => c.contract === contract && c.major === major)!.checks.find((x) => x.id === id)!;
      expect(k.status === 'pass' || k.skipReason === 'noData', `${name}: ${k.message}`).toBe(true);
      if (k.status === 'pass') passedGaps.add(name);
    }
    expectNoPersonnummer(report, patients);
  });

  it('really checked each check the simulators once failed, in some system', () => {
    // Runs after the seven systems above (vitest keeps the order within a file).
    expect([...passedGaps].sort()).toEqual([...FORMER_SIMULATOR_GAPS].sort());
  });

  it('follows GetCareDocumentation 3 pages to the end', async () => {
    const report = await run({ contracts: ['GetCareDocumentation'] });
    const gcd3 = report.contracts.find((c) => c.major === '3')!;
    expect(gcd3.checks.find((c) => c.id === 'paging')).toMatchObject({ status: 'pass', message: expect.stringMatching(/followed hasMore to the end, no duplicates \(test resident \d+: \d+ pages/) });
    expect(report.contracts.find((c) => c.major === '2')!.checks.find((c) => c.id === 'paging')).toMatchObject({ status: 'skipped', skipReason: 'notApplicable' });
  });
});

describe('each fault mode fails the check it should', () => {
  const one = { contracts: ['GetDiagnosis'] as const, testPatients: [TOLVAN] };
  const withFault = async (fault: SimulatorFault, options: Partial<VerifyProducerOptions> = {}) => {
    await sims.setFault('cosmic', fault);
    try {
      const report = await run({ ...one, contracts: [...one.contracts], ...options });
      expect(Value.Check(ConformanceReportSchema, report)).toBe(true);
      // The other checks still report: every check has a result with a message.
      expect(report.contracts[0]!.checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
      for (const c of report.contracts[0]!.checks) expect(c.message).not.toBe('');
      expect(report.ok).toBe(false);
      expectNoPersonnummer(report, [TOLVAN]);
      return report;
    } finally {
      await sims.setFault('cosmic', null);
    }
  };

  it('slow: the response time check, and nothing else', async () => {
    const report = await withFault({ kind: 'slow', delayMs: 300 }, { maxResponseMs: 150, timeoutMs: 5000 });
    expect(statusOf(report, 'responseTime')).toMatchObject({ status: 'fail', message: expect.stringMatching(/slower than the limit of 150 ms/) });
    const others = report.contracts[0]!.checks.filter((c) => c.id !== 'responseTime');
    expect(others.filter((c) => c.status === 'fail')).toEqual([]);
  });

  it('timeout: no answer is a failure of reachability and response time, not a hang', async () => {
    const started = performance.now();
    const report = await withFault({ kind: 'timeout' }, { timeoutMs: 300 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(statusOf(report, 'soap')).toMatchObject({ status: 'fail', message: expect.stringContaining('no answer within 300 ms') });
    expect(statusOf(report, 'responseTime')).toMatchObject({ status: 'fail', message: expect.stringMatching(/got no answer within 300 ms/) });
    expect(statusOf(report, 'badRequest').status).toBe('fail');
    expect(statusOf(report, 'schema')).toMatchObject({ status: 'skipped', skipReason: 'unavailable' });
  });

  it('down: the connection is refused', async () => {
    const report = await withFault({ kind: 'down' });
    expect(statusOf(report, 'soap')).toMatchObject({ status: 'fail', message: expect.stringMatching(/^test resident 1: connection failed \(\w+\)/) });
    expect(statuses(report)).toMatchObject({ unknownPatient: 'fail', badRequest: 'fail', result: 'skipped', items: 'skipped' });
  });

  it('http500: a plain-text error is not a SOAP answer', async () => {
    const report = await withFault({ kind: 'http500' });
    expect(statusOf(report, 'soap')).toMatchObject({ status: 'fail', message: expect.stringMatching(/HTTP 500 text\/plain/) });
    expect(statusOf(report, 'badRequest')).toMatchObject({ status: 'fail', message: expect.stringMatching(/expected a SOAP Fault or result ERROR/) });
  });

  it('soapFault: SOAP 1.1, but a fault instead of the result', async () => {
    const report = await withFault({ kind: 'soapFault' });
    expect(statuses(report)).toMatchObject({ soap: 'pass', result: 'fail', badRequest: 'pass', unknownPatient: 'fail' });
    expect(statusOf(report, 'result').message).toMatch(/a SOAP Fault soapenv:Server \(HTTP 500\): .*simulated producer failure/);
  });

  it('malformedXml: an answer cut in half', async () => {
    const report = await withFault({ kind: 'malformedXml' });
    expect(statusOf(report, 'soap')).toMatchObject({ status: 'fail', message: expect.stringMatching(/XML is malformed/) });
    expect(statusOf(report, 'badRequest').status).toBe('pass');
  });

  it('oversized: an answer over the size cap is not read', async () => {
    const report = await withFault({ kind: 'oversized', bytes: 400_000 }, { maxResponseBytes: 200_000 });
    expect(statusOf(report, 'soap')).toMatchObject({ status: 'fail', message: expect.stringMatching(/at most 200000 are read|larger than 200000 bytes/) });
  });

  it('otherPatient: items about someone else', async () => {
    const report = await withFault({ kind: 'otherPatient' });
    expect(statuses(report)).toMatchObject({ soap: 'pass', schema: 'pass', result: 'pass', items: 'pass', patient: 'fail' });
    expect(statusOf(report, 'patient').message).toMatch(/^test resident 1: \d+ of \d+ items are about another resident$/);
  });
});

describe('producers that ignore the rules, through the transport', () => {
  /** A transport that rewrites each request before the simulator sees it: a producer that ignores part of it. */
  const rewriting = (rewrite: (body: string) => string): Transport => (url, init) => fetch(url, { ...init, body: rewrite(init.body) });
  const gcc = { contracts: ['GetCareContacts' as const], testPatients: [TOLVAN] };
  const only = (report: ConformanceReport, major: string) => Object.fromEntries(report.contracts.find((c) => c.major === major)!.checks.map((c) => [c.id, c.status]));

  it('fails the period, care unit and source system checks when the filters are ignored', async () => {
    const report = await run({
      ...gcc,
      transport: rewriting((b) => b.replace(/<(timePeriod|datePeriod)>.*?<\/\1>/, '').replace(/<careUnitHSAId>.*?<\/careUnitHSAId>/g, '').replace(/<sourceSystemHSAId>.*?<\/sourceSystemHSAId>/, '')),
    });
    expect(only(report, '3')).toMatchObject({ period: 'fail', careUnit: 'fail', sourceSystem: 'fail', soap: 'pass', items: 'pass' });
    const c3 = report.contracts.find((c) => c.major === '3')!;
    expect(c3.checks.find((c) => c.id === 'period')!.message).toMatch(/asked for \d{4}-\d{2}-\d{2}: \d+ of \d+ items have none of the filtered timestamps on that day/);
    expect(c3.checks.find((c) => c.id === 'sourceSystem')!.message).toMatch(/asked for another source system \(SE0000000000-CONFORMANCE\): answered \d+ items/);
  });

  it('fails the bad request check when a malformed patient id gets data', async () => {
    const report = await run({ ...gcc, transport: rewriting((b) => b.replace('0000-INVALID', TOLVAN)) });
    expect(only(report, '3').badRequest).toBe('fail');
    expect(report.contracts[0]!.checks.find((c) => c.id === 'badRequest')!.message).toMatch(/malformed patient id: answered result OK with \d+ items/);
  });

  it('fails the paging check when a later page repeats items', async () => {
    // Someone with more notes in Cosmic than fit one page.
    const many = defaultTestPatients(NOW).find((p) => population.itemsFor(p, 'cosmic', 'note').filter((i) => i.time <= NOW).length > 15)!;
    const report = await run({
      contracts: ['GetCareDocumentation'],
      testPatients: [many],
      transport: rewriting((b) => b.replace(/<hasMoreReference>p(\d+)<\/hasMoreReference>/, (_m, n: string) => `<hasMoreReference>p${Number(n) - 5}</hasMoreReference>`)),
    });
    expect(report.contracts.find((c) => c.major === '3')!.checks.find((c) => c.id === 'paging')).toMatchObject({ status: 'fail', message: expect.stringMatching(/items came again on a later page/) });
  });

  it('fails the unknown resident check when the producer answers a fault for someone it does not know', async () => {
    const report = await run({ ...gcc, unknownPatient: '194804032094', transport: (url, init) => (init.body.includes('194804032094') ? fetch(url, { ...init, body: 'not xml' }) : fetch(url, init)) });
    expect(report.contracts[0]!.checks.find((c) => c.id === 'unknownPatient')).toMatchObject({ status: 'fail', message: expect.stringMatching(/expected an empty answer, got a SOAP Fault soapenv:Client/) });
  });
});

describe('settings', () => {
  it('skips the schema check with a reason, not a pass, when the schemas are not there', async () => {
    const report = await run({ contracts: ['GetDiagnosis'], testPatients: [TOLVAN], rivtaDir: '/nonexistent/rivta' });
    expect(statusOf(report, 'schema')).toMatchObject({ status: 'skipped', skipReason: 'unavailable', message: expect.stringMatching(/is not in \/nonexistent\/rivta; schema validity was not checked/) });
    expect(report.ok).toBe(false);
    const without = await run({ contracts: ['GetDiagnosis'], testPatients: [TOLVAN], rivtaDir: null });
    expect(statusOf(without, 'schema').message).toMatch(/schema folder .* was not found/);
    expect(without.settings.schemaDir).toBeNull();
  });

  it('finds shared/rivta from the package root by default', async () => {
    const report = await verifyProducer({ endpoint: cosmic().baseUrl, pathTemplate: SIMULATOR_PATH_TEMPLATE, logicalAddress: cosmic().logicalAddress, contracts: ['GetDiagnosis'], testPatients: [TOLVAN], now: () => NOW });
    expect(report.settings.schemaDir).toMatch(/shared[/\\]rivta$/);
    expect(statusOf(report, 'schema').status).toBe('pass');
  });

  it('takes a URL per contract version, and never counts missing data as a pass', async () => {
    const endpoint = { 'GetAlertInformation/2': `${sims.system('millennium').baseUrl}/GetAlertInformation/2` };
    const report = await verifyProducer({ endpoint, logicalAddress: sims.system('millennium').logicalAddress, testPatients: [TOLVAN], rivtaDir: RIVTA_DIR, now: () => NOW });
    expect(report.endpoint).toBeNull();
    expect(report.settings.pathTemplate).toBeNull();
    expect(report.contracts.map((c) => `${c.contract} ${c.major}`)).toEqual(['GetAlertInformation 2']);
    expect(statusOf(report, 'period')).toMatchObject({ status: 'skipped', skipReason: 'noData' });
    expect(statusOf(report, 'items')).toMatchObject({ status: 'skipped', skipReason: 'noData' });
    expect(report.summary.noData).toBeGreaterThan(0);
    expect(report.ok).toBe(false);
  });

  it.each([
    [{ contracts: ['GetXray'] }, /contracts: unknown contract "GetXray"/],
    [{ endpoint: 'ftp://x' }, /endpoint: must be an http or https URL/],
    [{ endpoint: { GetXray: 'http://x' } }, /"GetXray" is not a contract/],
    [{ testPatients: ['1912121212'] }, /testPatients\[0\]: must be 12 characters/],
    [{ logicalAddress: '' }, /logicalAddress/],
    [{ timeoutMs: 0 }, /timeoutMs: must be a whole number/],
  ])('refuses bad options %j with INPUT_INVALID', async (options, message) => {
    const error = await run(options as Partial<VerifyProducerOptions>).catch((e: unknown) => e);
    expect(isJournalenError(error, 'INPUT_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});

describe('renderReportHtml', () => {
  it('gives a standalone page, Swedish by default, a captioned table per contract, status in words', async () => {
    await sims.setFault('cosmic', { kind: 'otherPatient' });
    let report: ConformanceReport;
    try {
      report = await run({ contracts: ['GetCareContacts'], testPatients: [TOLVAN] });
    } finally {
      await sims.setFault('cosmic', null);
    }
    const sv = renderReportHtml(report);
    expect(sv).toMatch(/^<!doctype html>\n<html lang="sv">/);
    expect(sv).toContain('<h1>Verifiering av tjänsteproducent</h1>');
    expect(sv).not.toMatch(/<script|<link|src=/);
    expect(sv.match(/<caption>/g)).toHaveLength(report.contracts.length);
    expect(sv).toContain('<caption>GetCareContacts 3: inte godkänd</caption>');
    expect(sv).toContain('<th scope="col">Kontroll</th>');
    expect(sv).toMatch(/<span aria-hidden="true">✗<\/span> <strong>Underkänd<\/strong>/);
    expect(sv).toMatch(/<strong>Godkänd<\/strong>/);
    expect(sv).toContain('<th scope="row">Posterna gäller den invånare som efterfrågades</th>');
    expect(sv).not.toContain(TOLVAN);
    const en = renderReportHtml(report, 'en');
    expect(en).toMatch(/<html lang="en">/);
    expect(en).toContain('<caption>GetCareContacts 3: not passed</caption>');
    expect(en).toContain('Not passed: at least one check did not pass.');
  });

  it('escapes what the producer said', () => {
    const report: ConformanceReport = {
      kind: 'journalen.producer-conformance', reportVersion: 2, startedAt: NOW.toISOString(), finishedAt: NOW.toISOString(),
      logicalAddress: '<b>x</b>', endpoint: 'http://h/"q"', ok: false, summary: { passed: 0, failed: 1, skipped: 0, noData: 0 },
      settings: { testResidents: 1, timeoutMs: 1, maxResponseMs: 1, maxResponseBytes: 1, schemaDir: null, pathTemplate: null },
      contracts: [{ contract: 'GetDiagnosis', major: '2', schemaVersion: '2.0', responderNamespace: 'urn:x', url: 'http://h', ok: false, items: 0,
        responseTimes: { calls: 1, timedOut: 0, minMs: 1, medianMs: 1, maxMs: 1 },
        checks: [{ id: 'result', title: { sv: 'a', en: 'a' }, status: 'fail', message: '<script>alert(1)</script>' }] }],
    };
    expect(Value.Check(ConformanceReportSchema, report)).toBe(true);
    const html = renderReportHtml(report, 'en');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
  });
});
