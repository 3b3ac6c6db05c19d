import { formatLongDate, swedishDate } from '../../domain/time.js';
import type { ChildEntry, RecordOverview } from '../../record/service.js';
import { TEXT, withLang, type Lang } from '../i18n.js';
import { Layout, type LayoutProps } from '../layout.js';
import { INFO_TYPE_TITLES, PAGE_WORDS, RECORD_WORDS } from '../record-words.js';
import { basePath, formatDate, frameOf, type SubjectFrame, fullName, itemPath, MissingSources, RecordShell, SECTION_SLUGS, statusWords, typePath } from './record/common.js';

/**
 * The overview of a record (own or a child's): what is new, each information type with its
 * count, the sources that did not answer, what comes later; and the notices around login. Everything the resident reads here passed the record service (access rules,
 * disclosure rules, audit entry first); the page only arranges it.
 */

type Session = NonNullable<LayoutProps['session']>;


function SubjectSwitch({ lang, current, children }: { lang: Lang; current: string; children: readonly ChildEntry[] }) {
  const w = RECORD_WORDS[lang];
  if (children.length === 0) return null;
  return (
    <nav aria-labelledby="vems">
      <h2 id="vems">{w.whoseRecord}</h2>
      <ul className="plain">
        <li>
          <a href={withLang('/min-journal', lang)} aria-current={current === 'self' ? 'page' : undefined}>{w.ownRecord}</a>
        </li>
        {children.map((c) => {
          const name = fullName(c.givenName, c.familyName);
          const label = c.age !== null ? `${name} (${w.years(c.age)})` : name;
          return (
            <li key={c.handle}>
              {c.allowed ? (
                <a href={withLang(`/min-journal/barn/${c.handle}`, lang)} aria-current={current === c.handle ? 'page' : undefined}>{label}</a>
              ) : (
                <span>
                  {label}: {w.childNotAvailable}. <span className="muted">{c.reason[lang]}</span>
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/** At most this many of the last 30 days' items on the overview; the type pages have the rest. */
export const NEW_ITEMS_SHOWN = 8;

export function OverviewPage({ lang, path, session, overview, children }: { lang: Lang; path: string; session: Session; overview: RecordOverview; children: readonly ChildEntry[] }) {
  const { recent } = overview;
  const w = RECORD_WORDS[lang];
  const p = PAGE_WORDS[lang];
  const names = INFO_TYPE_TITLES[lang];
  const subject = frameOf(overview.subject);
  const handle = overview.subject.handle;
  const title = overview.subject.relation === 'self' ? w.yourRecord : w.childRecord(subject.name);
  return (
    <RecordShell lang={lang} path={path} session={session} subject={subject} current="overview" title={title}>
      <h1>{title}</h1>
      <p>{w.overviewIntro}</p>
      <MissingSources lang={lang} sources={overview.sources} />
      {overview.access.scope === 'careUnits' ? <p className="notice info">{w.accessNote}</p> : null}
      <section aria-labelledby="nytt">
        <h2 id="nytt">{p.newTitle}</h2>
        {recent.items.length === 0 ? (
          <p>{p.newNone}</p>
        ) : (
          <ul>
            {recent.items.map((s) => {
              const status = statusWords(s.item, lang);
              return (
                <li key={s.key}>
                  <a href={withLang(itemPath(handle, s.item.infoType, s.key), lang)}>{s.item.title ?? names[s.item.infoType]}</a>{' '}
                  <span className="muted">
                    ({names[s.item.infoType]}, {formatDate(s.item.time)}, {s.item.careUnit.name ?? s.careProviderName ?? ''}){status.length > 0 ? ` – ${status.join(', ')}` : ''}
                  </span>
                </li>
              );
            })}
            {recent.total > recent.items.length ? <li className="muted">{p.newMore(recent.total - recent.items.length)}</li> : null}
          </ul>
        )}
      </section>
      <div className="scroll">
        <table>
          <caption>{w.typeCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{w.infoType}</th>
              <th scope="col">{w.count}</th>
              <th scope="col">{w.recent}</th>
              <th scope="col">{w.latest}</th>
            </tr>
          </thead>
          <tbody>
            {overview.types.map((t) => (
              <tr key={t.infoType}>
                <th scope="row">
                  <a href={withLang(typePath(handle, t.infoType), lang)}>{names[t.infoType]}</a>
                </th>
                <td>{t.count}</td>
                <td>{t.recent}</td>
                <td>
                  {t.latest ? (
                    <>
                      <a href={withLang(itemPath(handle, t.infoType, t.latest.key), lang)}>{t.latest.item.title ?? names[t.infoType]}</a>{' '}
                      <span className="muted">
                        {formatLongDate(swedishDate(t.latest.item.time), lang)}, {t.latest.item.careUnit.name ?? t.latest.careProviderName ?? ''}
                      </span>
                    </>
                  ) : (
                    <span className="muted">{w.none}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {overview.withheld.length > 0 ? (
        <section aria-labelledby="senare">
          <h2 id="senare">{w.withheldTitle}</h2>
          <p>{w.withheldIntro}</p>
          <ul>
            {overview.withheld.slice(0, 5).map((h, i) => (
              <li key={i}>
                {w.withheldLine(names[h.infoType], h.careProviderName ?? h.region?.name ?? '', formatLongDate(h.visibleFrom, lang))}. <span className="muted">{h.reason[lang]}</span>
              </li>
            ))}
          </ul>
          <p><a href={withLang(`${basePath(handle)}/${SECTION_SLUGS.whyNot}`, lang)}>{p.whyNotTitle}</a></p>
        </section>
      ) : null}
      <SubjectSwitch lang={lang} current={overview.subject.handle} children={children} />
    </RecordShell>
  );
}

/** A short page with a title, text and a way on: refusals, logout, expiry, failures. */
export function NoticePage({ lang, path, title, text, action, status, session }: { lang: Lang; path: string; title: string; text: string; action?: { href: string; label: string }; status?: 'alert'; session?: Session | null }) {
  return (
    <Layout lang={lang} title={title} path={path} session={session ?? null}>
      <h1>{title}</h1>
      <p role={status}>{text}</p>
      {action ? <p><a className="button" href={withLang(action.href, lang)}>{action.label}</a></p> : <p><a href={withLang('/', lang)}>{TEXT[lang].toStart}</a></p>}
    </Layout>
  );
}

/** A notice inside a record's frame (refusals of the resident's own record, "no such item"), so the nav stays. */
export function RecordNoticePage({ lang, path, session, subject, title, text, action, status }: { lang: Lang; path: string; session: Session; subject: SubjectFrame; title: string; text: string; action?: { href: string; label: string }; status?: 'alert' }) {
  return (
    <RecordShell lang={lang} path={path} session={session} subject={subject} current="none" title={title}>
      <h1>{title}</h1>
      <p role={status}>{text}</p>
      {action ? <p><a href={withLang(action.href, lang)}>{action.label}</a></p> : null}
    </RecordShell>
  );
}
