import type { SourceStatus } from '../../aggregation/fetch-record.js';
import { formatLongDate, swedishDate } from '../../domain/time.js';
import type { ChildEntry, RecordOverview } from '../../record/service.js';
import { TEXT, withLang, type Lang } from '../i18n.js';
import { Layout, type LayoutProps } from '../layout.js';
import { INFO_TYPE_TITLES, RECORD_WORDS } from '../record-words.js';

/**
 * The logged-in pages of issue 4: the overview of a record (own or a child's), and the notices
 * around login. Everything the resident reads here passed the record service (access rules,
 * disclosure rules, audit entry first); the page only arranges it.
 */

type Session = NonNullable<LayoutProps['session']>;

const fullName = (given: string | null, family: string | null) => [given, family].filter(Boolean).join(' ');

/** One notice per source system and region that did not answer (not one per contract). */
export function missingSources(sources: readonly SourceStatus[]): { region: string; system: string; fromCache: boolean }[] {
  const seen = new Map<string, { region: string; system: string; fromCache: boolean }>();
  for (const s of sources) {
    if (s.status === 'answered') continue;
    const system = s.systemName ?? s.logicalAddress;
    for (const region of s.regionNames?.length ? s.regionNames : ['—']) {
      const key = `${region}|${system}`;
      const fromCache = s.status === 'answeredFromCache';
      const before = seen.get(key);
      // A source missing for one contract and cached for another is reported as missing.
      seen.set(key, { region, system, fromCache: before ? before.fromCache && fromCache : fromCache });
    }
  }
  return [...seen.values()];
}

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

export function OverviewPage({ lang, path, session, overview, children }: { lang: Lang; path: string; session: Session; overview: RecordOverview; children: readonly ChildEntry[] }) {
  const w = RECORD_WORDS[lang];
  const names = INFO_TYPE_TITLES[lang];
  const subjectName = fullName(overview.subject.givenName, overview.subject.familyName);
  const title = overview.subject.relation === 'self' ? w.yourRecord : w.childRecord(subjectName);
  const missing = missingSources(overview.sources);
  return (
    <Layout lang={lang} title={title} path={path} session={session}>
      <h1>{title}</h1>
      <p>{w.overviewIntro}</p>
      {missing.length > 0 ? (
        <section className="notice" aria-labelledby="saknas">
          <h2 id="saknas">{w.missingTitle}</h2>
          <ul>
            {missing.map((m) => (
              <li key={`${m.region}|${m.system}`}>{m.fromCache ? w.fromCache(m.region, m.system) : w.missing(m.region, m.system)}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {overview.access.scope === 'careUnits' ? <p className="notice info">{w.accessNote}</p> : null}
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
                <th scope="row">{names[t.infoType]}</th>
                <td>{t.count}</td>
                <td>{t.recent}</td>
                <td>
                  {t.latest ? (
                    <>
                      <span>{t.latest.item.title ?? names[t.infoType]}</span>{' '}
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
            {overview.withheld.slice(0, 50).map((h, i) => (
              <li key={i}>
                {w.withheldLine(names[h.infoType], h.careProviderName ?? h.region?.name ?? '', formatLongDate(h.visibleFrom, lang))}. <span className="muted">{h.reason[lang]}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <SubjectSwitch lang={lang} current={overview.subject.handle} children={children} />
    </Layout>
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
