import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { allows, regionsAllowed, requireAdmin, rolesOf, type AdminContext } from '../../admin/roles.js';
import { completeStep, createAgent, createConnection, getConnection, latestVerificationJob, listAgents, listConnections, startVerificationJob, type ConnectionInput, type OnboardingStepId, type VerificationJob } from '../../admin/onboarding/index.js';
import type { VerifyProducerOptions } from '../../conformance/index.js';
import { renderReportHtml } from '../../conformance/index.js';
import type { Db } from '../../db/connection.js';
import type { ConnectionKind } from '../../db/schema.js';
import { isRegionCode, REGION_CODES, type RegionCode } from '../../domain/regions.js';
import { isJournalenError, JournalenError } from '../../errors/index.js';
import { listEhrSystems } from '../../registry/store.js';
import { csrfToken, requireSession } from '../auth.js';
import { pickLang, withLang } from '../i18n.js';
import { renderPage } from '../layout.js';
import { AgentsPage, ConnectionPage, ConnectionsPage, type ConnectionFormValues } from './onboarding-pages.js';
import type { AdminSession, FieldError } from './operations-frame.js';
import { registerRegistryPages } from './registry-routes.js';
import { registerStatisticsPages } from './statistics-routes.js';

/**
 * The operations pages: producer onboarding, agents, the journal systems registry and the
 * statistics. Every handler asks `requireAdmin` first (a resident gets 403 whatever the page),
 * every post needs the CSRF token, and the work is done by the libraries in src/admin/.
 */

export interface OperationsOptions {
  readonly db: Db;
  readonly now: () => Date;
  /** Overrides for the conformance suite run by the verification step (tests: schema folder, residents). */
  readonly verify?: Partial<VerifyProducerOptions>;
  /** Told when a background verification has finished (tests wait on it). */
  readonly onVerificationDone?: (job: VerificationJob) => void;
}

export const html = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);

/** Steps on the platform's side: approvals, orders that write routing, going live. */
const OPERATOR_STEPS: ReadonlySet<string> = new Set(['preStudyApproved', 'sitOrder', 'qaOrder', 'endToEndTests', 'productionOrder', 'live']);

/** Any administrator (reading something); FORBIDDEN for everyone else, as requireAdmin. */
export async function anyAdmin(request: FastifyRequest, db: Db): Promise<AdminContext> {
  const session = requireSession(request);
  const grants = await rolesOf(db, session.personnummer);
  if (grants.length === 0) throw new JournalenError('FORBIDDEN', 'this page is for administrators of Journalen');
  const name = session.data.name ?? null;
  return { personnummer: session.personnummer, name, grants, actor: { id: session.personnummer, role: 'administrator', name } };
}

export const adminSession = (admin: AdminContext, reply: FastifyReply): AdminSession => ({ name: admin.name, csrf: csrfToken(reply) });
export const pathOf = (request: FastifyRequest) => request.url.split('?')[0]!;

/** A form field as one string (the first, when sent more than once). */
export const formString = (body: Record<string, unknown>, key: string): string => {
  const v = body[key];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : '';
  return typeof v === 'string' ? v : '';
};
export const formList = (body: Record<string, unknown>, key: string): string[] => {
  const v = body[key];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' && v !== '' ? [v] : [];
};
const lines = (text: string) => text.split(/[\s,;]+/).map((s) => s.trim()).filter((s) => s !== '');

/** The library's field errors, for a form; null for any other error (rethrown). */
export function fieldErrorsOf(error: unknown): FieldError[] | null {
  if (!isJournalenError(error) || (error.code !== 'JOURNALEN_INPUT_INVALID' && error.code !== 'JOURNALEN_IDENTIFIER_INVALID')) return null;
  const listed = error.details.errors;
  if (Array.isArray(listed)) return listed as FieldError[];
  return [{ field: typeof error.details.field === 'string' ? error.details.field : '', message: error.message }];
}

const writableRegionsOf = (admin: AdminContext): RegionCode[] => {
  const allowed = regionsAllowed(admin.grants, 'write');
  return allowed === 'all' ? [...REGION_CODES] : allowed;
};

export const registerAdminOperationsPages: FastifyPluginAsync<OperationsOptions> = async (app, options) => {
  const { db, now } = options;
  const forms = { preHandler: app.csrfProtection };

  const systemOptions = async () => (await listEhrSystems(db)).map((s) => ({ id: s.id, name: s.name }));

  async function connectionsPage(request: FastifyRequest, reply: FastifyReply, admin: AdminContext, form: ConnectionFormValues, errors: readonly FieldError[]) {
    const lang = pickLang(request.query);
    const readable = regionsAllowed(admin.grants, 'read');
    const [connections, systems, agents] = await Promise.all([listConnections(db, readable), systemOptions(), listAgents(db)]);
    return html(reply, renderPage(ConnectionsPage({ lang, path: '/admin/anslutningar', session: adminSession(admin, reply), connections, writableRegions: writableRegionsOf(admin), systems, agents, form, errors })));
  }

  app.get('/admin/anslutningar', async (request, reply) => {
    const admin = await anyAdmin(request, db);
    return connectionsPage(request, reply, admin, {}, []);
  });

  app.post('/admin/anslutningar', forms, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const regionCode = formString(body, 'regionCode');
    // The role check comes first: whoever may not write for that region learns nothing from validation.
    const admin = await requireAdmin(request, db, { action: 'write', regionCode: isRegionCode(regionCode) ? regionCode : null });
    const agentId = formString(body, 'agentId');
    const input: ConnectionInput = {
      kind: (formString(body, 'kind') || 'new') as ConnectionKind,
      regionCode,
      careProviderHsaIds: lines(formString(body, 'careProviderHsaIds')),
      sourceSystemId: formString(body, 'sourceSystemId'),
      sourceSystemName: formString(body, 'sourceSystemName'),
      agentId: agentId === '' ? null : /^\d{1,15}$/.test(agentId) ? Number(agentId) : -1,
      logicalAddress: formString(body, 'logicalAddress'),
      contracts: formList(body, 'contracts'),
      endpoints: { sit: formString(body, 'endpoints.sit'), qa: formString(body, 'endpoints.qa'), production: formString(body, 'endpoints.production') },
      // The form offers the platform's template first; a post without the field means the simulators' (the library's default).
      pathTemplate: formString(body, 'pathTemplate'),
      plannedProductionDate: formString(body, 'plannedProductionDate'),
    };
    try {
      const created = await createConnection(db, admin.actor, input, now());
      return reply.redirect(withLang(`/admin/anslutningar/${created.id}`, pickLang(request.query)), 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      const form: ConnectionFormValues = Object.fromEntries(Object.entries(body).filter(([k]) => k !== '_csrf').map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)]));
      reply.code(400);
      return connectionsPage(request, reply, admin, form, errors);
    }
  });

  /** A connection, or FORBIDDEN for a regional administrator whatever the id: "no such id" would tell which ids exist. */
  const findConnection = async (admin: AdminContext, id: number) => {
    try {
      return await getConnection(db, id);
    } catch (error) {
      if (isJournalenError(error, 'NOT_FOUND') && !allows(admin.grants, { action: 'read' })) throw new JournalenError('FORBIDDEN', 'your role does not allow this');
      throw error;
    }
  };
  const connectionId = (raw: string) => (/^\d{1,15}$/.test(raw) ? Number(raw) : 0);

  async function connectionPage(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, error: string | null, note: string) {
    const lang = pickLang(request.query);
    const anyone = await anyAdmin(request, db);
    const connection = await findConnection(anyone, connectionId(request.params.id));
    const admin = await requireAdmin(request, db, { action: 'read', regionCode: connection.regionCode });
    const systems = await systemOptions();
    const agents = connection.agentId !== null ? await listAgents(db) : [];
    const job = await latestVerificationJob(db, connection.id, { now: now() });
    const systemName = connection.sourceSystemId ? (systems.find((s) => s.id === connection.sourceSystemId)?.name ?? connection.sourceSystemId) : (connection.sourceSystemName ?? '');
    return html(
      reply,
      renderPage(
        ConnectionPage({
          lang,
          path: pathOf(request),
          session: adminSession(anyone, reply),
          connection,
          systemName,
          agentName: agents.find((a) => a.id === connection.agentId)?.name ?? null,
          canWrite: allows(admin.grants, { action: 'write', regionCode: connection.regionCode }),
          error,
          note,
          job,
        }),
      ),
    );
  }

  app.get<{ Params: { id: string } }>('/admin/anslutningar/:id', (request, reply) => connectionPage(request, reply, null, ''));

  app.post<{ Params: { id: string } }>('/admin/anslutningar/:id/steg', forms, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const asker = await anyAdmin(request, db);
    const id = connectionId(request.params.id);
    const connection = await findConnection(asker, id);
    const admin = await requireAdmin(request, db, { action: 'write', regionCode: connection.regionCode });
    const step = formString(body, 'step') as OnboardingStepId;
    const note = formString(body, 'note');
    // The platform's side of the process (approving, configuring routing, going live) is the
    // national operator's: a care provider administrator could otherwise point any logical
    // address, another region's included, at an endpoint of their choosing.
    if (OPERATOR_STEPS.has(step) && !allows(admin.grants, { action: 'write' })) {
      throw new JournalenError('FORBIDDEN', 'this step is done by the national operator (Inera\'s side of the process)', { sv: 'Det här steget görs av den nationella förvaltningen.' });
    }
    try {
      if (step === 'producerVerification') {
        // Queued and run in the background: the page shows its progress and then the report.
        const started = await startVerificationJob(db, admin.actor, id, { now, note, testPatients: formString(body, 'testPatients'), ...(options.verify ? { verify: options.verify } : {}) });
        if (options.onVerificationDone) void started.done.then(options.onVerificationDone);
      } else {
        await completeStep(db, admin.actor, id, { step, note }, now());
      }
      return reply.redirect(withLang(`/admin/anslutningar/${id}`, pickLang(request.query)), 303);
    } catch (error) {
      if (!isJournalenError(error) || !['JOURNALEN_CONFLICT', 'JOURNALEN_INPUT_INVALID'].includes(error.code)) throw error;
      reply.code(error.statusCode);
      return connectionPage(request, reply, error.message, note);
    }
  });

  /** The attached report (`?steg=1`) or the newest run, as the suite renders it; `.json` as JSON. */
  app.get<{ Params: { id: string }; Querystring: { steg?: string; format?: string } }>('/admin/anslutningar/:id/rapport', async (request, reply) => {
    const asker = await anyAdmin(request, db);
    const connection = await findConnection(asker, connectionId(request.params.id));
    await requireAdmin(request, db, { action: 'read', regionCode: connection.regionCode });
    const report = request.query.steg ? connection.steps.find((s) => s.report)?.report : connection.lastVerification;
    if (!report) throw new JournalenError('NOT_FOUND', 'no conformance report for this connection');
    if (request.query.format === 'json') return reply.type('application/json; charset=utf-8').send(report);
    return html(reply, renderReportHtml(report, pickLang(request.query)));
  });

  app.get('/admin/ombud', async (request, reply) => {
    const admin = await requireAdmin(request, db, { action: 'read' });
    const lang = pickLang(request.query);
    return html(reply, renderPage(AgentsPage({ lang, path: '/admin/ombud', session: adminSession(admin, reply), agents: await listAgents(db), canWrite: allows(admin.grants, { action: 'write' }), form: {}, errors: [] })));
  });

  app.post('/admin/ombud', forms, async (request, reply) => {
    const admin = await requireAdmin(request, db, { action: 'write' });
    const body = (request.body ?? {}) as Record<string, unknown>;
    const lang = pickLang(request.query);
    try {
      await createAgent(db, admin.actor, {
        name: formString(body, 'name'),
        organisationNumber: formString(body, 'organisationNumber'),
        agreementReference: formString(body, 'agreementReference'),
        careProviderHsaIds: lines(formString(body, 'careProviderHsaIds')),
      });
      return reply.redirect(withLang('/admin/ombud', lang), 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      const form = Object.fromEntries(['name', 'organisationNumber', 'agreementReference', 'careProviderHsaIds'].map((k) => [k, formString(body, k)]));
      return html(reply.code(400), renderPage(AgentsPage({ lang, path: '/admin/ombud', session: adminSession(admin, reply), agents: await listAgents(db), canWrite: true, form, errors })));
    }
  });

  await app.register(registerRegistryPages, { db });
  await app.register(registerStatisticsPages, { db, now });
};
