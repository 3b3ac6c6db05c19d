import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { listConnections } from '../../admin/onboarding/index.js';
import { allows, requireAdmin, type AdminContext } from '../../admin/roles.js';
import type { Db } from '../../db/connection.js';
import type { RegistryCareLevel } from '../../db/schema.js';
import { listEhrSystems, listRegionsWithSystems, plannedChangeConnections, setRegionSystem } from '../../registry/store.js';
import { pickLang, withLang } from '../i18n.js';
import { renderPage } from '../layout.js';
import { adminSession, fieldErrorsOf, formList, formString, html } from './operations-routes.js';
import type { FieldError } from './operations-frame.js';
import { RegistryPage } from './registry-pages.js';

/** /admin/journalsystem: the operator edits the registry behind the public map; auditors read it. */
export const registerRegistryPages: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  async function page(request: FastifyRequest, reply: FastifyReply, admin: AdminContext, form: Record<string, string | string[]>, errors: readonly FieldError[]) {
    const [regions, systems, connections, needs] = await Promise.all([listRegionsWithSystems(db), listEhrSystems(db), listConnections(db, 'all'), plannedChangeConnections(db)]);
    return html(
      reply,
      renderPage(
        RegistryPage({
          lang: pickLang(request.query),
          path: '/admin/journalsystem',
          session: adminSession(admin, reply),
          regions,
          systems: systems.map((s) => ({ id: s.id, name: s.name })),
          connections,
          needs,
          canWrite: allows(admin.grants, { action: 'write' }),
          form,
          errors,
        }),
      ),
    );
  }

  app.get('/admin/journalsystem', async (request, reply) => page(request, reply, await requireAdmin(request, db, { action: 'read' }), {}, []));

  app.post('/admin/journalsystem', { preHandler: app.csrfProtection }, async (request, reply) => {
    const admin = await requireAdmin(request, db, { action: 'write' });
    const body = (request.body ?? {}) as Record<string, unknown>;
    const ids = formList(body, 'connectionIds');
    try {
      await setRegionSystem(db, admin.actor, {
        regionCode: formString(body, 'regionCode'),
        careLevel: formString(body, 'careLevel') as RegistryCareLevel,
        systemId: formString(body, 'systemId') || null,
        note: formString(body, 'note'),
        connectionIds: ids.map((id) => (/^\d{1,15}$/.test(id) ? Number(id) : 0)),
      });
      return reply.redirect(withLang('/admin/journalsystem', pickLang(request.query)), 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      reply.code(400);
      return page(request, reply, admin, { regionCode: formString(body, 'regionCode'), careLevel: formString(body, 'careLevel'), systemId: formString(body, 'systemId'), note: formString(body, 'note'), connectionIds: ids }, errors);
    }
  });
};
