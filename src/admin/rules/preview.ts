import { enrich } from '../../record/service.js';
import { withAudit, type AuditActor } from '../../audit/index.js';
import type { AggregatedRecord, RecordQuery, SourceStatus } from '../../aggregation/fetch-record.js';
import type { Db } from '../../db/connection.js';
import { evaluate, type Decision } from '../../disclosure/engine.js';
import type { DisclosurePolicy } from '../../disclosure/policy.js';
import { tryParsePersonalIdentity } from '../../domain/identifiers/index.js';
import { INFO_TYPES, type RecordItem } from '../../domain/record.js';
import { region as regionOf, type RegionCode } from '../../domain/regions.js';
import { fromSwedishWallClock, type IsoDate } from '../../domain/time.js';
import { JOURNALEN_HSA_ID } from '../../engagement-index/engagement.js';
import { JournalenError } from '../../errors/index.js';
import { loadCareDirectory, type CareDirectory } from '../../record/directory.js';
import { loadChoices, loadProtections } from '../../record/protections.js';
import { itemAccess, type AccessDecision } from '../../access/policy.js';
import type { PopulationRegister } from '../../access/register.js';
import { policyInForce } from '../../registry/policies.js';
import { diffPolicies, type ClauseChange } from './diff.js';
import { validatePolicy } from './schema.js';

/**
 * "What would resident P see on date D under this draft?" The resident's record is gathered live
 * from the sources, as the record service gathers it; the items of the region's care providers
 * are run through the engine twice, under the rules in force on D and under the draft, and the
 * items whose fate differs are listed with both reasons.
 *
 * This is a read of a resident's record by an administrator: the audit entry naming who, whose
 * and why is committed before anything is returned, and nothing is returned if it cannot be.
 * The access rules (age, seals, guardianship) are not applied: the question is about the care
 * provider's disclosure rules, which apply the same to everyone who may read the record.
 */

export interface PreviewDeps {
  readonly db: Db;
  readonly aggregate: (query: RecordQuery) => Promise<AggregatedRecord>;
  /** The population register: a preview never reads the record of someone protected or deceased. */
  readonly register: PopulationRegister;
  /** Default: read fresh from the database. */
  readonly directory?: () => Promise<CareDirectory>;
}

export interface PreviewInput {
  readonly actor: AuditActor;
  readonly regionCode: RegionCode;
  /** As typed; normalized here. */
  readonly personnummer: string;
  readonly date: IsoDate;
  readonly draft: unknown;
  /** What the draft is, for the audit entry ("edit form", "version 4"). */
  readonly draftLabel?: string;
}

export interface PreviewItem {
  readonly item: RecordItem;
  readonly careProviderName: string | null;
  readonly inForce: Decision;
  readonly draft: Decision;
}

export interface PreviewResult {
  readonly regionCode: RegionCode;
  readonly date: IsoDate;
  readonly inForceVersion: number | null;
  readonly changes: readonly ClauseChange[];
  /** Items of the region's care providers in the record. */
  readonly items: number;
  readonly shownInForce: number;
  readonly shownDraft: number;
  /** Hidden under the rules in force, shown under the draft. */
  readonly newlyShown: readonly PreviewItem[];
  /** Shown under the rules in force, hidden under the draft. */
  readonly newlyHidden: readonly PreviewItem[];
  /** Hidden under both, but until a different date (or for a different reason). */
  readonly otherwiseChanged: readonly PreviewItem[];
  readonly sources: readonly SourceStatus[];
}

export async function previewDraft(deps: PreviewDeps, input: PreviewInput): Promise<PreviewResult> {
  const parsed = tryParsePersonalIdentity(input.personnummer);
  if (!parsed.ok) throw new JournalenError('INPUT_INVALID', `personnummer: ${parsed.error.message}`, { field: 'personnummer' });
  const subject = parsed.value.normalized;
  const draft = validatePolicy(input.draft, 'draft');
  if (draft.regionCode !== input.regionCode) {
    throw new JournalenError('INPUT_INVALID', `draft.regionCode must be ${input.regionCode}`, { field: 'draft.regionCode' });
  }
  const [y, m, d] = input.date.split('-').map(Number) as [number, number, number];
  // Midday: well inside the Swedish calendar day D, whatever the rules' times of day.
  const at = fromSwedishWallClock(y, m, d, 12);

  // What protects the record protects it from administrators too: protected identity, death and
  // an account seal refuse the preview; care's seals of units, providers and periods hide items.
  const [person, protections] = await Promise.all([deps.register.person(subject), loadProtections(deps.db, subject)]);
  if (!person || person.protectedIdentity || person.deceasedOn !== undefined || protections.seals.some((x) => x.kind === 'account')) {
    throw new JournalenError('FORBIDDEN', 'this resident\'s record cannot be previewed (unknown, protected, deceased or sealed)', {
      sv: 'Den här invånarens journal kan inte förhandsgranskas (okänd, skyddad, avliden eller förseglad).',
    });
  }
  const reading: AccessDecision = { allowed: true, scope: 'whole', subject, relation: 'self', reason: { code: 'OWN_RECORD', sv: '', en: '' }, basis: 'OWN_RECORD' };

  const [inForce, record, dir, choices] = await Promise.all([
    policyInForce(deps.db, input.regionCode, at),
    deps.aggregate({ patientId: subject, infoTypes: INFO_TYPES, consumerHsaId: JOURNALEN_HSA_ID }),
    (deps.directory ?? (() => loadCareDirectory(deps.db)))(),
    loadChoices(deps.db, subject),
  ]);

  const newlyShown: PreviewItem[] = [];
  const newlyHidden: PreviewItem[] = [];
  const otherwiseChanged: PreviewItem[] = [];
  let items = 0;
  let shownInForce = 0;
  let shownDraft = 0;
  for (const raw of record.items) {
    const provider = dir.provider(raw.careGiver.hsaId);
    if (provider?.regionCode !== input.regionCode) continue;
    const item = enrich(raw, dir);
    if (!itemAccess(reading, item, protections.seals).allowed) continue;
    items++;
    // No valid rules in force means nothing of the region is shown today (the record service's rule).
    const before: Decision = inForce ? evaluate(item, inForce.policy, choices, at) : NO_RULES;
    const after = evaluate(item, draft, choices, at);
    if (before.visible) shownInForce++;
    if (after.visible) shownDraft++;
    const entry = { item, careProviderName: provider.name, inForce: before, draft: after };
    if (!before.visible && after.visible) newlyShown.push(entry);
    else if (before.visible && !after.visible) newlyHidden.push(entry);
    else if (!before.visible && (before.visibleFrom !== after.visibleFrom || before.reason.code !== after.reason.code)) otherwiseChanged.push(entry);
  }

  const result: PreviewResult = {
    regionCode: input.regionCode,
    date: input.date,
    inForceVersion: inForce?.version ?? null,
    changes: inForce ? diffPolicies(inForce.policy, draft) : [],
    items,
    shownInForce,
    shownDraft,
    newlyShown,
    newlyHidden,
    otherwiseChanged,
    sources: record.sources,
  };
  // A read of the resident's record by an administrator: in the resident's access log like any read.
  const seen = new Map<string, { careGiverHsaId?: string; careGiverName?: string; careUnitHsaId?: string; careUnitName?: string }>();
  for (const { item } of [...newlyShown, ...newlyHidden, ...otherwiseChanged]) {
    seen.set(`${item.careGiver.hsaId}|${item.careUnit.hsaId}`, {
      ...(item.careGiver.hsaId ? { careGiverHsaId: item.careGiver.hsaId } : {}),
      ...(item.careGiver.name ? { careGiverName: item.careGiver.name } : {}),
      ...(item.careUnit.hsaId ? { careUnitHsaId: item.careUnit.hsaId } : {}),
      ...(item.careUnit.name ? { careUnitName: item.careUnit.name } : {}),
    });
  }
  const listed = [...newlyShown, ...newlyHidden, ...otherwiseChanged];
  return withAudit(
    deps.db,
    {
      kind: 'recordRead',
      actor: input.actor,
      subject,
      details: {
        informationTypes: INFO_TYPES.filter((t) => listed.some((e) => e.item.infoType === t)),
        sources: [...seen.values()],
        action: 'rulesPreview',
        regionCode: input.regionCode,
        regionName: regionOf(input.regionCode).name,
        date: input.date,
        inForceVersion: result.inForceVersion,
        draft: input.draftLabel ?? 'draft',
        items,
        newlyShown: newlyShown.length,
        newlyHidden: newlyHidden.length,
      },
    },
    () => result,
  );
}

const NO_RULES: Decision = {
  visible: false,
  visibleFrom: null,
  reason: { code: 'INFO_TYPE_NOT_SHOWN', sv: 'Visas inte: regionen har inga giltiga regler i kraft.', en: 'Not shown: the region has no valid rules in force.' },
  constraints: [],
};

