import { describe, expect, it } from 'vitest';
import { CONTRACT_VERSIONS } from '../contracts/registry.js';
import { readEnvelope, soapEnvelope } from '../contracts/soap.js';
import type { ContractVersion } from '../contracts/types.js';
import type { RecordItem } from '../domain/record.js';
import { matchesRequest, readProducerRequest, type ProducerRequest } from './request.js';

const element = (contract: ContractVersion, request: Parameters<ContractVersion['buildRequest']>[0]) => {
  const envelope = readEnvelope(soapEnvelope(contract.buildRequest(request)));
  if (envelope.kind !== 'body') throw new Error('not a body');
  return envelope.element;
};

describe('reading any contract request', () => {
  it.each(CONTRACT_VERSIONS.map((c) => [`${c.contract} ${c.version}`, c] as const))('reads the filters of %s as its builder wrote them', (_name, contract) => {
    const start = new Date('2024-03-01T00:00:00+01:00');
    const end = new Date('2024-03-31T12:00:00+02:00');
    const read = readProducerRequest(
      element(contract, { patientId: '191212121212', careUnitHsaIds: ['SE2321000016-AB12', 'SE2321000016-CD34'], period: { start, end }, sourceSystemHsaId: 'SE0000000006-TAKECARE' }),
    );
    expect(read.patientId).toBe('191212121212');
    expect(read.careUnitHsaIds).toEqual(['SE2321000016-AB12', 'SE2321000016-CD34']);
    expect(read.sourceSystemHsaId).toBe('SE0000000006-TAKECARE');
    expect(read.period?.startMs).toBe(start.getTime());
    // The end date is included: the bound is the next Swedish midnight.
    expect(read.period?.endMs).toBe(new Date('2024-04-01T00:00:00+02:00').getTime());
    expect(readProducerRequest(element(contract, { patientId: '191212121212' }))).toEqual({ patientId: '191212121212', patientIdType: expect.any(String), careUnitHsaIds: [], careGiverHsaIds: [], careContactIds: [] });
  });

  it('refuses what a producer cannot answer, naming the field', () => {
    const contract = CONTRACT_VERSIONS[0]!;
    expect(() => readProducerRequest({})).toThrow(/patientId: is missing/);
    expect(() => readProducerRequest(element(contract, { patientId: '12' }))).toThrow(/patientId: must be 12 characters/);
    expect(() => readProducerRequest(element(contract, { patientId: '191212121212', period: { start: new Date('2024-05-01T12:00:00Z'), end: new Date('2024-04-01T12:00:00Z') } }))).toThrow(/start is after end/);
  });
});

describe('matching an item against the filters', () => {
  const item = {
    id: 'x', infoType: 'note', time: new Date('2024-03-10T10:00:00Z'), signed: true, approvedForPatient: true, patientId: '191212121212',
    sourceSystemHsaId: 'SE0000000006-TAKECARE', careGiver: { hsaId: 'SE2321000016-VG' }, careUnit: { hsaId: 'SE2321000016-AB12' }, careContactId: 'k1',
    codes: [], values: [], attributes: {}, provenance: { contract: 'GetCareDocumentation', version: '3' },
  } as RecordItem;
  const none: ProducerRequest = { patientId: '191212121212', careUnitHsaIds: [], careGiverHsaIds: [], careContactIds: [] };
  const at = (iso: string) => new Date(iso).getTime();

  it('applies each filter, and a period to the time or the period an item covers', () => {
    expect(matchesRequest(item, none)).toBe(true);
    expect(matchesRequest(item, { ...none, careUnitHsaIds: ['SE2321000016-ZZ99'] })).toBe(false);
    expect(matchesRequest(item, { ...none, careGiverHsaIds: ['SE2321000016-VG'] })).toBe(true);
    expect(matchesRequest(item, { ...none, sourceSystemHsaId: 'SE0000000001-COSMIC' })).toBe(false);
    expect(matchesRequest(item, { ...none, careContactIds: ['k2'] })).toBe(false);
    expect(matchesRequest(item, { ...none, period: { startMs: at('2024-03-10T00:00:00Z'), endMs: at('2024-03-11T00:00:00Z') } })).toBe(true);
    expect(matchesRequest(item, { ...none, period: { startMs: at('2024-03-11T00:00:00Z') } })).toBe(false);
    const stay = { ...item, period: { start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-03-20T00:00:00Z') } };
    expect(matchesRequest(stay, { ...none, period: { startMs: at('2024-03-15T00:00:00Z'), endMs: at('2024-03-16T00:00:00Z') } })).toBe(true);
  });

  it('finds a care contact by its own id as well as by the care contact it belongs to (GetCareContacts 2 has only the id)', () => {
    const contact = { ...item, id: 'k1-k', infoType: 'careContact', careContactId: 'k1' } as RecordItem;
    expect(matchesRequest(contact, { ...none, careContactIds: ['k1-k'] })).toBe(true);
    expect(matchesRequest(contact, { ...none, careContactIds: ['k1'] })).toBe(true);
    expect(matchesRequest(contact, { ...none, careContactIds: ['k2'] })).toBe(false);
    // A note is found only by the care contact it belongs to, never by its own id.
    expect(matchesRequest(item, { ...none, careContactIds: ['x'] })).toBe(false);
  });

  const day = (iso: string) => ({ startMs: at(`${iso}T00:00:00Z`), endMs: at(`${iso}T00:00:00Z`) + 86_400_000 });

  it('GetCareDocumentation 2: the period applies to documentTime, authorTime and signatureTime', () => {
    const gcd2 = { contract: 'GetCareDocumentation', major: '2' } as const;
    const note = { ...item, author: { name: 'A', time: new Date('2024-03-08T09:00:00Z') }, signer: { name: 'S', time: new Date('2024-03-12T09:00:00Z') } } as RecordItem;
    for (const d of ['2024-03-08', '2024-03-10', '2024-03-12']) expect(matchesRequest(note, { ...none, period: day(d) }, gcd2), d).toBe(true);
    expect(matchesRequest(note, { ...none, period: day('2024-03-11') }, gcd2)).toBe(false);
    // Unsigned: no signatureTime, so the signer's time does not count.
    expect(matchesRequest({ ...note, signed: false }, { ...none, period: day('2024-03-12') }, gcd2)).toBe(false);
    // Without the contract, the old rule (documentTime only for a note) still holds.
    expect(matchesRequest(note, { ...none, period: day('2024-03-12') })).toBe(false);
  });

  it('GetMedicationHistory 2: the period applies to authorTime, startOfTreatment and endOfTreatment, not the whole treatment', () => {
    const gmh2 = { contract: 'GetMedicationHistory', major: '2' } as const;
    const prescription = { ...item, infoType: 'medication', time: new Date('2024-03-01T10:00:00Z'), period: { start: new Date('2024-03-02T00:00:00Z'), end: new Date('2024-03-30T00:00:00Z') } } as RecordItem;
    for (const d of ['2024-03-01', '2024-03-02', '2024-03-30']) expect(matchesRequest(prescription, { ...none, period: day(d) }, gmh2), d).toBe(true);
    expect(matchesRequest(prescription, { ...none, period: day('2024-03-15') }, gmh2)).toBe(false);
    expect(matchesRequest(prescription, { ...none, period: day('2024-03-15') })).toBe(true);
    // An open-ended treatment: only its start and the prescription's time.
    const ongoing = { ...prescription, period: { start: new Date('2024-03-02T00:00:00Z') } } as RecordItem;
    expect(matchesRequest(ongoing, { ...none, period: { startMs: at('2024-04-01T00:00:00Z') } }, gmh2)).toBe(false);
  });
});
