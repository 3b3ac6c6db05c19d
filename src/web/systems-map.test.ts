import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EHR_SYSTEMS } from '../domain/ehr-systems.js';
import { REGIONS } from '../domain/regions.js';
import { createLogger } from '../operations/logger.js';
import { seedDefaultPolicies } from '../registry/policies.js';
import { seedRegistry } from '../registry/store.js';
import { describeEachDatabase } from '../testing/databases.js';
import { buildApp } from './app.js';
import { TILE_PLACES } from './map/tile-grid.js';

/** "Journalsystem i Sverige": the map, its switch and table, and the system profiles, over HTTP. */

const svgOf = (html: string) => html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
const tilesIn = (html: string) => [...svgOf(html).matchAll(/<a href="([^"]+)" aria-label="([^"]+)" data-region="(\d\d)" data-system="([^"]*)">/g)];
const tableRows = (html: string) => [...html.matchAll(/<tr data-region="(\d\d)"[^>]*>([\s\S]*?)<\/tr>/g)];
const current = (html: string) => [...html.matchAll(/<a href="([^"]+)" aria-current="page">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);

describeEachDatabase('Journalsystem i Sverige pages', (getDb) => {
  let app: FastifyInstance;

  beforeAll(async () => {
    const database = getDb();
    await seedRegistry(database.db);
    await seedDefaultPolicies(database.db);
    app = await buildApp({ database, logger: createLogger({ level: 'silent' }) });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('draws the 21 regions as tiles, each a named link to its region page, coloured by hospital system', async () => {
    const res = await app.inject({ method: 'GET', url: '/journalsystem' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<h1>Journalsystem i Sverige</h1>');
    expect(svgOf(res.body)).toMatch(/^<svg viewBox="0 0 \d+ \d+" role="group" aria-labelledby="kartbeskrivning"/);
    expect(res.body).toContain('id="kartbeskrivning"');
    const tiles = tilesIn(res.body);
    expect(tiles).toHaveLength(21);
    expect(new Set(tiles.map((t) => t[3]))).toEqual(new Set(REGIONS.map((r) => r.code)));
    for (const [, href, name, code, system] of tiles) {
      const region = REGIONS.find((r) => r.code === code)!;
      expect(href).toBe(`/regioner/${code}`);
      expect(name).toContain(region.name);
      expect(system).toBe(region.hospitalCare);
    }
    // Tile positions on the page are distinct (one square per region).
    const rects = [...svgOf(res.body).matchAll(/<rect x="(\d+)" y="(\d+)" width="\d+" height="\d+" rx="5" fill="(#[0-9a-f]{6})"/g)];
    expect(rects).toHaveLength(21);
    expect(new Set(rects.map((m) => `${m[1]},${m[2]}`)).size).toBe(21);
    // The legend names each system on the map with its count.
    expect(res.body).toMatch(/data-system="cosmic">[\s\S]*?>Cosmic<\/a> \(COS\): 8 regioner</);
    expect(res.body).toContain('Idag används sex journalsystem');
    expect(res.body).toContain('000_4ce2af865df94af0.txt, rad 25');
  });

  it('has the same data as a table, each row with its seed line', async () => {
    const res = await app.inject({ method: 'GET', url: '/journalsystem' });
    const rows = tableRows(res.body);
    expect(rows).toHaveLength(21);
    for (const [, code, row] of rows) {
      const region = REGIONS.find((r) => r.code === code)!;
      expect(row).toContain(`>${region.name}</a>`);
      expect(row).toContain(`seed rad ${region.source.line}`);
    }
    const row = (code: string) => rows.find((r) => r[1] === code)?.[2] ?? '';
    const skane = row('12');
    expect(skane.match(/>(PMO|Melior|Millennium)</g)).toEqual(['>PMO<', '>Melior<', '>Millennium<']);
    expect(skane).toContain('href="/journalsystem/pmo"');
    expect(row('01')).toContain('Inte beslutat');
    expect(row('23')).toContain('Inget byte planerat');
    for (const t of TILE_PLACES) expect(res.body).toContain(`</a> (${t.letter})</th>`);
  });

  it('switches between today and planned, and between care levels, with plain links', async () => {
    const today = await app.inject({ method: 'GET', url: '/journalsystem' });
    expect(current(today.body)).toEqual([['/journalsystem', 'Idag'], ['/journalsystem', 'Sjukhus']]);
    expect(today.body).toContain('href="/journalsystem?vy=planerat"');

    const planned = await app.inject({ method: 'GET', url: '/journalsystem?vy=planerat' });
    expect(current(planned.body)).toEqual([['/journalsystem?vy=planerat', 'Planerat'], ['/journalsystem?vy=planerat', 'Sjukhus']]);
    const tiles = new Map(tilesIn(planned.body).map((t) => [t[3], t]));
    expect(tiles.get('12')?.[4]).toBe('millennium');
    expect(tiles.get('21')?.[4]).toBe('cosmic');
    expect(tiles.get('01')?.[2]).toBe('Region Stockholm (AB), sjukhus: TakeCare, inget beslut om byte');
    expect(planned.body).toContain('Stockholm och Gotland har ännu inte beslutat sig.');
    expect(planned.body).toContain('000_4ce2af865df94af0.txt, rad 54');

    const primary = await app.inject({ method: 'GET', url: '/journalsystem?niva=primarvard' });
    expect(current(primary.body)).toEqual([['/journalsystem?niva=primarvard', 'Idag'], ['/journalsystem?niva=primarvard', 'Primärvård']]);
    expect(new Map(tilesIn(primary.body).map((t) => [t[3], t[4]])).get('14')).toBe('asynjavisph');

    // An unknown choice shows the default map rather than an error.
    const odd = await app.inject({ method: 'GET', url: '/journalsystem?vy=imorgon&niva=1' });
    expect(odd.statusCode).toBe(200);
    expect(current(odd.body).map((c) => c[1])).toEqual(['Idag', 'Sjukhus']);
  });

  it('speaks English when asked, keeping the language and the choice on its links', async () => {
    const res = await app.inject({ method: 'GET', url: '/journalsystem?vy=planerat&lang=en' });
    expect(res.body).toMatch(/<html lang="en">/);
    expect(res.body).toContain('<h1>Record systems in Sweden</h1>');
    expect(res.body).toContain('href="/journalsystem?vy=planerat&amp;niva=primarvard&amp;lang=en"');
    expect(res.body).toContain('href="/regioner/12?lang=en"');
    expect(res.body).toContain('href="/journalsystem/millennium?lang=en"');
    // The language switch stays on the same view.
    expect(res.body).toContain('href="/journalsystem?vy=planerat" lang="sv"');
  });

  it('has a profile per system with vendor, regions per care level and seed lines', async () => {
    for (const system of EHR_SYSTEMS) {
      const res = await app.inject({ method: 'GET', url: `/journalsystem/${system.id}` });
      expect(res.statusCode, system.id).toBe(200);
      expect(res.body).toContain(`Journalsystemet ${system.name}`);
      expect(res.body).toContain(system.vendor);
      for (const s of system.sources) expect(res.body, `${system.id} line ${s.line}`).toContain(`000_4ce2af865df94af0.txt, rad ${s.line}`);
    }
    const melior = await app.inject({ method: 'GET', url: '/journalsystem/melior' });
    const section = (title: string) => melior.body.slice(melior.body.indexOf(title), melior.body.indexOf('</ul>', melior.body.indexOf(title)) + 5);
    expect(melior.body).toContain('Primärvård idag (0)</h3><p>Ingen region.</p>');
    const hospital = section('Sjukhus idag (3)');
    expect([...hospital.matchAll(/data-region="(\d\d)"/g)].map((m) => m[1])).toEqual(['21', '12', '14']);
    expect(hospital).toContain('000_4ce2af865df94af0.txt, rad 32');
    const cosmic = await app.inject({ method: 'GET', url: '/journalsystem/cosmic?lang=en' });
    expect(cosmic.body).toContain('Planned move to the system (9)');
    const av = await app.inject({ method: 'GET', url: '/journalsystem/asynjavisph' });
    expect(av.body).toMatch(/Samma system som<\/dt><dd><a href="\/journalsystem\/takecare">TakeCare<\/a>/);
  });

  it('answers an unknown system with the friendly 404 page', async () => {
    for (const url of ['/journalsystem/epic', '/journalsystem/%3Cscript%3E?lang=en']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).toMatch(/Sidan finns inte|Page not found/);
      expect(res.body).not.toContain('<script>');
    }
  });

  it('is linked once from the start page', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.body.match(/href="\/journalsystem"/g)).toHaveLength(1);
  });
});
