import { describe, expect, it } from 'vitest';
import { contractVersion } from '../contracts/registry.js';
import { soapEnvelope, soapFault } from '../contracts/soap.js';
import type { ContractVersion } from '../contracts/types.js';
import type { RecordItem } from '../domain/record.js';
import { createPopulation, TOLVAN } from '../simulators/population.js';
import { CallAborted, callSource, checkPatient, readLimited, type CallOptions, type Transport } from './source-call.js';

/** Producer behaviour without a network: answers built with the contracts' own writers. */

const population = createPopulation({ seed: 'test', size: 40, now: new Date('2026-11-23T12:00:00Z') });
const labs = population.itemsFor(TOLVAN, 'cosmic', 'labResult');
const diagnoses = population.itemsFor(TOLVAN, 'cosmic', 'diagnosis');
const gloo4 = contractVersion('GetLaboratoryOrderOutcome', '4')!;
const diagnosis = contractVersion('GetDiagnosis')!;
const notes = contractVersion('GetCareDocumentation', '3')!;

const answering = (xml: string | ((body: string) => string), status = 200): Transport => async (_url, init) =>
  new Response(typeof xml === 'string' ? xml : xml(init.body), { status, headers: { 'content-type': 'text/xml' } });

const options = (contract: ContractVersion, transport: Transport, extra: Partial<CallOptions> = {}): CallOptions => ({
  url: 'http://source.invalid/x',
  logicalAddress: 'SE0000000001-COSMIC',
  contract,
  request: { patientId: TOLVAN },
  consumerHsaId: 'SE5565594230-BDK',
  correlationId: 'c1',
  transport,
  signal: new AbortController().signal,
  maxResponseBytes: 1024 * 1024,
  maxPages: 5,
  ...extra,
});

/** A body of endless 64 KiB chunks that counts what was pulled. */
function endless(declaredLength?: number) {
  let pulled = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += chunk.length;
      controller.enqueue(chunk);
    },
  });
  const headers: Record<string, string> = declaredLength === undefined ? {} : { 'content-length': String(declaredLength) };
  return { response: new Response(body, { headers }), pulled: () => pulled };
}

describe('reading an answer with a size limit', () => {
  it('stops the download at the limit when no length is declared', async () => {
    const { response, pulled } = endless();
    await expect(readLimited(response, 256 * 1024)).rejects.toMatchObject({ problem: 'tooLarge' });
    expect(pulled()).toBeLessThanOrEqual(256 * 1024 + 2 * 64 * 1024);
  });

  it('refuses a declared length over the limit without reading the body', async () => {
    const { response, pulled } = endless(50 * 1024 * 1024);
    await expect(readLimited(response, 256 * 1024)).rejects.toMatchObject({ problem: 'tooLarge' });
    // A ReadableStream pulls once to fill its queue on creation; nothing is read past that.
    expect(pulled()).toBeLessThanOrEqual(64 * 1024);
  });
});

describe('one call to one source', () => {
  it('reads the items of a good answer', async () => {
    const outcome = await callSource(options(diagnosis, answering(soapEnvelope(diagnosis.writeResponse(diagnoses)))));
    expect(outcome).toMatchObject({ ok: true, pages: 1, partial: false, invalidItems: 0 });
    expect(outcome.ok && outcome.items.length).toBe(diagnoses.length);
  });

  it('follows hasMore, sending the reference back, up to maxPages', async () => {
    const sent: string[] = [];
    const transport: Transport = async (_url, init) => {
      const ref = /hasMoreReference>([^<]*)</.exec(init.body)?.[1];
      sent.push(ref ?? '-');
      const n = ref === undefined ? 0 : Number(ref.slice(1));
      return new Response(soapEnvelope(notes.writeResponse([], { hasMore: { reference: `p${n + 1}` } })));
    };
    const outcome = await callSource(options(notes, transport, { maxPages: 3 }));
    expect(sent).toEqual(['-', 'p1', 'p2']);
    expect(outcome).toMatchObject({ ok: true, pages: 3, partial: true });
  });

  it('stops when a producer hands out the same reference twice', async () => {
    let calls = 0;
    const transport: Transport = async () => {
      calls++;
      return new Response(soapEnvelope(notes.writeResponse([], { hasMore: { reference: 'again' } })));
    };
    expect(await callSource(options(notes, transport, { maxPages: 10 }))).toMatchObject({ ok: true, partial: true, pages: 2 });
    expect(calls).toBe(2);
  });

  it('turns each producer failure into a value', async () => {
    const cases: [Transport, string][] = [
      [answering(soapFault('soapenv:Server', 'boom for 19121212-1212'), 500), 'soapFault'],
      [answering('Internal Server Error', 500), 'httpStatus'],
      [answering(soapEnvelope(diagnosis.writeResponse(diagnoses)).slice(0, 300)), 'malformed'],
      [answering(soapEnvelope(notes.writeResponse([]))), 'unexpectedContract'],
      [async () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })), 'connection'],
    ];
    for (const [transport, problem] of cases) {
      const outcome = await callSource(options(diagnosis, transport));
      expect(outcome, problem).toMatchObject({ ok: false, problem });
      // Producer text is shown and logged: never with a personnummer in it.
      if (!outcome.ok) expect(outcome.reason).not.toMatch(/19121212|191212121212/);
    }
  });

  it('says timeout or deadline by what aborted the call', async () => {
    const hanging: Transport = (_url, init) =>
      new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason), { once: true }));
    for (const why of ['timeout', 'deadline'] as const) {
      const controller = new AbortController();
      const pending = callSource(options(diagnosis, hanging, { signal: controller.signal }));
      controller.abort(new CallAborted(why));
      expect(await pending).toMatchObject({ ok: false, problem: why });
    }
  });
});

describe('which patient an item is about', () => {
  const asKept = (items: readonly RecordItem[]) => items.map((i) => i.id);

  it('keeps the patient asked about and drops anyone else', () => {
    const other = { ...diagnoses[0]!, id: 'other', patientId: '195709263080' };
    const { kept, dropped } = checkPatient([...diagnoses, other], TOLVAN, diagnosis);
    expect(asKept(kept)).toEqual(asKept(diagnoses));
    expect(dropped).toBe(1);
  });

  it('accepts items without a patient id only from GetLaboratoryOrderOutcome 4, which need not state it', async () => {
    const anonymous = labs.slice(0, 3).map((i) => ({ ...i, patientId: '' }));
    expect(anonymous.length).toBeGreaterThan(0);
    const outcome = await callSource(options(gloo4, answering(soapEnvelope(gloo4.writeResponse(anonymous)))));
    expect(outcome.ok).toBe(true);
    const items = outcome.ok ? outcome.items : [];
    expect(items.map((i) => i.patientId)).toEqual(anonymous.map(() => ''));
    expect(checkPatient(items, TOLVAN, gloo4)).toMatchObject({ dropped: 0 });
    expect(checkPatient(items, TOLVAN, diagnosis)).toMatchObject({ kept: [], dropped: items.length });
  });
});
