import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXIT, main } from './main.js';

async function run(args: string[], stdin: string) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough().on('data', (c) => out.push(String(c)));
  const stderr = new PassThrough().on('data', (c) => err.push(String(c)));
  const code = await main(args, { stdin: Readable.from([stdin]), stdout, stderr });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const note = (id: string, time: string, signed: boolean, extra: object = {}) => ({
  id, infoType: 'note', time, signed, approvedForPatient: true, ...extra,
});

describe('journalen disclose', () => {
  it('answers one entry per item, in order, with the documented fields', async () => {
    const items = [
      note('n1', '2026-11-23T09:30:00+01:00', true),
      note('n2', '2026-11-23T09:30:00+01:00', false),
      { id: 'l1', infoType: 'labResult', time: '2026-11-01T08:00:00Z', signed: true, validated: false, approvedForPatient: true },
      { id: 'd1', infoType: 'diagnosis', time: '2026-11-22', signed: true, approvedForPatient: false },
    ];
    const r = await run(['disclose', '--region', '01', '--now', '2026-11-23'], JSON.stringify(items));
    expect(r).toMatchObject({ code: EXIT.ok, stderr: '' });
    const out = JSON.parse(r.stdout);
    expect(out.map((o: { id: string }) => o.id)).toEqual(['n1', 'n2', 'l1', 'd1']);
    expect(out[0]).toEqual({ id: 'n1', visible: true, visibleFrom: null, reason: 'Visas: signerade anteckningar visas direkt i Region Stockholm.' });
    expect(out[1]).toMatchObject({ visible: false, visibleFrom: '2026-12-07' });
    expect(out[2]).toMatchObject({ visible: true, visibleFrom: null });
    expect(out[3]).toMatchObject({ visible: false, visibleFrom: null });
    for (const o of out) expect(Object.keys(o).sort()).toEqual(['id', 'reason', 'visible', 'visibleFrom']);
  });

  it('takes the resident\'s choices from flags', async () => {
    const items = JSON.stringify([note('u', '2026-11-20T10:00:00+01:00', false), note('s', '2026-11-20T10:00:00+01:00', true)]);
    const without = JSON.parse((await run(['disclose', '--region', '12', '--now', '2026-11-23'], items)).stdout);
    expect(without.map((o: { visible: boolean }) => o.visible)).toEqual([false, true]);
    const shown = JSON.parse((await run(['disclose', '--region', '12', '--now', '2026-11-23', '--show-unsigned'], items)).stdout);
    expect(shown.map((o: { visible: boolean }) => o.visible)).toEqual([true, true]);
    const hidden = JSON.parse((await run(['disclose', '--region', '12', '--now', '2026-11-23', '--show-unsigned', '--hide-recent'], items)).stdout);
    expect(hidden).toMatchObject([{ visible: false, visibleFrom: '2026-12-04' }, { visible: false, visibleFrom: '2026-12-04' }]);
  });

  it('explains in English when asked, and accepts a one-digit region code and numeric ids', async () => {
    const r = await run(['disclose', '--region', '5', '--now', '2026-11-23', '--lang', 'en'], JSON.stringify([{ ...note('x', '2026-11-23T08:00', true), id: 7 }]));
    expect(JSON.parse(r.stdout)).toEqual([
      { id: 7, visible: false, visibleFrom: '2026-12-07', reason: 'Shown from 7 December 2026: a 14-day delay (rådrum) in Region Östergötland, so that care staff can contact you first.' },
    ]);
  });

  it('reads Skåne\'s psychiatric inpatient notes and Kronoberg\'s start date from the optional fields', async () => {
    const skane = await run(['disclose', '--region', '12', '--now', '2026-11-23'],
      JSON.stringify([note('p', '2026-11-20T10:00:00+01:00', true, { specialty: 'psychiatry', inpatient: true })]));
    expect(JSON.parse(skane.stdout)[0]).toMatchObject({ visible: false, visibleFrom: '2026-12-18' });
    const kronoberg = await run(['disclose', '--region', '07', '--now', '2026-11-23'],
      JSON.stringify([note('old', '2014-06-01T10:00:00+02:00', true), note('new', '2015-06-01T10:00:00+02:00', true)]));
    expect(JSON.parse(kronoberg.stdout).map((o: { visible: boolean }) => o.visible)).toEqual([false, true]);
  });

  it.each([
    ['malformed JSON', '[{', /input is not valid JSON/],
    ['not an array', '{"id":"a"}', /input must be a JSON array/],
    ['an item that is not an object', '[1]', /item 0 must be an object/],
    ['a field of the wrong type', JSON.stringify([note('a', '2026-11-01T10:00:00Z', true), { ...note('b', '2026-11-01T10:00:00Z', true), signed: 'yes' }]), /item 1 \(id "b"\): signed must be true or false, got "yes"/],
    ['an unknown info type', JSON.stringify([{ ...note('c', '2026-11-01T10:00:00Z', true), infoType: 'xray' }]), /item 0 \(id "c"\): infoType must be one of "note", .*got "xray"/],
    ['a missing approvedForPatient', JSON.stringify([{ id: 'd', infoType: 'diagnosis', time: '2026-11-01T10:00:00Z', signed: true }]), /item 0 \(id "d"\): approvedForPatient is required/],
    ['a time that is not a date-time', JSON.stringify([note('e', '2026-13-01T10:00:00Z', true)]), /item 0 \(id "e"\): time must be an ISO 8601 date-time/],
    ['a note without signed', JSON.stringify([{ id: 'f', infoType: 'note', time: '2026-11-01T10:00:00Z', approvedForPatient: true }]), /item 0 \(id "f"\): signed is required for notes/],
  ])('refuses %s with a message naming the item and field, and prints nothing on stdout', async (_name, input, message) => {
    const r = await run(['disclose', '--region', '01', '--now', '2026-11-23'], input);
    expect(r.code).toBe(EXIT.input);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([
    [['disclose', '--region', '02'], EXIT.input, /--region "02" is not a region/],
    [['disclose', '--region', '01', '--now', '23/11/2026'], EXIT.input, /--now must be a date YYYY-MM-DD/],
    [['disclose'], EXIT.usage, /needs --region/],
    [['disclose', '--region', '01', '--bogus'], EXIT.usage, /Unknown option '--bogus'/],
    [['disclose', '--region', '01', '--lang', 'de'], EXIT.usage, /--lang must be sv or en/],
    [['frobnicate'], EXIT.usage, /unknown command "frobnicate"/],
  ])('refuses the command line %j', async (args, code, message) => {
    const r = await run(args, '[]');
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('prints usage for help', async () => {
    const r = await run(['help'], '');
    expect(r).toMatchObject({ code: EXIT.ok, stderr: '' });
    expect(r.stdout).toContain('disclose --region <SCB code>');
  });
});

describe('the installed command', () => {
  const bin = fileURLToPath(new URL('../../bin/journalen.js', import.meta.url));
  it('runs as a process, reading stdin and setting the exit code', () => {
    // `npm test` builds first (pretest); the installed command runs the compiled code.
    expect(existsSync(fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))), 'dist/ is built').toBe(true);
    const ok = spawnSync(process.execPath, [bin, 'disclose', '--region', '23', '--now', '2026-11-23'], {
      input: JSON.stringify([note('a', '2026-11-20T10:00:00+01:00', false)]),
      encoding: 'utf8',
    });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject([{ id: 'a', visible: false, visibleFrom: '2026-12-04' }]);
    const bad = spawnSync(process.execPath, [bin, 'disclose', '--region', '99'], { input: '[]', encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^journalen: --region "99" is not a region/);
  });
});

describe('journalen riv parse', () => {
  const sample = (p: string) => fileURLToPath(new URL(`../../../shared/rivta/samples/${p}`, import.meta.url));

  it('prints the contract, version, items and faults of a response', async () => {
    const r = await run(['riv', 'parse', sample('GetDiagnosis/official_mock_2.0_GetDiagnosisMock_BasicResponse.xml')], '');
    expect(r).toMatchObject({ code: EXIT.ok, stderr: '' });
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ contract: 'GetDiagnosis', version: '2', faults: [] });
    expect(out.items[0]).toMatchObject({ infoType: 'diagnosis', careUnitHsaId: '565656', careGiverHsaId: '?', signed: true, approvedForPatient: true, time: '2016-09-02T09:11:11.000Z' });
    expect(Object.keys(out.items[0]).slice(0, 8)).toEqual(['id', 'infoType', 'patientId', 'careGiverHsaId', 'careUnitHsaId', 'time', 'signed', 'approvedForPatient']);
  });

  it('reports a SOAP Fault as a fault', async () => {
    const r = await run(['riv', 'parse', sample('GetDiagnosis/official_mock_2.0_GetDiagnosisMock_EmptyResponse.xml')], '');
    expect(JSON.parse(r.stdout)).toMatchObject({ contract: 'GetDiagnosis', items: [] });
    const fault = await run(['riv', 'parse', sample('GetAlertInformation/official_mock_2.0_GetAlertInformationMock_SoapFault.xml')], '');
    expect(JSON.parse(fault.stdout)).toMatchObject({ contract: null, items: [], faults: [{ kind: 'soapFault' }] });
  });

  it.each([
    ['a request, not a response', 'GetDiagnosis/GetDiagnosis_2.0_request_soap.xml', /not a response of a known contract: <GetDiagnosis>/],
    ['an engagement index message', 'engagementindex/FindContent.xml', /not a response of a known contract|not a SOAP message/],
    ['a file that is not XML', '../README.md', /XML is malformed/],
  ])('refuses %s in one line', async (_name, file, message) => {
    const r = await run(['riv', 'parse', sample(file)], '');
    expect(r.code).toBe(EXIT.input);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('says when the file cannot be read, and how to call it', async () => {
    expect((await run(['riv', 'parse', '/no/such/file.xml'], '')).stderr).toMatch(/cannot read \/no\/such\/file.xml: ENOENT/);
    expect((await run(['riv'], '')).code).toBe(EXIT.usage);
    expect((await run(['riv', 'parse'], '')).stderr).toMatch(/riv parse takes one file/);
  });
});

describe('journalen riv request', () => {
  it('prints a SOAP request that the same contract reads back, for a valid personnummer', async () => {
    const r = await run(['riv', 'request', 'GetDiagnosis', '--patient', '19121212-1212', '--care-unit', 'SE2321000016-VC01', '--from', '2020-01-01', '--to', '2026-11-23'], '');
    expect(r).toMatchObject({ code: EXIT.ok, stderr: '' });
    expect(r.stdout).toContain('<GetDiagnosis xmlns="urn:riv:clinicalprocess:healthcond:description:GetDiagnosisResponder:2"');
    expect(r.stdout).toContain('<c:id>191212121212</c:id>');
    expect(r.stdout).toContain('<careUnitHSAId>SE2321000016-VC01</careUnitHSAId>');
    expect(r.stdout).toContain('<c:start>20200101</c:start><c:end>20261123</c:end>');
  });

  it('refuses an invalid personnummer or an unknown contract with one line', async () => {
    expect((await run(['riv', 'request', 'GetDiagnosis', '--patient', '19121212-1213'], '')).stderr).toBe('journalen: personnummer check digit is 3, expected 2 (Luhn)\n');
    expect((await run(['riv', 'request', 'GetXray', '--patient', '191212121212'], '')).stderr).toMatch(/^journalen: no contract GetXray; known: GetCareDocumentation 3/);
    expect((await run(['riv', 'request', 'GetDiagnosis'], '')).code).toBe(EXIT.usage);
  });

  it('reads a response from stdin with -', async () => {
    const { readFileSync } = await import('node:fs');
    const xml = readFileSync(fileURLToPath(new URL('../../../shared/rivta/samples/GetDiagnosis/official_mock_2.0_GetDiagnosisMock_BasicResponse.xml', import.meta.url)), 'utf8');
    const r = await run(['riv', 'parse', '-'], xml);
    expect(JSON.parse(r.stdout)).toMatchObject({ contract: 'GetDiagnosis', items: [{ infoType: 'diagnosis' }] });
  });
});

describe('journalen audit verify', () => {
  it('verifies the chain in the configured database and names the first broken entry', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { openDatabase } = await import('../db/connection.js');
    const { appendAudit } = await import('../audit/index.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'journalen-audit-'));
    const database = await openDatabase({ dataDir: dir });
    for (let i = 0; i < 3; i++) await appendAudit(database.db, { kind: 'login', actor: { id: '191212121212', role: 'self' } });
    await database.close();
    const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
    process.env.DATA_DIR = dir;
    delete process.env.DATABASE_URL;
    try {
      const r = await run(['audit', 'verify'], '');
      expect(r).toMatchObject({ code: EXIT.ok, stderr: '' });
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, entries: 3 });
      expect((await run(['audit', 'check'], '')).code).toBe(EXIT.usage);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
  });
});
