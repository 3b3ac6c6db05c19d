import type { ViewerSourceStatus } from '../../../record/service.js';
import { formatLongDate } from '../../../domain/time.js';
import type { RegionRef, WithheldItem } from '../../../record/service.js';
import { withLang, type Lang } from '../../i18n.js';
import { INFO_TYPE_TITLES, PAGE_WORDS } from '../../record-words.js';
import { MissingSources, RecordShell, type Session, type SubjectFrame } from './common.js';

/**
 * "Why don't I see ...": what will be shown later, when and why, as far as the rules allow
 * telling; what is never shown is explained in general terms only (naming it would reveal it).
 */
export function WithheldPage({ lang, path, session, subject, withheld, regions, sources }: { lang: Lang; path: string; session: Session; subject: SubjectFrame; withheld: readonly WithheldItem[]; regions: readonly RegionRef[]; sources: readonly ViewerSourceStatus[] }) {
  const w = PAGE_WORDS[lang];
  const names = INFO_TYPE_TITLES[lang];
  return (
    <RecordShell lang={lang} path={path} session={session} subject={subject} current="whyNot" title={w.whyNotTitle}>
      <h1>{w.whyNotTitle}</h1>
      <p>{w.whyIntro}</p>
      <MissingSources lang={lang} sources={sources} />
      {withheld.length === 0 ? (
        <p>{w.whyNone}</p>
      ) : (
        <div className="scroll">
          <table>
            <caption>{w.whyCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{PAGE_WORDS[lang].visibleFrom}</th>
                <th scope="col">{lang === 'sv' ? 'Vad' : 'What'}</th>
                <th scope="col">{w.careProvider}</th>
                <th scope="col">{w.reason}</th>
              </tr>
            </thead>
            <tbody>
              {withheld.map((h, i) => (
                <tr key={i}>
                  <td>{formatLongDate(h.visibleFrom, lang)}</td>
                  <td>{names[h.infoType]}</td>
                  <td>{[h.careProviderName, h.region?.name].filter(Boolean).filter((v, k, a) => a.indexOf(v) === k).join(', ')}</td>
                  <td>{h.reason[lang]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>{lang === 'sv' ? 'Det som aldrig visas' : 'What is never shown'}</h2>
      <p>{w.whyNever}</p>
      <h2>{w.whyRules}</h2>
      <p>{w.whyRulesIntro}</p>
      <ul>
        {regions.map((r) => (
          <li key={r.code}>
            <a href={withLang(`/regioner/${r.code}`, lang)}>{w.rulesOf(r.name)}</a>
          </li>
        ))}
        <li>
          <a href={withLang('/', lang)}>{lang === 'sv' ? 'Alla regioner' : 'All regions'}</a>
        </li>
      </ul>
    </RecordShell>
  );
}
