import { afterAll, beforeAll, expect, it } from 'vitest';
import { readAccessLog } from '../audit/index.js';
import { TOLVAN } from '../simulators/population.js';
import { describeEachDatabase } from '../testing/databases.js';
import type { HttpBrowser } from '../testing/http-browser.js';
import { APP_ORIGIN, startJournalen, type Journalen } from '../testing/journalen.js';
import { analysisSeries } from './charts/series.js';
import { contentStreamText, hasPdftotext, pdftotext } from './print/pdf-text.js';

/** Lab results over time, growth and the printout, end to end through login and the record service. */
describeEachDatabase('charts and printout', (getDb) => {
  let j: Journalen;

  beforeAll(async () => {
    j = await startJournalen(getDb());
  });
  afterAll(async () => j?.close());

  /** A binary answer (the PDF), with the browser's session cookie. */
  const download = async (browser: HttpBrowser, url: string) => {
    const cookie = browser.cookie(APP_ORIGIN, 'journalen');
    const response = await j.app.inject({ method: 'GET', url, headers: cookie ? { cookie: `journalen=${cookie}` } : {} });
    return { status: response.statusCode, headers: response.headers, body: response.rawPayload };
  };

  it('lists the analyses and draws one over time as SVG with the same values in a table', async () => {
    const browser = j.browser();
    await j.logIn(browser, TOLVAN);
    const list = await browser.get('/min-journal/provsvar/analys');
    expect(list.status).toBe(200);
    const code = /href="\/min-journal\/provsvar\/analys\/([A-Za-z0-9._-]+)"/.exec(list.body)?.[1];
    expect(code, 'Tolvan has coded lab results').toBeDefined();

    const page = await browser.get(`/min-journal/provsvar/analys/${code}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<svg viewBox="0 0 \d+ \d+" role="img" aria-labelledby="analys-titel" aria-describedby="analys-beskrivning"/);
    expect(page.body).toContain('över tid');
    expect(page.body).not.toMatch(/NaN/);
    const view = await j.records.read({ personnummer: TOLVAN }, { relation: 'self' }, { infoTypes: ['labResult'] });
    const series = analysisSeries(view.items, code!)!;
    expect(page.body.match(/data-row="value"/g)).toHaveLength(series.rows.length);
    expect(page.body.match(/class="point( abnormal)?"/g)?.length).toBeGreaterThan(0);
    expect(page.body).toContain('Referensintervall');
    expect(page.body).not.toContain(TOLVAN);

    const en = await browser.get(`/min-journal/provsvar/analys/${code}?lang=en`);
    expect(en.body).toContain('over time');
    expect(en.body).toContain('Reference interval');
  });

  it('answers 404 for an analysis the record does not have, and for a malformed code', async () => {
    const browser = j.browser();
    await j.logIn(browser, TOLVAN);
    expect((await browser.get('/min-journal/provsvar/analys/NPU99999')).status).toBe(404);
    expect((await browser.get('/min-journal/provsvar/analys/%3Cscript%3E')).status).toBe(404);
  });

  it('sends a visitor without a session to log in', async () => {
    const browser = j.browser();
    const first = await browser.send('GET', new URL('/min-journal/utskrift.pdf', APP_ORIGIN), undefined, {}, false);
    expect(first.status).toBe(303);
    expect(first.headers.location).toMatch(/^\/logga-in\?returnTo=/);
  });

  it('prints the chosen part of the record as a tagged PDF with Swedish text, and audits the read', async () => {
    const browser = j.browser();
    await j.logIn(browser, TOLVAN);
    const form = await browser.get('/min-journal/utskrift');
    expect(form.status).toBe(200);
    expect(form.body).toContain('action="/min-journal/utskrift.pdf"');
    expect(form.body).toContain('name="typ" value="note"');

    const before = new Date();
    const pdf = await download(browser, '/min-journal/utskrift.pdf?typ=note&typ=labResult&fran=2000-01-01');
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toMatch(/^application\/pdf/);
    const disposition = String(pdf.headers['content-disposition']);
    expect(disposition).toMatch(/^attachment; filename="journalutdrag-\d{4}-\d{2}-\d{2}\.pdf"$/);
    expect(disposition).not.toMatch(/\d{8}/);
    expect(pdf.headers['cache-control']).toBe('no-store');
    const raw = pdf.body.toString('latin1');
    expect(raw.startsWith('%PDF')).toBe(true);
    expect(raw).toContain('/StructTreeRoot');
    expect(raw).toMatch(/\/Lang \(sv-SE\)/);
    const text = hasPdftotext() ? pdftotext(pdf.body) : contentStreamText(pdf.body);
    expect(text).toContain('Utdrag ur journalen');
    expect(text).toContain('Journalanteckningar');
    expect(text).toContain('Provsvar');
    expect(text).toMatch(/[åäö]/);
    expect(text).toMatch(/Vårdenhet: /);
    expect(text).not.toContain('Vaccinationer (');
    expect(text).not.toContain(TOLVAN);

    const log = await readAccessLog(getDb().db, TOLVAN, { limit: 5, kinds: ['recordRead'], from: before });
    expect(log.entries.length).toBeGreaterThan(0);
    expect(log.entries[0]!.informationTypes).toEqual(expect.arrayContaining(['note', 'labResult']));
    expect(log.entries[0]!.informationTypes.every((t) => t === 'note' || t === 'labResult')).toBe(true);
  });

  it('refuses a malformed selection', async () => {
    const browser = j.browser();
    await j.logIn(browser, TOLVAN);
    expect((await download(browser, '/min-journal/utskrift.pdf?typ=secrets')).status).toBe(400);
    expect((await download(browser, '/min-journal/utskrift.pdf?fran=2025-13-01')).status).toBe(400);
    expect((await download(browser, '/min-journal/utskrift.pdf?fran=2025-02-01&till=2025-01-01')).status).toBe(400);
  });

  it('lets a guardian print and chart a young child’s record, but not a 13-15-year-old’s', async () => {
    const population = j.world.sources.population;
    const guardian = population.special('guardianA');
    const young = population.special('child0to12');
    const teen = population.special('child13to15');
    const browser = j.browser();
    await j.logIn(browser, guardian.personnummer);
    const youngHandle = j.records.handleOf(young.personnummer);
    const teenHandle = j.records.handleOf(teen.personnummer);

    const form = await browser.get(`/min-journal/barn/${youngHandle}/utskrift`);
    expect(form.status).toBe(200);
    expect(form.body).toContain(`action="/min-journal/barn/${youngHandle}/utskrift.pdf"`);
    const before = new Date();
    const pdf = await download(browser, `/min-journal/barn/${youngHandle}/utskrift.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.body.subarray(0, 4).toString()).toBe('%PDF');
    const text = hasPdftotext() ? pdftotext(pdf.body) : contentStreamText(pdf.body);
    expect(text).toContain(`Journal för ${young.givenName}`);
    const log = await readAccessLog(getDb().db, young.personnummer, { limit: 5, kinds: ['recordRead'], from: before });
    expect(log.entries[0]?.viewer.role).toBe('guardian');

    const growth = await browser.get(`/min-journal/barn/${youngHandle}/tillvaxt`);
    expect(growth.status).toBe(200);
    expect(growth.body).toContain('Tillväxt för');
    if (growth.body.includes('data-row="growth"')) {
      expect(growth.body).toMatch(/role="img" aria-labelledby="tillvaxt-length-titel"/);
      expect(growth.body).not.toMatch(/NaN/);
    }

    expect((await download(browser, `/min-journal/barn/${teenHandle}/utskrift.pdf`)).status).toBe(403);
    expect((await browser.get(`/min-journal/barn/${teenHandle}/utskrift`)).status).toBe(403);
    expect((await browser.get(`/min-journal/barn/${teenHandle}/tillvaxt`)).status).toBe(403);
    // A handle that is not one of the guardian's children reveals nothing either.
    expect((await download(browser, '/min-journal/barn/AAAAAAAAAAAAAAAAAAAAAA/utskrift.pdf')).status).toBe(403);
  });
});
