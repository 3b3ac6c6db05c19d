import { asc, desc, eq, inArray } from 'drizzle-orm';
import { appendAudit, type AuditActor } from '../../audit/index.js';
import { verifyProducer, type ConformanceReport, type VerifyProducerOptions } from '../../conformance/index.js';
import { CONTRACT_VERSIONS, contractByNamespace } from '../../contracts/registry.js';
import type { Db } from '../../db/connection.js';
import { agent, CONNECTION_KINDS, ehrSystem, onboardingStep, producerConnection, type ConnectionKind, type RoutingEnvironment } from '../../db/schema.js';
import { isHsaId } from '../../domain/identifiers/index.js';
import { isRegionCode, type RegionCode } from '../../domain/regions.js';
import { parseIsoDate, swedishDate } from '../../domain/time.js';
import { JournalenError } from '../../errors/index.js';
import { contractUrl, SIMULATOR_PATH_TEMPLATE, templateProblem } from '../../transport/addresses.js';
import { grant, routesForLogicalAddress, upsertRoute } from '../../routing/store.js';
import { ADD_INFORMATION_TYPES_LEAD_MONTHS, JOURNALEN_HSA_IDS, ONBOARDING_STEPS, STEP_ORDER, type OnboardingStepId } from './steps.js';

/**
 * Producer connections and their onboarding, as a workflow the library enforces (pages only
 * translate): steps in the seed's order, none skipped, each with who and when, in the audit log
 * with before and after; the routing steps write the routing table in the same transaction, so
 * a step is never recorded without its routes or the other way round.
 */

export type { OnboardingStepId } from './steps.js';

export interface ConnectionInput {
  readonly kind: ConnectionKind;
  readonly regionCode: string;
  readonly careProviderHsaIds: readonly string[];
  /** A catalogue system id, or empty with `sourceSystemName` for a new system. */
  readonly sourceSystemId?: string | null;
  readonly sourceSystemName?: string | null;
  readonly agentId?: number | null;
  readonly logicalAddress: string;
  /** Responder namespaces of the contract versions offered. */
  readonly contracts: readonly string[];
  readonly endpoints: { readonly sit?: string | null; readonly qa?: string | null; readonly production?: string | null };
  /**
   * Path of each contract below the endpoints (placeholders `{domain}`, `{contract}`, `{major}`):
   * the platform's `/vp/{domain}/{contract}/{major}/rivtabp21` or our simulators'
   * `/{contract}/{major}`. Absent or empty: the simulators', as every connection had before.
   */
  readonly pathTemplate?: string | null;
  /** YYYY-MM-DD; required when adding information types. */
  readonly plannedProductionDate?: string | null;
}

export interface StepRecord {
  readonly step: OnboardingStepId;
  readonly doneBy: string;
  readonly doneByName: string | null;
  readonly doneAt: Date;
  readonly note: string | null;
  readonly report: ConformanceReport | null;
}

export interface Connection {
  readonly id: number;
  readonly kind: ConnectionKind;
  readonly regionCode: RegionCode;
  readonly careProviderHsaIds: readonly string[];
  readonly sourceSystemId: string | null;
  readonly sourceSystemName: string | null;
  readonly agentId: number | null;
  readonly logicalAddress: string;
  readonly contracts: readonly string[];
  readonly endpoints: Readonly<Record<RoutingEnvironment, string | null>>;
  /** Path of each contract below the endpoints (see ConnectionInput). */
  readonly pathTemplate: string;
  readonly appliedOn: string;
  readonly plannedProductionDate: string | null;
  readonly lastVerification: ConformanceReport | null;
  readonly createdAt: Date;
  readonly steps: readonly StepRecord[];
  /** The step to do next; null once live. */
  readonly nextStep: OnboardingStepId | null;
}

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

const MAX_TEXT = 200;
const MAX_NOTE = 2000;
const MAX_CARE_PROVIDERS = 50;

/** INPUT_INVALID listing every problem, `field` naming the first (the pattern of inputInvalid). */
function invalid(errors: readonly FieldError[]): JournalenError {
  const first = errors[0]!;
  return new JournalenError('INPUT_INVALID', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { field: first.field, errors });
}

function checkUrl(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http or https URL';
  // Producers authenticate by TLS; a password in the table would end up on admin pages.
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
  if (value.length > 2048) return 'is longer than 2048 characters';
  return null;
}

/** Adds calendar months; a day past the target month's end becomes its last day (31 Nov → 30 Nov). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  const day = Math.min(d, last);
  return `${String(first.getUTCFullYear()).padStart(4, '0')}-${String(first.getUTCMonth() + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Validates a connection; all problems at once, so a form can show them together. */
async function checkInput(db: Db, input: ConnectionInput, today: string) {
  const errors: FieldError[] = [];
  const err = (field: string, message: string) => errors.push({ field, message });

  const kind = (CONNECTION_KINDS as readonly unknown[]).includes(input.kind) ? input.kind : (err('kind', `must be one of ${CONNECTION_KINDS.join(', ')}`), 'new');
  if (!isRegionCode(input.regionCode)) err('regionCode', 'must be the two-digit county code of one of the 21 regions');

  const careProviders = [...new Set((input.careProviderHsaIds ?? []).map((h) => h.trim()).filter((h) => h !== ''))];
  if (careProviders.length === 0) err('careProviderHsaIds', 'name at least one care provider by HSA-id');
  if (careProviders.length > MAX_CARE_PROVIDERS) err('careProviderHsaIds', `at most ${MAX_CARE_PROVIDERS} care providers`);
  for (const h of careProviders) if (!isHsaId(h)) err('careProviderHsaIds', `${h.slice(0, 40)} is not an HSA-id (e.g. SE2321000016-15CQ)`);

  const systemId = input.sourceSystemId?.trim() || null;
  const systemName = input.sourceSystemName?.trim() || null;
  if (systemId === null && systemName === null) err('sourceSystem', 'choose a system of the catalogue or name a new one');
  if (systemId !== null && systemName !== null) err('sourceSystem', 'choose a system of the catalogue or name a new one, not both');
  if (systemName !== null && systemName.length > MAX_TEXT) err('sourceSystemName', `at most ${MAX_TEXT} characters`);
  if (systemId !== null) {
    const found = await db.select({ id: ehrSystem.id }).from(ehrSystem).where(eq(ehrSystem.id, systemId));
    if (found.length === 0) err('sourceSystemId', 'is not a system of the catalogue');
  }

  const agentId = input.agentId ?? null;
  if (agentId !== null) {
    const found = Number.isSafeInteger(agentId) ? await db.select({ id: agent.id }).from(agent).where(eq(agent.id, agentId)) : [];
    if (found.length === 0) err('agentId', 'is not a registered agent');
  }

  const logicalAddress = (input.logicalAddress ?? '').trim();
  if (!isHsaId(logicalAddress)) err('logicalAddress', 'must be an HSA-id, e.g. SE2321000016-15CQ');

  const contracts = [...new Set(input.contracts ?? [])];
  if (contracts.length === 0) err('contracts', 'offer at least one contract');
  for (const c of contracts) if (!contractByNamespace(c)) err('contracts', `${c.slice(0, 120)} is not a contract version Journalen speaks`);
  // One version per contract: a logical address answers one version of each contract to Journalen.
  const names = contracts.map((c) => contractByNamespace(c)?.contract).filter((n) => n !== undefined);
  if (new Set(names).size !== names.length) err('contracts', 'offer one version of each contract');

  const endpoints: Record<RoutingEnvironment, string | null> = { sit: null, qa: null, production: null };
  for (const env of ['sit', 'qa', 'production'] as const) {
    const value = input.endpoints?.[env]?.trim() || null;
    if (value === null) continue;
    const problem = checkUrl(value);
    if (problem) err(`endpoints.${env}`, problem);
    else endpoints[env] = value.replace(/\/+$/, '');
  }

  const pathTemplate = input.pathTemplate?.trim() || SIMULATOR_PATH_TEMPLATE;
  const wrongTemplate = templateProblem(pathTemplate);
  if (wrongTemplate !== undefined) err('pathTemplate', wrongTemplate);

  let planned: string | null = input.plannedProductionDate?.trim() || null;
  if (planned !== null && parseIsoDate(planned) === null) {
    err('plannedProductionDate', 'must be a date YYYY-MM-DD');
    planned = null;
  }
  if (isHsaId(logicalAddress)) {
    // Routes that residents' records come through today are never repointed by a connection:
    // an address already in production keeps its endpoint.
    const routes = await routesForLogicalAddress(db, { logicalAddress, environment: 'production' });
    const production = endpoints.production;
    if (routes.some((r) => production === null || !r.endpointUrl.startsWith(`${production}/`))) {
      err('endpoints.production', 'this logical address is already in production at another endpoint; changing a production endpoint is the national operator\'s, outside onboarding');
    }
  }
  if (kind === 'addInformationTypes') {
    const earliest = addMonths(today, ADD_INFORMATION_TYPES_LEAD_MONTHS);
    if (planned === null && !errors.some((e) => e.field === 'plannedProductionDate')) err('plannedProductionDate', 'is required when adding information types');
    else if (planned !== null && planned < earliest) {
      err('plannedProductionDate', `the application must come at least ${ADD_INFORMATION_TYPES_LEAD_MONTHS} months before production: ${earliest} at the earliest when applying ${today}`);
    }
    // Only a source system that already produces for Journalen may take the shorter path.
    if (isHsaId(logicalAddress)) {
      const routes = await routesForLogicalAddress(db, { logicalAddress, environment: 'production' });
      if (routes.length === 0) err('kind', 'the shorter path is for a source system already in production; this logical address has no production routes, so connect it as a new producer');
      else {
        const already = contracts.filter((c) => routes.some((r) => r.serviceContractNamespace === c));
        if (already.length > 0) err('contracts', `already in production at this address: ${already.map((c) => contractByNamespace(c)?.contract ?? c).join(', ')}`);
      }
    }
  }

  if (errors.length > 0) throw invalid(errors);
  return { kind, regionCode: input.regionCode as RegionCode, careProviders, systemId, systemName, agentId, logicalAddress, contracts, endpoints, pathTemplate, planned };
}

export async function createConnection(db: Db, actor: AuditActor, input: ConnectionInput, now: Date): Promise<Connection> {
  const today = swedishDate(now);
  const c = await checkInput(db, input, today);
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(producerConnection)
      .values({
        kind: c.kind,
        regionCode: c.regionCode,
        careProviderHsaIds: c.careProviders,
        sourceSystemId: c.systemId,
        sourceSystemName: c.systemName,
        agentId: c.agentId,
        logicalAddress: c.logicalAddress,
        contracts: c.contracts,
        endpointSit: c.endpoints.sit,
        endpointQa: c.endpoints.qa,
        endpointProduction: c.endpoints.production,
        pathTemplate: c.pathTemplate,
        appliedOn: today,
        plannedProductionDate: c.planned,
        createdBy: actor.id,
        createdAt: now,
      })
      .returning({ id: producerConnection.id });
    const connectionId = row!.id;
    // The application is the creation itself for the shorter path: recorded as its first step.
    if (c.kind === 'addInformationTypes') {
      await tx.insert(onboardingStep).values({ connectionId, step: 'application', doneBy: actor.id, doneByName: actor.name ?? null, doneAt: now, note: `planned production ${c.planned}` });
    }
    await appendAudit(tx, {
      kind: 'adminAction',
      actor,
      details: { action: 'connectionCreated', connectionId, regionCode: c.regionCode, before: null, after: { kind: c.kind, logicalAddress: c.logicalAddress, contracts: c.contracts, careProviderHsaIds: c.careProviders, pathTemplate: c.pathTemplate } },
    });
    return connectionId;
  });
  return getConnection(db, id);
}

function toConnection(row: typeof producerConnection.$inferSelect, steps: readonly (typeof onboardingStep.$inferSelect)[]): Connection {
  const order = STEP_ORDER[row.kind];
  const done = new Set(steps.map((s) => s.step));
  return {
    id: row.id,
    kind: row.kind,
    regionCode: row.regionCode as RegionCode,
    careProviderHsaIds: row.careProviderHsaIds,
    sourceSystemId: row.sourceSystemId,
    sourceSystemName: row.sourceSystemName,
    agentId: row.agentId,
    logicalAddress: row.logicalAddress,
    contracts: row.contracts,
    endpoints: { sit: row.endpointSit, qa: row.endpointQa, production: row.endpointProduction },
    pathTemplate: row.pathTemplate,
    appliedOn: row.appliedOn,
    plannedProductionDate: row.plannedProductionDate,
    lastVerification: (row.lastVerification as ConformanceReport | null) ?? null,
    createdAt: row.createdAt,
    steps: [...steps]
      .sort((a, b) => order.indexOf(a.step as OnboardingStepId) - order.indexOf(b.step as OnboardingStepId))
      .map((s) => ({ step: s.step as OnboardingStepId, doneBy: s.doneBy, doneByName: s.doneByName, doneAt: s.doneAt, note: s.note, report: (s.report as ConformanceReport | null) ?? null })),
    nextStep: order.find((s) => !done.has(s)) ?? null,
  };
}

/** NOT_FOUND when there is no such connection. */
export async function getConnection(db: Db, id: number): Promise<Connection> {
  if (!Number.isSafeInteger(id) || id < 1) throw new JournalenError('NOT_FOUND', 'no such producer connection');
  const [row] = await db.select().from(producerConnection).where(eq(producerConnection.id, id));
  if (!row) throw new JournalenError('NOT_FOUND', 'no such producer connection');
  const steps = await db.select().from(onboardingStep).where(eq(onboardingStep.connectionId, id));
  return toConnection(row, steps);
}

/** Connections of the given regions, newest first; two queries whatever the number. */
export async function listConnections(db: Db, regions: 'all' | readonly RegionCode[]): Promise<Connection[]> {
  if (regions !== 'all' && regions.length === 0) return [];
  const rows = await db
    .select()
    .from(producerConnection)
    .where(regions === 'all' ? undefined : inArray(producerConnection.regionCode, [...regions]))
    .orderBy(desc(producerConnection.id));
  if (rows.length === 0) return [];
  const steps = await db.select().from(onboardingStep).where(inArray(onboardingStep.connectionId, rows.map((r) => r.id))).orderBy(asc(onboardingStep.id));
  return rows.map((r) => toConnection(r, steps.filter((s) => s.connectionId === r.id)));
}

export interface CompleteStepInput {
  readonly step: OnboardingStepId;
  readonly note?: string | null;
  /** The conformance report, for producerVerification. */
  readonly report?: ConformanceReport | null;
}

/** Why a conformance report does not complete the verification of this connection; null when it does. */
export function reportProblem(connection: Pick<Connection, 'logicalAddress' | 'contracts'>, report: ConformanceReport | null | undefined): string | null {
  if (!report) return 'producer verification needs a conformance report against the SIT endpoint';
  if (report.kind !== 'journalen.producer-conformance') return 'that is not a conformance report';
  if (report.logicalAddress !== connection.logicalAddress) return `the report is for logical address ${report.logicalAddress}, not ${connection.logicalAddress}`;
  const missing = connection.contracts.filter((ns) => {
    const c = contractByNamespace(ns);
    return !report.contracts.some((r) => r.contract === c?.contract && r.major === c?.major);
  });
  if (missing.length > 0) return `the report does not cover ${missing.map((ns) => contractByNamespace(ns)?.contract ?? ns).join(', ')}`;
  if (!report.ok) {
    // Reports before version 2 have no noData count.
    const noData = (report.summary as { noData?: number }).noData ?? 0;
    return `the conformance report did not pass: ${report.summary.failed} check${report.summary.failed === 1 ? '' : 's'} failed${noData > 0 ? `, ${noData} had no data to check with` : ''}`;
  }
  return null;
}

/**
 * Records the next step. CONFLICT when it is done already or not the next one; INPUT_INVALID
 * when what it needs is missing (an endpoint for the routing, a passing report). Its effects
 * on the routing table are in the same transaction as the step and its audit entry.
 */
export async function completeStep(db: Db, actor: AuditActor, connectionId: number, input: CompleteStepInput, now: Date): Promise<Connection> {
  const note = input.note?.trim() || null;
  if (note !== null && note.length > MAX_NOTE) throw invalid([{ field: 'note', message: `at most ${MAX_NOTE} characters` }]);
  const definition = ONBOARDING_STEPS[input.step as OnboardingStepId] as (typeof ONBOARDING_STEPS)[OnboardingStepId] | undefined;
  if (!definition) throw invalid([{ field: 'step', message: 'is not an onboarding step' }]);

  await db.transaction(async (tx) => {
    // The row lock serialises two administrators completing steps of one connection at once.
    const [row] = await tx.select().from(producerConnection).where(eq(producerConnection.id, connectionId)).for('update');
    if (!row) throw new JournalenError('NOT_FOUND', 'no such producer connection');
    const steps = await tx.select().from(onboardingStep).where(eq(onboardingStep.connectionId, connectionId));
    const connection = toConnection(row, steps);
    const order = STEP_ORDER[connection.kind];
    const title = (s: OnboardingStepId) => ONBOARDING_STEPS[s].title.en;
    if (!order.includes(definition.id)) {
      throw new JournalenError('CONFLICT', `'${title(definition.id)}' is not a step of this kind of connection`, { step: definition.id, nextStep: connection.nextStep });
    }
    if (connection.steps.some((s) => s.step === definition.id)) {
      throw new JournalenError('CONFLICT', `'${title(definition.id)}' is already done`, { step: definition.id, nextStep: connection.nextStep });
    }
    if (connection.nextStep !== definition.id) {
      const pending = order.slice(0, order.indexOf(definition.id)).filter((s) => !connection.steps.some((d) => d.step === s));
      throw new JournalenError('CONFLICT', `steps cannot be skipped: '${title(definition.id)}' needs ${pending.map((s) => `'${title(s)}'`).join(', ')} first; the next step is '${title(connection.nextStep!)}'`, {
        step: definition.id,
        nextStep: connection.nextStep,
      });
    }

    let report: ConformanceReport | null = null;
    const effect = definition.effect;
    if (effect.kind === 'verification') {
      const problem = reportProblem(connection, input.report);
      if (problem) throw new JournalenError('CONFLICT', problem, { step: definition.id, reason: 'verificationNotPassed' });
      report = input.report!;
    }
    if (effect.kind === 'routing') {
      const endpoint = connection.endpoints[effect.environment];
      if (endpoint === null) throw invalid([{ field: `endpoints.${effect.environment}`, message: `the ${effect.environment} endpoint is needed to configure the routing` }]);
      if (definition.id === 'live' && connection.kind === 'addInformationTypes' && connection.plannedProductionDate !== null && swedishDate(now) < connection.plannedProductionDate) {
        throw new JournalenError('CONFLICT', `added information types go live on the planned production date ${connection.plannedProductionDate} at the earliest`, { step: definition.id, reason: 'beforePlannedDate' });
      }
      const consumerHsaId = JOURNALEN_HSA_IDS[effect.environment].hsaId;
      for (const namespace of connection.contracts) {
        const version = contractByNamespace(namespace)!;
        await upsertRoute(tx, { logicalAddress: connection.logicalAddress, serviceContractNamespace: namespace, environment: effect.environment, endpointUrl: contractUrl(endpoint, connection.pathTemplate, version) });
        await grant(tx, { consumerHsaId, serviceContractNamespace: namespace, logicalAddress: connection.logicalAddress, environment: effect.environment });
      }
    }

    await tx.insert(onboardingStep).values({ connectionId, step: definition.id, doneBy: actor.id, doneByName: actor.name ?? null, doneAt: now, note, report: report as Record<string, unknown> | null });
    const before = connection.steps.at(-1)?.step ?? null;
    await appendAudit(tx, {
      kind: 'adminAction',
      actor,
      details: {
        action: 'onboardingStep',
        connectionId,
        regionCode: connection.regionCode,
        before: { lastStep: before },
        after: { lastStep: definition.id, ...(effect.kind === 'routing' ? { routed: effect.environment, contracts: connection.contracts.length } : {}), ...(report ? { reportOk: report.ok } : {}) },
      },
    });
  });
  return getConnection(db, connectionId);
}

/** The connection, when verification is its next step and it has a SIT endpoint; CONFLICT or INPUT_INVALID otherwise. */
export async function verificationTarget(db: Db, connectionId: number): Promise<Connection> {
  const before = await getConnection(db, connectionId);
  if (before.nextStep !== 'producerVerification') {
    throw new JournalenError('CONFLICT', `producer verification is not the next step${before.nextStep ? `; the next step is '${ONBOARDING_STEPS[before.nextStep].title.en}'` : ''}`, { nextStep: before.nextStep });
  }
  if (before.endpoints.sit === null) throw invalid([{ field: 'endpoints.sit', message: 'the SIT endpoint is needed for the verification' }]);
  return before;
}

/** The URL of each offered contract version at the SIT endpoint under the connection's path template, as the routing writes them. */
export function sitEndpoints(connection: Connection): Record<string, string> {
  const endpoint: Record<string, string> = {};
  for (const ns of connection.contracts) {
    const v = contractByNamespace(ns)!;
    endpoint[`${v.contract}/${v.major}`] = contractUrl(connection.endpoints.sit!, connection.pathTemplate, v);
  }
  return endpoint;
}

export interface VerificationRun {
  readonly report: ConformanceReport;
  readonly connection: Connection;
  /** Null when the step was completed; otherwise why not. */
  readonly problem: string | null;
}

/**
 * Runs the conformance suite against the connection's SIT endpoint for the contracts it offers,
 * keeps the report on the connection, and completes the verification step when it passes.
 * CONFLICT when verification is not the next step (running it early would prove nothing about
 * the routed endpoint).
 */
export async function runVerification(
  db: Db,
  actor: AuditActor,
  connectionId: number,
  options: { readonly now: Date; readonly note?: string | null; readonly verify?: Partial<VerifyProducerOptions> },
): Promise<VerificationRun> {
  const before = await verificationTarget(db, connectionId);
  const report = await verifyProducer({ now: () => options.now, ...options.verify, endpoint: sitEndpoints(before), logicalAddress: before.logicalAddress });
  await db.update(producerConnection).set({ lastVerification: report as unknown as Record<string, unknown> }).where(eq(producerConnection.id, connectionId));
  const problem = reportProblem(before, report);
  if (problem !== null) {
    await appendAudit(db, { kind: 'adminAction', actor, details: { action: 'verificationRun', connectionId, regionCode: before.regionCode, after: { ok: false, failed: report.summary.failed } } });
    return { report, connection: await getConnection(db, connectionId), problem };
  }
  const connection = await completeStep(db, actor, connectionId, { step: 'producerVerification', note: options.note ?? null, report }, options.now);
  return { report, connection, problem: null };
}

/** The contract versions an administrator can choose from, in the registry's order. */
export const OFFERABLE_CONTRACTS = CONTRACT_VERSIONS.map((c) => ({ namespace: c.responderNamespace, contract: c.contract, major: c.major, infoType: c.infoType }));
