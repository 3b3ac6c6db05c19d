/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/connection.js';
import { createLogger } from '../operations/logger.js';
import { seedDefaultPolicies } from '../registry/policies.js';
import { seedRegistry } from '../registry/store.js';
import { browserUnavailable, launchChromium } from '../testing/browser.js';
import { buildApp } from './app.js';
import { TILE_PLACES } from './map/tile-grid.js';

/** "Journalsystem i Sverige" in a real browser: WCAG 2.1 A/AA with axe, 320 px, keyboard, no JavaScript. */

const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url);
const PAGES = [
  ['systems-map', '/journalsystem'],
  ['systems-map-planned-primary', '/journalsystem?vy=planerat&niva=primarvard'],
  ['systems-map-en', '/journalsystem?lang=en'],
  ['system-cosmic', '/journalsystem/cosmic'],
  ['system-asynjavisph-en', '/journalsystem/asynjavisph?lang=en'],
] as const;
// Reading order of the map: north to south, west to east.
const TAB_ORDER = [...TILE_PLACES].sort((a, b) => a.row - b.row || a.col - b.col).map((p) => p.code);

const skip = browserUnavailable();

describe.skipIf(skip !== undefined)(`Journalsystem i Sverige in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let database: Database;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    database = await openDatabase({ inMemory: true });
    await seedRegistry(database.db);
    await seedDefaultPolicies(database.db);
    app = await buildApp({ database, logger: createLogger({ level: 'silent' }) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  it.each(PAGES)('%s has no WCAG 2.1 A/AA violations (axe)', async (name, path) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}${path}`);
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true });
    expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
    await context.close();
  });

  it('fits a 320 px wide phone: no sideways scrolling, the map scaled to the screen', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    for (const [name, path] of PAGES) {
      await page.goto(`${base}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, name).toBeLessThanOrEqual(0);
    }
    await page.goto(`${base}/journalsystem`);
    const box = await page.locator('.tilemap svg').boundingBox();
    expect(box?.width).toBeGreaterThan(200);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(320);
    // Every tile lies inside the screen.
    const tiles = await page.locator('.tilemap a').evaluateAll((as) => as.map((a) => a.getBoundingClientRect().right));
    expect(tiles).toHaveLength(21);
    for (const right of tiles) expect(right).toBeLessThanOrEqual(320);
    await page.screenshot({ path: new URL('systems-map-320px.png', SCREENSHOTS).pathname, fullPage: true });
    // The table, the main accessible view, fits too, without scrolling inside its box.
    const table = page.locator('.systems-table');
    expect(await table.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    await table.screenshot({ path: new URL('systems-table-320px.png', SCREENSHOTS).pathname });
    await context.close();
  });

  it('reaches every tile with Tab, in map order, with a visible focus ring', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/journalsystem`);
    const reached: string[] = [];
    for (let i = 0; i < 80 && reached.length < 21; i++) {
      await page.keyboard.press('Tab');
      const code = await page.evaluate(() => document.activeElement?.closest('.tilemap a')?.getAttribute('data-region') ?? null);
      if (code) reached.push(code);
    }
    expect(reached).toEqual(TAB_ORDER);
    // Focus is on Skåne, the last tile: its ring is drawn dark, the others' stay transparent.
    const rings = await page.locator('.tilemap a .ring').evaluateAll((rs) => rs.map((r) => getComputedStyle(r).stroke));
    expect(rings.filter((s) => s === 'rgb(26, 26, 26)')).toHaveLength(1);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Region Skåne (M), sjukhus: Melior');
    await page.locator('.tilemap').screenshot({ path: new URL('systems-map-focus.png', SCREENSHOTS).pathname });
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/regioner/12`);
    await context.close();
  });

  it('switches to the planned map without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/journalsystem`);
    await page.getByRole('link', { name: 'Planerat' }).click();
    await page.waitForURL(`${base}/journalsystem?vy=planerat`);
    expect(await page.locator('a[aria-current="page"]').allTextContents()).toEqual(['Planerat', 'Sjukhus']);
    expect(await page.locator('.tilemap a[data-region="12"]').getAttribute('data-system')).toBe('millennium');
    await context.close();
  });
});
