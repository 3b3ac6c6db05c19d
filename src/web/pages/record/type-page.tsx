import type { ReactNode } from 'react';
import type { ViewerSourceStatus } from '../../../record/service.js';
import type { InfoType } from '../../../domain/record.js';
import type { ShownItem } from '../../../record/service.js';
import { withLang, type Lang } from '../../i18n.js';
import { INFO_TYPE_TITLES, PAGE_WORDS } from '../../record-words.js';
import { formatDate, itemPath, MissingSources, RecordShell, StatusCell, typePath, type Session, type SubjectFrame } from './common.js';

/**
 * One information type of a record as a table, newest first, with the filters (a GET form, so
 * it works without JavaScript and the URL can be kept) and paging by links.
 */

/** The list's query as typed by the resident, echoed back into the form. */
export interface ListQuery {
  readonly from: string;
  readonly to: string;
  readonly unit: string;
  readonly region: string;
  readonly noteType: string;
  readonly q: string;
  readonly page: number;
}

export const LIST_PARAMS = { from: 'fran', to: 'till', unit: 'enhet', region: 'region', noteType: 'typ', q: 'sok', page: 'sida' } as const;

export interface Option {
  readonly value: string;
  readonly label: string;
}

export interface TypePageProps {
  readonly lang: Lang;
  readonly path: string;
  readonly session: Session;
  readonly subject: SubjectFrame;
  readonly type: InfoType;
  readonly items: readonly ShownItem[];
  readonly total: number;
  readonly query: ListQuery;
  readonly pageCount: number;
  readonly pageSize: number;
  readonly options: { readonly units: readonly Option[]; readonly regions: readonly Option[]; readonly noteTypes: readonly Option[] };
  readonly errors: readonly { field: keyof ListQuery; message: string }[];
  readonly sources: readonly ViewerSourceStatus[];
}

/** The list's URL with the same filters and another page. */
export function listHref(base: string, query: ListQuery, page: number, lang: Lang): string {
  const params = new URLSearchParams();
  for (const key of ['from', 'to', 'unit', 'region', 'noteType', 'q'] as const) if (query[key] !== '') params.set(LIST_PARAMS[key], query[key]);
  if (page > 1) params.set(LIST_PARAMS.page, String(page));
  if (lang !== 'sv') params.set('lang', lang);
  const search = params.toString();
  return search ? `${base}?${search}` : base;
}

interface Column {
  readonly header: string;
  readonly cell: (s: ShownItem) => ReactNode;
}

export function TypePage(props: TypePageProps) {
  const { lang, subject, type, items, total, query, pageCount, pageSize } = props;
  const w = PAGE_WORDS[lang];
  const title = INFO_TYPE_TITLES[lang][type];
  const base = typePath(subject.handle, type);
  const first = (query.page - 1) * pageSize + 1;
  const filtered = ['from', 'to', 'unit', 'region', 'noteType', 'q'].some((k) => query[k as keyof ListQuery] !== '');
  return (
    <RecordShell lang={lang} path={props.path} session={props.session} subject={subject} current={type} title={title}>
      <h1>{title}</h1>
      <MissingSources lang={lang} sources={props.sources} />
      <Filters {...props} base={base} filtered={filtered} />
      {total === 0 && !filtered ? (
        <p>{w.noneAtAll}</p>
      ) : total === 0 ? (
        <p role="status">{w.noneFound}</p>
      ) : (
        <>
          <p role="status">{w.showing(first, first + items.length - 1, total)}</p>
          {type === 'labResult' ? <LabTable {...props} /> : <ItemTable {...props} title={title} />}
          <Pager lang={lang} base={base} query={query} pageCount={pageCount} />
        </>
      )}
    </RecordShell>
  );
}

function Filters({ lang, type, query, options, errors, base, filtered }: TypePageProps & { base: string; filtered: boolean }) {
  const w = PAGE_WORDS[lang];
  const errorOf = (field: keyof ListQuery) => errors.find((e) => e.field === field);
  const described = (field: keyof ListQuery, hint?: string) => {
    const ids = [hint, errorOf(field) ? `fel-${field}` : undefined].filter(Boolean).join(' ');
    return { ...(ids ? { 'aria-describedby': ids } : {}), ...(errorOf(field) ? { 'aria-invalid': true as const } : {}) };
  };
  const select = (field: 'unit' | 'region' | 'noteType', label: string, list: readonly Option[]) => (
    <div>
      <label htmlFor={`f-${field}`}>{label}</label>
      <select id={`f-${field}`} name={LIST_PARAMS[field]} defaultValue={query[field]}>
        <option value="">{w.all}</option>
        {list.map((o) => (
          <option key={o.value} value={o.value}>{o.label}</option>
        ))}
      </select>
    </div>
  );
  return (
    <>
      {errors.length > 0 ? (
        <div className="error" role="alert">
          <ul>
            {errors.map((e) => (
              <li key={e.field} id={`fel-${e.field}`}>{e.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <form method="get" action={base} className="filters" aria-labelledby="filter-rubrik" role="search">
        <h2 id="filter-rubrik" style={{ gridColumn: '1 / -1', margin: 0 }}>{w.filterTitle}</h2>
        {lang !== 'sv' ? <input type="hidden" name="lang" value={lang} /> : null}
        <div>
          <label htmlFor="f-from">{w.from} <span className="hint" id="h-from">{w.dateHint}</span></label>
          <input type="date" id="f-from" name={LIST_PARAMS.from} defaultValue={query.from} {...described('from', 'h-from')} />
        </div>
        <div>
          <label htmlFor="f-to">{w.to} <span className="hint" id="h-to">{w.dateHint}</span></label>
          <input type="date" id="f-to" name={LIST_PARAMS.to} defaultValue={query.to} {...described('to', 'h-to')} />
        </div>
        {select('unit', w.careUnit, options.units)}
        {select('region', w.region, options.regions)}
        {type === 'note' && options.noteTypes.length > 0 ? select('noteType', w.noteType, options.noteTypes) : null}
        <div>
          <label htmlFor="f-q">{w.search}</label>
          <input type="search" id="f-q" name={LIST_PARAMS.q} defaultValue={query.q} maxLength={200} />
        </div>
        <div className="actions">
          <button type="submit">{w.filterButton}</button>
          {filtered ? <a href={withLang(base, lang)}>{w.clearFilters}</a> : null}
        </div>
      </form>
    </>
  );
}

function columnsFor(type: Exclude<InfoType, 'labResult'>, lang: Lang, link: (s: ShownItem, label: string) => ReactNode): Column[] {
  const w = PAGE_WORDS[lang];
  const unit: Column = { header: w.careUnit, cell: (s) => s.item.careUnit.name ?? s.careProviderName ?? '' };
  const region: Column = { header: w.region, cell: (s) => s.region?.name ?? '' };
  const date: Column = { header: w.date, cell: (s) => formatDate(s.item.time) };
  const attr = (key: string) => (s: ShownItem) => s.item.attributes[key] ?? '';
  const firstCode = (s: ShownItem) => s.item.codes[0];
  switch (type) {
    case 'note':
      return [date, { header: w.title, cell: (s) => link(s, s.item.title ?? INFO_TYPE_TITLES[lang].note) }, { header: w.noteType, cell: (s) => firstCode(s)?.displayName ?? '' }, unit, region];
    case 'diagnosis':
      return [date, { header: w.diagnosis, cell: (s) => link(s, s.item.title ?? firstCode(s)?.displayName ?? firstCode(s)?.code ?? '') }, { header: w.code, cell: (s) => firstCode(s)?.code ?? '' }, { header: w.diagnosisType, cell: attr('typeOfDiagnosis') }, unit, region];
    case 'careContact':
      return [
        { header: w.period, cell: (s) => periodText(s, lang, false) },
        { header: w.contactType, cell: (s) => link(s, s.item.title ?? INFO_TYPE_TITLES[lang].careContact) },
        { header: w.reason, cell: attr('careContactReason') },
        unit,
        region,
      ];
    case 'imagingResult':
      return [date, { header: w.examination, cell: (s) => link(s, s.item.title ?? '') }, { header: w.modality, cell: attr('modality') }, { header: w.question, cell: attr('question') }, unit, region];
    case 'referralOutcome':
      return [date, { header: w.answer, cell: (s) => link(s, s.item.title ?? '') }, { header: w.question, cell: attr('referralReason') }, { header: w.orderingUnit, cell: attr('orderingUnit') }, unit, region];
    case 'medication':
      return [
        { header: w.medicine, cell: (s) => link(s, s.item.title ?? firstCode(s)?.displayName ?? '') },
        { header: w.atc, cell: (s) => (firstCode(s) ? [firstCode(s)!.code, firstCode(s)!.displayName].filter(Boolean).join(' ') : '') },
        { header: w.dosage, cell: attr('dosage') },
        { header: w.period, cell: (s) => periodText(s, lang, true) },
        { header: w.status, cell: (s) => prescriptionStatus(s, lang) },
        unit,
      ];
    case 'vaccination':
      return [date, { header: w.vaccine, cell: (s) => link(s, s.item.title ?? '') }, { header: w.disease, cell: attr('disease') }, { header: w.dose, cell: attr('doseNumber') }, { header: w.program, cell: attr('vaccinationProgram') }, unit];
    case 'alert':
      return [date, { header: w.title, cell: (s) => link(s, s.item.title ?? '') }, { header: w.alertType, cell: attr('typeOfAlertInformation') }, { header: w.severity, cell: attr('severity') }, unit, region];
  }
}

function periodText(s: ShownItem, lang: Lang, openEnded: boolean): string {
  const start = s.item.period?.start ?? s.item.time;
  const end = s.item.period?.end;
  if (end) return `${formatDate(start)} – ${formatDate(end)}`;
  return openEnded ? `${formatDate(start)} – ${PAGE_WORDS[lang].ongoing}` : formatDate(start);
}

function prescriptionStatus(s: ShownItem, lang: Lang): string {
  const w = PAGE_WORDS[lang];
  const status = s.item.attributes.prescriptionStatus;
  if (status === 'Active') return w.current;
  if (status === 'Inactive') return w.ended;
  return status ?? '';
}

function ItemTable({ lang, subject, type, items, title }: TypePageProps & { title: string }) {
  const w = PAGE_WORDS[lang];
  const link = (s: ShownItem, label: string) => <a href={withLang(itemPath(subject.handle, s.item.infoType, s.key), lang)}>{label || w.details}</a>;
  const columns = columnsFor(type as Exclude<InfoType, 'labResult'>, lang, link);
  return (
    <div className="scroll">
      <table>
        <caption>{title}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c.header}>{c.header}</th>
            ))}
            <th scope="col">{w.status}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.key}>
              {columns.map((c) => (
                <td key={c.header}>{c.cell(s)}</td>
              ))}
              <StatusCell item={s.item} lang={lang} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One row per analysis; the analysis name leads to its values over time (the chart pages). */
function LabTable({ lang, subject, items }: TypePageProps) {
  const w = PAGE_WORDS[lang];
  const base = typePath(subject.handle, 'labResult');
  return (
    <div className="scroll">
      <table>
        <caption>{INFO_TYPE_TITLES[lang].labResult}</caption>
        <thead>
          <tr>
            <th scope="col">{w.date}</th>
            <th scope="col">{w.analysis}</th>
            <th scope="col">{w.result}</th>
            <th scope="col">{w.unit}</th>
            <th scope="col">{w.referenceInterval}</th>
            <th scope="col">{w.abnormal}</th>
            <th scope="col">{w.answer}</th>
            <th scope="col">{w.status}</th>
          </tr>
        </thead>
        <tbody>
          {items.flatMap((s) => {
            const answer = <a href={withLang(itemPath(subject.handle, 'labResult', s.key), lang)}>{s.item.title ?? w.details}</a>;
            const values = s.item.values.length > 0 ? s.item.values : [null];
            return values.map((v, i) => (
              <tr key={`${s.key}-${i}`}>
                <td>{formatDate(s.item.time)}</td>
                <td>{v ? <a href={withLang(`${base}/analys/${encodeURIComponent(v.code?.code ?? v.name)}`, lang)}>{v.name}</a> : ''}</td>
                <td className={v?.abnormal ? 'abnormal' : undefined}>{v?.value ?? ''}</td>
                <td>{v?.unit ?? ''}</td>
                <td>{v?.referenceInterval ? intervalText(v.referenceInterval) : ''}</td>
                <td>{v?.abnormal ? <strong>{w.outside}</strong> : ''}</td>
                <td>{answer}</td>
                <StatusCell item={s.item} lang={lang} />
              </tr>
            ));
          })}
        </tbody>
      </table>
    </div>
  );
}

export function intervalText(r: { low?: number; high?: number; text?: string }): string {
  if (r.text) return r.text;
  const num = (n: number) => String(n).replace('.', ',');
  if (r.low !== undefined && r.high !== undefined) return `${num(r.low)}–${num(r.high)}`;
  if (r.high !== undefined) return `< ${num(r.high)}`;
  if (r.low !== undefined) return `> ${num(r.low)}`;
  return '';
}

function Pager({ lang, base, query, pageCount }: { lang: Lang; base: string; query: ListQuery; pageCount: number }) {
  const w = PAGE_WORDS[lang];
  if (pageCount <= 1) return null;
  return (
    <nav aria-label={w.paging} className="pager">
      <ul>
        {query.page > 1 ? <li><a href={listHref(base, query, query.page - 1, lang)} rel="prev">{w.previous}</a></li> : null}
        <li aria-current="page">{w.pageOf(query.page, pageCount)}</li>
        {query.page < pageCount ? <li><a href={listHref(base, query, query.page + 1, lang)} rel="next">{w.next}</a></li> : null}
      </ul>
    </nav>
  );
}
