import { afterAll, beforeAll, expect, it } from 'vitest';
import { TOLVAN } from '../simulators/population.js';
import { describeEachDatabase } from '../testing/databases.js';
import type { HttpBrowser } from '../testing/http-browser.js';
import { startJournalen, type Journalen } from '../testing/journalen.js';

/** The resident's JSON API, through a real login. */
describeEachDatabase('JSON API /api/v1', (getDb) => {
  let j: Journalen;
  let tolvan: HttpBrowser;
  let csrf: string;

  beforeAll(async () => {
    j = await startJournalen(getDb());
    tolvan = j.browser();
    await j.logIn(tolvan, TOLVAN);
    csrf = (await tolvan.json('GET', '/api/v1/me')).data.csrfToken;
  });
  afterAll(async () => j?.close());

  it('refuses every record endpoint without a login, with one error shape', async () => {
    const anonymous = j.browser();
    for (const path of ['/api/v1/me', '/api/v1/children', '/api/v1/records/self/overview', '/api/v1/records/self/items', '/api/v1/records/self/access-log', '/api/v1/records/self/settings']) {
      const res = await anonymous.json('GET', path);
      expect(res.status, path).toBe(401);
      expect(res.data, path).toEqual({ code: 'JOURNALEN_UNAUTHENTICATED', message: expect.any(String), details: expect.any(Object) });
    }
  });

  it('gives the overview: counts and latest per type, and every source\'s status', async () => {
    const res = await tolvan.json('GET', '/api/v1/records/self/overview');
    expect(res.status).toBe(200);
    expect(res.data.types).toHaveLength(9);
    expect(res.data.types.reduce((n: number, t: { count: number }) => n + t.count, 0)).toBeGreaterThan(50);
    expect(res.data.sources.length).toBeGreaterThan(10);
    expect(res.data.sources.every((s: { status: string; systemName: string }) => s.status === 'answered' && s.systemName)).toBe(true);
    // Counts taken before the rules would announce hidden items: viewers get no counts.
    expect(res.data.sources.some((s: Record<string, unknown>) => 'itemCount' in s || 'droppedItems' in s || 'reason' in s)).toBe(false);
    expect(res.data.subject).toMatchObject({ relation: 'self', handle: 'self', givenName: 'Tolvan' });
    // No personnummer in what the API sends about items.
    expect(JSON.stringify(res.data)).not.toContain(TOLVAN);
    expect(res.data.recent.total).toBeGreaterThanOrEqual(res.data.recent.items.length);
  });

  it('filters and pages the items, newest first, with a cursor', async () => {
    const first = await tolvan.json('GET', '/api/v1/records/self/items?type=labResult&limit=5');
    expect(first.status).toBe(200);
    expect(first.data.items).toHaveLength(5);
    expect(first.data.items.every((i: { infoType: string }) => i.infoType === 'labResult')).toBe(true);
    expect(first.data.nextCursor).toBe('5');
    const second = await tolvan.json('GET', `/api/v1/records/self/items?type=labResult&limit=5&cursor=${first.data.nextCursor}`);
    expect(second.data.items[0].key).not.toBe(first.data.items[0].key);
    const times = [...first.data.items, ...second.data.items].map((i: { time: string }) => Date.parse(i.time));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const all = await tolvan.json('GET', '/api/v1/records/self/items?type=labResult&limit=200');
    expect(all.data.total).toBe(first.data.total);
    expect(all.data.nextCursor).toBeNull();

    const both = await tolvan.json('GET', '/api/v1/records/self/items?type=note&type=diagnosis&limit=200');
    expect(new Set(both.data.items.map((i: { infoType: string }) => i.infoType))).toEqual(new Set(['note', 'diagnosis']));
    const region = all.data.items[0].region.code;
    const inRegion = await tolvan.json('GET', `/api/v1/records/self/items?region=${region}&limit=200`);
    expect(inRegion.data.items.every((i: { region: { code: string } }) => i.region.code === region)).toBe(true);
  });

  it('answers bad input with 400 and a message naming the field, never a 500', async () => {
    for (const [query, field] of [
      ['type=xray', 'type'],
      ['from=2024-02-30', 'from'],
      ['from=2025-01-02&to=2025-01-01', 'from'],
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['cursor=-1', 'cursor'],
      ['region=99', 'region'],
      ['unknown=1', 'unknown'],
      [`q=${'x'.repeat(300)}`, 'q'],
    ] as const) {
      const res = await tolvan.json('GET', `/api/v1/records/self/items?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.data.code, query).toBe('JOURNALEN_INPUT_INVALID');
      expect(res.data.message, query).toMatch(new RegExp(field));
    }
    const badWho = await tolvan.json('GET', '/api/v1/records/not-a-handle/overview');
    expect(badWho.status).toBe(400);
    const unknownChild = await tolvan.json('GET', `/api/v1/records/${'A'.repeat(22)}/overview`);
    expect(unknownChild.status).toBe(403);
    expect(unknownChild.data.code).toBe('JOURNALEN_FORBIDDEN');
  });

  it('gives one item by key, and 404 for a key that is not in the record', async () => {
    const list = await tolvan.json('GET', '/api/v1/records/self/items?type=note&limit=1');
    const key = list.data.items[0].key;
    const one = await tolvan.json('GET', `/api/v1/records/self/items/${key}`);
    expect(one.status).toBe(200);
    expect(one.data.item.key).toBe(key);
    expect(one.data.item.status.signed).toEqual(expect.any(Boolean));
    const missing = await tolvan.json('GET', `/api/v1/records/self/items/${Buffer.from('x\u0000note\u0000nope').toString('base64url')}`);
    expect(missing.status).toBe(404);
    expect(missing.data.code).toBe('JOURNALEN_NOT_FOUND');
  });

  it('changes settings only with the CSRF token, audits the change and applies it', async () => {
    const forged = await tolvan.json('PUT', '/api/v1/records/self/settings', { showUnsigned: false, hideRecent: true });
    expect(forged.status).toBe(403);
    expect(forged.data.code).toBe('JOURNALEN_CSRF_INVALID');
    const bad = await tolvan.json('PUT', '/api/v1/records/self/settings', { showUnsigned: 'yes', hideRecent: true }, { 'x-csrf-token': csrf });
    expect(bad.status).toBe(400);
    const saved = await tolvan.json('PUT', '/api/v1/records/self/settings', { showUnsigned: false, hideRecent: true }, { 'x-csrf-token': csrf });
    expect(saved.status).toBe(200);
    expect((await tolvan.json('GET', '/api/v1/records/self/settings')).data).toEqual({ showUnsigned: false, hideRecent: true });
    const log = await tolvan.json('GET', '/api/v1/records/self/access-log?limit=100');
    expect(log.status).toBe(200);
    expect(log.data.entries.some((e: { kind: string }) => e.kind === 'recordRead')).toBe(true);
    await tolvan.json('PUT', '/api/v1/records/self/settings', { showUnsigned: false, hideRecent: false }, { 'x-csrf-token': csrf });
  });

  it('lets the resident seal and unseal the account; sealed, the record is refused', async () => {
    const resident = j.world.sources.population.residentAt(22);
    const browser = j.browser();
    await j.logIn(browser, resident.personnummer);
    const token = (await browser.json('GET', '/api/v1/me')).data.csrfToken;
    expect((await browser.json('PUT', '/api/v1/records/self/seals/account', { sealed: true }, { 'x-csrf-token': token })).data).toEqual({ account: true });
    const refused = await browser.json('GET', '/api/v1/records/self/overview');
    expect(refused.status).toBe(403);
    expect(refused.data.details.basis).toBe('ACCOUNT_SEALED');
    expect((await browser.json('GET', '/api/v1/records/self/seals')).data.account).toBe(true);
    await browser.json('PUT', '/api/v1/records/self/seals/account', { sealed: false }, { 'x-csrf-token': token });
    expect((await browser.json('GET', '/api/v1/records/self/overview')).status).toBe(200);
  });

  it('lets a guardian read a young child\'s record by handle, never a personnummer, and refuses the 13-15 year old', async () => {
    const population = j.world.sources.population;
    const guardian = j.browser();
    await j.logIn(guardian, population.special('guardianA').personnummer);
    const children = (await guardian.json('GET', '/api/v1/children')).data.children as { handle: string; allowed: boolean; age: number }[];
    expect(JSON.stringify(children)).not.toMatch(/\d{12}/);
    const young = children.find((c) => c.age < 13)!;
    const teen = children.find((c) => c.age >= 13 && c.age < 16)!;
    const view = await guardian.json('GET', `/api/v1/records/${young.handle}/overview`);
    expect(view.status).toBe(200);
    expect(view.data.subject.relation).toBe('guardian');
    const log = await guardian.json('GET', `/api/v1/records/${young.handle}/access-log`);
    expect(log.data.entries[0].viewer.role).toBe('guardian');
    const refused = await guardian.json('GET', `/api/v1/records/${teen.handle}/overview`);
    expect(refused.status).toBe(403);
    // Settings and seals are the resident's own.
    expect((await guardian.json('GET', `/api/v1/records/${young.handle}/settings`)).status).toBe(403);
  });

  it('refuses oversized request bodies with a 4xx', async () => {
    const res = await tolvan.json('PUT', '/api/v1/records/self/settings', { showUnsigned: false, hideRecent: false, pad: 'x'.repeat(2 * 1024 * 1024) }, { 'x-csrf-token': csrf });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('is described by OpenAPI generated from the route schemas', async () => {
    const res = await j.browser().json('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.data.openapi).toMatch(/^3\./);
    for (const path of ['/api/v1/records/{who}/overview', '/api/v1/records/{who}/items', '/api/v1/records/{who}/items/{key}', '/api/v1/records/{who}/settings', '/api/v1/children', '/api/v1/records/{who}/access-log']) {
      expect(Object.keys(res.data.paths), path).toContain(path);
    }
    expect(res.data.paths['/api/v1/records/{who}/items'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['type', 'from', 'to', 'careUnit', 'region', 'q', 'limit', 'cursor']));
  });
});
