import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateAgainstSchema } from '../contracts/schema-validation.js';
import { readEnvelope, soapEnvelope } from '../contracts/soap.js';
import {
  buildGetHealthCareProviderRequest,
  buildGetHealthCareUnitRequest,
  buildGetUnitRequest,
  HSA_INTERACTIONS,
  readGetHealthCareProviderResponse,
  readGetHealthCareUnitResponse,
  readGetUnitResponse,
  type HsaOperation,
} from '../national/hsa-messages.js';
import { RIVTA_DIR } from '../testing/rivta.js';
import { CARE_UNITS, careGiverOf, careGivers } from './care-units.js';
import { createHsaDirectoryHandler, SIMULATED_HSA_LOGICAL_ADDRESS, startSimulatedHsaDirectory, type RunningHsaDirectory } from './hsa-directory.js';

const schema = (operation: HsaOperation) => path.join(RIVTA_DIR, HSA_INTERACTIONS[operation].responderXsd);
const ask = (body: string, logicalAddress = SIMULATED_HSA_LOGICAL_ADDRESS) => soapEnvelope(body, { logicalAddress });
const faultOf = (xml: string) => {
  const envelope = readEnvelope(xml);
  return envelope.kind === 'fault' ? envelope.fault.message : undefined;
};

describe('simulated HSA directory: the handler', () => {
  const handler = createHsaDirectoryHandler();
  const ward = CARE_UNITS.find((u) => u.regionCode === '12' && u.kind === 'psychiatryWard')!;

  it('answers every simulated unit and provider as HSA would, valid against the schemas', async () => {
    expect(CARE_UNITS.length).toBeGreaterThan(100);
    for (const unit of [ward, ...CARE_UNITS.filter((_, i) => i % 25 === 0)]) {
      const got = await handler(ask(buildGetUnitRequest(unit.hsaId)));
      expect(got.status).toBe(200);
      expect(validateAgainstSchema(got.body, schema('GetUnit'))).toEqual({ valid: true, errors: [] });
      expect(readGetUnitResponse(got.body)).toMatchObject({ unitHsaId: unit.hsaId, unitName: unit.name, careTypes: [unit.inpatient ? '02' : '01'], countyCode: unit.regionCode });
      const care = await handler(ask(buildGetHealthCareUnitRequest(unit.hsaId)));
      expect(validateAgainstSchema(care.body, schema('GetHealthCareUnit'))).toEqual({ valid: true, errors: [] });
      expect(readGetHealthCareUnitResponse(care.body)).toMatchObject({ healthCareUnitHsaId: unit.hsaId, healthCareProviderHsaId: careGiverOf(unit.regionCode).hsaId });
    }
    expect(readGetUnitResponse((await handler(ask(buildGetUnitRequest(ward.hsaId)))).body)?.businessClassifications).toEqual([{ name: 'Psykiatri' }]);
    for (const giver of careGivers()) {
      const got = await handler(ask(buildGetHealthCareProviderRequest(giver.hsaId)));
      expect(validateAgainstSchema(got.body, schema('GetHealthCareProvider'))).toEqual({ valid: true, errors: [] });
      expect(readGetHealthCareProviderResponse(got.body)).toEqual([{ healthCareProviderHsaId: giver.hsaId, healthCareProviderName: giver.name, healthCareProviderOrgNo: giver.organisationNumber }]);
    }
  });

  it('answers an unknown id with an empty answer, not a fault', async () => {
    for (const [operation, body] of [
      ['GetUnit', buildGetUnitRequest('SE2321000016-NONE')],
      ['GetHealthCareUnit', buildGetHealthCareUnitRequest('SE2321000016-NONE')],
      ['GetHealthCareProvider', buildGetHealthCareProviderRequest('SE2321000016-NONE')],
    ] as const) {
      const got = await handler(ask(body));
      expect(got.status).toBe(200);
      expect(validateAgainstSchema(got.body, schema(operation)).valid).toBe(true);
      expect(faultOf(got.body)).toBeUndefined();
    }
    expect(readGetUnitResponse((await handler(ask(buildGetUnitRequest('SE2321000016-NONE')))).body)).toBeUndefined();
  });

  it('answers bad requests with a SOAP Client fault', async () => {
    const bad = [
      'garbage',
      ask('<Other xmlns="urn:x"/>'),
      ask(`<GetUnit xmlns="${HSA_INTERACTIONS.GetUnit.responderNamespace}"><unitHsaId>not an id</unitHsaId></GetUnit>`),
      ask(buildGetUnitRequest(ward.hsaId), 'SE0000000000-ELSEWHERE'),
      soapEnvelope(buildGetUnitRequest(ward.hsaId)),
    ];
    for (const body of bad) {
      const got = await handler(body);
      expect(got.status, body).toBe(500);
      expect(got.body).toContain('<faultcode>soapenv:Client</faultcode>');
    }
  });
});

describe('simulated HSA directory over HTTP', () => {
  let hsa: RunningHsaDirectory;
  beforeAll(async () => {
    hsa = await startSimulatedHsaDirectory();
  });
  afterAll(async () => hsa?.close());

  const post = (path: string, body: string) => fetch(`${hsa.url}${path}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });

  it('listens on loopback, answers at /{Contract}/{major}[/rivtabp21], and counts calls', async () => {
    expect(hsa.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const provider = careGiverOf('01').hsaId;
    const before = hsa.calls();
    for (const p of ['/GetHealthCareProvider/1', '/GetHealthCareProvider/1/rivtabp21']) {
      const res = await post(p, ask(buildGetHealthCareProviderRequest(provider)));
      expect(res.status).toBe(200);
      expect(readGetHealthCareProviderResponse(await res.text())[0]?.healthCareProviderName).toBe('Region Stockholm');
    }
    const wrong = await post('/GetUnit/5', ask(buildGetHealthCareProviderRequest(provider)));
    expect(wrong.status).toBe(500);
    expect(faultOf(await wrong.text())).toMatch(/served at \/GetHealthCareProvider\/1/);
    expect(hsa.calls()).toBe(before + 3);
    expect((await fetch(hsa.url)).status).toBe(405);
  });
});
