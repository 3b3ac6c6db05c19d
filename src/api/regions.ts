import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../db/connection.js';
import { findRegion } from '../domain/regions.js';
import { JournalenError } from '../errors/index.js';
import { policyInForce } from '../registry/policies.js';
import { listRegionsWithSystems } from '../registry/store.js';

/** Public reference data as JSON: the regions, their systems and the rules in force. */
export const registerRegionsApi: FastifyPluginAsync<{ db: Db; now: () => Date }> = async (app, { db, now }) => {
  app.get('/regions', async () => ({ regions: await listRegionsWithSystems(db) }));

  app.get<{ Params: { code: string } }>('/regions/:code/disclosure-policy', async (request) => {
    const region = findRegion(request.params.code);
    if (!region) throw new JournalenError('REGION_UNKNOWN', `no region with county code ${JSON.stringify(request.params.code)}`, { field: 'code' });
    const inForce = await policyInForce(db, region.code, now());
    if (!inForce) throw new JournalenError('NOT_FOUND', `no disclosure rules in force for ${region.name}`);
    return { region: { code: region.code, name: region.name }, version: inForce.version, effectiveFrom: inForce.effectiveFrom, policy: inForce.policy };
  });
};
