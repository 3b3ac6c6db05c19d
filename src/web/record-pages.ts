import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { INFO_TYPES, type InfoType } from '../domain/record.js';
import { findRegion, REGIONS, type RegionCode } from '../domain/regions.js';
import { parseIsoDate, type IsoDate } from '../domain/time.js';
import type { AccessLogPage as AccessLogData } from '../audit/index.js';
import type { Db } from '../db/connection.js';
import { isJournalenError, JournalenError } from '../errors/index.js';
import { residentActions } from '../record/resident.js';
import { parseItemKey, type RecordFilters, type RecordService, type RegionRef, type ShownItem, type SubjectRef, type Viewer } from '../record/service.js';
import { csrfToken } from './auth.js';
import { pickLang, withLang, type Lang } from './i18n.js';
import { renderPage } from './layout.js';
import { NEW_ITEMS_SHOWN, NoticePage, OverviewPage, RecordNoticePage } from './pages/my-record.js';
import { AccessLogPage, type LogEntry } from './pages/record/access-log-page.js';
import { basePath, frameOf, SECTION_SLUGS, TYPE_SLUGS, type Session, type SubjectFrame } from './pages/record/common.js';
import { ItemPage } from './pages/record/item-page.js';
import { CHOICES_PATH, SEAL_CONFIRM_PATH, SEAL_PATH, SealConfirmPage, SETTINGS_PATH, SettingsPage, type SealState, type SettingsMessage } from './pages/record/settings-page.js';
import { LIST_PARAMS, TypePage, type ListQuery, type Option } from './pages/record/type-page.js';
import { WithheldPage } from './pages/record/withheld-page.js';
import { PAGE_WORDS, RECORD_WORDS } from './record-words.js';

/**
 * The logged-in pages: a record's overview, one page per information type, an item in full,
 * what is shown later and why, the access log, for the resident's own record and each child's
 * (by opaque handle, never a personnummer); and the resident's settings.
 *
 * Handlers only translate: the record comes from the record service (access, disclosure,
 * audit). Settings, seals and the access log go through the JSON API in-process, so there is
 * one audited path that changes protections (this plugin is not given the database).
 */

export const PAGE_SIZE = 25;
const LOG_PAGE_SIZE = 25;

interface Ctx {
  readonly lang: Lang;
  readonly viewer: Viewer;
  readonly session: Session;
  readonly path: string;
}

type Handler = (ctx: Ctx, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export const registerRecordPages: FastifyPluginAsync<{ db: Db; records: RecordService }> = async (app, { db, records }) => {
  const resident = residentActions(db, records);
  const html = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);

  /** Logged in, or sent to log in (with a notice when the session has timed out). */
  const sessionOr = (request: FastifyRequest, reply: FastifyReply) => {
    const lang = pickLang(request.query);
    const w = RECORD_WORDS[lang];
    if (request.viewerSession) return { session: request.viewerSession };
    if (request.sessionExpired) {
      return { sent: html(reply.code(401), renderPage(NoticePage({ lang, path: '/', title: w.expiredTitle, text: w.expiredText, action: { href: `/logga-in?returnTo=${encodeURIComponent(request.url)}`, label: w.logIn } }))) };
    }
    return { sent: reply.redirect(`/logga-in?returnTo=${encodeURIComponent(request.url)}`, 303) };
  };

  /** The refusal of a whole record: inside the record's frame for the resident (a seal can be lifted there), else a notice. */
  const refuse = async (ctx: Ctx, reply: FastifyReply, ref: SubjectRef, error: JournalenError) => {
    const { lang } = ctx;
    const text = lang === 'sv' && typeof error.details.sv === 'string' ? error.details.sv : error.message;
    const title = RECORD_WORDS[lang].refusedRecordTitle;
    if (ref.relation === 'self') {
      const subject: SubjectFrame = { handle: 'self', relation: 'self', name: ctx.session.name ?? '' };
      const action = error.details.basis === 'ACCOUNT_SEALED' ? { href: SETTINGS_PATH, label: PAGE_WORDS[lang].settings } : undefined;
      return html(reply.code(403), renderPage(RecordNoticePage({ lang, path: ctx.path, session: ctx.session, subject, title, text, ...(action ? { action } : {}) })));
    }
    return html(reply.code(403), renderPage(NoticePage({ lang, path: ctx.path, title, text, session: ctx.session, action: { href: '/min-journal', label: RECORD_WORDS[lang].myRecord } })));
  };

  /** Every page: a session, the context, and a refusal page for FORBIDDEN / a 404 page with the session for NOT_FOUND. */
  const page = (refOf: (request: FastifyRequest) => SubjectRef, handler: Handler) => async (request: FastifyRequest, reply: FastifyReply) => {
    const got = sessionOr(request, reply);
    if (!got.session) return got.sent;
    const lang = pickLang(request.query);
    const ctx: Ctx = {
      lang,
      viewer: { personnummer: got.session.personnummer, ...(got.session.data.name ? { name: got.session.data.name } : {}) },
      session: { name: got.session.data.name ?? null, csrf: csrfToken(reply) },
      path: request.url.split('?')[0]!,
    };
    const ref = refOf(request);
    try {
      return await handler(ctx, request, reply);
    } catch (error) {
      if (isJournalenError(error, 'FORBIDDEN')) return refuse(ctx, reply, ref, error);
      if (isJournalenError(error, 'NOT_FOUND')) {
        const w = PAGE_WORDS[lang];
        return html(reply.code(404), renderPage(NoticePage({ lang, path: ctx.path, title: w.notFoundTitle, text: w.notFoundText, session: ctx.session, action: { href: basePath(ref.relation === 'self' ? 'self' : ref.child), label: w.overview } })));
      }
      throw error;
    }
  };

  const self = (): SubjectRef => ({ relation: 'self' });
  const child = (request: FastifyRequest): SubjectRef => ({ relation: 'guardian', child: (request.params as { handle: string }).handle });

  for (const [prefix, refOf] of [['/min-journal', self], ['/min-journal/barn/:handle', child]] as const) {
    app.get(prefix, page(refOf, (ctx, request, reply) => overview(ctx, reply, refOf(request))));
    for (const type of INFO_TYPES) {
      app.get(`${prefix}/${TYPE_SLUGS[type]}`, page(refOf, (ctx, request, reply) => list(ctx, request, reply, refOf(request), type)));
      app.get<{ Params: { key: string } }>(`${prefix}/${TYPE_SLUGS[type]}/post/:key`, page(refOf, (ctx, request, reply) => item(ctx, reply, refOf(request), type, (request.params as { key: string }).key)));
    }
    app.get(`${prefix}/${SECTION_SLUGS.whyNot}`, page(refOf, (ctx, request, reply) => whyNot(ctx, reply, refOf(request))));
    app.get(`${prefix}/${SECTION_SLUGS.accessLog}`, page(refOf, (ctx, request, reply) => accessLog(ctx, request, reply, refOf(request))));
  }

  async function overview(ctx: Ctx, reply: FastifyReply, ref: SubjectRef) {
    const [view, children] = await Promise.all([records.overview(ctx.viewer, ref, NEW_ITEMS_SHOWN), records.children(ctx.viewer)]);
    return html(reply, renderPage(OverviewPage({ lang: ctx.lang, path: ctx.path, session: ctx.session, overview: view, children })));
  }

  async function list(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, ref: SubjectRef, type: InfoType) {
    const { lang } = ctx;
    const { query, errors, filters } = readListQuery(request.query, lang);
    // Dates and words are the service's filters; unit, region and note type are picked from what
    // those leave, so the selects offer only what is there, and are applied here.
    const view = await records.read(ctx.viewer, ref, { infoTypes: [type], ...filters });
    const options = optionsOf(view.items, query);
    const matching = view.items.filter(
      (s) =>
        (query.unit === '' || unitOf(s) === query.unit) &&
        (query.region === '' || s.region?.code === query.region) &&
        (query.noteType === '' || s.item.codes[0]?.code === query.noteType),
    );
    const pageCount = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
    const current = Math.min(query.page, pageCount);
    const items = matching.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);
    return html(
      reply.code(errors.length > 0 ? 400 : 200),
      renderPage(
        TypePage({
          lang,
          path: ctx.path,
          session: ctx.session,
          subject: frameOf(view.subject),
          type,
          items,
          total: matching.length,
          query: { ...query, page: current },
          pageCount,
          pageSize: PAGE_SIZE,
          options,
          errors,
          sources: view.sources,
        }),
      ),
    );
  }

  async function item(ctx: Ctx, reply: FastifyReply, ref: SubjectRef, type: InfoType, key: string) {
    // A key of another type under this type's address is not found here (and not read).
    if (parseItemKey(key).infoType !== type) throw new JournalenError('NOT_FOUND', 'no such item in the record, or it is not shown');
    const { item: shown, view } = await records.item(ctx.viewer, ref, key);
    return html(reply, renderPage(ItemPage({ lang: ctx.lang, path: ctx.path, session: ctx.session, subject: frameOf(view.subject), shown, sources: view.sources })));
  }

  async function whyNot(ctx: Ctx, reply: FastifyReply, ref: SubjectRef) {
    // No items on this page: only what is withheld, and from which sources.
    const view = await records.read(ctx.viewer, ref, {}, { offset: 0, limit: 0 });
    const regions = new Map<RegionCode, RegionRef>();
    for (const h of view.withheld) if (h.region) regions.set(h.region.code, h.region);
    for (const s of view.sources) {
      for (const name of s.regionNames ?? []) {
        const r = REGIONS.find((x) => x.name === name);
        if (r) regions.set(r.code, { code: r.code, name: r.name });
      }
    }
    const sorted = [...regions.values()].sort((a, b) => a.code.localeCompare(b.code));
    return html(reply, renderPage(WithheldPage({ lang: ctx.lang, path: ctx.path, session: ctx.session, subject: frameOf(view.subject), withheld: view.withheld, regions: sorted, sources: view.sources })));
  }

  async function accessLog(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, ref: SubjectRef) {
    const { info, allowed, reason } = await records.subject(ctx.viewer, ref);
    if (!allowed) throw new JournalenError('FORBIDDEN', reason.en, { basis: reason.code, sv: reason.sv });
    const raw = (request.query as Record<string, unknown>).fran;
    const cursor = typeof raw === 'string' && /^[A-Za-z0-9_-]{1,100}$/.test(raw) ? raw : null;
    const who = ref.relation === 'self' ? 'self' : ref.child;
    let data: AccessLogData;
    try {
      data = await resident.accessLog(ctx.viewer, ref, { limit: LOG_PAGE_SIZE, cursor });
    } catch (error) {
      // A cursor that is not ours (edited by hand): start from the newest.
      if (cursor && isJournalenError(error, 'INPUT_INVALID')) return reply.redirect(withLang(ctx.path, ctx.lang), 303);
      throw error;
    }
    return html(
      reply,
      renderPage(
        AccessLogPage({
          lang: ctx.lang,
          path: ctx.path,
          session: ctx.session,
          subject: frameOf(info),
          entries: data.entries,
          olderHref: data.nextCursor ? `${ctx.path}?fran=${data.nextCursor}` : null,
          newestHref: cursor ? ctx.path : null,
        }),
      ),
    );
  }

  // Settings: the resident's own record only.
  const ownFrame = (ctx: Ctx): SubjectFrame => ({ handle: 'self', relation: 'self', name: ctx.session.name ?? '' });
  const redirectTo = (reply: FastifyReply, lang: Lang, path: string) => reply.redirect(withLang(path, lang), 303);

  async function settingsPage(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, error: string | null = null) {
    const [choices, seals] = await Promise.all([resident.choices(ctx.viewer), resident.seals(ctx.viewer)]);
    const saved = (request.query as Record<string, unknown>).sparat;
    const message: SettingsMessage | null = saved === 'val' ? 'saved' : saved === 'forseglat' ? 'sealed' : saved === 'havt' ? 'unsealed' : null;
    return html(reply.code(error ? 409 : 200), renderPage(SettingsPage({ lang: ctx.lang, path: SETTINGS_PATH, session: ctx.session, subject: ownFrame(ctx), choices, seals, message: error ? null : message, error })));
  }

  app.get(SETTINGS_PATH, page(self, (ctx, request, reply) => settingsPage(ctx, request, reply)));

  app.get(SEAL_CONFIRM_PATH, page(self, async (ctx, _request, reply) => html(reply, renderPage(SealConfirmPage({ lang: ctx.lang, path: SEAL_CONFIRM_PATH, session: ctx.session, subject: ownFrame(ctx), error: null })))));

  app.post(CHOICES_PATH, { preHandler: app.csrfProtection }, page(self, async (ctx, request, reply) => {
    const body = formOf(request);
    await resident.saveChoices(ctx.viewer, { showUnsigned: body.visaOsignerade === 'ja', hideRecent: body.doljNya === 'ja' });
    return redirectTo(reply, ctx.lang, `${SETTINGS_PATH}?sparat=val`);
  }));

  app.post(SEAL_PATH, { preHandler: app.csrfProtection }, page(self, async (ctx, request, reply) => {
    const body = formOf(request);
    const sealed = body.forseglad === 'ja';
    if (sealed && body.bekrafta !== 'ja') {
      const w = PAGE_WORDS[ctx.lang];
      return html(reply.code(400), renderPage(SealConfirmPage({ lang: ctx.lang, path: SEAL_CONFIRM_PATH, session: ctx.session, subject: ownFrame(ctx), error: w.confirmMissing })));
    }
    try {
      await resident.setAccountSeal(ctx.viewer, sealed);
    } catch (error) {
      // Care's seal: the resident cannot lift it; say so on the settings page.
      if (isJournalenError(error, 'FORBIDDEN')) return settingsPage(ctx, request, reply, PAGE_WORDS[ctx.lang].sealedByCare);
      throw error;
    }
    return redirectTo(reply, ctx.lang, `${SETTINGS_PATH}?sparat=${sealed ? 'forseglat' : 'havt'}`);
  }));

  app.get('/utloggad', async (request, reply) => {
    const lang = pickLang(request.query);
    const w = RECORD_WORDS[lang];
    return html(reply, renderPage(NoticePage({ lang, path: '/utloggad', title: w.loggedOutTitle, text: w.loggedOutText, action: { href: '/logga-in', label: w.logIn } })));
  });
};

const unitOf = (s: ShownItem) => s.item.careUnitHsaId ?? s.item.careUnit.hsaId ?? '';

/** The query as typed, trimmed and bounded; bad dates become messages, not filters. */
function readListQuery(raw: unknown, lang: Lang): { query: ListQuery; errors: { field: keyof ListQuery; message: string }[]; filters: RecordFilters } {
  const q = (raw ?? {}) as Record<string, unknown>;
  const text = (name: string, max: number) => {
    const v = q[name];
    return typeof v === 'string' ? v.trim().slice(0, max) : '';
  };
  const w = PAGE_WORDS[lang];
  const errors: { field: keyof ListQuery; message: string }[] = [];
  const date = (field: 'from' | 'to', label: string): IsoDate | undefined => {
    const v = text(LIST_PARAMS[field], 20);
    if (v === '') return undefined;
    const parsed = parseIsoDate(v);
    if (parsed === null) errors.push({ field, message: w.badDate(label) });
    return parsed ?? undefined;
  };
  const from = date('from', w.from);
  const to = date('to', w.to);
  if (from !== undefined && to !== undefined && from > to) errors.push({ field: 'from', message: w.badRange });
  const region = text(LIST_PARAMS.region, 2);
  const pageNumber = Number.parseInt(text(LIST_PARAMS.page, 6), 10);
  const query: ListQuery = {
    from: text(LIST_PARAMS.from, 20),
    to: text(LIST_PARAMS.to, 20),
    unit: text(LIST_PARAMS.unit, 64),
    region: findRegion(region) ? region : '',
    noteType: text(LIST_PARAMS.noteType, 64),
    q: text(LIST_PARAMS.q, 200),
    page: Number.isSafeInteger(pageNumber) && pageNumber > 0 ? pageNumber : 1,
  };
  const rangeOk = !(from !== undefined && to !== undefined && from > to);
  const filters: RecordFilters = {
    ...(from !== undefined && rangeOk ? { from } : {}),
    ...(to !== undefined && rangeOk ? { to } : {}),
    ...(query.q !== '' ? { text: query.q } : {}),
  };
  return { query, errors, filters };
}

/** The choices of the selects: what the items have, and what is chosen even if nothing has it now. */
function optionsOf(items: readonly ShownItem[], query: ListQuery): { units: Option[]; regions: Option[]; noteTypes: Option[] } {
  const units = new Map<string, string>();
  const regions = new Map<string, string>();
  const noteTypes = new Map<string, string>();
  for (const s of items) {
    const unit = unitOf(s);
    if (unit !== '') units.set(unit, s.item.careUnit.name ?? unit);
    if (s.region) regions.set(s.region.code, s.region.name);
    const code = s.item.infoType === 'note' ? s.item.codes[0] : undefined;
    if (code) noteTypes.set(code.code, code.displayName ?? code.code);
  }
  if (query.unit !== '' && !units.has(query.unit)) units.set(query.unit, query.unit);
  if (query.region !== '' && !regions.has(query.region)) regions.set(query.region, findRegion(query.region)?.name ?? query.region);
  if (query.noteType !== '' && !noteTypes.has(query.noteType)) noteTypes.set(query.noteType, query.noteType);
  const sorted = (m: Map<string, string>) => [...m].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label, 'sv'));
  return { units: sorted(units), regions: sorted(regions), noteTypes: sorted(noteTypes) };
}

function formOf(request: FastifyRequest): Record<string, string> {
  const body = request.body;
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
