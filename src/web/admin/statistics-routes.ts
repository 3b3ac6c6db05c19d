import type { FastifyPluginAsync } from 'fastify';
import { requireAdmin } from '../../admin/roles.js';
import { checkRange, gatherStatistics, statisticsCsv } from '../../admin/statistics/index.js';
import type { Db } from '../../db/connection.js';
import { pickLang } from '../i18n.js';
import { renderPage } from '../layout.js';
import { adminSession, html } from './operations-routes.js';
import { StatisticsPage } from './statistics-pages.js';

/** /admin/statistik and its CSV: national figures, for operators and auditors. */
export const registerStatisticsPages: FastifyPluginAsync<{ db: Db; now: () => Date }> = async (app, { db, now }) => {
  app.get<{ Querystring: { from?: string; to?: string } }>('/admin/statistik', async (request, reply) => {
    const admin = await requireAdmin(request, db, { action: 'read' });
    const data = await gatherStatistics(db, checkRange(request.query, now()));
    return html(reply, renderPage(StatisticsPage({ lang: pickLang(request.query), path: '/admin/statistik', session: adminSession(admin, reply), data })));
  });

  app.get<{ Querystring: { from?: string; to?: string } }>('/admin/statistik.csv', async (request, reply) => {
    await requireAdmin(request, db, { action: 'read' });
    const range = checkRange(request.query, now());
    const csv = statisticsCsv(await gatherStatistics(db, range));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="journalen-statistik-${range.from}-${range.to}.csv"`)
      .send(`\uFEFF${csv}`);
  });
};
