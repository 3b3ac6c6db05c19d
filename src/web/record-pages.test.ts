import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRelyingParty } from '../access/oidc.js';
import { simulatedRegister } from '../demo/register.js';
import { createAggregator } from '../aggregation/fetch-record.js';
import { swedishDate } from '../domain/time.js';
import { createLogger } from '../operations/logger.js';
import { createRecordService } from '../record/service.js';
import { TOLVAN } from '../simulators/population.js';
import { describeEachDatabase } from '../testing/databases.js';
import { HttpBrowser, hiddenField, type Page } from '../testing/http-browser.js';
import { APP_ORIGIN, startJournalen, type Journalen } from '../testing/journalen.js';
import { buildApp } from './app.js';

/** The resident's record pages, in-process: lists, filters, paging, items, settings, seal, access log, children. */

const links = (page: Page, pattern: RegExp) => [...page.body.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&')).filter((h) => pattern.test(h));
const rowsOf = (page: Page) => (page.body.match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1]?.match(/<tr/g) ?? []).length;

describeEachDatabase('record pages', (getDb) => {
  let j: Journalen;
  let tolvan: HttpBrowser;

  beforeAll(async () => {
    j = await startJournalen(getDb());
    tolvan = j.browser();
    await j.logIn(tolvan, TOLVAN);
  });
  afterAll(async () => j?.close());

  it('shows what is new and links each type and item from the overview', async () => {
    const page = await tolvan.get('/min-journal');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Nytt de senaste 30 dagarna');
    expect(page.body).toContain('aria-label="Journalens delar"');
    expect(links(page, /^\/min-journal\/anteckningar$/)).toHaveLength(2); // nav and table row
    expect(links(page, /^\/min-journal\/anteckningar\/post\//).length).toBeGreaterThan(0);
    expect(links(page, /^\/min-journal\/utskrift$/)).toHaveLength(1);
  });

  it('lists every information type with its columns, Swedish and English', async () => {
    const expected: Record<string, string[]> = {
      anteckningar: ['Anteckningstyp', 'Vårdenhet', 'Region'],
      diagnoser: ['Diagnos', 'Kod'],
      vardkontakter: ['Kontakt', 'Orsak'],
      provsvar: ['Analys', 'Referensintervall', 'Avvikande'],
      rontgensvar: ['Undersökning', 'Metod'],
      remissvar: ['Frågeställning', 'Beställare'],
      lakemedel: ['ATC-kod', 'Dosering', 'Period'],
      vaccinationer: ['Vaccin', 'Skydd mot'],
      uppmarksamhetsinformation: ['Allvarlighetsgrad'],
    };
    for (const [slug, words] of Object.entries(expected)) {
      const page = await tolvan.get(`/min-journal/${slug}`);
      expect(page.status, slug).toBe(200);
      for (const word of words) expect(page.body, `${slug}: ${word}`).toContain(word);
      expect(page.body).toContain('aria-current="page"');
    }
    const lab = await tolvan.get('/min-journal/provsvar');
    expect(links(lab, /^\/min-journal\/provsvar\/analys\/[^/]+$/).length).toBeGreaterThan(0);
    const en = await tolvan.get('/min-journal/lakemedel?lang=en');
    expect(en.body).toContain('<html lang="en"');
    expect(en.body).toContain('Dosage');
    expect(links(en, /\/post\/.*lang=en$/).length).toBeGreaterThan(0);
  });

  it('pages long lists 25 at a time with previous and next links that keep the filters', async () => {
    const first = await tolvan.get('/min-journal/anteckningar');
    const total = Number(/Visar 1–25 av (\d+)/.exec(first.body)?.[1]);
    expect(total).toBeGreaterThan(25);
    expect(rowsOf(first)).toBe(25);
    const next = links(first, /sida=2/)[0]!;
    const second = await tolvan.get(next);
    expect(second.body).toContain(`Visar 26–${Math.min(50, total)} av ${total}`);
    expect(links(second, /^\/min-journal\/anteckningar$/).length).toBeGreaterThan(0); // previous = page 1
    const filtered = await tolvan.get('/min-journal/anteckningar?region=01');
    const filteredTotal = Number(/av (\d+)\./.exec(filtered.body)?.[1]);
    expect(filteredTotal).toBeLessThan(total);
    if (filteredTotal > 25) expect(links(filtered, /sida=2/)[0]).toContain('region=01');
  });

  it('filters notes by period, care unit, region, note type and words', async () => {
    const byRegion = await tolvan.get('/min-journal/anteckningar?region=01');
    expect(byRegion.body).toContain('Region Stockholm');
    expect(byRegion.body).not.toMatch(/<td>Region Skåne<\/td>/);
    const unit = /<option value="([^"]+)">Vårdcentralen Täby<\/option>/.exec(byRegion.body)?.[1];
    expect(unit).toBeDefined();
    const byUnit = await tolvan.get(`/min-journal/anteckningar?enhet=${encodeURIComponent(unit!)}`);
    expect([...byUnit.body.matchAll(/<td>(Vårdcentralen[^<]*|[^<]*sjukhus[^<]*|[^<]*lasarett[^<]*)<\/td>/g)].every((m) => m[1] === 'Vårdcentralen Täby')).toBe(true);
    const byType = await tolvan.get('/min-journal/anteckningar?typ=ink');
    const typeRows = rowsOf(byType);
    expect(typeRows).toBeGreaterThanOrEqual(0);
    const all = await tolvan.get('/min-journal/anteckningar');
    const firstDate = /<td>(\d{4}-\d{2}-\d{2})<\/td>/.exec(all.body)![1]!;
    const byDate = await tolvan.get(`/min-journal/anteckningar?fran=${firstDate}&till=${firstDate}`);
    expect([...byDate.body.matchAll(/<td>(\d{4}-\d{2}-\d{2})<\/td>/g)].every((m) => m[1] === firstDate)).toBe(true);
    const byWords = await tolvan.get('/min-journal/anteckningar?sok=inget-sadant-ord-finns');
    expect(byWords.body).toContain('Det finns inget att visa med de här valen.');
    const bad = await tolvan.get('/min-journal/anteckningar?fran=2024-02-31');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('role="alert"');
    expect(bad.body).toContain('aria-invalid="true"');
  });

  it('shows an item in full with who wrote and signed it, and 404 for a bad or foreign key', async () => {
    const list = await tolvan.get('/min-journal/anteckningar');
    const href = links(list, /^\/min-journal\/anteckningar\/post\//)[0]!;
    const item = await tolvan.get(href);
    expect(item.status).toBe(200);
    for (const word of ['Skriven av', 'Signerad av', 'Vårdenhet', 'Vårdgivare', 'Region', 'Innehåll']) expect(item.body).toContain(word);
    expect((await tolvan.get('/min-journal/anteckningar/post/AAAA')).status).toBe(404);
    expect((await tolvan.get('/min-journal/anteckningar/post/not*a*key')).status).toBe(404);
    // The same key under another type's address is not found there.
    const key = href.split('/post/')[1]!;
    const foreign = await tolvan.get(`/min-journal/diagnoser/post/${key}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toContain('Uppgiften finns inte');
    // Results tell their status in words.
    const lab = await tolvan.get('/min-journal/provsvar');
    const labItem = await tolvan.get(links(lab, /\/provsvar\/post\//)[0]!);
    expect(labItem.body).toMatch(/Vidimerat|Ej vidimerat/);
  });

  it('explains what is shown later and links the regions\' rules', async () => {
    const page = await tolvan.get('/min-journal/varfor-ser-jag-inte');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Det som aldrig visas');
    expect(links(page, /^\/regioner\/\d{2}$/).length).toBeGreaterThan(0);
    const view = await j.records.read({ personnummer: TOLVAN }, { relation: 'self' }, {}, { offset: 0, limit: 0 });
    if (view.withheld.length > 0) expect(page.body).toContain(view.withheld[0]!.reason.sv.replace(/&/g, '&amp;'));
  });

  it('needs the CSRF token to save settings, saves them, and applies "hide recent"', async () => {
    const resident = j.world.sources.population.special('guardianB').personnummer;
    const browser = j.browser();
    await j.logIn(browser, resident);
    const settings = await browser.get('/min-journal/installningar');
    expect(settings.status).toBe(200);
    expect(settings.body).toContain('där regionen låter dig välja');
    const forged = await browser.post('/min-journal/installningar/val', { doljNya: 'ja' });
    expect(forged.status).toBe(403);
    expect((await j.records.choicesOf({ personnummer: resident })).hideRecent).toBe(false);
    const saved = await browser.send('POST', new URL('/min-journal/installningar/val', APP_ORIGIN), new URLSearchParams({ _csrf: hiddenField(settings.body, '_csrf'), doljNya: 'ja' }).toString(), { 'content-type': 'application/x-www-form-urlencoded' }, false);
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/min-journal/installningar?sparat=val');
    const after = await browser.get(saved.headers.location as string);
    expect(after.body).toContain('Dina val är sparade.');
    expect(after.body).toMatch(/id="dolj-nya"[^>]*checked/);
    expect(await j.records.choicesOf({ personnummer: resident })).toEqual({ showUnsigned: false, hideRecent: true });
    const view = await j.records.read({ personnummer: resident }, { relation: 'self' });
    const fourteenDaysAgo = swedishDate(new Date(Date.now() - 14 * 86_400_000));
    expect(view.items.every((s) => swedishDate(s.item.time) <= fourteenDaysAgo)).toBe(true);
    // A child's record has no settings of the guardian's.
    expect((await browser.get('/min-journal/barn/AAAAAAAAAAAAAAAAAAAAAA/installningar')).status).toBe(404);
  });

  it('seals the account only after a confirmation, and lets the resident lift the seal', async () => {
    const resident = j.world.sources.population.special('multiRegion').personnummer;
    const browser = j.browser();
    await j.logIn(browser, resident);
    const settings = await browser.get('/min-journal/installningar');
    expect(links(settings, /^\/min-journal\/installningar\/forsegla$/)).toHaveLength(1);
    const confirm = await browser.get('/min-journal/installningar/forsegla');
    expect(confirm.body).toContain('Vill du försegla ditt konto?');
    const csrf = hiddenField(confirm.body, '_csrf');
    expect((await browser.post('/min-journal/installningar/forsegling', { forseglad: 'ja', bekrafta: 'ja' })).status).toBe(403);
    const unconfirmed = await browser.post('/min-journal/installningar/forsegling', { _csrf: csrf, forseglad: 'ja' });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body).toContain('role="alert"');
    const sealed = await browser.post('/min-journal/installningar/forsegling', { _csrf: csrf, forseglad: 'ja', bekrafta: 'ja' });
    expect(sealed.url.pathname + sealed.url.search).toBe('/min-journal/installningar?sparat=forseglat');
    expect(sealed.body).toContain('Kontot är förseglat');
    const record = await browser.get('/min-journal');
    expect(record.status).toBe(403);
    expect(links(record, /^\/min-journal\/installningar$/).length).toBeGreaterThan(0);
    expect((await browser.get('/min-journal/anteckningar')).status).toBe(403);
    const lifted = await browser.post('/min-journal/installningar/forsegling', { _csrf: hiddenField(sealed.body, '_csrf'), forseglad: 'nej' });
    expect(lifted.body).toContain('Förseglingen är hävd');
    expect((await browser.get('/min-journal')).status).toBe(200);
  });

  it('shows the reads in the access log, a page at a time', async () => {
    const resident = j.world.sources.population.special('guardianA').personnummer;
    const browser = j.browser();
    await j.logIn(browser, resident);
    for (let i = 0; i < 26; i++) await browser.get('/min-journal/uppmarksamhetsinformation');
    const log = await browser.get('/min-journal/atkomstlogg');
    expect(log.status).toBe(200);
    expect(log.body).toContain('Du själv');
    expect(log.body).toContain('Uppmärksamhetsinformation');
    expect(rowsOf(log)).toBe(25);
    const older = links(log, /^\/min-journal\/atkomstlogg\?fran=/)[0]!;
    const second = await browser.get(older);
    expect(second.status).toBe(200);
    expect(rowsOf(second)).toBeGreaterThan(0);
    expect(second.body).toContain('Senaste läsningarna');
    expect(log.body).not.toContain(resident);
    // A cursor not from us starts again from the newest.
    expect((await browser.get('/min-journal/atkomstlogg?fran=bogus')).url.search).toBe('');
  });

  it('lets the guardian of a 5-year-old read the child\'s pages, and refuses the 14-year-old\'s', async () => {
    const population = j.world.sources.population;
    const browser = j.browser();
    const overview = await j.logIn(browser, population.special('guardianA').personnummer);
    const young = j.records.handleOf(population.special('child0to12').personnummer);
    const teen = j.records.handleOf(population.special('child13to15').personnummer);
    expect(links(overview, new RegExp(`^/min-journal/barn/${young}$`))).toHaveLength(1);
    const child = await browser.get(`/min-journal/barn/${young}`);
    expect(child.status).toBe(200);
    expect(child.body).toContain('Du läser');
    expect(links(child, new RegExp(`^/min-journal/barn/${young}/installningar`))).toHaveLength(0);
    for (const part of ['anteckningar', 'vaccinationer', 'varfor-ser-jag-inte', 'atkomstlogg']) {
      expect((await browser.get(`/min-journal/barn/${young}/${part}`)).status, part).toBe(200);
    }
    const vacc = await browser.get(`/min-journal/barn/${young}/vaccinationer`);
    const item = links(vacc, new RegExp(`^/min-journal/barn/${young}/vaccinationer/post/`))[0];
    if (item) expect((await browser.get(item)).status).toBe(200);
    const log = await browser.get(`/min-journal/barn/${young}/atkomstlogg`);
    expect(log.body).toContain('Vårdnadshavare');
    for (const part of ['', '/anteckningar', '/atkomstlogg']) {
      const refused = await browser.get(`/min-journal/barn/${teen}${part}`);
      expect(refused.status, part).toBe(403);
      expect(refused.body).toContain('Journalen kan inte visas');
    }
    expect((await browser.get('/min-journal/barn/AAAAAAAAAAAAAAAAAAAAAA/anteckningar')).status).toBe(403);
  });

  it('sends a visitor without a session to log in', async () => {
    const page = await j.browser().send('GET', new URL('/min-journal/provsvar', APP_ORIGIN), undefined, {}, false);
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe(`/logga-in?returnTo=${encodeURIComponent('/min-journal/provsvar')}`);
  });

  it('shows hostile producer text inert, in lists and in full', async () => {
    const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(1)>';
    const aggregator = createAggregator({ db: getDb().db, describeSource: j.world.sources.describeSource });
    const hostile = createRecordService({
      db: getDb().db,
      register: simulatedRegister(j.world.sources.population),
      handleKey: 'test-secret-test-secret-test-secret-0123',
      aggregate: async (query) => {
        const real = await aggregator.aggregateRecord(query);
        return { ...real, items: real.items.map((item) => (item.infoType === 'note' ? { ...item, title: HOSTILE, text: `${HOSTILE}\nrad två` } : item)) };
      },
    });
    const app = await buildApp({
      database: getDb(),
      logger: createLogger({ level: 'silent' }),
      login: {
        records: hostile,
        relyingParty: createRelyingParty({ issuer: j.idp.issuer, clientId: 'journalen', clientSecret: 'test-client-secret', redirectUri: `${APP_ORIGIN}/auth/callback`, postLogoutRedirectUri: `${APP_ORIGIN}/utloggad` }),
        secret: 'test-secret-test-secret-test-secret-0123',
        publicUrl: APP_ORIGIN,
      },
    });
    try {
      const browser = new HttpBrowser(app, APP_ORIGIN);
      const login = await browser.get('/logga-in');
      const uid = hiddenField(login.body, 'uid');
      await browser.post(new URL(`/interaction/${uid}/login`, j.idp.issuer), { uid, lang: 'sv', personnummer: TOLVAN });
      const list = await browser.get('/min-journal/anteckningar');
      const item = await browser.get(links(list, /\/anteckningar\/post\//)[0]!);
      const overview = await browser.get('/min-journal');
      for (const page of [list, item, overview]) {
        expect(page.status).toBe(200);
        expect(page.body).not.toContain('<script>alert(1)');
        expect(page.body).not.toContain('<img src=x');
        expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
      }
      expect(item.body).toContain('\nrad två');
    } finally {
      await app.close();
    }
  });
});
