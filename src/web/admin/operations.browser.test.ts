/// <reference lib="dom" />
import { takeOutOfProduction } from '../../testing/world.js';
import { mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeStep, createConnection } from '../../admin/onboarding/index.js';
import { demoAdminNumber } from '../../demo/admins.js';
import { recordSourceStatuses } from '../../admin/statistics/index.js';
import { contractVersion } from '../../contracts/registry.js';
import { openDatabase, type Database } from '../../db/connection.js';
import { browserUnavailable, launchChromium } from '../../testing/browser.js';
import { startListeningJournalen, type ListeningJournalen } from '../../testing/listening-journalen.js';

/**
 * The operations pages in a real browser, logged in as the demo operator: the connections list
 * (also with the form's errors shown), a connection's workflow, and the statistics. No WCAG 2.1
 * A/AA violation (axe), no sideways scroll at 320 px, and a screenshot of each.
 */

const SCREENSHOTS = new URL('../../../test-results/screenshots/', import.meta.url);
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const skip = browserUnavailable();

describe.skipIf(skip !== undefined)(`operations pages in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let database: Database;
  let j: ListeningJournalen;
  let browser: Browser;
  let connectionId: number;

  beforeAll(async () => {
    database = await openDatabase({ inMemory: true });
    j = await startListeningJournalen(database);
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
    const system = { id: 'test', role: 'system' as const };
    await takeOutOfProduction(database, j.world, ['cosmic']);
    const cosmic = j.world.sources.simulators.system('cosmic');
    const c = await createConnection(database.db, system, { kind: 'new', regionCode: '05', careProviderHsaIds: ['SE2321000016-AAAA'], sourceSystemId: 'cosmic', logicalAddress: cosmic.logicalAddress, contracts: [contractVersion('GetDiagnosis')!.responderNamespace], endpoints: { sit: cosmic.baseUrl } }, new Date());
    connectionId = c.id;
    await completeStep(database.db, system, c.id, { step: 'startMeeting', note: 'Uppstartsmöte hållet' }, new Date());
    await recordSourceStatuses(database.db, [{ logicalAddress: cosmic.logicalAddress, systemName: 'Cosmic', contract: 'GetDiagnosis', version: '2', infoType: 'diagnosis', status: 'answered', itemCount: 1, durationMs: 80 }], new Date());
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await j?.close();
    await database?.close();
  });

  async function logIn(viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${j.origin}/logga-in`);
    await page.click(`button[name="personnummer"][value="${demoAdminNumber(j.world.sources.population, 'operator')}"]`);
    await page.waitForURL((url) => url.origin === j.origin);
    return { context, page };
  }

  async function check(page: Page, name: string): Promise<void> {
    const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true });
    expect(results.violations.map((v) => `${name}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`)).toEqual([]);
  }

  it('connections list, the form with errors, a connection and the statistics have no WCAG 2.1 A/AA violations', async () => {
    const { context, page } = await logIn();
    await page.goto(`${j.origin}/admin/anslutningar`);
    expect(await page.textContent('h1')).toBe('Producentanslutningar');
    await check(page, 'admin-connections');
    await page.fill('#f-logicalAddress', 'inte-ett-hsa-id');
    await page.click('button[type="submit"]:has-text("Skapa anslutning")');
    await page.waitForSelector('.error-summary');
    await check(page, 'admin-connections-errors');
    await page.goto(`${j.origin}/admin/anslutningar/${connectionId}?lang=en`);
    expect(await page.textContent('h2#next-step')).toContain('Pre-study for SIT/QA submitted');
    await check(page, 'admin-connection-en');
    await page.goto(`${j.origin}/admin/statistik`);
    await check(page, 'admin-statistics');
    await context.close();
  }, 60_000);

  it('fits a 320 px wide phone without sideways scrolling', async () => {
    const { context, page } = await logIn({ width: 320, height: 640 });
    for (const path of ['/admin/anslutningar', `/admin/anslutningar/${connectionId}`, '/admin/statistik']) {
      await page.goto(`${j.origin}${path}`);
      const overflow = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const wide = Array.from(document.querySelectorAll('body *')).filter((e) => e.getBoundingClientRect().right > width + 1 && !e.parentElement?.closest(".scroll")).slice(0, 6).map((e) => `${e.tagName.toLowerCase()}.${e.className}#${e.id}:${Math.round(e.getBoundingClientRect().left)}-${Math.round(e.getBoundingClientRect().right)}`);
        return { by: document.documentElement.scrollWidth - width, wide };
      });
      expect(overflow.by, `${path}: ${overflow.wide.join(', ')}`).toBeLessThanOrEqual(0);
    }
    await context.close();
  }, 60_000);
});
