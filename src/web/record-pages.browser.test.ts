/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/connection.js';
import { TOLVAN } from '../simulators/population.js';
import { browserUnavailable, launchChromium } from '../testing/browser.js';
import { startListeningJournalen, type ListeningJournalen } from '../testing/listening-journalen.js';

/**
 * The resident's record pages in a real browser, logged in through the demo e-ID: a resident,
 * the guardian of a 5-year-old, the guardian of a 14-year-old, and a resident one of whose
 * regions is down. Every page: no WCAG 2.1 A/AA violation (axe), no sideways scroll at 320 px,
 * and a screenshot in test-results/screenshots/.
 */

const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url);
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const skip = browserUnavailable();

describe.skipIf(skip !== undefined)(`record pages in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let database: Database;
  let j: ListeningJournalen;
  let browser: Browser;

  beforeAll(async () => {
    database = await openDatabase({ inMemory: true });
    j = await startListeningJournalen(database);
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await j?.close();
    await database?.close();
  });

  /** Logs in by clicking the test person's button on the demo e-ID page. */
  async function logIn(personnummer: string, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${j.origin}/logga-in`);
    await page.click(`button[name="personnummer"][value="${personnummer}"]`);
    await page.waitForURL((url) => url.origin === j.origin);
    return { context, page };
  }

  /** axe, the 320 px check and a screenshot of the page the browser is on. */
  async function check(page: Page, name: string): Promise<void> {
    const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true });
    expect(results.violations.map((v) => `${name}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`)).toEqual([]);
  }

  async function noSidewaysScroll(page: Page, url: string): Promise<void> {
    await page.goto(url);
    const overflow = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      // Name the widest offenders, so a failure says what to fix.
      const wide = Array.from(document.querySelectorAll('body *')).filter((e) => e.getBoundingClientRect().right > width + 1 || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible').slice(0, 6).map((e) => `${e.tagName.toLowerCase()}.${e.className}#${e.id}:${Math.round(e.getBoundingClientRect().right)}/${e.scrollWidth}`);
      return { by: document.documentElement.scrollWidth - width, wide };
    });
    expect(overflow.by, `${url}: ${overflow.wide.join(', ')}`).toBeLessThanOrEqual(0);
  }

  it('shows a resident every part of the record, accessibly', async () => {
    const { context, page } = await logIn(TOLVAN);
    expect(new URL(page.url()).pathname).toBe('/min-journal');
    await expect(page.locator('h1').textContent()).resolves.toBe('Din journal');
    expect(await page.locator('#nytt').count()).toBe(1);
    await check(page, 'record-overview');

    const parts = ['anteckningar', 'diagnoser', 'vardkontakter', 'provsvar', 'rontgensvar', 'remissvar', 'lakemedel', 'vaccinationer', 'uppmarksamhetsinformation'];
    for (const part of parts) {
      await page.goto(`${j.origin}/min-journal/${part}`);
      expect(await page.locator('nav.record-nav a[aria-current="page"]').count(), part).toBe(1);
      await check(page, `record-${part}`);
    }

    // Filters by GET form, without any script: choose a region and submit.
    await page.goto(`${j.origin}/min-journal/anteckningar`);
    await page.selectOption('#f-region', '01');
    await page.click('form.filters button[type="submit"]');
    await page.waitForURL(/region=01/);
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
    await page.goto(`${j.origin}/min-journal/anteckningar?fran=2024-02-31`);
    expect(await page.locator('[role="alert"]').count()).toBe(1);
    await check(page, 'record-notes-filter-error');

    // An item in full, from the list.
    await page.goto(`${j.origin}/min-journal/anteckningar`);
    await page.locator('tbody a').first().click();
    await page.waitForURL(/\/post\//);
    expect(await page.locator('.pre').count()).toBe(1);
    await check(page, 'record-note-item');

    await page.goto(`${j.origin}/min-journal/provsvar`);
    await page.locator('tbody a[href*="/provsvar/post/"]').first().click();
    await page.waitForURL(/\/post\//);
    await check(page, 'record-lab-item');

    for (const [name, path] of [
      ['record-why-not', '/min-journal/varfor-ser-jag-inte'],
      ['record-access-log', '/min-journal/atkomstlogg'],
      ['record-settings', '/min-journal/installningar'],
      ['record-seal-confirm', '/min-journal/installningar/forsegla'],
      ['record-overview-en', '/min-journal?lang=en'],
      ['record-notes-en', '/min-journal/anteckningar?lang=en'],
    ] as const) {
      await page.goto(`${j.origin}${path}`);
      await check(page, name);
    }

    // Settings: save a choice by the form, see the confirmation.
    await page.goto(`${j.origin}/min-journal/installningar`);
    await page.check('#visa-osignerade');
    await page.click('form[action="/min-journal/installningar/val"] button[type="submit"]');
    await page.waitForURL(/sparat=val/);
    expect(await page.locator('.success').textContent()).toBe('Dina val är sparade.');
    expect(await page.isChecked('#visa-osignerade')).toBe(true);
    await page.uncheck('#visa-osignerade');
    await page.click('form[action="/min-journal/installningar/val"] button[type="submit"]');
    await page.waitForURL(/sparat=val/);
    await check(page, 'record-settings-saved');
    await context.close();
  }, 240_000);

  it('fits the record pages on a 320 px wide phone without sideways scrolling', async () => {
    const { context, page } = await logIn(TOLVAN, { width: 320, height: 640 });
    for (const path of ['/min-journal', '/min-journal/anteckningar', '/min-journal/provsvar', '/min-journal/lakemedel', '/min-journal/varfor-ser-jag-inte', '/min-journal/atkomstlogg', '/min-journal/installningar', '/min-journal/installningar/forsegla', '/min-journal/uppmarksamhetsinformation', '/min-journal/remissvar']) {
      await noSidewaysScroll(page, `${j.origin}${path}`);
    }
    await page.goto(`${j.origin}/min-journal/anteckningar`);
    await page.locator('tbody a').first().click();
    await page.waitForURL(/\/post\//);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: new URL('record-note-item-320px.png', SCREENSHOTS).pathname, fullPage: true });
    await page.goto(`${j.origin}/min-journal`);
    await page.screenshot({ path: new URL('record-overview-320px.png', SCREENSHOTS).pathname, fullPage: true });
    await context.close();
  }, 120_000);

  it('lets the guardian of a 5-year-old switch to the child\'s record', async () => {
    const population = j.world.sources.population;
    const { context, page } = await logIn(population.special('guardianA').personnummer);
    const young = population.special('child0to12');
    const handle = j.records.handleOf(young.personnummer);
    await page.click(`a[href="/min-journal/barn/${handle}"]`);
    await page.waitForURL(new RegExp(`/min-journal/barn/${handle}$`));
    expect(await page.locator('h1').textContent()).toContain(young.givenName);
    await check(page, 'child-overview');
    expect(await page.locator('nav.record-nav a[href$="/installningar"]').count()).toBe(0);
    for (const part of ['anteckningar', 'vaccinationer', 'atkomstlogg']) {
      await page.goto(`${j.origin}/min-journal/barn/${handle}/${part}`);
      await check(page, `child-${part}`);
    }
    await context.close();
  }, 120_000);

  it('tells the guardian of a 14-year-old that the record cannot be shown', async () => {
    const population = j.world.sources.population;
    const { context, page } = await logIn(population.special('guardianA').personnummer);
    const teen = population.special('child13to15');
    // Not offered as a link, and refused when asked for directly.
    expect(await page.locator(`a[href="/min-journal/barn/${j.records.handleOf(teen.personnummer)}"]`).count()).toBe(0);
    expect(await page.locator('#vems').locator('..').textContent()).toContain('går inte att läsa');
    const response = await page.goto(`${j.origin}/min-journal/barn/${j.records.handleOf(teen.personnummer)}/anteckningar`);
    expect(response?.status()).toBe(403);
    expect(await page.locator('h1').textContent()).toBe('Journalen kan inte visas');
    await check(page, 'child-13-15-refused');
    await context.close();
  }, 60_000);

  it('tells a resident which region could not answer when its system is down', async () => {
    await j.world.sources.simulators.setFault('cosmic', { kind: 'down' });
    try {
      const { context, page } = await logIn(TOLVAN);
      const notice = page.locator('#saknas').locator('..');
      expect(await notice.textContent()).toMatch(/Information från .+ \(Cosmic\) kunde inte hämtas just nu/);
      await check(page, 'record-overview-region-down');
      await page.goto(`${j.origin}/min-journal/anteckningar`);
      expect(await page.locator('#saknas').count()).toBe(1);
      expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
      await check(page, 'record-notes-region-down');
      await context.close();
    } finally {
      await j.world.sources.simulators.setFault('cosmic', null);
    }
  }, 120_000);
});
