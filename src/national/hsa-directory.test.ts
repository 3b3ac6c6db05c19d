import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transport } from '../aggregation/source-call.js';
import { validateAgainstSchema } from '../contracts/schema-validation.js';
import { soapEnvelope } from '../contracts/soap.js';
import { isJournalenError } from '../errors/index.js';
import { CARE_UNITS, careGiverOf } from '../simulators/care-units.js';
import { demoHsaCatalogue, startSimulatedHsaDirectory, type RunningHsaDirectory } from '../simulators/hsa-directory.js';
import { RIVTA_DIR } from '../testing/rivta.js';
import { inpatientOf, isRegionOrganisation, regionOfCounty, specialtyOf } from './hsa-codes.js';
import { createHsaDirectory, type HsaDirectoryOptions } from './hsa-directory.js';
import {
  buildGetHealthCareProviderRequest,
  buildGetHealthCareProviderResponse,
  buildGetHealthCareUnitRequest,
  buildGetHealthCareUnitResponse,
  buildGetUnitRequest,
  buildGetUnitResponse,
  HSA_INTERACTIONS,
  HsaAnswerError,
  readGetHealthCareProviderResponse,
  readGetHealthCareUnitResponse,
  readGetUnitResponse,
  readHsaRequest,
  type HsaHealthCareProvider,
  type HsaHealthCareUnit,
  type HsaOperation,
  type HsaUnit,
} from './hsa-messages.js';

const schema = (operation: HsaOperation) => path.join(RIVTA_DIR, HSA_INTERACTIONS[operation].responderXsd);
const expectValid = (xml: string, operation: HsaOperation) => expect(validateAgainstSchema(xml, schema(operation))).toEqual({ valid: true, errors: [] });

const CONSUMER = 'SE0000000009-JOURNALEN';
const skanePsychWard = CARE_UNITS.find((u) => u.regionCode === '12' && u.kind === 'psychiatryWard')!;
const skaneVc = CARE_UNITS.find((u) => u.regionCode === '12' && u.kind === 'vc')!;

const unit: HsaUnit = {
  unitHsaId: 'SE2321000016-15CQ',
  unitName: 'Psykiatriska kliniken, avdelning 12 & <Öst>',
  publicName: 'Psykiatri avd 12',
  businessClassifications: [{ name: 'Psykiatri', code: '1000' }, { name: 'Beroendevård' }],
  careTypes: ['02'],
  countyCode: '01',
  countyName: 'Stockholms län',
};
const careUnit: HsaHealthCareUnit = {
  unitIsHealthCareUnit: false,
  healthCareUnitMemberHsaId: 'SE2321000016-15CQ',
  healthCareUnitMemberName: 'Psykiatriska kliniken, avdelning 12',
  healthCareUnitHsaId: 'SE2321000016-1000',
  healthCareUnitName: 'Psykiatri Södra',
  healthCareProviderHsaId: 'SE2321000016-0001',
  healthCareProviderName: 'Region Stockholm',
  healthCareProviderOrgNo: '2321000016',
};
const provider: HsaHealthCareProvider = { healthCareProviderHsaId: 'SE5565594230-0001', healthCareProviderName: 'Privat Vård AB', healthCareProviderOrgNo: '5565594230' };

describe('HSA messages', () => {
  it('builds requests the schemas accept, and reads them back', () => {
    const cases: [HsaOperation, string][] = [
      ['GetUnit', buildGetUnitRequest('SE2321000016-15CQ')],
      ['GetHealthCareUnit', buildGetHealthCareUnitRequest('SE2321000016-15CQ')],
      ['GetHealthCareProvider', buildGetHealthCareProviderRequest('SE2321000016-15CQ')],
    ];
    for (const [operation, body] of cases) {
      const xml = soapEnvelope(body, { logicalAddress: 'SE0000000000-HSA' });
      expectValid(xml, operation);
      expect(readHsaRequest(xml)).toEqual({ operation, hsaId: 'SE2321000016-15CQ', logicalAddress: 'SE0000000000-HSA', includeFeignedObject: false });
    }
  });

  it('builds answers the schemas accept, found and not found, and reads back what was written', () => {
    const answers: [HsaOperation, string, unknown, (xml: string) => unknown][] = [
      ['GetUnit', buildGetUnitResponse(unit), unit, readGetUnitResponse],
      ['GetUnit', buildGetUnitResponse(undefined), undefined, readGetUnitResponse],
      ['GetHealthCareUnit', buildGetHealthCareUnitResponse(careUnit), careUnit, readGetHealthCareUnitResponse],
      ['GetHealthCareUnit', buildGetHealthCareUnitResponse(undefined), undefined, readGetHealthCareUnitResponse],
      ['GetHealthCareProvider', buildGetHealthCareProviderResponse([provider]), [provider], readGetHealthCareProviderResponse],
      ['GetHealthCareProvider', buildGetHealthCareProviderResponse([]), [], readGetHealthCareProviderResponse],
    ];
    for (const [operation, body, expected, read] of answers) {
      const xml = soapEnvelope(body);
      expectValid(xml, operation);
      expect(read(xml)).toEqual(expected);
    }
  });

  it('the schema check can fail: a unit without its required name is refused', () => {
    const xml = soapEnvelope(buildGetUnitResponse(unit).replace(/<unitName>.*?<\/unitName>/, ''));
    expect(validateAgainstSchema(xml, schema('GetUnit')).valid).toBe(false);
    expect(() => readGetUnitResponse(xml)).toThrow(HsaAnswerError);
  });

  it('refuses bad requests with INPUT_INVALID: not SOAP, another contract, no id, not an HSA-id, a DTD', () => {
    const bad = [
      'not xml',
      '<a/>',
      soapEnvelope('<GetUnit xmlns="urn:other"><unitHsaId>SE2321000016-15CQ</unitHsaId></GetUnit>'),
      soapEnvelope(`<GetUnit xmlns="${HSA_INTERACTIONS.GetUnit.responderNamespace}"/>`),
      soapEnvelope(`<GetUnit xmlns="${HSA_INTERACTIONS.GetUnit.responderNamespace}"><unitHsaId>19121212-1212</unitHsaId></GetUnit>`),
      soapEnvelope(`<GetUnit xmlns="${HSA_INTERACTIONS.GetUnit.responderNamespace}"><unitHsaId>SE2321000016-15CQ</unitHsaId><unitHsaId>SE2321000016-15CR</unitHsaId></GetUnit>`),
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]>${soapEnvelope(buildGetUnitRequest('SE2321000016-15CQ'))}`,
    ];
    for (const xml of bad) {
      let error: unknown;
      try {
        readHsaRequest(xml);
      } catch (e) {
        error = e;
      }
      expect(isJournalenError(error, 'INPUT_INVALID'), xml).toBe(true);
    }
  });

  it('reads a fault as a fault, and another contract\'s answer as malformed', () => {
    expect(() => readGetUnitResponse('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>down</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>')).toThrow(/SOAP Fault/);
    expect(() => readGetUnitResponse(soapEnvelope(buildGetHealthCareUnitResponse(careUnit)))).toThrow(/expected GetUnitResponse/);
  });
});

describe('HSA codes', () => {
  it('reads specialties, wards, counties and regions', () => {
    expect(specialtyOf([{ name: 'Allmänmedicin' }, { name: 'Barn- och ungdomspsykiatri' }])).toBe('psychiatry');
    expect(specialtyOf([{ name: 'allmänmedicin' }])).toBe('general-practice');
    expect(specialtyOf([{ name: 'Geriatrik' }])).toBe('Geriatrik');
    expect(specialtyOf([{ code: '1234' }])).toBeNull();
    expect(inpatientOf(['01'])).toBe(false);
    expect(inpatientOf(['01', '02'])).toBe(true);
    expect(inpatientOf([])).toBe(true);
    expect(regionOfCounty('12')).toBe('12');
    expect(regionOfCounty('02')).toBeUndefined();
    expect(isRegionOrganisation('232100-0016')).toBe(true);
    expect(isRegionOrganisation('162321000016')).toBe(true);
    expect(isRegionOrganisation('212000-0803')).toBe(true);
    expect(isRegionOrganisation('5565594230')).toBe(false);
  });
});

describe('HSA adapter against the simulated HSA directory', () => {
  let hsa: RunningHsaDirectory;
  const privateProvider = { healthCareProviderHsaId: 'SE5560000001-PRIV', healthCareProviderName: 'Privatvården AB', healthCareProviderOrgNo: '5560000001', countyCode: '01' as const };
  const privateUnit = { hsaId: 'SE5560000001-PV01', name: 'Privatpsykiatrin Malmö', providerHsaId: privateProvider.healthCareProviderHsaId, businessClassificationName: 'Psykiatri', careTypes: ['01'], countyCode: '12' as const };
  const sent: { url: string; headers: Record<string, string> }[] = [];
  const recording: Transport = (url, init) => {
    sent.push({ url, headers: init.headers });
    return fetch(url, init);
  };
  const adapter = (overrides: Partial<HsaDirectoryOptions> = {}) =>
    createHsaDirectory({ url: hsa.endpointFor, logicalAddress: hsa.logicalAddress, consumerHsaId: CONSUMER, transport: recording, timeoutMs: 2000, ...overrides });

  beforeAll(async () => {
    const demo = demoHsaCatalogue();
    hsa = await startSimulatedHsaDirectory({ catalogue: { providers: [...demo.providers, privateProvider], units: [...demo.units, privateUnit] } });
  });
  afterAll(async () => hsa?.close());

  it('gives a unit its name, provider, specialty, ward and county', async () => {
    expect(await adapter().unit(skanePsychWard.hsaId)).toEqual({
      hsaId: skanePsychWard.hsaId,
      name: skanePsychWard.name,
      careProviderHsaId: careGiverOf('12').hsaId,
      specialty: 'psychiatry',
      inpatient: true,
      countyRegion: '12',
    });
    expect(await adapter().unit(skaneVc.hsaId)).toMatchObject({ specialty: 'general-practice', inpatient: false });
  });

  it('gives a region provider its region, and a private provider none (its units\' county decides)', async () => {
    expect(await adapter().provider(careGiverOf('12').hsaId)).toEqual({ hsaId: careGiverOf('12').hsaId, name: 'Region Skåne', regionCode: '12' });
    expect(await adapter().provider(privateProvider.healthCareProviderHsaId)).toEqual({ hsaId: privateProvider.healthCareProviderHsaId, name: 'Privatvården AB', regionCode: null });
    expect(await adapter().unit(privateUnit.hsaId)).toMatchObject({ careProviderHsaId: privateProvider.healthCareProviderHsaId, countyRegion: '12' });
  });

  it('sends the RIV-TA headers to each contract\'s endpoint', async () => {
    sent.length = 0;
    await adapter().unit(skaneVc.hsaId);
    expect(sent.map((s) => s.url).sort()).toEqual([`${hsa.url}/GetHealthCareUnit/2`, `${hsa.url}/GetUnit/5`]);
    for (const s of sent) {
      expect(s.headers['x-rivta-original-serviceconsumer-hsaid']).toBe(CONSUMER);
      expect(s.headers['x-skltp-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(s.headers.soapaction).toMatch(/^"urn:riv:infrastructure:directory:organization:Get\w+Responder:\d:Get\w+"$/);
    }
  });

  it('says undefined for what HSA does not have, without a call for what is not an HSA-id', async () => {
    expect(await adapter().unit('SE2321000016-NONE')).toBeUndefined();
    expect(await adapter().provider('SE2321000016-NONE')).toBeUndefined();
    const before = hsa.calls();
    expect(await adapter().unit('19121212-1212')).toBeUndefined();
    expect(hsa.calls()).toBe(before);
  });

  const unavailable = async (run: () => Promise<unknown>) => {
    const error = await run().then(() => undefined, (e: unknown) => e);
    expect(isJournalenError(error, 'DIRECTORY_UNAVAILABLE'), String(error)).toBe(true);
    return error as Error;
  };

  it('throws DIRECTORY_UNAVAILABLE for a fault, an HTTP error, a timeout, a refused connection', async () => {
    try {
      hsa.setFault('soapFault');
      expect((await unavailable(() => adapter().unit(skaneVc.hsaId))).message).toMatch(/SOAP Fault/);
      hsa.setFault('http500');
      expect((await unavailable(() => adapter().provider(careGiverOf('12').hsaId))).message).toMatch(/HTTP 500/);
      hsa.setFault('timeout');
      expect((await unavailable(() => adapter({ timeoutMs: 200 }).unit(skaneVc.hsaId))).message).toMatch(/no answer within 200 ms/);
    } finally {
      hsa.setFault(null);
    }
    await unavailable(() => adapter({ url: () => 'http://127.0.0.1:1/GetUnit/5' }).unit(skaneVc.hsaId));
    // The wrong logical address is the directory's refusal, not "not found".
    await unavailable(() => adapter({ logicalAddress: 'SE0000000000-OTHER' }).unit(skaneVc.hsaId));
  });

  it('refuses hostile or wrong answers: a DTD, an oversized answer, an answer about another unit', async () => {
    const answering = (xml: string): Transport => async () => new Response(xml, { status: 200, headers: { 'content-type': 'text/xml' } });
    const dtd = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY lol "lol">]>${soapEnvelope(buildGetUnitResponse(unit))}`;
    expect((await unavailable(() => adapter({ transport: answering(dtd) }).unit(unit.unitHsaId))).message).toMatch(/DOCTYPE/);
    const big = soapEnvelope(buildGetUnitResponse({ ...unit, unitName: 'x'.repeat(5000) }));
    await unavailable(() => adapter({ transport: answering(big), maxResponseBytes: 1000 }).unit(unit.unitHsaId));
    const other = soapEnvelope(buildGetHealthCareProviderResponse([provider]));
    expect((await unavailable(() => adapter({ transport: answering(other) }).provider('SE2321000016-0002'))).message).toMatch(/another care provider/);
    const transport: Transport = async (url) =>
      new Response(soapEnvelope(url.includes('GetUnit') ? buildGetUnitResponse(unit) : buildGetHealthCareUnitResponse(careUnit)), { status: 200 });
    expect((await unavailable(() => adapter({ transport }).unit('SE2321000016-OTHR'))).message).toMatch(/about SE2321000016-15CQ/);
  });
});
