/**
 * The identity provider's own pages: login, logout, errors. Server-rendered HTML without
 * JavaScript, Swedish first and English second, written for WCAG 2.1 AA (language set, one h1 and
 * h2s in order, labels and hints tied to the field, errors in role="alert" and referenced by
 * aria-describedby, visible focus, readable at 320 px).
 *
 * Plain template strings rather than React: these pages are few and small, and the identity
 * provider stays usable without the web module. Everything interpolated passes through `esc`.
 */

import { createHash } from 'node:crypto';

export type Lang = 'sv' | 'en';

export interface PersonChoice {
  /** 12 digits, no separator. */
  readonly personnummer: string;
  readonly label: string;
}

/** Why a typed personnummer was refused: the identifier module's reasons, plus `empty`. */
export type PersonnummerProblem =
  | 'empty'
  | 'type'
  | 'characters'
  | 'length'
  | 'separator'
  | 'month'
  | 'day'
  | 'future'
  | 'checksum';

const TEXT = {
  sv: {
    otherLang: 'en' as Lang,
    otherLangName: 'In English',
    title: 'Demo-inloggning (ersätter BankID)',
    errorTitlePrefix: 'Fel: ',
    notice:
      'Det här är en testinloggning för demoversionen av Journalen. Den ersätter BankID och Freja eID. ' +
      'Personerna är påhittade (syntetiska) och ingen legitimering görs. Skriv aldrig in ett riktigt personnummer.',
    noticeLabel: 'Obs!',
    choose: 'Välj testperson',
    chooseHelp: 'Logga in som en av de påhittade personerna.',
    noPersons: 'Det finns inga testpersoner att välja. Skriv ett personnummer nedan.',
    loginAs: 'Logga in som',
    typeHeading: 'Eller skriv ett personnummer',
    field: 'Personnummer',
    hint: '10 eller 12 siffror, med eller utan bindestreck, till exempel 19121212-1212.',
    submit: 'Logga in',
    cancelHeading: 'Vill du inte logga in?',
    cancel: 'Avbryt',
    problems: {
      empty: 'Skriv ett personnummer.',
      type: 'Personnumret är inte giltigt.',
      characters: 'Personnumret får bara innehålla siffror och ett bindestreck eller plustecken.',
      length: 'Personnumret ska ha 10 eller 12 siffror, till exempel 19121212-1212.',
      separator: 'Bindestrecket eller plustecknet ska stå före de fyra sista siffrorna.',
      month: 'Månaden i personnumret finns inte. Den ska vara 01–12.',
      day: 'Dagen i personnumret finns inte i den månaden.',
      future: 'Födelsedatumet i personnumret har inte inträffat än.',
      checksum: 'Den sista siffran (kontrollsiffran) stämmer inte. Kontrollera att du skrivit rätt.',
    } satisfies Record<PersonnummerProblem, string>,
    logoutTitle: 'Logga ut',
    logoutQuestion: 'Vill du logga ut från demo-inloggningen?',
    logoutYes: 'Logga ut',
    logoutNo: 'Nej, förbli inloggad',
    loggedOutTitle: 'Du är utloggad',
    loggedOutText: 'Du är utloggad från demo-inloggningen. Du kan stänga fönstret.',
    errorTitle: 'Något gick fel',
    sessionExpired:
      'Inloggningen har gått ut eller har redan avslutats. Gå tillbaka till tjänsten och börja om.',
    badRequest: 'Förfrågan kunde inte hanteras. Gå tillbaka till tjänsten och börja om.',
    internal: 'Ett tekniskt fel inträffade. Försök igen om en stund.',
    technical: 'Teknisk information',
  },
  en: {
    otherLang: 'sv' as Lang,
    otherLangName: 'På svenska',
    title: 'Demo login (stands in for BankID)',
    errorTitlePrefix: 'Error: ',
    notice:
      'This is a test login for the Journalen demo. It stands in for BankID and Freja eID. ' +
      'The people are made up (synthetic) and no identity is verified. Never enter a real personal identity number.',
    noticeLabel: 'Note:',
    choose: 'Choose a test person',
    chooseHelp: 'Log in as one of the made-up people.',
    noPersons: 'There are no test persons to choose from. Enter a personal identity number below.',
    loginAs: 'Log in as',
    typeHeading: 'Or enter a personal identity number',
    field: 'Personal identity number (personnummer)',
    hint: '10 or 12 digits, with or without a hyphen, for example 19121212-1212.',
    submit: 'Log in',
    cancelHeading: 'Do not want to log in?',
    cancel: 'Cancel',
    problems: {
      empty: 'Enter a personal identity number.',
      type: 'The personal identity number is not valid.',
      characters: 'The personal identity number may only contain digits and one hyphen or plus sign.',
      length: 'The personal identity number must have 10 or 12 digits, for example 19121212-1212.',
      separator: 'The hyphen or plus sign must come before the last four digits.',
      month: 'The month in the personal identity number does not exist. It must be 01–12.',
      day: 'The day in the personal identity number does not exist in that month.',
      future: 'The date of birth in the personal identity number has not happened yet.',
      checksum: 'The last digit (the check digit) does not match. Check that you typed it correctly.',
    } satisfies Record<PersonnummerProblem, string>,
    logoutTitle: 'Log out',
    logoutQuestion: 'Do you want to log out of the demo login?',
    logoutYes: 'Log out',
    logoutNo: 'No, stay logged in',
    loggedOutTitle: 'You are logged out',
    loggedOutText: 'You are logged out of the demo login. You can close this window.',
    errorTitle: 'Something went wrong',
    sessionExpired: 'The login has expired or has already ended. Go back to the service and start again.',
    badRequest: 'The request could not be handled. Go back to the service and start again.',
    internal: 'A technical error occurred. Please try again in a while.',
    technical: 'Technical details',
  },
} as const;

export type ErrorKind = 'sessionExpired' | 'badRequest' | 'internal';

// Colours from the service's own pages (web/layout.tsx); all text pairs reach 4.5:1 or more.
const CSS = `
:root { --ink:#1b1b1b; --muted:#4a4a4a; --accent:#005a9c; --line:#c8c8c8; --band:#f3f6f9; --warn:#fff4ce; --bad:#b00020; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
* { box-sizing:border-box; }
body { margin:0; color:var(--ink); background:#fff; line-height:1.5; }
main { max-width:40rem; margin:0 auto; padding:1rem; }
h1 { font-size:1.6rem; line-height:1.25; margin:.5rem 0 1rem; }
h2 { font-size:1.25rem; margin:1.75rem 0 .5rem; }
a { color:var(--accent); }
p { margin:.5rem 0; }
.lang { text-align:right; margin:0 0 .5rem; }
.notice { background:var(--warn); border:2px solid #8a6d00; border-radius:.25rem; padding:.75rem 1rem; }
ul.persons { list-style:none; margin:0; padding:0; display:grid; gap:.5rem; }
button { font:inherit; font-weight:600; cursor:pointer; border-radius:.25rem; padding:.6rem 1rem; border:2px solid var(--accent); background:var(--accent); color:#fff; max-width:100%; text-align:left; overflow-wrap:anywhere; }
button.person { width:100%; background:#fff; color:var(--ink); border-color:var(--line); font-weight:400; }
button.person:hover { border-color:var(--accent); background:var(--band); }
button.secondary { background:#fff; color:var(--accent); }
label { display:block; font-weight:600; }
.hint { color:var(--muted); margin:.25rem 0; }
.error { color:var(--bad); font-weight:600; margin:.25rem 0; }
input[type=text] { font:inherit; width:100%; max-width:16rem; padding:.5rem; border:2px solid var(--muted); border-radius:.25rem; margin:.25rem 0 .75rem; display:block; }
input[aria-invalid=true] { border-color:var(--bad); }
a:focus-visible, button:focus-visible, input:focus-visible { outline:3px solid #1a1a1a; outline-offset:2px; box-shadow:0 0 0 5px #ffd400; }
.visually-hidden { position:absolute; width:1px; height:1px; margin:-1px; padding:0; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; border:0; }
.technical { color:var(--muted); font-size:.9rem; overflow-wrap:anywhere; }
`;

const STYLE_HASH = `'sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}'`;

/**
 * Headers for every page of the identity provider: no scripts at all, the one inline stylesheet
 * by its hash, not framed (clickjacking a login page), never cached, no referrer to the RP.
 * No `form-action`: Chrome applies it to the redirect after the form post, which goes to the RP.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; style-src ${STYLE_HASH}; base-uri 'none'; frame-ancestors 'none'`,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** Escapes text for HTML element content and double-quoted attribute values. */
export function esc(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** `en` when asked for explicitly or by the first of the RP's `ui_locales`; Swedish otherwise. */
export function pickLang(explicit: unknown, uiLocales?: unknown): Lang {
  if (explicit === 'en' || explicit === 'sv') return explicit;
  if (typeof uiLocales === 'string') {
    const first = uiLocales.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    if (first === 'en' || first.startsWith('en-')) return 'en';
  }
  return 'sv';
}

function page(lang: Lang, title: string, body: string, switchHref?: string): string {
  const t = TEXT[lang];
  const languageSwitch =
    switchHref === undefined
      ? ''
      : `<p class="lang"><a href="${esc(switchHref)}" lang="${t.otherLang}" hreflang="${t.otherLang}">${esc(t.otherLangName)}</a></p>`;
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${languageSwitch}
${body}
</main>
</body>
</html>
`;
}

export interface LoginPageOptions {
  readonly lang: Lang;
  /** The interaction id; forms post to /interaction/<uid>/login and /abort. */
  readonly uid: string;
  readonly persons: readonly PersonChoice[];
  /** Set when re-rendering after a refused personnummer. */
  readonly problem?: PersonnummerProblem;
  /** What the person typed, shown again so they can correct it. */
  readonly typed?: string;
}

export function renderLoginPage(options: LoginPageOptions): string {
  const { lang, uid, persons, problem, typed } = options;
  const t = TEXT[lang];
  const base = `/interaction/${encodeURIComponent(uid)}`;
  const hidden = `<input type="hidden" name="uid" value="${esc(uid)}"><input type="hidden" name="lang" value="${lang}">`;

  const personList =
    persons.length === 0
      ? `<p>${esc(t.noPersons)}</p>`
      : `<p id="persons-help">${esc(t.chooseHelp)}</p>
<form method="post" action="${base}/login" aria-labelledby="persons-heading" aria-describedby="persons-help">
${hidden}
<ul class="persons">
${persons
  .map(
    (p) =>
      `<li><button type="submit" class="person" name="personnummer" value="${esc(p.personnummer)}"><span class="visually-hidden">${esc(t.loginAs)} </span>${esc(p.label)}</button></li>`,
  )
  .join('\n')}
</ul>
</form>`;

  const describedBy = problem === undefined ? 'personnummer-hint' : 'personnummer-hint personnummer-error';
  const errorMessage =
    problem === undefined ? '' : `<p class="error" id="personnummer-error" role="alert">${esc(t.problems[problem])}</p>`;

  const body = `<h1>${esc(t.title)}</h1>
<div class="notice" role="note"><p><strong>${esc(t.noticeLabel)}</strong> ${esc(t.notice)}</p></div>
<h2 id="persons-heading">${esc(t.choose)}</h2>
${personList}
<h2 id="typed-heading">${esc(t.typeHeading)}</h2>
<form method="post" action="${base}/login" aria-labelledby="typed-heading">
${hidden}
<label for="personnummer">${esc(t.field)}</label>
<p class="hint" id="personnummer-hint">${esc(t.hint)}</p>
${errorMessage}
<input type="text" id="personnummer" name="personnummer" inputmode="numeric" autocomplete="off" spellcheck="false" maxlength="20" aria-describedby="${describedBy}"${problem === undefined ? '' : ' aria-invalid="true"'} value="${esc(typed ?? '')}">
<button type="submit">${esc(t.submit)}</button>
</form>
<h2 id="cancel-heading">${esc(t.cancelHeading)}</h2>
<form method="post" action="${base}/abort" aria-labelledby="cancel-heading">
${hidden}
<button type="submit" class="secondary">${esc(t.cancel)}</button>
</form>`;

  const title = `${problem === undefined ? '' : t.errorTitlePrefix}${t.title}`;
  return page(lang, title, body, `${base}?lang=${t.otherLang}`);
}

export interface ErrorPageOptions {
  readonly lang: Lang;
  readonly kind: ErrorKind;
  /** A protocol error code (`invalid_client`, ...) for the developer of the relying party. */
  readonly code?: string;
  /** oidc-provider's description, in English. */
  readonly description?: string;
}

export function renderErrorPage(options: ErrorPageOptions): string {
  const { lang, kind, code, description } = options;
  const t = TEXT[lang];
  const technical =
    code === undefined
      ? ''
      : `<h2>${esc(t.technical)}</h2>
<p class="technical" lang="en"><code>${esc(code)}</code>${description ? `: ${esc(description)}` : ''}</p>`;
  const body = `<h1>${esc(t.errorTitle)}</h1>
<p>${esc(t[kind])}</p>
${technical}`;
  return page(lang, `${t.errorTitle} – ${t.title}`, body);
}

/** The RP-initiated logout confirmation; `form` is oidc-provider's hidden form (with its xsrf token). */
export function renderLogoutPage(lang: Lang, form: string): string {
  const t = TEXT[lang];
  const body = `<h1>${esc(t.logoutTitle)}</h1>
<p>${esc(t.logoutQuestion)}</p>
${form}
<p><button type="submit" form="op.logoutForm" name="logout" value="yes">${esc(t.logoutYes)}</button></p>
<p><button type="submit" form="op.logoutForm" class="secondary">${esc(t.logoutNo)}</button></p>`;
  return page(lang, `${t.logoutTitle} – ${t.title}`, body);
}

/** Shown after logout when the RP gave no post_logout_redirect_uri. */
export function renderLoggedOutPage(lang: Lang): string {
  const t = TEXT[lang];
  return page(lang, `${t.loggedOutTitle} – ${t.title}`, `<h1>${esc(t.loggedOutTitle)}</h1>\n<p>${esc(t.loggedOutText)}</p>`);
}
