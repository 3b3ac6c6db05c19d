import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isJournalenError } from '../errors/index.js';
import type { RecordService, SubjectRef } from '../record/service.js';
import { csrfToken } from './auth.js';
import { pickLang } from './i18n.js';
import { renderPage } from './layout.js';
import { NoticePage, OverviewPage } from './pages/my-record.js';
import { RECORD_WORDS } from './record-words.js';

/** The logged-in pages: the overview of the resident's own record and of each child's. */
export const registerRecordPages: FastifyPluginAsync<{ records: RecordService }> = async (app, { records }) => {
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

  const overview = async (request: FastifyRequest, reply: FastifyReply, ref: SubjectRef) => {
    const lang = pickLang(request.query);
    const got = sessionOr(request, reply);
    if (!got.session) return got.sent;
    const viewer = { personnummer: got.session.personnummer, ...(got.session.data.name ? { name: got.session.data.name } : {}) };
    const layoutSession = { name: got.session.data.name ?? null, csrf: csrfToken(reply) };
    const path = request.url.split('?')[0]!;
    try {
      const [view, children] = await Promise.all([records.overview(viewer, ref), records.children(viewer)]);
      return html(reply, renderPage(OverviewPage({ lang, path, session: layoutSession, overview: view, children })));
    } catch (error) {
      if (!isJournalenError(error, 'FORBIDDEN')) throw error;
      const text = lang === 'sv' && typeof error.details.sv === 'string' ? error.details.sv : error.message;
      return html(reply.code(403), renderPage(NoticePage({ lang, path, title: RECORD_WORDS[lang].refusedRecordTitle, text, session: layoutSession, action: { href: '/min-journal', label: RECORD_WORDS[lang].myRecord } })));
    }
  };

  app.get('/min-journal', (request, reply) => overview(request, reply, { relation: 'self' }));
  app.get<{ Params: { handle: string } }>('/min-journal/barn/:handle', (request, reply) => overview(request, reply, { relation: 'guardian', child: request.params.handle }));

  app.get('/utloggad', async (request, reply) => {
    const lang = pickLang(request.query);
    const w = RECORD_WORDS[lang];
    return html(reply, renderPage(NoticePage({ lang, path: '/utloggad', title: w.loggedOutTitle, text: w.loggedOutText, action: { href: '/logga-in', label: w.logIn } })));
  });
};
