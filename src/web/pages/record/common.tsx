import type { ReactNode } from 'react';
import type { ViewerSourceStatus } from '../../../record/service.js';
import { INFO_TYPES, isResultInfoType, type InfoType, type RecordItem } from '../../../domain/record.js';
import { SWEDISH_TIME_ZONE } from '../../../domain/time.js';
import type { SubjectInfo } from '../../../record/service.js';
import { withLang, type Lang } from '../../i18n.js';
import { Layout, type LayoutProps } from '../../layout.js';
import { INFO_TYPE_TITLES, PAGE_WORDS, RECORD_WORDS } from '../../record-words.js';

/**
 * What every page of a record shares: the Swedish slugs of the information types, where a
 * subject's pages live, dates and statuses in words, and the frame with the record's own nav.
 */

export type Session = NonNullable<LayoutProps['session']>;

/** Swedish slugs, ASCII so URLs need no escaping. */
export const TYPE_SLUGS: Record<InfoType, string> = {
  note: 'anteckningar',
  diagnosis: 'diagnoser',
  careContact: 'vardkontakter',
  labResult: 'provsvar',
  imagingResult: 'rontgensvar',
  referralOutcome: 'remissvar',
  medication: 'lakemedel',
  vaccination: 'vaccinationer',
  alert: 'uppmarksamhetsinformation',
};

export const SECTION_SLUGS = { whyNot: 'varfor-ser-jag-inte', accessLog: 'atkomstlogg', settings: 'installningar', print: 'utskrift' } as const;

/** `self` for the resident's own record, else a child's opaque handle. */
export const basePath = (handle: string) => (handle === 'self' ? '/min-journal' : `/min-journal/barn/${handle}`);
export const typePath = (handle: string, type: InfoType) => `${basePath(handle)}/${TYPE_SLUGS[type]}`;
export const itemPath = (handle: string, type: InfoType, key: string) => `${typePath(handle, type)}/post/${key}`;

export const fullName = (given: string | null, family: string | null) => [given, family].filter(Boolean).join(' ');

const dateTimeFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: SWEDISH_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: SWEDISH_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** Dates as 2024-03-05 in both languages: unambiguous, and sorts as it reads. */
export const formatDate = (d: Date | string | undefined): string => (d === undefined ? '' : dateFormat.format(new Date(d)));
export const formatDateTime = (d: Date | string | undefined): string => (d === undefined ? '' : dateTimeFormat.format(new Date(d)));

/** The statuses a resident must be told, in words (never colour only). */
export function statusWords(item: RecordItem, lang: Lang): string[] {
  const w = PAGE_WORDS[lang];
  const out: string[] = [];
  if (item.resultType === 'preliminary') out.push(w.preliminary);
  else if (!item.signed) out.push(w.unsigned);
  if (isResultInfoType(item.infoType) && item.validated === false) out.push(w.notValidated);
  return out;
}

export function StatusCell({ item, lang }: { item: RecordItem; lang: Lang }) {
  const words = statusWords(item, lang);
  return <td>{words.length > 0 ? <strong className="status">{words.join(', ')}</strong> : null}</td>;
}

/** A subject as the frame shows it: whose record, and the name when it is a child's. */
export interface SubjectFrame {
  readonly handle: string;
  readonly relation: SubjectInfo['relation'];
  readonly name: string;
}

export const frameOf = (info: SubjectInfo): SubjectFrame => ({ handle: info.handle, relation: info.relation, name: fullName(info.givenName, info.familyName) });

export type Section = InfoType | 'overview' | 'whyNot' | 'accessLog' | 'settings' | 'none';

/** Extra rules the record pages need beside the layout's: forms, status text, the nav. */
const RECORD_CSS = `
.record-nav ul { list-style:none; padding:0; margin:0 0 1rem; display:flex; flex-wrap:wrap; gap:.25rem .5rem; }
.record-nav a { display:inline-block; padding:.3rem .5rem; border-radius:.3rem; }
.record-nav a[aria-current="page"] { background:var(--accent); color:#fff; font-weight:600; }
.subject { background:var(--band); border-left:4px solid var(--accent); padding:.5rem 1rem; margin:1rem 0; }
form.filters { display:grid; grid-template-columns:repeat(auto-fill,minmax(min(100%,14rem),1fr)); gap:.75rem 1rem; align-items:end; border:1px solid var(--line); border-radius:.5rem; padding:.75rem 1rem 1rem; margin:0 0 1rem; }
form.filters > * { min-width:0; }
form.filters fieldset, fieldset.plain { border:0; padding:0; margin:0; min-width:0; }
label { display:block; font-weight:600; }
.hint { display:block; font-weight:400; color:var(--muted); font-size:.9rem; }
input[type=text], input[type=date], input[type=search], select { font:inherit; width:100%; max-width:100%; padding:.35rem .5rem; border:1px solid #767676; border-radius:.25rem; background:#fff; color:var(--ink); }
input:focus-visible, select:focus-visible { outline:3px solid #1a1a1a; outline-offset:2px; box-shadow:0 0 0 5px #ffd400; }
.check { display:flex; gap:.5rem; align-items:flex-start; margin:.75rem 0 .25rem; }
.check input { width:1.25rem; height:1.25rem; margin-top:.2rem; flex:none; }
.check label { font-weight:600; }
.actions { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:center; }
.pager ul { list-style:none; padding:0; display:flex; flex-wrap:wrap; gap:.5rem 1.5rem; }
.status { color:#8a3b00; }
.abnormal { font-weight:700; }
.pre { white-space:pre-wrap; overflow-wrap:anywhere; max-width:48rem; }
dl.facts { display:grid; grid-template-columns:minmax(8rem,max-content) 1fr; gap:.25rem 1rem; }
dl.facts dt { font-weight:600; }
dl.facts dd { margin:0; overflow-wrap:anywhere; }
@media (max-width: 30rem) { dl.facts { grid-template-columns:1fr; } dl.facts dd { margin-bottom:.5rem; } }
.success { border-left:4px solid #1e6b2f; background:#eef8f0; padding:.75rem 1rem; margin:1rem 0; }
.error { border-left:4px solid #b00020; background:#fdecee; padding:.75rem 1rem; margin:1rem 0; }
td, th { overflow-wrap:break-word; }
/* Long Swedish compounds (Uppmärksamhetsinformation) must break on a 320 px screen. */
h1, h2 { overflow-wrap:anywhere; hyphens:auto; }
`;

/** The record's parts, for the resident and for a guardian reading a child's record. */
export function RecordNav({ lang, subject, current }: { lang: Lang; subject: SubjectFrame; current: Section }) {
  const w = PAGE_WORDS[lang];
  const base = basePath(subject.handle);
  const links: { section: Section | 'print'; href: string; label: string }[] = [
    { section: 'overview', href: base, label: w.overview },
    ...INFO_TYPES.map((t) => ({ section: t, href: typePath(subject.handle, t), label: INFO_TYPE_TITLES[lang][t] })),
    { section: 'whyNot', href: `${base}/${SECTION_SLUGS.whyNot}`, label: w.whyNotNav },
    { section: 'accessLog', href: `${base}/${SECTION_SLUGS.accessLog}`, label: w.accessLog },
    // Settings and printing are the resident's own (the print pages are another part of the service).
    ...(subject.relation === 'self'
      ? [
          { section: 'settings' as const, href: `${base}/${SECTION_SLUGS.settings}`, label: w.settings },
          { section: 'print' as const, href: `${base}/${SECTION_SLUGS.print}`, label: w.print },
        ]
      : []),
  ];
  return (
    <nav aria-label={w.recordNav} className="record-nav">
      <ul>
        {links.map((l) => (
          <li key={l.section}>
            <a href={withLang(l.href, lang)} aria-current={l.section === current ? 'page' : undefined}>{l.label}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Layout plus the record nav and, for a child's record, whose it is. */
export function RecordShell({ lang, path, session, subject, current, title, children }: { lang: Lang; path: string; session: Session; subject: SubjectFrame; current: Section; title: string; children: ReactNode }) {
  const w = PAGE_WORDS[lang];
  return (
    <Layout lang={lang} title={title} path={path} session={session}>
      <style dangerouslySetInnerHTML={{ __html: RECORD_CSS }} />
      <RecordNav lang={lang} subject={subject} current={current} />
      {subject.relation !== 'self' ? (
        <p className="subject">
          {w.recordFor(subject.name || RECORD_WORDS[lang].childNotAvailable)}.{' '}
          <a href={withLang('/min-journal', lang)}>{w.toOwnRecord}</a>
        </p>
      ) : null}
      {children}
    </Layout>
  );
}

/** Producer text as text: React escapes it, and CSS keeps the line breaks. */
export function ProducerText({ text }: { text: string }) {
  return <div className="pre">{text}</div>;
}

/** The region of a source the directory places in none (a national service). */
export const NO_REGION = '—';

export interface MissingSource {
  readonly region: string;
  readonly system: string;
  /** Everything it gave is from the last fetch. */
  readonly fromCache: boolean;
  /** Not answered yet (and nothing failed): shown at the next view. */
  readonly stillAnswering: boolean;
}

/**
 * One notice per source system and region that did not answer (not one per contract). A source
 * failing for one contract is missing; else still answering for one is still answering; else
 * cached.
 */
export function missingSources(sources: readonly ViewerSourceStatus[]): MissingSource[] {
  const rank = { answeredFromCache: 0, pending: 1, missing: 2 } as const;
  const seen = new Map<string, { region: string; system: string; kind: keyof typeof rank }>();
  for (const s of sources) {
    if (s.status === 'answered') continue;
    const system = s.systemName ?? s.logicalAddress;
    const kind = s.status === 'answeredFromCache' || s.status === 'pending' ? s.status : 'missing';
    for (const region of s.regionNames?.length ? s.regionNames : [NO_REGION]) {
      const key = `${region}|${system}`;
      const before = seen.get(key);
      if (!before || rank[kind] > rank[before.kind]) seen.set(key, { region, system, kind });
    }
  }
  return [...seen.values()].map(({ region, system, kind }) => ({ region, system, fromCache: kind === 'answeredFromCache', stillAnswering: kind === 'pending' }));
}

function noticeText(w: (typeof RECORD_WORDS)[Lang], m: MissingSource): string {
  if (m.region === NO_REGION) return m.stillAnswering ? w.stillAnsweringNoRegion(m.system) : m.fromCache ? w.fromCache(m.region, m.system) : w.missingNoRegion(m.system);
  return m.stillAnswering ? w.stillAnswering(m.region, m.system) : m.fromCache ? w.fromCache(m.region, m.system) : w.missing(m.region, m.system);
}

/** The notice naming every source that did not answer, on every page that reads the record. */
export function MissingSources({ lang, sources }: { lang: Lang; sources: readonly ViewerSourceStatus[] }) {
  const w = RECORD_WORDS[lang];
  const missing = missingSources(sources);
  if (missing.length === 0) return null;
  return (
    <section className="notice" aria-labelledby="saknas">
      <h2 id="saknas">{w.missingTitle}</h2>
      <ul>
        {missing.map((m) => (
          <li key={`${m.region}|${m.system}`}>{noticeText(w, m)}</li>
        ))}
      </ul>
    </section>
  );
}
