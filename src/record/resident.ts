import { readAccessLog, type AccessLogPage } from '../audit/index.js';
import type { Db } from '../db/connection.js';
import type { ViewerChoices } from '../disclosure/policy.js';
import { JournalenError } from '../errors/index.js';
import { listSeals, saveChoices, setAccountSeal } from './protections.js';
import type { RecordService, SubjectRef, Viewer } from './service.js';

/**
 * What a resident does about their own record besides reading it: their choices, the account
 * seal, and reading the access log (their own, or a child's they may read). One place for the
 * pages and the API, so both write the same audit entries and refuse the same things.
 */

export interface SealState {
  readonly account: boolean;
  readonly accountSealedBy: 'resident' | 'care' | null;
  /** Seals care has set on units, providers or periods: how many, not which (that is care's to tell). */
  readonly careSeals: number;
}

export function residentActions(db: Db, records: RecordService) {
  const actor = (viewer: Viewer) => ({ id: viewer.personnummer, role: 'self' as const, name: viewer.name ?? null });
  return {
    choices: (viewer: Viewer): Promise<ViewerChoices> => records.choicesOf(viewer),

    saveChoices: (viewer: Viewer, choices: ViewerChoices): Promise<ViewerChoices> => saveChoices(db, actor(viewer), viewer.personnummer, choices),

    async seals(viewer: Viewer): Promise<SealState> {
      const seals = await listSeals(db, viewer.personnummer);
      const account = seals.find((s) => s.seal.kind === 'account');
      return {
        account: account !== undefined,
        accountSealedBy: account?.seal.setBy ?? null,
        careSeals: seals.filter((s) => s.seal.setBy === 'care' && s.seal.kind !== 'account').length,
      };
    },

    /** FORBIDDEN when care sealed the account: only the care provider can open it. */
    setAccountSeal: (viewer: Viewer, sealed: boolean): Promise<boolean> => setAccountSeal(db, actor(viewer), viewer.personnummer, sealed),

    /**
     * Who has read the record. For a child's record, only while the viewer may read it, and only
     * the guardians' own reads: the child's reads (early own access at 13-15) name units the
     * guardians may not know about, and staff reads are the child's business as much as theirs.
     */
    async accessLog(viewer: Viewer, ref: SubjectRef, page: { limit: number; cursor?: string | null }): Promise<AccessLogPage> {
      if (ref.relation === 'self') return readAccessLog(db, viewer.personnummer, { limit: page.limit, cursor: page.cursor ?? null });
      const { allowed, reason } = await records.subject(viewer, ref);
      if (!allowed) throw new JournalenError('FORBIDDEN', reason.en, { basis: reason.code, sv: reason.sv });
      const subject = await records.subjectNumber(viewer, ref);
      return readAccessLog(db, subject, { limit: page.limit, cursor: page.cursor ?? null, actorRoles: ['guardian'] });
    },
  };
}

export type ResidentActions = ReturnType<typeof residentActions>;
