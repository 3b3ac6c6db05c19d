import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import {
  accessToRecord,
  itemAccess,
  mayLogIn,
  type AccessDecision,
  type LoginDecision,
  type LoginIdentity,
  type Reason,
  type Relation,
} from '../access/policy.js';
import { lookUpFacts, type PopulationRegister, type RegisterPerson } from '../access/register.js';
import { withAudit, type AuditActor, type AuditSource } from '../audit/index.js';
import type { AggregatedRecord, RecordQuery, SourceStatus } from '../aggregation/fetch-record.js';
import type { Db } from '../db/connection.js';
import { evaluate, type Decision } from '../disclosure/engine.js';
import type { DisclosurePolicy, ViewerChoices } from '../disclosure/policy.js';
import { ageOn, tryParsePersonalIdentity } from '../domain/identifiers/index.js';
import { INFO_TYPES, type InfoType, type RecordItem } from '../domain/record.js';
import { region as regionOf, type RegionCode } from '../domain/regions.js';
import { swedishDate, type IsoDate } from '../domain/time.js';
import { JOURNALEN_HSA_ID } from '../engagement-index/engagement.js';
import { JournalenError } from '../errors/index.js';
import { policiesInForce } from '../registry/policies.js';
import { cachedCareDirectory, needOf, type CareDirectory, type DirectoryNeed } from './directory.js';
import { loadChoices, loadExceptionsFor, loadProtections } from './protections.js';

/**
 * The record service: "the record of patient P, as viewer V may see it, now". The one entry
 * point that joins the four parts, in this order:
 *
 *   1. access: the register's facts, the subject's seals, blocks and exceptions, and the one
 *      access policy decide whether the viewer may read the record at all, and which part;
 *   2. aggregation: the items, live from the source systems (direct or platform mode), with a
 *      status per source;
 *   3. per item: the access policy again (seals of units, providers, periods; exception units),
 *      then the disclosure rules of the region whose care provider wrote it, with the subject's
 *      choices. An item from a care provider with no known rules is not shown;
 *   4. audit: the entry naming what is about to be shown is committed, and only then is the
 *      answer returned. If it cannot be written, nothing is shown.
 *
 * Nothing is stored of the record itself. No HTTP here: routes and pages are thin shells.
 */

export interface Viewer {
  /** Normalized personnummer (12 digits), from the login. */
  readonly personnummer: string;
  /** Display name, for the access log the resident reads. */
  readonly name?: string;
}

/** Whose record: the viewer's own, or a child's by its opaque handle (never a personnummer in URLs). */
export type SubjectRef = { readonly relation: 'self' } | { readonly relation: 'guardian'; readonly child: string };

export interface RegionRef {
  readonly code: RegionCode;
  readonly name: string;
}

export interface ShownItem {
  /** Opaque, stable key of the item for URLs. */
  readonly key: string;
  readonly item: RecordItem;
  readonly region: RegionRef | null;
  readonly careProviderName: string | null;
}

/** An item not shown yet, told to the resident with the date it will be (where the rules allow telling). */
export interface WithheldItem {
  readonly infoType: InfoType;
  readonly careProviderName: string | null;
  readonly region: RegionRef | null;
  readonly visibleFrom: IsoDate;
  readonly reason: Reason;
}

export interface SubjectInfo {
  readonly relation: Relation;
  /** `self` or the child's handle. */
  readonly handle: string;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly age: number | null;
}

export interface RecordFilters {
  readonly infoTypes?: readonly InfoType[];
  /** Inclusive Swedish calendar dates. */
  readonly from?: IsoDate;
  readonly to?: IsoDate;
  readonly careUnitHsaId?: string;
  readonly regionCode?: RegionCode;
  /** Words that must all occur in the title, text, codes or values (case-insensitive). */
  readonly text?: string;
}

/**
 * What a viewer is told about one (source × contract): which system and region, and whether it
 * answered. Counts, reasons and dropped items stay with the operators (logs, statistics): a count
 * taken before the access and disclosure rules would announce what the rules hide.
 */
export type ViewerSourceStatus = Pick<SourceStatus, 'logicalAddress' | 'systemName' | 'regionNames' | 'contract' | 'version' | 'infoType' | 'status'>;

export interface RecordView {
  readonly subject: SubjectInfo;
  readonly access: { readonly scope: 'whole' | 'careUnits'; readonly reason: Reason };
  /** Newest first, after the filters. */
  readonly items: readonly ShownItem[];
  readonly withheld: readonly WithheldItem[];
  readonly sources: readonly ViewerSourceStatus[];
  readonly choices: ViewerChoices;
  readonly generatedAt: Date;
}

export interface OverviewType {
  readonly infoType: InfoType;
  readonly count: number;
  /** Shown items newer than 30 days. */
  readonly recent: number;
  readonly latest: ShownItem | null;
}

export interface RecordOverview extends Omit<RecordView, 'items'> {
  readonly types: readonly OverviewType[];
  /** What is new: the newest shown items of the last 30 days (at most `newest`), and how many there are. */
  readonly recent: { readonly items: readonly ShownItem[]; readonly total: number };
}

export interface ChildEntry {
  readonly handle: string;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly age: number | null;
  readonly allowed: boolean;
  readonly reason: Reason;
}

export interface RecordServiceDeps {
  readonly db: Db;
  readonly register: PopulationRegister;
  /** Direct or platform mode. */
  readonly aggregate: (query: RecordQuery) => Promise<AggregatedRecord>;
  /** Key for the children's handles; the session secret will do. */
  readonly handleKey: string | Buffer;
  readonly now?: () => Date;
  readonly logger?: Logger;
  /**
   * The care directory, knowing at least what `need` names where it can (an HSA lookup fills the
   * gaps on first sight). Default: a snapshot of the tables reloaded each minute, no lookup.
   */
  readonly directory?: (need: DirectoryNeed) => Promise<CareDirectory>;
  /** Whose call it is, for the producers' authorization; default Journalen's HSA-id. */
  readonly consumerHsaId?: string;
}

const RECENT_DAYS = 30;

export function createRecordService(deps: RecordServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const directory = deps.directory ?? cachedCareDirectory(deps.db).get;
  const consumerHsaId = deps.consumerHsaId ?? JOURNALEN_HSA_ID;
  const handleOf = (personnummer: string) =>
    createHmac('sha256', deps.handleKey).update(`child:${personnummer}`).digest('base64url').slice(0, 22);

  /** The subject's personnummer for a reference, or FORBIDDEN (an unknown handle reveals nothing). */
  async function resolve(viewer: Viewer, ref: SubjectRef): Promise<{ subject: string; relation: Relation; viewerPerson: RegisterPerson | undefined }> {
    const viewerPerson = await deps.register.person(viewer.personnummer);
    if (ref.relation === 'self') return { subject: viewer.personnummer, relation: 'self', viewerPerson };
    const child = viewerPerson?.children.find((c) => handleOf(c) === ref.child);
    if (!child) throw new JournalenError('FORBIDDEN', 'you are not the guardian of this record', { basis: 'NOT_GUARDIAN' });
    return { subject: child, relation: 'guardian', viewerPerson };
  }

  async function decide(viewer: Viewer, ref: SubjectRef, at: Date) {
    const { subject, relation } = await resolve(viewer, ref);
    const [facts, protections] = await Promise.all([lookUpFacts(deps.register, viewer.personnummer, subject), loadProtections(deps.db, subject)]);
    const decision = accessToRecord({
      viewer: loginIdentity(viewer.personnummer),
      subject,
      relation,
      facts,
      ...protections,
      today: swedishDate(at),
    });
    const person = facts.subject;
    const info: SubjectInfo = {
      relation,
      handle: relation === 'self' ? 'self' : handleOf(subject),
      givenName: person?.givenName ?? null,
      familyName: person?.familyName ?? null,
      age: person ? safeAge(person, at) : null,
    };
    return { subject, relation, decision, protections, info };
  }

  /** Everything shown and withheld for the filters, before the audit entry; never returned without one. */
  async function gather(viewer: Viewer, ref: SubjectRef, filters: RecordFilters) {
    const at = now();
    const { subject, decision, protections, info } = await decide(viewer, ref, at);
    if (!decision.allowed) {
      throw new JournalenError('FORBIDDEN', decision.reason.en, { basis: decision.reason.code, sv: decision.reason.sv });
    }
    const infoTypes = filters.infoTypes && filters.infoTypes.length > 0 ? filters.infoTypes : INFO_TYPES;
    const [aggregated, policies, choices] = await Promise.all([
      deps.aggregate({ patientId: subject, infoTypes, consumerHsaId }),
      policiesByRegion(deps.db, at),
      loadChoices(deps.db, subject),
    ]);
    // After aggregation: the units and providers the items name are looked up if unknown.
    const dir = await directory(needOf(aggregated.items));

    const shown: ShownItem[] = [];
    const withheld: WithheldItem[] = [];
    for (const raw of aggregated.items) {
      const item = enrich(raw, dir);
      if (!itemAccess(decision, item, protections.seals).allowed) continue;
      const provider = dir.provider(item.careGiver.hsaId);
      const region = provider?.regionCode ? { code: provider.regionCode, name: regionOf(provider.regionCode).name } : null;
      const policy = region ? policies.get(region.code) : undefined;
      // Rules unknown: not shown, and not announced either (we cannot say when it would be).
      if (!policy) continue;
      // A unit the directory cannot describe (HSA did not answer or does not know it) leaves the
      // specialty and ward unknown, and rules such as Skåne's delay for psychiatric inpatient
      // notes could not apply: held back like an unknown provider, unless the producer said both.
      if (!describable(item, dir)) continue;
      const verdict: Decision = evaluate(item, policy, choices, at);
      if (verdict.visible) {
        shown.push({ key: itemKey(item), item, region, careProviderName: provider?.name ?? item.careGiver.name ?? null });
      } else if (verdict.visibleFrom !== null && tellable(verdict)) {
        withheld.push({
          infoType: item.infoType,
          careProviderName: provider?.name ?? item.careGiver.name ?? null,
          region,
          visibleFrom: verdict.visibleFrom,
          reason: verdict.reason,
        });
      }
    }
    const items = applyFilters(shown, filters);
    withheld.sort((a, b) => (a.visibleFrom < b.visibleFrom ? -1 : a.visibleFrom > b.visibleFrom ? 1 : 0));
    return {
      subject,
      decision,
      allSources: aggregated.sources,
      view: {
        subject: info,
        access: { scope: decision.allowed && decision.scope === 'careUnits' ? ('careUnits' as const) : ('whole' as const), reason: decision.reason },
        items,
        withheld: applyWithheldFilters(withheld, filters),
        sources: viewerSources(aggregated.sources, shown, decision.allowed && decision.scope === 'careUnits', protections.seals.some((p) => p.kind !== 'account')),
        choices,
        generatedAt: at,
      } satisfies RecordView,
    };
  }

  function actorOf(viewer: Viewer, decision: AccessDecision): AuditActor {
    return { id: viewer.personnummer, role: decision.relation === 'self' ? 'self' : 'guardian', name: viewer.name ?? null };
  }

  return {
    handleOf,

    /** May this person log in at all (at the OIDC callback)? */
    async mayLogIn(personnummer: string): Promise<LoginDecision> {
      const today = swedishDate(now());
      const [person, exceptions] = await Promise.all([deps.register.person(personnummer), loadExceptionsFor(deps.db, personnummer)]);
      return mayLogIn(loginIdentity(personnummer), person, today, exceptions);
    },

    /** The viewer's children and whether each record may be read now. */
    async children(viewer: Viewer): Promise<ChildEntry[]> {
      const person = await deps.register.person(viewer.personnummer);
      const at = now();
      const out: ChildEntry[] = [];
      for (const child of person?.children ?? []) {
        const { decision, info } = await decide(viewer, { relation: 'guardian', child: handleOf(child) }, at);
        out.push({ handle: info.handle, givenName: info.givenName, familyName: info.familyName, age: info.age, allowed: decision.allowed, reason: decision.reason });
      }
      return out;
    },

    /** Who the subject is, and whether the viewer may read the record (no record content, not audited). */
    async subject(viewer: Viewer, ref: SubjectRef): Promise<{ info: SubjectInfo; allowed: boolean; reason: Reason }> {
      const { decision, info } = await decide(viewer, ref, now());
      return { info, allowed: decision.allowed, reason: decision.reason };
    },

    /** The subject's number, for reads that are not record content (the access log); FORBIDDEN as `resolve`. */
    async subjectNumber(viewer: Viewer, ref: SubjectRef): Promise<string> {
      return (await resolve(viewer, ref)).subject;
    },

    async choicesOf(viewer: Viewer): Promise<ViewerChoices> {
      return loadChoices(deps.db, viewer.personnummer);
    },

    /**
     * The record, filtered, one page of it (default: all); the audit entry names what is on the
     * page, and is committed before the page is returned.
     */
    async read(viewer: Viewer, ref: SubjectRef, filters: RecordFilters = {}, page?: { offset: number; limit: number }): Promise<RecordView & { total: number }> {
      const { subject, decision, view, allSources } = await gather(viewer, ref, filters);
      const items = page ? view.items.slice(page.offset, page.offset + page.limit) : view.items;
      const result = { ...view, items, total: view.items.length };
      return withAudit(deps.db, readEntry('recordRead', actorOf(viewer, decision), subject, items, allSources), () => result);
    },

    /** Counts, the latest item per information type, what is new, and every source's status; audited. */
    async overview(viewer: Viewer, ref: SubjectRef, newest = 8): Promise<RecordOverview> {
      const { subject, decision, view, allSources } = await gather(viewer, ref, {});
      const recentFrom = swedishDate(new Date(view.generatedAt.getTime() - RECENT_DAYS * 86_400_000));
      const types = INFO_TYPES.map((infoType) => {
        const ofType = view.items.filter((s) => s.item.infoType === infoType);
        return {
          infoType,
          count: ofType.length,
          recent: ofType.filter((s) => swedishDate(s.item.time) >= recentFrom).length,
          latest: ofType[0] ?? null,
        };
      });
      const recentItems = view.items.filter((s) => swedishDate(s.item.time) >= recentFrom);
      const recent = { items: recentItems.slice(0, newest), total: recentItems.length };
      // The entry names what the page shows: the latest of each type and the new items.
      const shown = [...new Set([...types.flatMap((t) => (t.latest ? [t.latest] : [])), ...recent.items])];
      const { items: _all, ...rest } = view;
      return withAudit(deps.db, readEntry('recordRead', actorOf(viewer, decision), subject, shown, allSources), () => ({ ...rest, types, recent }));
    },

    /** One item by key, with its full content; audited as an item read. NOT_FOUND when not shown. */
    async item(viewer: Viewer, ref: SubjectRef, key: string): Promise<{ view: Omit<RecordView, 'items' | 'withheld'>; item: ShownItem }> {
      const parsed = parseItemKey(key);
      const { subject, decision, view, allSources } = await gather(viewer, ref, { infoTypes: [parsed.infoType] });
      const found = view.items.find((s) => s.key === key);
      if (!found) throw new JournalenError('NOT_FOUND', 'no such item in the record, or it is not shown');
      const { items: _i, withheld: _w, ...rest } = view;
      return withAudit(deps.db, readEntry('itemRead', actorOf(viewer, decision), subject, [found], allSources), () => ({ view: rest, item: found }));
    },
  };
}

export type RecordService = ReturnType<typeof createRecordService>;

/** What kind of number the e-ID gave: the policy refuses samordningsnummer and anything else by name. */
function loginIdentity(number: string): LoginIdentity {
  const parsed = tryParsePersonalIdentity(number);
  return parsed.ok ? { kind: parsed.value.kind, normalized: parsed.value.normalized } : { kind: 'reservnummer', value: number };
}

/**
 * The sources a viewer is told about. Normally every one, so the page can say what is missing.
 * When only some care units may be read (a 13-15 year old's exception) or care has sealed some of
 * the record, the very list of systems and regions asked would tell where care was given: then
 * only the sources that contributed something shown are named.
 */
function viewerSources(sources: readonly SourceStatus[], shown: readonly ShownItem[], unitScoped: boolean, careSealed: boolean): ViewerSourceStatus[] {
  const strip = (s: SourceStatus): ViewerSourceStatus => ({
    logicalAddress: s.logicalAddress,
    ...(s.systemName !== undefined ? { systemName: s.systemName } : {}),
    ...(s.regionNames !== undefined ? { regionNames: s.regionNames } : {}),
    contract: s.contract,
    version: s.version,
    infoType: s.infoType,
    status: s.status,
  });
  if (!unitScoped && !careSealed) return sources.map(strip);
  const contributed = new Set(shown.map((s) => `${s.item.sourceSystemHsaId}|${s.item.infoType}`));
  return sources.filter((s) => contributed.has(`${s.logicalAddress}|${s.infoType}`)).map(strip);
}

function safeAge(person: RegisterPerson, at: Date): number | null {
  try {
    return ageOn(person, at);
  } catch {
    return null;
  }
}

async function policiesByRegion(db: Db, at: Date): Promise<Map<RegionCode, DisclosurePolicy>> {
  return new Map((await policiesInForce(db, at)).map((v) => [v.regionCode, v.policy]));
}

/** The unit is in the directory, or the producer itself stated what the rules need of it. */
function describable(item: RecordItem, dir: CareDirectory): boolean {
  return dir.unit(item.careUnitHsaId ?? item.careUnit.hsaId) !== undefined || (item.specialty !== undefined && item.inpatient !== undefined);
}

/**
 * Facts the contracts do not carry, from the HSA catalogue: the unit's specialty and whether it
 * is a ward. What the producer said wins; the catalogue only fills gaps.
 */
export function enrich(item: RecordItem, dir: CareDirectory): RecordItem {
  const unitId = item.careUnitHsaId ?? item.careUnit.hsaId;
  const unit = dir.unit(unitId);
  if (!unit && item.careUnitHsaId !== undefined) return item;
  return {
    ...item,
    ...(unitId !== undefined ? { careUnitHsaId: unitId } : {}),
    ...(item.specialty === undefined && unit?.specialty ? { specialty: unit.specialty } : {}),
    ...(item.inpatient === undefined && unit ? { inpatient: unit.inpatient } : {}),
  };
}

/**
 * Which "not yet" reasons are told. Every delay the rules set is public (the region's page lists
 * them), so telling the date reveals nothing but that something is coming; items hidden for good
 * (not approved for the patient, nullified, excluded units or keywords) are never announced.
 */
function tellable(decision: Decision): boolean {
  return decision.constraints.every((c) => c.effect.kind === 'from');
}

export function itemKey(item: RecordItem): string {
  return Buffer.from(`${item.sourceSystemHsaId ?? ''}\u0000${item.infoType}\u0000${item.id}`, 'utf8').toString('base64url');
}

export function parseItemKey(key: string): { sourceSystemHsaId: string; infoType: InfoType; id: string } {
  const invalid = () => new JournalenError('NOT_FOUND', 'no such item in the record, or it is not shown');
  if (typeof key !== 'string' || key.length === 0 || key.length > 600 || !/^[A-Za-z0-9_-]+$/.test(key)) throw invalid();
  const parts = Buffer.from(key, 'base64url').toString('utf8').split('\u0000');
  if (parts.length !== 3) throw invalid();
  const [sourceSystemHsaId, infoType, id] = parts as [string, string, string];
  if (!(INFO_TYPES as readonly string[]).includes(infoType) || id === '') throw invalid();
  return { sourceSystemHsaId, infoType: infoType as InfoType, id };
}

function searchable(item: RecordItem): string {
  const parts = [item.title, item.text, item.careUnit.name, ...item.codes.flatMap((c) => [c.code, c.displayName]), ...item.values.flatMap((v) => [v.name, v.value, v.comment]), ...Object.values(item.attributes)];
  return parts.filter((p): p is string => typeof p === 'string').join('\n').toLocaleLowerCase('sv');
}

function applyFilters(items: ShownItem[], filters: RecordFilters): ShownItem[] {
  const words = (filters.text ?? '').toLocaleLowerCase('sv').split(/\s+/).filter((w) => w !== '');
  return items.filter((s) => {
    const date = swedishDate(s.item.time);
    if (filters.from !== undefined && date < filters.from) return false;
    if (filters.to !== undefined && date > filters.to) return false;
    if (filters.careUnitHsaId !== undefined && (s.item.careUnitHsaId ?? s.item.careUnit.hsaId) !== filters.careUnitHsaId) return false;
    if (filters.regionCode !== undefined && s.region?.code !== filters.regionCode) return false;
    if (words.length > 0) {
      const haystack = searchable(s.item);
      if (!words.every((w) => haystack.includes(w))) return false;
    }
    return true;
  });
}

function applyWithheldFilters(items: WithheldItem[], filters: RecordFilters): WithheldItem[] {
  return items.filter((w) => filters.regionCode === undefined || w.region?.code === filters.regionCode);
}

/** The audit entry for what is about to be shown: information types and where it came from. */
function readEntry(kind: 'recordRead' | 'itemRead', actor: AuditActor, subject: string, shown: readonly ShownItem[], sources: readonly SourceStatus[]) {
  const seen = new Map<string, AuditSource>();
  for (const { item } of shown) {
    const key = `${item.careGiver.hsaId}|${item.careUnit.hsaId}|${item.sourceSystemHsaId}`;
    if (seen.has(key)) continue;
    seen.set(key, {
      ...(item.careGiver.hsaId ? { careGiverHsaId: item.careGiver.hsaId } : {}),
      ...(item.careGiver.name ? { careGiverName: item.careGiver.name } : {}),
      ...(item.careUnit.hsaId ? { careUnitHsaId: item.careUnit.hsaId } : {}),
      ...(item.careUnit.name ? { careUnitName: item.careUnit.name } : {}),
      ...(item.sourceSystemHsaId ? { system: item.sourceSystemHsaId } : {}),
    });
  }
  const informationTypes = INFO_TYPES.filter((t) => shown.some((s) => s.item.infoType === t));
  return {
    kind,
    actor,
    subject,
    details: {
      informationTypes,
      sources: [...seen.values()],
      items: shown.length,
      sourcesAsked: sources.length,
      sourcesMissing: sources.filter((s) => s.status !== 'answered' && s.status !== 'answeredFromCache').map((s) => s.systemName ?? s.logicalAddress),
    },
  };
}
