import { count, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '../db/connection.js';
import { routingAuthorization, routingEntry } from '../db/schema.js';
import { CONTRACT_VERSIONS } from '../contracts/registry.js';
import { ENGAGEMENT_INDEX_INTERACTIONS } from '../engagement-index/messages.js';
import { describeEachDatabase } from '../testing/databases.js';
import { grant, isAuthorized, loadRoutingTable, removeRoute, resolveRoute, revoke, routesForLogicalAddress, upsertRoute } from './store.js';

const GD = 'urn:riv:clinicalprocess:healthcond:description:GetDiagnosisResponder:2';
const GCD = 'urn:riv:clinicalprocess:healthcond:description:GetCareDocumentationResponder:3';
const GLOO = 'urn:riv:clinicalprocess:healthcond:actoutcome:GetLaboratoryOrderOutcomeResponder:4';
const JOURNALEN = 'SE5565594230-BDK';

/** A logical address per test, so tests sharing a database never see each other's rows. */
let addresses = 0;
const nextAddress = () => `SE2321000016-T${String(++addresses).padStart(3, '0')}`;
const url = (address: string, contract = 'GetDiagnosis') => `https://producer.test/${address}/${contract}/rivtabp21`;

describeEachDatabase('routing table', (getDb) => {
  const db = (): Db => getDb().db;

  it('routes a logical address per contract, and an upsert moves the endpoint', async () => {
    const la = nextAddress();
    const route = await upsertRoute(db(), { logicalAddress: la, serviceContractNamespace: GD, endpointUrl: url(la) });
    expect(route).toEqual({ logicalAddress: la, serviceContractNamespace: GD, endpointUrl: url(la), environment: 'production', createdAt: expect.any(Date) });
    expect(await resolveRoute(db(), { logicalAddress: la, serviceContractNamespace: GD, environment: 'production' })).toEqual({ found: true, endpointUrl: url(la) });

    await upsertRoute(db(), { logicalAddress: la, serviceContractNamespace: GD, endpointUrl: 'https://moved.test/gd' });
    expect(await resolveRoute(db(), { logicalAddress: la, serviceContractNamespace: GD })).toEqual({ found: true, endpointUrl: 'https://moved.test/gd' });
    const [rows] = await db().select({ n: count() }).from(routingEntry).where(eq(routingEntry.logicalAddress, la));
    expect(rows?.n).toBe(1);
  });

  it('says which kind of "no route" it is, without throwing', async () => {
    const la = nextAddress();
    expect(await resolveRoute(db(), { logicalAddress: la, serviceContractNamespace: GD })).toEqual({
      found: false,
      reason: 'unknownLogicalAddress',
      message: `no route in production to logical address ${la}`,
    });
    await upsertRoute(db(), { logicalAddress: la, serviceContractNamespace: GCD, endpointUrl: url(la, 'GCD') });
    expect(await resolveRoute(db(), { logicalAddress: la, serviceContractNamespace: GD })).toEqual({
      found: false,
      reason: 'contractNotRouted',
      message: `no route in production to logical address ${la} for ${GD}; it is routed for 1 other contract`,
    });
  });

  it('keeps the environments apart', async () => {
    const la = nextAddress();
    await upsertRoute(db(), { logicalAddress: la, serviceContractNamespace: GD, endpointUrl: 'https://qa.producer.test/gd', environment: 'qa' });
    await upsertRoute(db(), { logicalAddress: la, serviceContractNamespace: GD, endpointUrl: 'https://sit.producer.test/gd', environment: 'sit' });
    expect(await resolveRoute(db(), { logicalAddress: la, serviceContractNamespace: GD, environment: 'qa' })).toMatchObject({ endpointUrl: 'https://qa.producer.test/gd' });
    expect(await resolveRoute(db(), { logicalAddress: la, serviceContractNamespace: GD, environment: 'sit' })).toMatchObject({ endpointUrl: 'https://sit.producer.test/gd' });
    expect(await resolveRoute(db(), { logicalAddress: la, serviceContractNamespace: GD })).toMatchObject({ found: false, reason: 'unknownLogicalAddress' });
  });

  it('lists and removes routes', async () => {
    const la = nextAddress();
    for (const ns of [GLOO, GD, GCD]) await upsertRoute(db(), { logicalAddress: la, serviceContractNamespace: ns, endpointUrl: url(la) });
    expect((await routesForLogicalAddress(db(), { logicalAddress: la })).map((r) => r.serviceContractNamespace)).toEqual([GLOO, GCD, GD]);
    expect(await removeRoute(db(), { logicalAddress: la, serviceContractNamespace: GD })).toBe(true);
    expect(await removeRoute(db(), { logicalAddress: la, serviceContractNamespace: GD })).toBe(false);
    expect((await routesForLogicalAddress(db(), { logicalAddress: la })).map((r) => r.serviceContractNamespace)).toEqual([GLOO, GCD]);
    expect(await routesForLogicalAddress(db(), { logicalAddress: la, environment: 'qa' })).toEqual([]);
  });

  it('authorizes a consumer per contract and address, or for every address with *', async () => {
    const la = nextAddress();
    const other = nextAddress();
    const key = { consumerHsaId: JOURNALEN, serviceContractNamespace: GD, logicalAddress: la };
    expect(await isAuthorized(db(), key)).toBe(false);
    expect(await grant(db(), key)).toBe(true);
    expect(await grant(db(), key)).toBe(false);
    expect(await isAuthorized(db(), key)).toBe(true);
    expect(await isAuthorized(db(), { ...key, logicalAddress: other })).toBe(false);
    expect(await isAuthorized(db(), { ...key, serviceContractNamespace: GCD })).toBe(false);
    expect(await isAuthorized(db(), { ...key, consumerHsaId: 'SE2321000016-OTHER' })).toBe(false);
    expect(await isAuthorized(db(), { ...key, environment: 'qa' })).toBe(false);

    const consumer = `SE2321000016-C${addresses}`;
    await grant(db(), { consumerHsaId: consumer, serviceContractNamespace: GLOO, logicalAddress: '*' });
    expect(await isAuthorized(db(), { consumerHsaId: consumer, serviceContractNamespace: GLOO, logicalAddress: other })).toBe(true);
    expect(await isAuthorized(db(), { consumerHsaId: consumer, serviceContractNamespace: GD, logicalAddress: other })).toBe(false);

    expect(await revoke(db(), key)).toBe(true);
    expect(await revoke(db(), key)).toBe(false);
    expect(await isAuthorized(db(), key)).toBe(false);
  });

  it('refuses malformed routes and grants, naming the field', async () => {
    const la = nextAddress();
    const route = { logicalAddress: la, serviceContractNamespace: GD, endpointUrl: url(la) };
    const refused = [
      [{ ...route, serviceContractNamespace: 'GetDiagnosis' }, 'serviceContractNamespace'],
      [{ ...route, serviceContractNamespace: 'urn:riv:clinicalprocess:healthcond:description:2' }, 'serviceContractNamespace'],
      [{ ...route, endpointUrl: 'ftp://producer.test/gd' }, 'endpointUrl'],
      [{ ...route, endpointUrl: 'https://user:secret@producer.test/gd' }, 'endpointUrl'],
      [{ ...route, endpointUrl: 'producer.test/gd' }, 'endpointUrl'],
      [{ ...route, logicalAddress: '*' }, 'logicalAddress'],
      [{ ...route, logicalAddress: 'SE2321000016 T1' }, 'logicalAddress'],
      [{ ...route, logicalAddress: '' }, 'logicalAddress'],
      [{ ...route, environment: 'test' as never }, 'environment'],
    ] as const;
    for (const [input, field] of refused) {
      await expect(upsertRoute(db(), input), field).rejects.toMatchObject({ code: 'JOURNALEN_INPUT_INVALID', details: { field } });
    }
    const error = await upsertRoute(db(), { ...route, endpointUrl: 'https://user:secret@producer.test/gd' }).catch((e: Error) => e.message);
    expect(error).not.toContain('secret');
    await expect(grant(db(), { consumerHsaId: '*', serviceContractNamespace: GD, logicalAddress: la })).rejects.toMatchObject({ details: { field: 'consumerHsaId' } });
    await expect(resolveRoute(db(), { logicalAddress: la, serviceContractNamespace: GD, environment: 'prod' as never })).rejects.toMatchObject({ details: { field: 'environment' } });
    expect(await routesForLogicalAddress(db(), { logicalAddress: la })).toEqual([]);
  });

  it('refuses an unknown environment in the database itself', async () => {
    await expect(
      db().insert(routingAuthorization).values({ consumerHsaId: JOURNALEN, serviceContractNamespace: GD, logicalAddress: '*', environment: 'test' as never }),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ code: '23514' }) });
  });

  it('accepts the namespace of every contract version we speak, and of the engagement index', async () => {
    const la = nextAddress();
    const namespaces = [...CONTRACT_VERSIONS.map((c) => c.responderNamespace), ...Object.values(ENGAGEMENT_INDEX_INTERACTIONS).map((i) => i.namespace)];
    for (const ns of namespaces) await upsertRoute(db(), { logicalAddress: la, serviceContractNamespace: ns, endpointUrl: url(la) });
    expect(await routesForLogicalAddress(db(), { logicalAddress: la })).toHaveLength(namespaces.length);
  });

  it('loads a snapshot that answers synchronously, as it was when loaded', async () => {
    const [a, b, c] = [nextAddress(), nextAddress(), nextAddress()];
    const consumer = 'SE2321000016-SNAP';
    await upsertRoute(db(), { logicalAddress: a, serviceContractNamespace: GD, endpointUrl: url(a) });
    await upsertRoute(db(), { logicalAddress: a, serviceContractNamespace: GCD, endpointUrl: url(a, 'GCD') });
    await upsertRoute(db(), { logicalAddress: b, serviceContractNamespace: GD, endpointUrl: url(b) });
    await upsertRoute(db(), { logicalAddress: c, serviceContractNamespace: GD, endpointUrl: 'https://sit.test/gd', environment: 'sit' });
    await grant(db(), { consumerHsaId: consumer, serviceContractNamespace: GD, logicalAddress: a });
    await grant(db(), { consumerHsaId: consumer, serviceContractNamespace: GCD, logicalAddress: '*' });

    const table = await loadRoutingTable(db(), 'production');
    expect(table.environment).toBe('production');
    expect(table.resolve(a, GD)).toEqual({ found: true, endpointUrl: url(a) });
    expect(table.resolve(b, GCD)).toMatchObject({ found: false, reason: 'contractNotRouted' });
    expect(table.resolve(c, GD)).toMatchObject({ found: false, reason: 'unknownLogicalAddress' });
    expect(table.routesForLogicalAddress(a).map((r) => [r.serviceContractNamespace, r.environment, r.createdAt instanceof Date])).toEqual([
      [GCD, 'production', true],
      [GD, 'production', true],
    ]);
    expect(table.isAuthorized(consumer, GD, a)).toBe(true);
    expect(table.isAuthorized(consumer, GD, b)).toBe(false);
    expect(table.isAuthorized(consumer, GCD, b)).toBe(true);
    expect(table.isAuthorized('SE2321000016-NOONE', GCD, b)).toBe(false);

    // A snapshot: later changes are seen by the next load, not by this one.
    await removeRoute(db(), { logicalAddress: a, serviceContractNamespace: GD });
    expect(table.resolve(a, GD)).toEqual({ found: true, endpointUrl: url(a) });
    expect((await loadRoutingTable(db(), 'production')).resolve(a, GD)).toMatchObject({ found: false });
    expect((await loadRoutingTable(db(), 'sit')).resolve(c, GD)).toEqual({ found: true, endpointUrl: 'https://sit.test/gd' });
  });

  it('loads only the scope asked for, with every-address grants always included', async () => {
    const [a, b] = [nextAddress(), nextAddress()];
    const consumer = 'SE2321000016-SCOPE';
    await upsertRoute(db(), { logicalAddress: a, serviceContractNamespace: GD, endpointUrl: url(a) });
    await upsertRoute(db(), { logicalAddress: a, serviceContractNamespace: GCD, endpointUrl: url(a, 'GCD') });
    await upsertRoute(db(), { logicalAddress: b, serviceContractNamespace: GD, endpointUrl: url(b) });
    await grant(db(), { consumerHsaId: consumer, serviceContractNamespace: GD, logicalAddress: '*' });
    await grant(db(), { consumerHsaId: consumer, serviceContractNamespace: GD, logicalAddress: b });

    const table = await loadRoutingTable(db(), 'production', { serviceContractNamespaces: [GD], logicalAddresses: [a] });
    expect(table.routeCount).toBe(1);
    expect(table.resolve(a, GD)).toMatchObject({ found: true });
    expect(table.resolve(a, GCD)).toMatchObject({ found: false });
    expect(table.resolve(b, GD)).toMatchObject({ found: false, reason: 'unknownLogicalAddress' });
    expect(table.isAuthorized(consumer, GD, a)).toBe(true);
    expect(table.grantCount).toBe(1);
    const none = await loadRoutingTable(db(), 'production', { logicalAddresses: [] });
    expect([none.routeCount, none.grantCount]).toEqual([0, 0]);
    await expect(loadRoutingTable(db(), 'production', { serviceContractNamespaces: ['GetDiagnosis'] })).rejects.toMatchObject({ details: { field: 'serviceContractNamespace' } });
  });
});
