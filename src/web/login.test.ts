import { afterAll, beforeAll, expect, it } from 'vitest';
import { readAccessLog } from '../audit/index.js';
import { TOLVAN } from '../simulators/population.js';
import { describeEachDatabase } from '../testing/databases.js';
import { hiddenField } from '../testing/http-browser.js';
import { APP_ORIGIN, startJournalen, type Journalen } from '../testing/journalen.js';

/** Login, sessions and logout, end to end through the demo identity provider. */
describeEachDatabase('login and sessions', (getDb) => {
  let j: Journalen;
  const IDLE = 15 * 60_000;

  beforeAll(async () => {
    j = await startJournalen(getDb(), { timeouts: { idleMs: IDLE, absoluteMs: 2 * 3_600_000 }, loginRateLimit: 15 });
  });
  afterAll(async () => j?.close());

  const sessionCookieLine = (lines: readonly string[]) => lines.filter((l) => l.startsWith('journalen=')).at(-1)!;

  it('logs Tolvan in through the e-ID, with a new HttpOnly SameSite session cookie, and shows his record', async () => {
    const browser = j.browser();
    const page = await j.logIn(browser, TOLVAN);
    expect(page.url.pathname).toBe('/min-journal');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Din journal');
    expect(page.body).toContain('Journalanteckningar');
    const line = sessionCookieLine(browser.setCookies);
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Lax/i);
    expect(line).toMatch(/Path=\//);
    // The login and the read are in the audit log, the read named as the resident's own.
    const log = await readAccessLog(getDb().db, TOLVAN, { limit: 5, kinds: ['login', 'recordRead'] });
    expect(log.entries.map((e) => e.kind)).toEqual(expect.arrayContaining(['login', 'recordRead']));
  });

  it('issues a new session id at login, never the one the browser came with (fixation)', async () => {
    const browser = j.browser();
    const planted = 'A'.repeat(43);
    browser.setCookie(APP_ORIGIN, 'journalen', planted);
    await j.logIn(browser, TOLVAN);
    const id = browser.cookie(APP_ORIGIN, 'journalen');
    expect(id).toBeDefined();
    expect(id).not.toBe(planted);
    // And a session id from one login does not survive the next.
    const first = id!;
    await j.logIn(browser, TOLVAN);
    expect(browser.cookie(APP_ORIGIN, 'journalen')).not.toBe(first);
    const replay = j.browser();
    replay.setCookie(APP_ORIGIN, 'journalen', first);
    expect((await replay.get('/min-journal')).url.pathname).not.toBe('/min-journal');
  });

  it('sends a visitor without a session to log in, and back to the page asked for', async () => {
    const browser = j.browser();
    const first = await browser.send('GET', new URL('/min-journal', APP_ORIGIN), undefined, {}, false);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/logga-in?returnTo=%2Fmin-journal');
    const page = await j.logIn(browser, TOLVAN, '/min-journal?lang=en');
    expect(page.url.pathname + page.url.search).toBe('/min-journal?lang=en');
    expect(page.body).toContain('Your record');
  });

  it('never redirects off the site after login (no open redirect)', async () => {
    for (const evil of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const browser = j.browser();
      const page = await j.logIn(browser, TOLVAN, evil);
      expect(page.url.origin).toBe(APP_ORIGIN);
      expect(page.url.pathname).toBe('/min-journal');
    }
  });

  it('refuses a child under 16 and a samordningsnummer at login, saying why, and audits the refusal', async () => {
    const population = j.world.sources.population;
    const teen = await j.logIn(j.browser(), population.special('child13to15').personnummer);
    expect(teen.status).toBe(403);
    expect(teen.body).toContain('16 år');
    const coordination = await j.logIn(j.browser(), population.special('samordningsnummer').personnummer);
    expect(coordination.status).toBe(403);
    expect(coordination.body).toContain('samordningsnummer');
    const deceased = await j.logIn(j.browser(), population.special('deceased').personnummer);
    expect(deceased.status).toBe(403);
  });

  it('needs the CSRF token to log out, then ends the session for good', async () => {
    const browser = j.browser();
    const page = await j.logIn(browser, TOLVAN);
    const forged = await browser.post('/logga-ut', {});
    expect(forged.status).toBe(403);
    expect((await browser.get('/min-journal')).url.pathname).toBe('/min-journal');
    const id = browser.cookie(APP_ORIGIN, 'journalen')!;
    // Our session ends at once; the browser goes on to the e-ID service's logout, then back here.
    const out = await browser.post('/logga-ut', { _csrf: hiddenField(page.body, '_csrf') });
    expect(out.url.origin).toBe(new URL(j.idp.issuer).origin);
    const back = await browser.post(new URL(out.body.match(/action="([^"]+)"/)![1]!.replace(/&amp;/g, '&'), out.url), {
      ...Object.fromEntries([...out.body.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!])),
      logout: 'yes',
    });
    expect(back.url.href).toBe(`${APP_ORIGIN}/utloggad`);
    expect(back.body).toContain('Du är utloggad');
    const replay = j.browser();
    replay.setCookie(APP_ORIGIN, 'journalen', id);
    const after = await replay.send('GET', new URL('/min-journal', APP_ORIGIN), undefined, {}, false);
    expect(after.status).toBe(303);
  });

  it('ends an idle session after the idle timeout with a notice, and keeps an active one alive', async () => {
    const browser = j.browser();
    await j.logIn(browser, TOLVAN);
    j.advance(IDLE - 60_000);
    expect((await browser.get('/api/v1/me')).status).toBe(200);
    j.advance(IDLE - 60_000);
    expect((await browser.get('/api/v1/me')).status).toBe(200);
    j.advance(IDLE + 1);
    const expired = await browser.get('/min-journal');
    expect(expired.status).toBe(401);
    expect(expired.body).toContain('Du har blivit utloggad');
    const api = await browser.json('GET', '/api/v1/me');
    expect(api.status).toBe(401);
    expect(api.data.code).toMatch(/^JOURNALEN_(UNAUTHENTICATED|SESSION_EXPIRED)$/);
  });

  it('ends every session at the absolute timeout, however active', async () => {
    const browser = j.browser();
    await j.logIn(browser, TOLVAN);
    for (let t = 0; t < 8; t++) {
      j.advance(14 * 60_000);
      expect((await browser.get('/api/v1/me')).status, `after ${(t + 1) * 14} min`).toBe(200);
    }
    j.advance(14 * 60_000);
    expect((await browser.get('/api/v1/me')).status).toBe(401);
  });

  it('makes the session cookie a browser-session cookie, and logging out of an expired page just lands logged out', async () => {
    const browser = j.browser();
    await j.logIn(browser, TOLVAN);
    const line = browser.setCookies.filter((l) => l.startsWith('journalen=')).at(-1)!;
    expect(line).not.toMatch(/Max-Age|Expires/i);
    j.advance(IDLE + 1);
    const out = await browser.post('/logga-ut', { _csrf: 'stale' });
    expect(out.url.pathname).toBe('/utloggad');
  });

  it('rate-limits logins from one address', async () => {
    const browser = j.browser();
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await browser.send('GET', new URL('/logga-in', APP_ORIGIN), undefined, {}, false)).status);
    expect(statuses).toContain(429);
    const limited = await browser.get('/logga-in');
    expect(limited.status).toBe(429);
    expect(limited.body).toContain('För många försök');
  });
});
