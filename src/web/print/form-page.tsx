import { INFO_TYPES, type InfoType } from '../../domain/record.js';
import { withLang, type Lang } from '../i18n.js';
import { Layout, type LayoutProps } from '../layout.js';
import { INFO_TYPE_TITLES } from '../record-words.js';
import { MAX_PRINT_ITEMS } from './pdf.js';
import { PRINT_WORDS } from './words.js';

/**
 * The print form: a plain GET form (no JavaScript, no CSRF needed: it changes nothing) that
 * leads to the PDF with the selection in the query string. Nothing in it names the person.
 */

type Session = NonNullable<LayoutProps['session']>;

const FORM_CSS = `
.print fieldset { border:1px solid var(--line); border-radius:.35rem; margin:1rem 0; padding:.75rem 1rem; }
.print legend { font-weight:700; padding:0 .25rem; }
.print .choice { display:flex; gap:.5rem; align-items:center; margin:.35rem 0; }
.print .choice input { width:1.25rem; height:1.25rem; }
.print label.field { display:block; margin:.5rem 0 .2rem; font-weight:600; }
.print input[type=date] { font:inherit; padding:.35rem .5rem; border:2px solid #595959; border-radius:.25rem; max-width:100%; }
.print input:focus-visible { outline:3px solid #1a1a1a; outline-offset:2px; }
`;

export function PrintFormPage({ lang, path, session, base, childName, chosen }: { lang: Lang; path: string; session: Session; base: string; childName: string | null; chosen?: readonly InfoType[] }) {
  const w = PRINT_WORDS[lang];
  const names = INFO_TYPE_TITLES[lang];
  const title = childName ? w.childFormTitle(childName) : w.formTitle;
  return (
    <Layout lang={lang} title={title} path={path} session={session}>
      <style href="journalen-print" precedence="default">{FORM_CSS}</style>
      <p><a href={withLang(base, lang)}>{w.myRecord}</a></p>
      <h1>{title}</h1>
      <p>{w.formIntro}</p>
      <form method="get" action={`${base}/utskrift.pdf`} className="print">
        {lang !== 'sv' ? <input type="hidden" name="lang" value={lang} /> : null}
        <fieldset aria-describedby="typ-hjalp">
          <legend>{w.typesLegend}</legend>
          <p id="typ-hjalp" className="muted">{w.typesHint}</p>
          {INFO_TYPES.map((t) => (
            <div className="choice" key={t}>
              <input type="checkbox" id={`typ-${t}`} name="typ" value={t} defaultChecked={chosen?.includes(t) ?? false} />
              <label htmlFor={`typ-${t}`}>{names[t]}</label>
            </div>
          ))}
        </fieldset>
        <fieldset aria-describedby="period-hjalp">
          <legend>{w.periodLegend}</legend>
          <p id="period-hjalp" className="muted">{w.dateHint}</p>
          <label className="field" htmlFor="fran">{w.from}</label>
          <input type="date" id="fran" name="fran" />
          <label className="field" htmlFor="till">{w.to}</label>
          <input type="date" id="till" name="till" />
        </fieldset>
        <p className="muted">{w.limitNote(new Intl.NumberFormat(lang === 'sv' ? 'sv-SE' : 'en-GB').format(MAX_PRINT_ITEMS))}</p>
        <button type="submit">{w.create}</button>
      </form>
    </Layout>
  );
}
