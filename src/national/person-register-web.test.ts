import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { auditEntry } from '../db/schema.js';
import { startDemoPersonRegister, type DemoPersonRegister } from '../demo/register.js';
import { TOLVAN } from '../simulators/population.js';
import { describeEachDatabase } from '../testing/databases.js';
import type { HttpBrowser } from '../testing/http-browser.js';
import { startJournalen, type Journalen } from '../testing/journalen.js';

/**
 * Fail closed end to end: the whole service on the PU adapter against the simulated PU. With the
 * register down, a login is refused and a record read shows nothing, on the pages (503, a clear
 * message in Swedish or English) and in the API (503, JOURNALEN_REGISTER_UNAVAILABLE); no record
 * read is audited, because none happened.
 */

const SV = 'Folkbokföringsregistret svarar inte just nu, så vi kan inte visa journalen. Försök igen om en stund.';
const EN = 'The population register is not answering just now, so we cannot show the record.';

describeEachDatabase('the record service when the population register does not answer', (getDb) => {
  let j: Journalen;
  let pu: DemoPersonRegister;
  let tolvan: HttpBrowser;

  const entries = async (kind: 'recordRead' | 'login') =>
    getDb().db.select().from(auditEntry).where(and(eq(auditEntry.kind, kind), eq(auditEntry.subject, TOLVAN)));

  beforeAll(async () => {
    j = await startJournalen(getDb(), {
      // No cache: each request asks PU, so a fault shows at once.
      register: async (population) => {
        pu = await startDemoPersonRegister({ population, consumerHsaId: 'SE2321000016-JRNL', cacheTtlMs: 0, timeoutMs: 2_000 });
        return pu.register;
      },
    });
    tolvan = j.browser();
  });
  afterAll(async () => {
    await j?.close();
    await pu?.close();
  });

  it('logs in and shows the record through the PU adapter while PU answers', async () => {
    const landed = await j.logIn(tolvan, TOLVAN);
    expect(landed.status).toBe(200);
    expect(landed.url.pathname).toBe('/min-journal');
    expect(pu.service.requests).toBeGreaterThan(0);
    expect((await tolvan.json('GET', '/api/v1/records/self/overview')).status).toBe(200);
    expect((await entries('recordRead')).length).toBeGreaterThan(0);
  });

  it('shows no record when PU is down: 503 and the message, in Swedish and English; nothing audited as read', async () => {
    const reads = (await entries('recordRead')).length;
    await pu.service.setFault('down');
    try {
      const page = await tolvan.get('/min-journal');
      expect(page.status).toBe(503);
      expect(page.body).toContain(SV);
      expect(page.body).not.toContain('Tolvansson');
      const en = await tolvan.get('/min-journal/anteckningar?lang=en');
      expect(en.status).toBe(503);
      expect(en.body).toContain(EN);
      const api = await tolvan.json('GET', '/api/v1/records/self/items?type=note');
      expect(api.status).toBe(503);
      expect(api.data).toMatchObject({ code: 'JOURNALEN_REGISTER_UNAVAILABLE', details: { reason: 'connection' } });
      expect(JSON.stringify(api.data)).not.toContain(TOLVAN.slice(2));
      expect(api.data.items).toBeUndefined();
      expect((await entries('recordRead')).length).toBe(reads);
    } finally {
      await pu.service.setFault(null);
    }
    // Back at once: nothing about the failure was remembered.
    expect((await tolvan.get('/min-journal')).status).toBe(200);
    expect((await entries('recordRead')).length).toBe(reads + 1);
  });

  it('refuses a login when PU fails, says why, audits the refusal and opens no session', async () => {
    await pu.service.setFault('soapFault');
    try {
      const browser = j.browser();
      const landed = await j.logIn(browser, TOLVAN);
      expect(landed.status).toBe(503);
      expect(landed.body).toContain(SV);
      const refused = (await entries('login')).filter((e) => e.details.outcome === 'refused');
      expect(refused.map((e) => e.details.reason)).toContain('REGISTER_UNAVAILABLE');
      expect((await browser.json('GET', '/api/v1/me')).status).toBe(401);
    } finally {
      await pu.service.setFault(null);
    }
  });
});
