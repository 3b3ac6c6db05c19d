import { describe, expect, it } from 'vitest';
import type { RecordItem } from '../domain/record.js';
import { ResponseCache } from './response-cache.js';

const item = (id: string, approvedForPatient: boolean) =>
  ({ id, approvedForPatient, infoType: 'note', time: new Date(0), signed: true, patientId: '191212121212', careGiver: {}, careUnit: {}, codes: [], values: [], attributes: {}, provenance: { contract: 'GetCareDocumentation', version: '3' } }) as RecordItem;

describe('response cache', () => {
  const key = { patientId: '191212121212', logicalAddress: 'SE1', contract: 'GetCareDocumentation 3' };

  it('never keeps items the producer has not approved for the patient', () => {
    const cache = new ResponseCache({ ttlMs: 1000, maxEntries: 10, now: () => 0 });
    cache.put(key, [item('a', true), item('b', false)]);
    expect(cache.get(key)?.items.map((i) => i.id)).toEqual(['a']);
  });

  it('keys by patient, source, contract and period', () => {
    const cache = new ResponseCache({ ttlMs: 1000, maxEntries: 10, now: () => 0 });
    cache.put(key, [item('a', true)]);
    expect(cache.get({ ...key, patientId: '195709263080' })).toBeUndefined();
    expect(cache.get({ ...key, logicalAddress: 'SE2' })).toBeUndefined();
    expect(cache.get({ ...key, contract: 'GetDiagnosis 2' })).toBeUndefined();
    expect(cache.get({ ...key, period: { start: new Date(0) } })).toBeUndefined();
    expect(cache.get(key)).toBeDefined();
  });

  it('forgets answers after the TTL and the least recently used beyond the size bound', () => {
    let now = 0;
    const cache = new ResponseCache({ ttlMs: 1000, maxEntries: 2, now: () => now });
    cache.put({ ...key, logicalAddress: 'A' }, [item('a', true)]);
    cache.put({ ...key, logicalAddress: 'B' }, [item('b', true)]);
    cache.get({ ...key, logicalAddress: 'A' }); // A is now the most recently used
    cache.put({ ...key, logicalAddress: 'C' }, [item('c', true)]);
    expect(cache.size).toBe(2);
    expect(cache.get({ ...key, logicalAddress: 'B' })).toBeUndefined();
    expect(cache.get({ ...key, logicalAddress: 'A' })).toBeDefined();
    now = 1001;
    expect(cache.get({ ...key, logicalAddress: 'A' })).toBeUndefined();
  });

  it('says whether it holds a live answer, and which answers it is for', () => {
    let now = 0;
    const late = new ResponseCache({ ttlMs: 1000, maxEntries: 10, now: () => now, store: 'late' });
    expect(late.store).toBe('late');
    expect(new ResponseCache({ ttlMs: 1000, maxEntries: 10, now: () => now }).store).toBe('every');
    expect(late.has(key)).toBe(false);
    late.put(key, [item('a', true), item('b', false)]);
    expect(late.has(key)).toBe(true);
    expect(late.get(key)?.items.map((i) => i.id)).toEqual(['a']);
    now = 1001;
    expect(late.has(key)).toBe(false);
    expect(() => new ResponseCache({ ttlMs: 1000, maxEntries: 10, now: () => now, store: 'some' as 'late' })).toThrow(RangeError);
  });
});
