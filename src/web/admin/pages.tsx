import type { ProtectionsOverview } from '../../record/protections.js';
import type { ReactNode } from 'react';
import type { ClauseChange } from '../../admin/rules/diff.js';
import type { PreviewItem, PreviewResult } from '../../admin/rules/preview.js';
import type { StoredVersion } from '../../admin/rules/versions.js';
import type { AdminGrant } from '../../admin/roles.js';
import type { ClauseDescription } from '../../disclosure/describe.js';
import { maskPersonalIdentity } from '../../domain/identifiers/index.js';
import { INFO_TYPES, RESULT_INFO_TYPES } from '../../domain/record.js';
import { region as regionOf, type RegionCode } from '../../domain/regions.js';
import { formatLongDate, swedishDate } from '../../domain/time.js';
import { withLang, type Lang } from '../i18n.js';
import { Layout } from '../layout.js';
import {
  DELAY_KINDS,
  INPATIENT_CHOICES,
  many,
  NOTE_SCOPES,
  one,
  RADRUM_KINDS,
  resultField,
  UNSIGNED_KINDS,
  type FieldErrors,
  type FormValues,
} from './rules-form.js';
import { capital, DELAY_WORDS, fieldLabel, INPATIENT_WORDS, RADRUM_WORDS, ROLE_WORDS, say, SCOPE_WORDS, typeName, UNSIGNED_WORDS } from './words.js';

/**
 * The administrators' pages: server-rendered, working without JavaScript, Swedish first. Forms
 * follow one pattern for errors: a summary with role="alert" at the top linking to each field,
 * and beside each field its message, tied to the control with aria-describedby.
 */

export interface AdminSession {
  readonly name: string | null;
  readonly csrf: string;
}

const CSS = `
.admin-nav { display:flex; flex-wrap:wrap; gap:.5rem 1.25rem; padding:0; margin:0 0 1rem; list-style:none; }
.admin form fieldset { border:1px solid var(--line); border-radius:.35rem; margin:0 0 1rem; padding:.5rem 1rem 1rem; }
.admin legend { font-weight:700; padding:0 .25rem; }
.admin label { display:block; margin:.35rem 0 .15rem; }
.admin .choice label { display:inline; margin:0 0 0 .35rem; }
.admin .choice { margin:.25rem 0; }
.admin input[type=text], .admin input[type=date], .admin input[type=datetime-local], .admin input[type=number], .admin select, .admin textarea { font:inherit; padding:.35rem .5rem; border:1px solid #6b6b6b; border-radius:.25rem; max-width:100%; }
.admin textarea { width:100%; min-height:5rem; }
.admin input[type=number] { width:7rem; }
.admin [aria-invalid=true] { border:2px solid #b00020; }
.admin .field-error { color:#b00020; font-weight:600; margin:.25rem 0; }
.admin .error-summary { border:3px solid #b00020; padding:.75rem 1rem; margin:1rem 0; }
.admin .error-summary a { color:#b00020; }
.admin .hint { color:var(--muted); margin:.1rem 0 .35rem; font-size:.95rem; }
.admin .actions { display:flex; flex-wrap:wrap; gap:.75rem; margin:1rem 0; }
.admin .columns { display:grid; grid-template-columns:repeat(auto-fit,minmax(16rem,1fr)); gap:1rem; }
.admin .inline { display:inline; }
.admin .status { font-weight:600; }
`;

function AdminLayout({ lang, title, path, session, children }: { lang: Lang; title: string; path: string; session: AdminSession; children: ReactNode }) {
  const t = say(lang);
  return (
    <Layout lang={lang} title={title} path={path} session={session}>
      <style dangerouslySetInnerHTML={{ __html: CSS }} />
      <div className="admin">
        <nav aria-label={t('Administration', 'Administration')}>
          <ul className="admin-nav">
            <li><a href={withLang('/admin', lang)} aria-current={path === '/admin' ? 'page' : undefined}>{t('Administration', 'Administration')}</a></li>
            <li><a href={withLang('/admin/regler', lang)} aria-current={path === '/admin/regler' ? 'page' : undefined}>{t('Regler för visning', 'Disclosure rules')}</a></li>
            <li><a href={withLang('/admin/atkomst', lang)} aria-current={path === '/admin/atkomst' ? 'page' : undefined}>{t('Undantag och spärrar', 'Exceptions and blocks')}</a></li>
          </ul>
        </nav>
        {children}
      </div>
    </Layout>
  );
}

const who = (id: string, lang: Lang) =>
  id.startsWith('seed:') ? say(lang)('Källan (Vårdgivarens bedömning)', 'The source (care providers’ assessment)') : /^\d{12}$/.test(id) ? maskPersonalIdentity(id) : id;

const when = (d: Date, lang: Lang) => {
  if (d.getTime() <= 0) return say(lang)('från början', 'from the start');
  const time = new Intl.DateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit' }).format(d);
  return `${formatLongDate(swedishDate(d), lang)} ${time}`;
};

export function LandingPage({ lang, session, grants }: { lang: Lang; session: AdminSession; grants: readonly AdminGrant[] }) {
  const t = say(lang);
  const title = t('Administration av Journalen', 'Journalen administration');
  return (
    <AdminLayout lang={lang} title={title} path="/admin" session={session}>
      <h1>{title}</h1>
      <h2>{t('Din roll', 'Your role')}</h2>
      <ul>
        {grants.map((g, i) => (
          <li key={i}>
            <strong>{ROLE_WORDS[g.role][lang]}</strong>
            {g.regionCode ? `, ${regionOf(g.regionCode).name}` : ''}. {lang === 'sv' ? ROLE_WORDS[g.role].allowsSv : ROLE_WORDS[g.role].allowsEn}
          </li>
        ))}
      </ul>
      <h2>{t('Vad du kan göra', 'What you can do')}</h2>
      <ul>
        <li><a href={withLang('/admin/regler', lang)}>{t('Regler för visning per region', 'Disclosure rules per region')}</a>: {t('reglerna i kraft, kommande ändringar och historiken', 'the rules in force, pending changes and the history')}</li>
        <li><a href={withLang('/admin/atkomst', lang)}>{t('Undantag för 13–15-åringar och spärrar av vårdnadshavare', 'Exceptions for 13-15 year olds and blocks of guardians')}</a></li>
      </ul>
    </AdminLayout>
  );
}

export interface RegionRow {
  readonly code: RegionCode;
  readonly name: string;
  readonly inForce: number | null;
  readonly pending: readonly { readonly version: number; readonly effectiveFrom: Date }[];
  readonly invalid: boolean;
}

export function RegionsPage({ lang, session, rows }: { lang: Lang; session: AdminSession; rows: readonly RegionRow[] }) {
  const t = say(lang);
  const title = t('Regler för visning', 'Disclosure rules');
  return (
    <AdminLayout lang={lang} title={title} path="/admin/regler" session={session}>
      <h1>{title}</h1>
      <p>{t('Regionerna du kan se, med den version av reglerna som gäller nu och ändringar som väntar.', 'The regions you may see, with the version of the rules in force now and pending changes.')}</p>
      <div className="scroll" role="region" aria-labelledby="regions-caption" tabIndex={0}>
        <table>
          <caption id="regions-caption">{t('Regler per region', 'Rules per region')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('Region', 'Region')}</th>
              <th scope="col">{t('Version i kraft', 'Version in force')}</th>
              <th scope="col">{t('Väntande ändringar', 'Pending changes')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.code}>
                <th scope="row"><a href={withLang(`/admin/regler/${r.code}`, lang)}>{r.name}</a></th>
                <td>{r.inForce === null ? t('Inga giltiga regler: inget visas', 'No valid rules: nothing is shown') : r.inForce}{r.invalid ? ` (${t('ogiltig version finns', 'has an invalid version')})` : ''}</td>
                <td>{r.pending.length === 0 ? t('Inga', 'None') : r.pending.map((p) => `${t('version', 'version')} ${p.version}, ${when(p.effectiveFrom, lang)}`).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </AdminLayout>
  );
}

export function RegionPage(props: {
  lang: Lang;
  session: AdminSession;
  code: RegionCode;
  inForce: StoredVersion | undefined;
  clauses: readonly ClauseDescription[];
  versions: readonly StoredVersion[];
  changesOf: (v: StoredVersion) => readonly ClauseChange[] | null;
  canWrite: boolean;
  saved?: number;
}) {
  const { lang, session, code, inForce, clauses, versions, canWrite, saved } = props;
  const t = say(lang);
  const name = regionOf(code).name;
  const title = t(`Regler för ${name}`, `Rules of ${name}`);
  return (
    <AdminLayout lang={lang} title={title} path={`/admin/regler/${code}`} session={session}>
      <p><a href={withLang('/admin/regler', lang)}>← {t('Alla regioner', 'All regions')}</a></p>
      <h1>{title}</h1>
      {saved !== undefined ? <p className="notice info" role="status">{t(`Version ${saved} är sparad.`, `Version ${saved} is saved.`)}</p> : null}
      {canWrite ? (
        <p className="actions">
          <a className="button" href={withLang(`/admin/regler/${code}/andra`, lang)}>{t('Ändra reglerna', 'Change the rules')}</a>
          <a href={withLang(`/admin/regler/${code}/forhandsgranska`, lang)}>{t('Förhandsgranska för en invånare', 'Preview for a resident')}</a>
        </p>
      ) : (
        <p className="muted">{t('Din roll kan läsa reglerna men inte ändra dem.', 'Your role can read the rules but not change them.')}</p>
      )}
      <h2>{inForce ? t(`Gäller nu: version ${inForce.version}`, `In force now: version ${inForce.version}`) : t('Inga giltiga regler gäller nu', 'No valid rules are in force now')}</h2>
      {inForce ? (
        <div className="scroll" role="region" aria-labelledby="rules-caption" tabIndex={0}>
          <table>
            <caption id="rules-caption">{t(`Reglerna i ord, version ${inForce.version}`, `The rules in words, version ${inForce.version}`)}</caption>
            <thead>
              <tr>
                <th scope="col">{t('Gäller', 'Applies to')}</th>
                <th scope="col">{t('Regel', 'Rule')}</th>
                <th scope="col">{t('Underlag', 'Basis')}</th>
              </tr>
            </thead>
            <tbody>
              {clauses.map((c, i) => (
                <tr key={i}>
                  <th scope="row">{c.topic[lang]}</th>
                  <td>{c.rule[lang]}</td>
                  <td>
                    {c.basis.kind === 'seed'
                      ? t(`Regionens bedömning (rad ${c.basis.sources.map((s) => s.line).join(', ')})`, `The region’s assessment (line ${c.basis.sources.map((s) => s.line).join(', ')})`)
                      : c.basis.kind === 'nationalFramework'
                        ? t('Nationellt ramverk', 'National framework')
                        : `${t('Administratör', 'Administrator')}${c.basis.comment ? `: ${c.basis.comment}` : ''}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <h2 id="historik">{t('Historik', 'History')}</h2>
      <div className="scroll" role="region" aria-labelledby="history-caption" tabIndex={0}>
        <table>
          <caption id="history-caption">{t('Alla versioner, nyast först', 'Every version, newest first')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('Version', 'Version')}</th>
              <th scope="col">{t('Gäller från', 'Effective from')}</th>
              <th scope="col">{t('Sparad av och när', 'Saved by and when')}</th>
              <th scope="col">{t('Ändringar', 'Changes')}</th>
              {canWrite ? <th scope="col">{t('Återställ', 'Restore')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => {
              const changes = props.changesOf(v);
              return (
                <tr key={v.version}>
                  <th scope="row">
                    {v.version}{' '}
                    <span className="status">
                      ({v.status === 'inForce' ? t('gäller nu', 'in force') : v.status === 'pending' ? t('väntar', 'pending') : t('tidigare', 'earlier')})
                    </span>
                  </th>
                  <td>{when(v.effectiveFrom, lang)}</td>
                  <td>{who(v.createdBy, lang)}, {when(v.createdAt, lang)}{v.note ? <><br /><span className="muted">{v.note}</span></> : null}</td>
                  <td>
                    {v.problem ? (
                      <strong>{t(`Ogiltig: ${v.problem.field} ${v.problem.message}. Inget från regionen visas medan den gäller.`, `Invalid: ${v.problem.field} ${v.problem.message}. Nothing of the region is shown while it is in force.`)}</strong>
                    ) : changes === null ? (
                      t('Första versionen', 'First version')
                    ) : changes.length === 0 ? (
                      t('Inga ändringar av innehållet', 'No change of substance')
                    ) : (
                      <ul>
                        {changes.map((c) => (
                          <li key={c.clause}>{c.topic[lang]}: {c.before[lang]} → {c.after[lang]}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                  {canWrite ? (
                    <td>
                      {v.status === 'past' && v.policy ? (
                        <form method="post" action={withLang(`/admin/regler/${code}/aterstall`, lang)} className="inline">
                          <input type="hidden" name="_csrf" value={session.csrf} />
                          <input type="hidden" name="version" value={String(v.version)} />
                          <button type="submit" className="secondary">{t(`Återställ version ${v.version}`, `Restore version ${v.version}`)}</button>
                        </form>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </AdminLayout>
  );
}

// --- Form controls -------------------------------------------------------------------------

const fid = (name: string) => `f-${name}`;
const eid = (name: string) => `e-${name}`;

function ErrorText({ name, errors, lang }: { name: string; errors: FieldErrors; lang: Lang }) {
  const e = errors.get(name);
  return e ? <p className="field-error" id={eid(name)}>{e[lang]}</p> : null;
}

const invalidProps = (name: string, errors: FieldErrors, hint?: string) => {
  const describedBy = [errors.has(name) ? eid(name) : null, hint ?? null].filter(Boolean).join(' ');
  return { 'aria-invalid': errors.has(name) ? true : undefined, 'aria-describedby': describedBy || undefined } as const;
};

function ErrorSummary({ errors, lang }: { errors: FieldErrors; lang: Lang }) {
  const t = say(lang);
  if (errors.size === 0) return null;
  return (
    <div className="error-summary" role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{t('Rätta följande innan du fortsätter', 'Correct the following before you go on')}</h2>
      <ul>
        {[...errors.entries()].map(([field, e]) => (
          <li key={field}><a href={`#${firstControl(field)}`}>{fieldLabel(field, lang)}: {e[lang]}</a></li>
        ))}
      </ul>
    </div>
  );
}

/** Radio groups and checkbox groups are linked to their first control. */
function firstControl(field: string): string {
  const first =
    field === 'radrum_kind' ? RADRUM_KINDS[0]
    : field === 'radrum_scope' ? NOTE_SCOPES[0]
    : field === 'unsigned_kind' ? UNSIGNED_KINDS[0]
    : field === 'effective' ? 'now'
    : field === 'kind' ? 'earlyOwnAccess'
    : field === 'sealKind' ? 'careUnit'
    : field === 'shown' || /^scoped_\d+_types$/.test(field) ? INFO_TYPES[0]
    : /^scoped_\d+_inpatient$/.test(field) ? INPATIENT_CHOICES[0]
    : field.endsWith('_kind') ? DELAY_KINDS[0]
    : undefined;
  return first ? `${fid(field)}-${first}` : fid(field);
}

function Radios<T extends string>({ name, legend, options, words, values, errors, lang }: { name: string; legend: string; options: readonly T[]; words: Record<T, { sv: string; en: string }>; values: FormValues; errors: FieldErrors; lang: Lang }) {
  const current = one(values[name]);
  return (
    <fieldset>
      <legend>{legend}</legend>
      <ErrorText name={name} errors={errors} lang={lang} />
      {options.map((o) => (
        <div className="choice" key={o}>
          <input type="radio" id={`${fid(name)}-${o}`} name={name} value={o} defaultChecked={current === o} {...invalidProps(name, errors)} />
          <label htmlFor={`${fid(name)}-${o}`}>{words[o][lang]}</label>
        </div>
      ))}
    </fieldset>
  );
}

function NumberField({ name, label, values, errors, lang, hint }: { name: string; label: string; values: FormValues; errors: FieldErrors; lang: Lang; hint?: string }) {
  const hintId = hint ? `h-${name}` : undefined;
  return (
    <div>
      <label htmlFor={fid(name)}>{label}</label>
      {hint ? <p className="hint" id={hintId}>{hint}</p> : null}
      <ErrorText name={name} errors={errors} lang={lang} />
      <input type="text" inputMode="numeric" id={fid(name)} name={name} defaultValue={one(values[name])} size={6} {...invalidProps(name, errors, hintId)} />
    </div>
  );
}

function TextField({ name, label, values, errors, lang, hint, type = 'text', autoComplete }: { name: string; label: string; values: FormValues; errors: FieldErrors; lang: Lang; hint?: string; type?: 'text' | 'date' | 'datetime-local'; autoComplete?: string }) {
  const hintId = hint ? `h-${name}` : undefined;
  return (
    <div>
      <label htmlFor={fid(name)}>{label}</label>
      {hint ? <p className="hint" id={hintId}>{hint}</p> : null}
      <ErrorText name={name} errors={errors} lang={lang} />
      <input type={type} id={fid(name)} name={name} defaultValue={one(values[name])} autoComplete={autoComplete ?? 'off'} {...invalidProps(name, errors, hintId)} />
    </div>
  );
}

function TextArea({ name, label, values, errors, lang, hint }: { name: string; label: string; values: FormValues; errors: FieldErrors; lang: Lang; hint: string }) {
  return (
    <div>
      <label htmlFor={fid(name)}>{label}</label>
      <p className="hint" id={`h-${name}`}>{hint}</p>
      <ErrorText name={name} errors={errors} lang={lang} />
      <textarea id={fid(name)} name={name} defaultValue={one(values[name])} {...invalidProps(name, errors, `h-${name}`)} />
    </div>
  );
}

function InfoTypeChecks({ name, legend, values, errors, lang, hint }: { name: string; legend: string; values: FormValues; errors: FieldErrors; lang: Lang; hint?: string }) {
  const checked = many(values[name]);
  return (
    <fieldset>
      <legend>{legend}</legend>
      {hint ? <p className="hint">{hint}</p> : null}
      <ErrorText name={name} errors={errors} lang={lang} />
      {INFO_TYPES.map((type) => (
        <div className="choice" key={type}>
          <input type="checkbox" id={`${fid(name)}-${type}`} name={name} value={type} defaultChecked={checked.includes(type)} {...invalidProps(name, errors)} />
          <label htmlFor={`${fid(name)}-${type}`}>{typeName(type, lang)}</label>
        </div>
      ))}
    </fieldset>
  );
}

function DelayControl({ prefix, legend, values, errors, lang }: { prefix: string; legend: string; values: FormValues; errors: FieldErrors; lang: Lang }) {
  const t = say(lang);
  return (
    <div>
      <Radios name={`${prefix}_kind`} legend={legend} options={DELAY_KINDS} words={DELAY_WORDS} values={values} errors={errors} lang={lang} />
      <NumberField name={`${prefix}_days`} label={`${legend}: ${t('antal dagar', 'number of days')}`} hint={t('Gäller när ”Visas efter ett antal dagar” är valt.', 'Used when “Shown after a number of days” is chosen.')} values={values} errors={errors} lang={lang} />
    </div>
  );
}

// --- The edit form -------------------------------------------------------------------------

export function EditPage(props: {
  lang: Lang;
  session: AdminSession;
  code: RegionCode;
  inForceVersion: number | null;
  values: FormValues;
  errors: FieldErrors;
  preview?: PreviewResult;
  status?: number;
}) {
  const { lang, session, code, values, errors, preview } = props;
  const t = say(lang);
  const name = regionOf(code).name;
  const title = t(`Ändra reglerna för ${name}`, `Change the rules of ${name}`);
  const scopedRows = Math.min(Number(one(values.scoped_count)) || 1, 50);
  return (
    <AdminLayout lang={lang} title={title} path={`/admin/regler/${code}/andra`} session={session}>
      <p><a href={withLang(`/admin/regler/${code}`, lang)}>← {t(`Reglerna för ${name}`, `The rules of ${name}`)}</a></p>
      <h1>{title}</h1>
      <p>
        {props.inForceVersion !== null
          ? t(`Formuläret visar version ${props.inForceVersion}, som gäller nu. Det du sparar blir en ny version; de tidigare finns kvar i historiken.`, `The form shows version ${props.inForceVersion}, in force now. What you save becomes a new version; the earlier ones stay in the history.`)
          : t('Regionen har inga giltiga regler i kraft.', 'The region has no valid rules in force.')}
      </p>
      <ErrorSummary errors={errors} lang={lang} />
      {preview ? <PreviewResults lang={lang} result={preview} /> : null}
      <form method="post" action={withLang(`/admin/regler/${code}/andra`, lang)} noValidate>
        <input type="hidden" name="_csrf" value={session.csrf} />
        <input type="hidden" name="scoped_count" value={String(scopedRows)} />
        <h2>{t('Anteckningar', 'Notes')}</h2>
        <Radios name="radrum_kind" legend={t('Rådrum', 'Delay (rådrum)')} options={RADRUM_KINDS} words={RADRUM_WORDS} values={values} errors={errors} lang={lang} />
        <NumberField name="radrum_days" label={t('Rådrum: antal dagar', 'Delay: number of days')} values={values} errors={errors} lang={lang} hint={t('Gäller när rådrum är valt.', 'Used when a delay is chosen.')} />
        <Radios name="radrum_scope" legend={t('Rådrummet gäller', 'The delay applies to')} options={NOTE_SCOPES} words={SCOPE_WORDS} values={values} errors={errors} lang={lang} />
        <DelayControl prefix="signed" legend={t('Signerade anteckningar', 'Signed notes')} values={values} errors={errors} lang={lang} />
        <Radios name="unsigned_kind" legend={t('Osignerade anteckningar', 'Unsigned notes')} options={UNSIGNED_KINDS} words={UNSIGNED_WORDS} values={values} errors={errors} lang={lang} />
        <NumberField name="unsigned_days" label={t('Osignerade anteckningar: antal dagar', 'Unsigned notes: number of days')} values={values} errors={errors} lang={lang} hint={t('Gäller när ”Visas efter ett antal dagar” är valt.', 'Used when “Shown after a number of days” is chosen.')} />
        <div className="choice">
          <input type="checkbox" id={fid('unsigned_lock')} name="unsigned_lock" value="on" defaultChecked={one(values.unsigned_lock) === 'on'} />
          <label htmlFor={fid('unsigned_lock')}>{t('Bara anteckningar som journalsystemet har låst', 'Only notes the record system has locked')}</label>
        </div>

        <h2>{t('Provsvar, röntgensvar och remissvar', 'Lab, imaging and referral results')}</h2>
        {RESULT_INFO_TYPES.map((r) => (
          <div className="columns" key={r}>
            <DelayControl prefix={resultField(r, 'validated', 'kind').replace(/_kind$/, '')} legend={`${typeName(r, lang)}, ${t('vidimerade', 'validated')}`} values={values} errors={errors} lang={lang} />
            <DelayControl prefix={resultField(r, 'unvalidated', 'kind').replace(/_kind$/, '')} legend={`${typeName(r, lang)}, ${t('ovidimerade', 'unvalidated')}`} values={values} errors={errors} lang={lang} />
          </div>
        ))}

        <h2>{t('Vad som visas', 'What is shown')}</h2>
        <InfoTypeChecks name="shown" legend={t('Informationstyper som visas', 'Information types shown')} hint={t('Typer som inte är markerade visas inte alls.', 'Types not ticked are not shown at all.')} values={values} errors={errors} lang={lang} />
        <fieldset>
          <legend>{t('Startdatum', 'Start dates')}</legend>
          <p className="hint">{t('Uppgifter från före datumet visas inte. Lämna tomt för att visa allt.', 'Items from before the date are not shown. Leave empty to show everything.')}</p>
          <div className="columns">
            {INFO_TYPES.map((type) => (
              <TextField key={type} name={`start_${type}`} type="date" label={typeName(type, lang)} values={values} errors={errors} lang={lang} />
            ))}
          </div>
        </fieldset>

        <h2>{t('Särskilda rådrum', 'Special delays')}</h2>
        <p>{t('Ett längre rådrum för en del av journalen, till exempel slutenvård inom psykiatrin. Lämna en rad tom för att inte lägga till något.', 'A longer delay for part of the record, for example psychiatric inpatient care. Leave a row empty to add nothing.')}</p>
        {Array.from({ length: scopedRows }, (_, i) => (
          <fieldset key={i}>
            <legend>{t(`Särskilt rådrum ${i + 1}`, `Special delay ${i + 1}`)}</legend>
            <InfoTypeChecks name={`scoped_${i}_types`} legend={t('Gäller informationstyperna', 'Applies to the information types')} values={values} errors={errors} lang={lang} />
            <TextField name={`scoped_${i}_specialty`} label={t('Specialitet (tomt: alla)', 'Specialty (empty: all)')} hint={t('Som HSA-katalogen anger den, till exempel psychiatry.', 'As the HSA catalogue gives it, for example psychiatry.')} values={values} errors={errors} lang={lang} />
            <Radios name={`scoped_${i}_inpatient`} legend={t('Vårdform', 'Kind of care')} options={INPATIENT_CHOICES} words={INPATIENT_WORDS} values={{ ...values, [`scoped_${i}_inpatient`]: one(values[`scoped_${i}_inpatient`]) || 'any' }} errors={errors} lang={lang} />
            <NumberField name={`scoped_${i}_days`} label={t('Antal dagar', 'Number of days')} values={values} errors={errors} lang={lang} />
            <TextField name={`scoped_${i}_label_sv`} label={t('Beskrivning på svenska', 'Description in Swedish')} hint={t('Visas för invånaren, till exempel ”slutenvårdsanteckningar inom psykiatrin”.', 'Shown to the resident, for example “slutenvårdsanteckningar inom psykiatrin”.')} values={values} errors={errors} lang={lang} />
            <TextField name={`scoped_${i}_label_en`} label={t('Beskrivning på engelska', 'Description in English')} values={values} errors={errors} lang={lang} />
            {i < scopedRows - 1 ? (
              <div className="choice">
                <input type="checkbox" id={fid(`scoped_${i}_remove`)} name={`scoped_${i}_remove`} value="on" defaultChecked={one(values[`scoped_${i}_remove`]) === 'on'} />
                <label htmlFor={fid(`scoped_${i}_remove`)}>{t('Ta bort det här rådrummet', 'Remove this delay')}</label>
              </div>
            ) : null}
          </fieldset>
        ))}

        <h2>{t('Undantag', 'Exclusions')}</h2>
        <TextArea name="excluded_units" label={t('Undantagna vårdenheter', 'Excluded care units')} hint={t('Ett HSA-id per rad, gärna följt av enhetens namn. Inget från enheterna visas.', 'One HSA-id a line, optionally followed by the unit’s name. Nothing from these units is shown.')} values={values} errors={errors} lang={lang} />
        <TextArea name="excluded_keywords" label={t('Undantagna sökord', 'Excluded keywords')} hint={t('Ett sökord per rad. Anteckningar med sökordet visas inte.', 'One keyword a line. Notes with the keyword are not shown.')} values={values} errors={errors} lang={lang} />
        <TextArea name="excluded_templates" label={t('Undantagna mallar', 'Excluded templates')} hint={t('En mall per rad. Anteckningar skrivna i mallen visas inte.', 'One template a line. Notes written in the template are not shown.')} values={values} errors={errors} lang={lang} />

        <h2>{t('Spara', 'Save')}</h2>
        <TextField name="comment" label={t('Motivering (visas på regionens sida vid de ändrade reglerna)', 'Reason (shown on the region’s page beside the changed rules)')} values={values} errors={errors} lang={lang} />
        <Radios name="effective" legend={t('Gäller från', 'Takes effect')} options={['now', 'later'] as const} words={{ now: { sv: 'Direkt', en: 'Now' }, later: { sv: 'Vid en vald tidpunkt', en: 'At a chosen moment' } }} values={values} errors={errors} lang={lang} />
        <TextField name="effective_at" type="datetime-local" label={t('Datum och tid (svensk tid)', 'Date and time (Swedish time)')} hint={t('Gäller när ”Vid en vald tidpunkt” är valt. Kan inte ligga bakåt i tiden.', 'Used when “At a chosen moment” is chosen. Cannot be in the past.')} values={values} errors={errors} lang={lang} />

        <fieldset>
          <legend>{t('Förhandsgranska för en invånare', 'Preview for a resident')}</legend>
          <p className="hint">{t('Se vad en invånare skulle se med utkastet jämfört med reglerna i kraft. Förhandsgranskningen loggas som en läsning av invånarens journal.', 'See what a resident would see under the draft compared with the rules in force. The preview is logged as a read of the resident’s record.')}</p>
          <TextField name="personnummer" label={t('Personnummer', 'Personal identity number')} values={values} errors={errors} lang={lang} />
          <TextField name="date" type="date" label={t('Datum', 'Date')} values={values} errors={errors} lang={lang} />
        </fieldset>
        <div className="actions">
          <button type="submit" name="action" value="save">{t('Spara ny version', 'Save new version')}</button>
          <button type="submit" name="action" value="preview" className="secondary">{t('Förhandsgranska', 'Preview')}</button>
        </div>
      </form>
    </AdminLayout>
  );
}

// --- Preview -------------------------------------------------------------------------------

function ItemRows({ lang, items }: { lang: Lang; items: readonly PreviewItem[] }) {
  return (
    <>
      {items.map((p, i) => (
        <tr key={i}>
          <th scope="row">
            {typeName(p.item.infoType, lang)}: {p.item.title ?? ''} <span className="muted">{formatLongDate(swedishDate(p.item.time), lang)}, {p.item.careUnit.name ?? p.careProviderName ?? ''}</span>
          </th>
          <td>{p.inForce.reason[lang]}</td>
          <td>{p.draft.reason[lang]}</td>
        </tr>
      ))}
    </>
  );
}

function ItemTable({ lang, id, caption, items, empty }: { lang: Lang; id: string; caption: string; items: readonly PreviewItem[]; empty: string }) {
  const t = say(lang);
  if (items.length === 0) return <p>{empty}</p>;
  return (
    <div className="scroll" role="region" aria-labelledby={id} tabIndex={0}>
      <table>
        <caption id={id}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('Uppgift', 'Item')}</th>
            <th scope="col">{t('Med reglerna i kraft', 'Under the rules in force')}</th>
            <th scope="col">{t('Med utkastet', 'Under the draft')}</th>
          </tr>
        </thead>
        <tbody><ItemRows lang={lang} items={items} /></tbody>
      </table>
    </div>
  );
}

export function PreviewResults({ lang, result }: { lang: Lang; result: PreviewResult }) {
  const t = say(lang);
  const date = formatLongDate(result.date, lang);
  return (
    <section aria-labelledby="preview-title" className="notice info">
      <h2 id="preview-title">{t(`Förhandsgranskning ${date}`, `Preview for ${date}`)}</h2>
      <div className="columns">
        <div>
          <h3>{result.inForceVersion !== null ? t(`Regler i kraft (version ${result.inForceVersion})`, `Rules in force (version ${result.inForceVersion})`) : t('Inga regler i kraft', 'No rules in force')}</h3>
          <p>{t(`Visas: ${result.shownInForce} av ${result.items} uppgifter från regionens vårdgivare.`, `Shown: ${result.shownInForce} of ${result.items} items from the region’s care providers.`)}</p>
        </div>
        <div>
          <h3>{t('Utkastet', 'The draft')}</h3>
          <p>{t(`Visas: ${result.shownDraft} av ${result.items} uppgifter.`, `Shown: ${result.shownDraft} of ${result.items} items.`)}</p>
        </div>
      </div>
      {result.changes.length > 0 ? (
        <div className="scroll" role="region" aria-labelledby="preview-changes" tabIndex={0}>
          <table>
            <caption id="preview-changes">{t('Ändrade regler', 'Changed rules')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('Regel', 'Rule')}</th>
                <th scope="col">{t('I kraft', 'In force')}</th>
                <th scope="col">{t('Utkast', 'Draft')}</th>
              </tr>
            </thead>
            <tbody>
              {result.changes.map((c) => (
                <tr key={c.clause}>
                  <th scope="row">{c.topic[lang]}</th>
                  <td>{capital(c.before[lang])}</td>
                  <td>{capital(c.after[lang])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{t('Utkastet har samma regler som de i kraft.', 'The draft has the same rules as those in force.')}</p>
      )}
      <h3>{t(`Visas nu med utkastet (${result.newlyShown.length})`, `Newly shown under the draft (${result.newlyShown.length})`)}</h3>
      <ItemTable lang={lang} id="newly-shown" caption={t('Uppgifter som utkastet skulle visa', 'Items the draft would show')} items={result.newlyShown} empty={t('Inga.', 'None.')} />
      <h3>{t(`Döljs med utkastet (${result.newlyHidden.length})`, `Newly hidden under the draft (${result.newlyHidden.length})`)}</h3>
      <ItemTable lang={lang} id="newly-hidden" caption={t('Uppgifter som utkastet skulle dölja', 'Items the draft would hide')} items={result.newlyHidden} empty={t('Inga.', 'None.')} />
      {result.otherwiseChanged.length > 0 ? (
        <>
          <h3>{t(`Döljs med båda, men av annat skäl eller till annat datum (${result.otherwiseChanged.length})`, `Hidden under both, for another reason or until another date (${result.otherwiseChanged.length})`)}</h3>
          <ItemTable lang={lang} id="otherwise" caption={t('Uppgifter med ändrat skäl', 'Items with a changed reason')} items={result.otherwiseChanged} empty="" />
        </>
      ) : null}
    </section>
  );
}

export function PreviewPage(props: {
  lang: Lang;
  session: AdminSession;
  code: RegionCode;
  versions: readonly StoredVersion[];
  values: FormValues;
  errors: FieldErrors;
  result?: PreviewResult;
}) {
  const { lang, session, code, versions, values, errors, result } = props;
  const t = say(lang);
  const name = regionOf(code).name;
  const title = t(`Förhandsgranska regler för ${name}`, `Preview rules of ${name}`);
  const choosable = versions.filter((v) => v.policy !== null);
  const chosen = one(values.version);
  return (
    <AdminLayout lang={lang} title={title} path={`/admin/regler/${code}/forhandsgranska`} session={session}>
      <p><a href={withLang(`/admin/regler/${code}`, lang)}>← {t(`Reglerna för ${name}`, `The rules of ${name}`)}</a></p>
      <h1>{title}</h1>
      <p>{t('Jämför vad en invånare skulle se ett visst datum med en version av reglerna (till exempel en väntande ändring) och med reglerna i kraft det datumet. Ändringar som inte är sparade förhandsgranskar du i formuläret för att ändra reglerna.', 'Compare what a resident would see on a date under a version of the rules (a pending change, say) with the rules in force that date. Unsaved changes are previewed from the form for changing the rules.')}</p>
      <p>{t('Förhandsgranskningen loggas som en läsning av invånarens journal.', 'The preview is logged as a read of the resident’s record.')}</p>
      <ErrorSummary errors={errors} lang={lang} />
      <form method="post" action={withLang(`/admin/regler/${code}/forhandsgranska`, lang)} noValidate>
        <input type="hidden" name="_csrf" value={session.csrf} />
        <TextField name="personnummer" label={t('Personnummer', 'Personal identity number')} hint={t('12 siffror, till exempel 19121212-1212.', '12 digits, for example 19121212-1212.')} values={values} errors={errors} lang={lang} />
        <TextField name="date" type="date" label={t('Datum', 'Date')} values={values} errors={errors} lang={lang} />
        <div>
          <label htmlFor={fid('version')}>{t('Version att förhandsgranska', 'Version to preview')}</label>
          <ErrorText name="version" errors={errors} lang={lang} />
          <select id={fid('version')} name="version" defaultValue={chosen} {...invalidProps('version', errors)}>
            {choosable.map((v) => (
              <option key={v.version} value={String(v.version)}>
                {`${t('Version', 'Version')} ${v.version} (${v.status === 'inForce' ? t('gäller nu', 'in force') : v.status === 'pending' ? t('väntar', 'pending') : t('tidigare', 'earlier')})`}
              </option>
            ))}
          </select>
        </div>
        <div className="actions"><button type="submit">{t('Förhandsgranska', 'Preview')}</button></div>
      </form>
      {result ? <PreviewResults lang={lang} result={result} /> : null}
    </AdminLayout>
  );
}

// --- Access: exceptions and blocks ---------------------------------------------------------

/** One resident's protections as the access page shows them, with ways to lift each. */
export interface ProtectionsLookup {
  readonly resident: string;
  readonly overview: ProtectionsOverview;
}

export type AccessForm = 'exception' | 'block' | 'seal' | 'lookup' | 'lifted';

function ProtectionsSection({ lang, session, lookup, canWrite }: { lang: Lang; session: AdminSession; lookup: ProtectionsLookup; canWrite: boolean }) {
  const t = say(lang);
  const { overview, resident } = lookup;
  const shown = `${resident.slice(0, 8)}-${resident.slice(8)}`;
  const lift = (what: 'seal' | 'block' | 'exception', extra: Record<string, string>, label: string) =>
    canWrite ? (
      <form method="post" action={withLang('/admin/atkomst/hav', lang)} className="inline">
        <input type="hidden" name="_csrf" value={session.csrf} />
        <input type="hidden" name="resident" value={resident} />
        <input type="hidden" name="what" value={what} />
        {Object.entries(extra).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
        <button type="submit" className="secondary">{label}</button>
      </form>
    ) : null;
  const sealText = (row: ProtectionsOverview['seals'][number]) => {
    const seal = row.seal;
    switch (seal.kind) {
      case 'account':
        return t(`Hela kontot (${seal.setBy === 'resident' ? 'invånarens val' : 'vården'})`, `The whole account (${seal.setBy === 'resident' ? 'the resident’s choice' : 'care'})`);
      case 'careUnit':
        return t(`Vårdenhet ${seal.careUnitHsaId}`, `Care unit ${seal.careUnitHsaId}`);
      case 'careGiver':
        return t(`Vårdgivare ${seal.careGiverHsaId}`, `Care provider ${seal.careGiverHsaId}`);
      case 'period':
        return t(`Perioden ${seal.from}–${seal.to ?? ''}`, `The period ${seal.from}–${seal.to ?? ''}`);
    }
  };
  return (
    <section aria-labelledby="skydd">
      <h2 id="skydd">{t(`Skydd för ${shown}`, `Protections of ${shown}`)}</h2>
      <h3>{t('Förseglingar', 'Seals')}</h3>
      {overview.seals.length === 0 ? <p>{t('Inga.', 'None.')}</p> : (
        <ul>{overview.seals.map((row) => <li key={row.id}>{sealText(row)} {row.seal.setBy === 'care' ? lift('seal', { id: String(row.id) }, t('Häv förseglingen', 'Lift the seal')) : null}</li>)}</ul>
      )}
      <h3>{t('Spärrade vårdnadshavare', 'Blocked guardians')}</h3>
      {overview.guardianBlocks.length === 0 ? <p>{t('Inga.', 'None.')}</p> : (
        <ul>{overview.guardianBlocks.map((b) => <li key={b.guardian}>{`${b.guardian.slice(0, 8)}-${b.guardian.slice(8)}`} {lift('block', { guardian: b.guardian }, t('Häv spärren', 'Lift the block'))}</li>)}</ul>
      )}
      <h3>{t('Undantag 13–15 år', 'Exceptions 13-15')}</h3>
      {overview.exceptions.length === 0 ? <p>{t('Inga.', 'None.')}</p> : (
        <ul>{overview.exceptions.map((e) => <li key={e.id}>{e.kind === 'earlyOwnAccess' ? t('Barnet läser själv', 'The child reads') : t('Vårdnadshavarna läser', 'The guardians read')}, {e.careUnitHsaId}, {e.validFrom}–{e.validTo ?? ''} {lift('exception', { id: String(e.id) }, t('Ta bort undantaget', 'Remove the exception'))}</li>)}</ul>
      )}
    </section>
  );
}

export function AccessPage(props: { lang: Lang; session: AdminSession; canWrite: boolean; regions: 'all' | readonly RegionCode[]; values: FormValues; errors: FieldErrors; form?: AccessForm; done?: AccessForm; lookup?: ProtectionsLookup; status?: number }) {
  const { lang, session, canWrite, values, errors, form, done } = props;
  const t = say(lang);
  const title = t('Undantag och spärrar', 'Exceptions and blocks');
  const errs = (which: AccessForm) => (form === which ? errors : new Map());
  const vals = (which: AccessForm) => (form === which ? values : {});
  return (
    <AdminLayout lang={lang} title={title} path="/admin/atkomst" session={session}>
      <h1>{title}</h1>
      {done ? (
        <p className="notice info" role="status">
          {done === 'exception' ? t('Undantaget är sparat.', 'The exception is saved.') : done === 'block' ? t('Vårdnadshavaren är spärrad.', 'The guardian is blocked.') : done === 'lifted' ? t('Skyddet är hävt.', 'The protection is lifted.') : t('Informationen är förseglad.', 'The information is sealed.')}
        </p>
      ) : null}
      <h2 id="visa">{t('Visa skydd för en invånare', 'Show a resident’s protections')}</h2>
      <ErrorSummary errors={errs('lookup')} lang={lang} />
      <form method="post" action={withLang('/admin/atkomst/visa', lang)} noValidate aria-labelledby="visa">
        <input type="hidden" name="_csrf" value={session.csrf} />
        <TextField name="resident" label={t('Invånarens personnummer', 'The resident’s personal identity number')} values={vals('lookup')} errors={errs('lookup')} lang={lang} />
        <div className="actions"><button type="submit">{t('Visa', 'Show')}</button></div>
      </form>
      {props.lookup ? <ProtectionsSection lang={lang} session={session} lookup={props.lookup} canWrite={canWrite} /> : null}
      {!canWrite ? (
        <p>{t('Din roll kan inte ändra undantag eller spärrar.', 'Your role cannot change exceptions or blocks.')}</p>
      ) : (
        <>
          <p>
            {props.regions === 'all'
              ? t('Du kan göra undantag och spärrar för vårdenheter i alla regioner.', 'You can make exceptions and blocks for care units in every region.')
              : t(`Du kan göra undantag och spärrar för vårdenheter i ${props.regions.map((c) => regionOf(c).name).join(', ')}.`, `You can make exceptions and blocks for care units in ${props.regions.map((c) => regionOf(c).name).join(', ')}.`)}
          </p>
          <h2 id="undantag">{t('Undantag för barn 13–15 år', 'Exception for a child aged 13-15')}</h2>
          <p>{t('Verksamhetschefen vid en vårdenhet kan besluta att ett barn får läsa sin journal från enheten före 16 år, eller att vårdnadshavare får fortsätta läsa den efter 13 år.', 'The head of a care unit may decide that a child may read its record from the unit before 16, or that the guardians may go on reading it after 13.')}</p>
          <ErrorSummary errors={errs('exception')} lang={lang} />
          <form method="post" action={withLang('/admin/atkomst/undantag', lang)} noValidate aria-labelledby="undantag">
            <input type="hidden" name="_csrf" value={session.csrf} />
            <Radios name="kind" legend={t('Typ av undantag', 'Kind of exception')} options={['earlyOwnAccess', 'extendedGuardianAccess'] as const} words={{ earlyOwnAccess: { sv: 'Barnet får läsa själv före 16 år', en: 'The child may read before 16' }, extendedGuardianAccess: { sv: 'Vårdnadshavarna får läsa efter 13 år', en: 'The guardians may read after 13' } }} values={vals('exception')} errors={errs('exception')} lang={lang} />
            <TextField name="child" label={t('Barnets personnummer', 'The child’s personal identity number')} values={vals('exception')} errors={errs('exception')} lang={lang} />
            <TextField name="careUnit" label={t('Vårdenhet (HSA-id)', 'Care unit (HSA-id)')} hint={t('Enheten vars verksamhetschef har beslutat.', 'The unit whose head made the decision.')} values={vals('exception')} errors={errs('exception')} lang={lang} />
            <TextField name="validFrom" type="date" label={t('Gäller från', 'Valid from')} values={vals('exception')} errors={errs('exception')} lang={lang} />
            <TextField name="validTo" type="date" label={t('Gäller till och med (tomt: tills barnet fyller 16)', 'Valid until (empty: until the child turns 16)')} values={vals('exception')} errors={errs('exception')} lang={lang} />
            <div className="actions"><button type="submit">{t('Spara undantaget', 'Save the exception')}</button></div>
          </form>
          <h2 id="sparr">{t('Spärra en vårdnadshavare', 'Block a guardian')}</h2>
          <p>{t('En vårdnadshavare som spärras kan inte läsa barnets journal.', 'A blocked guardian cannot read the child’s record.')}</p>
          <ErrorSummary errors={errs('block')} lang={lang} />
          <form method="post" action={withLang('/admin/atkomst/sparr', lang)} noValidate aria-labelledby="sparr">
            <input type="hidden" name="_csrf" value={session.csrf} />
            <TextField name="guardian" label={t('Vårdnadshavarens personnummer', 'The guardian’s personal identity number')} values={vals('block')} errors={errs('block')} lang={lang} />
            <TextField name="child" label={t('Barnets personnummer', 'The child’s personal identity number')} values={vals('block')} errors={errs('block')} lang={lang} />
            <TextField name="careUnit" label={t('Beslutande vårdenhet (HSA-id)', 'Deciding care unit (HSA-id)')} values={vals('block')} errors={errs('block')} lang={lang} />
            <div className="actions"><button type="submit">{t('Spärra vårdnadshavaren', 'Block the guardian')}</button></div>
          </form>
          <h2 id="forsegling">{t('Försegla information för en invånare', 'Seal information for a resident')}</h2>
          <p>{t('Förseglad information visas inte för någon i Journalen, inte heller för invånaren själv. En vårdgivare förseglar en vårdenhets eller sin egen information; en period förseglas av den nationella förvaltningen.', 'Sealed information is shown to nobody in Journalen, the resident included. A care provider seals a care unit’s or its own information; a period is sealed by the national operator.')}</p>
          <ErrorSummary errors={errs('seal')} lang={lang} />
          <form method="post" action={withLang('/admin/atkomst/forsegling', lang)} noValidate aria-labelledby="forsegling">
            <input type="hidden" name="_csrf" value={session.csrf} />
            <TextField name="subject" label={t('Invånarens personnummer', 'The resident’s personal identity number')} values={vals('seal')} errors={errs('seal')} lang={lang} />
            <Radios name="sealKind" legend={t('Vad ska förseglas?', 'What is sealed?')} options={['careUnit', 'careGiver', 'period'] as const} words={{ careUnit: { sv: 'En vårdenhets information', en: 'A care unit’s information' }, careGiver: { sv: 'En vårdgivares information', en: 'A care provider’s information' }, period: { sv: 'En period', en: 'A period' } }} values={vals('seal')} errors={errs('seal')} lang={lang} />
            <TextField name="sealUnit" label={t('Vårdenhet (HSA-id), för en vårdenhet', 'Care unit (HSA-id), for a care unit')} values={vals('seal')} errors={errs('seal')} lang={lang} />
            <TextField name="sealProvider" label={t('Vårdgivare (HSA-id), för en vårdgivare', 'Care provider (HSA-id), for a care provider')} values={vals('seal')} errors={errs('seal')} lang={lang} />
            <TextField name="sealFrom" type="date" label={t('Från och med, för en period', 'From, for a period')} values={vals('seal')} errors={errs('seal')} lang={lang} />
            <TextField name="sealTo" type="date" label={t('Till och med (tomt: tills vidare), för en period', 'Until (empty: open-ended), for a period')} values={vals('seal')} errors={errs('seal')} lang={lang} />
            <div className="actions"><button type="submit">{t('Försegla', 'Seal')}</button></div>
          </form>
        </>
      )}
    </AdminLayout>
  );
}
