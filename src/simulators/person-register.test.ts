import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateAgainstSchema } from '../contracts/schema-validation.js';
import { readEnvelope, soapEnvelope } from '../contracts/soap.js';
import {
  buildGetPersonsForProfileRequest,
  GET_PERSONS_FOR_PROFILE,
  readGetPersonsForProfileResponse,
  type LookupProfile,
  type PuAnswer,
} from '../national/person-messages.js';
import { RIVTA_DIR } from '../testing/rivta.js';
import { createPopulation, TOLVAN, type SpecialCase } from './population.js';
import { answerGetPersonsForProfile, SIMULATED_PERSON_REGISTER_ADDRESS, startSimulatedPersonRegister, type SimulatedPersonRegister } from './person-register.js';

/** The simulated PU: answers valid for the schema, by profile; bad requests get a SOAP Fault; fault modes. */

const NOW = new Date('2026-11-23T10:00:00+01:00');
const XSD = path.join(RIVTA_DIR, GET_PERSONS_FOR_PROFILE.responderXsd);
const population = createPopulation({ seed: 'pu-sim', size: 60, now: NOW });
const number = (which: SpecialCase) => population.special(which).personnummer;
const request = (ids: string[], profile: LookupProfile = 'P4') => soapEnvelope(buildGetPersonsForProfileRequest(ids, { profile }), { logicalAddress: SIMULATED_PERSON_REGISTER_ADDRESS });

function records(answer: PuAnswer) {
  if (answer.kind !== 'records') throw new Error(`not records: ${answer.message}`);
  return answer.records;
}

describe('answerGetPersonsForProfile', () => {
  it('answers every resident with a record the schema accepts, one per id and in order', () => {
    const ids = [...population.residents()].map((r) => r.personnummer);
    const answer = answerGetPersonsForProfile(population, request(ids));
    expect(answer.status).toBe(200);
    expect(validateAgainstSchema(answer.body, XSD)).toEqual({ valid: true, errors: [] });
    const got = records(readGetPersonsForProfileResponse(answer.body));
    expect(got.map((r) => r.requested.extension)).toEqual(ids);
    expect(got.every((r) => r.person !== undefined)).toBe(true);
  });

  it('writes the codes PU uses: AV for the deceased, V and B relations, protection, test persons', () => {
    const got = records(readGetPersonsForProfileResponse(answerGetPersonsForProfile(population, request([number('deceased'), number('guardianA'), number('protectedChild')])).body));
    expect(got[0]!.person!.deregistration).toEqual({ reasonCode: 'AV', date: { format: 'YYYY-MM-DD', value: population.special('deceased').deceasedOn } });
    expect(got[1]!.person!.relations.filter((r) => r.type === 'B').map((r) => r.id!.extension)).toEqual(population.childrenOf(number('guardianA')));
    expect(got[2]!.person!).toMatchObject({ protectedPersonIndicator: true, testIndicator: true });
    expect(got[2]!.person!.relations).toEqual([{ type: 'V', id: { root: '1.2.752.129.2.1.3.1', extension: number('protectedChildGuardian') } }]);
    const body = answerGetPersonsForProfile(population, request([number('deceased')])).body;
    expect(body).toContain('<deregistrationReasonCode>AV</deregistrationReasonCode>');
  });

  it('gives by profile: P1 neither death nor relations, P2 death, P4 relations and birth', () => {
    const ask = (profile: LookupProfile) => records(readGetPersonsForProfileResponse(answerGetPersonsForProfile(population, request([number('deceased'), number('guardianA')], profile)).body));
    const p1 = ask('P1');
    expect(p1[0]!.person!.deregistration).toBeUndefined();
    expect(p1[1]!.person!.relations).toEqual([]);
    const p2 = ask('P2');
    expect(p2[0]!.person!.deregistration?.reasonCode).toBe('AV');
    expect(p2[1]!.person!.relations).toEqual([]);
    const p4 = ask('P4');
    expect(p4[1]!.person!.relations.length).toBe(3);
    expect(p4[1]!.person!.dateOfBirth).toEqual({ format: 'YYYY-MM-DD', value: population.special('guardianA').birthDate });
  });

  it('answers an unknown person, or a number under the wrong OID, with no personRecord', () => {
    const outside = createPopulation({ seed: 'pu-sim', size: 80, now: NOW }).residentAt(70).personnummer;
    const wrongRoot = request([TOLVAN]).replace('1.2.752.129.2.1.3.1', '1.2.752.129.2.1.3.3');
    const got = records(readGetPersonsForProfileResponse(answerGetPersonsForProfile(population, request([outside])).body));
    expect(got).toEqual([{ requested: { root: '1.2.752.129.2.1.3.1', extension: outside } }]);
    const answer = answerGetPersonsForProfile(population, wrongRoot);
    expect(validateAgainstSchema(answer.body, XSD).valid).toBe(true);
    expect(records(readGetPersonsForProfileResponse(answer.body))[0]!.person).toBeUndefined();
  });

  it('refuses what is not a valid request with a SOAP Fault (Client)', () => {
    const bad: [string, string | RegExp][] = [
      ['not xml at all', /malformed|not a SOAP/],
      [soapEnvelope('<Other xmlns="urn:x"/>'), /not a GetPersonsForProfile 5 request/],
      [request([TOLVAN]).replace(/<personId>.*<\/personId>/, ''), /at least one personId/],
      [request([TOLVAN]).replace('<profile>P4</profile>', '<profile>P11</profile>'), /profile must be one of/],
      [request([TOLVAN]).replace('<profile>P4</profile>', ''), /profile must be one of/],
      [request([TOLVAN]).replace('<ignoreReferredIdentity>true</ignoreReferredIdentity>', '<ignoreReferredIdentity>yes</ignoreReferredIdentity>'), /ignoreReferredIdentity/],
      [request([TOLVAN]).replace(/<p:extension>\d+<\/p:extension>/, ''), /root and extension/],
      [request([TOLVAN]).replace(SIMULATED_PERSON_REGISTER_ADDRESS, 'SE2321000016-OTHER'), /not served here/],
      [`<!DOCTYPE x [<!ENTITY a "b">]>${request([TOLVAN])}`, /DOCTYPE/],
    ];
    for (const [body, message] of bad) {
      const answer = answerGetPersonsForProfile(population, body, { logicalAddress: SIMULATED_PERSON_REGISTER_ADDRESS });
      expect(answer.status, body.slice(0, 80)).toBe(500);
      const envelope = readEnvelope(answer.body);
      expect(envelope.kind).toBe('fault');
      if (envelope.kind === 'fault') {
        expect((envelope.fault as { code?: string }).code).toBe('soapenv:Client');
        expect(envelope.fault.message).toMatch(message);
      }
    }
  });
});

describe('startSimulatedPersonRegister', () => {
  let pu: SimulatedPersonRegister;
  const post = (body: string) => fetch(pu.url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });

  beforeAll(async () => {
    pu = await startSimulatedPersonRegister({ population });
  });
  afterAll(async () => pu?.close());

  it('listens on loopback and answers over HTTP', async () => {
    expect(pu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/GetPersonsForProfile\/5$/);
    expect(pu.logicalAddress).toBe(SIMULATED_PERSON_REGISTER_ADDRESS);
    const response = await post(request([TOLVAN]));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/xml');
    expect(records(readGetPersonsForProfileResponse(await response.text()))[0]!.person!.givenName).toBe('Tolvan');
    expect((await fetch(pu.url)).status).toBe(405);
  });

  it('fails as told, and recovers on the same URL', async () => {
    await pu.setFault('http500');
    expect((await post(request([TOLVAN]))).status).toBe(500);
    await pu.setFault('soapFault');
    const fault = await post(request([TOLVAN]));
    expect(fault.status).toBe(500);
    expect(await fault.text()).toContain('soapenv:Server');
    await pu.setFault('malformedXml');
    const cut = await (await post(request([TOLVAN]))).text();
    expect(() => readGetPersonsForProfileResponse(cut)).toThrow();
    await pu.setFault('otherPerson');
    const other = records(readGetPersonsForProfileResponse(await (await post(request([number('child0to12')]))).text()))[0]!;
    expect(other.requested.extension).toBe(number('child0to12'));
    expect(other.person!.personalIdentity.extension).not.toBe(number('child0to12'));
    await pu.setFault('down');
    await expect(post(request([TOLVAN]))).rejects.toThrow();
    await pu.setFault('timeout');
    await expect(fetch(pu.url, { method: 'POST', body: request([TOLVAN]), signal: AbortSignal.timeout(200) })).rejects.toThrow();
    await pu.setFault(null);
    expect((await post(request([TOLVAN]))).status).toBe(200);
  });
});
