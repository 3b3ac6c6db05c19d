import type { ViewerChoices } from '../../../disclosure/policy.js';
import { withLang, type Lang } from '../../i18n.js';
import { PAGE_WORDS } from '../../record-words.js';
import { RecordShell, SECTION_SLUGS, type Session, type SubjectFrame } from './common.js';

/**
 * The resident's settings: the two choices of the rules, and sealing the account. Every change
 * is a POST with the CSRF token, answered by a redirect (so reloading never posts again).
 */

export interface SealState {
  readonly account: boolean;
  readonly accountSealedBy: 'resident' | 'care' | null;
  readonly careSeals: number;
}

export const SETTINGS_PATH = `/min-journal/${SECTION_SLUGS.settings}`;
export const CHOICES_PATH = `${SETTINGS_PATH}/val`;
export const SEAL_PATH = `${SETTINGS_PATH}/forsegling`;
export const SEAL_CONFIRM_PATH = `${SETTINGS_PATH}/forsegla`;

export type SettingsMessage = 'saved' | 'sealed' | 'unsealed';

export function SettingsPage({ lang, path, session, subject, choices, seals, message, error }: { lang: Lang; path: string; session: Session; subject: SubjectFrame; choices: ViewerChoices; seals: SealState; message: SettingsMessage | null; error: string | null }) {
  const w = PAGE_WORDS[lang];
  const success = message === 'saved' ? w.saved : message === 'sealed' ? w.sealedNow : message === 'unsealed' ? w.unsealed : null;
  return (
    <RecordShell lang={lang} path={path} session={session} subject={subject} current="settings" title={w.settings}>
      <h1>{w.settings}</h1>
      {success ? <p className="success" role="status">{success}</p> : null}
      {error ? <p className="error" role="alert">{error}</p> : null}
      <p>{w.settingsIntro}</p>
      <form method="post" action={withLang(CHOICES_PATH, lang)} aria-labelledby="val-rubrik">
        <h2 id="val-rubrik">{w.choicesTitle}</h2>
        <input type="hidden" name="_csrf" value={session.csrf} />
        <div className="check">
          <input type="checkbox" id="visa-osignerade" name="visaOsignerade" value="ja" defaultChecked={choices.showUnsigned} aria-describedby="visa-osignerade-hjalp" />
          <label htmlFor="visa-osignerade">{w.showUnsignedLabel}</label>
        </div>
        <p className="hint" id="visa-osignerade-hjalp">{w.showUnsignedHelp}</p>
        <div className="check">
          <input type="checkbox" id="dolj-nya" name="doljNya" value="ja" defaultChecked={choices.hideRecent} aria-describedby="dolj-nya-hjalp" />
          <label htmlFor="dolj-nya">{w.hideRecentLabel}</label>
        </div>
        <p className="hint" id="dolj-nya-hjalp">{w.hideRecentHelp}</p>
        <p><button type="submit">{w.save}</button></p>
      </form>
      <section aria-labelledby="forsegla-rubrik">
        <h2 id="forsegla-rubrik">{w.sealTitle}</h2>
        {seals.careSeals > 0 ? <p>{w.careSeals(seals.careSeals)}</p> : null}
        {seals.account && seals.accountSealedBy === 'care' ? (
          <p className="notice">{w.sealedByCare}</p>
        ) : seals.account ? (
          <form method="post" action={withLang(SEAL_PATH, lang)}>
            <p className="notice">{w.sealed}</p>
            <input type="hidden" name="_csrf" value={session.csrf} />
            <input type="hidden" name="forseglad" value="nej" />
            <p><button type="submit">{w.unsealButton}</button></p>
          </form>
        ) : (
          <>
            <p>{w.sealIntro}</p>
            <p><a className="button" href={withLang(SEAL_CONFIRM_PATH, lang)}>{w.sealButton}</a></p>
          </>
        )}
      </section>
    </RecordShell>
  );
}

/** The confirmation step: sealing hides the whole record, so it takes a ticked box to do. */
export function SealConfirmPage({ lang, path, session, subject, error }: { lang: Lang; path: string; session: Session; subject: SubjectFrame; error: string | null }) {
  const w = PAGE_WORDS[lang];
  return (
    <RecordShell lang={lang} path={path} session={session} subject={subject} current="settings" title={w.confirmTitle}>
      <h1>{w.confirmTitle}</h1>
      {error ? <p className="error" role="alert" id="bekrafta-fel">{error}</p> : null}
      <p>{w.sealIntro}</p>
      <p>{w.confirmText}</p>
      <form method="post" action={withLang(SEAL_PATH, lang)}>
        <input type="hidden" name="_csrf" value={session.csrf} />
        <input type="hidden" name="forseglad" value="ja" />
        <div className="check">
          <input type="checkbox" id="bekrafta" name="bekrafta" value="ja" required {...(error ? { 'aria-invalid': true, 'aria-describedby': 'bekrafta-fel' } : {})} />
          <label htmlFor="bekrafta">{w.confirmCheck}</label>
        </div>
        <p className="actions">
          <button type="submit">{w.confirmButton}</button>
          <a href={withLang(SETTINGS_PATH, lang)}>{w.cancel}</a>
        </p>
      </form>
    </RecordShell>
  );
}
