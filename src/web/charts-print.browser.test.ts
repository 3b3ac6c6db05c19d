/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/connection.js';
import { TOLVAN } from '../simulators/population.js';
import { browserUnavailable, launchChromium } from '../testing/browser.js';
import { startJournalen, type Journalen } from '../testing/journalen.js';

/**
 * The chart and print pages in Chromium: axe (WCAG 2.1 A/AA) and a 320 px phone. The pages are
 * fetched in-process after a real login and loaded into the browser as they were served.
 */

const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url);
const skip = browserUnavailable();

describe.skipIf(skip !== undefined)(`chart and print pages in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let database: Database;
  let j: Journalen;
  let browser: Browser;
  const pages: [string, string][] = [];

  beforeAll(async () => {
    database = await openDatabase({ inMemory: true });
    j = await startJournalen(database);
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
    const resident = j.browser();
    await j.logIn(resident, TOLVAN);
    const list = await resident.get('/min-journal/provsvar/analys');
    const code = /href="\/min-journal\/provsvar\/analys\/([A-Za-z0-9._-]+)"/.exec(list.body)![1]!;
    pages.push(['lab-analyses', list.body], ['lab-over-time', (await resident.get(`/min-journal/provsvar/analys/${code}`)).body]);
    pages.push(['lab-over-time-en', (await resident.get(`/min-journal/provsvar/analys/${code}?lang=en`)).body]);
    pages.push(['print-form', (await resident.get('/min-journal/utskrift')).body]);
    const population = j.world.sources.population;
    const guardian = j.browser();
    await j.logIn(guardian, population.special('guardianA').personnummer);
    const handle = j.records.handleOf(population.special('child0to12').personnummer);
    pages.push(['child-growth', (await guardian.get(`/min-journal/barn/${handle}/tillvaxt`)).body]);
  });

  afterAll(async () => {
    await browser?.close();
    await j?.close();
    await database?.close();
  });

  // One test per page: axe takes seconds per page on a busy 2-core machine.
  it.each(['lab-analyses', 'lab-over-time', 'lab-over-time-en', 'print-form', 'child-growth'])('%s has no WCAG 2.1 A/AA violations (axe)', async (name) => {
    const html = pages.find(([n]) => n === name)![1];
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.setContent(html);
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true });
    expect(results.violations.map((v) => `${name}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
    await context.close();
  }, 60_000);

  it('fits a 320 px phone: the chart scales down and only tables scroll sideways', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    for (const [name, html] of pages) {
      await page.setContent(html);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, name).toBeLessThanOrEqual(0);
      const svgWidth = await page.evaluate(() => Math.max(0, ...Array.from(document.querySelectorAll('figure svg')).map((s) => s.getBoundingClientRect().width)));
      expect(svgWidth, name).toBeLessThanOrEqual(320);
      await page.screenshot({ path: new URL(`${name}-320px.png`, SCREENSHOTS).pathname, fullPage: true });
    }
    await context.close();
  }, 60_000);
});
