/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAdminNumber } from '../../demo/admins.js';
import { openDatabase, type Database } from '../../db/connection.js';
import { browserUnavailable, launchChromium } from '../../testing/browser.js';
import { APP_ORIGIN, startJournalen, type Journalen } from '../../testing/journalen.js';

/** The rules pages in a real browser, as Skåne's administrator: WCAG 2.1 A/AA with axe, errors reachable. */

const SCREENSHOTS = new URL('../../../test-results/screenshots/', import.meta.url);
const skip = browserUnavailable();

describe.skipIf(skip !== undefined)(`admin rules pages in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let database: Database;
  let j: Journalen;
  let browser: Browser;
  let base: string;
  let session: string;

  beforeAll(async () => {
    database = await openDatabase({ inMemory: true });
    j = await startJournalen(database);
    // Log in in-process through the identity provider, then hand the session cookie to Chromium.
    const http = j.browser();
    await j.logIn(http, demoAdminNumber(j.world.sources.population, 'careProviderAdmin'));
    session = http.cookie(APP_ORIGIN, 'journalen')!;
    await j.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(j.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await j?.close();
    await database?.close();
  });

  const open = async () => {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'journalen', value: session, url: base }]);
    return { context, page: await context.newPage() };
  };

  it.each([
    ['admin-region-skane', '/admin/regler/12'],
    ['admin-edit-skane', '/admin/regler/12/andra'],
    ['admin-edit-skane-en', '/admin/regler/12/andra?lang=en'],
    ['admin-regions', '/admin/regler'],
    ['admin-preview', '/admin/regler/12/forhandsgranska'],
    ['admin-access', '/admin/atkomst'],
  ])('%s has no WCAG 2.1 A/AA violations (axe)', async (name, path) => {
    const { context, page } = await open();
    const response = await page.goto(`${base}${path}`);
    expect(response?.status()).toBe(200);
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true });
    expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
    await context.close();
  });

  it('shows errors of a bad edit in a summary and beside the fields, without violations, and the summary links to the field', async () => {
    const { context, page } = await open();
    await page.goto(`${base}/admin/regler/12/andra`);
    await page.check('#f-signed_kind-afterDays');
    await page.fill('#f-signed_days', '-2');
    await page.click('button[value=save]');
    expect(await page.locator('[role=alert]').textContent()).toContain('Antal dagar kan inte vara negativt.');
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    await page.screenshot({ path: new URL('admin-edit-errors.png', SCREENSHOTS).pathname, fullPage: true });
    expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
    await page.click('[role=alert] a[href="#f-signed_days"]');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-signed_days');
    expect(await page.getAttribute('#f-signed_days', 'aria-describedby')).toContain('e-signed_days');
    await context.close();
  });

  it('saves a change without JavaScript and lands on the history', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    await context.addCookies([{ name: 'journalen', value: session, url: base }]);
    const page = await context.newPage();
    await page.goto(`${base}/admin/regler/12/andra`);
    await page.fill('#f-excluded_keywords', 'Hot och våld');
    await page.click('button[value=save]');
    expect(page.url()).toContain('/admin/regler/12?sparad=2');
    expect(await page.locator('[role=status]').textContent()).toContain('Version 2 är sparad.');
    await context.close();
  });
});
