import type { ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { TEXT, withLang, type Lang } from './i18n.js';
import { RECORD_WORDS } from './record-words.js';

/**
 * The page frame: language, skip link, header and footer. Pages are rendered on the server and
 * work without JavaScript; the stylesheet is inline so a page is one request.
 */

const CSS = `
:root { --ink:#1b1b1b; --muted:#4a4a4a; --accent:#005a9c; --line:#c8c8c8; --bg:#fff; --band:#f3f6f9; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
* { box-sizing: border-box; }
body { margin:0; color:var(--ink); background:var(--bg); line-height:1.5; }
a { color:var(--accent); }
a:focus-visible, button:focus-visible, [tabindex]:focus-visible { outline:3px solid #1a1a1a; outline-offset:2px; box-shadow:0 0 0 5px #ffd400; }
.skip { position:absolute; left:-999px; top:0; background:#fff; padding:.5rem 1rem; z-index:10; }
.skip:focus { left:1rem; }
header { background:var(--band); border-bottom:1px solid var(--line); }
.bar { max-width:72rem; margin:0 auto; padding:.75rem 1rem; display:flex; flex-wrap:wrap; gap:.5rem 1.5rem; align-items:baseline; justify-content:space-between; }
.brand { font-size:1.35rem; font-weight:700; color:var(--ink); text-decoration:none; }
.tagline { color:var(--muted); margin:0; }
main { max-width:72rem; margin:0 auto; padding:1rem; }
h1 { font-size:1.75rem; line-height:1.25; margin:.5rem 0 1rem; }
h2 { font-size:1.35rem; margin:2rem 0 .75rem; }
.scroll { overflow-x:auto; }
table { border-collapse:collapse; width:100%; min-width:36rem; }
caption { text-align:left; font-weight:600; padding:.5rem 0; }
th, td { text-align:left; vertical-align:top; padding:.5rem .75rem; border-bottom:1px solid var(--line); }
thead th { background:var(--band); }
.muted { color:var(--muted); }
blockquote { margin:.25rem 0 0; padding-left:.75rem; border-left:3px solid var(--line); color:var(--muted); }
dl.systems { display:grid; grid-template-columns:repeat(auto-fill,minmax(16rem,1fr)); gap:1rem; padding:0; }
dl.systems > div { border:1px solid var(--line); border-radius:.5rem; padding:.75rem 1rem; }
dl.systems dt { font-weight:700; font-size:1.1rem; }
dl.systems dd { margin:0; }
.nav { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:center; }
.account { display:flex; flex-wrap:wrap; gap:.5rem; align-items:center; margin:0; }
button, .button { font:inherit; padding:.45rem .9rem; border:2px solid var(--accent); border-radius:.35rem; background:var(--accent); color:#fff; text-decoration:none; cursor:pointer; }
button.secondary { background:#fff; color:var(--accent); }
.notice { border-left:4px solid #8a5a00; background:#fff8e6; padding:.75rem 1rem; margin:1rem 0; }
.notice.info { border-color:var(--accent); background:var(--band); }
ul.plain { list-style:none; padding:0; }
ul.plain li { margin:.25rem 0; }
footer { max-width:72rem; margin:2rem auto 0; padding:1rem; border-top:1px solid var(--line); color:var(--muted); font-size:.9rem; }
`;

export interface LayoutProps {
  readonly lang: Lang;
  readonly title: string;
  /** The path of this page, so the language switch stays on it. */
  readonly path: string;
  readonly children: ReactNode;
  /** Logged in: the name and a CSRF token for the logout form; absent: a login link. */
  readonly session?: { readonly name: string | null; readonly csrf: string } | null;
}

function Account({ lang, session }: { lang: Lang; session: LayoutProps['session'] }) {
  const w = RECORD_WORDS[lang];
  if (!session) return <a className="button" href={withLang('/logga-in', lang)}>{w.logIn}</a>;
  return (
    <form method="post" action="/logga-ut" className="account">
      {session.name ? <span>{w.loggedInAs(session.name)}</span> : null}{' '}
      <a href={withLang('/min-journal', lang)}>{w.myRecord}</a>{' '}
      <input type="hidden" name="_csrf" value={session.csrf} />
      <button type="submit">{w.logOut}</button>
    </form>
  );
}

export function Layout({ lang, title, path, children, session }: LayoutProps) {
  const t = TEXT[lang];
  const other = t.otherLanguageCode as Lang;
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} – ${t.serviceName}`}</title>
        <style dangerouslySetInnerHTML={{ __html: CSS }} />
      </head>
      <body>
        <a className="skip" href="#innehall">{t.skipToContent}</a>
        <header>
          <div className="bar">
            <div>
              <a className="brand" href={withLang('/', lang)}>{t.serviceName}</a>
              <p className="tagline">{t.tagline}</p>
            </div>
            <nav aria-label={lang === 'sv' ? 'Konto och språk' : 'Account and language'} className="nav">
              <Account lang={lang} session={session} />
              <a href={withLang(path, other)} lang={other} hrefLang={other}>{t.otherLanguage}</a>
            </nav>
          </div>
        </header>
        <main id="innehall" tabIndex={-1}>{children}</main>
        <footer><p>{t.source}</p></footer>
      </body>
    </html>
  );
}

export const renderPage = (page: ReactNode): string => `<!doctype html>${renderToString(page)}`;
