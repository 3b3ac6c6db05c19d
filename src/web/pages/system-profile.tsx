import type { RegistrySource } from '../../db/schema.js';
import type { EhrSystemRow, RegionWithSystems } from '../../registry/store.js';
import { withLang, type Lang } from '../i18n.js';
import { Layout } from '../layout.js';
import { systemStyle } from '../map/palette.js';
import { regionSeedSource, systemUse } from '../map/systems-view.js';
import { PAGE_CSS, SystemLink } from './systems-map.js';
import { WORDS } from './systems-map.words.js';

/**
 * One EHR system: what seed 000 says about it, and which regions use it today and plan to,
 * each with the seed line it rests on.
 */

function SourceLine({ source, lang }: { source: RegistrySource; lang: Lang }) {
  const w = WORDS[lang];
  if ('note' in source) return <p className="cite">{w.operatorNote(source.note)}</p>;
  return (
    <figure style={{ margin: '0 0 .75rem' }}>
      <blockquote lang="sv">{`”${source.quote}”`}</blockquote>
      <figcaption className="muted cite">{w.seedLine(source.document, source.line)}</figcaption>
    </figure>
  );
}

function RegionList({ regions, lang }: { regions: readonly RegionWithSystems[]; lang: Lang }) {
  const w = WORDS[lang];
  if (regions.length === 0) return <p>{w.noRegions}</p>;
  return (
    <ul>
      {regions.map((r) => {
        const source = regionSeedSource(r);
        return (
          <li key={r.code} data-region={r.code}>
            <a href={withLang(`/regioner/${r.code}`, lang)}>{r.name}</a>{' '}
            <span className="muted cite">{`(${source ? w.seedLine(source.document, source.line) : w.changedInRegistry})`}</span>
          </li>
        );
      })}
    </ul>
  );
}

export function SystemProfilePage({ lang, system, systems, regions }: { lang: Lang; system: EhrSystemRow; systems: readonly EhrSystemRow[]; regions: readonly RegionWithSystems[] }) {
  const w = WORDS[lang];
  const use = systemUse(regions, system.id);
  const sameAs = system.sameAs ? systems.find((s) => s.id === system.sameAs) : undefined;
  const aliases = systems.filter((s) => s.sameAs === system.id);
  const style = systemStyle(system.id, system.name);
  const title = w.profileTitle(system.name);
  return (
    <Layout lang={lang} title={title} path={`/journalsystem/${encodeURIComponent(system.id)}`}>
      <style href="journalen-systems-map" precedence="default">{PAGE_CSS}</style>
      <p><a href={withLang('/journalsystem', lang)}>{`← ${w.backToMap}`}</a></p>
      <h1>
        <span className="swatch" style={{ background: style.colour, marginRight: '.5rem', verticalAlign: 'middle' }} aria-hidden="true">{style.label}</span>
        {title}
      </h1>
      <dl className="facts">
        {system.fullName && <div><dt>{w.fullName}</dt><dd>{system.fullName}</dd></div>}
        <div><dt>{w.vendor}</dt><dd>{system.vendor}</dd></div>
        <div>
          <dt>{w.careLevel}</dt>
          <dd>
            {system.careLevels.length > 0 ? system.careLevels.map((l) => w.careLevels[l] ?? l).join(', ') : w.notStated}
            {system.careLevelNote ? <span lang="sv"> ({system.careLevelNote})</span> : null}
          </dd>
        </div>
        <div><dt>{w.usedIn}</dt><dd lang="sv">{system.usedIn}</dd></div>
        {sameAs && <div><dt>{w.sameAs}</dt><dd><SystemLink system={sameAs} lang={lang} /></dd></div>}
        {aliases.length > 0 && (
          <div>
            <dt>{w.alsoCalled}</dt>
            <dd>
              {aliases.map((a, i) => (
                <span key={a.id}>{i > 0 ? ', ' : ''}<SystemLink system={a} lang={lang} /></span>
              ))}
            </dd>
          </div>
        )}
      </dl>
      {system.history && (
        <>
          <h2>{w.history}</h2>
          <p lang="sv">{system.history}</p>
        </>
      )}

      <h2>{w.useTitle}</h2>
      <p>{w.useIntro}</p>
      <h3>{`${w.usePrimary} (${use.primary.length})`}</h3>
      <RegionList regions={use.primary} lang={lang} />
      <h3>{`${w.useHospital} (${use.hospital.length})`}</h3>
      <RegionList regions={use.hospital} lang={lang} />
      <h3>{`${w.usePlanned} (${use.planned.length})`}</h3>
      <RegionList regions={use.planned} lang={lang} />

      <h2>{w.sourcesTitle}</h2>
      {system.sources.map((s, i) => (
        <SourceLine key={i} source={s} lang={lang} />
      ))}
    </Layout>
  );
}
