import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REGIONS } from '../domain/regions.js';
import { createLogger } from '../operations/logger.js';
import { seedDefaultPolicies } from '../registry/policies.js';
import { seedRegistry } from '../registry/store.js';
import { describeEachDatabase } from '../testing/databases.js';
import { buildApp } from './app.js';
import { ENGAGEMENT_INDEX_PATHS } from '../engagement-index/routes.js';

describeEachDatabase('web app', (getDb) => {
  let app: FastifyInstance;

  beforeAll(async () => {
    const database = getDb();
    await seedRegistry(database.db);
    await seedDefaultPolicies(database.db);
    app = await buildApp({ database, logger: createLogger({ level: 'silent' }), now: () => new Date('2026-11-23T12:00:00+01:00') });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lists the 21 regions and their systems on the start page, in Swedish', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toMatch(/^<!doctype html><html lang="sv">/);
    for (const r of REGIONS) expect(res.body).toContain(`<th scope="row">${r.name}</th>`);
    expect(res.body).toContain('Regionernas journalsystem');
    // Skåne: PMO in primary care, Melior in hospitals, Millennium planned.
    const skane = res.body.slice(res.body.indexOf('Region Skåne</th>'), res.body.indexOf('</tr>', res.body.indexOf('Region Skåne</th>')));
    expect(skane.match(/>(PMO|Melior|Millennium)</g)).toEqual(['>PMO<', '>Melior<', '>Millennium<']);
    expect(res.body).toContain('id="system-vas"');
  });

  it('speaks English when asked, and keeps the language on its links', async () => {
    const res = await app.inject({ method: 'GET', url: '/?lang=en' });
    expect(res.body).toMatch(/<html lang="en">/);
    expect(res.body).toContain("The regions&#x27; record systems");
    expect(res.body).toContain('href="/regioner/05?lang=en"');
  });

  it("shows a region's rules with the seed text each rests on", async () => {
    const res = await app.inject({ method: 'GET', url: '/regioner/05' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Vad visar Region Östergötland i Journalen?');
    expect(res.body).toContain('Obligatoriskt rådrum 14 dagar för alla anteckningar');
    expect(res.body).toContain('Rådrum/Inte rådrum: obligatoriskt rådrum 14 dagar.');
    expect(res.body).toContain('002_06cdae585d96cb26.txt, rad 437');
    const silent = await app.inject({ method: 'GET', url: '/regioner/22' });
    expect(silent.body).toContain('det nationella ramverkets grundregler gäller');
  });

  it('answers an unknown page with a friendly 404 page', async () => {
    for (const url of ['/regioner/99', '/nowhere']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('Sidan finns inte');
    }
  });

  it('serves the same data as JSON, with errors in one shape', async () => {
    const regions = await app.inject({ method: 'GET', url: '/api/v1/regions' });
    expect(regions.json().regions).toHaveLength(21);
    const policy = await app.inject({ method: 'GET', url: '/api/v1/regions/12/disclosure-policy' });
    expect(policy.json()).toMatchObject({ region: { code: '12', name: 'Region Skåne' }, version: 1, policy: { unsignedNotes: { kind: 'residentChoice' } } });
    const unknown = await app.inject({ method: 'GET', url: '/api/v1/regions/99/disclosure-policy' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ code: 'JOURNALEN_REGION_UNKNOWN', message: 'no region with county code "99"', details: { field: 'code' } });
    const missing = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(missing.json()).toMatchObject({ code: 'JOURNALEN_NOT_FOUND' });
  });

  it('reports health with the database it runs on', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.json()).toEqual({ status: 'ok', database: getDb().kind });
  });

  it('does not expose the engagement index on the public port', async () => {
    const res = await app.inject({ method: 'POST', url: ENGAGEMENT_INDEX_PATHS.FindContent, headers: { 'content-type': 'text/xml' }, payload: '<x/>' });
    expect(res.statusCode).toBe(404);
  });

  it('sends security headers', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('sheds load: beyond the requests in progress allowed, a quick 503 with the overloaded page', async () => {
    const logger = createLogger({ level: 'silent' });
    const busy = await buildApp({ database: getDb(), logger, maxInFlight: 0 });
    try {
      const page = await busy.inject({ method: 'GET', url: '/' });
      expect(page.statusCode).toBe(503);
      expect(page.headers['retry-after']).toBe('10');
      expect(page.body).toContain('Tjänsten är hårt belastad');
      const api = await busy.inject({ method: 'GET', url: '/api/v1/regions' });
      expect(api.statusCode).toBe(503);
      expect(api.json().code).toBe('JOURNALEN_OVERLOADED');
      // Health still answers, so the load balancer can tell overloaded from dead.
      expect((await busy.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await busy.close();
    }
    // Requests that ended give their place back.
    const one = await buildApp({ database: getDb(), logger, maxInFlight: 1 });
    try {
      for (let i = 0; i < 3; i++) expect((await one.inject({ method: 'GET', url: '/api/v1/regions' })).statusCode).toBe(200);
    } finally {
      await one.close();
    }
  });
});
