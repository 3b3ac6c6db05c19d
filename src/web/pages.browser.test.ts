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

/** The public pages in a real browser: WCAG 2.1 A/AA with axe, small screens, keyboard. */

const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url);
const PAGES = [
  ['start', '/'],
  ['start-en', '/?lang=en'],
  ['region-ostergotland', '/regioner/05'],
  ['region-vasternorrland-en', '/regioner/22?lang=en'],
  ['not-found', '/no-such-page'],
] as const;

const skip = browserUnavailable();

describe.skipIf(skip !== undefined)(`public pages in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
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
    expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
    await context.close();
  });

  it('fits a 320 px wide phone without sideways scrolling of the page', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    for (const [name, path] of PAGES) {
      await page.goto(`${base}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, name).toBeLessThanOrEqual(0);
    }
    await page.goto(`${base}/`);
    await page.screenshot({ path: new URL('start-320px.png', SCREENSHOTS).pathname, fullPage: true });
    await context.close();
  });

  it('offers a skip link as the first stop of the keyboard, leading to the content', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Hoppa till innehållet');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('innehall');
    await context.close();
  });
});
