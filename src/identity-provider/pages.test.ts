import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { PAGE_HEADERS, esc, pickLang, renderErrorPage, renderLoggedOutPage, renderLoginPage, renderLogoutPage } from './pages.js';

const PERSONS = [
  { personnummer: '191212121212', label: 'Tolvan Tolvansson, 19121212-1212 (113 år)' },
  { personnummer: '201212121212', label: '<b>Elak</b> "Etikett" & co' },
];

/** Start tags of one element name, with their attributes. */
const tags = (html: string, name: string): Record<string, string>[] =>
  [...html.matchAll(new RegExp(`<${name}\\b([^>]*)>`, 'g'))].map((m) =>
    Object.fromEntries([...(m[1] ?? '').matchAll(/([\w-]+)(?:="([^"]*)")?/g)].map((a) => [a[1] as string, a[2] ?? ''])),
  );

const headingLevels = (html: string): number[] => [...html.matchAll(/<h([1-6])\b/g)].map((m) => Number(m[1]));

describe('login page', () => {
  const sv = renderLoginPage({ lang: 'sv', uid: 'abc_123', persons: PERSONS });
  const en = renderLoginPage({ lang: 'en', uid: 'abc_123', persons: PERSONS });

  it('declares its language and links the other one', () => {
    expect(sv).toMatch(/^<!DOCTYPE html>\n<html lang="sv">/);
    expect(en).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(sv).toContain('<a href="/interaction/abc_123?lang=en" lang="en" hreflang="en">In English</a>');
    expect(en).toContain('<a href="/interaction/abc_123?lang=sv" lang="sv" hreflang="sv">På svenska</a>');
  });

  it('has a title, one h1 and headings in order', () => {
    expect(sv).toContain('<title>Demo-inloggning (ersätter BankID)</title>');
    const levels = headingLevels(sv);
    expect(levels[0]).toBe(1);
    expect(levels.filter((l) => l === 1)).toHaveLength(1);
    for (let i = 1; i < levels.length; i++) expect((levels[i] as number) - (levels[i - 1] as number)).toBeLessThanOrEqual(1);
  });

  it('says it is a test identity provider with synthetic people', () => {
    expect(sv).toContain('Demo-inloggning (ersätter BankID)');
    expect(sv).toMatch(/testinloggning.*påhittade \(syntetiska\)/s);
    expect(en).toMatch(/test login.*made up \(synthetic\)/s);
  });

  it('gives every visible input a label and a hint', () => {
    const inputs = tags(sv, 'input').filter((a) => a.type !== 'hidden');
    expect(inputs.length).toBeGreaterThan(0);
    const labels = new Set(tags(sv, 'label').map((a) => a.for));
    for (const input of inputs) {
      expect(input.id).toBeTruthy();
      expect(labels.has(input.id as string)).toBe(true);
      for (const id of (input['aria-describedby'] ?? '').split(' ').filter(Boolean)) expect(sv).toContain(`id="${id}"`);
    }
  });

  it('offers one button per test person, named by its label, and a cancel button', () => {
    const buttons = tags(sv, 'button').filter((a) => a.name === 'personnummer');
    expect(buttons.map((b) => b.value)).toEqual(['191212121212', '201212121212']);
    expect(sv).toContain('Tolvan Tolvansson, 19121212-1212 (113 år)</button>');
    expect(sv).toContain('action="/interaction/abc_123/abort"');
    expect(sv).toContain('>Avbryt</button>');
    expect(en).toContain('>Cancel</button>');
  });

  it('escapes everything it prints', () => {
    expect(sv).toContain('&lt;b&gt;Elak&lt;/b&gt; &quot;Etikett&quot; &amp; co');
    expect(sv).not.toContain('<b>Elak</b>');
    const page = renderLoginPage({ lang: 'sv', uid: 'abc', persons: [], problem: 'characters', typed: '"><script>alert(1)</script>' });
    expect(page).not.toContain('<script');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('has no script and no error before anything is submitted', () => {
    expect(sv).not.toContain('<script');
    expect(sv).not.toContain('role="alert"');
    expect(sv).not.toContain('aria-invalid="true"');
  });

  it('announces an error, ties it to the field and keeps what was typed', () => {
    const page = renderLoginPage({ lang: 'sv', uid: 'abc', persons: PERSONS, problem: 'checksum', typed: '19121212-1213' });
    expect(page).toContain('<title>Fel: Demo-inloggning (ersätter BankID)</title>');
    expect(page).toMatch(/<p class="error" id="personnummer-error" role="alert">Den sista siffran \(kontrollsiffran\) stämmer inte/);
    const [field] = tags(page, 'input').filter((a) => a.id === 'personnummer');
    expect(field?.['aria-describedby']).toBe('personnummer-hint personnummer-error');
    expect(field?.['aria-invalid']).toBe('true');
    expect(field?.value).toBe('19121212-1213');
  });

  it('works at 320 px: viewport set, nothing with a fixed width wider than the screen', () => {
    expect(sv).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    const widths = [...sv.matchAll(/(?:^|[;{\s])(?:min-)?width:\s*(\d+(?:\.\d+)?)(px|rem)/g)].map((m) => Number(m[1]) * (m[2] === 'rem' ? 16 : 1));
    for (const width of widths) expect(width).toBeLessThanOrEqual(320);
    expect(sv).toContain('overflow-wrap:anywhere');
  });

  it('shows focus visibly', () => {
    expect(sv).toMatch(/button:focus-visible[^{]*\{[^}]*outline:3px solid/);
  });

  it('allows its one stylesheet by hash and nothing else', () => {
    const css = /<style>([\s\S]*?)<\/style>/.exec(sv)?.[1] ?? '';
    const hash = createHash('sha256').update(css, 'utf8').digest('base64');
    expect(PAGE_HEADERS['content-security-policy']).toContain(`style-src 'sha256-${hash}'`);
    expect(PAGE_HEADERS['content-security-policy']).toContain("default-src 'none'");
  });
});

describe('other pages', () => {
  it('renders the error page with the protocol code as technical detail in English', () => {
    const page = renderErrorPage({ lang: 'sv', kind: 'badRequest', code: 'invalid_client', description: 'client <is> invalid' });
    expect(page).toContain('<html lang="sv">');
    expect(page).toContain('<h1>Något gick fel</h1>');
    expect(page).toContain('<p class="technical" lang="en"><code>invalid_client</code>: client &lt;is&gt; invalid</p>');
    expect(renderErrorPage({ lang: 'en', kind: 'sessionExpired' })).toContain('start again');
  });

  it('renders the logout question with buttons for oidc-provider\'s form', () => {
    const page = renderLogoutPage('en', '<form id="op.logoutForm" method="post" action="/session/end/confirm"></form>');
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<button type="submit" form="op.logoutForm" name="logout" value="yes">Log out</button>');
    expect(renderLoggedOutPage('sv')).toContain('<h1>Du är utloggad</h1>');
  });

  it('picks Swedish unless English is asked for', () => {
    expect(pickLang(undefined)).toBe('sv');
    expect(pickLang('en')).toBe('en');
    expect(pickLang('fr', 'fr en')).toBe('sv');
    expect(pickLang(null, 'en-GB sv')).toBe('en');
    expect(pickLang('sv', 'en')).toBe('sv');
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
