import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FoundEngagement } from '../aggregation/common.js';
import { ownEngagementIndex } from '../aggregation/fetch-record.js';
import { NATIONAL_AGGREGATOR_LOGICAL_ADDRESS } from '../aggregation/platform.js';
import { platformFaultOf, type Transport } from '../aggregation/source-call.js';
import { CONTRACT_VERSIONS, contractVersion, parseContractResponse } from '../contracts/registry.js';
import { responderSchemaFile, validateAgainstSchema } from '../contracts/schema-validation.js';
import { soapEnvelope } from '../contracts/soap.js';
import type { ContractRequest, ContractVersion } from '../contracts/types.js';
import { children, parseXml, type XmlNode } from '../contracts/xml.js';
import { JOURNALEN_HSA_ID } from '../engagement-index/engagement.js';
import { grant, removeRoute, upsertRoute } from '../routing/store.js';
import { describeEachDatabase } from '../testing/databases.js';
import { createTestPki } from '../testing/pki.js';
import { RIVTA_DIR, SAMPLES_DIR } from '../testing/rivta.js';
import { startWorld, type World } from '../testing/world.js';
import { createRivTransport } from '../transport/riv-transport.js';
import { startNationalPlatform, writeProcessingStatus, type AggregatingPlatformOptions, type RunningPlatform } from './platform.js';
import { TOLVAN } from './population.js';
import { startSimulators } from './server.js';
import { contractNamespaceOf, withLogicalAddress } from './vp-messages.js';

const HEADERS_XSD = path.join(RIVTA_DIR, 'interoperability_headers', 'headers', '1.0', 'core_components', 'interoperability_headers_1.0.xsd');
const PLATFORM = NATIONAL_AGGREGATOR_LOGICAL_ADDRESS;
const diagnosis = contractVersion('GetDiagnosis')!;

/** The ProcessingStatus element of an answer, as a document of its own. */
const headerOf = (xml: string) => {
  const header = /<ProcessingStatus[\s>][\s\S]*<\/ProcessingStatus>/.exec(xml)?.[0];
  expect(header).toBeDefined();
  return header!;
};

/** Each ProcessingStatusList entry as the sequence of its element names (nested ones as name/child). */
function shapes(xml: string): Map<string, string[]> {
  const parsed = parseXml(xml.replace(/<!--[\s\S]*?-->/g, ''));
  if (!parsed.ok) throw new Error(parsed.problem.message);
  const status = children(parsed.root, 'ProcessingStatus')[0];
  const names = (node: XmlNode, prefix = ''): string[] =>
    Object.keys(node)
      .filter((k) => !k.startsWith('@_') && k !== '#text')
      .flatMap((k) => [`${prefix}${k}`, ...children(node, k).flatMap((c) => names(c, `${prefix}${k}/`))]);
  const byCode = new Map<string, string[]>();
  for (const entry of children(status, 'ProcessingStatusList')) {
    const code = (children(entry, 'statusCode')[0]?.['#text'] as string | undefined) ?? '?';
    if (!byCode.has(code)) byCode.set(code, names(entry));
  }
  return byCode;
}

const sample = (name: string) => readFileSync(path.join(SAMPLES_DIR, 'agp', name), 'utf8');

describeEachDatabase('simulated national platform (VP + AGP)', (getDb) => {
  let world: World;
  let platform: RunningPlatform;
  const started: RunningPlatform[] = [];
  const start = async (options: Omit<AggregatingPlatformOptions, 'db'> = {}) => {
    const p = await startNationalPlatform({ db: getDb().db, ...options, timeouts: { producerRetryDelayMs: 20, ...options.timeouts } });
    started.push(p);
    return p;
  };
  const cosmic = () => world.sources.simulators.system('cosmic');
  const takecare = () => world.sources.simulators.system('takecare');
  const withFault = async <T>(id: 'cosmic' | 'takecare', fault: Parameters<World['sources']['simulators']['setFault']>[1], run: () => Promise<T>) => {
    await world.sources.simulators.setFault(id, fault);
    try {
      return await run();
    } finally {
      await world.sources.simulators.setFault(id, null);
    }
  };

  beforeAll(async () => {
    world = await startWorld(getDb());
    platform = await start();
  });
  afterAll(async () => {
    await Promise.all(started.map((p) => p.close()));
    await world?.close();
  });

  interface Ask {
    readonly to?: string;
    readonly contract?: ContractVersion;
    readonly request?: Partial<ContractRequest>;
    readonly headers?: Record<string, string | null>;
    readonly body?: string;
    readonly url?: string;
    readonly via?: RunningPlatform;
  }
  const ask = async (o: Ask = {}) => {
    const contract = o.contract ?? diagnosis;
    const body = o.body ?? soapEnvelope(contract.buildRequest({ patientId: TOLVAN, ...o.request }), { logicalAddress: o.to ?? PLATFORM });
    const headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8', 'x-rivta-original-serviceconsumer-hsaid': JOURNALEN_HSA_ID };
    for (const [k, v] of Object.entries(o.headers ?? {})) {
      if (v === null) delete headers[k];
      else headers[k] = v;
    }
    const via = o.via ?? platform;
    const res = await fetch(o.url ?? via.endpointFor(contract), { method: 'POST', headers, body });
    const xml = await res.text();
    return { status: res.status, xml, parsed: parseContractResponse(xml) };
  };
  const faultOf = (answer: Awaited<ReturnType<typeof ask>>) => {
    expect(answer.status).toBe(500);
    const fault = answer.parsed.faults[0];
    expect(fault).toMatchObject({ kind: 'soapFault' });
    return fault as { code?: string; message: string };
  };

  // ---- AGP ---------------------------------------------------------------------------------------

  it.each(CONTRACT_VERSIONS.map((c) => [`${c.contract} ${c.major}`, c] as const))('aggregates %s: every source\'s items, DataFromSource each, valid against the schemas', async (_name, contract) => {
    const { status, xml, parsed } = await ask({ contract });
    expect(status).toBe(200);
    expect(validateAgainstSchema(xml, responderSchemaFile(RIVTA_DIR, contract))).toEqual({ valid: true, errors: [] });
    expect(validateAgainstSchema(headerOf(xml), HEADERS_XSD)).toEqual({ valid: true, errors: [] });
    expect(parsed).toMatchObject({ contract: contract.contract, version: contract.major, faults: [] });
    const listed = new Set(parsed.processingStatus!.map((e) => e.logicalAddress));
    expect(listed.size).toBeGreaterThan(0);
    for (const item of parsed.items) expect(listed.has(item.sourceSystemHsaId!)).toBe(true);
    for (const entry of parsed.processingStatus!) {
      expect(entry).toMatchObject({ statusCode: 'DataFromSource', isResponseFromCache: false, isResponseInSynch: true, lastSuccessfulSynch: expect.stringMatching(/^\d{14}$/) });
    }
  });

  it('writes ProcessingStatus entries shaped as the real AGP\'s (the samples), lastSuccessfulSynch left out for a failure', async () => {
    const answer = await withFault('cosmic', { kind: 'down' }, () => ask());
    expect(answer.status).toBe(200);
    const mine = shapes(headerOf(answer.xml));
    const real = new Map([...shapes(sample('processingstatus_no_failures.xml')), ...shapes(sample('processingstatus_with_failures.xml'))]);
    expect(mine.get('DataFromSource')?.length).toBeGreaterThan(4);
    expect(mine.get('NoDataSynchFailed')?.length).toBeGreaterThan(4);
    expect(mine.get('DataFromSource')).toEqual(real.get('DataFromSource'));
    expect(mine.get('NoDataSynchFailed')).toEqual(real.get('NoDataSynchFailed'));
    expect(mine.get('NoDataSynchFailed')).not.toContain('lastSuccessfulSynch');
    const entry = answer.parsed.processingStatus!.find((e) => e.logicalAddress === cosmic().logicalAddress);
    expect(entry).toMatchObject({
      statusCode: 'NoDataSynchFailed',
      isResponseFromCache: false,
      isResponseInSynch: false,
      lastUnsuccessfulSynchError: { causingAgent: 'virtualization_platform', code: '500', text: expect.stringMatching(/^VP009 \[/) },
    });
    expect(answer.parsed.items.some((i) => i.sourceSystemHsaId === cosmic().logicalAddress)).toBe(false);
    expect(answer.parsed.items.length).toBeGreaterThan(0);
  });

  it('codes a producer\'s own SOAP fault with its HTTP status, an unreadable answer 43000, a slow one 504, one still out "Unknown error"', async () => {
    const codeOf = (xml: string) => parseContractResponse(xml).processingStatus!.find((e) => e.logicalAddress === cosmic().logicalAddress)?.lastUnsuccessfulSynchError;
    expect(codeOf((await withFault('cosmic', { kind: 'soapFault' }, () => ask())).xml)).toMatchObject({ code: '500', causingAgent: 'virtualization_platform' });
    expect(codeOf((await withFault('cosmic', { kind: 'malformedXml' }, () => ask())).xml)).toMatchObject({ code: '43000', text: expect.stringMatching(/^Unmarshalling Error/) });
    const quick = await start({ timeouts: { agpSourceMs: 300 } });
    expect(codeOf((await withFault('cosmic', { kind: 'timeout' }, () => ask({ via: quick }))).xml)).toMatchObject({ code: '504' });
    const hasty = await start({ timeouts: { agpSourceMs: 5000, aggregateMs: 300 } });
    const late = await withFault('cosmic', { kind: 'timeout' }, () => ask({ via: hasty }));
    expect(codeOf(late.xml)).toEqual({ causingAgent: 'virtualization_platform', code: '43000', text: 'Unknown error' });
    // The late source comes last, after every source that finished.
    expect(late.parsed.processingStatus!.at(-1)!.logicalAddress).toBe(cosmic().logicalAddress);
  });

  it('concatenates the sources in the order they finish, without sorting', async () => {
    const { parsed } = await withFault('cosmic', { kind: 'slow', delayMs: 400 }, () => ask());
    const order = parsed.processingStatus!.map((e) => e.logicalAddress);
    expect(order.length).toBeGreaterThan(2);
    expect(order.at(-1)).toBe(cosmic().logicalAddress);
    const sources = parsed.items.map((i) => i.sourceSystemHsaId);
    expect(sources.at(-1)).toBe(cosmic().logicalAddress);
    expect(sources.indexOf(cosmic().logicalAddress)).toBeGreaterThan(0);
  });

  it('calls only the system named in sourceSystemHSAId', async () => {
    const { parsed } = await ask({ request: { sourceSystemHsaId: takecare().logicalAddress } });
    expect(parsed.processingStatus!.map((e) => e.logicalAddress)).toEqual([takecare().logicalAddress]);
    expect(parsed.items.length).toBeGreaterThan(0);
    expect(parsed.items.every((i) => i.sourceSystemHsaId === takecare().logicalAddress)).toBe(true);
  });

  it('asks a source for the sender or the original consumer, and VP then checks the sender (VP007 in the status, as in the sample)', async () => {
    const db = getDb().db;
    const sender = 'SE0000000077-SENDER';
    const original = 'SE0000000078-ORIGIN';
    const ns = diagnosis.responderNamespace;
    await grant(db, { consumerHsaId: sender, serviceContractNamespace: ns, logicalAddress: PLATFORM });
    await grant(db, { consumerHsaId: sender, serviceContractNamespace: ns, logicalAddress: cosmic().logicalAddress });
    await grant(db, { consumerHsaId: original, serviceContractNamespace: ns, logicalAddress: takecare().logicalAddress });
    const { parsed } = await ask({ headers: { 'x-vp-sender-id': sender, 'x-rivta-original-serviceconsumer-hsaid': original } });
    const entries = new Map(parsed.processingStatus!.map((e) => [e.logicalAddress, e]));
    // Neither may call the other five: they are left out, with no status.
    expect([...entries.keys()].sort()).toEqual([cosmic().logicalAddress, takecare().logicalAddress].sort());
    expect(entries.get(cosmic().logicalAddress)).toMatchObject({ statusCode: 'DataFromSource' });
    expect(entries.get(takecare().logicalAddress)).toMatchObject({
      statusCode: 'NoDataSynchFailed',
      lastUnsuccessfulSynchError: { causingAgent: 'virtualization_platform', code: '500', text: expect.stringMatching(/^VP007 /) },
    });
    expect(parsed.items.every((i) => i.sourceSystemHsaId === cosmic().logicalAddress)).toBe(true);
  });

  it('drops engagements at its own address (no call to itself)', async () => {
    const own = ownEngagementIndex(getDb().db);
    // Even with a route to itself, it does not call itself.
    await upsertRoute(getDb().db, { logicalAddress: PLATFORM, serviceContractNamespace: diagnosis.responderNamespace, endpointUrl: platform.endpointFor(diagnosis) });
    const looping = await start({
      // Short, so that a platform calling itself would fail here rather than hang.
      timeouts: { agpSourceMs: 2000, aggregateMs: 3000 },
      engagements: {
        async find(patientId, domains, options) {
          const found = await own.find(patientId, domains, options);
          const self: FoundEngagement = { serviceDomain: diagnosis.serviceDomain, categorization: diagnosis.categorization, logicalAddress: PLATFORM, sourceSystem: PLATFORM };
          return [...found, self];
        },
      },
    });
    const { status, parsed } = await ask({ via: looping });
    expect(status).toBe(200);
    const listed = parsed.processingStatus!.map((e) => e.logicalAddress);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed).not.toContain(PLATFORM);
    expect(looping.stats().aggregated).toBe(1);
    await removeRoute(getDb().db, { logicalAddress: PLATFORM, serviceContractNamespace: diagnosis.responderNamespace });
  });

  it('keeps no cache unless asked: a failing source is NoDataSynchFailed the second time too', async () => {
    await ask();
    const { parsed } = await withFault('cosmic', { kind: 'down' }, () => ask());
    expect(parsed.processingStatus!.find((e) => e.logicalAddress === cosmic().logicalAddress)).toMatchObject({ statusCode: 'NoDataSynchFailed', isResponseFromCache: false });
    expect(parsed.processingStatus!.every((e) => e.statusCode === 'DataFromSource' || e.statusCode === 'NoDataSynchFailed')).toBe(true);
  });

  it('passes each source\'s hasMore on, naming the source, unless told to drop it as SKLTP\'s plugin does', async () => {
    const notes3 = contractVersion('GetCareDocumentation', '3')!;
    const paged = await startSimulators({ population: world.sources.population, systems: ['cosmic', 'takecare'], pageSize: 1 });
    const reroute = (id: 'cosmic' | 'takecare', to: { endpointFor: (c: ContractVersion) => string }) =>
      upsertRoute(getDb().db, { logicalAddress: world.sources.simulators.system(id).logicalAddress, serviceContractNamespace: notes3.responderNamespace, endpointUrl: to.endpointFor(notes3) });
    await reroute('cosmic', paged.system('cosmic'));
    await reroute('takecare', paged.system('takecare'));
    try {
      const forwarded = await ask({ contract: notes3 });
      const more = /<hasMore>[\s\S]*?<\/hasMore>/g;
      const offers = [...forwarded.xml.matchAll(more)].map((m) => /<logicalAddress>([^<]*)</.exec(m[0])?.[1]).sort();
      expect(offers).toEqual([cosmic().logicalAddress, takecare().logicalAddress].sort());
      expect(validateAgainstSchema(forwarded.xml, responderSchemaFile(RIVTA_DIR, notes3))).toEqual({ valid: true, errors: [] });
      const dropping = await start({ hasMore: 'drop' });
      const dropped = await ask({ contract: notes3, via: dropping });
      expect(dropped.parsed.items.filter((i) => i.sourceSystemHsaId === cosmic().logicalAddress).length).toBe(1);
      expect(dropped.xml).not.toContain('hasMore');
    } finally {
      await reroute('cosmic', cosmic());
      await reroute('takecare', takecare());
      await paged.close();
    }
  });

  // ---- VP ----------------------------------------------------------------------------------------

  it('routes a call to a producer by its logical address, whatever the path, and passes the answer on unchanged', async () => {
    const request = { sourceSystemHsaId: cosmic().logicalAddress };
    const body = soapEnvelope(diagnosis.buildRequest({ patientId: TOLVAN, ...request }), { logicalAddress: cosmic().logicalAddress });
    const direct = await (await fetch(cosmic().endpointFor(diagnosis), { method: 'POST', headers: { 'content-type': 'text/xml' }, body })).text();
    for (const url of [platform.endpointFor(diagnosis), `${platform.baseUrl}/GetDiagnosis/2`, `${platform.baseUrl}/vp/anything/at/all`]) {
      const answer = await ask({ to: cosmic().logicalAddress, request, url });
      expect(answer.status).toBe(200);
      expect(answer.xml).toBe(direct);
      expect(answer.parsed.processingStatus).toBeUndefined();
      expect(answer.parsed.items.length).toBeGreaterThan(0);
    }
  });

  it('passes the RIV-TA headers on: the original consumer filled in with the sender, the correlation id kept', async () => {
    const seen: Record<string, string>[] = [];
    const spying: Transport = (url, init) => {
      seen.push(init.headers);
      return fetch(url, init);
    };
    const spied = await start({ transport: spying });
    await ask({ via: spied, to: cosmic().logicalAddress, headers: { 'x-rivta-original-serviceconsumer-hsaid': null, 'x-vp-sender-id': JOURNALEN_HSA_ID, 'x-skltp-correlation-id': 'corr-1' } });
    expect(seen).toEqual([expect.objectContaining({ 'x-rivta-original-serviceconsumer-hsaid': JOURNALEN_HSA_ID, 'x-skltp-correlation-id': 'corr-1', 'x-vp-sender-id': JOURNALEN_HSA_ID })]);
  });

  it('refuses as VP does: VP002 no consumer, VP003 no LogicalAddress, VP004 no route, VP007 no authorization, VP015 unreadable', async () => {
    const unknown = await ask({ to: 'SE0000000001-NOWHERE' });
    expect(faultOf(unknown)).toMatchObject({ code: 'soapenv:Client', message: expect.stringMatching(/^VP004 \[SIMULATED-NTJP\] /) });
    expect(unknown.xml).toContain('receiverId: SE0000000001-NOWHERE');
    // A contract the aggregating service does not aggregate at its own address.
    const notAggregated = await ask({ body: soapEnvelope('<GetSomething xmlns="urn:riv:other:GetSomethingResponder:1"/>', { logicalAddress: PLATFORM }) });
    expect(faultOf(notAggregated).message).toMatch(/^VP004 /);
    const stranger = await ask({ to: cosmic().logicalAddress, headers: { 'x-rivta-original-serviceconsumer-hsaid': 'SE0000000099-NOGRANT' } });
    expect(faultOf(stranger)).toMatchObject({ code: 'soapenv:Server', message: expect.stringMatching(/^VP007 /) });
    expect(faultOf(await ask({ via: platform, to: PLATFORM, headers: { 'x-rivta-original-serviceconsumer-hsaid': 'SE0000000099-NOGRANT' } })).message).toMatch(/^VP007 /);
    expect(faultOf(await ask({ headers: { 'x-rivta-original-serviceconsumer-hsaid': null } })).message).toMatch(/^VP002 /);
    expect(faultOf(await ask({ body: soapEnvelope(diagnosis.buildRequest({ patientId: TOLVAN })) })).message).toMatch(/^VP003 /);
    expect(faultOf(await ask({ body: '<not xml' })).message).toMatch(/^VP015 /);
    // What a consumer reads from them.
    expect(platformFaultOf(faultOf(stranger), stranger.xml)).toEqual({ code: 'VP007', timeout: false });
    expect(platform.stats().vpFaults).toMatchObject({ VP002: expect.any(Number), VP003: expect.any(Number), VP004: expect.any(Number), VP007: expect.any(Number), VP015: expect.any(Number) });
  });

  it('says VP009 when the producer cannot be reached (after one retry) or does not answer in time', async () => {
    let attempts = 0;
    const counting = await start({ transport: (url, init) => (attempts++, fetch(url, init)) });
    const down = await withFault('cosmic', { kind: 'down' }, () => ask({ via: counting, to: cosmic().logicalAddress }));
    expect(faultOf(down)).toMatchObject({ code: 'soapenv:Server', message: expect.stringMatching(/^VP009 /) });
    expect(platformFaultOf(faultOf(down), down.xml)).toEqual({ code: 'VP009', timeout: false });
    // A refused connection is a socket error: VP tries once more.
    expect(attempts).toBe(2);
    const plain = await withFault('cosmic', { kind: 'http500' }, () => ask({ to: cosmic().logicalAddress }));
    expect(plain.xml).toContain('VP_PRODUCER_EXCEPTION_HTTP_STATUS=500');
    // A producer's own SOAP fault is passed on as it is.
    const own = await withFault('cosmic', { kind: 'soapFault' }, () => ask({ to: cosmic().logicalAddress }));
    expect(faultOf(own).message).not.toMatch(/^VP/);
    const impatient = await start({ timeouts: { producerMs: 300 } });
    const slow = await withFault('cosmic', { kind: 'timeout' }, () => ask({ via: impatient, to: cosmic().logicalAddress }));
    expect(platformFaultOf(faultOf(slow), slow.xml)).toEqual({ code: 'VP009', timeout: true });
  });
});

describeEachDatabase('simulated national platform over mutual TLS', (getDb) => {
  let world: World;
  let platform: RunningPlatform;
  let pki: Awaited<ReturnType<typeof createTestPki>>;
  const transports: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    world = await startWorld(getDb());
    pki = await createTestPki();
    const server = await pki.issue({ commonName: 'platform', usage: 'server' });
    platform = await startNationalPlatform({ db: getDb().db, tls: { key: server.keyPem, cert: server.certPem, ca: pki.caPem } });
  });
  afterAll(async () => {
    await Promise.all(transports.map((t) => t.close()));
    await platform?.close();
    await world?.close();
  });

  const client = async (serialNumber: string | undefined, ca = pki) => {
    const issued = await ca.issue({ commonName: 'consumer', usage: 'client', ...(serialNumber !== undefined ? { serialNumber } : {}) });
    const transport = createRivTransport({ tls: { cert: Buffer.from(issued.certPem), key: Buffer.from(issued.keyPem), ca: [Buffer.from(pki.caPem)] } });
    transports.push(transport);
    return transport;
  };
  const call = async (transport: Transport, headers: Record<string, string> = {}) => {
    const body = soapEnvelope(diagnosis.buildRequest({ patientId: TOLVAN }), { logicalAddress: PLATFORM });
    const res = await transport(platform.endpointFor(diagnosis), { method: 'POST', headers: { 'content-type': 'text/xml', ...headers }, body, signal: AbortSignal.timeout(10_000) });
    const xml = await res.text();
    return { status: res.status, xml, parsed: parseContractResponse(xml) };
  };

  it('takes the consumer from the client certificate\'s SERIALNUMBER, not from a header', async () => {
    expect(platform.baseUrl).toMatch(/^https:/);
    const ours = await call(await client(JOURNALEN_HSA_ID), { 'x-vp-sender-id': 'SE0000000099-NOGRANT' });
    expect(ours.status).toBe(200);
    expect(ours.parsed.processingStatus!.length).toBeGreaterThan(0);
    expect(ours.parsed.items.length).toBeGreaterThan(0);
    // Another HSA-id in the certificate is another consumer, whatever the headers say.
    const theirs = await call(await client('SE0000000099-NOGRANT'), { 'x-vp-sender-id': JOURNALEN_HSA_ID, 'x-rivta-original-serviceconsumer-hsaid': JOURNALEN_HSA_ID });
    expect(parseContractResponse(theirs.xml).faults[0]!.message).toMatch(/^VP007 /);
  });

  it('says VP002 for a certificate without SERIALNUMBER, and refuses one from another CA or none at all', async () => {
    const anonymous = await call(await client(undefined));
    expect(anonymous.status).toBe(500);
    expect(anonymous.parsed.faults[0]!.message).toMatch(/^VP002 /);
    const foreign = await call(await client(JOURNALEN_HSA_ID, await createTestPki())).catch((error: unknown) => error);
    expect(foreign).toBeInstanceOf(Error);
    const bare = createRivTransport({ tls: { ca: [Buffer.from(pki.caPem)] } });
    transports.push(bare);
    expect(await call(bare).catch((error: unknown) => error)).toBeInstanceOf(Error);
  });
});

describe('VP message reading', () => {
  it('takes the contract from the namespace of the Body\'s first element, through prefixes declared anywhere up the tree', () => {
    const ns = 'urn:riv:clinicalprocess:healthcond:description:GetDiagnosisResponder:2';
    expect(contractNamespaceOf(soapEnvelope(`<GetDiagnosis xmlns="${ns}"><x/></GetDiagnosis>`, { logicalAddress: 'A' }))).toBe(ns);
    expect(
      contractNamespaceOf(
        `<?xml version="1.0"?><!-- c --><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:g="${ns}"><s:Header><g:Nope/></s:Header><s:Body>\n<!-- c --><g:GetDiagnosis/></s:Body></s:Envelope>`,
      ),
    ).toBe(ns);
    expect(contractNamespaceOf(`<s:Envelope xmlns:s="x"><s:Body><GetDiagnosis/></s:Body></s:Envelope>`)).toBeUndefined();
    expect(contractNamespaceOf(`<s:Envelope xmlns:s="x"><s:Body><u:GetDiagnosis/></s:Body></s:Envelope>`)).toBeUndefined();
  });

  it('replaces the receiver in the header only', () => {
    const xml = soapEnvelope(diagnosis.buildRequest({ patientId: TOLVAN }), { logicalAddress: PLATFORM });
    const moved = withLogicalAddress(xml, 'SE1&2');
    expect(moved).toContain('>SE1&amp;2</LogicalAddress>');
    expect(moved.replace('SE1&amp;2', PLATFORM)).toBe(xml);
  });

  it('writes a ProcessingStatus that is valid when every source answered', () => {
    const header = writeProcessingStatus([{ logicalAddress: 'SE0000000001-AAAA', statusCode: 'DataFromSource', isResponseFromCache: false, isResponseInSynch: true, lastSuccessfulSynch: '20261123120000' }]);
    expect(validateAgainstSchema(header, HEADERS_XSD)).toEqual({ valid: true, errors: [] });
  });
});
