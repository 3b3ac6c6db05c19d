import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../../db/connection.js';
import { describePolicy } from '../../disclosure/describe.js';
import { findRegion } from '../../domain/regions.js';
import { JournalenError } from '../../errors/index.js';
import { policyInForce } from '../../registry/policies.js';
import { listEhrSystems, listRegionsWithSystems } from '../../registry/store.js';
import { pickLang } from '../i18n.js';
import { renderPage } from '../layout.js';
import { RegionRulesPage } from './region-rules.js';
import { RegionsPage } from './regions.js';
import { SystemProfilePage } from './system-profile.js';
import { SystemsMapPage } from './systems-map.js';
import { pickLevel, pickView } from '../map/systems-view.js';

/** Public pages, no login: the regions' systems (list, map, one page per system) and each region's disclosure rules. */
export const registerPublicPages: FastifyPluginAsync<{ db: Db; now: () => Date }> = async (app, { db, now }) => {
  app.get('/', async (request, reply) => {
    const [regions, systems] = await Promise.all([listRegionsWithSystems(db), listEhrSystems(db)]);
    return reply.type('text/html; charset=utf-8').send(renderPage(RegionsPage({ lang: pickLang(request.query), regions, systems })));
  });

  app.get<{ Params: { code: string } }>('/regioner/:code', async (request, reply) => {
    const region = findRegion(request.params.code);
    if (!region) throw new JournalenError('REGION_UNKNOWN', `no region with county code ${JSON.stringify(request.params.code)}`);
    const inForce = await policyInForce(db, region.code, now());
    if (!inForce) throw new JournalenError('NOT_FOUND', `no disclosure rules in force for ${region.name}`);
    const page = RegionRulesPage({
      lang: pickLang(request.query),
      code: region.code,
      name: region.name,
      silent: inForce.policy.assessment === 'silent',
      version: inForce.version,
      clauses: describePolicy(inForce.policy),
    });
    return reply.type('text/html; charset=utf-8').send(renderPage(page));
  });

  app.get('/journalsystem', async (request, reply) => {
    const [regions, systems] = await Promise.all([listRegionsWithSystems(db), listEhrSystems(db)]);
    const page = SystemsMapPage({ lang: pickLang(request.query), view: pickView(request.query), level: pickLevel(request.query), regions, systems });
    return reply.type('text/html; charset=utf-8').send(renderPage(page));
  });

  app.get<{ Params: { id: string } }>('/journalsystem/:id', async (request, reply) => {
    const [regions, systems] = await Promise.all([listRegionsWithSystems(db), listEhrSystems(db)]);
    const system = systems.find((s) => s.id === request.params.id);
    if (!system) throw new JournalenError('NOT_FOUND', `no record system with id ${JSON.stringify(request.params.id)}`);
    return reply.type('text/html; charset=utf-8').send(renderPage(SystemProfilePage({ lang: pickLang(request.query), system, systems, regions })));
  });
};
