import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { tryParsePersonalIdentity } from '../domain/identifiers/index.js';
import { isInfoType, type InfoType } from '../domain/record.js';
import { parseIsoDate, type IsoDate } from '../domain/time.js';
import { JournalenError } from '../errors/index.js';
import type { RecordService, SubjectRef, Viewer } from '../record/service.js';
import { csrfToken } from './auth.js';
import { AnalysesPage, AnalysisPage, GrowthPage } from './charts/pages.js';
import { analysesIn, analysisSeries, growthSeries, isAnalysisCode } from './charts/series.js';
import { pickLang, type Lang } from './i18n.js';
import { renderPage } from './layout.js';
import { PrintFormPage } from './print/form-page.js';
import { buildRecordPdf, MAX_PRINT_ITEMS, pdfFilename, type PrintSelection } from './print/pdf.js';

/**
 * Lab results over time, a child's growth, and the printout. Every page and the PDF read the
 * record through `records.read`, so the access rules, the disclosure rules and the audit entry
 * apply exactly as on the other record pages; handlers only translate. A child's pages are under
 * the child's opaque handle, never a personnummer.
 */

type Params = { handle?: string; code?: string };

interface Context {
  readonly lang: Lang;
  readonly viewer: Viewer;
  readonly ref: SubjectRef;
  readonly base: string;
  readonly path: string;
  readonly session: { name: string | null; csrf: string };
}

export const registerChartAndPrintPages: FastifyPluginAsync<{ records: RecordService }> = async (app, { records }) => {
  const html = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);

  /** The logged-in context, or null after sending the visitor to log in (as the record pages do). */
  function context(request: FastifyRequest<{ Params: Params }>, reply: FastifyReply): Context | null {
    const session = request.viewerSession;
    if (!session) {
      // An expired session gets the same notice as elsewhere, through the error handler.
      if (request.sessionExpired) throw new JournalenError('SESSION_EXPIRED', 'your session has expired; please log in again');
      void reply.redirect(`/logga-in?returnTo=${encodeURIComponent(request.url)}`, 303);
      return null;
    }
    const handle = request.params.handle;
    const ref: SubjectRef = handle === undefined ? { relation: 'self' } : { relation: 'guardian', child: handle };
    return {
      lang: pickLang(request.query),
      viewer: { personnummer: session.personnummer, ...(session.data.name ? { name: session.data.name } : {}) },
      ref,
      base: handle === undefined ? '/min-journal' : `/min-journal/barn/${encodeURIComponent(handle)}`,
      path: request.url.split('?')[0]!,
      session: { name: session.data.name ?? null, csrf: csrfToken(reply) },
    };
  }

  // ---- Lab results over time -------------------------------------------------------------------

  const analyses = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const c = context(request, reply);
    if (!c) return reply;
    const view = await records.read(c.viewer, c.ref, { infoTypes: ['labResult'] });
    return html(reply, renderPage(AnalysesPage({ lang: c.lang, path: c.path, session: c.session, base: c.base, analyses: analysesIn(view.items) })));
  };

  const analysis = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const code = request.params.code ?? '';
    const c = context(request, reply);
    if (!c) return reply;
    // A malformed code cannot name an analysis: answer as for an unknown one, without reading the record.
    if (!isAnalysisCode(code)) throw new JournalenError('NOT_FOUND', 'no such analysis in the record');
    const view = await records.read(c.viewer, c.ref, { infoTypes: ['labResult'] });
    const series = analysisSeries(view.items, code);
    if (!series) throw new JournalenError('NOT_FOUND', 'no such analysis in the record');
    return html(reply, renderPage(AnalysisPage({ lang: c.lang, path: c.path, session: c.session, base: c.base, series })));
  };

  app.get<{ Params: Params }>('/min-journal/provsvar/analys', analyses);
  app.get<{ Params: Params }>('/min-journal/barn/:handle/provsvar/analys', analyses);
  app.get<{ Params: Params }>('/min-journal/provsvar/analys/:code', analysis);
  app.get<{ Params: Params }>('/min-journal/barn/:handle/provsvar/analys/:code', analysis);

  // ---- Growth ------------------------------------------------------------------------------------

  app.get<{ Params: Params }>('/min-journal/barn/:handle/tillvaxt', async (request, reply) => {
    const c = context(request, reply);
    if (!c) return reply;
    // Growth measurements are in the child health notes (BVC); the read is audited as any other.
    const view = await records.read(c.viewer, c.ref, { infoTypes: ['note'] });
    // The age axis needs the birth date; it is read from the number here and goes no further.
    const number = await records.subjectNumber(c.viewer, c.ref);
    const parsed = tryParsePersonalIdentity(number);
    const rows = parsed.ok ? growthSeries(view.items, parsed.value.birthDate) : [];
    const childName = [view.subject.givenName, view.subject.familyName].filter(Boolean).join(' ');
    return html(reply, renderPage(GrowthPage({ lang: c.lang, path: c.path, session: c.session, base: c.base, childName, rows })));
  });

  // ---- Print -------------------------------------------------------------------------------------

  const printForm = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const c = context(request, reply);
    if (!c) return reply;
    // Who the record is of, and whether it may be read at all; no record content, so not audited.
    const subject = await records.subject(c.viewer, c.ref);
    if (!subject.allowed) throw new JournalenError('FORBIDDEN', subject.reason.en, { basis: subject.reason.code, sv: subject.reason.sv });
    const childName = c.ref.relation === 'self' ? null : [subject.info.givenName, subject.info.familyName].filter(Boolean).join(' ');
    return html(reply, renderPage(PrintFormPage({ lang: c.lang, path: c.path, session: c.session, base: c.base, childName })));
  };

  const printPdf = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const c = context(request, reply);
    if (!c) return reply;
    const selection = parseSelection(request.query);
    const view = await records.read(
      c.viewer,
      c.ref,
      { ...(selection.infoTypes.length > 0 ? { infoTypes: selection.infoTypes } : {}), ...(selection.from ? { from: selection.from } : {}), ...(selection.to ? { to: selection.to } : {}) },
      // The audit entry names exactly what goes into the file.
      { offset: 0, limit: MAX_PRINT_ITEMS },
    );
    const pdf = await buildRecordPdf({ lang: c.lang, view, selection });
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="${pdfFilename(c.lang, view.generatedAt)}"`)
      // Health data: never kept by a shared cache or the browser's cache.
      .header('cache-control', 'no-store')
      .send(pdf);
  };

  app.get<{ Params: Params }>('/min-journal/utskrift', printForm);
  app.get<{ Params: Params }>('/min-journal/barn/:handle/utskrift', printForm);
  app.get<{ Params: Params }>('/min-journal/utskrift.pdf', printPdf);
  app.get<{ Params: Params }>('/min-journal/barn/:handle/utskrift.pdf', printPdf);
};

/** The form's query: `typ` (repeatable information types), `fran` and `till` (YYYY-MM-DD, inclusive). */
export function parseSelection(query: unknown): PrintSelection {
  const q = (query ?? {}) as Record<string, unknown>;
  const raw = q.typ === undefined ? [] : Array.isArray(q.typ) ? q.typ : [q.typ];
  const infoTypes: InfoType[] = [];
  for (const t of raw) {
    if (!isInfoType(t)) throw new JournalenError('INPUT_INVALID', `typ: unknown information type ${JSON.stringify(String(t)).slice(0, 40)}`, { field: 'typ' });
    if (!infoTypes.includes(t)) infoTypes.push(t);
  }
  const date = (field: 'fran' | 'till'): IsoDate | undefined => {
    const value = q[field];
    if (value === undefined || value === '') return undefined;
    const parsed = typeof value === 'string' ? parseIsoDate(value) : null;
    if (!parsed) throw new JournalenError('INPUT_INVALID', `${field}: expected a date YYYY-MM-DD`, { field });
    return parsed;
  };
  const from = date('fran');
  const to = date('till');
  if (from && to && from > to) throw new JournalenError('INPUT_INVALID', 'fran: the period starts after it ends', { field: 'fran' });
  return { infoTypes, ...(from ? { from } : {}), ...(to ? { to } : {}) };
}
