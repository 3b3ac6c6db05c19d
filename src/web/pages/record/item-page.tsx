import type { ViewerSourceStatus } from '../../../record/service.js';
import { isResultInfoType } from '../../../domain/record.js';
import type { ShownItem } from '../../../record/service.js';
import { withLang, type Lang } from '../../i18n.js';
import { INFO_TYPE_NAMES } from '../../../domain/record.js';
import { INFO_TYPE_TITLES, PAGE_WORDS } from '../../record-words.js';
import { formatDateTime, MissingSources, ProducerText, RecordShell, typePath, type Session, type SubjectFrame } from './common.js';
import { intervalText } from './type-page.js';

/**
 * One item in full: the text as the producer wrote it (escaped by React, line breaks kept by
 * CSS; never markup), who wrote, signed and validated it, where, and its status in words.
 */

// Shown in the facts list already, or plumbing the resident has no use for.
const HIDDEN_ATTRIBUTES = new Set(['performingLabHsaId', 'orderingUnitHsaId', 'careContactStatusCode', 'referralOutcomeTypeCode', 'referralId']);

export function ItemPage({ lang, path, session, subject, shown, sources }: { lang: Lang; path: string; session: Session; subject: SubjectFrame; shown: ShownItem; sources: readonly ViewerSourceStatus[] }) {
  const w = PAGE_WORDS[lang];
  const { item } = shown;
  const typeTitle = INFO_TYPE_TITLES[lang][item.infoType];
  const title = item.title ?? typeTitle;
  const result = isResultInfoType(item.infoType);
  const party = (p: { name?: string; time?: Date } | undefined) => (p ? [p.name, p.time ? formatDateTime(p.time) : undefined].filter(Boolean).join(', ') : '');
  const helps: string[] = [];
  if (item.resultType === 'preliminary') helps.push(w.statusHelpPreliminary);
  else if (!item.signed) helps.push(w.statusHelpUnsigned);
  if (result && item.validated === false) helps.push(w.statusHelpNotValidated);
  const statuses = [
    item.resultType === 'preliminary' ? w.preliminary : item.signed ? w.signed : w.unsigned,
    ...(result ? [item.validated ? w.validated : w.notValidated] : []),
  ];
  const attributes = Object.entries(item.attributes).filter(([k, v]) => !HIDDEN_ATTRIBUTES.has(k) && v !== '');
  return (
    <RecordShell lang={lang} path={path} session={session} subject={subject} current={item.infoType} title={title}>
      <p><a href={withLang(typePath(subject.handle, item.infoType), lang)}>{w.backToList(INFO_TYPE_NAMES[item.infoType][lang])}</a></p>
      <h1>{title}</h1>
      <MissingSources lang={lang} sources={sources} />
      {helps.length > 0 ? (
        <div className="notice">
          {helps.map((h) => (
            <p key={h}>{h}</p>
          ))}
        </div>
      ) : null}
      <h2>{w.details}</h2>
      <dl className="facts">
        <dt>{w.date}</dt>
        <dd>{formatDateTime(item.time)}</dd>
        <dt>{w.status}</dt>
        <dd><strong className={statuses.some((s) => s === w.unsigned || s === w.preliminary || s === w.notValidated) ? 'status' : undefined}>{statuses.join(', ')}</strong>{item.resultType === 'final' ? ` (${w.final.toLowerCase()})` : null}</dd>
        <dt>{w.writtenBy}</dt>
        <dd>{party(item.author) || '–'}</dd>
        <dt>{w.signedBy}</dt>
        <dd>{item.signed ? party(item.signer) || w.signed : w.notSignedYet}</dd>
        {result ? (
          <>
            <dt>{w.validatedBy}</dt>
            <dd>{item.validated ? party(item.validator) || w.validated : w.notValidated}</dd>
          </>
        ) : null}
        <dt>{w.careUnit}</dt>
        <dd>{item.careUnit.name ?? '–'}</dd>
        <dt>{w.careProvider}</dt>
        <dd>{shown.careProviderName ?? item.careGiver.name ?? '–'}</dd>
        <dt>{w.region}</dt>
        <dd>{shown.region?.name ?? '–'}</dd>
        {item.codes.map((c, i) => (
          <div key={`${c.code}-${i}`} style={{ display: 'contents' }}>
            <dt>{w.code}</dt>
            <dd>{[c.code, c.displayName].filter(Boolean).join(' ')}</dd>
          </div>
        ))}
        {item.period?.start || item.period?.end ? (
          <>
            <dt>{w.period}</dt>
            <dd>{`${item.period.start ? formatDateTime(item.period.start) : ''} – ${item.period.end ? formatDateTime(item.period.end) : w.ongoing}`}</dd>
          </>
        ) : null}
      </dl>
      {item.text ? (
        <section aria-labelledby="innehall-text">
          <h2 id="innehall-text">{w.itemText}</h2>
          <ProducerText text={item.text} />
        </section>
      ) : null}
      {item.values.length > 0 ? (
        <div className="scroll">
          <table>
            <caption>{w.values}</caption>
            <thead>
              <tr>
                <th scope="col">{w.analysis}</th>
                <th scope="col">{w.result}</th>
                <th scope="col">{w.unit}</th>
                <th scope="col">{w.referenceInterval}</th>
                <th scope="col">{w.abnormal}</th>
              </tr>
            </thead>
            <tbody>
              {item.values.map((v, i) => (
                <tr key={i}>
                  <th scope="row">{v.name}{v.comment ? <span className="hint">{v.comment}</span> : null}</th>
                  <td className={v.abnormal ? 'abnormal' : undefined}>{v.value ?? ''}</td>
                  <td>{v.unit ?? ''}</td>
                  <td>{v.referenceInterval ? intervalText(v.referenceInterval) : ''}</td>
                  <td>{v.abnormal ? <strong>{w.outside}</strong> : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {attributes.length > 0 ? (
        <section aria-labelledby="mer">
          <h2 id="mer">{w.facts}</h2>
          <dl className="facts">
            {attributes.map(([k, v]) => (
              <div key={k} style={{ display: 'contents' }}>
                <dt>{w.attributeNames[k] ?? k}</dt>
                <dd>{attributeValue(k, v, lang)}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
    </RecordShell>
  );
}

function attributeValue(key: string, value: string, lang: Lang): string {
  const w = PAGE_WORDS[lang];
  if (value === 'true') return w.yes;
  if (value === 'false') return w.no;
  if (key === 'prescriptionStatus') return value === 'Active' ? w.current : value === 'Inactive' ? w.ended : value;
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return formatDateTime(value);
  return value;
}
