import type { AccessLogEntry } from '../../../audit/index.js';
import type { InfoType } from '../../../domain/record.js';
import { withLang, type Lang } from '../../i18n.js';
import { INFO_TYPE_TITLES, PAGE_WORDS } from '../../record-words.js';
import { formatDateTime, RecordShell, type Session, type SubjectFrame } from './common.js';

/** Who has read the record through Journalen: newest first, a page at a time (keyset cursor). */

/** An entry as the JSON API gives it (the page reads the log through the API). */
export type LogEntry = AccessLogEntry;

export function AccessLogPage({ lang, path, session, subject, entries, olderHref, newestHref }: { lang: Lang; path: string; session: Session; subject: SubjectFrame; entries: readonly LogEntry[]; olderHref: string | null; newestHref: string | null }) {
  const w = PAGE_WORDS[lang];
  return (
    <RecordShell lang={lang} path={path} session={session} subject={subject} current="accessLog" title={w.accessLog}>
      <h1>{w.accessLog}</h1>
      <p>{w.logIntro}</p>
      {entries.length === 0 ? (
        <p>{w.logNone}</p>
      ) : (
        <div className="scroll">
          <table>
            <caption>{w.logCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{w.when}</th>
                <th scope="col">{w.who}</th>
                <th scope="col">{w.what}</th>
                <th scope="col">{w.whereFrom}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => {
                const places = [...new Set(e.sources.map((s) => [s.careUnitName, s.careGiverName].filter(Boolean).join(', ')).filter(Boolean))];
                return (
                  <tr key={e.seq}>
                    <td>{formatDateTime(e.at)}</td>
                    <td>{[w.roles[e.viewer.role] ?? e.viewer.role, e.viewer.name].filter(Boolean).join(': ')}</td>
                    <td>
                      {e.informationTypes.length > 0 ? e.informationTypes.map((t) => INFO_TYPE_TITLES[lang][t]).join(', ') : <span className="muted">{w.noInfo}</span>}
                      {e.kind === 'itemRead' ? <span className="hint">{w.itemRead}</span> : null}
                    </td>
                    <td>
                      {places.length > 0 ? (
                        <ul className="plain">
                          {places.map((p) => (
                            <li key={p}>{p}</li>
                          ))}
                        </ul>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {olderHref || newestHref ? (
        <nav aria-label={w.paging} className="pager">
          <ul>
            {newestHref ? <li><a href={withLang(newestHref, lang)}>{w.newest}</a></li> : null}
            {olderHref ? <li><a href={withLang(olderHref, lang)}>{w.older}</a></li> : null}
          </ul>
        </nav>
      ) : null}
    </RecordShell>
  );
}
