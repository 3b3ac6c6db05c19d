import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceStatus } from '../aggregation/fetch-record.js';
import { NATIONAL_AGGREGATOR_LOGICAL_ADDRESS } from '../aggregation/platform.js';
import { CONTRACT_VERSIONS, contractVersion, parseContractResponse } from '../contracts/registry.js';
import { responderSchemaFile, validateAgainstSchema } from '../contracts/schema-validation.js';
import { soapEnvelope } from '../contracts/soap.js';
import type { ContractVersion } from '../contracts/types.js';
import { JOURNALEN_HSA_ID } from '../engagement-index/engagement.js';
import { describeEachDatabase } from '../testing/databases.js';
import { RIVTA_DIR } from '../testing/rivta.js';
import { startWorld, type World } from '../testing/world.js';
import { processingStatusOf, startAggregatingPlatform, writeProcessingStatus, type RunningPlatform } from './platform.js';
import { TOLVAN } from './population.js';

const HEADERS_XSD = path.join(RIVTA_DIR, 'interoperability_headers', 'headers', '1.0', 'core_components', 'interoperability_headers_1.0.xsd');
const PLATFORM = NATIONAL_AGGREGATOR_LOGICAL_ADDRESS;

/** The ProcessingStatus element of an answer, as a document of its own, checked against its schema. */
function headerVerdict(xml: string) {
  const header = /<ProcessingStatus[\s>][\s\S]*<\/ProcessingStatus>/.exec(xml)?.[0];
  expect(header).toBeDefined();
  return validateAgainstSchema(header!, HEADERS_XSD);
}

describeEachDatabase('simulated national aggregating service', (getDb) => {
  let world: World;
  let platform: RunningPlatform;

  beforeAll(async () => {
    world = await startWorld(getDb());
    platform = await startAggregatingPlatform({ db: getDb().db, limits: { failureThreshold: 10_000 } });
  });
  afterAll(async () => {
    await platform?.close();
    await world?.close();
  });

  const ask = async (contract: ContractVersion, options: { logicalAddress?: string; consumer?: string | null; body?: string; path?: string } = {}) => {
    const body = options.body ?? soapEnvelope(contract.buildRequest({ patientId: TOLVAN }), { logicalAddress: options.logicalAddress ?? PLATFORM });
    const headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8' };
    if (options.consumer !== null) headers['x-rivta-original-serviceconsumer-hsaid'] = options.consumer ?? JOURNALEN_HSA_ID;
    const res = await fetch(options.path ? `${platform.baseUrl}${options.path}` : platform.endpointFor(contract), { method: 'POST', headers, body });
    return { status: res.status, xml: await res.text() };
  };

  it.each(CONTRACT_VERSIONS.map((c) => [`${c.contract} ${c.major}`, c] as const))('answers %s with every source\'s items, valid against the schemas', async (_name, contract) => {
    const { status, xml } = await ask(contract);
    expect(status).toBe(200);
    expect(validateAgainstSchema(xml, responderSchemaFile(RIVTA_DIR, contract))).toEqual({ valid: true, errors: [] });
    expect(headerVerdict(xml)).toEqual({ valid: true, errors: [] });
    const parsed = parseContractResponse(xml);
    expect(parsed).toMatchObject({ contract: contract.contract, version: contract.major, faults: [] });
    const listed = new Set(parsed.processingStatus!.map((e) => e.logicalAddress));
    for (const item of parsed.items) {
      expect(item.patientId === TOLVAN || item.patientId === '').toBe(true);
      expect(listed.has(item.sourceSystemHsaId!)).toBe(true);
    }
    expect(parsed.processingStatus!.every((e) => e.statusCode === 'DataFromSource')).toBe(true);
  });

  it('says NoDataSynchFailed, with the producer as causing agent, for a source that is down; still schema-valid', async () => {
    const diagnosis = contractVersion('GetDiagnosis')!;
    const cosmic = world.sources.simulators.system('cosmic');
    await world.sources.simulators.setFault('cosmic', { kind: 'down' });
    let answer;
    try {
      answer = await ask(diagnosis);
    } finally {
      await world.sources.simulators.setFault('cosmic', null);
    }
    expect(answer.status).toBe(200);
    expect(headerVerdict(answer.xml)).toEqual({ valid: true, errors: [] });
    const parsed = parseContractResponse(answer.xml);
    expect(parsed.processingStatus!.find((e) => e.logicalAddress === cosmic.logicalAddress)).toMatchObject({
      statusCode: 'NoDataSynchFailed',
      isResponseFromCache: false,
      isResponseInSynch: false,
      lastUnsuccessfulSynchError: { causingAgent: 'service_producer', code: 'connection' },
    });
    expect(parsed.items.some((i) => i.sourceSystemHsaId === cosmic.logicalAddress)).toBe(false);
    expect(parsed.items.length).toBeGreaterThan(0);
  });

  it('refuses what the national platform would refuse, with a SOAP Client fault', async () => {
    const diagnosis = contractVersion('GetDiagnosis')!;
    const refusals = [
      await ask(diagnosis, { logicalAddress: 'SE0000000001-SOMEONE' }),
      await ask(diagnosis, { consumer: null }),
      await ask(diagnosis, { body: soapEnvelope(diagnosis.buildRequest({ patientId: TOLVAN, sourceSystemHsaId: PLATFORM }), { logicalAddress: PLATFORM }) }),
      await ask(diagnosis, { path: '/GetAlertInformation/2' }),
      await ask(diagnosis, { body: '<not xml' }),
    ];
    for (const r of refusals) {
      expect(r.status).toBe(500);
      expect(parseContractResponse(r.xml).faults[0]).toMatchObject({ kind: 'soapFault', code: 'soapenv:Client' });
    }
    expect(parseContractResponse(refusals[0]!.xml).faults[0]!.message).toMatch(/VP004/);
    expect(platform.stats().requests).toBeGreaterThanOrEqual(refusals.length);
  });
});

describe('ProcessingStatus written by the simulated platform', () => {
  const at = new Date('2026-11-23T12:00:00+01:00');
  const base: SourceStatus = { logicalAddress: 'SE0000000001-AAAA', contract: 'GetDiagnosis', version: '2', infoType: 'diagnosis', status: 'answered', itemCount: 1, durationMs: 5 };

  it('follows the schema\'s table for each state, and is valid', () => {
    const records = [
      processingStatusOf(base, at),
      processingStatusOf({ ...base, status: 'answeredFromCache', problem: 'timeout', reason: 'no answer', cacheAgeMs: 60_000 }, at),
      processingStatusOf({ ...base, status: 'noRoute', problem: 'noRoute', reason: 'no route' }, at),
      processingStatusOf({ ...base, status: 'notAuthorized', problem: 'notAuthorized', reason: 'not <allowed> & more' }, at),
      processingStatusOf({ ...base, status: 'timedOut', problem: 'deadline', reason: 'deadline' }, at),
    ];
    expect(records.map((r) => [r.statusCode, r.isResponseFromCache, r.isResponseInSynch, r.lastUnsuccessfulSynchError?.causingAgent, r.lastUnsuccessfulSynchError?.code])).toEqual([
      ['DataFromSource', false, true, undefined, undefined],
      ['DataFromCacheSynchFailed', true, false, 'service_producer', 'timeout'],
      ['NoDataSynchFailed', false, false, 'virtualization_platform', 'VP004'],
      ['NoDataSynchFailed', false, false, 'virtualization_platform', 'VP007'],
      ['NoDataSynchFailed', false, false, 'other', 'deadline'],
    ]);
    expect(records[0]!.lastSuccessfulSynch).toBe('20261123120000');
    expect(records[1]!.lastSuccessfulSynch).toBe('20261123115900');
    expect(validateAgainstSchema(writeProcessingStatus(records), HEADERS_XSD)).toEqual({ valid: true, errors: [] });
  });
});
