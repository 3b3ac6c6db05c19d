import type { ClauseDescription } from '../../disclosure/describe.js';
import type { Basis } from '../../disclosure/policy.js';
import { TEXT, withLang, type Lang } from '../i18n.js';
import { Layout } from '../layout.js';

/** One region's disclosure rules in words, each with the seed text it rests on. */

function BasisCell({ basis, lang }: { basis: Basis; lang: Lang }) {
  const t = TEXT[lang];
  const sources = basis.kind === 'administrator' ? [] : (basis.sources ?? []);
  return (
    <td>
      {basis.kind === 'nationalFramework' && <p>{t.nationalFramework}</p>}
      {basis.kind === 'administrator' && <p>{t.administrator}{basis.comment ? `: ${basis.comment}` : ''}</p>}
      {sources.map((s, i) => (
        <figure key={i} style={{ margin: 0 }}>
          <blockquote lang="sv">”{s.quote}”</blockquote>
          <figcaption className="muted">{t.seedLine(s.document, s.line)}</figcaption>
        </figure>
      ))}
    </td>
  );
}

export function RegionRulesPage(props: {
  lang: Lang;
  code: string;
  name: string;
  silent: boolean;
  version: number;
  clauses: readonly ClauseDescription[];
}) {
  const { lang, code, name, silent, clauses } = props;
  const t = TEXT[lang];
  return (
    <Layout lang={lang} title={t.rulesFor(name)} path={`/regioner/${code}`}>
      <p><a href={withLang('/', lang)}>← {t.backToRegions}</a></p>
      <h1>{t.rulesFor(name)}</h1>
      <p>{t.rulesIntro}</p>
      {silent && <p><strong>{t.silentAssessment}</strong></p>}
      <div className="scroll" role="region" aria-labelledby="rules-caption" tabIndex={0}>
        <table>
          <caption id="rules-caption">{t.rulesCaption(name)}</caption>
          <thead>
            <tr>
              <th scope="col">{t.topic}</th>
              <th scope="col">{t.rule}</th>
              <th scope="col">{t.basis}</th>
            </tr>
          </thead>
          <tbody>
            {clauses.map((c, i) => (
              <tr key={i}>
                <th scope="row">{c.topic[lang]}</th>
                <td>{c.rule[lang]}</td>
                <BasisCell basis={c.basis} lang={lang} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
