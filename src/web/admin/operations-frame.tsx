import type { ReactNode } from 'react';
import { withLang, type Lang } from '../i18n.js';
import { Layout } from '../layout.js';

/**
 * The frame of the operations pages (onboarding, agents, registry, statistics): the site layout
 * with a navigation between them, and the form error summary they share.
 */

export interface AdminSession {
  readonly name: string | null;
  readonly csrf: string;
}

export const OPS_WORDS = {
  sv: {
    adminNav: 'Administration',
    connections: 'Anslutningar',
    agents: 'Ombud',
    registry: 'Journalsystem',
    statistics: 'Statistik',
    errorSummary: 'Formuläret har fel',
    readOnly: 'Du har läsbehörighet och kan inte ändra något här.',
    save: 'Spara',
    yes: 'Ja',
    no: 'Nej',
  },
  en: {
    adminNav: 'Administration',
    connections: 'Connections',
    agents: 'Agents',
    registry: 'Journal systems',
    statistics: 'Statistics',
    errorSummary: 'The form has errors',
    readOnly: 'You have read access and cannot change anything here.',
    save: 'Save',
    yes: 'Yes',
    no: 'No',
  },
} as const satisfies Record<Lang, Record<string, string>>;

export const OPS_CSS = `
.adminnav ul { display:flex; flex-wrap:wrap; gap:.25rem 1.25rem; list-style:none; padding:0; margin:0 0 1rem; }
.adminnav a[aria-current="page"] { font-weight:700; text-decoration-thickness:3px; }
form.stack { display:grid; gap:1rem; max-width:44rem; }
form.stack label, form.stack legend { font-weight:600; display:block; }
form.stack input[type=text], form.stack input[type=url], form.stack input[type=date], form.stack select, form.stack textarea { font:inherit; width:100%; padding:.4rem .5rem; border:2px solid #595959; border-radius:.25rem; }
form.stack fieldset { border:1px solid var(--line); border-radius:.35rem; padding:.5rem 1rem 1rem; min-width:0; }
.checks { display:grid; grid-template-columns:repeat(auto-fill,minmax(min(15rem,100%),1fr)); gap:.25rem 1rem; }
.checks label { font-weight:400; display:inline; overflow-wrap:anywhere; }
main h1, main h2 { overflow-wrap:anywhere; hyphens:auto; }
form.stack input, form.stack select, form.stack textarea { max-width:100%; }
.hint { color:var(--muted); font-size:.95rem; margin:.1rem 0 .3rem; }
.field-error { color:#a4000f; font-weight:600; margin:.1rem 0; }
[aria-invalid="true"] { border-color:#a4000f !important; }
.error-summary { border:3px solid #a4000f; padding:.75rem 1rem; margin:1rem 0; }
.error-summary h2 { margin-top:0; font-size:1.2rem; }
ol.steps { padding-left:1.5rem; }
ol.steps li { margin:.4rem 0; overflow-wrap:anywhere; }
dl.facts dd, code { overflow-wrap:anywhere; }
.done { color:#1d6b2f; font-weight:600; }
.pending { color:var(--muted); }
.ok { color:#1d6b2f; font-weight:700; }
.fail { color:#a4000f; font-weight:700; }
figure.chart { margin:1rem 0 2rem; }
figure.chart svg { max-width:100%; height:auto; display:block; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
`;

const NAV = [
  ['connections', '/admin/anslutningar'],
  ['agents', '/admin/ombud'],
  ['registry', '/admin/journalsystem'],
  ['statistics', '/admin/statistik'],
] as const;

export function AdminFrame({ lang, title, path, session, children }: { lang: Lang; title: string; path: string; session: AdminSession; children: ReactNode }) {
  const w = OPS_WORDS[lang];
  return (
    <Layout lang={lang} title={title} path={path} session={session}>
      <style dangerouslySetInnerHTML={{ __html: OPS_CSS }} />
      <nav className="adminnav" aria-label={w.adminNav}>
        <ul>
          {NAV.map(([key, href]) => (
            <li key={key}>
              <a href={withLang(href, lang)} aria-current={path === href || path.startsWith(`${href}/`) ? 'page' : undefined}>{w[key]}</a>
            </li>
          ))}
        </ul>
      </nav>
      {children}
    </Layout>
  );
}

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** The form's id for a library field name (`endpoints.sit` → `f-endpoints-sit`). */
export const fieldId = (field: string) => `f-${field.replace(/[^A-Za-z0-9]+/g, '-')}`;

/** The errors of a form, each a link to its field (WCAG 3.3.1), announced when the page loads. */
export function ErrorSummary({ lang, errors, labels }: { lang: Lang; errors: readonly FieldError[]; labels: Readonly<Record<string, string>> }) {
  if (errors.length === 0) return null;
  return (
    <div className="error-summary" role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{OPS_WORDS[lang].errorSummary}</h2>
      <ul>
        {errors.map((e, i) => (
          <li key={i}>
            <a href={`#${fieldId(fieldFor(e.field, labels))}`}>{labels[e.field] ?? labels[fieldFor(e.field, labels)] ?? e.field}</a>: <span lang="en">{e.message}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The form field an error points at: itself, or the nearest field the form has (`sourceSystem` → `sourceSystemId`). */
function fieldFor(field: string, labels: Readonly<Record<string, string>>): string {
  if (labels[field] !== undefined) return field;
  return Object.keys(labels).find((k) => k.startsWith(field)) ?? field;
}

/** The errors of one field, for under its input. */
export function FieldErrors({ errors, field }: { errors: readonly FieldError[]; field: string }) {
  const mine = errors.filter((e) => e.field === field || (field.startsWith(e.field) && e.field !== '' && !errors.some((x) => x.field === field)));
  if (mine.length === 0) return null;
  return (
    <>
      {mine.map((e, i) => (
        <p className="field-error" id={i === 0 ? `${fieldId(field)}-error` : undefined} key={i} lang="en">{e.message}</p>
      ))}
    </>
  );
}

export const hasError = (errors: readonly FieldError[], field: string) => errors.some((e) => e.field === field || field.startsWith(e.field));
