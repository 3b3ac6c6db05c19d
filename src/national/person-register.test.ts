import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transport } from '../aggregation/source-call.js';
import { validateAgainstSchema } from '../contracts/schema-validation.js';
import { soapEnvelope } from '../contracts/soap.js';
import { simulatedRegister } from '../demo/register.js';
import { isJournalenError, type JournalenError } from '../errors/index.js';
import { createPopulation, TOLVAN, type SpecialCase } from '../simulators/population.js';
import { startSimulatedPersonRegister, type PersonRegisterFault, type SimulatedPersonRegister } from '../simulators/person-register.js';
import { RIVTA_DIR, SAMPLES_DIR } from '../testing/rivta.js';
import {
  buildGetPersonsForProfileRequest,
  GET_PERSONS_FOR_PROFILE,
  PERSONNUMMER_OID,
  readGetPersonsForProfileRequest,
  readGetPersonsForProfileResponse,
  SAMORDNINGSNUMMER_OID,
} from './person-messages.js';
import { createPersonRegister, toRegisterPerson } from './person-register.js';

/** The PU adapter: the official samples, the simulated PU, every way PU can fail, the cache. */

const NOW = new Date('2026-11-23T10:00:00+01:00');
const SAMPLE_DIR = path.join(SAMPLES_DIR, 'GetPersonsForProfile');
const XSD = path.join(RIVTA_DIR, GET_PERSONS_FOR_PROFILE.responderXsd);
const CONSUMER = 'SE2321000016-JRNL';
const sample = (name: string) => readFileSync(path.join(SAMPLE_DIR, name), 'utf8');

/** A transport answering every call with one fixed body (an official mock answer), and noting what it was sent. */
function replay(body: string, status = 200) {
  const calls: { url: string; headers: Record<string, string>; body: string }[] = [];
  const transport: Transport = async (url, init) => {
    calls.push({ url, headers: init.headers, body: init.body });
    return new Response(body, { status, headers: { 'content-type': 'text/xml; charset=utf-8' } });
  };
  return { calls, transport };
}

async function unavailable(promise: Promise<unknown>): Promise<JournalenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isJournalenError(error, 'REGISTER_UNAVAILABLE'), String(error)).toBe(true);
  return error as JournalenError;
}

describe('GetPersonsForProfile 5 messages against the official samples', () => {
  const files = readdirSync(SAMPLE_DIR).sort();

  it('finds the samples, and they are valid for the schema (the validator can also refuse)', () => {
    expect(files.filter((f) => f.includes('-Response')).length).toBe(4);
    for (const file of files.filter((f) => !f.includes('190503279812-Request'))) {
      expect(validateAgainstSchema(sample(file), XSD), file).toEqual({ valid: true, errors: [] });
    }
    const wrong = soapEnvelope(buildGetPersonsForProfileRequest([TOLVAN])).replace('<profile>P4</profile>', '<profile>P11</profile>');
    expect(validateAgainstSchema(wrong, XSD).valid).toBe(false);
  });

  it('reads the official requests, and refuses the one in the 4.0 namespace', () => {
    const request = readGetPersonsForProfileRequest(sample('intygproxy_request_5.0_GetPersonsForProfile_195401782395-Request.xml'));
    expect(request).toEqual({ personIds: [{ root: PERSONNUMMER_OID, extension: '195401782395' }], profile: 'P2', ignoreReferredIdentity: false, logicalAddress: '?' });
    expect(() => readGetPersonsForProfileRequest(sample('intygproxy_request_5.0_GetPersonsForProfile_190503279812-Request.xml'))).toThrow(/not a GetPersonsForProfile 5 request/);
  });

  it('writes requests the schema accepts, a samordningsnummer under its own OID', () => {
    const xml = soapEnvelope(buildGetPersonsForProfileRequest([TOLVAN, '195401782395'], { profile: 'P2' }), { logicalAddress: 'SE2321000016-PU01' });
    expect(validateAgainstSchema(xml, XSD)).toEqual({ valid: true, errors: [] });
    expect(readGetPersonsForProfileRequest(xml)).toEqual({
      personIds: [
        { root: PERSONNUMMER_OID, extension: TOLVAN },
        { root: SAMORDNINGSNUMMER_OID, extension: '195401782395' },
      ],
      profile: 'P2',
      ignoreReferredIdentity: true,
      logicalAddress: 'SE2321000016-PU01',
    });
  });

  it('reads a deceased person: deregistration AV and its date', () => {
    const answer = readGetPersonsForProfileResponse(sample('intygproxy_mock_5.0_GetPersonsForProfile_190503279812-Response.xml'));
    expect(answer.kind).toBe('records');
    if (answer.kind !== 'records') return;
    expect(answer.records).toHaveLength(1);
    const person = answer.records[0]!.person!;
    expect(person).toMatchObject({ personalIdentity: { root: PERSONNUMMER_OID, extension: '190503279812' }, protectedPersonIndicator: false, testIndicator: true, givenName: 'Karl', surname: 'Svensson' });
    expect(toRegisterPerson(person, '2026-11-23')).toEqual({
      birthDate: '1905-03-27',
      deceasedOn: '2016-01-01',
      protectedIdentity: false,
      guardians: [],
      children: [],
      givenName: 'Karl',
      familyName: 'Svensson',
    });
  });

  it('reads a protected samordningsnummer holder, born on the day minus 60', () => {
    const answer = readGetPersonsForProfileResponse(sample('intygproxy_mock_5.0_GetPersonsForProfile_195401782395-Response.xml'));
    if (answer.kind !== 'records') throw new Error('not records');
    const person = answer.records[0]!.person!;
    expect(person.personalIdentity.root).toBe(SAMORDNINGSNUMMER_OID);
    expect(toRegisterPerson(person, '2026-11-23')).toEqual({
      birthDate: '1954-01-18',
      protectedIdentity: true,
      guardians: [],
      children: [],
      givenName: 'Jan Petter',
      familyName: 'Myrberg',
    });
  });

  it('reads both records of the mock that answers twice for one person', () => {
    const answer = readGetPersonsForProfileResponse(sample('intygproxy_mock_5.0_GetPersonsForProfile_191212121212-Response.xml'));
    if (answer.kind !== 'records') throw new Error('not records');
    expect(answer.records.map((r) => r.person?.givenName)).toEqual(['Lilltolvan', 'Tolvan']);
  });

  it('maps each official answer through the adapter: known, deceased, protected; ambiguous and mixed answers fail closed', async () => {
    const lookUp = (file: string, pnr: string) => createPersonRegister({ url: 'http://pu.test/x', logicalAddress: 'PU', consumerHsaId: CONSUMER, transport: replay(sample(file)).transport }).person(pnr);
    expect(await lookUp('intygproxy_mock_5.0_GetPersonsForProfile_190503279812-Response.xml', '190503279812')).toMatchObject({ deceasedOn: '2016-01-01' });
    expect(await lookUp('intygproxy_mock_5.0_GetPersonsForProfile_195401782395-Response.xml', '195401782395')).toMatchObject({ protectedIdentity: true, birthDate: '1954-01-18' });
    // Two different records for one person: which is true cannot be told, so nothing is decided.
    expect((await unavailable(lookUp('intygproxy_mock_5.0_GetPersonsForProfile_191212121212-Response.xml', '191212121212'))).details.reason).toBe('ambiguous');
    // Asked for one, told also about another: a producer that mixes people up is not believed.
    expect((await unavailable(lookUp('intygproxy_mock_5.0_GetPersonsForProfile_201212121212-Response.xml', '201212121212'))).details.reason).toBe('wrongPerson');
    // An answer about someone else entirely.
    expect((await unavailable(lookUp('intygproxy_mock_5.0_GetPersonsForProfile_190503279812-Response.xml', TOLVAN))).details.reason).toBe('wrongPerson');
  });

  it('sends the RIV-TA headers, the LogicalAddress and a schema-valid request', async () => {
    const { calls, transport } = replay(sample('intygproxy_mock_5.0_GetPersonsForProfile_190503279812-Response.xml'));
    await createPersonRegister({ url: 'http://pu.test/vp/pu', logicalAddress: 'SE2321000016-PU01', consumerHsaId: CONSUMER, transport }).person('190503279812');
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.url).toBe('http://pu.test/vp/pu');
    expect(call.headers).toMatchObject({
      soapaction: '"urn:riv:strategicresourcemanagement:persons:person:GetPersonsForProfileResponder:5:GetPersonsForProfile"',
      'x-rivta-original-serviceconsumer-hsaid': CONSUMER,
    });
    expect(call.headers['x-skltp-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(call.body).toContain('<LogicalAddress xmlns="urn:riv:itintegration:registry:1">SE2321000016-PU01</LogicalAddress>');
    expect(validateAgainstSchema(call.body, XSD)).toEqual({ valid: true, errors: [] });
    expect(readGetPersonsForProfileRequest(call.body)).toMatchObject({ profile: 'P4', ignoreReferredIdentity: true });
  });

  it('does not call the register for something that is not an identity number', async () => {
    const { calls, transport } = replay('');
    const register = createPersonRegister({ url: 'http://pu.test/', logicalAddress: 'PU', consumerHsaId: CONSUMER, transport });
    for (const junk of ['', '19121212-1212', '191212121213', 'abc', '1912121212']) expect(await register.person(junk)).toBeUndefined();
    expect(calls).toHaveLength(0);
  });

  it('keeps only relations in force today, and dates a death given only by month', () => {
    const base = { personalIdentity: { root: PERSONNUMMER_OID, extension: '201212121212' }, protectedPersonIndicator: false, testIndicator: false } as const;
    const guardian = (extension: string, more: object = {}) => ({ type: 'V', id: { root: PERSONNUMMER_OID, extension }, ...more });
    const person = toRegisterPerson(
      {
        ...base,
        relations: [
          guardian('198001011234'),
          guardian('198002021234', { toDate: { format: 'YYYY-MM-DD', value: '2026-11-23' } }), // ended today
          guardian('198003031234', { toDate: { format: 'YYYY-MM', value: '2026-12' } }), // ends next month: still in force
          guardian('198004041234', { fromDate: { format: 'YYYY-MM-DD', value: '2026-11-24' } }), // from tomorrow
          { type: 'V' }, // no identity: cannot be matched
          { type: 'M', id: { root: PERSONNUMMER_OID, extension: '198005051234' } }, // another kind of relation
        ],
        deregistration: { reasonCode: 'AV', date: { format: 'YYYY-MM', value: '2026-10' } },
      },
      '2026-11-23',
    );
    expect(person.guardians).toEqual(['198001011234', '198003031234']);
    expect(person.children).toEqual([]);
    expect(person.deceasedOn).toBe('2026-10-01');
    expect(toRegisterPerson({ ...base, relations: [], deregistration: { reasonCode: 'AV' } }, '2026-11-23').deceasedOn).toBe('2026-11-23');
    expect(toRegisterPerson({ ...base, relations: [], deregistration: { reasonCode: 'UV' } }, '2026-11-23').deceasedOn).toBeUndefined();
    expect(() => toRegisterPerson({ ...base, personalIdentity: { root: '1.2.752.74.9.1', extension: '9999999999' }, relations: [] }, '2026-11-23')).toThrow(
      expect.objectContaining({ code: 'JOURNALEN_REGISTER_UNAVAILABLE' }),
    );
  });

  it('refuses an answer that leaves out what the schema requires', async () => {
    const broken = sample('intygproxy_mock_5.0_GetPersonsForProfile_190503279812-Response.xml').replace('<protectedPersonIndicator>false</protectedPersonIndicator>', '');
    const register = createPersonRegister({ url: 'http://pu.test/', logicalAddress: 'PU', consumerHsaId: CONSUMER, transport: replay(broken).transport });
    const error = await unavailable(register.person('190503279812'));
    expect(error.details.reason).toBe('malformed');
    expect(error.message).toContain('protectedPersonIndicator');
  });

  it('treats an HTTP error without SOAP as unavailable', async () => {
    const register = createPersonRegister({ url: 'http://pu.test/', logicalAddress: 'PU', consumerHsaId: CONSUMER, transport: replay('Bad gateway', 502).transport });
    expect((await unavailable(register.person(TOLVAN))).details.reason).toBe('httpStatus');
  });
});

describe('the adapter against the simulated PU', () => {
  const population = createPopulation({ seed: 'pu-test', size: 60, now: NOW });
  const number = (which: SpecialCase) => population.special(which).personnummer;
  let pu: SimulatedPersonRegister;
  let clock = NOW.getTime();
  const logLines: string[] = [];
  const logger = pino({ level: 'warn' }, new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString()), done()) }));
  const make = (more: { timeoutMs?: number; cacheTtlMs?: number } = {}) =>
    createPersonRegister({ url: pu.url, logicalAddress: pu.logicalAddress, consumerHsaId: CONSUMER, now: () => clock, logger, ...more });

  beforeAll(async () => {
    pu = await startSimulatedPersonRegister({ population });
  });
  afterAll(async () => pu?.close());

  it('answers exactly what the synthetic register says, for every resident', async () => {
    const register = make();
    const reference = simulatedRegister(population);
    let compared = 0;
    for (const resident of population.residents()) {
      expect(await register.person(resident.personnummer), resident.personnummer).toEqual(await reference.person(resident.personnummer));
      compared++;
    }
    expect(compared).toBe(60);
  });

  it('knows protected identity, death, guardians and children, and the samordningsnummer holder’s real birth date', async () => {
    const register = make();
    const guardian = number('guardianA');
    expect((await register.person(guardian))!.children).toEqual(expect.arrayContaining([number('child0to12'), number('child13to15'), number('child16to17')]));
    expect((await register.person(number('child0to12')))!.guardians).toEqual(expect.arrayContaining([guardian, number('guardianB')]));
    expect(await register.person(number('protectedChild'))).toMatchObject({ protectedIdentity: true, guardians: [number('protectedChildGuardian')] });
    const deceased = await register.person(number('deceased'));
    expect(deceased!.deceasedOn).toBe(population.special('deceased').deceasedOn);
    expect(deceased!.deceasedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const holder = population.special('samordningsnummer');
    expect(Number(holder.personnummer.slice(6, 8))).toBeGreaterThan(60);
    expect((await register.person(holder.personnummer))!.birthDate).toBe(holder.birthDate);
    expect(Number(holder.birthDate.slice(8, 10))).toBe(Number(holder.personnummer.slice(6, 8)) - 60);
  });

  it('answers undefined for someone the register does not know', async () => {
    const outside = createPopulation({ seed: 'pu-test', size: 80, now: NOW }).residentAt(70).personnummer;
    expect(await make().person(outside)).toBeUndefined();
  });

  it('hands out copies, so a caller cannot change the cache', async () => {
    const register = make();
    const first = await register.person(number('guardianA'));
    (first!.children as string[]).length = 0;
    expect((await register.person(number('guardianA')))!.children).toHaveLength(3);
  });

  it('caches an answer for the TTL and asks again after it', async () => {
    const register = make({ cacheTtlMs: 60_000 });
    const before = pu.requests;
    await register.person(TOLVAN);
    await register.person(TOLVAN);
    clock += 59_000;
    await register.person(TOLVAN);
    expect(pu.requests - before).toBe(1);
    clock += 2_000;
    await register.person(TOLVAN);
    expect(pu.requests - before).toBe(2);
    register.clear();
    await register.person(TOLVAN);
    expect(pu.requests - before).toBe(3);
  });

  it('shares one call among concurrent lookups of one person', async () => {
    const register = make();
    const before = pu.requests;
    const answers = await Promise.all(Array.from({ length: 5 }, () => register.person(number('guardianB'))));
    expect(pu.requests - before).toBe(1);
    expect(new Set(answers.map((a) => a!.children.join()))).toHaveProperty('size', 1);
    expect(answers[0]!.children.length).toBeGreaterThan(0);
  });

  const FAULTS: readonly [PersonRegisterFault, string][] = [
    ['down', 'connection'],
    ['http500', 'httpStatus'],
    ['soapFault', 'soapFault'],
    ['timeout', 'timeout'],
    ['malformedXml', 'malformed'],
    ['otherPerson', 'wrongPerson'],
  ];

  for (const [fault, reason] of FAULTS) {
    it(`fails closed when PU ${fault === 'down' ? 'is down' : `answers with ${fault}`}, caches nothing, and recovers`, async () => {
      const register = make({ timeoutMs: 300 });
      const person = number('child0to12'); // has guardians, so `otherPerson` has someone to confuse
      logLines.length = 0;
      await pu.setFault(fault);
      try {
        const error = await unavailable(register.person(person));
        expect(error.details.reason).toBe(reason);
        expect(error.statusCode).toBe(503);
        expect(error.message).not.toContain(person);
        expect(JSON.stringify(error.toJSON())).not.toContain(person.slice(2));
        // A second lookup asks again rather than remembering the failure.
        await unavailable(register.person(person));
      } finally {
        await pu.setFault(null);
      }
      expect(logLines.length).toBeGreaterThan(0);
      for (const line of logLines) expect(line).not.toContain(person.slice(2));
      const before = pu.requests;
      expect((await register.person(person))!.guardians.length).toBeGreaterThan(0);
      expect(pu.requests - before).toBe(1);
    });
  }
});
