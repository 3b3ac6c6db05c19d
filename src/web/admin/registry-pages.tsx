import type { Connection } from '../../admin/onboarding/index.js';
import type { RegionWithSystems } from '../../registry/store.js';
import { withLang, type Lang } from '../i18n.js';
import { AdminFrame, ErrorSummary, FieldErrors, fieldId, hasError, OPS_WORDS, type AdminSession, type FieldError } from './operations-frame.js';
import type { SystemOption } from './onboarding-pages.js';

/** Editing the journal systems registry that the public map (/journalsystem) shows. */

const W = {
  sv: {
    title: 'Journalsystem per region',
    intro: 'Vilket journalsystem varje region använder och planerar. Ändringar syns direkt på den publika kartan.',
    caption: 'Regionernas journalsystem',
    region: 'Region',
    primary: 'Primärvård',
    hospital: 'Sjukhus',
    planned: 'Planerat',
    noDecision: 'Inget beslut',
    needs: 'Anslutningar som behövs',
    edit: 'Ändra',
    careLevel: 'Vårdnivå',
    system: 'System',
    note: 'Underlag för ändringen',
    noteHint: 'Till exempel beslut eller upphandling, med datum.',
    connections: 'Producentanslutningar som den planerade ändringen behöver',
    connectionsHint: 'Gäller bara planerat system.',
    save: 'Spara ändringen',
    noConnections: 'Inga anslutningar finns.',
    mapLink: 'Se den publika kartan',
  },
  en: {
    title: 'Journal systems per region',
    intro: 'Which journal system each region uses and plans. Changes show on the public map at once.',
    caption: 'The regions\' journal systems',
    region: 'Region',
    primary: 'Primary care',
    hospital: 'Hospitals',
    planned: 'Planned',
    noDecision: 'No decision',
    needs: 'Connections needed',
    edit: 'Change',
    careLevel: 'Care level',
    system: 'System',
    note: 'Basis for the change',
    noteHint: 'E.g. a decision or procurement, with its date.',
    connections: 'Producer connections the planned change needs',
    connectionsHint: 'For the planned system only.',
    save: 'Save the change',
    noConnections: 'There are no connections.',
    mapLink: 'See the public map',
  },
} as const;

export const registryLabels = (lang: Lang): Record<string, string> => ({ regionCode: W[lang].region, careLevel: W[lang].careLevel, systemId: W[lang].system, note: W[lang].note, connectionIds: W[lang].connections });

export function RegistryPage(props: { lang: Lang; path: string; session: AdminSession; regions: readonly RegionWithSystems[]; systems: readonly SystemOption[]; connections: readonly Connection[]; needs: ReadonlyMap<string, readonly number[]>; canWrite: boolean; form: Readonly<Record<string, string | readonly string[]>>; errors: readonly FieldError[] }) {
  const { lang, path, session, regions, systems, connections, needs, canWrite, form, errors } = props;
  const w = W[lang];
  const v = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : '');
  const chosen = new Set(typeof form.connectionIds === 'string' ? [form.connectionIds] : ((form.connectionIds as readonly string[] | undefined) ?? []));
  return (
    <AdminFrame lang={lang} title={w.title} path={path} session={session}>
      <h1>{w.title}</h1>
      <p>{w.intro} <a href={withLang('/journalsystem', lang)}>{w.mapLink}</a></p>
      <div className="scroll">
        <table>
          <caption>{w.caption}</caption>
          <thead><tr><th scope="col">{w.region}</th><th scope="col">{w.primary}</th><th scope="col">{w.hospital}</th><th scope="col">{w.planned}</th><th scope="col">{w.needs}</th></tr></thead>
          <tbody>
            {regions.map((r) => (
              <tr key={r.code}>
                <th scope="row">{r.name}</th>
                <td>{r.primary?.name ?? '–'}</td>
                <td>{r.hospital?.name ?? '–'}</td>
                <td>{r.planned?.name ?? w.noDecision}</td>
                <td>{(needs.get(r.code) ?? []).map((id, i) => <span key={id}>{i > 0 ? ', ' : ''}<a href={withLang(`/admin/anslutningar/${id}`, lang)}>{`#${id}`}</a></span>)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!canWrite ? <p className="notice info">{OPS_WORDS[lang].readOnly}</p> : (
        <section aria-labelledby="edit-registry">
          <h2 id="edit-registry">{w.edit}</h2>
          <ErrorSummary lang={lang} errors={errors} labels={registryLabels(lang)} />
          <form method="post" action={withLang('/admin/journalsystem', lang)} className="stack" noValidate>
            <input type="hidden" name="_csrf" value={session.csrf} />
            <div>
              <label htmlFor={fieldId('regionCode')}>{w.region}</label>
              <FieldErrors errors={errors} field="regionCode" />
              <select id={fieldId('regionCode')} name="regionCode" defaultValue={v('regionCode')}>
                {regions.map((r) => <option key={r.code} value={r.code}>{r.name}</option>)}
              </select>
            </div>
            <div>
              <label htmlFor={fieldId('careLevel')}>{w.careLevel}</label>
              <FieldErrors errors={errors} field="careLevel" />
              <select id={fieldId('careLevel')} name="careLevel" defaultValue={v('careLevel') || 'planned'}>
                <option value="primary">{w.primary}</option>
                <option value="hospital">{w.hospital}</option>
                <option value="planned">{w.planned}</option>
              </select>
            </div>
            <div>
              <label htmlFor={fieldId('systemId')}>{w.system}</label>
              <FieldErrors errors={errors} field="systemId" />
              <select id={fieldId('systemId')} name="systemId" defaultValue={v('systemId')} aria-invalid={hasError(errors, 'systemId') || undefined}>
                <option value="">{w.noDecision}</option>
                {systems.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
              </select>
            </div>
            <div>
              <label htmlFor={fieldId('note')}>{w.note}</label>
              <p className="hint" id={`${fieldId('note')}-hint`}>{w.noteHint}</p>
              <FieldErrors errors={errors} field="note" />
              <textarea id={fieldId('note')} name="note" rows={2} defaultValue={v('note')} aria-describedby={`${fieldId('note')}-hint`} aria-invalid={hasError(errors, 'note') || undefined} />
            </div>
            <fieldset>
              <legend id={fieldId('connectionIds')} tabIndex={-1}>{w.connections}</legend>
              <p className="hint">{w.connectionsHint}</p>
              <FieldErrors errors={errors} field="connectionIds" />
              {connections.length === 0 ? <p>{w.noConnections}</p> : (
                <div className="checks">
                  {connections.map((c) => (
                    <div key={c.id}>
                      <input type="checkbox" id={`conn-${c.id}`} name="connectionIds" value={String(c.id)} defaultChecked={chosen.has(String(c.id))} />{' '}
                      <label htmlFor={`conn-${c.id}`}>{`#${c.id} ${c.sourceSystemName ?? c.sourceSystemId ?? ''} (${c.logicalAddress})`}</label>
                    </div>
                  ))}
                </div>
              )}
            </fieldset>
            <p><button type="submit">{w.save}</button></p>
          </form>
        </section>
      )}
    </AdminFrame>
  );
}
