import type { EhrSystemRow, RegionWithSystems, SystemRef } from '../../registry/store.js';
import { TEXT, withLang, type Lang } from '../i18n.js';
import { Layout } from '../layout.js';
import { WORDS } from './systems-map.words.js';

/** Start page: the 21 regions and their record systems, and the systems catalogue. */

const careLevelNames: Record<string, { sv: string; en: string }> = {
  primary: { sv: 'primärvård', en: 'primary care' },
  hospital: { sv: 'sjukhus', en: 'hospital' },
};

function System({ system, lang }: { system: SystemRef | null; lang: Lang }) {
  if (!system) return <span className="muted">{TEXT[lang].noDecision}</span>;
  return <a href={withLang(`/#system-${system.id}`, lang)}>{system.name}</a>;
}

export function RegionsPage({ lang, regions, systems }: { lang: Lang; regions: readonly RegionWithSystems[]; systems: readonly EhrSystemRow[] }) {
  const t = TEXT[lang];
  const byId = new Map(systems.map((s) => [s.id, s]));
  return (
    <Layout lang={lang} title={t.regionsTitle} path="/">
      <h1>{t.regionsTitle}</h1>
      <p>{t.regionsIntro}</p>
      <p><a href={withLang('/journalsystem', lang)}>{WORDS[lang].mapLink}</a></p>
      <div className="scroll" role="region" aria-labelledby="regions-caption" tabIndex={0}>
        <table>
          <caption id="regions-caption">{t.regionsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.countyCode}</th>
              <th scope="col">{t.region}</th>
              <th scope="col">{t.primaryCare}</th>
              <th scope="col">{t.hospitalCare}</th>
              <th scope="col">{t.planned}</th>
              <th scope="col">{t.rules}</th>
            </tr>
          </thead>
          <tbody>
            {regions.map((r) => (
              <tr key={r.code}>
                <td>{r.code}</td>
                <th scope="row">{r.name}</th>
                <td><System system={r.primary} lang={lang} /></td>
                <td><System system={r.hospital} lang={lang} /></td>
                <td><System system={r.planned} lang={lang} /></td>
                <td><a href={withLang(`/regioner/${r.code}`, lang)} aria-label={t.rulesFor(r.name)}>{t.rules}</a></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>{t.systemsTitle}</h2>
      <dl className="systems">
        {systems.map((s) => (
          <div key={s.id} id={`system-${s.id}`}>
            <dt>{s.fullName ? `${s.name} (${s.fullName})` : s.name}</dt>
            <dd>{t.vendor}: {s.vendor}</dd>
            {s.careLevels.length > 0 && (
              <dd>{t.careLevel}: {s.careLevels.map((l) => careLevelNames[l]?.[lang] ?? l).join(', ')}{s.careLevelNote ? ` (${s.careLevelNote})` : ''}</dd>
            )}
            <dd>{t.usedIn}: {s.usedIn}</dd>
            {s.sameAs && <dd>{t.sameAs} <a href={withLang(`/#system-${s.sameAs}`, lang)}>{byId.get(s.sameAs)?.name ?? s.sameAs}</a></dd>}
            {s.history && <dd lang="sv">{s.history}</dd>}
          </div>
        ))}
      </dl>
    </Layout>
  );
}
